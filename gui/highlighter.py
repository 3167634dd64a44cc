"""Span highlighting by a QSyntaxHighlighter that looks spans up per block.

Formats never enter the document (no undo-stack pollution, no relayout of the whole
text): ``highlightBlock`` finds the spans of one block by bisection, so an edit
re-highlights only the blocks it touches. The last character of every span gets extra
letter spacing: the gap is where the article view paints the label's name.

Blocks are highlighted the first time they are on screen, not all at once: the article
view asks for the blocks it is about to show (:meth:`SpanHighlighter.highlight_blocks`)
and every block is computed once, until the spans or the style change as a whole. A
1 MB article (15,600 blocks) opens with the 40 on screen highlighted instead of all of
them, and a block already highlighted is never computed again by scrolling.
"""

from __future__ import annotations

import bisect
from dataclasses import dataclass
from typing import Iterable

from PySide6.QtCore import QCoreApplication, QEvent
from PySide6.QtGui import (
    QColor, QFont, QFontMetrics, QSyntaxHighlighter, QTextBlock, QTextCharFormat, QTextDocument,
)

from ..core.spans import SpanIndex
from ..core.types import Span
from .theme import NO_SET_COLOR, NOT_IN_SET, OUT_OF_SET_COLOR, in_label_set, out_of_set_brush, tint


@dataclass(frozen=True)
class QtSpan:
    """A span in UTF-16 (Qt) positions, for painting only."""

    start: int
    end: int
    label: str
    offered: bool = False


CHIP_PAD = 6


