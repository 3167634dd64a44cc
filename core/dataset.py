"""Which version of each document an export (or ``stats``, or ``train``) reads.

The default is "the gold" as docs/DESIGN.md defines it: a document's ``gold`` version if
there is one, else its only ``done`` version. Several ``done`` versions that agree
(same spans) count as one; several that differ, with no ``gold`` to settle them, give
the document no gold: it is left out and counted in :class:`SelectionStats`.

A ``gold`` version counts once it is finished (status ``done``; with
``all_statuses`` also ``skipped``/``rejected``): an adjudication still in progress
does not hide the annotators' agreement.

Options, as the ``export`` command spells them:

- ``annotator="NAME"``: that annotator's ``done`` versions;
- ``gold_only=True``: only the adjudicated versions (annotator ``gold``);
- ``all_versions=True``: every annotator's version, one item each;
- ``all_statuses=True``: ``skipped`` and ``rejected`` versions too (never ``todo`` or
  ``in_progress``), so a Prodigy round trip keeps its ignore/reject answers.

Everything streams: one cursor over the versions in document order
(:meth:`Store.versions_in_order`), grouped in Python one document at a time, so memory
does not grow with the database.
"""

from __future__ import annotations

import itertools
import math
import random
from dataclasses import dataclass, field
from fractions import Fraction
from pathlib import Path
from typing import Iterable, Iterator

from .errors import DamagedDatabaseError
from .status import ANSWERED, EXPORTED, Status
from .types import GOLD, Span
from .storage import Annotation, Document, Store



@dataclass(frozen=True)
class Options:
    annotator: str | None = None
    gold_only: bool = False
    all_versions: bool = False
    all_statuses: bool = False

    @property
    def statuses(self) -> tuple[Status, ...]:
        return ANSWERED if self.all_statuses else EXPORTED


@dataclass
class SelectionStats:
    """What the selection saw: items yielded, documents left out because their
    annotators disagree without adjudication (``conflicts``, with their ids)."""

    selected: int = 0
    conflicts: int = 0
    conflict_ids: list[int] = field(default_factory=list)
    MAX_IDS = 1000  # kept for the report; the count goes on

    def conflict(self, doc_id: int) -> None:
        self.conflicts += 1
        if len(self.conflict_ids) < self.MAX_IDS:
            self.conflict_ids.append(doc_id)


@dataclass(frozen=True)
class Selected:
    document: Document
    annotation: Annotation
    spans: list[Span]


def select(store: Store, options: Options = Options(),
           stats: SelectionStats | None = None) -> Iterator[Selected]:
    """Yield the chosen versions in document id order (then annotator name)."""
    stats = stats if stats is not None else SelectionStats()
    rows = store.versions_in_order(options.statuses, _annotator(options))
    explicit = options.gold_only or options.annotator is not None or options.all_versions
    for doc_id, group in itertools.groupby(rows, key=lambda a: a.document_id):
        versions = list(group)
        if explicit:
            chosen = [(a, store.spans(a.id)) for a in versions]
        else:
            one = _the_gold(store, versions)
            if one is None:
                stats.conflict(doc_id)
                continue
            chosen = [one]
        document = store.document(doc_id)
        for ann, spans in chosen:
            stats.selected += 1
            yield Selected(document, ann, spans)


def validated(items: Iterable[Selected], path: str | Path | None = None
              ) -> Iterator[Selected]:
    """The items, each checked against the data contract before anything is written
    from it: offsets within the text, start before end, a label, no overlap. A span
    that breaks it (a tool wrote the file by hand, the triggers were dropped) stops
    the export or training with its document, version and offsets: a dataset is never
    written with negative, empty, overlapping or unlabelled spans."""
    for item in items:
        text_len = len(item.document.text)
        prev: Span | None = None
        for span in sorted(item.spans, key=lambda x: (x.start, x.end)):
            why = _span_problem(span, text_len, prev)
            if why is not None:
                raise DamagedDatabaseError(
                    f"document {item.document.id}, {item.annotation.annotator}'s version: span "
                    f"{span.start}-{span.end} {span.label!r} {why}; nothing was written: run "
                    "'goldspan check' and fix or remove it", path=path)
            if prev is None or span.end > prev.end:
                prev = span
        yield item


def _span_problem(span: Span, text_len: int, prev: Span | None) -> str | None:
    if not isinstance(span.start, int) or not isinstance(span.end, int):
        return "has offsets that are not whole numbers"
    if span.start < 0:
        return "starts before the text"
    if span.start >= span.end:
        return "is empty or runs backwards"
    if span.end > text_len:
        return f"ends past the text ({text_len} characters)"
    if not isinstance(span.label, str) or not span.label.strip():
        return "has no label"
    if prev is not None and span.start < prev.end:
        return f"overlaps the span {prev.start}-{prev.end} {prev.label!r}"
    return None


def gold_of(store: Store, doc_id: int) -> Selected | None:
    """The version of one document :func:`select` reads by default (its finished
    ``gold``, else its finished versions when they agree), or None."""
    versions = [a for a in store.annotations(doc_id) if a.status in EXPORTED]
    one = _the_gold(store, versions) if versions else None
    return Selected(store.document(doc_id), *one) if one is not None else None


def _the_gold(store: Store, versions: list[Annotation]) -> tuple[Annotation, list[Span]] | None:
    gold = [a for a in versions if a.annotator == GOLD]
    if gold:
        return gold[0], store.spans(gold[0].id)
    first = versions[0]
    first_spans = store.spans(first.id)
    key = (first.status, [s.key() for s in first_spans])
    for other in versions[1:]:
        if (other.status, [s.key() for s in store.spans(other.id)]) != key:
            return None
    return first, first_spans


def count(store: Store, options: Options = Options()) -> int:
    """How many items :func:`select` will yield (a second, cheap pass for progress bars
    and exact splits; conflicts are not yielded and not counted)."""
    return sum(1 for _ in _select_light(store, options))


def _select_light(store: Store, options: Options) -> Iterator[int]:
    if options.gold_only or options.annotator is not None or options.all_versions:
        yield from range(store.count_versions(options.statuses, _annotator(options)))
        return
    for item in select(store, options):
        yield item.document.id


def split(total: int, dev_share: float | Fraction, seed: int) -> set[int]:
    """Which item numbers (0-based, in selection order) are held out: the one train/dev
    split that ``export --split`` and ``train --eval-split`` both use, so the same seed
    and share hold out the same documents.

    The count is ``dev_share * total`` rounded half up, computed exactly on the share as
    written (``1 - 0.9`` is exactly 0.1 here, where floats give 0.0999... and round 15
    documents to 1 instead of 2), and at least one item is held out and one kept when
    the share is not zero and there are two items or more. Which items: a sample drawn
    with ``random.Random(seed)``, the same for the same seed, count and share."""
    share = Fraction(str(dev_share)) if isinstance(dev_share, float) else Fraction(dev_share)
    if total < 2 or share <= 0:
        return set()
    n_dev = min(total - 1, max(1, math.floor(total * share + Fraction(1, 2))))
    return set(random.Random(seed).sample(range(total), n_dev))


def _annotator(options: Options) -> str | None:
    """Whose versions are read: the gold's, one annotator's, or everyone's (None)."""
    return GOLD if options.gold_only else options.annotator
