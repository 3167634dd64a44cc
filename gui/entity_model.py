"""The side panel's list of the open article's entities (and offered suggestions).

The entities are the session's :class:`~goldspan.core.spans.SpanIndex` itself, read
in place; the model observes it and turns each row that goes or comes into Qt's
precise row removal or insertion (no copy of the list, no reset per edit: the table
keeps its scroll position and selection). Offered suggestions follow the entities."""

from __future__ import annotations

from typing import Any, Callable, Sequence

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QColor

from ..core.sessions.common import ORIGIN_SHORT
from ..core.spans import SpanIndex, SpanObserver, as_index
from ..core.types import Span, Suggestion
from .theme import (
    NO_SET_COLOR, NOT_IN_SET, OUT_OF_SET_COLOR, in_label_set, out_of_set_swatch,
)
from .widgets import plain_tip

Index = QModelIndex | QPersistentModelIndex
_DISPLAY = int(Qt.ItemDataRole.DisplayRole)
_DECORATION = int(Qt.ItemDataRole.DecorationRole)
_FOREGROUND = int(Qt.ItemDataRole.ForegroundRole)
_TOOLTIP = int(Qt.ItemDataRole.ToolTipRole)
_ROLES = frozenset((_DISPLAY, _DECORATION, _FOREGROUND, _TOOLTIP))
# colours, not brushes: the table makes the brush, and a QBrush built here cost the
# window's opening the Qt types of every gradient (QBrush's other constructors)
_GREY = QColor("#8c8c8c")  # offered, not yet taken
_RED = QColor(OUT_OF_SET_COLOR)  # a label outside the project's set


class _Rows(SpanObserver):
    """The index's changes as Qt row signals of ``model``."""

    def __init__(self, model: EntityModel) -> None:
        self.model = model

    def spans_removing(self, row: int) -> None:
        self.model.beginRemoveRows(QModelIndex(), row, row)

    def spans_removed(self, row: int) -> None:
        self.model.endRemoveRows()

    def spans_inserting(self, row: int) -> None:
        self.model.beginInsertRows(QModelIndex(), row, row)

    def spans_inserted(self, row: int) -> None:
        self.model.endInsertRows()

    def spans_changed(self, row: int) -> None:
        m = self.model
        m.dataChanged.emit(m.index(row, 0), m.index(row, m.columnCount() - 1))

    def spans_resetting(self) -> None:
        self.model.beginResetModel()

    def spans_reset(self) -> None:
        self.model.endResetModel()


class EntityModel(QAbstractTableModel):
    HEADERS = ("Text", "Label", "Origin")

    def __init__(self) -> None:
        super().__init__()
        self.text = ""
        self.spans = SpanIndex()
        self.offered: list[Suggestion] = []
        self.colors: dict[str, str] = {}
        self._rows = _Rows(self)
        # set by the window: a row's tooltip, from its controller (core)
        self.tooltip_for: Callable[[Span | Suggestion, bool], str] | None = None

    def set_items(self, text: str, spans: SpanIndex | Sequence[Span],
                  offered: list[Suggestion]) -> None:
        """Show ``spans`` (an index is read in place and followed) and ``offered``
        after them."""
        spans = as_index(spans)
        self.beginResetModel()
        self.spans.unobserve(self._rows)
        self.text = text
        self.spans = spans
        spans.observe(self._rows)
        self.offered = list(offered)
        self.endResetModel()

    @property
    def n_spans(self) -> int:
        return len(self.spans)

    def set_offered(self, offered: list[Suggestion]) -> None:
        n = self.n_spans
        if self.offered:
            self.beginRemoveRows(QModelIndex(), n, n + len(self.offered) - 1)
            self.offered = []
            self.endRemoveRows()
        if offered:
            self.beginInsertRows(QModelIndex(), n, n + len(offered) - 1)
            self.offered = list(offered)
            self.endInsertRows()

    def item(self, row: int) -> Span | Suggestion | None:
        n = self.n_spans
        if 0 <= row < n:
            return self.spans[row]
        if n <= row < n + len(self.offered):
            return self.offered[row - n]
        return None

    def row_of(self, span: Span) -> int | None:
        return self.spans.row_of(span)

    def rowCount(self, parent: Index = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self.spans) + len(self.offered)

    def columnCount(self, parent: Index = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self.HEADERS)

    def data(self, index: Index, role: int = _DISPLAY) -> Any:
        # The table asks for about ten roles of every visible cell at each repaint (after
        # every edit): the roles never answered return before any look-up.
        if role not in _ROLES or not index.isValid():
            return None
        row = index.row()
        col = index.column()
        if role == _DECORATION and col != 1:
            return None
        n = self.n_spans
        offered = row >= n
        s = self.offered[row - n] if offered else self.spans[row]
        if role == _FOREGROUND:
            if not in_label_set(s.label, self.colors):
                return _RED
            return _GREY if offered else None
        if role == _DISPLAY:
            if col == 0:
                return self.text[s.start:s.end].replace("\n", " ")
            if col == 1:
                return s.label if in_label_set(s.label, self.colors) else f"{s.label} · {NOT_IN_SET}"
            if col == 2:
                return "offered" if offered else ORIGIN_SHORT.get(getattr(s, "origin", ""), "")
        elif role == _DECORATION:
            if not in_label_set(s.label, self.colors):
                return out_of_set_swatch()
            return QColor(self.colors.get(s.label, NO_SET_COLOR))
        elif role == _TOOLTIP:
            tip = self.tooltip_for(s, offered) if self.tooltip_for else None
            return plain_tip(tip) if tip else None
        return None

    def headerData(self, section: int, orientation: Qt.Orientation,
                   role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if role == Qt.ItemDataRole.DisplayRole and orientation == Qt.Orientation.Horizontal:
            return self.HEADERS[section]
        return None
