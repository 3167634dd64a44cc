"""Adjudication: settling one gold version of a document from its annotators' versions.

Qt-free, so the review window, scripts and tests drive the same logic. The model is
INCEpTION's (and WebAnno's) curation view:

- every span of every annotator's ``done`` version is classified (:func:`classify`):

  ``accepted``  its exact span (start, end, label) is in the gold;
  ``agree``     every annotator has exactly this span (and the gold does not);
  ``disagree``  another annotator has a *different* span overlapping it: the same
                extent with another label, or an overlapping, differing extent;
  ``some``      only some annotators marked it; the others have nothing there.

  ``accepted`` wins over the other three: it says what is already settled.
- the gold starts *pre-merged* (:func:`premerge`): the spans on which every annotator
  agrees, origin ``review``;
- the lead takes spans from any version into the gold, or edits the gold freely; each
  change is a core edit (:class:`~goldspan.core.edits.ReplaceSpans` on the ``gold``
  annotation, replacing the gold spans it overlaps) with its inverse, so undo works
  the same from the GUI, scripts and tests, in the database too;
- accepting the gold sets its status to ``done``; only then does export read it.

Opening a document for review writes nothing (as in the annotation window). The gold
version is created by the first change, as a :class:`CreateGold` edit that inserts the
pre-merge in one transaction with status ``in_progress``; its inverse,
:class:`DropGold`, deletes it again, so undoing the first change of a document leaves
the database exactly as it was. The annotation id is chosen when the edit is built and
reused when it is redone, so the edits that follow it on the undo stack still apply.
Every span the review writes has origin ``review``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Mapping, Sequence

from .agreement import DocumentDisagreement, f1, overlapping_pairs
from .edits import ChangeSet, ReplaceSpans, SetStatus, overlapping
from .errors import EditError
from .types import GOLD, Span
from .storage import Annotation, ConstraintError, Document, Store

REVIEW = "review"

ACCEPTED = "accepted"
AGREE = "agree"
DISAGREE = "disagree"
SOME = "some"
KINDS = (AGREE, DISAGREE, SOME, ACCEPTED)
KIND_TEXT = {
    AGREE: "All agree",
    DISAGREE: "Disagree",
    SOME: "Only some",
    ACCEPTED: "In gold",
}
KIND_HELP = {
    AGREE: "Every annotator has exactly this entity (it is not in the gold)",
    DISAGREE: "Another annotator has a different entity here (other label or other extent)",
    SOME: "Only some annotators marked this; the others have nothing here",
    ACCEPTED: "This exact entity is in the gold",
}
OPEN_KINDS = (DISAGREE, SOME)  # what "next difference" walks (where the gold has nothing)

if TYPE_CHECKING:  # pragma: no cover
    from .token_index import TokenIndex


# --------------------------------------------------------------- classification
@dataclass(frozen=True)
class Classified:
    """One annotator's span with its class and who else has exactly this span."""

    annotator: str
    span: Span
    kind: str
    holders: tuple[str, ...]


def _sorted(spans: Sequence[Span]) -> list[Span]:
    return sorted(spans, key=lambda s: (s.start, s.end, s.label))


def classify(
    versions: Mapping[str, Sequence[Span]],
    gold: Sequence[Span] | None = None,
) -> dict[str, list[Classified]]:
    """Classify every span of every version (see the module docstring), in start order.

    Linear in the number of spans per pair of annotators (the overlap sweep of
    :func:`goldspan.core.agreement.overlapping_pairs`).
    """
    names = sorted(versions)
    ordered = {n: _sorted(versions[n]) for n in names}
    holders: dict[tuple[int, int, str], list[str]] = {}
    for n in names:
        for s in ordered[n]:
            holders.setdefault(s.key(), []).append(n)
    contested: dict[str, set[int]] = {n: set() for n in names}
    for i, x in enumerate(names):
        for y in names[i + 1:]:
            a, b = ordered[x], ordered[y]
            for ia, ib in overlapping_pairs(a, b):
                if a[ia].key() != b[ib].key():
                    contested[x].add(ia)
                    contested[y].add(ib)
    gold_keys = {s.key() for s in gold} if gold is not None else set()
    out: dict[str, list[Classified]] = {}
    for n in names:
        row = []
        for i, s in enumerate(ordered[n]):
            have = tuple(holders[s.key()])
            if s.key() in gold_keys:
                kind = ACCEPTED
            elif i in contested[n]:
                kind = DISAGREE
            elif len(have) == len(names):
                kind = AGREE
            else:
                kind = SOME
            row.append(Classified(n, s, kind, have))
        out[n] = row
    return out


