"""One article, one reading of a string: what an analyst tells goldspan about a string
once is carried to the rest of the article.

A news article names the same thing the same way throughout ("one sense per
discourse"), and the model often gets it wrong the same way each time: "BEL20" as ORG
four times. So in the annotation window:

- **Delete** an entity and the untouched suggestions *after it* in the article with
  the same text and label go with it;
- **Relabel** one and the untouched suggestions after it with the same text and the
  same old label take the new label;
- **Add** one (select, label key) and every later whole-word occurrence of its text
  that overlaps no entity is suggested with the same label.

"Untouched" is a span of origin ``model`` that nobody has changed: what the model or
the learning loop suggested, and what an earlier carry suggested. Only what comes
after the edited span in the article is touched: what is above it the analyst has
read, and it stays as they left it. Each edit with what it carried is one undo step.

Before anything is shown, :func:`one_label_per_string` makes the suggestions of one
article agree with themselves: a string suggested with two labels takes the one it
has most often there (the first on a tie).

The same functions drive ``goldspan replay``'s oracle (:func:`goldspan.core.learning.
costs.oracle_cost`), so what it counts is what the window does. Measured there with
the default loop (README): re3d 1,937 → 1,841 actions, wikigold 3,885 → 3,223, GUM
news (tuned on nothing) 4,025 → 3,805.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import replace
from typing import Any, Callable, Iterable, Sequence

from .types import Span, Suggestion

UNTOUCHED = "model"


def _text(text: str, s: Any) -> str:
    return text[s.start:s.end]


def _relabelled(s: Any, label: str) -> Any:
    if isinstance(s, Suggestion):
        return replace(s, label=label)
    return s._replace(label=label)


def occurrences(text: str, needle: str, start: int) -> list[tuple[int, int]]:
    """Where ``needle`` occurs as whole words at or after ``start`` (not inside a
    longer word: "SDF" is not found in "SDFs" nor "ISDF")."""
    out: list[tuple[int, int]] = []
    if not needle:
        return out
    i = text.find(needle, start)
    while i >= 0:
        j = i + len(needle)
        if (i == 0 or not text[i - 1].isalnum()) and (j == len(text) or not text[j].isalnum()):
            out.append((i, j))
        i = text.find(needle, i + 1)
    return out


def _later_untouched(text: str, later: Iterable[Span], span: Span, label: str) -> list[Span]:
    t = _text(text, span)
    n = len(t)
    return [s for s in later if s.start >= span.end and s.origin == UNTOUCHED
            and s.label == label and s.end - s.start == n and _text(text, s) == t]


def carried_deletes(text: str, later: Iterable[Span], span: Span) -> list[Span]:
    """The untouched spans after ``span`` that go with it when it is deleted
    (``later``: the spans after it, or all of them)."""
    return _later_untouched(text, later, span, span.label)


def carried_relabels(text: str, later: Iterable[Span], span: Span, label: str
                     ) -> list[tuple[Span, Span]]:
    """(old, new) for the untouched spans after ``span`` that take ``label`` with it
    (they stay untouched: a later correction carries to them too)."""
    if label == span.label:
        return []
    return [(s, s._replace(label=label)) for s in _later_untouched(text, later, span, span.label)]


def carried_adds(text: str, span: Span, free: Callable[[int, int], bool]) -> list[Span]:
    """The untouched suggestions an added ``span`` makes at the later whole-word
    occurrences of its text where ``free(start, end)`` (no entity overlaps there once
    ``span`` is added)."""
    out: list[Span] = []
    for start, end in occurrences(text, _text(text, span), span.end):
        if (not out or out[-1].end <= start) and free(start, end):
            out.append(Span(start, end, span.label, UNTOUCHED))
    return out


def one_label_per_string(text: str, shown: Sequence[Any]) -> list[Any]:
    """The suggestions of one article with one label per string: the label the string
    has most often among them, the first one's on a tie. ``shown``: spans or
    suggestions."""
    labels: dict[str, Counter[str]] = {}
    first: dict[str, str] = {}
    for s in shown:
        t = _text(text, s)
        labels.setdefault(t, Counter())[s.label] += 1
        first.setdefault(t, s.label)
    out: list[Any] = []
    for s in shown:
        t = _text(text, s)
        counts = labels[t]
        if len(counts) == 1:
            out.append(s)
            continue
        top = max(counts.values())
        best = first[t] if counts[first[t]] == top else next(
            lab for lab, n in counts.items() if n == top)
        out.append(s if s.label == best else _relabelled(s, best))
    return out
