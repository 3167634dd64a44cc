"""The project's labels rule: every model label maps onto one project label, or is
dropped, before anyone sees it.

Two sources, in this order:

1. **Set by the user** (stored in the database, :meth:`Store.label_map`): ``GPE ->
   Location``, ``CARDINAL -> (dropped)``. Always wins.
2. **Learnt from the corrections** when the user has not set it. Every accepted
   document is compared with what the model said on it (its raw, unmapped output):
   a model span whose bounds the gold kept counts one vote for the gold's label; a
   span that overlaps no gold entity counts one deletion. A model label maps to the
   label it was most often turned into (ties alphabetical) while those outnumber its
   deletions, and is dropped otherwise. Why that threshold: under the oracle's cost
   model (:mod:`.costs`) a span with the right bounds saves two actions when its
   label is right and costs nothing when it is not (a relabel costs what an add
   does), while a span over no gold entity costs two: showing pays exactly when
   right outnumbers spurious.
3. With no evidence yet: a model label that is a project label (or one up to case)
   is itself; any other is dropped: an unknown label never reaches the gold unnoticed.

Reversible: :meth:`LabelMap.observe` with ``sign=-1`` takes a document back out (an
undone accept).
"""

from __future__ import annotations

from collections import Counter
from typing import Any, Iterable, Mapping, Sequence

from ..types import Suggestion
from .costs import outcome

SPURIOUS = "spurious"


class LabelMap:
    """Model label -> project label (or ``None``: dropped)."""

    def __init__(self, project: Sequence[str], explicit: Mapping[str, str | None] | None = None,
                 *, learn: bool = True) -> None:
        self.project = tuple(project)
        self.explicit: dict[str, str | None] = dict(explicit or {})
        self.learn = learn
        self._by_fold = {p.casefold(): p for p in self.project}
        self.evidence: dict[str, Counter[str]] = {}

    # ------------------------------------------------------------------ learning
    def observe(self, raw: Iterable[Any], gold: Sequence[Any], sign: int = 1) -> None:
        """Count what the gold made of a model's raw spans on one document."""
        by_bounds = {(g.start, g.end): g.label for g in gold}
        for s in raw:
            what = outcome(s, by_bounds, gold)
            if what == "right":
                what = "=" + s.label
            if what == "other":
                continue
            counter = self.evidence.setdefault(s.label, Counter())
            counter[what] += sign
            if counter[what] <= 0:
                del counter[what]

    # ------------------------------------------------------------------- reading
    def target(self, label: str) -> str | None:
        """The project label a model label is shown as, or None when it is dropped."""
        if label in self.explicit:
            return self.explicit[label]
        counter = self.evidence.get(label) if self.learn else None
        if counter:
            votes = [(n, k[1:]) for k, n in counter.items()
                     if k.startswith("=") and k[1:] in self.project]
            if votes:
                n, best = min(votes, key=lambda v: (-v[0], v[1]))
                if n > counter.get(SPURIOUS, 0):
                    return best
            return None
        if label in self.project:
            return label
        return self._by_fold.get(label.casefold())

    def source(self, label: str) -> str:
        """``"set"``, ``"learnt"`` or ``"default"``: where :meth:`target` comes from."""
        if label in self.explicit:
            return "set"
        return "learnt" if self.learn and self.evidence.get(label) else "default"

    def apply(self, suggestions: Iterable[Suggestion]) -> list[Suggestion]:
        out = []
        for s in suggestions:
            target = self.target(s.label)
            if target is not None:
                out.append(s if target == s.label else Suggestion(s.start, s.end, target, s.score))
        return out

    def head_from(self) -> tuple[tuple[str, tuple[tuple[str, int], ...]], ...]:
        """Per project label, the model labels the rule shows as it, each with how often
        the analysts turned it into that label (at least 1): where a trained
        generation's output rows start (:mod:`.trainer`)."""
        found: dict[str, list[tuple[str, int]]] = {}
        for label in sorted(set(self.evidence) | set(self.explicit)):
            target = self.target(label)
            if target is not None:
                votes = self.evidence.get(label, Counter()).get("=" + target, 0)
                found.setdefault(target, []).append((label, max(1, votes)))
        return tuple((target, tuple(v)) for target, v in sorted(found.items()))

    def table(self, labels: Iterable[str]) -> dict[str, str | None]:
        """The whole rule for the given model labels (for a dialog or ``--json``)."""
        return {label: self.target(label) for label in labels}
