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
- the lead takes spans from any version into the gold, or edits the gold freely
  (:mod:`goldspan.core.sessions.review`); each change is a core edit with its inverse,
  so undo works the same from the GUI, scripts and tests, in the database too;
- accepting the gold sets its status to ``done``; only then does export read it.

Opening a document for review writes nothing (as in the annotation window). The gold
version is created by the first change, as its first step (:func:`start_gold`, a
:class:`~goldspan.core.edits.CreateVersion` of the pre-merge with status
``in_progress``); its undo drops it again, so undoing the first change of a document
leaves the database exactly as it was. Every span the review writes has origin
``review``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Mapping, Sequence

from .agreement import DocumentDisagreement, f1, overlapping_pairs
from .edits import CreateVersion
from .status import Status
from .types import GOLD, Span
from .storage import Annotation, Store

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
def start_gold(store: Store, doc_id: int, spans: Sequence[Span]) -> CreateVersion:
    """The edit that creates a document's ``gold`` version holding ``spans`` (the
    pre-merge), status ``in_progress``: the first step of the first change of a
    document under review (its inverse drops it again). Reads the next id, writes
    nothing."""
    return CreateVersion(doc_id, store.next_id("annotations"), GOLD, tuple(spans),
                         Status.IN_PROGRESS, seeded_from=REVIEW, edited=True,
                         text="Start the gold")


def create_gold(store: Store, doc_id: int, annotators: Sequence[str] | None = None) -> Annotation:
    """The document's ``gold`` version, created from the pre-merge of its annotators'
    ``done`` versions (one transaction, status ``in_progress``) if it has none yet.

    Like :meth:`Store.open_version`, but seeded from the annotators, never from model
    suggestions."""
    existing = store.annotation(doc_id, GOLD)
    if existing is not None:
        return existing
    start_gold(store, doc_id, premerge(done_versions(store, doc_id, annotators))).apply(store)
    ann = store.annotation(doc_id, GOLD)
    assert ann is not None
    return ann
