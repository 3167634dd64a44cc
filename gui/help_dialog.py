"""Help → Keyboard: the shortcut sheet, made from the same table as the actions."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QHeaderView, QTableWidget, QTableWidgetItem, QVBoxLayout, QWidget

from .shortcuts import LABEL_HELP, MOUSE_HELP, SHORTCUTS


def rows() -> list[tuple[str, str, str]]:
    out = [("Labels", LABEL_HELP[0], LABEL_HELP[1])]
    out += [(s.group, " / ".join(s.keys), s.help) for s in SHORTCUTS]
    out += [("Mouse", what, why) for what, why in MOUSE_HELP]
    return out


class KeyboardSheet(QDialog):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("goldspan — keyboard shortcuts")
        table = QTableWidget(0, 3, self)
        table.setObjectName("keyboardSheet")
        table.setHorizontalHeaderLabels(["Where", "Keys", "What it does"])
        table.verticalHeader().hide()
        table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        for group, keys, what in rows():
            r = table.rowCount()
            table.insertRow(r)
            for c, text in enumerate((group, keys, what)):
                item = QTableWidgetItem(text)
                item.setFlags(Qt.ItemFlag.ItemIsEnabled)
                table.setItem(r, c, item)
        table.horizontalHeader().setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        table.resizeColumnsToContents()
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        lay = QVBoxLayout(self)
        lay.addWidget(table)
        lay.addWidget(buttons)
        self.table = table
        self.resize(760, 640)
