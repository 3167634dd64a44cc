"""``goldspan backup``: a consistent copy with SQLite's online backup API, safe while
the GUI or an import writes to the same file."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Optional

import typer
from tqdm import tqdm

from ..core.backups import backup_prefix
from ..core.paths import backups_dir
from ..core.errors import shown
from .common import DbOption, clean_errors, db_path, open_store


@clean_errors
def backup(
    db: Optional[Path] = DbOption,
    out: Optional[Path] = typer.Option(
        None, help="Backup file (default: backups/ in the user data folder, named after "
        "the database and dated)."),
) -> None:
    """Copy the database to a backup file, checked with PRAGMA integrity_check before
    it replaces anything.

    A database whose schema objects (tables, indexes, triggers) are not goldspan's is
    still copied, since a copy of damaged data may be all there is to rescue, but the
    command says so on stderr and exits 1, so a scheduled backup does not pass
    silently (``goldspan check`` looks further)."""
    with open_store(db, create=False, readonly=True) as store:
        assert store.path is not None
        stamp = time.strftime("%Y%m%d-%H%M%S")
        target = out or backups_dir() / f"{backup_prefix(store.path)}-{stamp}.db"
        problems = store.schema_problems()
        with tqdm(unit="page", desc="backup", disable=None) as bar:
            def progress(done: int, total: int) -> None:
                bar.total = total
                bar.n = done
                bar.refresh()
            store.backup_to(target, progress=progress)
    typer.echo(f"backup written to {shown(target)}")
    if problems:
        typer.echo(f"goldspan: {shown(db_path(db))}: the copy was made, but the database's schema is "
                   f"not goldspan's ({'; '.join(problems)}), so the copy has the same damage: "
                   "run 'goldspan check'", err=True)
        raise typer.Exit(1)


def register(app: typer.Typer) -> None:
    app.command("backup")(backup)
