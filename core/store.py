"""The SQLite store: one file holds documents, every annotator's versions, suggestions
and the label set.

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

import json
import os
import random
import re
import sqlite3
import time
import urllib.parse
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .errors import (
    DamagedDatabaseError,
    DatabaseLockedError,
    DiskError,
    GoldspanError,
    ReadOnlyDatabaseError,
    StoreError,
)
from .lock_holder import write_lock_holder
from .paths import database_path_problem
from .labels import LabelFilter, annotator_refusal, label_refusal, project_labels_filter
from .types import GOLD, STATUSES, Label, Span, Suggestion
from .schema import APPLICATION_ID, MIGRATIONS, SCHEMA_V1, SCHEMA_VERSION
from .textio import first_line, text_hash

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


@dataclass(frozen=True)
class Document:
    id: int
    text: str
    title: str | None
    source: str | None
    meta_json: str | None  # the ``documents.meta`` cell as stored
    text_hash: str
    db_path: Path | None = field(default=None, compare=False)

    @property
    def meta(self) -> dict[str, Any]:
        """The meta cell parsed when used: only what writes it out (an export) needs
        it, so one hand-damaged cell stops that with one line, not the window, stats or
        suggest."""
        return parse_meta(self.meta_json, self.id, self.db_path)


@dataclass(frozen=True)
class Annotation:
    id: int
    document_id: int
    annotator: str
    status: str
    edited: bool
    seeded_from: str | None
    updated_at: str


class _NotJson(ValueError):
    pass


def _refuse_constant(name: str) -> Any:
    raise _NotJson(f"{name} is not a JSON number")


def dumps(value: Any) -> str:
    """JSON for the database: NaN and Infinity refused (``allow_nan=False``), so what
    goldspan writes is JSON that SQLite's json functions and every other tool read."""
    try:
        return json.dumps(value, ensure_ascii=False, allow_nan=False)
    except ValueError as err:  # allow_nan=False's refusal (or a circular reference)
        reason = ("NaN and Infinity are not JSON numbers" if "compliant" in str(err)
                  else str(err))
        raise StoreError(f"cannot store {str(value)[:60]!r} as JSON: {reason}") from None


def json_cell(raw: Any, table: str, column: str, row: str, path: Path | None) -> Any:
    """Parse a JSON cell of the database, turning a bad value (hand-edited SQL, an
    older tool, NaN) into one line that says which table, which row and what to do,
    never a traceback."""
    if isinstance(raw, (int, float)):  # a cell SQLite stored as a number
        raw = str(raw)
    try:
        return json.loads(raw, parse_constant=_refuse_constant)
    except (ValueError, RecursionError) as err:
        reason = err.msg if isinstance(err, json.JSONDecodeError) else str(err) or "too deep"
        raise StoreError(
            f"{table} row {row}: {column} is not valid JSON ({reason}); correct or clear "
            f"that cell ({table}.{column} to NULL, with any SQLite tool) or restore a "
            "backup; 'goldspan check' lists such rows", path=path) from None


def parse_meta(raw: str | None, doc_id: int, path: Path | None) -> dict[str, Any]:
    """A ``documents.meta`` cell as a dict: NULL is ``{}``; anything but a JSON object
    is one clear line naming the row."""
    if raw is None or raw == "":
        return {}
    value = json_cell(raw, "documents", "meta", str(doc_id), path)
    if not isinstance(value, dict):
        raise StoreError(
            f"documents row {doc_id}: meta should be a JSON object, not "
            f"{type(value).__name__}; clear that cell (documents.meta to NULL, with any "
            "SQLite tool) or restore a backup", path=path)
    return value


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
            "(goldspan backup, or the daily copies) if it says so", path=path)
    if code == SQLITE_CANTOPEN:
        return StoreError(f"cannot open the database file ({err}): check that it and its "
                          "folder exist and are readable", path=path)
    return None


def _writable(p: Path) -> bool | str:
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


