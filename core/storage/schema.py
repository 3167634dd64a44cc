"""The SQLite schema, its version and the forward migrations, and creating and
migrating a file with them.

The table and column names are a public contract (README "Schema"); users query them.
``PRAGMA application_id`` marks a file as goldspan's, ``PRAGMA user_version`` is the
schema version. Migrations run forward, in one transaction, after a backup copy.

A migration step is SQL text, or a Python function given the database as a
``sqlite_utils.Database`` (:attr:`Connection.db`): what ``ALTER TABLE`` cannot do
(``table.transform()``: change a column's type or constraint, drop a column) and
full-text search (``table.enable_fts(..., create_triggers=True)``) are one call
there. Both run inside the migration's one transaction (sqlite-utils 4 joins an open
transaction with savepoints instead of committing it), with foreign keys off (SQLite
cannot switch them inside a transaction, and ``transform()`` of ``documents`` must not
fire its ``ON DELETE CASCADE``) and ``PRAGMA foreign_key_check`` before the commit,
the procedure SQLite documents for schema changes. A new database runs the same steps
(:meth:`SchemaMixin._create`), so new and migrated files are the same; the reference
``goldspan check`` compares files with is built by them too. Measured here:
``transform()`` rewrites a column type it does not know (``documents.meta JSON``
became ``meta REAL``), and ``check`` finds JSON columns by their declared type, so a
step that rebuilds ``documents`` has to put ``JSON`` back. A Python step also makes
every read-write open pay the sqlite-utils import once per process (the reference
schema runs the steps): full-text search (version 3) is kept as SQL for that reason.

Read :data:`SCHEMA_VERSION` and :data:`MIGRATIONS` through this module (``schema.X``),
never copied into another: a test that adds a migration patches them here.
"""

from __future__ import annotations

import re
import sqlite3
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any, Self, Union

from ..errors import StoreError
from .backup import BackupMixin
from .connection import connect

if TYPE_CHECKING:
    import sqlite_utils

APPLICATION_ID = 0x676F6C64  # "gold"
SCHEMA_VERSION = 3

STATUS_CHECK = "status IN ('todo', 'in_progress', 'done', 'skipped', 'rejected')"
ORIGIN_CHECK = "origin IN ('model', 'manual', 'import', 'review')"

# Version 1.  Spans of one annotation never overlap: the triggers check the one
# neighbour that could overlap (the span with the greatest start before the new end;
# spans that do not overlap have their ends in the same order as their starts), so
# the check costs one index probe, not a scan.
SCHEMA_V1 = f"""
CREATE TABLE documents (
    id INTEGER PRIMARY KEY,
    text TEXT NOT NULL,
    text_hash TEXT UNIQUE,
    title TEXT,
    source TEXT,
    meta JSON,
    created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
);
CREATE TABLE annotations (
    id INTEGER PRIMARY KEY,
    document_id INTEGER NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
    annotator TEXT NOT NULL CHECK (length(annotator) BETWEEN 1 AND 200),
    status TEXT NOT NULL DEFAULT 'todo' CHECK ({STATUS_CHECK}),
    edited INTEGER NOT NULL DEFAULT 0,
    seeded_from TEXT,
    created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
    updated_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
    UNIQUE (document_id, annotator)
);
CREATE INDEX annotations_annotator_status ON annotations(annotator, status);
CREATE TABLE spans (
    id INTEGER PRIMARY KEY,
    annotation_id INTEGER NOT NULL REFERENCES annotations(id) ON DELETE CASCADE,
    start INTEGER NOT NULL,
    "end" INTEGER NOT NULL,
    label TEXT NOT NULL CHECK (length(label) BETWEEN 1 AND 100),
    origin TEXT NOT NULL DEFAULT 'manual' CHECK ({ORIGIN_CHECK}),
    CHECK (start >= 0 AND start < "end")
);
CREATE INDEX spans_annotation_start ON spans(annotation_id, start);
CREATE TRIGGER spans_no_overlap_insert BEFORE INSERT ON spans
WHEN (SELECT "end" FROM spans WHERE annotation_id = NEW.annotation_id AND start < NEW."end"
      ORDER BY start DESC LIMIT 1) > NEW.start
BEGIN
    SELECT RAISE(ABORT, 'goldspan: spans of one annotation may not overlap');
END;
CREATE TRIGGER spans_no_overlap_update BEFORE UPDATE OF start, "end", annotation_id ON spans
WHEN (SELECT "end" FROM spans WHERE annotation_id = NEW.annotation_id AND start < NEW."end"
      AND id != OLD.id ORDER BY start DESC LIMIT 1) > NEW.start
BEGIN
    SELECT RAISE(ABORT, 'goldspan: spans of one annotation may not overlap');
END;
CREATE TABLE suggestions (
    id INTEGER PRIMARY KEY,
    document_id INTEGER NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
    model TEXT NOT NULL,
    start INTEGER NOT NULL,
    "end" INTEGER NOT NULL,
    label TEXT NOT NULL,
    score REAL,
    CHECK (start >= 0 AND start < "end"),
    UNIQUE (document_id, model, start, "end", label)
);
-- One row per (document, model) that has run, even when it found nothing: this is
-- what makes `suggest` idempotent and tells "no entities" from "not run yet".
CREATE TABLE suggestion_runs (
    document_id INTEGER NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
    model TEXT NOT NULL,
    created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
    PRIMARY KEY (document_id, model)
);
CREATE INDEX suggestion_runs_model ON suggestion_runs(model);
CREATE TABLE labels (
    name TEXT PRIMARY KEY CHECK (length(name) BETWEEN 1 AND 100),
    color TEXT NOT NULL,
    hotkey TEXT,
    description TEXT,
    position INTEGER NOT NULL DEFAULT 0
);
CREATE TABLE settings (
    key TEXT PRIMARY KEY,
    value JSON
);
"""

