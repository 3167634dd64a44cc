"""Edits as core commands with their inverse, each applied in one transaction.

Every change an analyst (or the review's lead) makes to a version is one of these:

- :class:`ReplaceSpans`: add, delete, relabel and resize are all "remove these spans,
  add those" (one span or many: "delete every Weapon here" is one edit);
- :class:`SetStatus`: accept, skip, reject;
- :class:`CreateVersion` / :class:`DropVersion`: a version is created by the first
  change of a document, as part of that change, and dropped again by its undo: opening
  a document writes nothing, a key press that changes nothing writes nothing, and
  undoing back to the start leaves no version (the document is "to do" again). The
  annotation window's versions start as a copy of the model's suggestions, the
  review's gold as the annotators' pre-merge; both are this one pair;
- :class:`Steps`: several of these as one edit, applied in one transaction and undone
  as one step (the first change of a document is ``Steps(CreateVersion, change)``);
- :class:`DeleteRows` / :class:`RestoreRows`: a whole document or version deleted and
  put back with the same ids.

``apply`` commits before it returns and gives back a :class:`ChangeSet` saying exactly
what changed (spans, the version's status, its creation or removal, the span to select
next), so the session's :class:`~goldspan.core.spans.SpanIndex` and every view refresh
from it alone and nothing re-reads the database; ``inverse()`` is the undo. Builders
(the functions at the end, and the sessions' methods) read at most, never write: an
edit reaches the database only through ``apply``, which the GUI calls from its undo
stack, so undo works the same from the GUI, scripts and tests, in the database too.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Sequence

from .errors import EditError, StoreError
from .labels import check_annotator
from .spans import SpanIndex
from .status import FINISHED, STATUSES, Status
from .types import Span
from .storage import Annotation, ConstraintError, Rows, Store


@dataclass(frozen=True)
class ChangeSet:
    """What one applied edit changed.

    ``removed`` and ``added`` are the spans shown that went and came (applied in that
    order); ``status`` is the version's status after the change where it changed;
    ``edited`` says a person changed the spans (the version is marked edited);
    ``created`` is the version this change created, ``dropped`` says it removed it
    again (the spans shown do not change: a document with no version is shown as the
    spans its version would be created with); ``select`` is the span to select after
    the change (None: the window decides, e.g. after a delete).
    """

    document_id: int
    annotation_id: int
    removed: tuple[Span, ...] = ()
    added: tuple[Span, ...] = ()
    status: str | None = None
    edited: bool = False
    created: CreateVersion | None = None
    dropped: bool = False
    deleted: str | None = None  # "documents" or "annotations": the document or version is gone
    restored: str | None = None  # "documents" or "annotations": it is back
    select: Span | None = None
    applied: Edit | None = None  # the edit as applied, when its version got another id
    note: str | None = None  # what the window says about it (a correction carried on)

    def extent(self) -> tuple[int, int] | None:
        """The character range the change touches (for repainting only that)."""
        spans = self.removed + self.added
        if not spans:
            return None
        return min(s.start for s in spans), max(s.end for s in spans)

    def then(self, later: ChangeSet) -> ChangeSet:
        """This change followed by ``later``, as one (for :class:`Steps`): a span
        this one added and ``later`` removed is neither, so the result applies to a
        :class:`SpanIndex` as removals then insertions."""
        added = list(self.added)
        removed = list(self.removed)
        for span in later.removed:
            if span in added:
                added.remove(span)
            else:
                removed.append(span)
        added.extend(later.added)
        return ChangeSet(
            later.document_id, later.annotation_id, tuple(removed), tuple(added),
            status=later.status if later.status is not None else self.status,
            edited=self.edited or later.edited,
            created=later.created or (None if later.dropped else self.created),
            dropped=later.dropped or (self.dropped and later.created is None),
            deleted=later.deleted or self.deleted, restored=later.restored or self.restored,
            select=later.select, applied=later.applied or self.applied,
            note=later.note or self.note)


# -------------------------------------------------------------------- spans
@dataclass(frozen=True)
class ReplaceSpans:
    """Remove ``removed`` from a version and add ``added``, in one transaction.
    ``select``: after it applies, the single span it added is the one selected (an
    added, relabelled or resized entity); False where the selection stays where it is
    (the review takes an annotator's entity and keeps it selected). ``carried``: how
    many of the last spans of ``removed`` and of ``added`` a correction carried on
    through the article (:mod:`goldspan.core.carry`), with ``note`` saying so; the
    first added span is still the one selected."""

    annotation_id: int
    document_id: int
    removed: tuple[Span, ...]
    added: tuple[Span, ...]
    text: str = "edit"
    select: bool = True
    carried: tuple[int, int] = (0, 0)
    note: str | None = None

    def apply(self, store: Store) -> ChangeSet:
        with store.transaction():
            version = _check_version(store, self.annotation_id, self.document_id)
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
            store.mark_edited(self.annotation_id)  # (a "todo" version becomes "in_progress")
        status = Status.IN_PROGRESS if version.status == Status.TODO else None
        chosen = (self.added[0] if self.select and len(self.added) - self.carried[1] == 1
                  else None)
        return ChangeSet(self.document_id, self.annotation_id, self.removed, self.added,
                         status=status, edited=True, select=chosen, note=self.note)

    def inverse(self) -> ReplaceSpans:
        return ReplaceSpans(self.annotation_id, self.document_id, self.added, self.removed,
                            self.text, self.select, (self.carried[1], self.carried[0]))


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

    def inverse(self) -> SetStatus:
        return SetStatus(self.annotation_id, self.document_id, self.after, self.before, self.text)


def _check_version(store: Store, annotation_id: int, document_id: int) -> Annotation:
    """An edit applies only to the version it was made on: one deleted since (by
    another window, ``goldspan delete``) is refused, never written into whatever row
    holds that id now."""
    version = store.version(annotation_id)
    if version is None or version.document_id != document_id:
        raise EditError(f"the version of document {document_id} this edit was made on has "
                        "been deleted; the document has been reloaded")
    return version


# ------------------------------------------------------------------ versions
@dataclass(frozen=True)
class CreateVersion:
    """Create ``annotator``'s version of a document holding ``spans``, in one
    transaction. ``annotation_id`` is chosen when the edit is built (reading, never
    writing) and reused when it is redone, so the edits after it on an undo stack still
    apply. Another writer may take that id between building and applying (two
    annotators starting the same article at once): the version then gets the next free
    id, and the ChangeSet's ``applied`` is this edit with it (the undo stack keeps that
    one). If the annotator's version was made elsewhere meanwhile, the edit refuses."""

    document_id: int
    annotation_id: int
    annotator: str
    spans: tuple[Span, ...]
    status: str = Status.TODO
    seeded_from: str | None = None
    edited: bool = False
    text: str = "Start the version"

    def apply(self, store: Store) -> ChangeSet:
        check_annotator(self.annotator, allow_gold=True)
        with store.transaction():
            if not store.has_document(self.document_id):
                raise EditError(f"document {self.document_id} was deleted elsewhere (goldspan "
                                "delete, another window); nothing was saved")
            if store.annotation(self.document_id, self.annotator) is not None:
                raise EditError(f"{self.annotator} already has a version of document "
                                f"{self.document_id} (made elsewhere); the document has been "
                                "reloaded")
            made = self
            if store.version(self.annotation_id) is not None:  # taken meanwhile
                made = replace(self, annotation_id=store.next_id("annotations"))
            try:
                store.insert_version(self.document_id, self.annotator, self.status,
                                     id=made.annotation_id, edited=self.edited,
                                     seeded_from=self.seeded_from)
                store.insert_spans(made.annotation_id, self.spans)
            except ConstraintError as err:
                raise EditError(f"cannot create the version ({err}); the database was "
                                "changed elsewhere, the document has been reloaded") from None
        return ChangeSet(self.document_id, made.annotation_id, status=self.status, created=made,
                         applied=None if made is self else made)

    def inverse(self) -> DropVersion:
        return DropVersion(self)


