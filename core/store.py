"""The SQLite store: one file holds documents, every annotator's versions, suggestions
and the label set.

Every write is one short ``BEGIN IMMEDIATE`` transaction, committed before the caller
returns, so what the GUI shows as saved is on disk. WAL mode lets readers and one
writer work at once; a busy timeout plus retry with backoff means "database is locked"
never reaches the user.
"""

from __future__ import annotations

import json
import random
import re
import shutil
import sqlite3
import time
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterable, Iterator, Sequence

from .errors import StoreError
from .model import GOLD, STATUSES, Label, Span, Suggestion
from .schema import APPLICATION_ID, MIGRATIONS, SCHEMA_V1, SCHEMA_VERSION
from .textio import first_line, text_hash

BUSY_TIMEOUT_MS = 5000
RETRY_SECONDS = 60.0


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
    msg = str(err).lower()
    return "locked" in msg or "busy" in msg


class Store:
    """A goldspan database. Open with :meth:`open`; one Store per thread."""

    def __init__(self, conn: sqlite3.Connection, path: Path | None) -> None:
        self.conn = conn
        self.path = path
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
    def open(cls, path: str | Path, *, create: bool = True, migrate: bool = True) -> "Store":
        """Open (or create) a goldspan database, refusing anything else untouched.

        A file that is not SQLite, an SQLite file that is not goldspan's, or a goldspan
        file with a newer schema raise :class:`StoreError` before anything is written.
        """
        p = Path(path)
        exists = p.exists() and p.stat().st_size > 0
        if p.exists() and p.is_dir():
            raise StoreError("is a folder, not a database file", path=p)
        # The header is checked by SQLite itself, never with open()/close() here: POSIX
        # locks belong to the process and a close() of any descriptor of the file drops
        # them all, so reading it while this process has the database open let another
        # process delete the write-ahead log's index under it (test_store.py, locks).
        if not exists:
            if not create:
                raise StoreError("no such database; import articles first to create it", path=p)
            p.parent.mkdir(parents=True, exist_ok=True)
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
            raise StoreError(f"cannot read the database: {err}", path=p) from None
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
        store = cls(conn, p)
        store._pragmas()
        if n_tables == 0:
            store._create()
        elif version < SCHEMA_VERSION:
            if not migrate:
                conn.close()
                raise StoreError(f"schema {version} needs migrating; open it read-write", path=p)
            store._migrate(version)
        return store

    @classmethod
    def memory(cls) -> "Store":
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
            raise StoreError(f"cannot open the database: {err}", path=p) from None

    def _pragmas(self) -> None:
        c = self.conn
        c.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        c.execute("PRAGMA foreign_keys = ON")
        if self.path is not None:
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
        except (sqlite3.Error, KeyError) as err:
            self.conn.close()
            raise StoreError(
                f"migrating schema {version} to {SCHEMA_VERSION} failed ({err}); the file "
                f"is unchanged and a copy is at {backup.name}; report this to goldspan",
                path=self.path,
            ) from None

    def close(self) -> None:
        self.conn.close()

    def __enter__(self) -> "Store":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # ------------------------------------------------------------- transactions
    def _retry(self, fn):  # type: ignore[no-untyped-def]
        deadline = time.monotonic() + RETRY_SECONDS
        delay = 0.01
        while True:
            try:
                return fn()
            except sqlite3.OperationalError as err:
                if not _is_busy(err) or time.monotonic() > deadline:
                    raise
                time.sleep(delay * (1 + random.random()))
                delay = min(delay * 2, 0.5)

    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        """One write transaction (``BEGIN IMMEDIATE``), retried while the file is busy.

        Nested use joins the outer transaction, so a whole import is one transaction.
        """
        if self._depth:
            self._depth += 1
            try:
                yield self.conn
            finally:
                self._depth -= 1
            return
        self._retry(lambda: self.conn.execute("BEGIN IMMEDIATE"))
        self._depth = 1
        try:
            yield self.conn
        except BaseException:
            self._depth = 0
            self.conn.execute("ROLLBACK")
            raise
        self._depth = 0
        self._retry(lambda: self.conn.execute("COMMIT"))

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
        """The most recent model run on the document and what it found."""
        row = self.conn.execute(
            "SELECT model FROM suggestion_runs WHERE document_id = ? "
            "ORDER BY created_at DESC, rowid DESC LIMIT 1",
            (doc_id,),
        ).fetchone()
        if row is None:
            return None, []
        return row[0], self.suggestions(doc_id, row[0])

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

        Written to a temporary file renamed at the end: never a half-written backup.
        The copy is one step (``pages=-1``): a read snapshot in WAL mode, which writers
        do not wait for. Copied in small steps, every commit by another connection
        restarts the backup from the first page, so a busy writer could starve it.
        """
        t = Path(target)
        tmp = t.with_name(t.name + ".partial")
        if tmp.exists():
            tmp.unlink()
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
            tmp.unlink(missing_ok=True)
            raise StoreError(f"cannot write the backup: {err}", path=t) from None
        shutil.move(str(tmp), str(t))
        return t

    def integrity_problems(self) -> list[str]:
        """SQLite's integrity and foreign-key checks plus goldspan's own invariants."""
        try:
            return self._integrity_problems()
        except sqlite3.DatabaseError as err:  # too damaged to finish the checks
            return [f"the database is damaged ({err}); restore a backup "
                    "(goldspan backup makes them)"]

    def _integrity_problems(self) -> list[str]:
        problems = [r[0] for r in self.conn.execute("PRAGMA integrity_check") if r[0] != "ok"]
        for r in self.conn.execute("PRAGMA foreign_key_check"):
            problems.append(f"foreign key: table {r[0]} row {r[1]} points to missing {r[2]}")
        rows = self.conn.execute(
            'SELECT s.id, s.annotation_id, s.start, s."end", length(d.text) FROM spans s '
            "JOIN annotations a ON a.id = s.annotation_id JOIN documents d ON d.id = a.document_id "
            'WHERE s."end" > length(d.text)'
        ).fetchall()
        for r in rows:
            problems.append(f"span {r[0]} of annotation {r[1]} ends at {r[3]}, past the text ({r[4]})")
        rows = self.conn.execute(
            'SELECT a.id, b.id, a.annotation_id FROM spans a JOIN spans b ON '
            'a.annotation_id = b.annotation_id AND a.id < b.id AND a.start < b."end" '
            'AND b.start < a."end"'
        ).fetchall()
        for r in rows:
            problems.append(f"spans {r[0]} and {r[1]} of annotation {r[2]} overlap")
        return problems


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
    """Annotator names: 1-200 characters, no control characters; ``gold`` is reserved."""
    from .errors import InputError

    if not name or len(name) > 200 or any(ord(ch) < 32 for ch in name):
        raise InputError(f"invalid annotator name {name[:40]!r}: use 1-200 printable characters")
    if name == GOLD and not allow_gold:
        raise InputError("'gold' is reserved for adjudication; choose another annotator name")
    return name
