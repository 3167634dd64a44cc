"""Which suggestions are worth showing: per source and label, right against spurious.

Under the oracle's cost model (:mod:`.costs`) a shown entity saves two actions when
it is exactly right and costs two when it overlaps no gold entity; anything else
costs what showing nothing would. So a (source, label) pair is shown while, in the
accepted gold so far, its suggestions were exactly right at least as often as they
were spurious (``right + prior >= spurious``; with no evidence, shown). Evidence is
counted on what the source *would* have shown (before this gate), so a label held
back can come back when the model improves. Reversible like the rest of the loop.
"""

from __future__ import annotations

from collections import Counter
from typing import Any, Iterable, Sequence

from .costs import outcome


class Gate:
    """Right against spurious per (source, label), and per string (lower-cased,
    whatever the source): a string the analysts deleted more often than they kept
    ("Secretary" as a Person) is not suggested again, until the gold says otherwise."""

    def __init__(self, *, prior: float = 0.0, enabled: bool = True,
                 strings: bool = True) -> None:
        self.prior = prior
        self.enabled = enabled
        self.strings = strings
        self.right: Counter[tuple[str, str]] = Counter()
        self.spurious: Counter[tuple[str, str]] = Counter()
        self.string_right: Counter[str] = Counter()
        self.string_spurious: Counter[str] = Counter()

    def observe(self, source: str, shown: Iterable[Any], gold: Sequence[Any],
                sign: int = 1, text: str | None = None) -> None:
        by_bounds = {(g.start, g.end): g.label for g in gold}
        for s in shown:
            what = outcome(s, by_bounds, gold)
            string = text[s.start:s.end].lower() if text is not None else None
            if what == "right":
                self.right[(source, s.label)] += sign
                if string is not None:
                    self.string_right[string] += sign
            elif what == "spurious":
                self.spurious[(source, s.label)] += sign
                if string is not None:
                    self.string_spurious[string] += sign

    def shows(self, source: str, label: str, string: str | None = None) -> bool:
        if not self.enabled:
            return True
        key = (source, label)
        if self.right[key] + self.prior < self.spurious[key]:
            return False
        if self.strings and string is not None:
            return self.string_right[string] >= self.string_spurious[string]
        return True

    def filter(self, source: str, suggestions: Iterable[Any],
               text: str | None = None) -> list[Any]:
        return [s for s in suggestions
                if self.shows(source, s.label,
                              text[s.start:s.end].lower() if text is not None else None)]

    def table(self) -> dict[str, dict[str, int | bool]]:
        keys = sorted(set(self.right) | set(self.spurious))
        return {f"{src}:{lab}": {"right": self.right[(src, lab)],
                                 "spurious": self.spurious[(src, lab)],
                                 "shown": self.shows(src, lab)} for src, lab in keys}
