"""The automatic daily backup: one copy a day, made with SQLite's online backup API
when the GUI starts, kept for N days."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from .store import Store

DEFAULT_KEEP_DAYS = 14


def backup_name(db: Path, day: dt.date) -> str:
    return f"{db.stem}-{day.isoformat()}.db"


def daily_backup(store: Store, folder: Path, keep_days: int = DEFAULT_KEEP_DAYS,
                 today: dt.date | None = None) -> Path | None:
    """Write today's backup unless it exists; delete this database's backups older
    than ``keep_days``. Returns the new backup's path, or None if there was one."""
    if store.path is None:
        return None
    today = today or dt.date.today()
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / backup_name(store.path, today)
    made = None
    if not target.exists():
        made = store.backup_to(target)
    cutoff = today - dt.timedelta(days=keep_days)
    prefix = f"{store.path.stem}-"
    for old in folder.glob(f"{store.path.stem}-*.db"):
        stamp = old.stem[len(prefix):]
        try:
            day = dt.date.fromisoformat(stamp)
        except ValueError:
            continue
        if day < cutoff:
            old.unlink()
    return made
