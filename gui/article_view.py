"""The article: read-only plain text (never rich text or HTML), spans highlighted by
:class:`SpanHighlighter`, each label's name painted in a chip right after its span.

The view speaks Qt (UTF-16) positions; it emits code points through its
:class:`Utf16Map`, so the rest of the GUI never sees a UTF-16 offset.
"""

from __future__ import annotations

from typing import Callable, Sequence, cast

from PySide6.QtCore import QEvent, QPoint, QPointF, QRectF, QTimer, Qt, Signal
from PySide6.QtGui import (
    QColor, QContextMenuEvent, QFocusEvent, QFont, QHelpEvent, QKeyEvent, QKeySequence, QMouseEvent, QPainter,
    QPaintEvent, QPalette, QPen, QPixmap, QResizeEvent, QTextCursor, QTextLayout, QTextOption,
)
from PySide6.QtWidgets import QPlainTextEdit, QToolTip, QWidget

from ..core.edits import Edit
from ..core.sessions.common import MenuEntry
from ..core.spans import SpanIndex, as_index
from ..core.types import Span, Suggestion
from .parts.entity_menu import show_entity_menu
from .highlighter import CHIP_PAD, QtSpan, SpanHighlighter
from .offsets import Utf16Map, displayable
from .theme import NO_SET_COLOR, OUT_OF_SET_COLOR, chip_text_color, is_dark
from .widgets import plain_tip

MAX_TEXT_WIDTH = 860  # characters per line stay readable on wide screens