# Version 2: which documents are assigned to which annotator (the queue can be
# limited to them).  Assignments are a plan, not data: removing one never touches a
# version.
SCHEMA_V2_ASSIGNMENTS = """
CREATE TABLE assignments (
    document_id INTEGER NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
    annotator TEXT NOT NULL CHECK (length(annotator) BETWEEN 1 AND 200),
    created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
    PRIMARY KEY (document_id, annotator)
);
CREATE INDEX assignments_annotator ON assignments(annotator, document_id);
"""

# Version 3: full-text search over the documents' titles and texts (the queue's filter,
# ``goldspan search``). An external-content FTS5 table (the texts are stored once, in
# ``documents``; the index holds only the terms) kept in step by triggers, so every
# write of ``documents`` (import, merge, a delete and its undo, a Ray shard merged
# back, a user's own SQL) keeps the index right without code in each path. The names
# are sqlite-utils' (``enable_fts(["title", "text"], create_triggers=True)`` makes the
# same table and triggers): ``db["documents"].search()`` and Datasette find the index.
# Written as SQL rather than the sqlite-utils call: the reference schema every
# read-write open compares with is built by these steps, and a Python step would make
# every open import sqlite-utils. Differences from sqlite-utils' triggers: the update
# trigger fires only when the title or the text changes (a document's meta is
# rewritten by imports; re-indexing its text then would cost for nothing).
# ``unicode61 remove_diacritics 2``: "Macron" finds "Macrón", any script is split into
# words; no stemming (names are what is searched). ``prefix='3'``: every word's first
# three letters are indexed too, so the word being typed in the filter box (a prefix
# query from its third letter) reads one entry; measured on 100,000 articles of 3 KB
# (bench/bench_search.py), "the"* took 195 ms without it and 25 ms with it; the index
# is 134 MB without prefixes, 239 MB with 3-letter ones, 330 MB with 2- and 3-letter
# ones. The 'rebuild' indexes the texts a file already holds.
SCHEMA_V3_SEARCH = """
CREATE VIRTUAL TABLE documents_fts USING fts5 (
    title, text, content="documents", content_rowid="id",
    tokenize='unicode61 remove_diacritics 2', prefix='3'
);
CREATE TRIGGER documents_ai AFTER INSERT ON documents BEGIN
    INSERT INTO documents_fts (rowid, title, text) VALUES (new.id, new.title, new.text);
END;
CREATE TRIGGER documents_ad AFTER DELETE ON documents BEGIN
    INSERT INTO documents_fts (documents_fts, rowid, title, text)
    VALUES ('delete', old.id, old.title, old.text);
END;
CREATE TRIGGER documents_au AFTER UPDATE OF id, title, text ON documents BEGIN
    INSERT INTO documents_fts (documents_fts, rowid, title, text)
    VALUES ('delete', old.id, old.title, old.text);
    INSERT INTO documents_fts (rowid, title, text) VALUES (new.id, new.title, new.text);
END;
INSERT INTO documents_fts (documents_fts) VALUES ('rebuild');
"""

