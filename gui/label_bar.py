"""A button per label, with its colour and hotkey; the checked one is the active
label (pick a label, then select text)."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QButtonGroup, QToolButton, QWidget

from ..core.types import Label
from .flow_layout import FlowLayout
from .theme import chip_text_color


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
            b.setToolTip(tip + "\nWith text selected: label it. On a selected span: relabel it."
                         "\nOtherwise: make it the active label, then select text.")
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
        self.updateGeometry()

    def set_active(self, name: str | None) -> None:
        for label, b in self.buttons.items():
            b.setChecked(label == name)
