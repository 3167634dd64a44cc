"""The document queue as a lazy table model: rows come from SQL a page at a time,
the row count from ``count(*)``; no text is ever loaded for the table."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QColor, QFont

from ..core.queue import Queue, QueueFilter, QueueRow
from ..core.status import Status, display
from .widgets import plain_tip

PAGE = 200

Index = QModelIndex | QPersistentModelIndex

_DISPLAY = int(Qt.ItemDataRole.DisplayRole)
_FOREGROUND = int(Qt.ItemDataRole.ForegroundRole)
_FONT = int(Qt.ItemDataRole.FontRole)
_ALIGN = int(Qt.ItemDataRole.TextAlignmentRole)
_TOOLTIP = int(Qt.ItemDataRole.ToolTipRole)
_USER = int(Qt.ItemDataRole.UserRole)
_ROLES = frozenset((_DISPLAY, _FOREGROUND, _FONT, _ALIGN, _TOOLTIP, _USER))
_RIGHT = int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)


class QueueModel(QAbstractTableModel):
    HEADERS = ("#", "Article", "Status", "Entities")

    def __init__(self, queue: Queue) -> None:
        super().__init__()
        self.queue = queue
        self._count = queue.count()
        self._pages: dict[int, list[QueueRow]] = {}
        self._bold: QFont | None = None
        self._total: int | None = None

    @property
    def total_documents(self) -> int:
        """All documents in the database (cached until the next reload)."""
        if self._total is None:
            self._total = self.queue.store.document_count()
        return self._total

    # --------------------------------------------------------------- refresh
    def set_filter(self, flt: QueueFilter) -> None:
        self.beginResetModel()
        self.queue.filter = flt
        self._pages.clear()
        self._count = self.queue.count()
        self.endResetModel()

    def reload(self) -> None:
        """Counts or membership may have changed (import, status under a filter)."""
        self._total = None
        self.beginResetModel()
        self._pages.clear()
        self._count = self.queue.count()
        self.endResetModel()

    def refresh_document(self, doc_id: int) -> None:
        """One document's status or entity count changed: refresh just its row, or
        reload when the change moves it in or out of the filter."""
        row = self.queue.row_of(doc_id)
        cached = self._find(doc_id)
        if (row is None) != (cached is None) or (row is not None and cached is not None and row != cached):
            if self.queue.filter.statuses or cached is None:
                self.reload()
                return
        if row is None:
            return
        self._pages.pop(row // PAGE, None)
        self.dataChanged.emit(self.index(row, 0), self.index(row, len(self.HEADERS) - 1))

    def _find(self, doc_id: int) -> int | None:
        for page, rows in self._pages.items():
            for i, r in enumerate(rows):
                if r.document_id == doc_id:
                    return page * PAGE + i
        return None

    # ----------------------------------------------------------------- model
    def rowCount(self, parent: Index = QModelIndex()) -> int:
        return 0 if parent.isValid() else self._count

    def columnCount(self, parent: Index = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self.HEADERS)

    def row_at(self, row: int) -> QueueRow | None:
        if not 0 <= row < self._count:
            return None
        page = row // PAGE
        rows = self._pages.get(page)
        if rows is None:
            if len(self._pages) > 50:
                self._pages.clear()
            rows = self.queue.rows(page * PAGE, PAGE)
            self._pages[page] = rows
        i = row - page * PAGE
        return rows[i] if i < len(rows) else None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        # Views ask for every role of every cell they measure (a ResizeToContents
        # column asks 1,000 rows at a time): roles this model never answers return at
        # once, before any row is looked up.
        if role not in _ROLES or not index.isValid():
            return None
        col = index.column()
        if role == _ALIGN:
            return _RIGHT if col in (0, 3) else None
        if (role == _FOREGROUND or role == _FONT) and col != 2:
            return None
        if role == _TOOLTIP and col != 1:
            return None
        r = self.row_at(index.row())
        if r is None:
            return None
        if role == _DISPLAY:
            if col == 0:
                return str(r.document_id)
            if col == 1:
                return r.title
            if col == 2:
                return display(r.status).text
            if col == 3:
                return "" if r.entities is None else str(r.entities)
        elif role == _FOREGROUND:  # a queue of mostly "to do" keeps the theme's text colour
            return None if r.status == Status.TODO else QColor(display(r.status).color)
        elif role == _FONT:
            if r.status != Status.DONE:
                return None
            if self._bold is None:
                self._bold = QFont()
                self._bold.setBold(True)
            return self._bold
        elif role == _TOOLTIP:
            return plain_tip(r.title)
        elif role == _USER:
            return r.document_id
        return None

    def headerData(self, section: int, orientation: Qt.Orientation,
                   role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if role == Qt.ItemDataRole.DisplayRole and orientation == Qt.Orientation.Horizontal:
            return self.HEADERS[section]
        return None
