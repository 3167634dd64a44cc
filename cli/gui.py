"""``goldspan gui``: the annotation window (also what ``goldspan`` alone opens)."""

from __future__ import annotations

from pathlib import Path
from typing import Optional

import typer

from ..core.storage import MAX_ID
from .common import DbOption, clean_errors, db_path, model_notice


@clean_errors
def gui(
    db: Optional[Path] = DbOption,
    annotator: Optional[str] = typer.Option(None, help="Your name on the versions you save, for this run only (not saved: Project → Settings saves it). Default: the saved name, else your OS user."),
    doc: Optional[int] = typer.Option(None, min=1, max=MAX_ID, help="Open this document id first."),
    model: Optional[str] = typer.Option(None, help="spaCy pipeline for suggestions (package or folder), for this run only; default: the one saved in Project → Settings, else en_core_web_sm."),
) -> None:
    """Open the annotation window."""
    from ..core.errors import StoreError
    from ..core.labels import check_annotator

    if annotator:
        check_annotator(annotator)
    if db is not None and not db_path(db).exists():
        # the window has no import: an empty new database would be a dead end (a typo)
        raise StoreError(f"no such database; create it with 'goldspan import FILES --db {db}' "
                         "or leave out --db for the default one", path=db)
    if model is not None:
        model_notice(model)
    from goldspan.gui.app import run  # Qt only when a window is wanted

    raise typer.Exit(run(db, annotator, doc, model))


def register(app: typer.Typer) -> None:
    app.command("gui")(gui)
