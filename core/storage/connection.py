"""The connection under every Store: opening the file, the pragmas, one write
transaction at a time, waiting for a busy writer, and SQLite's errors in plain words.

Every write is one short ``BEGIN IMMEDIATE`` transaction, committed before the caller
returns, so what the GUI shows as saved is on disk. WAL mode lets readers and one
writer work at once. A writer that finds another one busy waits (a 1 s busy timeout per
attempt, retried for up to a minute): after the first second ``on_wait`` is told once,
who holds the lock if /proc/locks says so, and Ctrl-C stops the wait within a second;
after a minute one line says who holds it and what to do.

Errors from the file system are told apart by SQLite's result code (see
:func:`explain`): a full disk, an I/O error, a read-only file or folder, a lock and a
damaged file each get their own line; only a damaged file says "restore a backup".
After a full disk or an I/O error the failed transaction is rolled back (SQLite may
already have done it: that must not replace the real error) and a quick check says
whether the database is intact.
"""

from __future__ import annotations

import os
import random
import sqlite3
import time
import urllib.parse
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any, Self, TypeVar

from ..errors import (
    DamagedDatabaseError,
    DatabaseLockedError,
    DiskError,
    GoldspanError,
    ReadOnlyDatabaseError,
    StoreError,
)
from ..lock_holder import write_lock_holder

if TYPE_CHECKING:
    import sqlite_utils

# SQLite's own busy handler retries within each attempt (sleeping 1 ms, 2 ms, ... up
# to 100 ms), so a short transaction of another writer costs milliseconds; one second
# per attempt gives the wait message and Ctrl-C a chance every second.
BUSY_TIMEOUT_MS = 1000
RETRY_SECONDS = 60.0
WAIT_NOTICE_SECONDS = 1.0

# SQLite primary result codes (sqlite3.h) that say what happened to the file.
SQLITE_PERM, SQLITE_BUSY, SQLITE_LOCKED, SQLITE_READONLY = 3, 5, 6, 8
SQLITE_IOERR, SQLITE_CORRUPT, SQLITE_FULL, SQLITE_CANTOPEN = 10, 11, 13, 14
SQLITE_NOTADB = 26

# What the modules above the store catch, without importing sqlite3 themselves: any
# error of the database, and a constraint it refused (an overlapping span, an id taken).
SQLiteError = sqlite3.Error
ConstraintError = sqlite3.IntegrityError

# The time SQLite writes (UTC, milliseconds), as the schema's defaults do.
NOW = "strftime('%Y-%m-%dT%H:%M:%fZ', 'now')"


class _WriteTime:
    """A time column's default argument: the time of the write. Anything else given is
    stored as it is (a merge keeps the source's times; a NULL is refused by the schema)."""

    def __repr__(self) -> str:
        return "WRITE_TIME"


WRITE_TIME = _WriteTime()
Stamp = str | None | _WriteTime
# A time column's value: two parameters, from :func:`stamp`.
STAMP = f"CASE WHEN ? THEN {NOW} ELSE ? END"


def stamp(value: Stamp) -> tuple[bool, str | None]:
    """The parameters of :data:`STAMP`: SQLite's clock for WRITE_TIME, else the time
    given, as it is."""
    return (True, None) if isinstance(value, _WriteTime) else (False, value)

T = TypeVar("T")
Params = Sequence[Any]


def _is_busy(err: sqlite3.OperationalError) -> bool:
    if _code(err) in (SQLITE_BUSY, SQLITE_LOCKED):
        return True
    msg = str(err).lower()
    return "database is locked" in msg or "busy" in msg


def _code(err: BaseException) -> int:
    """SQLite's primary result code of an error (0 when Python raised it itself)."""
    return (getattr(err, "sqlite_errorcode", None) or 0) & 0xFF


