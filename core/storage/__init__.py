"""The storage package: the ONLY place goldspan writes SQL (``tests/test_architecture.py``
fails on ``.conn`` or ``execute(`` anywhere else in core/, gui/ and cli/).

``Store`` is composed of one mixin per concern, each a small module of its own:

=================  ==============================================================
``connection``     the connection: opening (read-write, read-only, immutable), the
                   pragmas, ``transaction()`` (BEGIN IMMEDIATE, nested calls join),
                   waiting for a busy writer, SQLite's errors in one line
                   (:func:`explain`), the read helpers every part uses
``schema``         the DDL, ``PRAGMA user_version``, creating and migrating
``backup``         the online backup, verified before it is kept
``records``        ``Document`` and ``Annotation``, each made from a row in one
                   place; JSON cells
``ids``            ids that are never handed out twice (deletes raise a floor)
``documents``      the texts
``labels``         the label set, the settings, the names spans and versions carry
``suggestions``    what models said, and which model ran on which document
``versions``       annotators' versions and their spans (span insertion: once)
``queue``          an annotator's queue, and the assignments that limit it
``dataset``        the version cursor export, ``stats`` and ``train`` read
``review``         the done versions review and agreement read, gold statuses
``bulk``           an import's records written a batch at a time (one
                   ``executemany`` per kind of row), same outcome as record by record
``merge``          the statements only a merge runs (rows copied with their times)
``deletion``       deleting a document or a version, and restoring it exactly
``search``         the full-text index and entity search: typed text made
                   safe FTS5 queries, the index checked and rebuilt
``integrity``      ``goldspan check`` and the schema guard run at every open
``reference``      the schema of a new database, which files are compared with
``store``          ``Store`` itself: the mixins, and :meth:`Store.open`
=================  ==============================================================

Why mixins rather than repositories (``store.documents.get(...)``): every caller
already holds one ``Store`` and calls ``store.document(id)``; mixins keep those call
sites as they are, share one connection and one transaction depth without passing
them around, and still keep each concern in its own module (a few dozen to ~300
lines). Each mixin derives from :class:`~.connection.Connection` (and from the
parts it calls, e.g. versions from suggestions), so what it may use is declared.

Which tool where:

- **Raw SQL** (``sqlite3``) for everything on a hot path: reading a version,
  an edit (one short transaction, ~0.2 ms to commit), the queue's pages, the export
  cursor; ``executemany`` for bulk writes (spans, suggestions, restores: for 200,000
  rows sqlite-utils' ``insert_all`` took 2.3 s here, ``executemany`` in one
  transaction 0.9 s).
- **sqlite-utils** (``Store.db``, imported on first use: the import alone takes
  about 0.3 s, which every command and the window's start-up would otherwise pay)
  where it is the better tool and no hot path waits for it: introspection in
  ``goldspan check`` (``table.columns``, ``table.foreign_keys``, ``table.indexes``,
  ``db.triggers``: what differs in a damaged schema, and the reference schema's
  columns for the row-by-row checks); and migrations written in Python
  (``table.transform()`` for what ``ALTER TABLE`` cannot do, ``enable_fts(...,
  create_triggers=True)`` for full-text search), which run inside the migration's
  one transaction (sqlite-utils >= 4.1.1 joins it with savepoints) with foreign
  keys off, as :mod:`.schema` describes.

Every guarantee stays in :mod:`.connection`: one ``BEGIN IMMEDIATE`` transaction per
edit, committed before it returns; retry while another process writes; read-only
opening; SQLite's result codes turned into goldspan's errors.
"""

from .bulk import BulkWriter
from .connection import BUSY_TIMEOUT_MS, ConstraintError, SQLiteError, explain
from .deletion import Rows
from .ids import MAX_ID
from .integrity import CheckReport
from .search import Search, parse as parse_search
from .records import Annotation, Document, dumps, json_cell, parse_meta
from .store import Store
from .versions import non_overlapping

__all__ = [
    "BUSY_TIMEOUT_MS",
    "Annotation",
    "BulkWriter",
    "CheckReport",
    "Search",
    "ConstraintError",
    "MAX_ID",
    "Document",
    "Rows",
    "SQLiteError",
    "Store",
    "dumps",
    "explain",
    "json_cell",
    "non_overlapping",
    "parse_search",
    "parse_meta",
]
