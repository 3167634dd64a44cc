"""The review window's panes: the documents on the left (most disagreement first,
the progress, this document's pairwise F1) and the stack of versions in the centre
(the gold on top, then one read-only pane per annotator, each with its header line
and, for an annotator, its "Take all" button; scrolling one scrolls the others to
the same place in the text)."""

from __future__ import annotations

from typing import Callable, Sequence

from PySide6.QtCore import QModelIndex, Qt, Signal
from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import (
    QAbstractItemView, QHBoxLayout, QHeaderView, QPushButton, QSplitter, QTableView, QTableWidget,
    QVBoxLayout, QWidget,
)

from ..core.agreement import DocumentDisagreement
from ..core.status import Status
from ..core.types import GOLD
from .parts.elided import ElidedLabel
from .review_dashboard import cell, compact_table, fit_height
from .review_models import DocumentListModel, fmt, score_color
from .review_view import ReviewArticleView
from .widgets import heading, plain_tip, select_row


class DocumentsPane(QWidget):
    """The documents with two or more done versions, most disagreement first;
    ``chosen(doc_id)`` when one is clicked."""

    chosen = Signal(int)

    def __init__(self) -> None:
        super().__init__()
        self.doc_model = DocumentListModel()
        self.doc_view = QTableView()
        self.doc_view.setObjectName("reviewDocuments")
        self.doc_view.setModel(self.doc_model)
        self.doc_view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.doc_view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.doc_view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.doc_view.verticalHeader().hide()
        self.doc_view.verticalHeader().setDefaultSectionSize(24)
        self.doc_view.setShowGrid(False)
        self.doc_view.setAlternatingRowColors(True)
        hh = self.doc_view.horizontalHeader()
        for column, mode in enumerate(("fit", "stretch", "fit", "fit")):
            hh.setSectionResizeMode(column, QHeaderView.ResizeMode.Stretch if mode == "stretch"
                                    else QHeaderView.ResizeMode.ResizeToContents)
        self.doc_view.clicked.connect(self._clicked)
        self.doc_view.activated.connect(self._clicked)
        self.progress_label = ElidedLabel()
        self.progress_label.setObjectName("progressLabel")
        self.doc_pairs: QTableWidget = compact_table("documentPairs")
        self.doc_pairs.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        lv = QVBoxLayout(self)
        lv.setContentsMargins(8, 8, 4, 8)
        lv.addWidget(heading("Documents · most disagreement first"))
        lv.addWidget(self.doc_view, 1)
        lv.addWidget(self.progress_label)
        lv.addSpacing(6)
        lv.addWidget(heading("This document · pairwise F1"))
        lv.addWidget(self.doc_pairs)

    def _clicked(self, index: QModelIndex) -> None:
        doc_id = self.doc_model.doc_id(index.row())
        if doc_id is not None:
            self.chosen.emit(doc_id)

    def select(self, doc_id: int) -> None:
        select_row(self.doc_view, self.doc_model.row_of(doc_id))

    def update_progress(self) -> None:
        rows = self.doc_model.rows
        done = sum(1 for r in rows if r.gold == Status.DONE)
        self.progress_label.setText(f"Adjudicated {done} of {len(rows)}")

    def show_pairs(self, agreement: DocumentDisagreement) -> None:
        """This document's pairwise F1."""
        t = self.doc_pairs
        t.clear()
        pairs = list(agreement.pairs.items())
        t.setRowCount(len(pairs))
        t.setColumnCount(1)
        t.setHorizontalHeaderLabels(["F1 exact"])
        t.setVerticalHeaderLabels([f"{a} / {b}" for (a, b), _ in pairs])
        for i, (_pair, v) in enumerate(pairs):
            t.setItem(i, 0, cell(fmt(v), score_color(v)))
        fit_height(t)


class VersionStack(QSplitter):
    """The panes, by version name (``GOLD`` first). The window connects each view's
    signals through ``on_pane(name, view)`` when the pane is made."""

    def __init__(self, on_pane: Callable[[str, ReviewArticleView], None],
                 take_all: Callable[[str], None]) -> None:
        super().__init__(Qt.Orientation.Vertical)
        self.setObjectName("versionStack")
        self.setChildrenCollapsible(False)
        self.views: dict[str, ReviewArticleView] = {}
        self.headers: dict[str, ElidedLabel] = {}
        self._on_pane = on_pane
        self._take_all = take_all
        self._syncing = False

    def rebuild(self, names: Sequence[str], colors: dict[str, str],
                keys: list[QKeySequence]) -> None:
        """One pane per version of ``names`` (the gold first), kept when they are the
        same as before; colours and the window's keys for every view."""
        wanted = [GOLD, *names]
        if list(self.views) != wanted:
            for v in self.views.values():
                pane = v.parentWidget()
                assert pane is not None  # every view sits in its pane
                pane.hide()
                pane.setParent(None)
                pane.deleteLater()
            self.views.clear()
            self.headers.clear()
            for name in wanted:
                self._add_pane(name, colors)
            sizes = [2] + [1] * len(names)
            total = max(1, self.height())
            self.setSizes([total * k // sum(sizes) for k in sizes])
        for v in self.views.values():
            v.set_colors(colors)
            v.set_shortcut_keys(keys)

    def _add_pane(self, name: str, colors: dict[str, str]) -> None:
        view = ReviewArticleView(name)
        font = view.font()
        font.setPointSizeF(font.pointSizeF() * 0.85)  # four versions must fit on one screen
        view.setFont(font)
        view.document().setDocumentMargin(10)
        view.set_colors(colors)
        header = ElidedLabel()
        header.setObjectName("goldHeader" if name == GOLD else "versionHeader")
        pane = QWidget()
        pv = QVBoxLayout(pane)
        pv.setContentsMargins(0, 4, 0, 0)
        pv.setSpacing(2)
        row = QHBoxLayout()
        row.addWidget(header, 1)
        if name != GOLD:
            take_all = QPushButton(f"Take all of {name}")
            take_all.setObjectName("takeAll")
            take_all.setFocusPolicy(Qt.FocusPolicy.NoFocus)
            take_all.setToolTip(plain_tip(f"Take every entity of {name} that overlaps nothing "
                                          "in the gold (one undo step)"))
            take_all.clicked.connect(lambda _=False, n=name: self._take_all(n))
            row.addWidget(take_all)
        pv.addLayout(row)
        pv.addWidget(view, 1)
        self.addWidget(pane)
        self.views[name] = view
        self.headers[name] = header
        view.verticalScrollBar().valueChanged.connect(lambda _v, n=name: self.sync_scroll(n))
        self._on_pane(name, view)

    def sync_scroll(self, source: str) -> None:
        """Keep every version at the same place in the text: the character at the top
        of the scrolled view goes to the top of the others (their wrapping differs a
        little, label chips take room, so lines are matched by text position)."""
        if self._syncing or source not in self.views:
            return
        self._syncing = True
        try:
            src = self.views[source]
            cp = src.map.from_qt(src.top_position())
            for name, view in self.views.items():
                if name != source:
                    view.scroll_to(view.map.to_qt(cp))
        finally:
            self._syncing = False
