"""The annotation window's right pane: the open article's entities (and the model's
offered suggestions) as a list, with the entity menu on a right-click, and their
count."""

from __future__ import annotations

from typing import Callable

from PySide6.QtCore import QModelIndex, QPoint, Qt, QTimer, Signal
from PySide6.QtWidgets import QVBoxLayout, QWidget

from ..core.types import Span, Suggestion
from .entity_model import EntityModel
from .parts.elided import ElidedLabel
from .widgets import Resize, fit_columns, heading, row_table


class EntitiesPane(QWidget):
    """``chosen(item)``: a row was clicked; ``menu(item, at)``: a row was
    right-clicked (``at`` in global coordinates)."""

    chosen = Signal(object)
    menu = Signal(object, QPoint)

    def __init__(self, tooltip_for: Callable[[Span | Suggestion, bool], str]) -> None:
        super().__init__()
        self.entity_model = EntityModel()
        self.entity_model.tooltip_for = tooltip_for
        self.entity_view = row_table(self.entity_model, "entityView",
                                     (Resize.Stretch, Resize.Interactive, Resize.Interactive))
        fit_columns(self.entity_view, {1: "■ CARDINAL", 2: "Origin"}, pad=14)
        self.entity_view.clicked.connect(self._clicked)
        self.entity_view.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.entity_view.customContextMenuRequested.connect(self._menu)
        # Rows going or coming repaint the whole list (every row below them moves):
        # that paint waits for the next pass of the event loop, so the frame that shows
        # the edit in the article is not held up by the side list (it follows a frame
        # later; bench/probe_article.py times both).
        self.entity_model.rowsAboutToBeInserted.connect(self._paint_later)
        self.entity_model.rowsAboutToBeRemoved.connect(self._paint_later)
        self.entity_count = ElidedLabel()
        rv = QVBoxLayout(self)
        rv.setContentsMargins(4, 8, 8, 8)
        rv.addWidget(heading("Entities"))
        rv.addWidget(self.entity_view, 1)
        rv.addWidget(self.entity_count)

    def _paint_later(self, *_: object) -> None:
        view = self.entity_view
        if view.updatesEnabled() and view.isVisible():
            view.setUpdatesEnabled(False)
            QTimer.singleShot(0, self._paint_now)

    def _paint_now(self) -> None:
        self.entity_view.setUpdatesEnabled(True)

    def _clicked(self, index: QModelIndex) -> None:
        item = self.entity_model.item(index.row())
        if item is not None:
            self.chosen.emit(item)

    def _menu(self, point: QPoint) -> None:
        item = self.entity_model.item(self.entity_view.indexAt(point).row())
        if item is not None:
            self.menu.emit(item, self.entity_view.viewport().mapToGlobal(point))

    def show_count(self) -> None:
        m = self.entity_model
        n, offered = m.n_spans, m.rowCount() - m.n_spans
        self.entity_count.setText(f"{n} entit{'y' if n == 1 else 'ies'}"
                                  + (f" · {offered} offered" if offered else ""))
