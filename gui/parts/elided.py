"""A one-line label whose text is elided to its width and whose size never depends on
its text: what shows state next to the article must never move the article."""

from __future__ import annotations

from PySide6.QtCore import QSize, Qt
from PySide6.QtGui import QPainter, QPaintEvent
from PySide6.QtWidgets import QLabel, QSizePolicy, QStyle, QStyleOption, QWidget

from ..widgets import plain_tip


class ElidedLabel(QLabel):
    """Plain text on one line, cut with "…" where it does not fit (the whole text is
    its tooltip then). ``text()`` is the whole text. Its height is one line, fixed;
    its width is whatever the layout gives it (the size hints do not follow the text:
    a long hint used to widen the centre pane, the splitter re-balanced and the
    article re-wrapped under the analyst's mouse)."""

    def __init__(self, text: str = "", parent: QWidget | None = None) -> None:
        super().__init__(text, parent)
        self.setTextFormat(Qt.TextFormat.PlainText)
        self.setWordWrap(False)
        self.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Fixed)
        self._own_tip = ""

    def setToolTip(self, tip: str) -> None:
        self._own_tip = tip
        super().setToolTip(plain_tip(tip))

    def _line_height(self) -> int:
        m = self.contentsMargins()
        return self.fontMetrics().height() + m.top() + m.bottom() + 2 * self.margin() + 4

    def sizeHint(self) -> QSize:
        return QSize(120, self._line_height())

    def minimumSizeHint(self) -> QSize:
        return QSize(20, self._line_height())

    def paintEvent(self, e: QPaintEvent) -> None:
        painter = QPainter(self)
        opt = QStyleOption()
        opt.initFrom(self)
        self.style().drawPrimitive(QStyle.PrimitiveElement.PE_Widget, opt, painter, self)
        rect = self.contentsRect().adjusted(self.margin(), 0, -self.margin(), 0)
        full = " ".join(self.text().split("\n"))
        shown = self.fontMetrics().elidedText(full, Qt.TextElideMode.ElideRight, rect.width())
        if shown != full and not self._own_tip:
            super().setToolTip(plain_tip(full))
        elif shown == full and not self._own_tip:
            super().setToolTip("")
        painter.setPen(self.palette().color(self.foregroundRole()))
        painter.drawText(rect, int(self.alignment() | Qt.AlignmentFlag.AlignVCenter), shown)