class SpanHighlighter(QSyntaxHighlighter):
    def __init__(self, document: QTextDocument) -> None:
        super().__init__(document)
        # The spans shown: the session's own SpanIndex when code points are UTF-16
        # units (the common case: read, never copied or changed here), else an index
        # of the spans in UTF-16 positions that :meth:`replace` keeps up to date.
        self._index = SpanIndex()
        self._shared = False
        self._offered: list[QtSpan] = []
        self._offered_starts: list[int] = []
        self._offered_longest = 0
        self._colors: dict[str, str] = {}
        self._selected: tuple[int, int] | None = None
        self._formats: dict[tuple[str, bool], QTextCharFormat] = {}
        self._gap: dict[tuple[str, bool, bool], QTextCharFormat] = {}
        self._plain: dict[str, tuple[QTextCharFormat, QTextCharFormat]] = {}
        self.dark = False
        self.chip_font = QFont()
        self._chip_widths: dict[str, int] = {}
        self._done = bytearray()  # per block number: highlighted with the current spans
        self._remaining = 0

    # ----------------------------------------------------------------- setup
    def configure(self, colors: dict[str, str], chip_font: QFont, dark: bool) -> None:
        self._colors = dict(colors)
        self.chip_font = QFont(chip_font)
        self.dark = dark
        self._formats.clear()
        self._gap.clear()
        self._plain.clear()
        self._chip_widths.clear()
        self.forget_all()

    def chip_width(self, label: str) -> int:
        """The width of a chip showing ``label`` as it is (see :meth:`chip_text`)."""
        width = self._chip_widths.get(label)
        if width is None:  # (asked for every chip at every repaint)
            width = QFontMetrics(self.chip_font).horizontalAdvance(label) + 2 * CHIP_PAD + 4
            self._chip_widths[label] = width
        return width

    def in_set(self, label: str) -> bool:
        """Whether ``label`` is one of the project's labels (see theme.in_label_set)."""
        return in_label_set(label, self._colors)

    def chip_text(self, label: str, offered: bool = False) -> str:
        """What the chip after a span says: the label, ``?`` when only offered, and
        ``· not in set`` when the project has no such label."""
        text = label + ("?" if offered else "")
        return text if self.in_set(label) else f"{text} · {NOT_IN_SET}"

    def set_spans(self, spans: SpanIndex | list[Span], offered: list[QtSpan], *,
                  keep_selection: bool = True) -> None:
        """Replace all spans (a document was opened, or reloaded): every block is
        highlighted anew when it is next on screen (:meth:`highlight_blocks`). A
        :class:`SpanIndex` is shared (the session applies each change to it); a list
        (spans in UTF-16 positions) gets an index of its own."""
        if not keep_selection:
            self._selected = None
        self._shared = isinstance(spans, SpanIndex)
        self._index = spans if isinstance(spans, SpanIndex) else SpanIndex(spans)
        self._set_offered(offered)
        self.forget_all()

    def set_index(self, spans: SpanIndex | list[Span]) -> None:
        """Read another index of the same text (the offered suggestions and what was
        highlighted stay)."""
        self._shared = isinstance(spans, SpanIndex)
        self._index = spans if isinstance(spans, SpanIndex) else SpanIndex(spans)
        self.forget_all()

    # ------------------------------------------------------- lazy highlighting
    def forget_all(self) -> None:
        """Mark every block as not highlighted yet (new spans, colours or fonts)."""
        doc = self.document()
        n = doc.blockCount() if doc is not None else 0
        self._done = bytearray(n)
        self._remaining = n
        # QSyntaxHighlighter.setDocument queues a pass over every block (15,600 Python
        # calls for a 1 MB article) as an event to this object; drop it, the view asks
        # for the blocks it shows. Were it to run anyway, highlightBlock skips blocks
        # not asked for (tests/test_lazy_highlight.py).
        QCoreApplication.removePostedEvents(self, QEvent.Type.MetaCall)

    @property
    def complete(self) -> bool:
        """Every block has been highlighted with the current spans."""
        return self._remaining == 0

    def is_highlighted(self, block_number: int) -> bool:
        done = self._done
        return 0 <= block_number < len(done) and bool(done[block_number])

    def highlight_blocks(self, blocks: Iterable[QTextBlock]) -> int:
        """Highlight those of ``blocks`` (QTextBlocks) never highlighted with the current
        spans; returns how many were."""
        done = self._done
        count = 0
        for block in blocks:
            n = block.blockNumber()
            if 0 <= n < len(done) and not done[n]:
                done[n] = 1
                self._remaining -= 1
                self.rehighlightBlock(block)
                count += 1
        return count

    def replace(self, removed: list[Span], added: list[Span]) -> None:
        """Follow one change (in UTF-16 positions) and re-highlight only the blocks it
        touches. A shared index has it already (the session applied it)."""
        if not self._shared:
            self._index.update(removed, added)
        for s in removed + added:
            self.rehighlight_range(s.start, s.end)

    def set_offered(self, offered: list[QtSpan]) -> None:
        old = self._offered
        self._set_offered(offered)
        for s in old + self._offered:
            self.rehighlight_range(s.start, s.end)

    def _set_offered(self, offered: list[QtSpan]) -> None:
        self._offered = sorted(offered, key=lambda s: s.start)
        self._offered_starts = [s.start for s in self._offered]
        self._offered_longest = max((s.end - s.start for s in self._offered), default=0)

    def set_selected(self, selected: tuple[int, int] | None) -> None:
        old = self._selected
        self._selected = selected
        for r in (old, selected):
            if r is not None:
                self.rehighlight_range(*r)

    def rehighlight_range(self, start: int, end: int) -> None:
        """Re-highlight the blocks of [start, end) that were highlighted; the others
        get the change when they are first shown."""
        doc = self.document()
        block = doc.findBlock(start)
        last = doc.findBlock(max(start, end - 1))
        done = self._done
        while block.isValid():
            n = block.blockNumber()
            if n < len(done) and done[n]:
                self.rehighlightBlock(block)
            if block == last:
                break
            block = block.next()

    # ------------------------------------------------------------- look-ups
    def spans_between(self, start: int, end: int) -> list[Span]:
        return self._index.overlapping(start, end)

    def offered_between(self, start: int, end: int) -> list[QtSpan]:
        # Offered suggestions may overlap one another, so their ends are not sorted:
        # bisect on the starts, back by the longest one.
        lo = bisect.bisect_left(self._offered_starts, start - self._offered_longest)
        hi = bisect.bisect_left(self._offered_starts, end)
        return [s for s in self._offered[lo:hi] if start < s.end]

    @property
    def span_count(self) -> int:
        return len(self._index)

    # ------------------------------------------------------------- formats
    def _format(self, label: str, selected: bool) -> QTextCharFormat:
        key = (label, selected)
        fmt = self._formats.get(key)
        if fmt is None:
            fmt = QTextCharFormat()
            if not self.in_set(label):  # hatched, wavy red: no label colour looks like it
                fmt.setBackground(out_of_set_brush(strong=selected, dark=self.dark))
                fmt.setUnderlineStyle(QTextCharFormat.UnderlineStyle.WaveUnderline)
                fmt.setUnderlineColor(QColor(OUT_OF_SET_COLOR))
                self._formats[key] = fmt
                return fmt
            color = self._colors.get(label, NO_SET_COLOR)  # (no label set yet)
            fmt.setBackground(tint(color, strong=selected, dark=self.dark))
            if selected:
                fmt.setUnderlineStyle(QTextCharFormat.UnderlineStyle.SingleUnderline)
                fmt.setUnderlineColor(QColor(color))
            self._formats[key] = fmt
        return fmt

    def _gap_format(self, label: str, selected: bool, offered: bool = False) -> QTextCharFormat:
        key = (label, selected, offered)
        fmt = self._gap.get(key)
        if fmt is None:
            fmt = QTextCharFormat(self._offered_format(label) if offered else self._format(label, selected))
            fmt.setFontLetterSpacingType(QFont.SpacingType.AbsoluteSpacing)
            fmt.setFontLetterSpacing(self.chip_width(self.chip_text(label, offered)))
            self._gap[key] = fmt
        return fmt

    def _offered_format(self, label: str) -> QTextCharFormat:
        fmt = QTextCharFormat()
        fmt.setUnderlineStyle(QTextCharFormat.UnderlineStyle.DotLine)
        fmt.setUnderlineColor(QColor(self._colors.get(label, OUT_OF_SET_COLOR)))
        return fmt

    def highlightBlock(self, text: str) -> None:
        # Called for every block when a document opens (15,000 blocks for a 1 MB
        # article): the span loop is inlined and formats come from a per-label cache.
        index = self._index
        spans = index.items
        if not spans and not self._offered:
            return
        block = self.currentBlock()
        n = block.blockNumber()
        if n >= len(self._done) or not self._done[n]:
            return  # not asked for (yet): see highlight_blocks
        pos = block.position()
        # The block's length in UTF-16 units (less its separator): ``len(text)`` counts
        # code points, short by one per emoji or flag, which left spans at the end of
        # such a line unhighlighted (tests/test_hostile_text_gui.py).
        end = pos + block.length() - 1
        starts = index.starts
        n = len(spans)
        i = bisect.bisect_right(index.ends, pos)
        selected = self._selected
        plain = self._plain
        while i < n and starts[i] <= end:
            s = spans[i]
            i += 1
            a = (s.start if s.start > pos else pos) - pos
            b = (s.end if s.end < end else end) - pos
            if b <= a:
                continue
            if selected is not None and selected == (s.start, s.end):
                fmt, gap = self._format(s.label, True), self._gap_format(s.label, True)
            else:
                pair = plain.get(s.label)
                if pair is None:
                    pair = plain[s.label] = (self._format(s.label, False),
                                             self._gap_format(s.label, False))
                fmt, gap = pair
            if s.end <= end:
                if b - a > 1:
                    self.setFormat(a, b - a - 1, fmt)
                self.setFormat(b - 1, 1, gap)
            else:
                self.setFormat(a, b - a, fmt)
        if self._offered:
            # (an offered suggestion with a span on the same range is covered by the
            # overlap test below: no per-block set of all spans)
            for o in self.offered_between(pos, end + 1):
                a = max(o.start, pos) - pos
                b = min(o.end, end) - pos
                if b <= a:
                    continue
                if not self.spans_between(o.start, o.end):
                    self.setFormat(a, b - a, self._offered_format(o.label))
                    if o.end <= end:
                        self.setFormat(b - 1, 1, self._gap_format(o.label, False, True))
