"""Project → Labels: edit the label set (name, colour, hotkey, description, order).

A name is checked against the one naming rule (:func:`goldspan.core.labels.name_problem`)
as it is typed, and Save refuses a set with a problem: the dialog stays open and says
what is wrong in one line under the table, nothing is saved. Names are taken exactly as
typed (never trimmed): a stray space is refused, not silently dropped. A label that an
older database holds and that breaks the rule is marked when the dialog opens, so it
can be renamed here.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QCheckBox, QColorDialog, QDialog, QDialogButtonBox, QHBoxLayout, QHeaderView, QLabel,
    QPushButton, QTableWidget, QTableWidgetItem, QVBoxLayout, QWidget,
)

from ..core.errors import GoldspanError
from ..core.label_edit import save_label_set, usage
from ..core.labels import PALETTE, label_refusal
from ..core.types import Label
from ..core.storage import Store

NAME, COLOR, KEY, DESC, USED = range(5)


class LabelsDialog(QDialog):
    def __init__(self, store: Store, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("goldspan — labels")
        self.store = store
        self.used = usage(store)
        self.table = QTableWidget(0, 5, self)
        self.table.setObjectName("labelsTable")
        self.table.setHorizontalHeaderLabels(["Label", "Colour", "Key", "Description", "Spans"])
        self.table.verticalHeader().hide()
        self.table.horizontalHeader().setSectionResizeMode(DESC, QHeaderView.ResizeMode.Stretch)
        self.table.cellDoubleClicked.connect(self._cell_double_clicked)
        for lab in store.labels():
            self._append(lab, original=lab.name)
        add = QPushButton("Add label")
        add.clicked.connect(self.add_label)
        remove = QPushButton("Remove")
        remove.clicked.connect(self.remove_selected)
        up = QPushButton("Move up")
        up.clicked.connect(lambda: self._move(-1))
        down = QPushButton("Move down")
        down.clicked.connect(lambda: self._move(1))
        row = QHBoxLayout()
        for b in (add, remove, up, down):
            row.addWidget(b)
        row.addStretch(1)
        hint = QLabel("Double-click a colour to change it. Renaming a label renames it on every span.")
        hint.setWordWrap(True)
        self.locked = QCheckBox("Locked: imports, suggestions and merges add no labels "
                                "(a model's other labels are not suggested)")
        self.locked.setObjectName("labelsLocked")
        self.locked.setChecked(bool(store.setting("labels_locked", False)))
        self.error = QLabel("")
        self.error.setObjectName("labelsError")
        self.error.setStyleSheet("color: #c23b3b;")
        self.error.setTextFormat(Qt.TextFormat.PlainText)  # a label is never markup
        self.error.setWordWrap(True)
        self.table.itemChanged.connect(self._item_changed)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.save)
        buttons.rejected.connect(self.reject)
        lay = QVBoxLayout(self)
        lay.addWidget(self.table, 1)
        lay.addLayout(row)
        lay.addWidget(hint)
        lay.addWidget(self.locked)
        lay.addWidget(self.error)
        lay.addWidget(buttons)
        self.resize(640, 560)
        self._show_name_problems()

    def _append(self, lab: Label, original: str | None) -> None:
        r = self.table.rowCount()
        self.table.insertRow(r)
        name = QTableWidgetItem(lab.name)
        name.setData(Qt.ItemDataRole.UserRole, original)
        self.table.setItem(r, NAME, name)
        color = QTableWidgetItem(lab.color)
        color.setBackground(QColor(lab.color))
        color.setFlags(color.flags() & ~Qt.ItemFlag.ItemIsEditable)
        self.table.setItem(r, COLOR, color)
        self.table.setItem(r, KEY, QTableWidgetItem((lab.hotkey or "").upper()))
        self.table.setItem(r, DESC, QTableWidgetItem(lab.description or ""))
        used = QTableWidgetItem(str(self.used.get(original or "", 0)))
        used.setFlags(used.flags() & ~Qt.ItemFlag.ItemIsEditable)
        self.table.setItem(r, USED, used)

    def labels(self) -> tuple[list[Label], dict[str, str]]:
        out: list[Label] = []
        renames: dict[str, str] = {}
        for r in range(self.table.rowCount()):
            name = self.table.item(r, NAME).text()
            original = self.table.item(r, NAME).data(Qt.ItemDataRole.UserRole)
            if original and original != name:
                renames[original] = name
            out.append(Label(name, self.table.item(r, COLOR).text(),
                             self.table.item(r, KEY).text().strip().lower() or None,
                             self.table.item(r, DESC).text().strip() or None))
        return out, renames

    def add_label(self) -> None:
        current, _ = self.labels()
        used = {lab.color for lab in current}
        color = next((c for c in PALETTE if c not in used), PALETTE[0])
        self._append(Label(f"LABEL{self.table.rowCount() + 1}", color, None), original=None)
        self.table.editItem(self.table.item(self.table.rowCount() - 1, NAME))

    def remove_selected(self) -> None:
        r = self.table.currentRow()
        if r >= 0:
            self.table.removeRow(r)

    def _move(self, step: int) -> None:
        r = self.table.currentRow()
        target = r + step
        if r < 0 or not 0 <= target < self.table.rowCount():
            return
        items = [self.table.takeItem(r, c) for c in range(5)]
        others = [self.table.takeItem(target, c) for c in range(5)]
        for c in range(5):
            self.table.setItem(target, c, items[c])
            self.table.setItem(r, c, others[c])
        self.table.setCurrentCell(target, NAME)

    def _cell_double_clicked(self, row: int, col: int) -> None:
        if col != COLOR:
            return
        item = self.table.item(row, COLOR)
        color = QColorDialog.getColor(QColor(item.text()), self, "Label colour")
        if color.isValid():
            item.setText(color.name())
            item.setBackground(color)

    def _item_changed(self, item: QTableWidgetItem) -> None:
        if item.column() == NAME:
            self._show_name_problems()

    def _show_name_problems(self) -> None:
        """Mark every name that breaks the rule and say the first one's problem."""
        first = ""
        blocked = self.table.blockSignals(True)  # colouring an item is a change too
        try:
            for r in range(self.table.rowCount()):
                item = self.table.item(r, NAME)
                if item is None:
                    continue
                refusal = label_refusal(item.text())
                item.setToolTip(refusal)
                item.setForeground(QColor("#c23b3b") if refusal
                                   else self.palette().text().color())
                first = first or refusal
        finally:
            self.table.blockSignals(blocked)
        self.error.setText(first)

    def save(self) -> None:
        labels, renames = self.labels()
        try:
            save_label_set(self.store, labels, renames)
        except GoldspanError as err:
            self.error.setText(err.message)  # one line; the dialog stays open, nothing saved
            return
        if self.locked.isChecked() != bool(self.store.setting("labels_locked", False)):
            self.store.set_setting("labels_locked", self.locked.isChecked())
        self.accept()
