"""The automatic daily backup: one copy a day, made with SQLite's online backup API
when the GUI starts, kept for N days.

Names cannot collide between projects: ``<stem>-<8 hex>-<date>.db``, where the hex is
the start of the SHA-256 of the database's resolved path, so two projects that are
both ``goldspan.db`` (in different folders) each get their own backup every day and
prune only their own. A new backup must open and pass ``PRAGMA integrity_check``
(:meth:`Store.backup_to` checks it before the file is put in place) before any older
one is pruned: a failed or damaged backup never costs a good one. Backups named the
old way (``<stem>-<date>.db``, before the hash) cannot be told apart between projects
and are left alone.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import re
from pathlib import Path

from .storage import Store

DEFAULT_KEEP_DAYS = 14


# Bytes of the stem kept in a backup's name: the hash, the time and ``.db`` follow, and
# a file name is at most 255 bytes (a database named with 120 "é" is 243 bytes: its
# backups failed with "File name too long", every day). The hash tells projects apart.
MAX_STEM_BYTES = 120


def backup_prefix(db: Path) -> str:
    """``<stem>-<first 8 hex of SHA-256 of the resolved path>``: one name per project
    (a long stem cut to MAX_STEM_BYTES, never inside a character)."""
    real = os.path.realpath(db)
    digest = hashlib.sha256(real.encode("utf-8", "surrogateescape")).hexdigest()[:8]
    stem = db.stem.encode("utf-8", "surrogateescape")[:MAX_STEM_BYTES]
    return f"{stem.decode('utf-8', 'ignore')}-{digest}"


def backup_name(db: Path, day: dt.date) -> str:
    return f"{backup_prefix(db)}-{day.isoformat()}.db"


def daily_backup(store: Store, folder: Path, keep_days: int = DEFAULT_KEEP_DAYS,
                 today: dt.date | None = None) -> Path | None:
    """Write today's backup unless it exists; once it is written and verified, delete
    this database's backups older than ``keep_days``. Returns the new backup's path, or
    None if there was one. Raises (and deletes nothing) when the backup fails."""
    if store.path is None:
        return None
    today = today or dt.date.today()
    target = folder / backup_name(store.path, today)
    if target.exists():
        return None
    made = store.backup_to(target)  # verified before it is renamed into place, or raises
    cutoff = today - dt.timedelta(days=keep_days)
    mine = re.compile(rf"^{re.escape(backup_prefix(store.path))}-(\d{{4}}-\d{{2}}-\d{{2}})\.db$")
    for old in folder.iterdir():
        m = mine.match(old.name)
        if m is None:
            continue
        try:
            day = dt.date.fromisoformat(m.group(1))
        except ValueError:
            continue
        if day < cutoff and old.is_file():
            old.unlink()
    return made
