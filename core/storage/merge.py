"""The statements a merge runs that nothing else does: reading a source as stored
(rows with their own times), and writing a version or a run with the source's times.
What is merged, and who wins a conflict, is :mod:`goldspan.core.merge`'s business."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable

from ..types import Span
from .records import Annotation
from .versions import VersionsMixin


class MergeMixin(VersionsMixin):
    # ---------------------------------------------------------------- a source
    def documents_as_stored(self) -> sqlite3.Cursor:
        """A cursor over every document row in id order, as stored: (id, text,
        text_hash, title, source, meta, created_at)."""
        return self._rows("SELECT id, text, text_hash, title, source, meta, created_at "
                          "FROM documents ORDER BY id")

    def run_times(self, doc_id: int) -> dict[str, str | None]:
        """Every model that has run on a document with the run's time; a model whose
        suggestions have no run row (imported before runs were kept) with None."""
        runs: dict[str, str | None] = dict(self._rows(
            "SELECT model, created_at FROM suggestion_runs WHERE document_id = ?", (doc_id,)))
        for model in self._column("SELECT DISTINCT model FROM suggestions WHERE document_id = ?",
                                  (doc_id,)):
            runs.setdefault(model, None)
        return runs

    def assignments_of(self, doc_id: int) -> list[tuple[str, str]]:
        """(annotator, created_at) of a document's assignments."""
        return self._rows("SELECT annotator, created_at FROM assignments WHERE document_id = ?",
                          (doc_id,)).fetchall()

    # ---------------------------------------------------------------- a target
    def has_model_output(self, doc_id: int, model: str) -> bool:
        """A run of ``model`` on the document, or suggestions of it without one."""
        return self._one(
            "SELECT 1 FROM suggestion_runs WHERE document_id = ? AND model = ? UNION ALL "
            "SELECT 1 FROM suggestions WHERE document_id = ? AND model = ? LIMIT 1",
            (doc_id, model, doc_id, model)) is not None

    def copy_version(self, doc_id: int, source: Annotation, spans: Iterable[Span]) -> int:
        """Insert another file's version of a document, as it was (times, ``edited``,
        ``seeded_from``), with its spans; its new id."""
        ann_id = self.insert_version(
            doc_id, source.annotator, source.status, edited=source.edited,
            seeded_from=source.seeded_from, created_at=source.created_at,
            updated_at=source.updated_at)
        self.insert_spans(ann_id, spans)
        return ann_id

    def overwrite_version(self, annotation_id: int, source: Annotation,
                          spans: Iterable[Span]) -> None:
        """Make a version what another file's version of it is (a newer one wins)."""
        self.clear_spans(annotation_id)
        self.conn.execute(
            "UPDATE annotations SET status = ?, edited = ?, seeded_from = ?, updated_at = ? "
            "WHERE id = ?", (source.status, int(source.edited), source.seeded_from,
                             source.updated_at, annotation_id))
        self.insert_spans(annotation_id, spans)

    def add_assignments(self, doc_id: int, rows: Iterable[tuple[str, str]]) -> None:
        """Assign a document to each (annotator, created_at), keeping those it has."""
        self.conn.executemany(
            "INSERT OR IGNORE INTO assignments (document_id, annotator, created_at) "
            "VALUES (?, ?, ?)", [(doc_id, a, t) for a, t in rows])
