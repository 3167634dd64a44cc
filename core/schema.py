"""The SQLite schema, its version and the forward migrations.

The table and column names are a public contract (README "Schema"); users query them.
``PRAGMA application_id`` marks a file as goldspan's, ``PRAGMA user_version`` is the
schema version. Migrations run forward, in one transaction, after a backup copy.
"""

from __future__ import annotations

APPLICATION_ID = 0x676F6C64  # "gold"
SCHEMA_VERSION = 2

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

# MIGRATIONS[n] takes a database at version n to version n + 1. A new database is made
# by SCHEMA_V1 and then every migration, so new and migrated files are the same.
MIGRATIONS: dict[int, str] = {1: SCHEMA_V2_ASSIGNMENTS}
