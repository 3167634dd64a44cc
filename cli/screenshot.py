"""``goldspan screenshot``: the main window on one document, rendered offscreen as a
person would see it. Writes nothing to the database."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Optional

import typer

from ..core.errors import shown
from ..core.storage import MAX_ID
from .common import DbOption, clean_errors, open_store

# A side at most: the image is held in memory (8000 x 8000 is 256 MB); a huge --width
# raised OverflowError past Qt's limit, and below it asked for gigabytes.
MAX_SIDE = 8000


@clean_errors
def screenshot(
    db: Optional[Path] = DbOption,
    doc: int = typer.Option(..., "--doc", min=1, max=MAX_ID, help="Document id to show."),
    out: Path = typer.Option(..., "--out", help="PNG file to write."),
    annotator: Optional[str] = typer.Option(None, help="Whose version to show (default: your OS user)."),
    width: int = typer.Option(1400, min=400, max=MAX_SIDE, help="Window width in pixels."),
    height: int = typer.Option(860, min=300, max=MAX_SIDE, help="Window height in pixels."),
    dark: bool = typer.Option(False, help="Dark colours."),
) -> None:
    """Render the annotation window on a document to a PNG."""
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    with open_store(db, create=False) as store:
        store.document(doc)
        from goldspan.gui.screenshot import render

        render(store, doc, annotator, out, width=width, height=height, dark=dark)
    typer.echo(f"screenshot of document {doc} written to {shown(out)}")


def register(app: typer.Typer) -> None:
    app.command("screenshot")(screenshot)