class Store:
    """A goldspan database. Open with :meth:`open`; one Store per thread."""

    def __init__(self, conn: sqlite3.Connection, path: Path | None, *,
                 readonly: bool = False) -> None:
        self.conn = conn
        self.path = path
        self.readonly = readonly
        # Told once per wait when another process holds the write lock for a second
        # (the CLI prints it on stderr); None: wait silently.
        self.on_wait: Callable[[str], None] | None = None
        self._depth = 0
        self._db = None

    @property
    def db(self):  # type: ignore[no-untyped-def]
        """The connection as a ``sqlite_utils.Database`` (imported on first use: the
        import costs about 0.2 s, which every command and the GUI's start-up would pay)."""
        if self._db is None:
            import sqlite_utils

            self._db = sqlite_utils.Database(self.conn)
        return self._db

    # ------------------------------------------------------------------ opening
    @classmethod
    def open(cls, path: str | Path, *, create: bool = True, migrate: bool = True,
             readonly: bool = False) -> Store:
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
        :meth:`_connect_readonly`), so an analyst's file on a read-only share works.
        An older schema is still migrated when the file is writable and ``migrate``.
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
        writable = _writable(p)
        if readonly and writable is not True:
            conn = cls._connect_readonly(p)
        else:
            if writable is not True and not exists:
                raise ReadOnlyDatabaseError(
                    f"cannot create the database here ({writable}); choose a writable "
                    "folder", path=p)
            if writable is not True:
                raise ReadOnlyDatabaseError(
                    f"the database is read-only for goldspan ({writable}); copy it "
                    "somewhere writable or fix its permissions", path=p)
            conn = cls._connect(p)
        try:
            app_id = conn.execute("PRAGMA application_id").fetchone()[0]
            version = conn.execute("PRAGMA user_version").fetchone()[0]
            n_tables = conn.execute(
                "SELECT count(*) FROM sqlite_master WHERE type = 'table'"
            ).fetchone()[0]
        except sqlite3.DatabaseError as err:
            conn.close()
            if "not a database" in str(err):
                raise StoreError(
                    "not an SQLite database; pass the path of a goldspan .db file", path=p
                ) from None
            raise explain(err, p) or StoreError(f"cannot read the database: {err}",
                                                path=p) from None
        if app_id != APPLICATION_ID and (n_tables > 0 or app_id != 0):
            conn.close()
            raise StoreError(
                "an SQLite database, but not goldspan's; choose another file", path=p
            )
        if version > SCHEMA_VERSION:
            conn.close()
            raise StoreError(
                f"written by a newer goldspan (schema {version}, this one knows "
                f"{SCHEMA_VERSION}); upgrade goldspan",
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
            elif version < SCHEMA_VERSION:
                if not migrate:
                    raise StoreError(f"schema {version} needs migrating; open it read-write",
                                     path=p)
                if writable is not True:
                    raise ReadOnlyDatabaseError(
                        f"schema {version} needs migrating to {SCHEMA_VERSION}, which writes "
                        f"to the file, but {writable}; copy it somewhere writable", path=p)
                store._migrate(version)
            if readonly:
                store.readonly = True
                conn.execute("PRAGMA query_only = 1")
            else:
                problems = store.schema_problems()
                if problems:
                    raise DamagedDatabaseError(
                        f"its schema is not goldspan's ({problems[0]}"
                        + (f", and {len(problems) - 1} more" if len(problems) > 1 else "")
                        + "); nothing was written: run 'goldspan check'", path=p)
        except BaseException:
            conn.close()
            raise
        return store

    @classmethod
    def memory(cls) -> Store:
        conn = sqlite3.connect(":memory:", isolation_level=None, check_same_thread=False)
        store = cls(conn, None)
        store._pragmas()
        store._create()
        return store

    @staticmethod
    def _connect(p: Path) -> sqlite3.Connection:
        try:
            return sqlite3.connect(
                str(p), isolation_level=None, timeout=BUSY_TIMEOUT_MS / 1000,
                check_same_thread=False,
            )
        except sqlite3.Error as err:
            raise explain(err, p) or StoreError(f"cannot open the database: {err}",
                                                path=p) from None

    @staticmethod
    def _connect_readonly(p: Path) -> sqlite3.Connection:
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

    def _pragmas(self, wal: bool = True) -> None:
        c = self.conn
        c.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        c.execute("PRAGMA foreign_keys = ON")
        if self.path is not None and wal:
            self._retry(lambda: c.execute("PRAGMA journal_mode = WAL"))
        # NORMAL is durable across application crashes (kill -9) in WAL mode; FULL
        # also survives power loss on every commit, which is the promise we make.
        c.execute("PRAGMA synchronous = FULL")

    def _create(self) -> None:
        with self.transaction():
            # Re-check inside the write lock: another process may have created it.
            if self.conn.execute("SELECT count(*) FROM sqlite_master").fetchone()[0]:
                return
            for stmt in _statements(SCHEMA_V1):
                self.conn.execute(stmt)
            for version in range(1, SCHEMA_VERSION):
                for stmt in _statements(MIGRATIONS[version]):
                    self.conn.execute(stmt)
            self.conn.execute(f"PRAGMA application_id = {APPLICATION_ID}")
            self.conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")

    def _migrate(self, version: int) -> None:
        assert self.path is not None
        backup = self.path.with_name(f"{self.path.name}.schema{version}.bak")
        self.backup_to(backup)
        try:
            with self.transaction():
                current = self.conn.execute("PRAGMA user_version").fetchone()[0]
                while current < SCHEMA_VERSION:
                    for stmt in _statements(MIGRATIONS[current]):
                        self.conn.execute(stmt)
                    current += 1
                self.conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")
        except (sqlite3.Error, KeyError, StoreError) as err:
            self.conn.close()
            raise StoreError(
                f"migrating schema {version} to {SCHEMA_VERSION} failed ({err}); the file "
                f"is unchanged and a copy is at {backup.name}; report this to goldspan",
                path=self.path,
            ) from None

    def close(self) -> None:
        self.conn.close()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # ------------------------------------------------------------- transactions
    def _retry(self, fn):  # type: ignore[no-untyped-def]
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
    def transaction(self) -> Iterator[sqlite3.Connection]:
        """One write transaction (``BEGIN IMMEDIATE``), waiting while another process
        writes (see :meth:`_retry`).

        Nested use joins the outer transaction, so a whole import is one transaction.
        The outermost level turns a full disk, an I/O error, a read-only file or a
        damaged file into goldspan's error after rolling back (:func:`explain`).
        """
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
            raise explain(err, self.path) or err
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
            raise self._failed(err) or err
        except BaseException:
            self._rollback()
            raise

    # ---------------------------------------------------------------- documents
    def add_document(
        self,
        text: str,
        *,
        title: str | None = None,
        source: str | None = None,
        meta: dict[str, Any] | None = None,
    ) -> tuple[int, bool]:
        """Insert a document unless its text is already there. Returns (id, created)."""
        h = text_hash(text)
        with self.transaction() as c:
            row = c.execute("SELECT id FROM documents WHERE text_hash = ?", (h,)).fetchone()
            if row:
                return row[0], False
            cur = c.execute(
                "INSERT INTO documents (id, text, text_hash, title, source, meta) "
                "VALUES (?, ?, ?, ?, ?, ?)",
                (self.next_id("documents"), text, h, title or first_line(text), source,
                 dumps(meta) if meta else None),
            )
            return int(cur.lastrowid), True  # type: ignore[arg-type]

    def document(self, doc_id: int) -> Document:
        row = self.conn.execute(
            "SELECT id, text, title, source, meta, text_hash FROM documents WHERE id = ?",
            (doc_id,),
        ).fetchone()
        if row is None:
            raise StoreError(f"no document with id {doc_id}", path=self.path)
        return Document(row[0], row[1], row[2], row[3], row[4], row[5], self.path)

    def document_meta(self, doc_id: int) -> dict[str, Any]:
        row = self.conn.execute("SELECT meta FROM documents WHERE id = ?", (doc_id,)).fetchone()
        if row is None:
            raise StoreError(f"no document with id {doc_id}", path=self.path)
        return parse_meta(row[0], doc_id, self.path)

    def set_document_meta(self, doc_id: int, meta: dict[str, Any]) -> None:
        with self.transaction() as c:
            c.execute("UPDATE documents SET meta = ? WHERE id = ?",
                      (dumps(meta) if meta else None, doc_id))

    def document_id_by_hash(self, h: str) -> int | None:
        """The document whose text has hash ``h`` (files are matched by it, never by id)."""
        row = self.conn.execute("SELECT id FROM documents WHERE text_hash = ?", (h,)).fetchone()
        return None if row is None else int(row[0])

    def has_document(self, doc_id: int) -> bool:
        return self.conn.execute("SELECT 1 FROM documents WHERE id = ?",
                                 (doc_id,)).fetchone() is not None

    def document_count(self) -> int:
        return self.conn.execute("SELECT count(*) FROM documents").fetchone()[0]

    def document_ids(self) -> list[int]:
        return [r[0] for r in self.conn.execute("SELECT id FROM documents ORDER BY id")]

    def document_ids_between(self, first: int, last: int) -> list[int]:
        """The ids of the documents with ``first <= id <= last`` (an index range scan:
        the size of the range typed costs nothing)."""
        return [r[0] for r in self.conn.execute(
            "SELECT id FROM documents WHERE id BETWEEN ? AND ? ORDER BY id", (first, last))]

    def document_id_bounds(self) -> tuple[int, int | None, int | None]:
        """(number of documents, smallest id, largest id)."""
        n, first, last = self.conn.execute(
            "SELECT count(*), min(id), max(id) FROM documents").fetchone()
        return n, first, last

    # -------------------------------------------------------------- annotations
    def annotation(self, doc_id: int, annotator: str) -> Annotation | None:
        row = self.conn.execute(
            "SELECT id, document_id, annotator, status, edited, seeded_from, updated_at "
            "FROM annotations WHERE document_id = ? AND annotator = ?",
            (doc_id, annotator),
        ).fetchone()
        return Annotation(row[0], row[1], row[2], row[3], bool(row[4]), row[5], row[6]) if row else None

    def annotation_by_id(self, annotation_id: int) -> Annotation:
        row = self.conn.execute(
            "SELECT id, document_id, annotator, status, edited, seeded_from, updated_at "
            "FROM annotations WHERE id = ?",
            (annotation_id,),
        ).fetchone()
        if row is None:
            raise StoreError(f"no annotation with id {annotation_id}", path=self.path)
        return Annotation(row[0], row[1], row[2], row[3], bool(row[4]), row[5], row[6])

    def annotations(self, doc_id: int) -> list[Annotation]:
        rows = self.conn.execute(
            "SELECT id, document_id, annotator, status, edited, seeded_from, updated_at "
            "FROM annotations WHERE document_id = ? ORDER BY annotator",
            (doc_id,),
        ).fetchall()
        return [Annotation(r[0], r[1], r[2], r[3], bool(r[4]), r[5], r[6]) for r in rows]

    def spans(self, annotation_id: int) -> list[Span]:
        rows = self.conn.execute(
            'SELECT start, "end", label, origin FROM spans WHERE annotation_id = ? '
            "ORDER BY start",
            (annotation_id,),
        ).fetchall()
        return list(map(Span._make, rows))

    def open_version(self, doc_id: int, annotator: str) -> Annotation:
        """The annotator's version of a document, created on first open.

        A new version starts as a copy of the latest suggestions (origin ``model``), as
        Prodigy's ner.correct does, with status ``todo`` (the first edit makes it ``in_progress``).
        """
        check_annotator(annotator, allow_gold=True)
        existing = self.annotation(doc_id, annotator)
        if existing is not None:
            return existing
        with self.transaction() as c:
            existing = self.annotation(doc_id, annotator)
            if existing is not None:
                return existing
            model, sugg = self.latest_suggestions(doc_id)
            cur = c.execute(
                "INSERT INTO annotations (id, document_id, annotator, status, seeded_from) "
                "VALUES (?, ?, ?, 'todo', ?)",
                (self.next_id("annotations"), doc_id, annotator, model),
            )
            ann_id = int(cur.lastrowid)  # type: ignore[arg-type]
            self._insert_spans(ann_id, [Span(s.start, s.end, s.label, "model")
                                        for s in non_overlapping(sugg)])
        return self.annotation_by_id(ann_id)

    def seed_version(self, annotation_id: int, model: str, suggestions: Sequence[Suggestion]) -> bool:
        """Fill a version that nobody has edited with a model's suggestions.

        Returns False (and changes nothing) once a person has edited the version:
        suggestions never overwrite human work.
        """
        with self.transaction() as c:
            ann = self.annotation_by_id(annotation_id)
            if ann.edited or ann.status != "todo":  # accepting as-is is human work too
                return False
            c.execute("DELETE FROM spans WHERE annotation_id = ?", (annotation_id,))
            self._insert_spans(annotation_id, [Span(s.start, s.end, s.label, "model")
                                               for s in non_overlapping(suggestions)])
            c.execute(
                "UPDATE annotations SET seeded_from = ?, updated_at = "
                "strftime('%Y-%m-%dT%H:%M:%fZ', 'now') WHERE id = ?",
                (model, annotation_id),
            )
        return True

    def put_version(
        self,
        doc_id: int,
        annotator: str,
        status: str,
        spans: Sequence[Span],
    ) -> int:
        """Create or replace one annotator's whole version of a document (import)."""
        if status not in STATUSES:
            raise StoreError(f"unknown status {status!r}")
        with self.transaction() as c:
            row = c.execute(
                "SELECT id FROM annotations WHERE document_id = ? AND annotator = ?",
                (doc_id, annotator),
            ).fetchone()
            if row:
                ann_id = row[0]
                c.execute("DELETE FROM spans WHERE annotation_id = ?", (ann_id,))
                c.execute(
                    "UPDATE annotations SET status = ?, edited = 1, updated_at = "
                    "strftime('%Y-%m-%dT%H:%M:%fZ', 'now') WHERE id = ?",
                    (status, ann_id),
                )
            else:
                cur = c.execute(
                    "INSERT INTO annotations (id, document_id, annotator, status, edited) "
                    "VALUES (?, ?, ?, ?, 1)",
                    (self.next_id("annotations"), doc_id, annotator, status),
                )
                ann_id = int(cur.lastrowid)  # type: ignore[arg-type]
            self._insert_spans(ann_id, spans)
        return ann_id

    def _insert_spans(self, annotation_id: int, spans: Iterable[Span]) -> None:
        self.conn.executemany(
            'INSERT INTO spans (annotation_id, start, "end", label, origin) VALUES (?, ?, ?, ?, ?)',
            [(annotation_id, s.start, s.end, s.label, s.origin) for s in spans],
        )

    # -------------------------------------------------------------- suggestions
    def has_run(self, doc_id: int, model: str) -> bool:
        return self.conn.execute(
            "SELECT 1 FROM suggestion_runs WHERE document_id = ? AND model = ?", (doc_id, model)
        ).fetchone() is not None

    def put_suggestions(self, doc_id: int, model: str, suggestions: Sequence[Suggestion]) -> int:
        """Store what a model said about a document, replacing its earlier run. Returns
        how many rows were stored: a suggestion repeated with the same offsets and label
        is stored once (the first score kept). Anything else the table refuses (an
        empty span, a negative offset) raises: ``INSERT OR IGNORE`` would have skipped it
        silently, for a summary to count what was never stored."""
        unique: dict[tuple[int, int, str], Suggestion] = {}
        for s in suggestions:
            unique.setdefault((s.start, s.end, s.label), s)
        with self.transaction() as c:
            c.execute("DELETE FROM suggestions WHERE document_id = ? AND model = ?", (doc_id, model))
            try:
                c.executemany(
                    'INSERT INTO suggestions (document_id, model, start, "end", label, score) '
                    "VALUES (?, ?, ?, ?, ?, ?)",
                    [(doc_id, model, s.start, s.end, s.label, s.score) for s in unique.values()],
                )
            except sqlite3.IntegrityError as err:
                bad = next((s for s in unique.values() if not 0 <= s.start < s.end), None)
                what = f" {bad.start}-{bad.end} ({bad.label})" if bad else ""
                raise StoreError(f"document {doc_id}: cannot store the suggestion{what} of "
                                 f"{model} ({err})", path=self.path) from None
            c.execute(
                "INSERT OR REPLACE INTO suggestion_runs (document_id, model) VALUES (?, ?)",
                (doc_id, model),
            )
        return len(unique)

    def drop_run(self, doc_id: int, model: str) -> None:
        """Forget a model's run on a document (its suggestions and its run row), so the
        shard merged next brings the new one in: ``goldspan suggest --ray --force``."""
        with self.transaction() as c:
            c.execute("DELETE FROM suggestions WHERE document_id = ? AND model = ?", (doc_id, model))
            c.execute("DELETE FROM suggestion_runs WHERE document_id = ? AND model = ?",
                      (doc_id, model))

    def suggestions(self, doc_id: int, model: str) -> list[Suggestion]:
        rows = self.conn.execute(
            'SELECT start, "end", label, score FROM suggestions WHERE document_id = ? AND model = ? '
            "ORDER BY start, \"end\"",
            (doc_id, model),
        ).fetchall()
        return [Suggestion(*r) for r in rows]

    def latest_suggestions(self, doc_id: int) -> tuple[str | None, list[Suggestion]]:
        """The most recent model run on the document and what it found that this
        project takes: with a locked label set, only its labels (suggestions stored
        before the set was locked, or by an older goldspan, never reach a version), and
        never a label that breaks the naming rule."""
        row = self.conn.execute(
            "SELECT model FROM suggestion_runs WHERE document_id = ? "
            "ORDER BY created_at DESC, rowid DESC LIMIT 1",
            (doc_id,),
        ).fetchone()
        if row is None:
            return None, []
        return row[0], self.label_filter()(self.suggestions(doc_id, row[0]))

    def label_filter(self) -> LabelFilter:
        """The project's :func:`labels.project_labels_filter`: its label set and lock."""
        names = [r[0] for r in self.conn.execute("SELECT name FROM labels")]
        return project_labels_filter(names, bool(self.setting("labels_locked", False)))

    def documents_without_run(self, model: str, limit: int | None = None) -> list[int]:
        sql = ("SELECT id FROM documents WHERE id NOT IN "
               "(SELECT document_id FROM suggestion_runs WHERE model = ?) ORDER BY id")
        if limit is not None:
            sql += f" LIMIT {int(limit)}"
        return [r[0] for r in self.conn.execute(sql, (model,))]

    # -------------------------------------------------------------- assignments
    def assign(self, annotator: str, doc_ids: Iterable[int]) -> int:
        """Assign documents to an annotator (idempotent). Returns how many were new."""
        check_annotator(annotator)
        with self.transaction() as c:
            before = self.conn.total_changes
            c.executemany(
                "INSERT OR IGNORE INTO assignments (document_id, annotator) "
                "SELECT id, ? FROM documents WHERE id = ?",
                [(annotator, d) for d in doc_ids],
            )
            return self.conn.total_changes - before

    def unassign(self, annotator: str, doc_ids: Iterable[int] | None = None) -> int:
        with self.transaction() as c:
            if doc_ids is None:
                return c.execute("DELETE FROM assignments WHERE annotator = ?", (annotator,)).rowcount
            return sum(c.execute("DELETE FROM assignments WHERE annotator = ? AND document_id = ?",
                                 (annotator, d)).rowcount for d in doc_ids)

    def assignment_counts(self) -> dict[str, int]:
        return dict(self.conn.execute(
            "SELECT annotator, count(*) FROM assignments GROUP BY annotator ORDER BY annotator"
        ).fetchall())

    # ------------------------------------------------------------------- labels
    def labels(self) -> list[Label]:
        rows = self.conn.execute(
            "SELECT name, color, hotkey, description FROM labels ORDER BY position, name"
        ).fetchall()
        return [Label(*r) for r in rows]

    def set_labels(self, labels: Sequence[Label]) -> None:
        """Replace the project's label set (names, colours, hotkeys, order)."""
        with self.transaction() as c:
            c.execute("DELETE FROM labels")
            c.executemany(
                "INSERT INTO labels (name, color, hotkey, description, position) VALUES (?, ?, ?, ?, ?)",
                [(lab.name, lab.color, lab.hotkey, lab.description, i) for i, lab in enumerate(labels)],
            )

    def relabel(self, old: str, new: str) -> tuple[int, int]:
        """Give every span and suggestion labelled ``old`` the label ``new`` (the label
        set is the caller's business), in the caller's transaction or one of its own. A
        suggestion that would then duplicate one already there under ``new`` is dropped.
        Returns (spans, suggestions) relabelled."""
        with self.transaction() as c:
            spans = c.execute("UPDATE spans SET label = ? WHERE label = ?", (new, old)).rowcount
            sugg = c.execute("UPDATE OR IGNORE suggestions SET label = ? WHERE label = ?",
                             (new, old)).rowcount
            c.execute("DELETE FROM suggestions WHERE label = ?", (old,))
        return spans, sugg

    def span_label_counts(self) -> dict[str, int]:
        """Every label spans carry, with how many spans carry it."""
        return dict(self.conn.execute("SELECT label, count(*) FROM spans GROUP BY label"))

    def annotator_names(self) -> list[str]:
        """Every annotator name in the file: of versions and of assignments."""
        return [r[0] for r in self.conn.execute(
            "SELECT annotator FROM annotations UNION SELECT annotator FROM assignments")]

    def label_uses(self, name: str) -> tuple[int, int]:
        """How many spans and suggestions carry the label ``name``."""
        spans = self.conn.execute("SELECT count(*) FROM spans WHERE label = ?", (name,)).fetchone()
        sugg = self.conn.execute("SELECT count(*) FROM suggestions WHERE label = ?",
                                 (name,)).fetchone()
        return int(spans[0]), int(sugg[0])

    def add_labels(self, names: Iterable[str]) -> list[Label]:
        """Append labels not yet in the set, with the next free colour and hotkey."""
        from .labels import extend_labels  # local: labels imports nothing from store

        current = self.labels()
        new = extend_labels(current, names)
        if len(new) != len(current):
            self.set_labels(new)
        return new

    # ----------------------------------------------------------------- settings
    def setting(self, key: str, default: Any = None, *, kind: type | None = None) -> Any:
        """A project setting (``default`` when unset or NULL). A value that is not JSON,
        or not of ``kind`` (``labels_locked`` must be true or false, not ``"no"``), is
        one clear line naming the row and what to do, never a traceback or a guess."""
        row = self.conn.execute("SELECT value FROM settings WHERE key = ?", (key,)).fetchone()
        if row is None or row[0] is None:
            return default
        value = json_cell(row[0], "settings", "value", repr(key), self.path)
        if kind is not None and (not isinstance(value, kind)
                                 or (kind is int and isinstance(value, bool))):
            example = {bool: "true or false", int: "a whole number", str: "a string"}.get(
                kind, kind.__name__)
            raise StoreError(
                f"settings row {key!r}: value should be {example}, not {str(row[0])[:40]}; "
                "correct that cell with any SQLite tool or restore a backup", path=self.path)
        return value

    def set_setting(self, key: str, value: Any) -> None:
        with self.transaction() as c:
            c.execute(
                "INSERT OR REPLACE INTO settings (key, value) VALUES (?, ?)",
                (key, dumps(value)),
            )

    # ------------------------------------------------------------------ deleting
    def next_id(self, table: str) -> int:
        """The id a new row of ``documents`` or ``annotations`` gets: one past the
        largest there is or ever was deleted (``settings`` key ``id_floor.<table>``),
        so an id names one row for good (an exported or noted document id never comes
        back as another text) and an undone delete gets its ids back. SQLite alone
        hands the largest id out again once its row is deleted."""
        if table not in _NEXT_ID:
            raise StoreError(f"no id sequence for {table!r}")
        return int(self.conn.execute(_NEXT_ID[table], (f"id_floor.{table}",)).fetchone()[0])

    def document_rows(self, doc_id: int) -> Rows | None:
        """The document and everything that belongs to it, as stored (None if there is
        no such document)."""
        return self._rows("documents", doc_id)

    def version_rows(self, doc_id: int, annotator: str) -> Rows | None:
        """One annotator's version of a document and its spans, as stored."""
        row = self.conn.execute("SELECT id FROM annotations WHERE document_id = ? AND "
                                "annotator = ?", (doc_id, annotator)).fetchone()
        return None if row is None else self._rows("annotations", int(row[0]))

    def delete_document(self, doc_id: int) -> Rows:
        """Delete a document with its versions, spans, suggestions, model runs and
        assignments (one transaction); returns every row deleted, for :meth:`restore`."""
        with self.transaction():
            rows = self.document_rows(doc_id)
            if rows is None:
                raise StoreError(f"no document with id {doc_id}", path=self.path)
            return self._delete(rows)

    def delete_version(self, doc_id: int, annotator: str) -> Rows:
        """Delete one annotator's version of a document and its spans."""
        with self.transaction():
            rows = self.version_rows(doc_id, annotator)
            if rows is None:
                raise StoreError(f"document {doc_id} has no version by {annotator!r}",
                                 path=self.path)
            return self._delete(rows)

    def delete_rows(self, rows: Rows) -> Rows:
        """Delete what ``rows`` recorded (a document or a version), refused unless it
        is still exactly that (the redo of an undone delete)."""
        with self.transaction():
            if self._rows(rows.table, rows.id) != rows:
                raise StoreError(f"{rows.describe()} was changed elsewhere or is gone; "
                                 "nothing was deleted", path=self.path)
            return self._delete(rows)

    def restore(self, rows: Rows) -> None:
        """Put deleted rows back exactly: the same document and version ids, every
        column as it was (spans and suggestions get new row ids; nothing refers to
        those). Refused in one line if the text was imported again since."""
        with self.transaction() as c:
            if rows.table == "documents":
                h = rows.column("documents", "text_hash")[0]
                clash = c.execute("SELECT id FROM documents WHERE text_hash = ?", (h,)).fetchone()
                if clash is not None:
                    raise StoreError(f"cannot restore document {rows.id}: its text was imported "
                                     f"again since, as document {clash[0]}", path=self.path)
            try:
                for table, _, data in rows.tables:
                    c.executemany(_OWNED[table][1], data)
            except sqlite3.IntegrityError as err:
                raise StoreError(f"cannot restore {rows.describe()}: the database changed since "
                                 f"({err})", path=self.path) from None

    def delete_label(self, name: str) -> int:
        """Remove a label from the project's set. Refused while a span of any version
        carries it (delete or relabel those first); suggestions may keep it, as after
        Project -> Labels. Returns how many suggestions still carry it."""
        with self.transaction() as c:
            if c.execute("SELECT 1 FROM labels WHERE name = ?", (name,)).fetchone() is None:
                raise StoreError(f"no label named {name!r} in the label set", path=self.path)
            used = c.execute(
                "SELECT count(*), count(DISTINCT a.document_id), min(a.document_id) FROM spans s "
                "JOIN annotations a ON a.id = s.annotation_id WHERE s.label = ?", (name,)).fetchone()
            if used[0]:
                raise StoreError(
                    f"label {name!r} is on {used[0]} span{'s' if used[0] != 1 else ''} in "
                    f"{used[1]} document{'s' if used[1] != 1 else ''} (the first is document "
                    f"{used[2]}); delete or relabel those spans first", path=self.path)
            c.execute("DELETE FROM labels WHERE name = ?", (name,))
            return int(c.execute("SELECT count(*) FROM suggestions WHERE label = ?",
                                 (name,)).fetchone()[0])

    def _delete(self, rows: Rows) -> Rows:
        """Delete ``rows`` (read in this transaction) and raise the id floors past
        every document and version id it held."""
        c = self.conn
        for table in ("documents", "annotations"):
            ids = rows.column(table, "id")
            if ids:
                c.execute(
                    "INSERT INTO settings (key, value) VALUES (?, ?) ON CONFLICT(key) DO "
                    "UPDATE SET value = CAST(max(coalesce(CAST(value AS INTEGER), 0), "
                    "CAST(excluded.value AS INTEGER)) AS TEXT)", (f"id_floor.{table}", str(max(ids))))
        c.execute(_DELETE[rows.table], (rows.id,))
        return rows

    def _rows(self, table: str, row_id: int) -> Rows | None:
        """A document or version and every row that belongs to it, parents first."""
        children = set(self.conn.execute(
            "SELECT p.\"table\", m.name FROM sqlite_master m, pragma_foreign_key_list(m.name) p "
            "WHERE m.type = 'table' AND upper(p.on_delete) = 'CASCADE'").fetchall())
        if children != _CASCADES:
            # A table this code does not know would be deleted by the cascade and never
            # restored: refuse rather than lose it on undo.
            raise StoreError("the schema has tables goldspan's delete does not know "
                             f"({sorted(children ^ _CASCADES)}); upgrade goldspan",
                             path=self.path)
        out = []
        for name, (select, _) in _OWNED.items():
            if table == "annotations" and name not in ("annotations", "spans"):
                continue
            query = select[table] if isinstance(select, dict) else select
            data = tuple(self.conn.execute(query, (row_id,)).fetchall())
            if name == table and not data:
                return None
            out.append((name, _COLUMNS[name], data))
        return Rows(table, row_id, tuple(out))

    # -------------------------------------------------------------- maintenance
    def backup_to(self, target: str | Path, progress=None) -> Path:  # type: ignore[no-untyped-def]
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
        from .outputs import Outputs, database_files

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

    def integrity_problems(self) -> list[str]:
        """SQLite's integrity and foreign-key checks plus goldspan's own invariants
        (the problems of :meth:`check`)."""
        return self.check().problems

    def check(self) -> CheckReport:
        """Everything ``goldspan check`` looks at, each finding naming its table and
        row: SQLite's ``integrity_check`` and ``foreign_key_check``; the schema objects
        against :mod:`.schema` (:meth:`schema_problems`); every CHECK and NOT NULL
        constraint of the schema evaluated again row by row (a tool that wrote with
        ``ignore_check_constraints`` or an edited schema is caught); spans and
        suggestions within their text; spans of one version not overlapping;
        ``text_hash`` against the text; JSON columns holding valid, strict JSON (no
        NaN); known settings of the right type. Labels used by spans but missing from
        the label set are notes, not problems (the set is a palette; the spans are
        still valid data)."""
        report = CheckReport()
        try:
            self._check(report)
        except sqlite3.DatabaseError as err:  # too damaged to finish the checks
            report.problems.append(
                f"the database is damaged ({err}); restore a backup (goldspan backup, or "
                "the daily copies)")
        return report

    def schema_problems(self, notes: list[str] | None = None) -> list[str]:
        """Tables, indexes and triggers missing or different from the schema goldspan
        creates (whitespace aside); objects a user added are listed in ``notes``.
        Costs one read of ``sqlite_master``: run at every read-write open."""
        ref = _reference()
        actual = {(r[0], r[1]): _normalise_sql(r[2]) for r in self.conn.execute(
            "SELECT type, name, sql FROM sqlite_master WHERE name NOT LIKE 'sqlite_%'")}
        problems = []
        for (kind, name), sql in ref.objects.items():
            if (kind, name) not in actual:
                problems.append(f"{kind} {name} is missing")
            elif actual[(kind, name)] != sql:
                problems.append(f"{kind} {name} differs from goldspan's schema")
        if notes is not None:
            notes.extend(f"{kind} {name} is not goldspan's (left as it is)"
                         for kind, name in sorted(set(actual) - set(ref.objects)))
        return problems

    def name_problems(self) -> list[str]:
        """Labels and annotator names that break the naming rule (a database written
        before the rule was enforced may hold them), each with where it is used and how
        to fix it. Distinct names only: a handful of queries whatever the size."""
        out: list[str] = []
        used: dict[str, list[str]] = {}
        queries = (
            ("in the label set", "SELECT name, count(*) FROM labels GROUP BY name"),
            ("spans", "SELECT label, count(*) FROM spans GROUP BY label"),
            ("suggestions", "SELECT label, count(*) FROM suggestions GROUP BY label"),
        )
        for what, sql in queries:
            for name, n in self.conn.execute(sql):
                if label_refusal(name):
                    where = what if what.startswith("in ") else f"{n} {what}"
                    used.setdefault(name, []).append(where)
        for name, where in used.items():
            out.append(f"{label_refusal(name)} ({', '.join(where)}); rename it: Project -> "
                       "Labels, or goldspan labels --rename OLD NEW")
        who: dict[str, list[str]] = {}
        for what, sql in (
            ("versions", "SELECT annotator, count(*) FROM annotations GROUP BY annotator"),
            ("assignments", "SELECT annotator, count(*) FROM assignments GROUP BY annotator"),
        ):
            for name, n in self.conn.execute(sql):
                if annotator_refusal(name):
                    who.setdefault(name, []).append(f"{n} {what}")
        for name, where in who.items():
            out.append(f"{annotator_refusal(name)} ({', '.join(where)})")
        return out

    def _check(self, report: CheckReport) -> None:
        c = self.conn
        problems = report.problems
        ref = _reference()
        # integrity_check's "CHECK constraint failed in spans" and "NULL value in
        # spans.label" name no row: goldspan's tables are checked again below, row by row
        ours = {q.table for q in ref.row_queries}
        for (line,) in c.execute("PRAGMA integrity_check"):
            m = re.fullmatch(r"(?:CHECK constraint failed in |NULL value in )(\w+)(?:\.\w+)?",
                             line)
            if line != "ok" and not (m and m.group(1) in ours):
                problems.append(line)
        for r in c.execute("PRAGMA foreign_key_check"):
            problems.append(f"foreign key: table {r[0]} row {r[1]} points to missing {r[2]}")
        problems.extend(self.schema_problems(report.notes))
        problems.extend(self.name_problems())
        for query in ref.row_queries:
            self._rows_breaking(report, query)
        self._check_settings(report)
        limit = Limit(report, "spans past the end of their text")
        for r in c.execute(
                'SELECT s.id, s.annotation_id, s."end", length(d.text) FROM spans s '
                "JOIN annotations a ON a.id = s.annotation_id "
                'JOIN documents d ON d.id = a.document_id WHERE s."end" > length(d.text)'):
            limit.add(f"span {r[0]} of annotation {r[1]} ends at {r[2]}, past the text ({r[3]})")
        limit = Limit(report, "suggestions past the end of their text")
        for r in c.execute(
                'SELECT s.id, s.document_id, s.model, s."end", length(d.text) FROM suggestions s '
                'JOIN documents d ON d.id = s.document_id WHERE s."end" > length(d.text)'):
            limit.add(f"suggestion {r[0]} of document {r[1]} by {r[2]} ends at {r[3]}, "
                      f"past the text ({r[4]})")
        limit = Limit(report, "overlapping spans")
        last_ann, max_end, max_id = None, 0, 0
        for span_id, ann, start, end in c.execute(
                'SELECT id, annotation_id, start, "end" FROM spans '
                'ORDER BY annotation_id, start, "end", id'):
            if ann != last_ann:
                last_ann, max_end, max_id = ann, end, span_id
                continue
            if start < max_end:
                limit.add(f"spans {max_id} and {span_id} of annotation {ann} overlap")
            if end > max_end:
                max_end, max_id = end, span_id
        limit = Limit(report, "documents whose text_hash does not match their text")
        for doc_id, text, stored in c.execute("SELECT id, text, text_hash FROM documents"):
            if not isinstance(text, str):
                continue  # NOT NULL and the type are reported above
            if stored != text_hash(text):
                limit.add(f"document {doc_id}: text_hash "
                          + ("is missing" if stored is None else "does not match its text")
                          + " (the text was changed outside goldspan; duplicates of it "
                          "would no longer be recognised)")
        for label, n in c.execute(
                "SELECT label, count(*) FROM spans WHERE label NOT IN (SELECT name FROM labels) "
                "GROUP BY label ORDER BY label"):
            report.notes.append(f"label {label!r} is used by {n} span(s) but is not in the "
                                "label set")

    def _rows_breaking(self, report: CheckReport, q: RowQuery) -> None:
        """Run one of the reference's row checks; each row it finds is a problem."""
        limit = Limit(report, f"rows of {q.table} like these ({q.what})")
        try:
            for rowid, key, value in self.conn.execute(q.sql):
                name = (f"row {rowid}" if q.key is None else f"{q.key} {key}"
                        if q.key == "id" else f"row {rowid} ({q.key} {key!r})")
                if q.json is None:
                    limit.add(f"table {q.table}, {name}: {q.what}")
                    continue
                why = json_problem(value, want_object=(q.table, q.json) == ("documents", "meta"))
                if why:
                    limit.add(f"table {q.table}, {name}: {q.json} {why}")
        except sqlite3.OperationalError as err:  # a column or table is missing
            report.problems.append(f"table {q.table}: cannot check {q.what} ({err})")

    def _check_settings(self, report: CheckReport) -> None:
        for key, kind in SETTING_TYPES.items():
            try:
                row = self.conn.execute("SELECT value FROM settings WHERE key = ?",
                                        (key,)).fetchone()
            except sqlite3.OperationalError:
                return  # the missing table is reported by schema_problems
            if row is None or json_problem(row[0]):
                continue  # absent is the default; invalid JSON is reported already
            if not isinstance(json.loads(row[0]), kind):
                report.problems.append(f"table settings, key {key!r}: value {row[0][:40]!r} "
                                       f"is not a {kind.__name__}")


# Settings goldspan reads, with the JSON type each must hold.
SETTING_TYPES: dict[str, type] = {"labels_locked": bool}
MAX_FINDINGS_PER_CHECK = 50


@dataclass
class CheckReport:
    """What ``goldspan check`` found: problems (exit 1) and notes (information)."""

    problems: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


class Limit:
    """Adds a check's findings to a report, at most MAX_FINDINGS_PER_CHECK lines and
    then one line saying how many more (a file with a million broken rows stays
    readable)."""

    def __init__(self, report: CheckReport, what: str) -> None:
        self.report, self.what, self.n = report, what, 0
        self.more_at: int | None = None

    def add(self, line: str) -> None:
        self.n += 1
        if self.n <= MAX_FINDINGS_PER_CHECK:
            self.report.problems.append(line)
            return
        if self.more_at is None:
            self.more_at = len(self.report.problems)
            self.report.problems.append("")
        self.report.problems[self.more_at] = (
            f"... and {self.n - MAX_FINDINGS_PER_CHECK} more {self.what}")


def json_problem(value: Any, want_object: bool = False) -> str | None:
    """Why a stored JSON value is not valid strict JSON (RFC 8259: NaN and Infinity,
    which Python's json writes by default, are not JSON), or None."""
    if isinstance(value, bytes):
        try:
            value = value.decode("utf-8")
        except UnicodeDecodeError:
            return "is not text"
    if isinstance(value, (int, float)):
        value = repr(value)

    def refuse(name: str) -> Any:
        raise ValueError(f"{name} is not valid JSON")

    try:
        parsed = json.loads(value, parse_constant=refuse)
    except ValueError as err:
        return f"is not valid JSON ({err})"
    if want_object and not isinstance(parsed, dict):
        return "is JSON but not an object"
    return None


@dataclass(frozen=True)
class RowQuery:
    """One row-by-row check of the reference schema: its SQL selects (rowid, key,
    value) of the rows that break it; ``json`` names the column to parse, if any."""

    table: str
    key: str | None  # the declared primary key naming a row (None: the rowid)
    what: str
    sql: str
    json: str | None = None


@dataclass(frozen=True)
class _Reference:
    """What goldspan's own schema holds, read from a fresh in-memory database."""

    objects: dict[tuple[str, str], str]  # (type, name) -> normalised SQL
    row_queries: list[RowQuery]  # CHECK, NOT NULL and JSON columns, row by row


_REFERENCES: dict[Any, _Reference] = {}


def _reference() -> _Reference:
    """The schema of a new database, built once per process (about 2 ms). Keyed by the
    schema scripts so a migration added (or a test's) is part of it.

    The row checks are SQL built from goldspan's own schema (table and column names
    through :func:`_ident`, CHECK expressions as :mod:`.schema` writes them), never
    from the file being checked."""
    key = (SCHEMA_VERSION, SCHEMA_V1, tuple(sorted(MIGRATIONS.items())))
    if key not in _REFERENCES:
        ref = Store.memory()
        c = ref.conn
        objects = {(r[0], r[1]): _normalise_sql(r[2]) for r in c.execute(
            "SELECT type, name, sql FROM sqlite_master WHERE name NOT LIKE 'sqlite_%' "
            "AND sql IS NOT NULL")}
        queries: list[RowQuery] = []
        for (name, sql) in c.execute(
                "SELECT name, sql FROM sqlite_master WHERE type = 'table' ORDER BY name"):
            columns = c.execute("SELECT name, type, \"notnull\", pk FROM pragma_table_info(?)",
                                (name,)).fetchall()
            pks = [col[0] for col in columns if col[3]]
            pk = pks[0] if len(pks) == 1 else None
            for schema_expr in _check_expressions(sql):
                queries.append(RowQuery(
                    name, pk, f"breaks CHECK ({schema_expr})",
                    f"SELECT rowid, {_ident(pk or 'rowid')}, NULL FROM {_ident(name)} "
                    f"WHERE NOT ({schema_expr})"))
            for col_name, col_type, notnull, is_pk in columns:
                if notnull and not is_pk:
                    queries.append(RowQuery(
                        name, pk, f"{col_name} is NULL",
                        f"SELECT rowid, {_ident(pk or 'rowid')}, NULL FROM {_ident(name)} "
                        f"WHERE {_ident(col_name)} IS NULL"))
                if str(col_type).upper() == "JSON":
                    queries.append(RowQuery(
                        name, pk, f"valid JSON in {col_name}",
                        f"SELECT rowid, {_ident(pk or 'rowid')}, {_ident(col_name)} FROM "
                        f"{_ident(name)} WHERE {_ident(col_name)} IS NOT NULL", json=col_name))
        ref.close()
        _REFERENCES[key] = _Reference(objects, queries)
    return _REFERENCES[key]


def _ident(name: str) -> str:
    """A table or column name of goldspan's own schema, quoted for SQL. Anything but a
    plain identifier is refused: these names come from :mod:`.schema`, never a file."""
    if not re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", name):
        raise ValueError(f"not a plain SQL identifier: {name!r}")
    return f'"{name}"'


def _normalise_sql(sql: str | None) -> str:
    return " ".join((sql or "").split())


def _check_expressions(sql: str) -> list[str]:
    """The expressions of the CHECK constraints in a CREATE TABLE statement (balanced
    parentheses, string literals skipped)."""
    out = []
    for m in re.finditer(r"\bCHECK\s*\(", sql, flags=re.IGNORECASE):
        depth, i, quote = 1, m.end(), None
        while i < len(sql) and depth:
            ch = sql[i]
            if quote:
                quote = None if ch == quote else quote
            elif ch in "'\"":
                quote = ch
            elif ch == "(":
                depth += 1
            elif ch == ")":
                depth -= 1
            i += 1
        out.append(" ".join(sql[m.end():i - 1].split()))
    return out


@dataclass(frozen=True)
class Rows:
    """A row (a document, or a version) and every row that belongs to it, as they were
    stored: what a delete removed and :meth:`Store.restore` puts back. ``tables`` holds
    ``(table, columns, rows)``, parents before children."""

    table: str
    id: int
    tables: tuple[tuple[str, tuple[str, ...], tuple[tuple[Any, ...], ...]], ...]

    def count(self, table: str) -> int:
        return sum(len(rows) for t, _, rows in self.tables if t == table)

    def column(self, table: str, name: str) -> list[Any]:
        return [r[cols.index(name)] for t, cols, rows in self.tables if t == table for r in rows]

    @property
    def document_id(self) -> int:
        return self.id if self.table == "documents" else int(self.column("annotations",
                                                                          "document_id")[0])

    def describe(self) -> str:
        if self.table == "documents":
            return f"document {self.id}"
        return (f"the version of document {self.document_id} by "
                f"{self.column('annotations', 'annotator')[0]!r}")


# What deleting a document or a version removes (by ON DELETE CASCADE) and a restore
# puts back, parents first: per table its columns (all of them, but the row id of
# spans and suggestions: nothing refers to those), the SELECT for a document's rows
# (a dict: per root table) and the INSERT. Written out, not built from the schema:
# no name is ever formatted into SQL; Store._rows refuses a schema with other tables.
_COLUMNS = {
    "documents": ("id", "text", "text_hash", "title", "source", "meta", "created_at"),
    "annotations": ("id", "document_id", "annotator", "status", "edited", "seeded_from",
                    "created_at", "updated_at"),
    "spans": ("annotation_id", "start", "end", "label", "origin"),
    "suggestions": ("document_id", "model", "start", "end", "label", "score"),
    "suggestion_runs": ("document_id", "model", "created_at"),
    "assignments": ("document_id", "annotator", "created_at"),
}
_OWNED: dict[str, tuple[str | dict[str, str], str]] = {
    "documents": (
        "SELECT id, text, text_hash, title, source, meta, created_at FROM documents WHERE id = ?",
        "INSERT INTO documents (id, text, text_hash, title, source, meta, created_at) "
        "VALUES (?, ?, ?, ?, ?, ?, ?)"),
    "annotations": (
        {"documents": "SELECT id, document_id, annotator, status, edited, seeded_from, "
                      "created_at, updated_at FROM annotations WHERE document_id = ? ORDER BY id",
         "annotations": "SELECT id, document_id, annotator, status, edited, seeded_from, "
                        "created_at, updated_at FROM annotations WHERE id = ?"},
        "INSERT INTO annotations (id, document_id, annotator, status, edited, seeded_from, "
        "created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)"),
    "spans": (
        {"documents": 'SELECT annotation_id, start, "end", label, origin FROM spans WHERE '
                      "annotation_id IN (SELECT id FROM annotations WHERE document_id = ?) "
                      "ORDER BY annotation_id, id",
         "annotations": 'SELECT annotation_id, start, "end", label, origin FROM spans WHERE '
                        "annotation_id = ? ORDER BY id"},
        'INSERT INTO spans (annotation_id, start, "end", label, origin) VALUES (?, ?, ?, ?, ?)'),
    "suggestions": (
        'SELECT document_id, model, start, "end", label, score FROM suggestions WHERE '
        "document_id = ? ORDER BY model, id",
        'INSERT INTO suggestions (document_id, model, start, "end", label, score) '
        "VALUES (?, ?, ?, ?, ?, ?)"),
    "suggestion_runs": (
        "SELECT document_id, model, created_at FROM suggestion_runs WHERE document_id = ? "
        "ORDER BY rowid",
        "INSERT INTO suggestion_runs (document_id, model, created_at) VALUES (?, ?, ?)"),
    "assignments": (
        "SELECT document_id, annotator, created_at FROM assignments WHERE document_id = ? "
        "ORDER BY rowid",
        "INSERT INTO assignments (document_id, annotator, created_at) VALUES (?, ?, ?)"),
}
_CASCADES = {("documents", "annotations"), ("annotations", "spans"), ("documents", "suggestions"),
             ("documents", "suggestion_runs"), ("documents", "assignments")}
_DELETE = {"documents": "DELETE FROM documents WHERE id = ?",
           "annotations": "DELETE FROM annotations WHERE id = ?"}
_NEXT_ID = {
    "documents": "SELECT max(coalesce((SELECT max(id) FROM documents), 0), coalesce((SELECT "
                 "CAST(value AS INTEGER) FROM settings WHERE key = ?), 0)) + 1",
    "annotations": "SELECT max(coalesce((SELECT max(id) FROM annotations), 0), coalesce((SELECT "
                   "CAST(value AS INTEGER) FROM settings WHERE key = ?), 0)) + 1",
}


def _statements(script: str) -> list[str]:
    """Split a schema script into statements (triggers contain semicolons)."""
    out: list[str] = []
    buf = ""
    for line in script.splitlines(keepends=True):
        if line.lstrip().startswith("--"):
            continue
        for part in re.split(r"(?<=;)", line):  # two statements may share a line
            buf += part
            if sqlite3.complete_statement(buf):
                if buf.strip():
                    out.append(buf.strip())
                buf = ""
    if buf.strip():
        out.append(buf.strip())
    return out


def non_overlapping(spans: Iterable[Any]) -> list[Any]:
    """Keep the earliest, then longest, of overlapping spans (as spaCy's filter_spans
    keeps the longest); used where model output must become one annotation."""
    ordered = sorted(spans, key=lambda s: (-(s.end - s.start), s.start))
    kept: list[Any] = []
    taken: list[tuple[int, int]] = []
    for s in ordered:
        if all(s.end <= a or s.start >= b for a, b in taken):
            kept.append(s)
            taken.append((s.start, s.end))
    return sorted(kept, key=lambda s: s.start)


def check_annotator(name: str, *, allow_gold: bool = False) -> str:
    """Annotator names follow the labels' naming rule (:func:`labels.name_problem`)
    with 1-200 characters; ``gold`` is reserved for adjudication."""
    from .errors import InputError

    refusal = annotator_refusal(name)
    if refusal:
        raise InputError(refusal)
    if name == GOLD and not allow_gold:
        raise InputError("'gold' is reserved for adjudication; choose another annotator name")
    return name


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
