"""Plain data classes shared by the store, the formats, agreement and the GUI.

Offsets are Python string (code point) offsets into the document text, end exclusive,
exactly as spaCy's ``Span.start_char`` / ``Span.end_char``. Qt's UTF-16 offsets never
appear in ``goldspan.core``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from itertools import pairwise
from typing import Any, Iterable, NamedTuple, Sequence

ORIGINS = ("model", "manual", "import", "review")
GOLD = "gold"  # reserved annotator name: only adjudication writes it


class Span(NamedTuple):
    """One entity: ``text[start:end]`` carries ``label``.

    ``origin`` says where the span came from and is not part of its identity: two spans
    with the same offsets and label are equal (and hash and sort alike) whatever their
    origins. A named tuple because a version is read as tens of thousands of them at
    once (a row becomes a Span at C speed); immutable like the frozen dataclass it was.
    """

    start: int
    end: int
    label: str
    origin: str = "manual"

    def key(self) -> tuple[int, int, str]:
        return (self[0], self[1], self[2])

    def overlaps(self, start: int, end: int) -> bool:
        return self.start < end and start < self.end

    def __eq__(self, other: object) -> bool:
        if isinstance(other, Span):
            return self[:3] == other[:3]
        return NotImplemented

    def __ne__(self, other: object) -> bool:
        if isinstance(other, Span):
            return self[:3] != other[:3]
        return NotImplemented

    def __hash__(self) -> int:
        return hash(self[:3])

    def __lt__(self, other: object) -> bool:
        if isinstance(other, Span):
            return self[:3] < other[:3]
        return NotImplemented

    def __le__(self, other: object) -> bool:
        if isinstance(other, Span):
            return self[:3] <= other[:3]
        return NotImplemented

    def __gt__(self, other: object) -> bool:
        if isinstance(other, Span):
            return self[:3] > other[:3]
        return NotImplemented

    def __ge__(self, other: object) -> bool:
        if isinstance(other, Span):
            return self[:3] >= other[:3]
        return NotImplemented


@dataclass(frozen=True)
class Label:
    """A label of the project's set; ``color`` is ``#rrggbb``."""

    name: str
    color: str
    hotkey: str | None = None
    description: str | None = None


@dataclass(frozen=True)
class Suggestion:
    start: int
    end: int
    label: str
    score: float | None = None


@dataclass
class Record:
    """What a format reader yields and a writer consumes: one document and, optionally,
    one annotator's version of it.

    ``annotator``/``status`` are ``None`` for a plain task (text only, or text with
    pre-annotations that become ``suggestions`` under ``model``).
    ``line`` is the 1-based line (or record number) in the source, for error messages.
    ``tokens`` / ``sentences`` keep a source tokenisation where the format has one
    (CoNLL): lists of ``(start, end)`` code point offsets.
    """

    text: str
    spans: list[Span] = field(default_factory=list)
    annotator: str | None = None
    status: str | None = None
    title: str | None = None
    source: str | None = None
    meta: dict[str, Any] = field(default_factory=dict)
    suggestions: list[Suggestion] = field(default_factory=list)
    model: str | None = None
    tokens: list[tuple[int, int]] | None = None
    sentences: list[tuple[int, int]] | None = None
    line: int | None = None


def sorted_spans(spans: Iterable[Span]) -> list[Span]:
    return sorted(spans, key=lambda s: (s.start, s.end, s.label))


def find_overlap(spans: Sequence[Span]) -> tuple[Span, Span] | None:
    """Return the first pair of overlapping spans (in start order), or None."""
    ordered = sorted_spans(spans)
    for a, b in pairwise(ordered):
        if b.start < a.end:
            return a, b
    return None
