"""``goldspan backup``: a consistent copy with SQLite's online backup API, safe while
the GUI or an import writes to the same file."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Optional

import typer
from tqdm import tqdm

from ..paths import backups_dir
from .common import DbOption, clean_errors, open_store


@clean_errors
def backup(
    db: Optional[Path] = DbOption,
    out: Optional[Path] = typer.Option(None, help="Backup file (default: backups/ in the user data folder, dated)."),
) -> None:
    """Copy the database to a backup file."""
    store = open_store(db, create=False, readonly=True)
    target = out or backups_dir() / f"goldspan-{time.strftime('%Y%m%d-%H%M%S')}.db"
    target.parent.mkdir(parents=True, exist_ok=True)
    with tqdm(unit="page", desc="backup", disable=None) as bar:
        def progress(done: int, total: int) -> None:
            bar.total = total
            bar.n = done
            bar.refresh()
        store.backup_to(target, progress=progress)
    typer.echo(f"backup written to {target}")


def register(app: typer.Typer) -> None:
    app.command("backup")(backup)
