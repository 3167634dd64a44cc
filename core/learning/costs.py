"""The oracle analyst's cost model (issue 13): how many actions turn what the window
shows into the gold.

Per gold entity: shown with its bounds and label, 0 (kept); shown with its bounds and
another label, 2 (click, key: relabel); not shown with its bounds, 2 (select, key:
what it overlaps is replaced: add). Per shown entity that overlaps no gold entity, 2
(click, Delete). A shown entity that overlaps a gold entity with other bounds costs
nothing of its own: adding that gold entity replaces it. Enter, 1. From scratch: 2 per
gold entity + 1.

Hence the arithmetic the loop's gates follow: against showing nothing, a shown
entity saves 2 when exactly right, costs 2 when it overlaps no gold entity, and
changes nothing otherwise. A suggestion pays only where it is more often exactly
right than spurious.

:func:`oracle_cost` counts the same actions when the window carries each correction
through the article (:mod:`goldspan.core.carry`); ``goldspan replay`` uses it.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any, Iterable, Sequence

from ..carry import UNTOUCHED, carried_adds, carried_deletes, carried_relabels
from ..types import Span

ACTION = 2  # select/click + key
ENTER = 1


@dataclass
class Cost:
    """The oracle's actions on one document (or a sum of them)."""

    kept: int = 0
    relabel: int = 0
    add: int = 0
    delete: int = 0
    gold: int = 0
    documents: int = 0

    @property
    def actions(self) -> int:
        return ACTION * (self.relabel + self.add + self.delete) + ENTER * self.documents

    @property
    def scratch(self) -> int:
        return ACTION * self.gold + ENTER * self.documents

    @property
    def ratio(self) -> float:
        return self.actions / self.scratch if self.scratch else 0.0

    def __add__(self, other: "Cost") -> "Cost":
        return Cost(*(a + b for a, b in zip(_fields(self), _fields(other), strict=True)))

    def to_dict(self) -> dict[str, Any]:
        d = asdict(self)
        d.update(actions=self.actions, scratch=self.scratch, ratio=round(self.ratio, 4))
        return d


def _fields(c: Cost) -> tuple[int, ...]:
    return (c.kept, c.relabel, c.add, c.delete, c.gold, c.documents)


def total(costs: Iterable[Cost]) -> Cost:
    out = Cost()
    for c in costs:
        out = out + c
    return out


def cost(shown: Sequence[Any], gold: Sequence[Any]) -> Cost:
    """Actions to turn ``shown`` into ``gold`` (both sequences of objects with
    ``start``, ``end``, ``label``; ``shown`` never overlaps itself, as in the window)."""
    by_bounds = {(s.start, s.end): s.label for s in shown}
    c = Cost(gold=len(gold), documents=1)
    for g in gold:
        label = by_bounds.get((g.start, g.end))
        if label == g.label:
            c.kept += 1
        elif label is not None:
            c.relabel += 1
        else:
            c.add += 1
    c.delete = sum(1 for s in shown if not overlaps_any(s, gold))
    return c


def overlaps_any(s: Any, spans: Sequence[Any]) -> bool:
    return any(s.start < g.end and g.start < s.end for g in spans)


def outcome(s: Any, gold_by_bounds: dict[tuple[int, int], str], gold: Sequence[Any]) -> str:
    """What the gold made of one suggestion: ``"right"`` (bounds and label), the gold
    label when only the bounds are right (``"=LABEL"``), ``"spurious"`` (overlaps no
    gold entity) or ``"other"`` (overlaps one with other bounds: costs nothing)."""
    label = gold_by_bounds.get((s.start, s.end))
    if label is not None:
        return "right" if label == s.label else "=" + label
    return "other" if overlaps_any(s, gold) else "spurious"


def oracle_cost(shown: Sequence[Any], gold: Sequence[Any], text: str, *,
                carry: bool = True) -> Cost:
    """The oracle's actions when the window carries each correction through the
    article (:mod:`goldspan.core.carry`): the oracle reads in text order and fixes
    each place as it comes, and what a fix carries to the untouched spans further on
    is what it then finds there. ``carry=False`` counts exactly as :func:`cost`."""
    spans = {(s.start, s.end): Span(s.start, s.end, s.label, UNTOUCHED) for s in shown}
    wanted = {(g.start, g.end): g.label for g in gold}
    c = Cost(gold=len(gold), documents=1)
    at = (-1, -1)
    while True:
        ahead = [b for b in wanted if b > at] + [b for b in spans if b > at and b not in wanted]
        if not ahead:
            return c
        at = min(ahead)
        here = spans.get(at)
        label = wanted.get(at)
        current = list(spans.values())
        if label is not None and here is not None and here.label == label:
            c.kept += 1
        elif label is not None and here is not None:
            c.relabel += 1
            spans[at] = here._replace(label=label, origin="manual")
            for old, new in carried_relabels(text, current, here, label) if carry else ():
                spans[(old.start, old.end)] = new
        elif label is not None:
            c.add += 1
            for b in [b for b in spans if b[0] < at[1] and at[0] < b[1]]:
                del spans[b]
            new = Span(at[0], at[1], label, "manual")
            spans[at] = new

            def free(start: int, end: int) -> bool:
                return not any(b[0] < end and start < b[1] for b in spans)

            for s in carried_adds(text, new, free) if carry else ():
                spans[(s.start, s.end)] = s
        elif here is not None and not overlaps_any(here, gold):
            c.delete += 1
            del spans[at]
            for s in carried_deletes(text, current, here) if carry else ():
                del spans[(s.start, s.end)]
        # else: a shown span overlapping a gold entity with other bounds: adding that
        # entity replaces it (nothing of its own)
