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
from dataclasses import dataclass
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
    meta: dict[str, Any]
    text_hash: str


@dataclass(frozen=True)
class Annotation:
    id: int
    document_id: int
    annotator: str
    status: str
    edited: bool
    seeded_from: str | None
    updated_at: str


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
                "INSERT INTO documents (text, text_hash, title, source, meta) "
                "VALUES (?, ?, ?, ?, ?)",
                (text, h, title or first_line(text), source,
                 json.dumps(meta, ensure_ascii=False) if meta else None),
            )
            return int(cur.lastrowid), True  # type: ignore[arg-type]

    def document(self, doc_id: int) -> Document:
        row = self.conn.execute(
            "SELECT id, text, title, source, meta, text_hash FROM documents WHERE id = ?",
            (doc_id,),
        ).fetchone()
        if row is None:
            raise StoreError(f"no document with id {doc_id}", path=self.path)
        return Document(row[0], row[1], row[2], row[3], json.loads(row[4]) if row[4] else {},
                        row[5])

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
                "INSERT INTO annotations (document_id, annotator, status, seeded_from) "
                "VALUES (?, ?, 'todo', ?)",
                (doc_id, annotator, model),
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
                    "INSERT INTO annotations (document_id, annotator, status, edited) "
                    "VALUES (?, ?, ?, 1)",
                    (doc_id, annotator, status),
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

    def put_suggestions(self, doc_id: int, model: str, suggestions: Sequence[Suggestion]) -> None:
        """Store what a model said about a document, replacing its earlier run."""
        with self.transaction() as c:
            c.execute("DELETE FROM suggestions WHERE document_id = ? AND model = ?", (doc_id, model))
            c.executemany(
                'INSERT OR IGNORE INTO suggestions (document_id, model, start, "end", label, score) '
                "VALUES (?, ?, ?, ?, ?, ?)",
                [(doc_id, model, s.start, s.end, s.label, s.score) for s in suggestions],
            )
            c.execute(
                "INSERT OR REPLACE INTO suggestion_runs (document_id, model) VALUES (?, ?)",
                (doc_id, model),
            )

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
    def setting(self, key: str, default: Any = None) -> Any:
        row = self.conn.execute("SELECT value FROM settings WHERE key = ?", (key,)).fetchone()
        return json.loads(row[0]) if row else default

    def set_setting(self, key: str, value: Any) -> None:
        with self.transaction() as c:
            c.execute(
                "INSERT OR REPLACE INTO settings (key, value) VALUES (?, ?)",
                (key, json.dumps(value)),
            )

    # ---------------------------------------------------------------- label map
    LABEL_MAP_KEY = "label_map"

    def label_map(self) -> dict[str, str | None]:
        """The project's labels rule as the user set it: model label -> project label,
        or None (dropped). Kept in ``settings`` under ``label_map``; what the loop
        learns from corrections is derived, never stored here (issue 13)."""
        value = self.setting(self.LABEL_MAP_KEY, {})
        return {str(k): (None if v is None else str(v)) for k, v in dict(value).items()}

    def set_label_map(self, mapping: dict[str, str | None]) -> None:
        """Set the rule for some model labels (None drops one); a target must be one
        of the project's labels, so no label outside the set reaches anyone."""
        from .errors import InputError
        from .labels import check_label

        project = {lab.name for lab in self.labels()}
        clean: dict[str, str | None] = {}
        for source, target in mapping.items():
            check_label(source)
            if target is not None and target not in project:
                raise InputError(f"label map {source} -> {target}: {target!r} is not one of "
                                 "the project's labels; add it first or map to one of "
                                 f"{', '.join(sorted(project)) or '(none yet)'}")
            clean[source] = target
        current = self.label_map()
        current.update(clean)
        self.set_setting(self.LABEL_MAP_KEY, current)

    def clear_label_map(self, sources: Iterable[str] | None = None) -> None:
        """Forget the user's rule for these model labels (all when None): the loop
        learns them again from the corrections."""
        current = self.label_map()
        for source in list(current) if sources is None else sources:
            current.pop(source, None)
        self.set_setting(self.LABEL_MAP_KEY, current)

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
