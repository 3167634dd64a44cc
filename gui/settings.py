"""Per-user GUI settings (annotator name, model, window geometry, zoom, theme),
in an INI file in the user data folder so tests can isolate them (GOLDSPAN_HOME)."""

from __future__ import annotations

import getpass

from PySide6.QtCore import QSettings

from ..core.paths import data_dir


def settings() -> QSettings:
    d = data_dir()
    d.mkdir(parents=True, exist_ok=True)
    return QSettings(str(d / "settings.ini"), QSettings.Format.IniFormat)


def resolve_annotator(cli_value: str | None) -> str:
    """``--annotator``, else the saved setting, else the OS user."""
    s = settings()
    if cli_value:
        s.setValue("annotator", cli_value)
        return cli_value
    saved = s.value("annotator")
    if saved:
        return str(saved)
    try:
        return getpass.getuser() or "analyst"
    except Exception:  # noqa: BLE001 - no user name on this system
        return "analyst"


def model_name(cli_value: str | None = None) -> str:
    s = settings()
    if cli_value:
        s.setValue("model", cli_value)
        return cli_value
    return str(s.value("model", "en_core_web_sm"))
