"""Copying the database while others use it: SQLite's online backup, verified."""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Callable
from pathlib import Path

from ..errors import StoreError
from .connection import BUSY_TIMEOUT_MS, Connection, connect, explain


class BackupMixin(Connection):
    def backup_to(self, target: str | Path,
                  progress: Callable[[int, int], None] | None = None) -> Path:
        """Copy the database with SQLite's online backup API (safe while others write).

        Written through :mod:`goldspan.core.outputs`: never over this database or its
        ``-wal``/``-shm``, into a temporary file that must pass ``PRAGMA
        integrity_check`` before it is renamed over ``target``, so a failed or damaged
        copy never takes the place of anything. The copy keeps the database's
        permissions. It is one step (``pages=-1``): a read snapshot in WAL mode, which
        writers do not wait for. Copied in small steps, every commit by another
        connection restarts the backup from the first page, so a busy writer could
        starve it.
        """
        from ..outputs import Outputs, database_files

        t = Path(target)
        with Outputs(protect=database_files(self.path)) as outputs:
            tmp = outputs.path(t, validate=lambda p: _verify_copy(p, t), mode_from=self.path,
                               database=True)
            try:
                dest = sqlite3.connect(str(tmp))
                try:
                    def _progress(status: int, remaining: int, total: int) -> None:
                        if progress is not None:
                            progress(total - remaining, total)
                    self.conn.backup(dest, pages=-1, progress=_progress)
                finally:
                    dest.close()
            except sqlite3.Error as err:
                raise StoreError(f"cannot write the backup: {err}; nothing was replaced",
                                 path=t) from None
        return t


    def page_size(self) -> int:
        """The size of the file's pages (SQLite's backup API cannot change it in a
        database in WAL mode: a restore across sizes is refused before anything)."""
        return int(self._value("PRAGMA page_size"))

    def keep_copy(self, target: Path) -> Path:
        """Copy the database as it is to ``target``, a new file, whatever its state:
        what ``goldspan restore`` keeps of a database before replacing it, damaged or
        not (a damaged copy may still hold what a lead wants to rescue). SQLite's
        online backup, so the copy is consistent with the ``-wal``; never over an
        existing file."""
        from ..outputs import Outputs, database_files

        if os.path.lexists(target):
            raise StoreError("exists already; nothing was replaced", path=target)
        with Outputs(protect=database_files(self.path)) as outputs:
            tmp = outputs.path(target, mode_from=self.path, database=True)
            try:
                dest = sqlite3.connect(str(tmp))
                try:
                    self.conn.backup(dest, pages=-1)
                finally:
                    dest.close()
            except sqlite3.Error as err:
                raise StoreError(f"cannot keep a copy of the database: {err}; nothing was "
                                 "changed", path=target) from None
        return target

    def restore_to(self, target: Path) -> None:
        """Make the database at ``target`` a copy of this one (a backup) through SQLite:
        its online backup API writes every page into ``target`` as one transaction of
        its own, through its write-ahead log, so a stale ``-wal`` beside it is never
        replayed over the restored pages (copying the file over it with ``cp`` mixed
        the two), and a window that has it open reads the restored data on its next
        read. Waits while another process writes. The result must pass ``PRAGMA
        integrity_check``."""
        dest = connect(target)
        try:
            dest.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
            try:
                self._retry(lambda: self.conn.backup(dest, pages=-1))
                rows = [r[0] for r in dest.execute("PRAGMA integrity_check")]
            except sqlite3.Error as err:
                raise explain(err, target) or StoreError(
                    f"cannot restore into the database: {err}", path=target) from None
            if rows != ["ok"]:
                raise StoreError(f"the restored database fails SQLite's integrity check "
                                 f"({rows[0]}): run 'goldspan check'", path=target)
        finally:
            dest.close()


def _verify_copy(copy: Path, target: Path) -> None:
    """A backup must open and pass ``PRAGMA integrity_check`` before it is kept."""
    try:
        conn = sqlite3.connect(str(copy))
        try:
            rows = [r[0] for r in conn.execute("PRAGMA integrity_check")]
        finally:
            conn.close()
    except sqlite3.Error as err:
        rows = [str(err)]
    if rows != ["ok"]:
        raise StoreError(f"the copy fails SQLite's integrity check ({rows[0]}); nothing was "
                         "replaced: run 'goldspan check' on the database", path=target)
