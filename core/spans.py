"""The one sorted span list of an open document's version.

A :class:`SpanIndex` holds a version's spans in start order, with their starts and
ends in two parallel lists (spans of one version never overlap, so both are sorted and
a look-up is one C-speed ``bisect`` on a list of ints). The session applies each
:class:`~goldspan.core.edits.ChangeSet` to it once; the article view's highlighter and
the entity list read the same object, so the sorted-list update is written here and
nowhere else, and nothing copies the list per edit.

Readers that keep state of their own per row (the entity list's Qt model) subscribe
as a :class:`SpanObserver` and are told before and after every row that goes or comes
(napari's way: a plain-Python model emits events, a thin Qt adapter turns them into
precise row removals and insertions).
"""

from __future__ import annotations

import bisect
import itertools
from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from typing import TYPE_CHECKING, overload

from .types import Span

if TYPE_CHECKING:  # pragma: no cover
    from .edits import ChangeSet


class SpanObserver:
    """Told about every change of a :class:`SpanIndex`, around it. Every method does
    nothing here: a reader overrides what it needs."""

    def spans_removing(self, row: int) -> None:
        """``row`` is about to go."""

    def spans_removed(self, row: int) -> None:
        """``row`` went."""

    def spans_inserting(self, row: int) -> None:
        """A span is about to be inserted at ``row``."""

    def spans_inserted(self, row: int) -> None:
        """A span was inserted at ``row``."""

    def spans_changed(self, row: int) -> None:
        """The span at ``row`` was replaced by one with the same offsets (a relabel):
        no row went or came."""

    def spans_resetting(self) -> None:
        """Every span is about to be replaced."""

    def spans_reset(self) -> None:
        """Every span was replaced."""


