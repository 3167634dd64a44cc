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
from ..core.labels import HOTKEYS, PALETTE, label_refusal
from ..core.types import Label
from ..core.storage import Store
from .label_map_editor import LabelMapEditor
from .widgets import plain_tip

NAME, COLOR, KEY, DESC, USED = range(5)


class LabelsDialog(QDialog):
    def __init__(self, store: Store, parent: QWidget | None = None, *,
                 learnt: dict[str, tuple[str | None, str]] | None = None) -> None:
        """``learnt``: the learning loop's rule (model label -> (shown as, source)),
        shown beside the one set here (gui/label_map_editor.py)."""
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
        self.renumber_button = QPushButton("Renumber keys")
        self.renumber_button.setObjectName("renumberKeys")
        self.renumber_button.setToolTip("Give the labels the keys 1–9, then Q W E R T Y… in the "
                                        "table's order (closes the gaps a removal leaves)")
        self.renumber_button.clicked.connect(self.renumber_keys)
        row = QHBoxLayout()
        for b in (add, remove, up, down):
            row.addWidget(b)
        row.addStretch(1)
        row.addWidget(self.renumber_button)
        self.key_note = QLabel("")
        self.key_note.setObjectName("keyNote")
        self.key_note.setTextFormat(Qt.TextFormat.PlainText)
        self.key_note.setWordWrap(True)
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
        lay.addWidget(self.key_note)
        lay.addWidget(hint)
        lay.addWidget(self.locked)
        self.map_editor = LabelMapEditor(store, learnt, self)
        lay.addWidget(self.map_editor, 1)
        lay.addWidget(self.error)
        lay.addWidget(buttons)
        self.resize(640, 760)
        self._show_name_problems()
        self._show_key_gaps()

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

    def _cell(self, row: int, col: int) -> QTableWidgetItem:
        """A cell of the table: every row has all five (``_append`` sets them)."""
        item = self.table.item(row, col)
        assert item is not None, (row, col)
        return item

    def labels(self) -> tuple[list[Label], dict[str, str]]:
        out: list[Label] = []
        renames: dict[str, str] = {}
        for r in range(self.table.rowCount()):
            name = self._cell(r, NAME).text()
            original = self._cell(r, NAME).data(Qt.ItemDataRole.UserRole)
            if original and original != name:
                renames[original] = name
            out.append(Label(name, self._cell(r, COLOR).text(),
                             self._cell(r, KEY).text().strip().lower() or None,
                             self._cell(r, DESC).text().strip() or None))
        return out, renames

    def add_label(self) -> None:
        current, _ = self.labels()
        used = {lab.color for lab in current}
        color = next((c for c in PALETTE if c not in used), PALETTE[0])
        self._append(Label(f"LABEL{self.table.rowCount() + 1}", color, None), original=None)
        self.table.editItem(self._cell(self.table.rowCount() - 1, NAME))

    def remove_selected(self) -> None:
        """Remove the selected rows; when that leaves the keys with a gap (1, 2, 3, 8,
        9), say so next to Renumber keys, which closes it."""
        rows = sorted({i.row() for i in self.table.selectedIndexes()} or
                      ({self.table.currentRow()} if self.table.currentRow() >= 0 else set()),
                      reverse=True)
        for r in rows:
            self.table.removeRow(r)
        self._show_key_gaps()

    def keys(self) -> list[str]:
        """The Key column, row by row ("" for none)."""
        return [self._cell(r, KEY).text().strip().upper() for r in range(self.table.rowCount())]

    def _renumbered(self) -> list[str]:
        return [HOTKEYS[i].upper() if i < len(HOTKEYS) else "" for i in range(self.table.rowCount())]

    def renumber_keys(self) -> None:
        """Keys 1–9, then letters, in the table's order."""
        for r, key in enumerate(self._renumbered()):
            self._cell(r, KEY).setText(key)
        self._show_key_gaps()

    def _show_key_gaps(self) -> None:
        keys = self.keys()
        self.renumber_button.setEnabled(keys != self._renumbered())
        used = {k.lower() for k in keys if k}
        last = max((HOTKEYS.index(k) for k in used if k in HOTKEYS), default=-1)
        missing = [k.upper() for k in HOTKEYS[:last] if k not in used]
        if missing:
            self.key_note.setText(f"The keys skip {', '.join(missing)}: Renumber keys gives the "
                                  "labels 1–9, then Q W E…, in this order.")
        else:
            self.key_note.setText("")
        self.key_note.setVisible(bool(missing))

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
        self._show_key_gaps()

    def _cell_double_clicked(self, row: int, col: int) -> None:
        if col != COLOR:
            return
        item = self._cell(row, COLOR)
        color = QColorDialog.getColor(QColor(item.text()), self, "Label colour")
        if color.isValid():
            item.setText(color.name())
            item.setBackground(color)

    def _item_changed(self, item: QTableWidgetItem) -> None:
        if item.column() == NAME:
            self._show_name_problems()
        elif item.column() == KEY:
            self._show_key_gaps()

    def _show_name_problems(self) -> None:
        """Mark every name that breaks the rule and say the first one's problem."""
        first = ""
        blocked = self.table.blockSignals(True)  # colouring an item is a change too
        try:
            for r in range(self.table.rowCount()):
                item = self.table.item(r, NAME)
                if item is None:  # a row being filled in
                    continue
                refusal = label_refusal(item.text())
                item.setToolTip(plain_tip(refusal))
                item.setForeground(QColor("#c23b3b") if refusal
                                   else self.palette().text().color())
                first = first or refusal
        finally:
            self.table.blockSignals(blocked)
        self.error.setText(first)

    def save(self) -> None:
        labels, renames = self.labels()
        try:
            self.map_editor.check([lab.name for lab in labels], renames)
            with self.store.transaction():  # the set and its rule: both or neither
                save_label_set(self.store, labels, renames)
                self.map_editor.save(renames)
        except GoldspanError as err:
            self.error.setText(err.message)  # one line; the dialog stays open, nothing saved
            return
        if self.locked.isChecked() != bool(self.store.setting("labels_locked", False)):
            self.store.set_setting("labels_locked", self.locked.isChecked())
        self.accept()