class ArticleView(QPlainTextEdit):
    selectionMade = Signal(int, int, bool)  # code points start, end; precise (Alt held)
    clicked = Signal(int)  # code point under the click, no drag
    focusReturned = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("articleView")
        self.setReadOnly(True)
        self.setUndoRedoEnabled(False)
        self.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.setWordWrapMode(QTextOption.WrapMode.WrapAtWordBoundaryOrAnywhere)
        self.setMouseTracking(True)
        self.document().setDocumentMargin(18)
        font = QFont(self.font())
        font.setPointSizeF(max(font.pointSizeF(), 10.0) * 1.25)
        self.setFont(font)
        self.highlighter = SpanHighlighter(self.document())
        self.map = Utf16Map("")
        self._colors: dict[str, str] = {}
        self._spans = SpanIndex()
        # set by the window: the tooltip text at a code point, the entity menu's
        # entries at a code point, and what choosing one of them does
        self.tooltip_for: Callable[[int], str | None] | None = None
        self.menu_for: Callable[[int], list[MenuEntry]] | None = None
        self.menu_chosen: Callable[[Edit], None] = lambda _edit: None
        self._shortcut_keys: set[int] = set()
        self._chips: dict[tuple[object, ...], QPixmap] = {}
        self._apply_fonts()
        # Blocks are highlighted when they come on screen: by scrolling (connected after
        # the scroll area's own slot, so the view has moved when this runs) or resizing.
        self.verticalScrollBar().valueChanged.connect(self.highlight_visible)

    # ------------------------------------------------------------------ content
    def set_colors(self, colors: dict[str, str]) -> None:
        self._colors = dict(colors)
        self._apply_fonts()

    def _apply_fonts(self) -> None:
        chip = QFont(self.font())
        chip.setPointSizeF(self.font().pointSizeF() * 0.62)
        chip.setBold(True)
        self._chip_font = chip
        self.highlighter.configure(self._colors, chip, is_dark())
        self._chips = {}
        self.highlight_visible()

    def highlight_visible(self) -> int:
        """Highlight the blocks on screen that are not yet (each block once until the
        spans or the style change as a whole); returns how many were."""
        hl = self.highlighter
        if hl.complete:
            return 0
        height = self.viewport().height()
        total = 0
        for _ in range(3):  # a highlighted block may wrap differently: until nothing new
            block = self.firstVisibleBlock()
            if not block.isValid():
                break
            top = self.blockBoundingGeometry(block).translated(self.contentOffset()).top()
            shown = []
            while block.isValid() and top <= height:
                shown.append(block)
                top += self.blockBoundingRect(block).height()
                block = block.next()
            done = hl.highlight_blocks(shown)
            total += done
            if not done:
                break
        return total

    def show_document(self, text: str, spans: SpanIndex | Sequence[Span],
                      offered: list[Suggestion]) -> None:
        """Show a new text (plain, literally) with its spans; scrolls to the top."""
        self.map = Utf16Map(text)
        self.highlighter.blockSignals(True)
        self.highlighter.setDocument(None)
        self.setPlainText(displayable(text))  # Qt's frame markers shown, not obeyed
        self.highlighter.setDocument(self.document())
        self.highlighter.blockSignals(False)
        self._spans = as_index(spans)
        self.highlighter.set_spans(self._qt_all(self._spans), [self._qt(s, True) for s in offered],
                                   keep_selection=False)  # a new text: nothing is selected
        self.moveCursor(QTextCursor.MoveOperation.Start)
        self.highlight_visible()
        self.viewport().update()

    def refresh_spans(self, removed: Sequence[Span], added: Sequence[Span],
                      spans: SpanIndex | Sequence[Span]) -> None:
        """Follow one change of the spans shown. ``spans`` is the session's index,
        which has the change already; given a list instead (the spans after the change),
        the view's own index follows the change."""
        if not isinstance(spans, SpanIndex):
            self._spans.update(removed, added)
        elif spans is not self._spans:  # another document's index: shown anew
            self._spans = spans
            self.highlighter.set_index(self._qt_all(spans))
        # rehighlightBlock repaints just the blocks it touched (with their chips)
        self.highlighter.replace([self._qt_span(s) for s in removed],
                                 [self._qt_span(s) for s in added])

    def reset_spans(self, spans: SpanIndex | Sequence[Span], offered: list[Suggestion]) -> None:
        self._spans = as_index(spans)
        self.highlighter.set_spans(self._qt_all(self._spans), [self._qt(s, True) for s in offered])
        self.highlight_visible()
        self.viewport().update()

    def set_offered(self, offered: list[Suggestion]) -> None:
        self.highlighter.set_offered([self._qt(s, True) for s in offered])

    def set_selected_span(self, span: Span | None) -> None:
        self.highlighter.set_selected(
            None if span is None else (self.map.to_qt(span.start), self.map.to_qt(span.end))
        )
        if span is not None:
            cur = self.textCursor()
            cur.setPosition(self.map.to_qt(span.start))
            self.setTextCursor(cur)
            self.ensureCursorVisible()

    def _qt_all(self, spans: SpanIndex) -> SpanIndex | list[Span]:
        """Spans for the highlighter: the session's index itself when code points and
        UTF-16 units coincide (no astral characters), else the spans in UTF-16
        positions."""
        if not self.map.astral:
            return spans
        return [self._qt_span(s) for s in spans]

    def _qt_span(self, s: Span) -> Span:
        if not self.map.astral:
            return s
        return s._replace(start=self.map.to_qt(s.start), end=self.map.to_qt(s.end))

    def _qt(self, s: Span | Suggestion, offered: bool = False) -> QtSpan:
        if not self.map.astral:  # the common case: code points are UTF-16 units
            return QtSpan(s.start, s.end, s.label, offered)
        return QtSpan(self.map.to_qt(s.start), self.map.to_qt(s.end), s.label, offered)

    def raw_text(self) -> str:
        """The text as shown, character for character (``toPlainText`` would turn
        non-breaking spaces into spaces)."""
        return self.document().toRawText().replace("\u2029", "\n")

    # -------------------------------------------------------------- selection
    def selection(self) -> tuple[int, int] | None:
        cur = self.textCursor()
        if not cur.hasSelection():
            return None
        return self.map.from_qt(cur.selectionStart()), self.map.from_qt(cur.selectionEnd())

    def selection_start(self) -> int:
        """Where the text cursor is (the start of the selection), in code points."""
        return self.map.from_qt(self.textCursor().selectionStart())

    def clear_selection(self) -> None:
        cur = self.textCursor()
        cur.clearSelection()
        self.setTextCursor(cur)

    def select_range(self, start: int, end: int) -> None:
        """Select code points [start, end) as a mouse drag would (tests, keyboard)."""
        cur = self.textCursor()
        cur.setPosition(self.map.to_qt(start))
        cur.setPosition(self.map.to_qt(end), QTextCursor.MoveMode.KeepAnchor)
        self.setTextCursor(cur)

    def position_at(self, point: QPoint) -> int:
        return self.map.from_qt(self.cursorForPosition(point).position())

    def point_of(self, cp: int) -> QPoint:
        """Viewport point in the middle of the character at code point ``cp``."""
        cur = QTextCursor(self.document())
        cur.setPosition(self.map.to_qt(cp))
        r = self.cursorRect(cur)
        return QPoint(r.left() + 3, r.center().y())

    def mouseReleaseEvent(self, e: QMouseEvent) -> None:
        super().mouseReleaseEvent(e)
        if e.button() != Qt.MouseButton.LeftButton:
            return
        sel = self.selection()
        precise = bool(e.modifiers() & Qt.KeyboardModifier.AltModifier)
        if sel is not None and sel[0] < sel[1]:
            self.selectionMade.emit(sel[0], sel[1], precise)
        else:
            self.clicked.emit(self.position_at(e.position().toPoint()))

    def mouseDoubleClickEvent(self, e: QMouseEvent) -> None:
        super().mouseDoubleClickEvent(e)
        sel = self.selection()
        if sel is not None:
            self.selectionMade.emit(sel[0], sel[1], False)

    # --------------------------------------------------------------- keyboard
    def set_shortcut_keys(self, sequences: list[QKeySequence]) -> None:
        """Keys the window's actions own: the text view must not swallow them."""
        # QKeySequence[0] is its first key combination (PySide6's stubs lack __getitem__)
        self._shortcut_keys = {seq[0].toCombined()  # type: ignore[index]
                               for seq in sequences if not seq.isEmpty()}

    def event(self, e: QEvent) -> bool:
        if e.type() == QEvent.Type.ShortcutOverride and isinstance(e, QKeyEvent):
            if e.keyCombination().toCombined() in self._shortcut_keys:
                e.ignore()
                return False
        if e.type() == QEvent.Type.KeyPress and isinstance(e, QKeyEvent) \
                and e.key() in (Qt.Key.Key_Tab, Qt.Key.Key_Backtab):
            # Tab moves between spans (a window action); it never moves focus out of
            # the article, so the analyst's keys keep working.
            e.accept()
            return True
        return super().event(e)

    def focusInEvent(self, e: QFocusEvent) -> None:
        super().focusInEvent(e)
        self.focusReturned.emit()

    # ---------------------------------------------------------------- tooltips
    def span_under(self, point: QPoint) -> Span | None:
        return self._spans.at(self.position_at(point))

    def viewportEvent(self, e: QEvent) -> bool:
        if e.type() == QEvent.Type.ToolTip and isinstance(e, QHelpEvent):
            # the text comes from the window's controller (core): no wording here
            text = self.tooltip_for(self.position_at(e.pos())) if self.tooltip_for else None
            if text:
                QToolTip.showText(e.globalPos(), plain_tip(text), self)
            else:
                QToolTip.hideText()
            return True
        return super().viewportEvent(e)

    def contextMenuEvent(self, e: QContextMenuEvent) -> None:
        """Right-click or the Menu key: the entity's menu (from the window's controller)
        above the view's own Copy and Select All."""
        if e.reason() == QContextMenuEvent.Reason.Keyboard:
            pos = self.textCursor().position()
            at = self.viewport().mapToGlobal(self.cursorRect().bottomLeft())
        else:
            pos = self.cursorForPosition(e.pos()).position()
            at = e.globalPos()
        entries = self.menu_for(self.map.from_qt(pos)) if self.menu_for else []
        standard = self.createStandardContextMenu()
        show_entity_menu(self, at, entries, self.menu_chosen,
                         extra=lambda menu: menu.addActions(standard.actions()))
        standard.deleteLater()

    # ---------------------------------------------------------------- painting
    def resizeEvent(self, e: QResizeEvent) -> None:
        super().resizeEvent(e)
        side = max(0, (self.width() - MAX_TEXT_WIDTH) // 2)
        self.setViewportMargins(side, 0, side, 0)
        self.highlight_visible()

    def paintEvent(self, e: QPaintEvent) -> None:
        super().paintEvent(e)
        block = self.firstVisibleBlock()
        if not block.isValid():
            return
        painter = QPainter(self.viewport())
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.setFont(self._chip_font)
        # Chips only for the blocks in the region being repainted: after an edit that
        # is the one or two blocks the highlighter touched, not the whole screen.
        region = e.rect()
        bottom = min(self.viewport().height(), region.bottom())
        missed = False
        offset = self.contentOffset()
        top = self.blockBoundingGeometry(block).translated(offset).top()
        hl = self.highlighter
        left = self.blockBoundingGeometry(block).translated(offset).left()
        while block.isValid() and top <= bottom:
            height = self.blockBoundingRect(block).height()
            if top + height >= region.top():
                if not hl.is_highlighted(block.blockNumber()):
                    missed = True
                first = block.position()
                last = first + block.length()
                layout = block.layout()
                origin = layout.position()
                spans = hl.spans_between(first, last)
                for s in spans:
                    if s.end <= last:
                        self._paint_chip(painter, s, False, layout, first,
                                         left + origin.x(), top + origin.y())
                covered = {(s.start, s.end) for s in spans}
                for o in hl.offered_between(first, last):
                    if (o.end <= last and (o.start, o.end) not in covered
                            and not hl.spans_between(o.start, o.end)):
                        self._paint_chip(painter, o, True, layout, first,
                                         left + origin.x(), top + origin.y())
            top += height
            block = block.next()
        painter.end()
        if missed and not hl.complete:
            # on screen without a scroll or resize announcing it (a relayout): highlight
            # right after this paint rather than change the layout while painting
            QTimer.singleShot(0, self._highlight_and_update)

    def _highlight_and_update(self) -> None:
        if self.highlight_visible():
            self.viewport().update()

    def _paint_chip(self, painter: QPainter, s: Span | QtSpan, offered: bool, layout: QTextLayout,
                    first: int,
                    x0: float, y0: float) -> None:
        """The label chip in the gap after the span's last character. Its place comes
        from the block's text layout directly (what ``cursorRect`` computes, without a
        QTextCursor per chip: the repaint after an edit paints every visible chip)."""
        rel = s.end - first
        line = layout.lineForTextPosition(rel)
        if not line.isValid():
            return
        # PySide6 returns (x, position); its stub says object
        x = x0 + cast("tuple[float, int]", line.cursorToX(rel))[0]
        width = self.highlighter.chip_width(self.highlighter.chip_text(s.label, offered)) - 4
        height = line.height() - 4
        painter.drawPixmap(QPointF(x - width - 1, y0 + line.y() + 2),
                           self._chip(s.label, offered, width, height))

    def _chip(self, label: str, offered: bool, width: float, height: float) -> QPixmap:
        """A label chip, drawn once per label, kind and size and then copied: drawing
        rounded rectangles and text for every chip made each repaint cost milliseconds."""
        dpr = self.devicePixelRatioF()
        key = (label, offered, round(width), round(height), dpr, self._chip_font.pointSizeF())
        pixmap = self._chips.get(key)
        if pixmap is not None:
            return pixmap
        pixmap = QPixmap(max(1, int(round(width * dpr))), max(1, int(round(height * dpr))))
        pixmap.setDevicePixelRatio(dpr)
        pixmap.fill(Qt.GlobalColor.transparent)
        painter = QPainter(pixmap)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.setFont(self._chip_font)
        rect = QRectF(0.5, 0.5, width - 1, height - 1)
        text = self.highlighter.chip_text(label, offered)
        if not self.highlighter.in_set(label):
            # outside the project's labels: dashed red outline on the page's colour
            red = QColor(OUT_OF_SET_COLOR)
            painter.setPen(QPen(red, 1.5, Qt.PenStyle.DashLine))
            painter.setBrush(self.palette().color(QPalette.ColorRole.Base))
            painter.drawRoundedRect(rect, 4, 4)
            painter.setPen(red)
            painter.drawText(rect.adjusted(CHIP_PAD - 2, 0, 0, 0),
                             int(Qt.AlignmentFlag.AlignVCenter), text)
            painter.end()
            self._chips[key] = pixmap
            return pixmap
        color = QColor(self._colors.get(label, NO_SET_COLOR))
        if offered:
            painter.setPen(QPen(color, 1.2, Qt.PenStyle.DashLine))
            painter.setBrush(Qt.BrushStyle.NoBrush)
            painter.drawRoundedRect(rect, 4, 4)
            painter.setPen(color)
        else:
            painter.setPen(Qt.PenStyle.NoPen)
            painter.setBrush(color)
            painter.drawRoundedRect(rect, 4, 4)
            painter.setPen(chip_text_color(color.name()))
        painter.drawText(rect.adjusted(CHIP_PAD - 2, 0, 0, 0), int(Qt.AlignmentFlag.AlignVCenter), text)
        painter.end()
        self._chips[key] = pixmap
        return pixmap

    # -------------------------------------------------------------------- zoom
    zoom_steps = 0

    def zoom(self, steps: int) -> None:
        """Change the text size by ``steps`` points (``zoom_steps`` remembers the sum)."""
        font = QFont(self.font())
        size = min(48.0, max(7.0, font.pointSizeF() + steps))
        self.zoom_steps += int(round(size - font.pointSizeF()))
        font.setPointSizeF(size)
        self.setFont(font)
        self._apply_fonts()  # every block is highlighted anew when next on screen