class SpanIndex(Sequence[Span]):
    """A version's spans in start order (see the module docstring)."""

    def __init__(self, spans: Iterable[Span] = ()) -> None:
        self._spans: list[Span] = []
        self.starts: list[int] = []
        self.ends: list[int] = []
        self._observers: list[SpanObserver] = []
        # how many spans of each origin: counted when first asked (opening a document
        # never pays for it), then kept up to date by every change
        self._origins: Counter[str] | None = None
        self._fill(spans)

    # ------------------------------------------------------------- observers
    def observe(self, observer: SpanObserver) -> None:
        if observer not in self._observers:
            self._observers.append(observer)

    def unobserve(self, observer: SpanObserver) -> None:
        if observer in self._observers:
            self._observers.remove(observer)

    # ------------------------------------------------------------ changing
    def _fill(self, spans: Iterable[Span]) -> None:
        ordered = list(spans)
        if any(a.start > b.start for a, b in itertools.pairwise(ordered)):
            ordered.sort(key=_start)
        self._spans = ordered
        self.starts = [s.start for s in ordered]
        self.ends = [s.end for s in ordered]
        self._origins = None

    def reset(self, spans: Iterable[Span]) -> None:
        """Replace every span (a document opened or reloaded)."""
        for o in self._observers:
            o.spans_resetting()
        self._fill(spans)
        for o in self._observers:
            o.spans_reset()

    def apply(self, change: ChangeSet) -> None:
        """Apply one change: its removed spans go, then its added spans come, each by
        bisection and a list insert or delete (a memmove in C): microseconds at 25,000
        spans, where a re-sort took milliseconds."""
        self.update(change.removed, change.added)

    def update(self, removed: Iterable[Span], added: Iterable[Span]) -> None:
        """``removed`` go, then ``added`` come (see :meth:`apply`). A span that comes
        with the offsets of one that goes (a relabel) takes its row in place: observers
        hear one changed row, not a row that went and one that came (the entity list
        then repaints that row, not every row below it)."""
        removed, added = list(removed), list(added)
        leaving = {(s.start, s.end): i for i, s in enumerate(removed)}
        done_removed: set[int] = set()
        done_added: set[int] = set()
        for j, span in enumerate(added):
            i = leaving.pop((span.start, span.end), None)
            row = self.row_of(removed[i]) if i is not None else None
            if i is None or row is None:
                continue
            self._count(self._spans[row], -1)
            self._spans[row] = span
            self._count(span, 1)
            done_removed.add(i)
            done_added.add(j)
            for o in self._observers:
                o.spans_changed(row)
        for i, span in enumerate(removed):
            if i not in done_removed:
                self.remove(span)
        for j, span in enumerate(added):
            if j not in done_added:
                self.insert(span)

    def remove(self, span: Span) -> int | None:
        """Remove ``span`` (by offsets and label); its row, or None if it is not here."""
        row = self.row_of(span)
        if row is None:
            return None
        for o in self._observers:
            o.spans_removing(row)
        self._count(self._spans[row], -1)
        del self._spans[row], self.starts[row], self.ends[row]
        for o in self._observers:
            o.spans_removed(row)
        return row

    def insert(self, span: Span) -> int:
        """Insert ``span`` in start order; its row."""
        row = bisect.bisect_right(self.starts, span.start)
        for o in self._observers:
            o.spans_inserting(row)
        self._spans.insert(row, span)
        self._count(span, 1)
        self.starts.insert(row, span.start)
        self.ends.insert(row, span.end)
        for o in self._observers:
            o.spans_inserted(row)
        return row

    def _count(self, span: Span, n: int) -> None:
        if self._origins is not None:
            self._origins[span.origin] += n

    # ------------------------------------------------------------- reading
    def origin_count(self, origin: str) -> int:
        """How many spans came from ``origin`` ("import", "model", ...): the whole
        list is counted the first time after it was (re)filled, then kept up to date."""
        if self._origins is None:
            self._origins = Counter(s.origin for s in self._spans)
        return self._origins[origin]

    @property
    def items(self) -> list[Span]:
        """The spans in start order, the list itself: for a hot loop that indexes it
        (the highlighter's), never to be changed by a reader."""
        return self._spans

    def __len__(self) -> int:
        return len(self._spans)

    @overload
    def __getitem__(self, i: int) -> Span: ...

    @overload
    def __getitem__(self, i: slice) -> list[Span]: ...

    def __getitem__(self, i: int | slice) -> Span | list[Span]:
        return self._spans[i]

    def __iter__(self) -> Iterator[Span]:
        return iter(self._spans)

    def __eq__(self, other: object) -> bool:
        if isinstance(other, (SpanIndex, list, tuple)):
            return len(self) == len(other) and all(a == b for a, b in zip(self, other, strict=True))
        return NotImplemented

    __hash__ = None  # type: ignore[assignment]  # mutable: never a dict key

    def __repr__(self) -> str:
        return f"SpanIndex({self._spans!r})"

    def row_of(self, span: Span) -> int | None:
        """The row of ``span`` (same offsets and label), None if it is not here."""
        i = bisect.bisect_left(self.starts, span.start)
        while i < len(self._spans) and self.starts[i] == span.start:
            if self._spans[i].key() == span.key():
                return i
            i += 1
        return None

    def at(self, pos: int) -> Span | None:
        """The span holding the character at ``pos``."""
        i = bisect.bisect_right(self.starts, pos) - 1
        if i >= 0 and pos < self.ends[i]:
            return self._spans[i]
        return None

    def overlapping(self, start: int, end: int) -> list[Span]:
        """The spans that share a character with [start, end), in start order."""
        i = bisect.bisect_right(self.ends, start)
        out = []
        while i < len(self._spans) and self.starts[i] < end:
            out.append(self._spans[i])
            i += 1
        return out

    def first_from(self, pos: int) -> int:
        """The row of the first span starting at or after ``pos`` (``len`` if none)."""
        return bisect.bisect_left(self.starts, pos)


def _start(span: Span) -> int:
    return span.start


def as_index(spans: SpanIndex | Sequence[Span]) -> SpanIndex:
    """``spans`` itself when it is an index, else a new index of them."""
    return spans if isinstance(spans, SpanIndex) else SpanIndex(spans)
