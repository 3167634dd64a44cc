"""The centre column of both windows: the label bar, the document header, the article
(or the review's stack of versions), the hint line and the buttons. Label keys and the
windows' local shortcuts work while the focus is inside it."""

from __future__ import annotations

from typing import Sequence

from PySide6.QtWidgets import QPushButton, QSplitter, QVBoxLayout, QWidget

from ..widgets import action_row
from .header import DocumentHeader
from .label_bar import LabelBar


class WorkArea(QWidget):
    """``middle``: the widgets between the header and the hint line, each with its
    stretch factor."""

    def __init__(self, name: str, middle: Sequence[tuple[QWidget, int]],
                 buttons: Sequence[QPushButton], *, button_height: int = 34) -> None:
        super().__init__()
        self.setObjectName(name)
        self.label_bar = LabelBar()
        self.header = DocumentHeader()
        self.hint_label, bottom = action_row(buttons, height=button_height)
        column = QVBoxLayout(self)
        column.setContentsMargins(4, 8, 4, 8)
        column.addWidget(self.label_bar)
        column.addWidget(self.header)
        for widget, stretch in middle:
            column.addWidget(widget, stretch)
        column.addLayout(bottom)
        self.label_bar.bind_keys(self)


def three_panes(left: QWidget, centre: QWidget, right: QWidget, sizes: Sequence[int]) -> QSplitter:
    """Left, centre (which takes what the window gains) and right, never collapsed."""
    splitter = QSplitter()
    for pane in (left, centre, right):
        splitter.addWidget(pane)
    splitter.setStretchFactor(1, 1)
    splitter.setSizes(list(sizes))
    splitter.setChildrenCollapsible(False)
    return splitter
