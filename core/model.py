"""Plain data classes shared by the store, the formats, agreement and the GUI.

Offsets are Python string (code point) offsets into the document text, end exclusive,
exactly as spaCy's ``Span.start_char`` / ``Span.end_char``. Qt's UTF-16 offsets never
appear in ``goldspan.core``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Iterable, Sequence

STATUSES = ("todo", "in_progress", "done", "skipped", "rejected")
ORIGINS = ("model", "manual", "import", "review")
GOLD = "gold"  # reserved annotator name: only adjudication writes it


@dataclass(frozen=True, order=True, slots=True)
class Span:
    """One entity: ``text[start:end]`` carries ``label``."""

    start: int
    end: int
    label: str
    origin: str = field(default="manual", compare=False)

    def key(self) -> tuple[int, int, str]:
        return (self.start, self.end, self.label)

    def overlaps(self, start: int, end: int) -> bool:
        return self.start < end and start < self.end


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
    for a, b in zip(ordered, ordered[1:]):
        if b.start < a.end:
            return a, b
    return None
