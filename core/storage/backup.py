"""Copying the database while others use it: SQLite's online backup, verified."""

from __future__ import annotations

import json
import os
import sqlite3
import urllib.parse
from collections.abc import Callable
from pathlib import Path

from ..errors import StoreError
from .connection import BUSY_TIMEOUT_MS, Connection, connect, explain

# ``settings`` key of a backup: the real path of the database it is a copy of.
BACKUP_OF = "backup_of"


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
            self._refuse_another_database(t)  # checked once the path is known safe to open
            try:
                dest = sqlite3.connect(str(tmp))
                try:
                    def _progress(status: int, remaining: int, total: int) -> None:
                        if progress is not None:
                            progress(total - remaining, total)
                    self.conn.backup(dest, pages=-1, progress=_progress)
                    self._mark_backup(dest)
                finally:
                    dest.close()
            except sqlite3.Error as err:
                raise StoreError(f"cannot write the backup: {err}; nothing was replaced",
                                 path=t) from None
        return t


    def _source_key(self) -> str:
        return os.path.realpath(self.path) if self.path is not None else ":memory:"

    def _mark_backup(self, dest: sqlite3.Connection) -> None:
        """Write into the copy which database it is a backup of (``settings`` key
        ``backup_of``: the real path), so that the next backup may replace it and no
        other may (a damaged copy without a settings table stays unmarked)."""
        try:
            with dest:
                dest.execute("INSERT INTO settings (key, value) VALUES (?, ?) ON CONFLICT(key) "
                             "DO UPDATE SET value = excluded.value",
                             (BACKUP_OF, json.dumps(self._source_key())))
        except sqlite3.Error:
            pass

    def _refuse_another_database(self, target: Path) -> None:
        """A backup replaces an existing SQLite file only if it is a backup of this
        database (its ``backup_of``): ``goldspan backup --db analyst.db --out team.db``,
        a slip of the keyboard, replaced the team's database with the analyst's, as an
        export once did (a backup was the one output allowed over a database)."""
        try:
            with open(target, "rb") as fh:
                if fh.read(16) != b"SQLite format 3\x00":
                    return
        except OSError:
            return
        marker: object = None
        try:
            # immutable: no -wal or -shm made beside it (a read-only connection left
            # them, and the next backup took the file for an open database); exact,
            # since a file with a -wal beside it was refused before this
            conn = sqlite3.connect(f"file:{urllib.parse.quote(os.path.abspath(target))}"
                                   "?mode=ro&immutable=1", uri=True)
            try:
                row = conn.execute("SELECT value FROM settings WHERE key = ?",
                                   (BACKUP_OF,)).fetchone()
            finally:
                conn.close()
            marker = json.loads(row[0]) if row is not None else None
        except (sqlite3.Error, ValueError, TypeError):
            marker = None
        if marker == self._source_key():
            return
        what = (f"it is a backup of {str(marker)[:80]}" if marker else
                "it is another database, or a backup made before goldspan marked its backups")
        raise StoreError(f"is an SQLite database but not a backup of this one: {what}; a "
                         "backup never replaces it: choose a new name, or remove that file "
                         "first if it is yours to lose", path=target)

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
                with dest:  # the database is no longer a backup of anything
                    dest.execute("DELETE FROM settings WHERE key = ?", (BACKUP_OF,))
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
