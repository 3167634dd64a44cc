"""A button per label, with its colour and hotkey; the checked one is the active
label (pick a label, then select text). The bar also owns the label keys: one QAction
per hotkey on the window's work area (both windows had their own copy of this)."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QButtonGroup, QToolButton, QWidget

from ...core.types import Label
from ..flow_layout import FlowLayout
from ..theme import chip_text_color
from ..widgets import plain_tip


class LabelBar(QWidget):
    labelClicked = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("labelBar")
        self._layout = FlowLayout(self, spacing=4)
        self._layout.setContentsMargins(2, 2, 2, 4)
        self._group = QButtonGroup(self)
        self._group.setExclusive(False)
        self.buttons: dict[str, QToolButton] = {}
        self.key_actions: list[QAction] = []
        self._key_area: QWidget | None = None

    def bind_keys(self, area: QWidget) -> None:
        """Label keys work while the focus is inside ``area`` (the article and what is
        around it, never the queue's filter box); a key press emits
        :attr:`labelClicked`, as a click on the button does."""
        self._key_area = area

    def set_labels(self, labels: list[Label]) -> None:
        for b in self.buttons.values():
            self._group.removeButton(b)
            b.hide()  # at once: deleteLater waits for the event loop, under the new ones
            b.deleteLater()
        self.buttons.clear()
        while self._layout.count():
            self._layout.takeAt(0)
        for lab in labels:
            b = QToolButton(self)
            key = (lab.hotkey or "").upper()
            name = lab.name.replace("&", "&&")  # a literal "&", not a mnemonic
            b.setText(f"{key}  {name}" if key else name)
            b.setCheckable(True)
            b.setFocusPolicy(Qt.FocusPolicy.NoFocus)
            b.setCursor(Qt.CursorShape.PointingHandCursor)
            tip = f"{lab.name}" + (f" — {lab.description}" if lab.description else "")
            tip += f"  [{key}]" if key else ""
            b.setToolTip(plain_tip(tip + "\nWith text selected: label it. On a selected span: "
                                   "relabel it.\nOtherwise: make it the active label, then "
                                   "select text."))
            fg = chip_text_color(lab.color).name()
            b.setStyleSheet(
                "QToolButton { border: 1px solid %s; border-left: 6px solid %s; border-radius: 4px;"
                " padding: 2px 7px; font-weight: 600; }"
                "QToolButton:checked { background: %s; color: %s; }" % (lab.color, lab.color, lab.color, fg)
            )
            b.clicked.connect(lambda _=False, name=lab.name: self.labelClicked.emit(name))
            self._group.addButton(b)
            self._layout.addWidget(b)
            self.buttons[lab.name] = b
        self._set_keys(labels)
        self.updateGeometry()

    def _set_keys(self, labels: list[Label]) -> None:
        area = self._key_area
        for act in self.key_actions:
            if area is not None:
                area.removeAction(act)
            act.deleteLater()
        self.key_actions = []
        if area is None:
            return
        for lab in labels:
            if not lab.hotkey:
                continue
            act = QAction(f"Label {lab.name}", area)
            act.setShortcut(QKeySequence(lab.hotkey.upper()))
            act.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
            act.triggered.connect(lambda _=False, n=lab.name: self.labelClicked.emit(n))
            area.addAction(act)
            self.key_actions.append(act)

    def set_active(self, name: str | None) -> None:
        for label, b in self.buttons.items():
            b.setChecked(label == name)