# One step: SQL text, or a function given the database as a sqlite_utils.Database.
Migration = Union[str, Callable[["sqlite_utils.Database"], None]]

# MIGRATIONS[n] takes a database at version n to version n + 1. A new database is made
# by SCHEMA_V1 and then every migration, so new and migrated files are the same.
MIGRATIONS: dict[int, Migration] = {1: SCHEMA_V2_ASSIGNMENTS, 2: SCHEMA_V3_SEARCH}


def statements(script: str) -> list[str]:
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


def header(conn: sqlite3.Connection) -> tuple[int, int, int]:
    """(application id, schema version, number of tables) of a file just opened: what
    decides whether it is goldspan's, and whether it needs creating or migrating."""
    app_id = conn.execute("PRAGMA application_id").fetchone()[0]
    version = conn.execute("PRAGMA user_version").fetchone()[0]
    n_tables = conn.execute("SELECT count(*) FROM sqlite_master WHERE type = 'table'").fetchone()[0]
    return app_id, version, n_tables


def reference_key() -> Any:
    """What the schema of a new database depends on (a migration added, or a test's)."""
    return (SCHEMA_VERSION, SCHEMA_V1, tuple(sorted(MIGRATIONS.items(), key=lambda kv: kv[0])))


class SchemaMixin(BackupMixin):
    """Creating a new database and migrating an older one forward."""

    @classmethod
    def memory(cls) -> Self:
        """A new goldspan database in memory (tests, a Ray shard, the reference schema)."""
        store = cls(connect(":memory:"), None)
        store._pragmas()
        store._create()
        return store

    def _step(self, step: Migration) -> None:
        if isinstance(step, str):
            for stmt in statements(step):
                self.conn.execute(stmt)
        else:
            step(self.db)

    @contextmanager
    def _schema_change(self) -> Iterator[None]:
        """One write transaction for a schema change, with foreign keys off (SQLite
        cannot switch them inside a transaction; rebuilding a table that others refer
        to must not fire their ON DELETE CASCADE) and ``PRAGMA foreign_key_check``
        before the commit: SQLite's own procedure for schema changes."""
        self.conn.execute("PRAGMA foreign_keys = OFF")
        try:
            with self.transaction():
                yield
                broken = self._one("PRAGMA foreign_key_check")
                if broken is not None:
                    raise StoreError(f"table {broken[0]} row {broken[1]} would point to a "
                                     f"missing {broken[2]} row")
        finally:
            self.conn.execute("PRAGMA foreign_keys = ON")

    def _create(self) -> None:
        with self._schema_change():
            # Re-check inside the write lock: another process may have created it.
            if self._value("SELECT count(*) FROM sqlite_master"):
                return
            self._step(SCHEMA_V1)
            for version in range(1, SCHEMA_VERSION):
                self._step(MIGRATIONS[version])
            self.conn.execute(f"PRAGMA application_id = {APPLICATION_ID}")
            self.conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")

    def _migrate(self, version: int) -> None:
        """Migrate from ``version`` to :data:`SCHEMA_VERSION` after a backup copy, in
        one transaction (:meth:`_schema_change`); any failure leaves the file as it was
        and says so in one line."""
        assert self.path is not None
        backup = self.path.with_name(f"{self.path.name}.schema{version}.bak")
        self.backup_to(backup)
        try:
            with self._schema_change():
                current = self._value("PRAGMA user_version")
                while current < SCHEMA_VERSION:
                    self._step(MIGRATIONS[current])
                    current += 1
                self.conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")
        except Exception as err:  # noqa: BLE001 - SQL's, a Python step's (sqlite-utils'), a missing step: one line, the file unchanged
            self.conn.close()
            reason = err.message if isinstance(err, StoreError) else f"{type(err).__name__}: {err}"
            raise StoreError(
                f"migrating schema {version} to {SCHEMA_VERSION} failed ({reason}); the file "
                f"is unchanged and a copy is at {backup.name}; report this to goldspan",
                path=self.path,
            ) from None
