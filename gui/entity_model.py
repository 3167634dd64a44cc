"""The side panel's list of the open article's entities (and offered suggestions)."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QBrush, QColor

from ..core.types import Span, Suggestion
from .theme import (
    NO_SET_COLOR, NOT_IN_SET, OUT_OF_SET_COLOR, OUT_OF_SET_HELP, in_label_set, out_of_set_swatch,
)

ORIGIN_TEXT = {"model": "model", "manual": "you", "import": "import", "review": "review"}
Index = QModelIndex | QPersistentModelIndex
_DISPLAY = int(Qt.ItemDataRole.DisplayRole)
_DECORATION = int(Qt.ItemDataRole.DecorationRole)
_FOREGROUND = int(Qt.ItemDataRole.ForegroundRole)
_TOOLTIP = int(Qt.ItemDataRole.ToolTipRole)
_ROLES = frozenset((_DISPLAY, _DECORATION, _FOREGROUND, _TOOLTIP))
_GREY = QBrush(QColor("#8c8c8c"))  # offered, not yet taken
_RED = QBrush(QColor(OUT_OF_SET_COLOR))  # a label outside the project's set


class EntityModel(QAbstractTableModel):
    HEADERS = ("Text", "Label", "Origin")

    def __init__(self) -> None:
        super().__init__()
        self.text = ""
        self.items: list[Span | Suggestion] = []
        self.n_spans = 0
        self.colors: dict[str, str] = {}

    def set_items(self, text: str, spans: list[Span], offered: list[Suggestion]) -> None:
        self.beginResetModel()
        self.text = text
        self.items = [*spans, *offered]
        self.n_spans = len(spans)
        self.endResetModel()

    def apply_change(self, removed: list[Span], added: list[Span]) -> None:
        """Precise row removals and insertions for one edit (no reset: the table keeps
        its scroll position and selection, and an edit costs O(log n) look-ups)."""
        import bisect

        for r in removed:
            row = self.row_of(r)
            if row is None:
                continue
            self.beginRemoveRows(QModelIndex(), row, row)
            del self.items[row]
            self.n_spans -= 1
            self.endRemoveRows()
        for a in added:
            row = bisect.bisect_right(self.items, a.start, hi=self.n_spans, key=lambda x: x.start)
            self.beginInsertRows(QModelIndex(), row, row)
            self.items.insert(row, a)
            self.n_spans += 1
            self.endInsertRows()

    def set_offered(self, offered: list[Suggestion]) -> None:
        old = len(self.items) - self.n_spans
        if old:
            self.beginRemoveRows(QModelIndex(), self.n_spans, len(self.items) - 1)
            del self.items[self.n_spans:]
            self.endRemoveRows()
        if offered:
            self.beginInsertRows(QModelIndex(), self.n_spans, self.n_spans + len(offered) - 1)
            self.items.extend(offered)
            self.endInsertRows()

    def item(self, row: int) -> Span | Suggestion | None:
        return self.items[row] if 0 <= row < len(self.items) else None

    def row_of(self, span: Span) -> int | None:
        import bisect

        i = bisect.bisect_left(self.items, span.start, hi=self.n_spans, key=lambda x: x.start)
        while i < self.n_spans and self.items[i].start == span.start:
            s = self.items[i]
            if (s.end, s.label) == (span.end, span.label):
                return i
            i += 1
        return None

    def rowCount(self, parent: Index = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self.items)

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
        offered = row >= self.n_spans
        s = self.items[row]
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
                return "offered" if offered else ORIGIN_TEXT.get(getattr(s, "origin", ""), "")
        elif role == _DECORATION:
            if not in_label_set(s.label, self.colors):
                return out_of_set_swatch()
            return QColor(self.colors.get(s.label, NO_SET_COLOR))
        elif role == _TOOLTIP:
            where = f"{s.start}–{s.end}"
            tip = f"{s.label} at {where}" + (" (offered by the model; Shift+Enter accepts)" if offered else "")
            if not in_label_set(s.label, self.colors):
                tip += f"\n{s.label} is {OUT_OF_SET_HELP}"
            return tip
        return None

    def headerData(self, section: int, orientation: Qt.Orientation,
                   role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if role == Qt.ItemDataRole.DisplayRole and orientation == Qt.Orientation.Horizontal:
            return self.HEADERS[section]
        return None
