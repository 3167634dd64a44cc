"""Deleting a document (with everything it owns) or one version, and putting it back
exactly: what ``goldspan delete`` and the windows' undoable delete run on."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from ..errors import StoreError
from .connection import ConstraintError
from .versions import VersionsMixin


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


class DeletionMixin(VersionsMixin):
    def document_rows(self, doc_id: int) -> Rows | None:
        """The document and everything that belongs to it, as stored (None if there is
        no such document)."""
        return self._owned("documents", doc_id)

    def version_rows(self, doc_id: int, annotator: str) -> Rows | None:
        """One annotator's version of a document and its spans, as stored."""
        found = self.version_id(doc_id, annotator)
        return None if found is None else self._owned("annotations", found)

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
            if self._owned(rows.table, rows.id) != rows:
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
                clash = self._value("SELECT id FROM documents WHERE text_hash = ?", (h,))
                if clash is not None:
                    raise StoreError(f"cannot restore document {rows.id}: its text was imported "
                                     f"again since, as document {clash}", path=self.path)
            try:
                for table, _, data in rows.tables:
                    c.executemany(_OWNED[table][1], data)
            except ConstraintError as err:
                raise StoreError(f"cannot restore {rows.describe()}: the database changed since "
                                 f"({err})", path=self.path) from None

    def _delete(self, rows: Rows) -> Rows:
        """Delete ``rows`` (read in this transaction) and raise the id floors past
        every document and version id it held."""
        for table in ("documents", "annotations"):
            self._raise_id_floor(table, rows.column(table, "id"))
        self.conn.execute(_DELETE[rows.table], (rows.id,))
        return rows

    def _owned(self, table: str, row_id: int) -> Rows | None:
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
