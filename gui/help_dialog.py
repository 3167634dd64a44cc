"""Help → Keyboard: the shortcut sheet, made from the same table as the actions, and
the project's own label keys (``1 PERSON``, ``2 ORG``...), which are what an analyst
presses most and used to be missing from it."""

from __future__ import annotations

from typing import Sequence

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QHeaderView, QTableWidget, QTableWidgetItem, QVBoxLayout, QWidget

from ..core.types import Label
from .shortcuts import LABEL_HELP, MOUSE_HELP, REVIEW_SHORTCUTS, SHORTCUTS


def rows(labels: Sequence[Label] = ()) -> list[tuple[str, str, str]]:
    out = [("Labels", LABEL_HELP[0], LABEL_HELP[1])]
    for lab in labels:
        if lab.hotkey:
            what = f"{lab.name}" + (f" — {lab.description}" if lab.description else "")
            out.append(("Labels", lab.hotkey.upper(), what))
    unkeyed = [lab.name for lab in labels if not lab.hotkey]
    if unkeyed:
        out.append(("Labels", "(no key)", "Click the button: " + ", ".join(unkeyed)))
    out += [(s.group, " / ".join(s.keys), s.help) for s in SHORTCUTS]
    out += [("Mouse", what, why) for what, why in MOUSE_HELP]
    out += [(f"Review window · {s.group}", " / ".join(s.keys), s.help) for s in REVIEW_SHORTCUTS]
    return out


class KeyboardSheet(QDialog):
    def __init__(self, parent: QWidget | None = None, labels: Sequence[Label] = ()) -> None:
        super().__init__(parent)
        self.setWindowTitle("goldspan — keyboard shortcuts")
        table = QTableWidget(0, 3, self)
        table.setObjectName("keyboardSheet")
        table.setHorizontalHeaderLabels(["Where", "Keys", "What it does"])
        table.verticalHeader().hide()
        table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        for group, keys, what in rows(labels):
            r = table.rowCount()
            table.insertRow(r)
            for c, text in enumerate((group, keys, what)):
                item = QTableWidgetItem(text)
                item.setFlags(Qt.ItemFlag.ItemIsEnabled)
                table.setItem(r, c, item)
        table.horizontalHeader().setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        table.resizeColumnsToContents()
        # rows as tall as their wrapped text, at whatever width the sheet is given (a
        # long explanation was cut at two lines with "…")
        table.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        lay = QVBoxLayout(self)
        lay.addWidget(table)
        lay.addWidget(buttons)
        self.table = table
        self.resize(760, 640)
