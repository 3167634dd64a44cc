"""Span highlighting by a QSyntaxHighlighter that looks spans up per block.

Formats never enter the document (no undo-stack pollution, no relayout of the whole
text): ``highlightBlock`` finds the spans of one block by bisection, so an edit
re-highlights only the blocks it touches and scrolling costs nothing extra. The last
character of every span gets extra letter spacing: the gap is where the article view
paints the label's name.
"""

from __future__ import annotations

import bisect
from dataclasses import dataclass

from PySide6.QtGui import QColor, QFont, QFontMetrics, QSyntaxHighlighter, QTextCharFormat, QTextDocument

from .theme import tint


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
        self._spans: list[QtSpan] = []
        self._starts: list[int] = []
        self._ends: list[int] = []
        self._offered: list[QtSpan] = []
        self._colors: dict[str, str] = {}
        self._selected: tuple[int, int] | None = None
        self._formats: dict[tuple[str, bool], QTextCharFormat] = {}
        self._gap: dict[tuple[str, bool], QTextCharFormat] = {}
        self.dark = False
        self.chip_font = QFont()

    # ----------------------------------------------------------------- setup
    def configure(self, colors: dict[str, str], chip_font: QFont, dark: bool) -> None:
        self._colors = dict(colors)
        self.chip_font = QFont(chip_font)
        self.dark = dark
        self._formats.clear()
        self._gap.clear()

    def chip_width(self, label: str) -> int:
        return QFontMetrics(self.chip_font).horizontalAdvance(label) + 2 * CHIP_PAD + 4

    def set_spans(self, spans: list[QtSpan], offered: list[QtSpan]) -> None:
        """Replace all spans (a document was opened); re-highlights everything once."""
        self._spans = sorted(spans, key=lambda s: s.start)
        self._starts = [s.start for s in self._spans]
        self._ends = [s.end for s in self._spans]
        self._offered = sorted(offered, key=lambda s: s.start)
        self.rehighlight()

    def replace(self, removed: list[QtSpan], added: list[QtSpan]) -> None:
        """Apply one change and re-highlight only the blocks it touches."""
        gone = {(s.start, s.end, s.label) for s in removed}
        self._spans = sorted(
            [s for s in self._spans if (s.start, s.end, s.label) not in gone] + added,
            key=lambda s: s.start,
        )
        self._starts = [s.start for s in self._spans]
        self._ends = [s.end for s in self._spans]
        for s in removed + added:
            self.rehighlight_range(s.start, s.end)

    def set_offered(self, offered: list[QtSpan]) -> None:
        old = self._offered
        self._offered = sorted(offered, key=lambda s: s.start)
        for s in old + self._offered:
            self.rehighlight_range(s.start, s.end)

    def set_selected(self, selected: tuple[int, int] | None) -> None:
        old = self._selected
        self._selected = selected
        for r in (old, selected):
            if r is not None:
                self.rehighlight_range(*r)

    def rehighlight_range(self, start: int, end: int) -> None:
        doc = self.document()
        block = doc.findBlock(start)
        last = doc.findBlock(max(start, end - 1))
        while block.isValid():
            self.rehighlightBlock(block)
            if block == last:
                break
            block = block.next()

    # ------------------------------------------------------------- look-ups
    def spans_between(self, start: int, end: int) -> list[QtSpan]:
        i = bisect.bisect_right(self._ends, start)
        out = []
        while i < len(self._spans) and self._spans[i].start < end:
            out.append(self._spans[i])
            i += 1
        return out

    def offered_between(self, start: int, end: int) -> list[QtSpan]:
        return [s for s in self._offered if s.start < end and start < s.end]

    @property
    def span_count(self) -> int:
        return len(self._spans)

    # ------------------------------------------------------------- formats
    def _format(self, label: str, selected: bool) -> QTextCharFormat:
        key = (label, selected)
        fmt = self._formats.get(key)
        if fmt is None:
            fmt = QTextCharFormat()
            color = self._colors.get(label, "#8c8c8c")
            fmt.setBackground(tint(color, strong=selected, dark=self.dark))
            if selected:
                fmt.setUnderlineStyle(QTextCharFormat.UnderlineStyle.SingleUnderline)
                fmt.setUnderlineColor(QColor(color))
            self._formats[key] = fmt
        return fmt

    def _gap_format(self, label: str, selected: bool, offered: bool = False) -> QTextCharFormat:
        key = (label, selected, offered)
        fmt = self._gap.get(key)  # type: ignore[arg-type]
        if fmt is None:
            fmt = QTextCharFormat(self._offered_format(label) if offered else self._format(label, selected))
            fmt.setFontLetterSpacingType(QFont.SpacingType.AbsoluteSpacing)
            fmt.setFontLetterSpacing(self.chip_width(label + ("?" if offered else "")))
            self._gap[key] = fmt  # type: ignore[index]
        return fmt

    def _offered_format(self, label: str) -> QTextCharFormat:
        fmt = QTextCharFormat()
        fmt.setUnderlineStyle(QTextCharFormat.UnderlineStyle.DotLine)
        fmt.setUnderlineColor(QColor(self._colors.get(label, "#8c8c8c")))
        return fmt

    def highlightBlock(self, text: str) -> None:  # noqa: N802 - Qt API
        if not self._spans and not self._offered:
            return
        pos = self.currentBlock().position()
        end = pos + len(text)
        for s in self.spans_between(pos, end + 1):
            a = max(s.start, pos) - pos
            b = min(s.end, end) - pos
            if b <= a:
                continue
            selected = self._selected == (s.start, s.end)
            self.setFormat(a, b - a, self._format(s.label, selected))
            if s.end <= end:
                self.setFormat(b - 1, 1, self._gap_format(s.label, selected))
        if self._offered:
            covered = {(s.start, s.end) for s in self._spans}
            for s in self.offered_between(pos, end + 1):
                a = max(s.start, pos) - pos
                b = min(s.end, end) - pos
                if b <= a or (s.start, s.end) in covered:
                    continue
                if not self.spans_between(s.start, s.end):
                    self.setFormat(a, b - a, self._offered_format(s.label))
                    if s.end <= end:
                        self.setFormat(b - 1, 1, self._gap_format(s.label, False, True))
