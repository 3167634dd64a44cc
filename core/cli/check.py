"""``goldspan check``: SQLite's integrity check plus goldspan's own invariants."""

from __future__ import annotations

from pathlib import Path
from typing import Optional

import typer

from ..errors import StoreError
from .common import DbOption, clean_errors, db_path, open_store


@clean_errors
def check(db: Optional[Path] = DbOption) -> None:
    """Check the database; exit 1 and list the problems if there are any."""
    try:
        store = open_store(db, create=False)
    except StoreError as err:
        if "malformed" not in str(err):
            raise
        # damaged so badly that it does not even open: that is check's finding (exit 1)
        typer.echo(f"goldspan: {db_path(db)}: the database is damaged ({err.message}); "
                   "restore a backup (goldspan backup, or the daily copies)", err=True)
        raise typer.Exit(1) from None
    problems = store.integrity_problems()
    if problems:
        for p in problems:
            typer.echo(f"goldspan: {db_path(db)}: {p}", err=True)
        raise typer.Exit(1)
    typer.echo(f"{db_path(db)}: ok ({store.document_count()} documents)")


def register(app: typer.Typer) -> None:
    app.command("check")(check)
