"""``goldspan assign``: hand documents to annotators (their queue can then be limited
to them with ``goldspan gui --assigned`` or the queue's "Assigned to me")."""

from __future__ import annotations

from pathlib import Path
from typing import List, Optional

import typer

from ..core import assign as core_assign
from .common import DbOption, clean_errors, open_store


@clean_errors
def assign(
    annotators: List[str] = typer.Argument(..., help="Annotator names."),
    db: Optional[Path] = DbOption,
    docs: Optional[str] = typer.Option(None, "--docs", help="Document ids, e.g. 1-50,60 (default: all)."),
    per_doc: int = typer.Option(1, "--per-doc", min=1, help="Annotators per document (overlap for agreement)."),
    remove: bool = typer.Option(False, "--remove", help="Remove these annotators' assignments instead."),
) -> None:
    """Assign documents to annotators, round-robin, PER_DOC annotators per document."""
    with open_store(db, create=False) as store:
        ids = core_assign.document_ids(store, docs) if docs else None
        if remove:
            for name in annotators:
                n = store.unassign(name, ids)
                typer.echo(f"{name}: {n} assignments removed")
            return
        added = core_assign.assign(store, annotators, ids, per_doc)
        totals = store.assignment_counts()
        for name in annotators:
            typer.echo(f"{name}: {added[name]} new, {totals.get(name, 0)} assigned in all")


def register(app: typer.Typer) -> None:
    app.command("assign")(assign)
