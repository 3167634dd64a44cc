"""``goldspan restore``: put a backup back into the database, through SQLite (a thin
wrapper over :func:`goldspan.core.backups.restore`)."""

from __future__ import annotations

from pathlib import Path
from typing import Optional

import typer

from ..core.backups import restore as core_restore
from ..core.errors import shown
from ..core.paths import backups_dir
from .common import DbOption, clean_errors, db_path


@clean_errors
def restore(
    backup: Path = typer.Argument(..., dir_okay=False, help="The backup to restore "
                                  "(goldspan backup's file, or a daily copy)."),
    db: Optional[Path] = DbOption,
) -> None:
    """Restore a backup into the database through SQLite, after keeping the database as
    it was in the backups folder. Close the windows on it first: they would show the
    restored data only from their next read."""
    target = db_path(db)
    kept, documents = core_restore(target, backup, backups_dir())
    typer.echo(f"restored {shown(backup)} into {shown(target)} ({documents} documents)"
               + (f"; the database as it was is kept as {shown(kept)}" if kept else ""))


def register(app: typer.Typer) -> None:
    app.command("restore")(restore)
