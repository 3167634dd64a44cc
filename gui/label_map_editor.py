"""The labels rule in Project → Labels (issue 13): which project label each model label
is shown as, many-to-one (GPE and LOC → Location), or dropped (CARDINAL → nothing).

One row per model label the loop knows (the model's own, those with evidence, those
set), with what the loop learnt from the corrections as the first choice ("as learnt:
Location"); choosing a project label or "(drop)" overrides it and is stored in the
database (``Store.set_label_map``); choosing "as learnt" again forgets the override
(``Store.clear_label_map``). "Add model label" covers a label the model has not shown
yet. Targets are checked against the label set being saved *before* anything is
written, so a mapping onto a label removed in the same dialog refuses the save.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QComboBox, QHBoxLayout, QHeaderView, QLabel, QPushButton, QTableWidget, QTableWidgetItem,
    QVBoxLayout, QWidget,
)

from ..core.errors import InputError
from ..core.labels import label_refusal
from ..core.storage import Store

DROP = "(drop)"
SOURCE_TEXT = {"set": "set here", "learnt": "learnt from corrections", "default": "no evidence yet"}


def learnt_text(target: str | None) -> str:
    return f"as learnt: {target}" if target else "as learnt: dropped"


class LabelMapEditor(QWidget):
    def __init__(self, store: Store, learnt: dict[str, tuple[str | None, str]] | None,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.store = store
        self.explicit = store.label_map()
        self.learnt = dict(learnt or {})
        self.project = [lab.name for lab in store.labels()]
        self.table = QTableWidget(0, 3, self)
        self.table.setObjectName("labelMapTable")
        self.table.setHorizontalHeaderLabels(["Model label", "Shown as", "Why"])
        self.table.verticalHeader().hide()
        self.table.horizontalHeader().setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        self.table.setColumnWidth(0, 130)
        self.table.setColumnWidth(1, 220)
        for label in sorted(set(self.learnt) | set(self.explicit)):
            self._append(label)
        add = QPushButton("Add model label")
        add.clicked.connect(lambda: self._append("", editable=True))
        title = QLabel("Model labels → project labels (many-to-one; what the model says is "
                       "shown so, or dropped):")
        title.setWordWrap(True)
        row = QHBoxLayout()
        row.addWidget(add)
        row.addStretch(1)
        lay = QVBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.addWidget(title)
        lay.addWidget(self.table, 1)
        lay.addLayout(row)

    def _append(self, label: str, *, editable: bool = False) -> None:
        r = self.table.rowCount()
        self.table.insertRow(r)
        item = QTableWidgetItem(label)
        if not editable:
            item.setFlags(item.flags() & ~Qt.ItemFlag.ItemIsEditable)
        self.table.setItem(r, 0, item)
        learnt_target, source = self.learnt.get(label, (None, "default"))
        combo = QComboBox()
        combo.setObjectName(f"shownAs:{label}")
        # for a rule set here, the loop's answer is the rule itself: what it would
        # learn instead is not known until it is forgotten
        first = ("as learnt (from the corrections)" if source == "set" or label in self.explicit
                 else learnt_text(learnt_target))
        combo.addItems([first, *self.project, DROP])
        if label in self.explicit:
            target = self.explicit[label]
            combo.setCurrentText(DROP if target is None else target)
            source = "set"
        self.table.setCellWidget(r, 1, combo)
        why = QTableWidgetItem(SOURCE_TEXT.get(source, source))
        why.setFlags(why.flags() & ~Qt.ItemFlag.ItemIsEditable)
        self.table.setItem(r, 2, why)
        learnt_source = "learnt" if source == "set" else source  # what "as learnt" rests on
        combo.currentIndexChanged.connect(
            lambda i, item=why, ls=learnt_source: item.setText(
                SOURCE_TEXT["set"] if i else SOURCE_TEXT.get(ls, ls)))

    def combo(self, label: str) -> QComboBox:
        for r in range(self.table.rowCount()):
            item = self.table.item(r, 0)
            if item is not None and item.text() == label:
                widget = self.table.cellWidget(r, 1)
                assert isinstance(widget, QComboBox)
                return widget
        raise KeyError(label)

    def wanted(self, renames: dict[str, str]) -> tuple[dict[str, str | None], list[str]]:
        """(rules to set, model labels to forget) as the table stands, targets renamed
        as the label set's renames say."""
        set_: dict[str, str | None] = {}
        forget: list[str] = []
        for r in range(self.table.rowCount()):
            item = self.table.item(r, 0)
            widget = self.table.cellWidget(r, 1)
            if item is None or not isinstance(widget, QComboBox) or not item.text():
                continue
            label, choice = item.text(), widget.currentText()
            if widget.currentIndex() == 0:
                if label in self.explicit:
                    forget.append(label)
                continue
            target = None if choice == DROP else renames.get(choice, choice)
            if self.explicit.get(label, "\0") != target or label not in self.explicit:
                set_[label] = target
        for label, target in self.explicit.items():  # rules onto a renamed label follow it
            if label not in set_ and label not in forget and target in renames:
                set_[label] = renames[target]
        return set_, forget

    def check(self, names: list[str], renames: dict[str, str]) -> None:
        """Refuse (InputError, one line) before anything is saved."""
        set_, forget = self.wanted(renames)
        kept = {k: renames.get(v, v) if v is not None else None
                for k, v in self.explicit.items() if k not in forget}
        for label, target in {**kept, **set_}.items():
            problem = label_refusal(label)
            if problem:
                raise InputError(f"model label {label!r}: {problem}")
            if target is not None and target not in names:
                raise InputError(f"{label} → {target}: {target!r} is not in the label set "
                                 "being saved; map it to another label or (drop)")

    def save(self, renames: dict[str, str]) -> bool:
        """Store the rule; True when it changed."""
        set_, forget = self.wanted(renames)
        if forget:
            self.store.clear_label_map(forget)
        if set_:
            self.store.set_label_map(set_)
        return bool(set_ or forget)