def premerge(versions: Mapping[str, Sequence[Span]]) -> list[Span]:
    """The spans every annotator has exactly (origin ``review``): the gold's start.

    A subset of one version's spans, so they never overlap. No versions: nothing.
    """
    if not versions:
        return []
    keys = None
    for spans in versions.values():
        ks = {s.key() for s in spans}
        keys = ks if keys is None else keys & ks
    assert keys is not None
    return [Span(s, e, label, REVIEW) for s, e, label in sorted(keys)]


def document_f1(versions: Mapping[str, Sequence[Span]], doc_id: int = 0) -> DocumentDisagreement:
    """Pairwise exact F1 of one document's versions, as the agreement figures count it
    (``None`` for a pair where neither has a span)."""
    names = sorted(versions)
    pairs: dict[tuple[str, str], float | None] = {}
    for i, x in enumerate(names):
        kx = {s.key() for s in versions[x]}
        for y in names[i + 1:]:
            ky = {s.key() for s in versions[y]}
            pairs[(x, y)] = f1(len(kx & ky), len(kx), len(ky))
    return DocumentDisagreement(doc_id, names, pairs)


# ------------------------------------------------------------------- loading
def done_versions(
    store: Store, doc_id: int, annotators: Sequence[str] | None = None
) -> dict[str, list[Span]]:
    """The ``done`` versions of a document by annotators other than ``gold``."""
    return store.done_versions(doc_id, annotators)


def gold_statuses(store: Store) -> dict[int, str]:
    """Document id → status of its ``gold`` version, for every document that has one."""
    return store.gold_statuses()


def done_versions_stamp(store: Store) -> tuple[int, str | None]:
    """Changes when an annotator's version becomes done, stops being done or is edited
    while done (``updated_at`` has milliseconds): what the review's document order and
    figures were computed from. The gold is not part of it."""
    return store.done_stamp()


# --------------------------------------------------------- creating the gold
@dataclass(frozen=True)
class CreateGold:
    """Create a document's ``gold`` version holding ``spans``, status ``in_progress``,
    in one transaction. ``annotation_id`` is fixed when the edit is built (see the
    module docstring); if another version took that id meanwhile, the edit refuses."""

    document_id: int
    annotation_id: int
    spans: tuple[Span, ...]
    text: str = "Start the gold"

    def apply(self, store: Store) -> ChangeSet:
        with store.transaction():
            if store.annotation(self.document_id, GOLD) is not None:
                raise EditError(f"document {self.document_id} already has a gold version "
                                "(made elsewhere); the document has been reloaded")
            try:
                store.insert_version(self.document_id, GOLD, "in_progress", id=self.annotation_id,
                                     edited=True, seeded_from=REVIEW)
                store.insert_spans(self.annotation_id, self.spans)
            except ConstraintError as err:
                raise EditError(f"cannot create the gold version ({err}); the database was "
                                "changed elsewhere, the document has been reloaded") from None
        return ChangeSet(self.document_id, self.annotation_id, added=self.spans,
                         status="in_progress")

    def inverse(self) -> "DropGold":
        return DropGold(self.document_id, self.annotation_id, self.spans, self.text)


@dataclass(frozen=True)
class DropGold:
    """Delete a ``gold`` version that holds exactly ``spans`` and is still
    ``in_progress`` (the undo of :class:`CreateGold`); anything else is refused."""

    document_id: int
    annotation_id: int
    spans: tuple[Span, ...]
    text: str = "Start the gold"

    def apply(self, store: Store) -> ChangeSet:
        with store.transaction():
            gold = store.version(self.annotation_id)
            have = {s.key() for s in store.spans(self.annotation_id)} if gold else set()
            if (gold is None or gold.annotator != GOLD or gold.status != "in_progress"
                    or have != {s.key() for s in self.spans}):
                raise EditError("the gold version was changed elsewhere; the document has "
                                "been reloaded")
            store.drop_version(self.annotation_id)
        return ChangeSet(self.document_id, self.annotation_id, removed=self.spans)

    def inverse(self) -> CreateGold:
        return CreateGold(self.document_id, self.annotation_id, self.spans, self.text)


