"""``Store``: a goldspan database, composed of the parts of this package, and how a
file is opened (refusing anything that is not goldspan's before writing a byte)."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from ..errors import DamagedDatabaseError, ReadOnlyDatabaseError, StoreError
from ..paths import database_path_problem
from . import schema
from .connection import connect, connect_readonly, explain, writable
from .bulk import BulkWriter
from .dataset import DatasetMixin
from .deletion import DeletionMixin
from .documents import DocumentsMixin
from .integrity import IntegrityMixin
from .merge import MergeMixin
from .queue import QueueMixin
from .review import ReviewMixin
from .search import SEARCH_OBJECTS


class Store(DocumentsMixin, MergeMixin, DeletionMixin, QueueMixin, DatasetMixin, ReviewMixin,
            IntegrityMixin):
    """A goldspan database. Open with :meth:`open` (or :meth:`memory`); one Store per
    thread."""

    def bulk(self) -> BulkWriter:
        """A writer for a file's records, batch by batch, in the caller's transaction
        (``goldspan import``: :mod:`.bulk`)."""
        return BulkWriter(self)

    @classmethod
    def open(cls, path: str | Path, *, create: bool = True, migrate: bool = True,
             readonly: bool = False, rebuild_search: bool = False) -> Store:
        """Open (or create) a goldspan database, refusing anything else untouched.

        A file that is not SQLite, an SQLite file that is not goldspan's, or a goldspan
        file with a newer schema raise :class:`StoreError` before anything is written.
        A writer (``readonly=False``) is refused in one line when the file or its
        folder is read-only, and when the schema objects (tables, indexes, triggers)
        differ from goldspan's: cheap checks (a few milliseconds), so nothing is
        written into a file that ``goldspan check`` calls damaged.

        ``readonly=True`` is for commands that only read (stats, check, export,
        agreement, backup, merge sources): the connection refuses writes
        (``query_only``), and a read-only file or folder is opened read-only (see
        :func:`connect_readonly`), so an analyst's file on a read-only share works.
        An older schema is still migrated when the file is writable and ``migrate``.

        ``rebuild_search=True`` (``goldspan search --rebuild-index``): the search
        index's own objects may differ or be missing; it is made again from the texts
        before the store is returned (anything else that differs is still refused).
        """
        p = Path(path)
        problem = database_path_problem(p)
        if problem is not None:
            raise StoreError(problem, path=p)
        exists = p.exists() and p.stat().st_size > 0
        if p.exists() and p.is_dir():
            raise StoreError("is a folder, not a database file", path=p)
        # The header is checked by SQLite itself, never with open()/close() here: POSIX
        # locks belong to the process and a close() of any descriptor of the file drops
        # them all, so reading it while this process has the database open let another
        # process delete the write-ahead log's index under it (test_store.py, locks).
        if not exists:
            if not create or readonly:
                raise StoreError("no such database; import articles first to create it", path=p)
            if not p.parent.exists():
                try:
                    p.parent.mkdir(parents=True, exist_ok=True)
                except OSError as err:
                    raise StoreError(f"cannot create its folder {p.parent} "
                                     f"({err.strerror or err}); choose another path",
                                     path=p) from None
        can_write = writable(p)
        if readonly and can_write is not True:
            conn = connect_readonly(p)
        else:
            if can_write is not True and not exists:
                raise ReadOnlyDatabaseError(
                    f"cannot create the database here ({can_write}); choose a writable "
                    "folder", path=p)
            if can_write is not True:
                raise ReadOnlyDatabaseError(
                    f"the database is read-only for goldspan ({can_write}); copy it "
                    "somewhere writable or fix its permissions", path=p)
            conn = connect(p)
        try:
            app_id, version, n_tables = schema.header(conn)
        except sqlite3.DatabaseError as err:
            conn.close()
            if "not a database" in str(err):
                raise StoreError(
                    "not an SQLite database; pass the path of a goldspan .db file", path=p
                ) from None
            raise explain(err, p) or StoreError(f"cannot read the database: {err}",
                                                path=p) from None
        if app_id != schema.APPLICATION_ID and (n_tables > 0 or app_id != 0):
            conn.close()
            raise StoreError(
                "an SQLite database, but not goldspan's; choose another file", path=p
            )
        if version > schema.SCHEMA_VERSION:
            conn.close()
            raise StoreError(
                f"written by a newer goldspan (schema {version}, this one knows "
                f"{schema.SCHEMA_VERSION}); upgrade goldspan",
                path=p,
            )
        if readonly and n_tables == 0:
            conn.close()
            raise StoreError("an empty SQLite file, not yet a goldspan database; import "
                             "articles into it first", path=p)
        store = cls(conn, p)
        try:
            store._pragmas(wal=not readonly)
            if n_tables == 0:
                store._create()
            elif version < schema.SCHEMA_VERSION:
                if not migrate:
                    raise StoreError(f"schema {version} needs migrating; open it read-write",
                                     path=p)
                if can_write is not True:
                    raise ReadOnlyDatabaseError(
                        f"schema {version} needs migrating to {schema.SCHEMA_VERSION}, which "
                        f"writes to the file, but {can_write}; copy it somewhere writable",
                        path=p)
                store._migrate(version)
            if readonly:
                store.readonly = True
                conn.execute("PRAGMA query_only = 1")
            else:
                problems = store.schema_problems()
                if rebuild_search:
                    problems = [x for x in problems if x.split(" ", 2)[1] not in SEARCH_OBJECTS]
                if problems:
                    raise DamagedDatabaseError(
                        f"its schema is not goldspan's ({problems[0]}"
                        + (f", and {len(problems) - 1} more" if len(problems) > 1 else "")
                        + "); nothing was written: run 'goldspan check'", path=p)
            if rebuild_search and not readonly:
                store.rebuild_search_index()
        except BaseException:
            conn.close()
            raise
        return store
