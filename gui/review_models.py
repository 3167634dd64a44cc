"""The review's document list: documents with two or more done versions, most
disagreement first (lowest pairwise F1), with the state of their gold."""

from __future__ import annotations

from typing import Any

from dataclasses import dataclass, replace

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QBrush, QColor

from ..core.agreement import DocumentDisagreement
from ..core.status import display
from .widgets import plain_tip

Index = QModelIndex | QPersistentModelIndex
NO_GOLD = "—"


def score_color(value: float | None) -> QColor | None:
    """Red (0) through yellow to green (1), light enough for black text, as the HTML
    report colours its figures."""
    if value is None:
        return None
    hue = max(0.0, min(1.0, value)) * 120.0
    return QColor.fromHslF(hue / 360.0, 0.70, 0.80)


def fmt(value: float | None) -> str:
    return "n/a" if value is None else f"{value:.2f}"


@dataclass(frozen=True)
class DocumentRow:
    doc_id: int
    title: str
    disagreement: DocumentDisagreement
    gold: str | None  # status of the gold version, None if there is none


class DocumentListModel(QAbstractTableModel):
    HEADERS = ("#", "Document", "F1", "Gold")

    def __init__(self) -> None:
        super().__init__()
        self.rows: list[DocumentRow] = []

    def set_rows(self, rows: list[DocumentRow]) -> None:
        self.beginResetModel()
        self.rows = list(rows)
        self.endResetModel()

    def row_of(self, doc_id: int) -> int | None:
        for i, r in enumerate(self.rows):
            if r.doc_id == doc_id:
                return i
        return None

    def doc_id(self, row: int) -> int | None:
        return self.rows[row].doc_id if 0 <= row < len(self.rows) else None

    def set_gold(self, doc_id: int, status: str | None) -> None:
        row = self.row_of(doc_id)
        if row is None or self.rows[row].gold == status:
            return
        self.rows[row] = replace(self.rows[row], gold=status)
        idx = self.index(row, 3)
        self.dataChanged.emit(idx, idx)

    # ------------------------------------------------------------- Qt model
    def rowCount(self, parent: Index = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self.HEADERS)

    def headerData(self, section: int, orientation: Qt.Orientation,
                   role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if orientation == Qt.Orientation.Horizontal and 0 <= section < len(self.HEADERS):
            if role == Qt.ItemDataRole.DisplayRole:
                return self.HEADERS[section]
            if role == Qt.ItemDataRole.ToolTipRole and section == 2:
                return "Lowest pairwise exact F1 between the annotators on this document"
        return None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not (0 <= index.row() < len(self.rows)):
            return None
        r = self.rows[index.row()]
        col = index.column()
        d = r.disagreement
        if role == Qt.ItemDataRole.DisplayRole:
            gold = NO_GOLD if r.gold is None else display(r.gold).text
            return (str(r.doc_id), r.title, fmt(d.min_f1), gold)[col]
        if role == Qt.ItemDataRole.UserRole:
            return r.doc_id
        if role == Qt.ItemDataRole.ToolTipRole:
            pairs = "\n".join(f"{a} / {b}: {fmt(v)}" for (a, b), v in d.pairs.items())
            return plain_tip(f"{r.title}\n{len(d.annotators)} versions "
                             f"({', '.join(d.annotators)})\n{pairs}")
        if role == Qt.ItemDataRole.BackgroundRole and col == 2:
            c = score_color(d.min_f1)
            return QBrush(c) if c is not None else None
        if role == Qt.ItemDataRole.ForegroundRole:
            if col == 2 and d.min_f1 is not None:
                return QBrush(QColor("#111111"))
            if col == 3 and r.gold is not None:
                return QBrush(QColor(display(r.gold).color))
        if role == Qt.ItemDataRole.TextAlignmentRole and col in (0, 2):
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None