ReviewEdit = ReplaceSpans | SetStatus | CreateGold | DropGold


def next_annotation_id(store: Store) -> int:
    return store.next_id("annotations")  # never a deleted version's id (Store.next_id)


def create_gold(store: Store, doc_id: int, annotators: Sequence[str] | None = None) -> Annotation:
    """The document's ``gold`` version, created from the pre-merge of its annotators'
    ``done`` versions (one transaction, status ``in_progress``) if it has none yet.

    Like :meth:`Store.open_version`, but seeded from the annotators, never from model
    suggestions."""
    existing = store.annotation(doc_id, GOLD)
    if existing is not None:
        return existing
    spans = tuple(premerge(done_versions(store, doc_id, annotators)))
    CreateGold(doc_id, next_annotation_id(store), spans).apply(store)
    ann = store.annotation(doc_id, GOLD)
    assert ann is not None
    return ann


# ------------------------------------------------------------------ session
class ReviewSession:
    """One document under review: the annotators' versions, the gold (saved, or the
    pre-merge until the first change) and the edits the lead can make.

    Builders return a list of edits to apply in order (one undo step): the first
    change of a document is preceded by its :class:`CreateGold`.
    """

    def __init__(self, store: Store, doc_id: int, annotators: Sequence[str] | None = None) -> None:
        self.store = store
        self.annotators = list(annotators) if annotators is not None else None
        self.document: Document = store.document(doc_id)
        self._tokens: TokenIndex | None = None
        self.reload()

    # ----------------------------------------------------------------- state
    def reload(self) -> None:
        self.versions = done_versions(self.store, self.doc_id, self.annotators)
        self.names = sorted(self.versions)
        self.gold_annotation: Annotation | None = self.store.annotation(self.doc_id, GOLD)
        if self.gold_annotation is None:
            self.gold = premerge(self.versions)
        else:
            self.gold = self.store.spans(self.gold_annotation.id)
        self.agreement = document_f1(self.versions, self.doc_id)
        self._classes: dict[str, list[Classified]] | None = None

    @property
    def doc_id(self) -> int:
        return self.document.id

    @property
    def text(self) -> str:
        return self.document.text

    @property
    def status(self) -> str | None:
        """The gold's status, ``None`` while it is only the (unsaved) pre-merge."""
        return self.gold_annotation.status if self.gold_annotation else None

    def classes(self) -> dict[str, list[Classified]]:
        if self._classes is None:
            self._classes = classify(self.versions, self.gold)
        return self._classes

    def open_items(self) -> list[Classified]:
        """The spans still to decide, in text order: the annotators differ on them
        (disagree, only some) and the gold has nothing there yet. A span several
        annotators share is listed once, under the first of them by name."""
        items: dict[tuple[int, int, str], Classified] = {}
        for name in self.names:
            for c in self.classes()[name]:
                if (c.kind in OPEN_KINDS and c.span.key() not in items
                        and not overlapping(self.gold, c.span.start, c.span.end)):
                    items[c.span.key()] = c
        return sorted(items.values(), key=lambda c: (c.span.start, c.span.end, c.annotator))

    def counts(self) -> dict[str, int]:
        """How many distinct spans (by start, end, label) are in each class."""
        seen: dict[tuple[int, int, str], str] = {}
        for row in self.classes().values():
            for c in row:
                seen[c.span.key()] = c.kind
        out = {k: 0 for k in KINDS}
        for kind in seen.values():
            out[kind] += 1
        return out

    def item_at(self, annotator: str, pos: int) -> Classified | None:
        for c in self.classes().get(annotator, []):
            if c.span.start <= pos < c.span.end:
                return c
        return None

    def gold_at(self, pos: int) -> Span | None:
        for s in self.gold:
            if s.start <= pos < s.end:
                return s
        return None

    def sources(self, span: Span) -> list[str]:
        """Annotators whose version has exactly this span."""
        return [n for n in self.names if any(s.key() == span.key() for s in self.versions[n])]

    @property
    def tokens(self) -> TokenIndex:
        if self._tokens is None:
            from .token_index import TokenIndex  # local: loads spaCy's tokenizer

            self._tokens = TokenIndex(self.text)
        return self._tokens

    # --------------------------------------------------------------- builders
    def _prefix(self) -> tuple[list[ReviewEdit], int]:
        """The CreateGold the first change needs, and the gold's annotation id."""
        if self.gold_annotation is not None:
            return [], self.gold_annotation.id
        create = CreateGold(self.doc_id, next_annotation_id(self.store), tuple(self.gold))
        return [create], create.annotation_id

    def _replace(self, removed: Sequence[Span], added: Sequence[Span], text: str) -> list[ReviewEdit]:
        if {s.key() for s in removed} == {s.key() for s in added}:
            return []
        edits, ann = self._prefix()
        edits.append(ReplaceSpans(ann, self.doc_id, tuple(removed), tuple(added), text))
        return edits

    def take(self, span: Span, annotator: str | None = None) -> list[ReviewEdit]:
        """Take a span (from an annotator's version) into the gold, replacing the gold
        spans it overlaps. Nothing if the gold already has exactly it."""
        new = Span(span.start, span.end, span.label, REVIEW)
        hit = overlapping(self.gold, new.start, new.end)
        who = f" from {annotator}" if annotator else ""
        return self._replace(hit, [new], f"Take {span.label}{who}")

    def take_all(self, annotator: str) -> list[ReviewEdit]:
        """Take every span of one version that the gold does not have yet and that
        overlaps nothing in the gold (one undo step)."""
        gold = list(self.gold)
        added = [Span(s.start, s.end, s.label, REVIEW) for s in self.versions.get(annotator, [])
                 if not overlapping(gold, s.start, s.end)]
        return self._replace([], added, f"Take all of {annotator}") if added else []

    def add(self, start: int, end: int, label: str, *, snap: bool = True) -> list[ReviewEdit]:
        """A span the lead marks in the gold (snapped to whole tokens unless ``snap`` is
        False); it replaces the gold spans it overlaps."""
        if snap:
            snapped = self.tokens.snap(start, end)
            if snapped is None:
                return []
            start, end = snapped
        start, end = max(0, start), min(len(self.text), end)
        if start >= end:
            return []
        new = Span(start, end, label, REVIEW)
        hit = overlapping(self.gold, start, end)
        return self._replace(hit, [new], f"Add {label} to gold")

    def delete(self, span: Span) -> list[ReviewEdit]:
        return self._replace([span], [], f"Delete {span.label} from gold")

    def relabel(self, span: Span, label: str) -> list[ReviewEdit]:
        if span.label == label:
            return []
        return self._replace([span], [Span(span.start, span.end, label, REVIEW)],
                             f"Relabel {span.label} → {label} in gold")

    def move_boundary(self, span: Span, edge: str, step: int) -> list[ReviewEdit]:
        """Move a gold span's ``start`` or ``end`` by ``step`` whole tokens; the spans
        it grows into are replaced, as in the annotation view."""
        if edge == "start":
            moved = self.tokens.move_start(span.start, span.end, step)
        else:
            moved = self.tokens.move_end(span.start, span.end, step)
        if moved is None or moved == (span.start, span.end):
            return []
        start, end = moved
        hit = [s for s in overlapping(self.gold, start, end) if s.key() != span.key()]
        return self._replace([span, *hit], [Span(start, end, span.label, REVIEW)],
                             f"Resize {span.label} in gold")

    def accept(self) -> list[ReviewEdit]:
        """Accept the gold as it stands (status ``done``); creates it if need be."""
        edits, ann = self._prefix()
        before = "in_progress" if self.gold_annotation is None else self.gold_annotation.status
        if before == "done":
            return []
        edits.append(SetStatus(ann, self.doc_id, before, "done", "Accept gold"))
        return edits

    # ------------------------------------------------------------------ apply
    def apply(self, edit: ReviewEdit) -> ChangeSet:
        """Apply (commit) one edit of this document and update the state shown."""
        change = edit.apply(self.store)
        self.gold_annotation = self.store.annotation(self.doc_id, GOLD)
        if self.gold_annotation is None:
            self.gold = premerge(self.versions)
        else:
            self.gold = self.store.spans(self.gold_annotation.id)
        self._classes = None
        return change
