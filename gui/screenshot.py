"""Rendering the window offscreen (``goldspan screenshot``, the README picture)."""

from __future__ import annotations

import getpass
from pathlib import Path

from ..core.store import Store
from .app import build_window, make_app


def render(store: Store, doc: int, annotator: str | None, out: Path, *, width: int = 1400,
           height: int = 860, dark: bool = False) -> Path:
    app = make_app()
    if dark:
        from .theme import apply_dark_palette

        apply_dark_palette(app)
    window = build_window(store, annotator or _user(), model=None, suggest=False, doc=doc)
    window.resize(width, height)
    window.show()
    for _ in range(5):
        app.processEvents()
    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = out.with_name(out.name + ".partial.png")
    if not window.grab().save(str(tmp), "PNG"):
        raise OSError(f"cannot write {out}")
    tmp.replace(out)
    window.close()
    return out


def _user() -> str:
    try:
        return getpass.getuser()
    except Exception:  # noqa: BLE001
        return "analyst"
