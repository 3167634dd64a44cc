"""Edits as core commands with their inverse, each applied in one transaction.

Every change an analyst makes to a version is one of two commands:
:class:`ReplaceSpans` (add, delete, relabel and resize are all "remove these spans, add
those") and :class:`SetStatus` (accept, skip, reject). Deleting a whole document or
version is :class:`DeleteRows`, whose inverse :class:`RestoreRows` puts every row back
with the same ids. ``apply`` commits before it returns and
gives back a :class:`ChangeSet` saying exactly what changed, so a view refreshes only
that; ``inverse()`` is the undo. The GUI puts these on a QUndoStack through a thin
adapter, so undo works the same from the GUI, scripts and tests, and writes to the
database too.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Sequence

from .errors import EditError, StoreError
from .status import STATUSES
from .types import Span
from .storage import ConstraintError, Rows, Store


@dataclass(frozen=True)
class ChangeSet:
    document_id: int
    annotation_id: int
    removed: tuple[Span, ...] = ()
    added: tuple[Span, ...] = ()
    status: str | None = None
    deleted: str | None = None  # "documents" or "annotations": the document or version is gone
    restored: str | None = None  # "documents" or "annotations": it is back

    def extent(self) -> tuple[int, int] | None:
        """The character range the change touches (for repainting only that)."""
        spans = self.removed + self.added
        if not spans:
            return None
        return min(s.start for s in spans), max(s.end for s in spans)


@dataclass(frozen=True)
class ReplaceSpans:
    annotation_id: int
    document_id: int
    removed: tuple[Span, ...]
    added: tuple[Span, ...]
    text: str = "edit"

    def apply(self, store: Store) -> ChangeSet:
        with store.transaction():
            _check_version(store, self.annotation_id, self.document_id)
            for s in self.removed:
                if not store.delete_span(self.annotation_id, s):
                    raise EditError(
                        f"the span {s.start}-{s.end} {s.label} is no longer there "
                        "(changed elsewhere); the document has been reloaded"
                    )
            try:
                store.insert_spans(self.annotation_id, self.added)
            except ConstraintError as err:  # a span added elsewhere overlaps
                raise EditError(
                    f"cannot save the span ({err}); the version was changed elsewhere, "
                    "the document has been reloaded"
                ) from None
            store.mark_edited(self.annotation_id)
        return ChangeSet(self.document_id, self.annotation_id, self.removed, self.added)

    def inverse(self) -> "ReplaceSpans":
        return ReplaceSpans(self.annotation_id, self.document_id, self.added, self.removed,
                            self.text)


@dataclass(frozen=True)
class SetStatus:
    annotation_id: int
    document_id: int
    before: str
    after: str
    text: str = "status"

    def apply(self, store: Store) -> ChangeSet:
        if self.after not in STATUSES:
            raise EditError(f"unknown status {self.after!r}")
        with store.transaction():
            _check_version(store, self.annotation_id, self.document_id)
            store.set_status(self.annotation_id, self.after)
        return ChangeSet(self.document_id, self.annotation_id, status=self.after)

    def inverse(self) -> "SetStatus":
        return SetStatus(self.annotation_id, self.document_id, self.after, self.before, self.text)


def _check_version(store: Store, annotation_id: int, document_id: int) -> None:
    """An edit applies only to the version it was made on: one deleted since (by
    another window, ``goldspan delete``) is refused, never written into whatever row
    holds that id now."""
    version = store.version(annotation_id)
    if version is None or version.document_id != document_id:
        raise EditError(f"the version of document {document_id} this edit was made on has "
                        "been deleted; the document has been reloaded")


@dataclass(frozen=True)
class DeleteRows:
    """Delete a document (with everything it owns) or one version, exactly as
    ``rows`` recorded it; refused if it changed since. The inverse restores it."""

    rows: Rows
    text: str = "Delete"

    @property
    def document_id(self) -> int:
        return self.rows.document_id

    def apply(self, store: Store) -> ChangeSet:
        try:
            store.delete_rows(self.rows)
        except StoreError as err:
            raise EditError(err.message) from None
        return ChangeSet(self.document_id, _annotation_of(self.rows), deleted=self.rows.table)

    def inverse(self) -> "RestoreRows":
        return RestoreRows(self.rows, self.text)


@dataclass(frozen=True)
class RestoreRows:
    """Put a deleted document or version back: the same ids, every row as it was."""

    rows: Rows
    text: str = "Delete"

    @property
    def document_id(self) -> int:
        return self.rows.document_id

    def apply(self, store: Store) -> ChangeSet:
        try:
            store.restore(self.rows)
        except StoreError as err:
            raise EditError(err.message) from None
        return ChangeSet(self.document_id, _annotation_of(self.rows), restored=self.rows.table)

    def inverse(self) -> DeleteRows:
        return DeleteRows(self.rows, self.text)


def _annotation_of(rows: Rows) -> int:
    return rows.id if rows.table == "annotations" else 0


Edit = ReplaceSpans | SetStatus | DeleteRows | RestoreRows


# ----------------------------------------------------------------- builders
def overlapping(spans: Sequence[Span], start: int, end: int) -> tuple[Span, ...]:
    return tuple(s for s in spans if s.start < end and start < s.end)


def add_span(ann_id: int, doc_id: int, current: Sequence[Span], span: Span) -> ReplaceSpans | None:
    """A new span replaces every span it overlaps. None if it is already there."""
    if span.start >= span.end:
        raise EditError(f"empty span {span.start}-{span.end}")
    hit = overlapping(current, span.start, span.end)
    if len(hit) == 1 and hit[0].key() == span.key():
        return None
    verb = "Relabel" if len(hit) == 1 and (hit[0].start, hit[0].end) == (span.start, span.end) else "Add"
    return ReplaceSpans(ann_id, doc_id, hit, (span,), f"{verb} {span.label}")


def remove_span(ann_id: int, doc_id: int, span: Span) -> ReplaceSpans:
    return ReplaceSpans(ann_id, doc_id, (span,), (), f"Delete {span.label}")


def relabel_span(ann_id: int, doc_id: int, span: Span, label: str) -> ReplaceSpans | None:
    if span.label == label:
        return None
    new = span._replace(label=label, origin="manual")
    return ReplaceSpans(ann_id, doc_id, (span,), (new,), f"Relabel {span.label} → {label}")


def resize_span(
    ann_id: int, doc_id: int, current: Sequence[Span], span: Span, start: int, end: int
) -> ReplaceSpans | None:
    """Move a span's boundaries; spans it grows into are replaced, as for a new span."""
    if start >= end or (start, end) == (span.start, span.end):
        return None
    new = Span(start, end, span.label, "manual")
    hit = tuple(s for s in overlapping(current, start, end) if s != span)
    return ReplaceSpans(ann_id, doc_id, (span, *hit), (new,), f"Resize {span.label}")


def set_status(ann_id: int, doc_id: int, before: str, after: str) -> SetStatus | None:
    if before == after:
        return None
    names = {"done": "Accept", "skipped": "Skip", "rejected": "Reject"}
    return SetStatus(ann_id, doc_id, before, after, names.get(after, f"Mark {after}"))


def delete_document(store: Store, doc_id: int) -> DeleteRows | None:
    """Delete a document and all it owns (every annotator's version). None if it is
    not there."""
    rows = store.document_rows(doc_id)
    return None if rows is None else DeleteRows(rows, f"Delete article {doc_id}")


def delete_version(store: Store, doc_id: int, annotator: str) -> DeleteRows | None:
    """Delete one annotator's version of a document. None if there is none."""
    rows = store.version_rows(doc_id, annotator)
    return None if rows is None else DeleteRows(rows, f"Delete {annotator}'s version")