def explain(err: sqlite3.Error, path: Path | None, state: str = "") -> GoldspanError | None:
    """The one line a user should see for an error that comes from the file, not from
    goldspan (full disk, I/O, read-only, lock, damage); ``None`` for the others (a
    constraint, a bug), which callers handle or let through. ``state`` says what became
    of the database (after a failed write: rolled back, and the quick check's verdict)."""
    code = _code(err)
    state = f"; {state}" if state else ""
    if code == SQLITE_FULL:
        return DiskError(f"the disk is full (SQLite: {err}){state}; free some space and "
                         "try again", path=path)
    if code == SQLITE_IOERR:
        return DiskError(f"an I/O error (SQLite: {err}){state}; the disk or the file "
                         "system failed: check it, then try again", path=path)
    if code == SQLITE_READONLY or code == SQLITE_PERM:
        return ReadOnlyDatabaseError(
            "the database is read-only; copy it somewhere writable or fix its permissions",
            path=path)
    if code in (SQLITE_BUSY, SQLITE_LOCKED):
        return DatabaseLockedError(
            "another process is writing to this database; wait until it is done (or close "
            "it) and try again", path=path)
    if code in (SQLITE_CORRUPT, SQLITE_NOTADB):
        return DamagedDatabaseError(
            f"the database is damaged ({err}); run 'goldspan check', and restore a backup "
            "(goldspan restore BACKUP: one of goldspan backup's, or the daily copies) if "
            "it says so", path=path)
    if code == SQLITE_CANTOPEN:
        return StoreError(f"cannot open the database file ({err}): check that it and its "
                          "folder exist and are readable", path=path)
    return None


def writable(p: Path) -> bool | str:
    """True when this process may write the database at ``p`` (file and folder: WAL
    mode creates ``-wal`` and ``-shm`` beside it), else why not, as a phrase."""
    folder = p.parent
    try:
        if os.statvfs(folder).f_flag & os.ST_RDONLY:
            return f"it is on a read-only file system ({folder})"
    except (OSError, AttributeError):  # no statvfs (Windows): the checks below decide
        pass
    if p.exists() and not os.access(p, os.W_OK):
        return "the file is read-only"
    if not os.access(folder, os.W_OK | os.X_OK):
        sidecars = [Path(f"{p}-wal"), Path(f"{p}-shm")]
        if not (p.exists() and all(s.exists() and os.access(s, os.W_OK) for s in sidecars)):
            return (f"its folder {folder} is read-only, and SQLite creates {p.name}-wal "
                    f"and {p.name}-shm beside it")
    return True


def _fold(text: str | None) -> str | None:
    """Case folded, spaces as one: how an entity search compares a span's text."""
    return None if text is None else " ".join(str(text).casefold().split())


def connect(p: Path | str) -> sqlite3.Connection:
    """A read-write connection (``":memory:"`` for an in-memory database). Autocommit
    (``isolation_level=None``): transactions are begun and ended by
    :meth:`Connection.transaction` only."""
    try:
        return sqlite3.connect(str(p), isolation_level=None, timeout=BUSY_TIMEOUT_MS / 1000,
                               check_same_thread=False)
    except sqlite3.Error as err:
        raise explain(err, Path(p)) or StoreError(f"cannot open the database: {err}",
                                                  path=p) from None


def connect_readonly(p: Path) -> sqlite3.Connection:
    """A read-only connection to a file this process may not write.

    ``mode=ro`` reads a WAL database when its ``-shm`` index exists or can be
    created. In a read-only folder with no ``-shm``, SQLite can only read the file
    as ``immutable=1`` (no locks, no WAL), which is exact only when there is no
    write-ahead log with data in it: all the data is then in the main file (a
    cleanly closed goldspan file, the usual copy on a share). With a ``-wal`` that
    holds data, immutable would silently show old data: refused, saying what to
    copy. ``immutable`` also means nobody may change the file while it is read;
    in a read-only folder nobody on this machine can through that path.
    """
    quoted = urllib.parse.quote(str(p.absolute()))
    conn = sqlite3.connect(f"file:{quoted}?mode=ro", uri=True, isolation_level=None,
                           timeout=BUSY_TIMEOUT_MS / 1000, check_same_thread=False)
    try:
        conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
        return conn
    except sqlite3.Error as err:
        conn.close()
        if _code(err) != SQLITE_CANTOPEN:
            if "not a database" in str(err):
                raise StoreError("not an SQLite database; pass the path of a goldspan "
                                 ".db file", path=p) from None
            raise explain(err, p) or StoreError(f"cannot read the database: {err}",
                                                path=p) from None
    wal = Path(f"{os.path.realpath(p)}-wal")  # beside the real file, as SQLite puts it
    if wal.exists() and wal.stat().st_size > 0:
        raise ReadOnlyDatabaseError(
            f"its folder is read-only and it has a write-ahead log ({wal.name}) that "
            f"SQLite can only read with an index ({p.name}-shm) it cannot create there; "
            f"copy {p.name} and {wal.name} together to a writable folder", path=p)
    return sqlite3.connect(f"file:{quoted}?mode=ro&immutable=1", uri=True,
                           isolation_level=None, check_same_thread=False)


