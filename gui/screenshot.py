"""Rendering the window offscreen (``goldspan screenshot``, the README picture)."""

from __future__ import annotations

import getpass
from pathlib import Path

from ..core.outputs import Outputs, database_files
from ..core.storage import Store
from .app import build_window, make_app


def render(store: Store, doc: int, annotator: str | None, out: Path, *, width: int = 1400,
           height: int = 860, dark: bool = False) -> Path:
    """Write the PNG through :class:`Outputs`: ``out`` is checked (never the database, a
    device or a folder) before the window is built, and replaced only once complete."""
    with Outputs(protect=database_files(store.path)) as outputs:
        tmp = outputs.path(out)
        _render_to(store, doc, annotator, tmp, width=width, height=height, dark=dark)
    return Path(out)


def _render_to(store: Store, doc: int, annotator: str | None, tmp: Path, *, width: int,
               height: int, dark: bool) -> None:
    from .theme import apply_theme

    app = make_app()
    apply_theme(app, dark)  # the colours the window has in that mode, started or toggled
    window = build_window(store, annotator or _user(), model=None, suggest=False, doc=doc)
    window.resize(width, height)
    window.show()
    for _ in range(5):
        app.processEvents()
    saved = window.grab().save(str(tmp), "PNG")
    window.close()
    if not saved:  # Qt says no more than that; the folder was writable a moment ago
        raise OSError(0, "Qt could not write the PNG (is the disk full?)", str(tmp))


def _user() -> str:
    try:
        return getpass.getuser()
    except Exception:  # noqa: BLE001
        return "analyst"