@dataclass(frozen=True)
class DropVersion:
    """Delete the version :attr:`created` made, while it holds exactly the spans it was
    created with and is not finished (the undo of :class:`CreateVersion`); a version
    changed elsewhere meanwhile is refused, never dropped."""

    created: CreateVersion

    @property
    def document_id(self) -> int:
        return self.created.document_id

    @property
    def text(self) -> str:
        return self.created.text

    def apply(self, store: Store) -> ChangeSet:
        c = self.created
        with store.transaction():
            version = store.version(c.annotation_id)
            have = {s.key() for s in store.spans(c.annotation_id)} if version else set()
            if (version is None or version.annotator != c.annotator
                    or version.document_id != c.document_id or version.status in FINISHED
                    or have != {s.key() for s in c.spans}):
                raise EditError(f"{c.annotator}'s version of document {c.document_id} was "
                                "changed elsewhere; the document has been reloaded")
            store.drop_version(c.annotation_id)
        return ChangeSet(c.document_id, c.annotation_id, dropped=True)

    def inverse(self) -> CreateVersion:
        return self.created


# --------------------------------------------------------------------- steps
@dataclass(frozen=True)
class Steps:
    """Several edits of one document applied in order in one transaction, undone as
    one step; the first change of a document is ``Steps(CreateVersion, change)``."""

    steps: tuple[Edit, ...]
    text: str = "edit"

    @property
    def document_id(self) -> int:
        return self.steps[0].document_id

    def apply(self, store: Store) -> ChangeSet:
        with store.transaction():
            change = self.steps[0].apply(store)
            steps = list(self.steps)
            old, new = self.steps[0], change.applied
            if isinstance(old, CreateVersion) and isinstance(new, CreateVersion):
                # the version got another id: the steps after it are made on that one
                steps = [new, *(_on_id(s, old.annotation_id, new.annotation_id)
                                for s in self.steps[1:])]
            for step in steps[1:]:
                change = change.then(step.apply(store))
        if steps != list(self.steps):
            change = replace(change, applied=Steps(tuple(steps), self.text))
        return change

    def inverse(self) -> Steps:
        return Steps(tuple(s.inverse() for s in reversed(self.steps)), self.text)


def _on_id(edit: Edit, old: int, new: int) -> Edit:
    """``edit`` made on version ``new`` instead of ``old``."""
    if isinstance(edit, (ReplaceSpans, SetStatus)) and edit.annotation_id == old:
        return replace(edit, annotation_id=new)
    return edit


# ---------------------------------------------------------- whole documents
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

    def inverse(self) -> RestoreRows:
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


Edit = ReplaceSpans | SetStatus | CreateVersion | DropVersion | Steps | DeleteRows | RestoreRows


# ----------------------------------------------------------------- builders
def overlapping(spans: Sequence[Span], start: int, end: int) -> tuple[Span, ...]:
    """The spans sharing a character with [start, end) (by bisection on an index)."""
    if isinstance(spans, SpanIndex):
        return tuple(spans.overlapping(start, end))
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