class Connection:
    """What every part of the store shares: the connection, its file, the write
    transaction and the small read helpers the parts are written with."""

    def __init__(self, conn: sqlite3.Connection, path: Path | None, *,
                 readonly: bool = False) -> None:
        self.conn = conn
        self.path = path
        self.readonly = readonly
        # what an entity search compares span texts with (storage/search.py: fold)
        conn.create_function("goldspan_fold", 1, _fold, deterministic=True)
        # Told once per wait when another process holds the write lock for a second
        # (the CLI prints it on stderr); None: wait silently.
        self.on_wait: Callable[[str], None] | None = None
        self._depth = 0
        self._snapshot = False  # inside :meth:`snapshot`
        self._db: sqlite_utils.Database | None = None

    @property
    def db(self) -> sqlite_utils.Database:
        """The connection as a ``sqlite_utils.Database``, for what sqlite-utils does
        better than SQL written by hand (introspection in ``check``, migrations with
        ``table.transform()`` and ``enable_fts``). Imported on first use: the import
        costs about 0.3 s, which every command and the GUI's start-up would pay."""
        if self._db is None:
            import sqlite_utils

            self._db = sqlite_utils.Database(self.conn)
        return self._db

    def _pragmas(self, wal: bool = True) -> None:
        c = self.conn
        c.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        c.execute("PRAGMA foreign_keys = ON")
        if self.path is not None and wal:
            self._retry(lambda: c.execute("PRAGMA journal_mode = WAL"))
        # NORMAL is durable across application crashes (kill -9) in WAL mode; FULL
        # also survives power loss on every commit, which is the promise we make.
        c.execute("PRAGMA synchronous = FULL")

    def close(self) -> None:
        self.conn.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # ------------------------------------------------------------------ reading
    def _one(self, sql: str, params: Params = ()) -> Any:
        """The first row of a query, or None."""
        return self.conn.execute(sql, params).fetchone()

    def _value(self, sql: str, params: Params = ()) -> Any:
        """The first column of the first row (a count, an id), or None."""
        row = self.conn.execute(sql, params).fetchone()
        return None if row is None else row[0]

    def _column(self, sql: str, params: Params = ()) -> list[Any]:
        """The first column of every row."""
        return [r[0] for r in self.conn.execute(sql, params)]

    def _rows(self, sql: str, params: Params = ()) -> sqlite3.Cursor:
        """A cursor over the rows (read as the caller iterates: constant memory)."""
        return self.conn.execute(sql, params)

    def _insert(self, sql: str, params: Params) -> int:
        """Run an INSERT of one row; its rowid."""
        rowid = self.conn.execute(sql, params).lastrowid
        assert rowid is not None
        return int(rowid)

    def data_version(self) -> int:
        """Changes whenever another connection commits (annotators' edits, imports):
        a free check before reading anything again (``PRAGMA data_version``)."""
        return int(self._value("PRAGMA data_version"))

    def serialize(self) -> bytes:
        """The whole database as bytes (an in-memory shard sent back by a Ray task)."""
        return self.conn.serialize()

    # ------------------------------------------------------------- transactions
    def _retry(self, fn: Callable[[], T]) -> T:
        """Run ``fn`` until the write lock is free (at most RETRY_SECONDS), telling
        ``on_wait`` once after WAIT_NOTICE_SECONDS who holds it."""
        start = time.monotonic()
        delay = 0.01
        announced = False
        while True:
            try:
                return fn()
            except sqlite3.OperationalError as err:
                if not _is_busy(err):
                    raise
                waited = time.monotonic() - start
                if waited > RETRY_SECONDS:
                    raise DatabaseLockedError(
                        f"{self._lock_holder()} is writing to this database and did not "
                        f"finish in {waited:.0f} s; nothing was written: wait until it is "
                        "done (or close it) and try again", path=self.path) from None
                if not announced and waited >= WAIT_NOTICE_SECONDS and self.on_wait:
                    announced = True
                    self.on_wait(f"waiting for {self._lock_holder()}, which is writing to "
                                 f"{self.path} (up to {RETRY_SECONDS:.0f} s; Ctrl-C stops)...")
                time.sleep(delay * (1 + random.random()))
                delay = min(delay * 2, 0.2)

    def _lock_holder(self) -> str:
        holder = write_lock_holder(self.path) if self.path is not None else None
        return holder.describe() if holder is not None else "another process"

    def _rollback(self) -> None:
        """Roll back if a transaction is still open. SQLite rolls back by itself on a
        full disk or an I/O error: a ROLLBACK then fails ("no transaction is active"),
        and that error must never replace the one that caused it."""
        if not self.conn.in_transaction:
            return
        try:
            self.conn.execute("ROLLBACK")
        except sqlite3.Error:
            pass

    def _failed(self, err: sqlite3.Error) -> GoldspanError | None:
        """The user's line for a failed write transaction (already rolled back), with
        a quick check of the file after a full disk or an I/O error (``PRAGMA
        quick_check``: every page and index entry, without cross-checking indexes
        against tables; a few seconds for a 1 GB file, paid only after a failure)."""
        if _code(err) not in (SQLITE_FULL, SQLITE_IOERR):
            return explain(err, self.path)
        try:
            rows = self.conn.execute("PRAGMA quick_check").fetchall()
        except sqlite3.Error as check_err:
            verdict = f"the database could not be checked ({check_err}): run 'goldspan check'"
        else:
            verdict = ("the database is intact (SQLite's quick check passed)"
                       if [r[0] for r in rows] == ["ok"]
                       else "SQLite's quick check finds problems: run 'goldspan check'")
        return explain(err, self.path, f"the change was rolled back and {verdict}")

    @contextmanager
    def snapshot(self) -> Iterator[None]:
        """One consistent view of the database for a reader that makes several
        queries (an export's count and its pass, a merge's checks and its copy): a
        read transaction, begun with a first read so the view is fixed on entry.

        Without it each statement reads the database as it is when it runs: a
        cursor holds its view only while it is active, so an edit or a delete by
        another process between two reads (the last document of an export, the
        spans of a source checked against a locked label set, then copied) is mixed
        in. In WAL mode the snapshot blocks no writer. Nested use, or use inside a
        write transaction (already one view), joins it. Writing inside a snapshot
        is refused by :meth:`transaction`: it would write on top of an old view."""
        if self._depth or self._snapshot or self.conn.in_transaction:
            yield
            return
        self._retry(lambda: self.conn.execute("BEGIN DEFERRED"))
        self._snapshot = True
        try:
            # a deferred BEGIN takes its view at the first read: take it now
            self._retry(lambda: self.conn.execute("SELECT count(*) FROM sqlite_master")
                        .fetchone())
            yield
        finally:
            self._snapshot = False
            self._rollback()  # nothing was written: ending the read is all it does

    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        """One write transaction (``BEGIN IMMEDIATE``), waiting while another process
        writes (see :meth:`_retry`).

        Nested use joins the outer transaction, so a whole import is one transaction.
        The outermost level turns a full disk, an I/O error, a read-only file or a
        damaged file into goldspan's error after rolling back (:func:`explain`).
        """
        if self._snapshot:
            raise RuntimeError("a write inside a read snapshot (Store.snapshot) would "
                               "write on top of an old view of the database")
        if self._depth:
            self._depth += 1
            try:
                yield self.conn
            finally:
                self._depth -= 1
            return
        try:
            self._retry(lambda: self.conn.execute("BEGIN IMMEDIATE"))
        except sqlite3.Error as err:
            raise explain(err, self.path) or err  # noqa: B904 - err itself, or its explanation
        self._depth = 1
        try:
            yield self.conn
        except BaseException as err:
            self._depth = 0
            self._rollback()
            if isinstance(err, sqlite3.Error):
                explained = self._failed(err)
                if explained is not None:
                    raise explained from None
            raise
        self._depth = 0
        try:
            self._retry(lambda: self.conn.execute("COMMIT"))
        except sqlite3.Error as err:
            self._rollback()
            raise self._failed(err) or err  # noqa: B904 - err itself, or its explanation
        except BaseException:
            self._rollback()
            raise
