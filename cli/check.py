"""``goldspan check``: SQLite's integrity check plus goldspan's own invariants."""

from __future__ import annotations

from pathlib import Path
from typing import Optional

import typer

from ..core.errors import DamagedDatabaseError, shown
from .common import DbOption, clean_errors, db_path, open_store


@clean_errors
def check(db: Optional[Path] = DbOption) -> None:
    """Check the database; exit 1 and list the problems if there are any.

    Opened read-only (a read-only file or share can be checked; check never writes).
    Problems go to stderr, one line each naming table and row; notes (labels used
    but not in the label set, objects a user added to the schema) go to stdout and
    do not fail the check."""
    try:
        store = open_store(db, create=False, readonly=True)
    except DamagedDatabaseError as err:
        # damaged so badly that it does not even open: that is check's finding (exit 1)
        typer.echo(f"goldspan: {err}", err=True)
        raise typer.Exit(1) from None
    with store:
        report = store.check()
        for note in report.notes:
            typer.echo(f"note: {note}")
        if report.problems:
            for p in report.problems:
                typer.echo(f"goldspan: {shown(db_path(db))}: {p}", err=True)
            raise typer.Exit(1)
        typer.echo(f"{shown(db_path(db))}: ok ({store.document_count()} documents)")


def register(app: typer.Typer) -> None:
    app.command("check")(check)
