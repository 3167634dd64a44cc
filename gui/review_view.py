"""The review's article views: an :class:`ArticleView` (same text, highlighter and label
chips as the annotation window) that also paints, under each span, a bar in the colour
of its class: all agree, disagree, only some, in gold. The legend explains the colours.

Bars are painted over the viewport after the text, from the text layout's lines, so a
span that wraps gets a bar on each of its lines; nothing enters the document.
"""

from __future__ import annotations

from typing import Sequence, cast

from PySide6.QtCore import QPoint, QRectF, Qt
from PySide6.QtGui import QColor, QPaintEvent, QPainter, QPen
from PySide6.QtWidgets import QHBoxLayout, QLabel, QWidget

from ..core.adjudication import ACCEPTED, AGREE, DISAGREE, KIND_HELP, KIND_TEXT, SOME
from ..core.types import Span
from .article_view import ArticleView

# Blue, red, orange, green, as WebAnno/INCEpTION's curation colours them; chosen to stay
# apart from the tint behind the text (a bar is a solid line under it).
KIND_COLOR = {
    AGREE: "#2f6fdf",
    DISAGREE: "#d7263d",
    SOME: "#f08c00",
    ACCEPTED: "#2b9348",
}
LEGEND_ORDER = (DISAGREE, SOME, AGREE, ACCEPTED)
BAR = 4.0


class ReviewArticleView(ArticleView):
    """One version of the document (an annotator's, or the gold) in the review."""

    def __init__(self, version: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.version = version
        self.setObjectName("reviewView")
        self._marks: list[tuple[int, int, str]] = []  # Qt positions, class
        self._focus: tuple[int, int] | None = None

    def set_marks(self, marks: Sequence[tuple[Span, str]]) -> None:
        """The class bar of each span (code points in, Qt positions kept)."""
        self._marks = sorted((self.map.to_qt(s.start), self.map.to_qt(s.end), k) for s, k in marks)
        self.viewport().update()

    def marks(self) -> list[tuple[int, int, str]]:
        return list(self._marks)

    def set_focus_span(self, span: Span | None) -> None:
        """Outline one span (the difference selected by Tab) and show it."""
        self._focus = None if span is None else (self.map.to_qt(span.start), self.map.to_qt(span.end))
        scroll = self.verticalScrollBar().value()
        self.set_selected_span(span)
        self.verticalScrollBar().setValue(scroll)  # the window decides where to scroll

    # ---------------------------------------------------------------- scrolling
    def top_position(self) -> int:
        """Qt position of the first character shown at the top."""
        return self.cursorForPosition(QPoint(0, 0)).position()

    def line_of(self, qt_pos: int) -> int:
        """The visual line (what the vertical scroll bar counts) holding a position."""
        block = self.document().findBlock(qt_pos)
        if not block.isValid():
            return 0
        line = block.layout().lineForTextPosition(qt_pos - block.position())
        return block.firstLineNumber() + (line.lineNumber() if line.isValid() else 0)

    def scroll_to(self, qt_pos: int, *, center: bool = False) -> None:
        """Put the line holding ``qt_pos`` at the top (or in the middle) of the view."""
        line = self.line_of(qt_pos)
        if center:
            height = self.fontMetrics().lineSpacing() or 1
            line -= max(0, self.viewport().height() // height // 2 - 1)
        self.verticalScrollBar().setValue(max(0, line))

    def show_span(self, span: Span) -> None:
        """Scroll so that ``span`` is in the middle of the view."""
        self.scroll_to(self.map.to_qt(span.start), center=True)

    # ----------------------------------------------------------------- painting
    def span_rects(self, start: int, end: int) -> list[QRectF]:
        """Viewport rectangles of Qt positions [start, end), one per visual line."""
        rects: list[QRectF] = []
        doc = self.document()
        block = doc.findBlock(start)
        offset = self.contentOffset()
        while block.isValid() and block.position() < end:
            layout = block.layout()
            geo = self.blockBoundingGeometry(block).translated(offset)
            bpos = block.position()
            for i in range(layout.lineCount()):
                line = layout.lineAt(i)
                ls = bpos + line.textStart()
                le = ls + line.textLength()
                a, b = max(start, ls), min(end, le)
                if a >= b:
                    continue
                # PySide6 returns (x, position); its stub says object
                x0 = cast("tuple[float, int]", line.cursorToX(a - bpos))[0]
                x1 = cast("tuple[float, int]", line.cursorToX(b - bpos))[0]
                rects.append(QRectF(geo.left() + x0, geo.top() + line.y(), x1 - x0, line.height()))
            block = block.next()
        return rects

    def paintEvent(self, e: QPaintEvent) -> None:
        super().paintEvent(e)
        if not self._marks and self._focus is None:
            return
        vp = self.viewport()
        first = self.cursorForPosition(QPoint(0, 0)).position()
        last = self.cursorForPosition(QPoint(vp.width(), vp.height())).position() + 1
        painter = QPainter(vp)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.setPen(Qt.PenStyle.NoPen)
        for a, b, kind in self._marks:
            if b < first or a > last:
                continue
            painter.setBrush(QColor(KIND_COLOR[kind]))
            for r in self.span_rects(a, b):
                painter.drawRoundedRect(QRectF(r.left(), r.bottom() - BAR, r.width(), BAR), 1.5, 1.5)
        if self._focus is not None:
            focus_kind = next((k for a, b, k in self._marks if (a, b) == self._focus), None)
            pen = QPen(QColor(KIND_COLOR.get(focus_kind or "", "#444444")), 2.0)
            painter.setPen(pen)
            painter.setBrush(Qt.BrushStyle.NoBrush)
            for r in self.span_rects(*self._focus):
                painter.drawRoundedRect(r.adjusted(-2, 0, 2, 0), 4, 4)
        painter.end()


class Legend(QWidget):
    """What the bar colours mean, with this document's count of each."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("reviewLegend")
        row = QHBoxLayout(self)
        row.setContentsMargins(2, 0, 2, 0)
        row.setSpacing(14)
        self.items: dict[str, QLabel] = {}
        for kind in LEGEND_ORDER:
            swatch = QLabel()
            swatch.setFixedSize(22, 6)
            swatch.setStyleSheet(f"background: {KIND_COLOR[kind]}; border-radius: 2px;")
            text = QLabel(KIND_TEXT[kind])
            text.setTextFormat(Qt.TextFormat.PlainText)
            box = QWidget()
            box.setToolTip(KIND_HELP[kind])
            h = QHBoxLayout(box)
            h.setContentsMargins(0, 0, 0, 0)
            h.setSpacing(5)
            h.addWidget(swatch, 0, Qt.AlignmentFlag.AlignVCenter)
            h.addWidget(text)
            row.addWidget(box)
            self.items[kind] = text
        row.addStretch(1)

    def set_counts(self, counts: dict[str, int]) -> None:
        for kind, label in self.items.items():
            label.setText(f"{KIND_TEXT[kind]}  {counts.get(kind, 0)}")
