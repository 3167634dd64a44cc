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

:func:`restore` (``goldspan restore``) puts a backup back, through SQLite, after
keeping the database as it was: every message that says "restore a backup" has a
command behind it that cannot mix a stale ``-wal`` into the restored file.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import re
from pathlib import Path

from .errors import DamagedDatabaseError, GoldspanError, StoreError
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


def restore(db: Path, backup: Path, keep_in: Path) -> tuple[Path | None, int]:
    """Make the database at ``db`` what ``backup`` holds; returns where the database as
    it was is kept (None when there was none) and how many documents it now has.

    The backup must be a goldspan database that passes ``goldspan check`` (a damaged
    backup never replaces anything). The database as it is, damaged or not, is first
    copied to ``keep_in/<name>-<hash>-before-restore-<time>.db``: a restore loses
    nothing, even a mistaken one. The pages are written through SQLite's backup API
    (:meth:`Store.restore_to`), never by copying the file: ``cp backup.db team.db``
    left the old ``team.db-wal`` beside the copy, and the next opening replayed it
    over the restored pages. A database SQLite cannot read at all is refused, saying
    to move it aside first (nothing then needs keeping through SQLite)."""
    import time

    if db.exists() and backup.exists() and os.path.samefile(db, backup):
        raise StoreError("is the database itself; pass a backup file", path=backup)
    with Store.open(backup, create=False, migrate=False, readonly=True) as source:
        problems = source.integrity_problems()
        if problems:
            raise StoreError(f"the backup fails goldspan check ({problems[0]}"
                             + (f", and {len(problems) - 1} more" if len(problems) > 1 else "")
                             + "); nothing was changed: choose another backup", path=backup)
        kept: Path | None = None
        if db.exists():
            stamp = time.strftime("%Y%m%d-%H%M%S")
            try:
                current = Store.open(db, create=False, migrate=False, readonly=True)
            except GoldspanError as err:
                if not isinstance(err, DamagedDatabaseError) and "not an SQLite" not in err.message:
                    raise  # another program's database, a newer goldspan's: said as it is
                raise StoreError(f"{err.message}; goldspan cannot read it to keep a copy "
                                 f"before restoring: move {db.name} (and {db.name}-wal, "
                                 f"{db.name}-shm if there) aside, then restore again",
                                 path=db) from None
            with current:
                if current.page_size() != source.page_size():
                    raise StoreError(
                        f"the backup's pages are {source.page_size()} bytes and the "
                        f"database's {current.page_size()}: SQLite cannot restore across "
                        f"page sizes into a database in WAL mode; move {db.name} (and "
                        f"{db.name}-wal, {db.name}-shm if there) aside, then restore "
                        "again; nothing was changed", path=db)
                kept = current.keep_copy(keep_in / f"{backup_prefix(db)}-before-restore-"
                                                   f"{stamp}.db")
        else:
            db.parent.mkdir(parents=True, exist_ok=True)
        source.restore_to(db)
        documents = source.document_count()
    return kept, documents
