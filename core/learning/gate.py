"""Which suggestions are worth showing: what each kind of suggestion was worth so far.

Under the oracle's cost model (:mod:`.costs`) a shown entity saves two actions when
it is exactly right, costs two when it overlaps no gold entity, and changes nothing
otherwise. So every suggestion a source makes on an accepted document scores +1
(right), -1 (spurious) or 0, and a suggestion is shown while the mean score of its
kind, estimated from the accepted gold so far, is at least 0.

Its kind, from coarse to fine: the source (the base, the trained generation, the
phrases...); for a phrase, how it stands to the statistical suggestions (alone, the
same span, inside a longer one...: :func:`relation`); the label; whether the string
is capitalised (or holds a digit) or is all lower case ("the coup" as a Location);
and last the string itself (lower-cased, whatever the source: "Secretary" as a
Person). Each level's estimate is shrunk towards the coarser one's with the weight
of ``strength`` observations,

    ``estimate = (sum of scores + strength * coarser estimate) / (observations + strength)``

so a kind with little evidence is judged by its parent (a label the trained model
rarely uses, by how that model does overall) and its own record takes over as it
grows; the source level starts from ``prior`` (0: shown until the gold says
otherwise). Measured with ``goldspan replay`` (README, "The learning loop"): the
finer levels and the shrinkage hold back more of the spurious suggestions than the
(source, label) rule they replace, which needed ``right >= spurious`` of each label
alone and let a new label's first few spurious suggestions through.

Evidence is counted on what each source *would* have shown (before this gate), so a
kind held back can come back when the model improves. Reversible like the rest of
the loop (``sign=-1`` takes a document back out).
"""

from __future__ import annotations

from collections import Counter
from typing import Any, Iterable, Sequence

from .costs import outcome

STRENGTH = 4.0
# The levels of a suggestion's kind, coarse to fine (the string comes last).
LEVELS = (("source",), ("source", "relation"), ("source", "relation", "label"),
          ("source", "relation", "label", "cased"))


def cased(string: str) -> bool:
    """A word starts upper case or with a digit: a name or a number, as opposed to
    an all lower-case phrase ("the coup", "mourners")."""
    return any(w[:1].isupper() or w[:1].isdigit() for w in string.split())


def relation(s: Any, others: Sequence[Any]) -> str:
    """How a suggestion stands to ``others`` (another source's suggestions on the same
    text): ``alone`` (overlaps none), ``same`` (the same span and label),
    ``same-relabel`` (the same span, another label), ``inside`` (within a longer
    one), ``contains`` (spans one or more shorter ones) or ``cross``."""
    over = [o for o in others if o.start < s.end and s.start < o.end]
    if not over:
        return "alone"
    same = [o for o in over if (o.start, o.end) == (s.start, s.end)]
    if same:
        return "same" if any(o.label == s.label for o in same) else "same-relabel"
    if all(o.start <= s.start and s.end <= o.end for o in over):
        return "inside"
    if all(s.start <= o.start and o.end <= s.end for o in over):
        return "contains"
    return "cross"


def score(what: str) -> int:
    return 1 if what == "right" else -1 if what == "spurious" else 0


class Gate:
    """The mean score of each kind of suggestion, shrunk level by level (module
    docstring)."""

    def __init__(self, *, prior: float = 0.0, strength: float = STRENGTH,
                 enabled: bool = True, strings: bool = True,
                 levels: Sequence[Sequence[str]] = LEVELS) -> None:
        self.prior = prior
        self.strength = strength
        self.enabled = enabled
        self.strings = strings
        self.levels = tuple(tuple(level) for level in levels)
        self.total: Counter[tuple[Any, ...]] = Counter()
        self.count: Counter[tuple[Any, ...]] = Counter()

    def keys(self, source: str, s: Any, text: str | None,
             relation: str | None = None) -> list[tuple[Any, ...]]:
        string = text[s.start:s.end] if text is not None else ""
        kind = {"source": source, "relation": relation, "label": s.label,
                "cased": cased(string)}
        keys: list[tuple[Any, ...]] = [(i, *(kind[f] for f in level))
                                       for i, level in enumerate(self.levels)]
        if self.strings and text is not None:
            keys.append(("string", string.lower()))
        return keys

    def estimate(self, keys: Iterable[tuple[Any, ...]]) -> float:
        m = self.prior
        for key in keys:
            m = (self.total[key] + self.strength * m) / (self.count[key] + self.strength)
        return m

    def shows(self, source: str, s: Any, text: str | None = None,
              relation: str | None = None) -> bool:
        if not self.enabled:
            return True
        return self.estimate(self.keys(source, s, text, relation)) >= 0

    def observe(self, source: str, shown: Iterable[Any], gold: Sequence[Any],
                sign: int = 1, text: str | None = None,
                relations: Sequence[str | None] | None = None) -> None:
        """Count what the gold made of a source's suggestions on one document
        (``relations`` beside them for the phrases)."""
        by_bounds = {(g.start, g.end): g.label for g in gold}
        shown = list(shown)
        for i, s in enumerate(shown):
            value = score(outcome(s, by_bounds, gold))
            for key in self.keys(source, s, text, relations[i] if relations else None):
                self.total[key] += sign * value
                self.count[key] += sign

    def filter(self, source: str, suggestions: Iterable[Any], text: str | None = None,
               relations: Sequence[str | None] | None = None) -> list[Any]:
        suggestions = list(suggestions)
        return [s for i, s in enumerate(suggestions)
                if self.shows(source, s, text, relations[i] if relations else None)]

    def table(self) -> dict[str, dict[str, float | int]]:
        """Each (source, label)'s record (all relations and cases): for ``--json``."""
        out: dict[str, dict[str, float | int]] = {}
        level = len(self.levels) - 2 if len(self.levels) >= 2 else 0
        for key, n in sorted(self.count.items(), key=lambda kv: str(kv[0])):
            if key[0] == level and n:
                name = ":".join(str(k) for k in key[1:] if k is not None)
                out[name] = {"observed": n, "score": self.total[key]}
        return out
