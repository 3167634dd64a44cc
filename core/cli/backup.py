"""``goldspan backup``: a consistent copy with SQLite's online backup API, safe while
the GUI or an import writes to the same file."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Optional

import typer
from tqdm import tqdm

from ..backups import backup_prefix
from ..paths import backups_dir
from .common import DbOption, clean_errors, open_store


@clean_errors
def backup(
    db: Optional[Path] = DbOption,
    out: Optional[Path] = typer.Option(
        None, help="Backup file (default: backups/ in the user data folder, named after "
        "the database and dated)."),
) -> None:
    """Copy the database to a backup file (checked with PRAGMA integrity_check before it
    replaces anything)."""
    with open_store(db, create=False) as store:
        assert store.path is not None
        stamp = time.strftime("%Y%m%d-%H%M%S")
        target = out or backups_dir() / f"{backup_prefix(store.path)}-{stamp}.db"
        with tqdm(unit="page", desc="backup", disable=None) as bar:
            def progress(done: int, total: int) -> None:
                bar.total = total
                bar.n = done
                bar.refresh()
            store.backup_to(target, progress=progress)
    typer.echo(f"backup written to {target}")


def register(app: typer.Typer) -> None:
    app.command("backup")(backup)
