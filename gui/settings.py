"""Per-user GUI settings (annotator name, model, window geometry, zoom, theme),
in an INI file in the user data folder so tests can isolate them (GOLDSPAN_HOME).

The saved annotator and model change only in Project → Settings. ``--annotator`` and
``--model`` on the command line are for that run: ``goldspan gui --annotator re3d``
(to look at an imported version) used to save re3d, and the next plain ``goldspan``
then edited re3d's version without a word (issue 14, item 6).
"""

from __future__ import annotations

import getpass
from dataclasses import dataclass

from PySide6.QtCore import QSettings

from ..core.paths import data_dir

COMMAND_LINE = "command line"
SAVED = "settings"
SYSTEM = "system"


def settings() -> QSettings:
    d = data_dir()
    d.mkdir(parents=True, exist_ok=True)
    return QSettings(str(d / "settings.ini"), QSettings.Format.IniFormat)


@dataclass(frozen=True)
class AnnotatorChoice:
    """Who annotates, and why: ``source`` is COMMAND_LINE (``--annotator``, this run
    only), SAVED (Project → Settings) or SYSTEM (the OS user; nothing saved yet);
    ``saved`` is the saved name, if any, whatever this run uses."""

    name: str
    source: str
    saved: str | None

    def explain(self) -> str:
        """The tooltip of the window's annotator field: where the name came from."""
        where = f"{data_dir() / 'settings.ini'}"
        if self.source == COMMAND_LINE:
            keep = (f"the saved annotator is still {self.saved}" if self.saved
                    else "no annotator is saved")
            return (f"From --annotator on the command line: for this run only ({keep}; "
                    "Project → Settings changes it).")
        if self.source == SAVED:
            return f"Saved in Project → Settings ({where}); click to change it."
        return ("Your system user name: no annotator is saved yet; Project → Settings "
                "saves one.")


def annotator_choice(cli_value: str | None) -> AnnotatorChoice:
    """``--annotator`` (not saved), else the saved setting, else the OS user."""
    saved = settings().value("annotator")
    saved_name = str(saved) if saved else None
    if cli_value:
        return AnnotatorChoice(cli_value, COMMAND_LINE, saved_name)
    if saved_name:
        return AnnotatorChoice(saved_name, SAVED, saved_name)
    return AnnotatorChoice(system_user(), SYSTEM, None)


def choice_for(name: str) -> AnnotatorChoice:
    """Where a name handed to the window stands: the saved one, the system's user
    name with nothing saved, or a name for this run only."""
    saved = settings().value("annotator")
    saved_name = str(saved) if saved else None
    if name == saved_name:
        return AnnotatorChoice(name, SAVED, saved_name)
    if saved_name is None and name == system_user():
        return AnnotatorChoice(name, SYSTEM, None)
    return AnnotatorChoice(name, COMMAND_LINE, saved_name)


def resolve_annotator(cli_value: str | None) -> str:
    """``--annotator``, else the saved setting, else the OS user (nothing is saved)."""
    return annotator_choice(cli_value).name


def save_annotator(name: str) -> None:
    """Project → Settings: the annotator of the next starts."""
    settings().setValue("annotator", name)


def system_user() -> str:
    try:
        return getpass.getuser() or "analyst"
    except Exception:  # noqa: BLE001 - no user name on this system
        return "analyst"


def model_name(cli_value: str | None = None) -> str:
    """``--model`` for this run (not saved), else the saved one, else en_core_web_sm."""
    if cli_value:
        return cli_value
    return str(settings().value("model", "en_core_web_sm"))
