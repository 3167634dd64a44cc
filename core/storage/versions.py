"""Annotators' versions of documents (``annotations``) and their spans (``spans``).

Spans are inserted in ONE place, :meth:`VersionsMixin.insert_span_rows` (through
:meth:`~VersionsMixin.insert_spans` for one version: new versions seeded from
suggestions, edits, the review's gold, merges; directly for an import's batch of
versions), with one ``executemany``: the schema's triggers refuse an overlap, whoever
writes.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from ..errors import StoreError
from ..labels import check_annotator
from ..status import STATUSES
from ..types import Span, Suggestion
from .connection import NOW, STAMP, WRITE_TIME, Stamp, stamp
from .ids import IdsMixin
from .records import ANNOTATION_COLUMNS, Annotation, annotation
from .suggestions import SuggestionsMixin

SPAN_COLUMNS = 'start, "end", label, origin'


def non_overlapping(spans: Iterable[Any]) -> list[Any]:
    """Keep the longest of overlapping spans, the earliest of equally long ones (as
    spaCy's ``filter_spans``), in start order; used where model output must become one
    annotation."""
    ordered = sorted(spans, key=lambda s: (-(s.end - s.start), s.start))
    kept: list[Any] = []
    taken: list[tuple[int, int]] = []
    for s in ordered:
        if all(s.end <= a or s.start >= b for a, b in taken):
            kept.append(s)
            taken.append((s.start, s.end))
    return sorted(kept, key=lambda s: s.start)


class VersionsMixin(SuggestionsMixin, IdsMixin):
    # ------------------------------------------------------------------ reading
    def annotation(self, doc_id: int, annotator: str) -> Annotation | None:
        row = self._one(f"SELECT {ANNOTATION_COLUMNS} FROM annotations "
                        "WHERE document_id = ? AND annotator = ?", (doc_id, annotator))
        return annotation(row) if row else None

    def version_id(self, doc_id: int, annotator: str) -> int | None:
        """The id of the annotator's version of a document, if there is one."""
        found = self._value("SELECT id FROM annotations WHERE document_id = ? AND annotator = ?",
                            (doc_id, annotator))
        return None if found is None else int(found)

    def version(self, annotation_id: int) -> Annotation | None:
        """The version with this id, None if there is none (deleted meanwhile)."""
        row = self._one(f"SELECT {ANNOTATION_COLUMNS} FROM annotations WHERE id = ?",
                        (annotation_id,))
        return annotation(row) if row else None

    def annotation_by_id(self, annotation_id: int) -> Annotation:
        found = self.version(annotation_id)
        if found is None:
            raise StoreError(f"no annotation with id {annotation_id}", path=self.path)
        return found

    def annotations(self, doc_id: int) -> list[Annotation]:
        """Every version of a document, by annotator name."""
        return [annotation(r) for r in self._rows(
            f"SELECT {ANNOTATION_COLUMNS} FROM annotations WHERE document_id = ? "
            "ORDER BY annotator", (doc_id,))]

    def spans(self, annotation_id: int) -> list[Span]:
        """A version's spans in start order: the order of the index (spans of one
        version never overlap, so no two share a start; sorting on more columns would
        cost a sort of every span of a 1 MB article at each open)."""
        return list(map(Span._make, self.conn.execute(
            f"SELECT {SPAN_COLUMNS} FROM spans WHERE annotation_id = ? ORDER BY start",
            (annotation_id,))))

    # ------------------------------------------------------------------ writing
    def insert_version(self, doc_id: int, annotator: str, status: str, *,
                       id: int | None = None, edited: bool = False,
                       seeded_from: str | None = None, created_at: Stamp = WRITE_TIME,
                       updated_at: Stamp = WRITE_TIME) -> int:
        """Insert a version row, in the caller's transaction; its id (``id`` None: the
        next one, :meth:`next_id`)."""
        return self._insert(
            "INSERT INTO annotations (id, document_id, annotator, status, edited, seeded_from, "
            f"created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, {STAMP}, {STAMP})",
            (self.next_id("annotations") if id is None else id, doc_id, annotator, status,
             int(edited), seeded_from, *stamp(created_at), *stamp(updated_at)))

    def insert_spans(self, annotation_id: int, spans: Iterable[Span]) -> None:
        """Add spans to a version, in the caller's transaction. An overlap with a span
        already there (or among them) raises :data:`ConstraintError`."""
        self.insert_span_rows((annotation_id, s.start, s.end, s.label, s.origin) for s in spans)

    def insert_span_rows(self, rows: Iterable[tuple[int, int, int, str, str]]) -> None:
        """Add spans of any versions as (annotation id, start, end, label, origin) rows,
        in the caller's transaction: the one statement every span goes in by (an import
        writes a batch of versions' spans at once). The schema's triggers refuse an
        overlap, whoever writes."""
        self.conn.executemany(
            f"INSERT INTO spans (annotation_id, {SPAN_COLUMNS}) VALUES (?, ?, ?, ?, ?)", rows)

    def delete_span(self, annotation_id: int, span: Span) -> bool:
        """Remove one span (by offsets and label) from a version; False if it is not
        there."""
        return self.conn.execute(
            'DELETE FROM spans WHERE annotation_id = ? AND start = ? AND "end" = ? AND label = ?',
            (annotation_id, span.start, span.end, span.label)).rowcount == 1

    def clear_spans(self, annotation_id: int) -> None:
        self.conn.execute("DELETE FROM spans WHERE annotation_id = ?", (annotation_id,))

    def mark_edited(self, annotation_id: int) -> None:
        """A person changed the version's spans: ``edited``, the time, and a ``todo``
        version becomes ``in_progress``."""
        self.conn.execute(
            f"UPDATE annotations SET edited = 1, updated_at = {NOW}, status = CASE "
            "WHEN status = 'todo' THEN 'in_progress' ELSE status END WHERE id = ?",
            (annotation_id,))

    def set_status(self, annotation_id: int, status: str) -> None:
        self.conn.execute(f"UPDATE annotations SET status = ?, updated_at = {NOW} WHERE id = ?",
                          (status, annotation_id))

    def drop_version(self, annotation_id: int) -> None:
        """Delete a version row and (by cascade) its spans, in the caller's transaction."""
        self.conn.execute("DELETE FROM annotations WHERE id = ?", (annotation_id,))

    # ---------------------------------------------------------- whole versions
    def open_version(self, doc_id: int, annotator: str) -> Annotation:
        """The annotator's version of a document, created on first open.

        A new version starts as a copy of the latest suggestions (origin ``model``), as
        Prodigy's ner.correct does, with status ``todo`` (the first edit makes it ``in_progress``).
        """
        check_annotator(annotator, allow_gold=True)
        existing = self.annotation(doc_id, annotator)
        if existing is not None:
            return existing
        with self.transaction():
            existing = self.annotation(doc_id, annotator)
            if existing is not None:
                return existing
            model, sugg = self.latest_suggestions(doc_id)
            ann_id = self.insert_version(doc_id, annotator, "todo", seeded_from=model)
            self.insert_spans(ann_id, _as_model_spans(sugg))
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
            self.clear_spans(annotation_id)
            self.insert_spans(annotation_id, _as_model_spans(suggestions))
            c.execute(f"UPDATE annotations SET seeded_from = ?, updated_at = {NOW} WHERE id = ?",
                      (model, annotation_id))
        return True

    def put_version(self, doc_id: int, annotator: str, status: str, spans: Sequence[Span]) -> int:
        """Create or replace one annotator's whole version of a document (import)."""
        if status not in STATUSES:
            raise StoreError(f"unknown status {status!r}")
        with self.transaction() as c:
            found = self.version_id(doc_id, annotator)
            if found is not None:
                ann_id = found
                self.clear_spans(ann_id)
                c.execute(f"UPDATE annotations SET status = ?, edited = 1, updated_at = {NOW} "
                          "WHERE id = ?", (status, ann_id))
            else:
                ann_id = self.insert_version(doc_id, annotator, status, edited=True)
            self.insert_spans(ann_id, spans)
        return ann_id


def _as_model_spans(suggestions: Iterable[Suggestion]) -> list[Span]:
    """What a new version is seeded with: the suggestions that do not overlap."""
    return [Span(s.start, s.end, s.label, "model") for s in non_overlapping(suggestions)]
