"""``goldspan delete``: documents, versions and unused labels out of the database
(thin wrapper over :func:`goldspan.core.deletion.delete`). No prompt: what goes is
named explicitly on the command line, and the line printed says what went."""

from __future__ import annotations

from pathlib import Path
from typing import List, Optional

import typer

from ..core.storage import MAX_ID
from .common import DbOption, clean_errors, open_store


@clean_errors
def delete(
    db: Optional[Path] = DbOption,
    doc: List[int] = typer.Option([], "--doc", min=1, max=MAX_ID, help="A document id (repeat for more): it "
                                  "goes with its versions, spans, suggestions and assignments."),
    version: List[str] = typer.Option([], "--version", help="DOC:ANNOTATOR, one annotator's "
                                      "version of a document (repeat for more)."),
    label: List[str] = typer.Option([], "--label", help="A label no span carries (repeat "
                                    "for more); refused while a span carries it."),
) -> None:
    """Delete documents, versions and unused labels, all or nothing (make a
    'goldspan backup' first if you may want them back)."""
    from ..core.deletion import delete as core_delete

    store = open_store(db, create=False)
    try:
        summary = core_delete(store, documents=doc, versions=version, labels=label)
    finally:
        store.close()
    typer.echo(summary.line())


def register(app: typer.Typer) -> None:
    app.command("delete")(delete)
