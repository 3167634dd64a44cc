"""The review window: a lead compares annotators and adjudicates the gold.

Left, the documents with two or more ``done`` versions, most disagreement first
(lowest pairwise F1), and this document's pairwise F1. Centre, the gold (editable like
the annotation view) above the annotators' versions, stacked, read-only, each span
barred in the colour of its class (all agree, disagree, only some, in gold; see the
legend). Right, the agreement figures as coloured tables.

Every action is one core operation from :mod:`goldspan.core.adjudication` put on a
QUndoStack through :class:`~goldspan.gui.undo.EditCommand`, so Ctrl+Z undoes in the
database too. The gold is created by the first change of a document, pre-merged with
the spans all annotators agree on; opening a document writes nothing.
"""

from __future__ import annotations

import time
from pathlib import Path

from PySide6.QtCore import QModelIndex, Qt, QThread, QTimer, Signal
from PySide6.QtGui import QAction, QCloseEvent, QKeySequence, QUndoStack
from PySide6.QtWidgets import (
    QAbstractItemView, QApplication, QHBoxLayout, QHeaderView, QLabel, QMainWindow,
    QPushButton, QScrollArea, QSplitter, QTableView, QTableWidget, QVBoxLayout, QWidget,
)

from ..core.adjudication import (
    ACCEPTED, KIND_HELP, KIND_TEXT, Classified, ReviewEdit, ReviewSession, done_versions_stamp,
    gold_statuses,
)
from ..core.agreement import (
    AgreementResult, compute_agreement, document_disagreement, load_done_versions,
)
from ..core.edits import ChangeSet
from ..core.errors import EditError
from ..core.status import Status, display
from ..core.types import GOLD, Span
from ..core.storage import Store
from .label_bar import LabelBar
from .review_dashboard import Dashboard, cell, compact_table, fit_height
from .review_models import DocumentListModel, DocumentRow, fmt, score_color
from .review_view import Legend, ReviewArticleView
from .shortcuts import Shortcut
from .theme import OUT_OF_SET_HELP, app_style, in_label_set
from .undo import EditCommand, show_not_saved
from .widgets import (
    action_row, follow_undo_stack, heading, select_row, shortcut_actions, undo_or_explain,
)

REVIEW_SHORTCUTS: tuple[Shortcut, ...] = (
    Shortcut("accept", ("Return", "Enter"), "Accept gold",
             "Accept the gold (done) and open the next document not adjudicated", "Review"),
    Shortcut("next_doc", ("Alt+Down", "Ctrl+PgDown"), "Next document",
             "Open the next document in the list (less disagreement)", "Review"),
    Shortcut("prev_doc", ("Alt+Up", "Ctrl+PgUp"), "Previous document",
             "Open the previous document in the list (more disagreement)", "Review"),
    Shortcut("next_item", ("Tab",), "Next difference",
             "Select the next entity the annotators differ on (disagree, only some)", "Review"),
    Shortcut("prev_item", ("Shift+Tab",), "Previous difference",
             "Select the previous entity the annotators differ on", "Review"),
    Shortcut("take", ("Space",), "Take into gold",
             "Take the selected annotator's entity into the gold (replaces what it overlaps)",
             "Review"),
    Shortcut("delete", ("Delete", "Backspace"), "Delete from gold",
             "Delete the selected gold entity", "Review"),
    Shortcut("start_left", ("Ctrl+Left",), "Start one token left",
             "Move the selected gold entity's start one token left", "Review"),
    Shortcut("start_right", ("Ctrl+Right",), "Start one token right",
             "Move the selected gold entity's start one token right", "Review"),
    Shortcut("end_left", ("Shift+Left",), "End one token left",
             "Move the selected gold entity's end one token left", "Review"),
    Shortcut("end_right", ("Shift+Right",), "End one token right",
             "Move the selected gold entity's end one token right", "Review"),
    Shortcut("clear", ("Esc",), "Clear", "Clear the selection", "Review"),
    Shortcut("undo", ("Ctrl+Z",), "Undo", "Undo the last change (in the database too)", "Edit"),
    Shortcut("redo", ("Ctrl+Shift+Z", "Ctrl+Y"), "Redo", "Redo the change undone last", "Edit"),
    Shortcut("refresh", ("F5",), "Refresh figures",
             "Re-read the versions and recompute the agreement figures", "View"),
    Shortcut("close", ("Ctrl+W",), "Close review", "Close the review window (all is saved)", "File"),
)
NEWS_INTERVAL_MS = 5000  # how often the window looks for versions done meanwhile
LOCAL = {"accept", "next_item", "prev_item", "take", "delete", "clear", "start_left",
         "start_right", "end_left", "end_right"}


def keys_text(sc: Shortcut) -> str:
    return " / ".join(sc.keys)


class AgreementThread(QThread):
    """compute_agreement on its own connection; ``computed(result)`` when done."""

    computed = Signal(object)

    def __init__(self, path: Path, names: list[str] | None) -> None:
        super().__init__()
        self.path = path
        self.names = names

    def run(self) -> None:
        with Store.open(self.path, create=False) as store, store.snapshot():
            self.computed.emit(compute_agreement(load_done_versions(store, self.names), self.names))


class ReviewWindow(QMainWindow):
    def __init__(self, store: Store, lead_name: str, *, annotators: list[str] | None = None,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.store = store
        self.lead = lead_name
        self.annotator_filter = annotators
        self.session: ReviewSession | None = None
        self.selected: tuple[str, Span] | None = None  # (version, span); version GOLD or a name
        self.undo_stack = QUndoStack(self)
        self.views: dict[str, ReviewArticleView] = {}
        self.headers: dict[str, QLabel] = {}
        self._syncing = False
        self._agreement_threads: list[AgreementThread] = []  # running, until finished
        self._latest_agreement: AgreementThread | None = None
        self._closing = False
        name = Path(str(store.path)).name if store.path else "memory"
        self.setWindowTitle(f"goldspan review — {lead_name} — {name}")
        self._build()
        self._build_actions()
        self.reload_labels()
        self.refresh_figures()
        self.resize(1600, 1000)

    # ================================================================= layout
    def _build(self) -> None:
        # --- left: documents by disagreement, this document's figures
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
        hh.setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        hh.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        hh.setSectionResizeMode(2, QHeaderView.ResizeMode.ResizeToContents)
        hh.setSectionResizeMode(3, QHeaderView.ResizeMode.ResizeToContents)
        self.doc_view.clicked.connect(self._doc_clicked)
        self.doc_view.activated.connect(self._doc_clicked)
        self.progress_label = QLabel()
        self.progress_label.setObjectName("progressLabel")
        self.doc_pairs: QTableWidget = compact_table("documentPairs")
        self.doc_pairs.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        left = QWidget()
        lv = QVBoxLayout(left)
        lv.setContentsMargins(8, 8, 4, 8)
        lv.addWidget(heading("Documents · most disagreement first"))
        lv.addWidget(self.doc_view, 1)
        lv.addWidget(self.progress_label)
        lv.addSpacing(6)
        lv.addWidget(heading("This document · pairwise F1"))
        lv.addWidget(self.doc_pairs)

        # --- centre: labels, title, legend, gold + versions, buttons
        self.label_bar = LabelBar()
        self.label_bar.labelClicked.connect(self.label_pressed)
        self.title_label = QLabel()
        self.title_label.setObjectName("articleTitle")
        self.title_label.setTextFormat(Qt.TextFormat.PlainText)
        self.title_label.setWordWrap(True)
        self.status_badge = QLabel()
        self.status_badge.setObjectName("statusBadge")
        head = QHBoxLayout()
        head.addWidget(self.title_label, 1)
        head.addWidget(self.status_badge, 0, Qt.AlignmentFlag.AlignTop)
        self.legend = Legend()
        self.stack = QSplitter(Qt.Orientation.Vertical)
        self.stack.setObjectName("versionStack")
        self.stack.setChildrenCollapsible(False)
        self.prev_button = QPushButton("◂ Previous")
        self.next_button = QPushButton("Next ▸")
        self.accept_button = QPushButton("✓  Accept gold")
        self.accept_button.setObjectName("acceptButton")
        self.hint_label, bottom = action_row(
            (self.prev_button, self.next_button, self.accept_button), height=32)
        centre = QWidget()
        centre.setObjectName("reviewArea")
        cv = QVBoxLayout(centre)
        cv.setContentsMargins(4, 8, 4, 8)
        cv.addWidget(self.label_bar)
        cv.addLayout(head)
        cv.addWidget(self.legend)
        cv.addWidget(self.stack, 1)
        cv.addLayout(bottom)
        self.review_area = centre

        # --- right: the figures
        self.dashboard = Dashboard()
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QScrollArea.Shape.NoFrame)
        inner = QWidget()
        iv = QVBoxLayout(inner)
        iv.setContentsMargins(4, 8, 8, 8)
        iv.addWidget(heading("Agreement · all documents"))
        iv.addWidget(self.dashboard)
        scroll.setWidget(inner)

        splitter = QSplitter()
        splitter.addWidget(left)
        splitter.addWidget(centre)
        splitter.addWidget(scroll)
        splitter.setStretchFactor(1, 1)
        splitter.setSizes([320, 860, 460])
        splitter.setChildrenCollapsible(False)
        self.setCentralWidget(splitter)
        self.saved_label = QLabel("✓ All changes saved")
        self.statusBar().addWidget(QLabel(f"Lead: {self.lead}"))
        # Annotators keep finishing documents while the lead reviews: say so (the view
        # is not reloaded under the lead's hands; F5 or the button does it).
        self.news_button = QPushButton("New versions are done — refresh (F5)")
        self.news_button.setObjectName("newsButton")
        self.news_button.setToolTip("Annotators marked versions done (or changed done ones) since "
                                    "the document order and the figures were computed")
        self.news_button.clicked.connect(self.refresh_figures)
        self.news_button.hide()
        self.statusBar().addPermanentWidget(self.news_button)
        self.statusBar().addPermanentWidget(self.saved_label)
        self._stamp = done_versions_stamp(self.store)
        self._data_version = self._store_data_version()
        self.news_timer = QTimer(self)
        self.news_timer.setInterval(NEWS_INTERVAL_MS)
        self.news_timer.timeout.connect(self.check_for_new_versions)
        self.news_timer.start()
        self.setStyleSheet(app_style())

    def _build_actions(self) -> None:
        handlers = {
            "accept": self.accept_gold,
            "next_doc": lambda: self.step_document(1),
            "prev_doc": lambda: self.step_document(-1),
            "next_item": lambda: self.step_item(1),
            "prev_item": lambda: self.step_item(-1),
            "take": self.take_selected,
            "delete": self.delete_selected,
            "clear": self.clear_selection,
            "start_left": lambda: self.move_boundary("start", -1),
            "start_right": lambda: self.move_boundary("start", 1),
            "end_left": lambda: self.move_boundary("end", -1),
            "end_right": lambda: self.move_boundary("end", 1),
            "undo": lambda: undo_or_explain(self.undo_stack, self.statusBar()),
            "redo": self.undo_stack.redo,
            "refresh": self.refresh_figures,
            "close": self.close,
        }
        self.actions_by_name = shortcut_actions(
            self, REVIEW_SHORTCUTS, handlers, local=LOCAL, local_area=self.review_area,
            keys_text=keys_text)
        follow_undo_stack(self.undo_stack, self.actions_by_name["undo"], self.actions_by_name["redo"])
        for button, name in ((self.accept_button, "accept"), (self.next_button, "next_doc"),
                             (self.prev_button, "prev_doc")):
            button.setToolTip(self.actions_by_name[name].toolTip())
            button.clicked.connect(self.actions_by_name[name].trigger)
        mb = self.menuBar()
        m_file = mb.addMenu("&File")
        m_file.addAction(self.actions_by_name["close"])
        m_edit = mb.addMenu("&Edit")
        for n in ("undo", "redo", None, "take", "delete", "start_left", "start_right",
                  "end_left", "end_right", "clear"):
            m_edit.addSeparator() if n is None else m_edit.addAction(self.actions_by_name[n])
        m_rev = mb.addMenu("&Review")
        for n in ("accept", None, "next_doc", "prev_doc", None, "next_item", "prev_item",
                  None, "refresh"):
            m_rev.addSeparator() if n is None else m_rev.addAction(self.actions_by_name[n])
        self.label_actions: list[QAction] = []

    def restyle(self) -> None:
        """Re-apply what was derived from the palette (theme.apply_theme calls it). A
        closed window is left alone: its database may be closed already."""
        if self._closing:
            return
        self.setStyleSheet("")
        self.setStyleSheet(app_style())
        self.label_bar.set_labels(self.labels)
        for v in self.views.values():
            v.set_colors(self.colors)
        if self.session is not None:
            self._update_header()

    def _shortcut_sequences(self) -> list[QKeySequence]:
        keys = [s for a in self.actions_by_name.values() for s in a.shortcuts()]
        return keys + [s for a in self.label_actions for s in a.shortcuts()]

    # ================================================================ labels
    def reload_labels(self) -> None:
        self.labels = self.store.labels()
        self.colors = {lab.name: lab.color for lab in self.labels}
        self.label_bar.set_labels(self.labels)
        for act in self.label_actions:
            self.review_area.removeAction(act)
            act.deleteLater()
        self.label_actions = []
        for lab in self.labels:
            if not lab.hotkey:
                continue
            act = QAction(f"Label {lab.name}", self)
            act.setShortcut(QKeySequence(lab.hotkey.upper()))
            act.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
            act.triggered.connect(lambda _=False, n=lab.name: self.label_pressed(n))
            self.review_area.addAction(act)
            self.label_actions.append(act)
        for v in self.views.values():
            v.set_colors(self.colors)
            v.set_shortcut_keys(self._shortcut_sequences())

    def closeEvent(self, e: QCloseEvent) -> None:
        self._closing = True
        for thread in list(self._agreement_threads):
            thread.wait(30_000)  # its own connection: let it finish before the store goes
        super().closeEvent(e)

    # =============================================================== figures
    def _store_data_version(self) -> int:
        # changes when another connection commits (annotators' edits, imports): a free
        # check before looking at the versions themselves
        return self.store.data_version()

    def check_for_new_versions(self) -> bool:
        """Show the refresh button when the done versions changed since the figures."""
        if self._closing or self.news_button.isVisible():
            return self.news_button.isVisible()
        version = self._store_data_version()
        if version == self._data_version:
            return False
        self._data_version = version
        if done_versions_stamp(self.store) == self._stamp:
            return False
        self.news_button.show()
        return True

    def refresh_figures(self) -> None:
        """Re-read every done version: the document order and the dashboard."""
        self.news_button.hide()
        self._stamp = done_versions_stamp(self.store)
        self._data_version = self._store_data_version()
        names = self.annotator_filter
        rows = document_disagreement(load_done_versions(self.store, names, with_text=False), names)
        titles = self.store.titles()
        golds = gold_statuses(self.store)
        self.doc_model.set_rows([
            DocumentRow(r.doc_id, titles.get(r.doc_id) or "(untitled)", r, golds.get(r.doc_id))
            for r in rows])
        self._compute_agreement(names)
        self._update_progress()
        if self.session is not None:  # the versions may have changed meanwhile
            self.session.reload()
            self.selected = None
            self._rebuild_views()
            self._show_session()
            self._select_doc_row(self.session.doc_id)

    def _compute_agreement(self, names: list[str] | None) -> None:
        """The dashboard's figures tokenise every shared document (kappa, alpha): on a
        team database that takes seconds, so they are computed on a worker thread with
        its own connection while the lead already reviews."""
        if self.store.path is None:  # an in-memory store cannot be opened twice
            self.dashboard.set_result(compute_agreement(load_done_versions(self.store, names), names))
            return
        self.dashboard.summary.setText("Computing the agreement figures…")
        worker = AgreementThread(self.store.path, names)
        worker.computed.connect(self._agreement_computed)
        worker.finished.connect(self._agreement_finished)
        self._agreement_threads.append(worker)
        self._latest_agreement = worker
        worker.start()

    def _agreement_computed(self, result: object) -> None:
        if self.sender() is self._latest_agreement and not self._closing:  # only the latest counts
            assert isinstance(result, AgreementResult)
            self.dashboard.set_result(result)

    def _agreement_finished(self) -> None:
        # A thread is let go only once it has finished: one dropped when its result
        # arrived could be garbage-collected while it was still closing its connection,
        # and Qt aborts the process when a running QThread is destroyed.
        thread = self.sender()
        if thread in self._agreement_threads:
            self._agreement_threads.remove(thread)

    def _update_progress(self) -> None:
        total = len(self.doc_model.rows)
        done = sum(1 for r in self.doc_model.rows if r.gold == Status.DONE)
        self.progress_label.setText(f"Adjudicated {done} of {total}")

    # ============================================================= documents
    def open_first(self) -> None:
        """Open the document with the most disagreement not adjudicated yet."""
        target = self._next_open(-1)
        if target is None and self.doc_model.rows:
            target = self.doc_model.rows[0].doc_id
        if target is not None:
            self.open_document(target)
        else:
            self.title_label.setText("No document has two done versions yet: nothing to review.")

    def open_document(self, doc_id: int) -> None:
        self.session = ReviewSession(self.store, doc_id, self.annotator_filter)
        self.selected = None
        self._rebuild_views()
        self._show_session()
        self._select_doc_row(doc_id)
        self.views[GOLD].setFocus()

    def _rebuild_views(self) -> None:
        s = self.session
        assert s is not None
        wanted = [GOLD, *s.names]
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
                self._add_pane(name)
            sizes = [2] + [1] * len(s.names)
            total = max(1, self.stack.height())
            self.stack.setSizes([total * k // sum(sizes) for k in sizes])
        for v in self.views.values():
            v.set_colors(self.colors)
            v.set_shortcut_keys(self._shortcut_sequences())

    def _add_pane(self, name: str) -> None:
        view = ReviewArticleView(name)
        font = view.font()
        font.setPointSizeF(font.pointSizeF() * 0.85)  # four versions must fit on one screen
        view.setFont(font)
        view.document().setDocumentMargin(10)
        view.set_colors(self.colors)
        header = QLabel()
        header.setObjectName("goldHeader" if name == GOLD else "versionHeader")
        header.setTextFormat(Qt.TextFormat.PlainText)
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
            take_all.setToolTip(f"Take every entity of {name} that overlaps nothing in the gold "
                                "(one undo step)")
            take_all.clicked.connect(lambda _=False, n=name: self.take_all(n))
            row.addWidget(take_all)
        pv.addLayout(row)
        pv.addWidget(view, 1)
        self.stack.addWidget(pane)
        self.views[name] = view
        self.headers[name] = header
        view.clicked.connect(lambda pos, n=name: self._view_clicked(n, pos))
        view.selectionMade.connect(lambda a, b, precise, n=name: self._selection_made(n))
        view.tooltip_for = lambda pos, n=name: self._tooltip(n, pos)
        view.verticalScrollBar().valueChanged.connect(lambda _v, n=name: self._sync_scroll(n))

    def _show_session(self) -> None:
        s = self.session
        assert s is not None
        for name, view in self.views.items():
            spans = s.gold if name == GOLD else s.versions[name]
            view.show_document(s.text, spans, [])
        self._refresh_spans()
        self._update_header()
        self._update_doc_pairs()

    def _refresh_spans(self) -> None:
        """Spans and class bars of every version (after an edit the classes change)."""
        s = self.session
        assert s is not None
        classes = s.classes()
        for name, view in self.views.items():
            if name == GOLD:
                view.reset_spans(s.gold, [])
                view.set_marks([])
            else:
                view.reset_spans(s.versions[name], [])
                view.set_marks([(c.span, c.kind) for c in classes[name]])
        self._show_selection()
        self.legend.set_counts(s.counts())
        self._update_headers()

    def _update_header(self) -> None:
        s = self.session
        assert s is not None
        total = len(self.doc_model.rows)
        row = self.doc_model.row_of(s.doc_id)
        self.title_label.setText(s.document.title or "(untitled)")
        self.title_label.setToolTip(f"Document {s.doc_id}"
                                    + (f", {row + 1} of {total} by disagreement" if row is not None else ""))
        status = s.status
        shown = display(status if status is not None else Status.TODO)
        text = ("gold not started" if status is None else "gold accepted"
                if status == Status.DONE else f"gold {shown.text}")
        color = shown.color
        self.status_badge.setText(f"  #{s.doc_id} · {text}  ")
        self.status_badge.setStyleSheet(
            f"QLabel#statusBadge {{ background: {color}; color: white; border-radius: 9px;"
            " padding: 2px 6px; font-weight: 600; }")
        self._update_hint()

    def _update_headers(self) -> None:
        s = self.session
        assert s is not None
        n = len(s.gold)
        saved = "pre-merged, not saved yet" if s.status is None else display(s.status).text
        self.headers[GOLD].setText(
            f"GOLD ({self.lead}) · {n} entit{'y' if n == 1 else 'ies'} · {saved} — select text "
            "and press a label key; click an entity, then Delete or a label key")
        for name in s.names:
            others = []
            for (a, b), v in s.agreement.pairs.items():
                if name in (a, b):
                    others.append(f"{b if a == name else a} {fmt(v)}")
            k = len(s.versions[name])
            self.headers[name].setText(f"{name} · {k} entit{'y' if k == 1 else 'ies'} · "
                                       f"F1 vs {', '.join(others)} — click an entity to take it")

    def _update_doc_pairs(self) -> None:
        s = self.session
        assert s is not None
        t = self.doc_pairs
        t.clear()
        pairs = list(s.agreement.pairs.items())
        t.setRowCount(len(pairs))
        t.setColumnCount(1)
        t.setHorizontalHeaderLabels(["F1 exact"])
        t.setVerticalHeaderLabels([f"{a} / {b}" for (a, b), _ in pairs])
        for i, (_pair, v) in enumerate(pairs):
            t.setItem(i, 0, cell(fmt(v), score_color(v)))
        fit_height(t)

    def _update_hint(self) -> None:
        sel = self.selected
        if sel is None:
            hint = "Click an entity in a version to take it · Tab: next difference · Enter: accept the gold"
        elif sel[0] == GOLD:
            hint = (f"Gold {sel[1].label} selected: a label key relabels it, Delete removes it, "
                    "Ctrl/Shift+←→ move its edges")
        else:
            hint = (f"{sel[0]}'s {sel[1].label} selected: Space takes it into the gold "
                    "(a label key takes it with that label)")
        self.hint_label.setText(hint)

    def _select_doc_row(self, doc_id: int) -> None:
        select_row(self.doc_view, self.doc_model.row_of(doc_id))

    def _doc_clicked(self, index: QModelIndex) -> None:
        doc_id = self.doc_model.doc_id(index.row())
        if doc_id is not None and (self.session is None or doc_id != self.session.doc_id):
            self.open_document(doc_id)

    def step_document(self, step: int) -> None:
        rows = self.doc_model.rows
        if not rows:
            return
        current = self.doc_model.row_of(self.session.doc_id) if self.session else None
        i = (-1 if step > 0 else len(rows)) if current is None else current
        j = i + step
        if 0 <= j < len(rows):
            self.open_document(rows[j].doc_id)

    def _next_open(self, after_row: int) -> int | None:
        """The next document (in list order, wrapping) whose gold is not done."""
        rows = self.doc_model.rows
        n = len(rows)
        for k in range(1, n + 1):
            r = rows[(after_row + k) % n]
            if r.gold != Status.DONE:
                return r.doc_id
        return None

    # =============================================================== editing
    def push(self, edits: list[ReviewEdit]) -> None:
        """One undo step for a builder's edits (the first change also creates the gold)."""
        if not edits:
            return
        if len(edits) == 1:
            self.undo_stack.push(EditCommand(edits[0], self._apply,
                                             lambda err: show_not_saved(self, err)))
            return
        self.undo_stack.beginMacro(edits[-1].text)
        for e in edits:
            self.undo_stack.push(EditCommand(e, self._apply,
                                             lambda err: show_not_saved(self, err)))
        self.undo_stack.endMacro()

    def _apply(self, edit: ReviewEdit) -> ChangeSet | None:
        if self.session is None or edit.document_id != self.session.doc_id:
            self.open_document(edit.document_id)
        s = self.session
        assert s is not None
        try:
            change = s.apply(edit)
        except EditError as err:
            s.reload()
            self._show_session()
            self.statusBar().showMessage(str(err), 8000)
            raise
        self.saved_label.setText(f"✓ Saved {time.strftime('%H:%M:%S')}")
        self.saved_label.setToolTip("")
        sel = self.selected
        if sel is not None and sel[0] == GOLD and not any(g.key() == sel[1].key() for g in s.gold):
            self.selected = None
        if change.added and len(change.added) == 1 and edit.text.startswith(
                ("Add", "Relabel", "Resize")):
            self.selected = (GOLD, change.added[0])
        self._refresh_spans()
        self._update_header()
        self.doc_model.set_gold(s.doc_id, s.status)
        self._update_progress()
        return change

    def label_pressed(self, name: str) -> None:
        """A label key: label the text selected in any version into the gold, relabel
        the selected gold entity, or take the selected annotator entity with it."""
        s = self.session
        if s is None:
            return
        for view in self.views.values():
            sel = view.selection()
            if sel is not None and sel[0] < sel[1]:
                view.clear_selection()
                self.push(s.add(sel[0], sel[1], name))
                return
        if self.selected is None:
            return
        version, span = self.selected
        if version == GOLD:
            self.push(s.relabel(span, name))
        else:
            self.push(s.take(Span(span.start, span.end, name), version))

    def take_selected(self) -> None:
        if self.session is not None and self.selected is not None and self.selected[0] != GOLD:
            version, span = self.selected
            self.push(self.session.take(span, version))

    def take_all(self, annotator: str) -> None:
        if self.session is not None:
            self.push(self.session.take_all(annotator))

    def delete_selected(self) -> None:
        if self.session is not None and self.selected is not None and self.selected[0] == GOLD:
            span = self.selected[1]
            self.selected = None
            self.push(self.session.delete(span))
            self._show_selection()

    def move_boundary(self, edge: str, step: int) -> None:
        if self.session is not None and self.selected is not None and self.selected[0] == GOLD:
            self.push(self.session.move_boundary(self.selected[1], edge, step))

    def accept_gold(self) -> None:
        """Enter: accept the gold (done) and open the next document not adjudicated."""
        s = self.session
        if s is None:
            return
        doc_id = s.doc_id
        self.push(s.accept())
        row = self.doc_model.row_of(doc_id)
        nxt = self._next_open(row if row is not None else -1)
        if nxt is None:
            self.statusBar().showMessage("Every document is adjudicated. Export with "
                                         "“goldspan export --gold”.", 10000)
            return
        self.open_document(nxt)

    # ------------------------------------------------------------ selection
    def clear_selection(self) -> None:
        for v in self.views.values():
            v.clear_selection()
        self.selected = None
        self._show_selection()

    def _show_selection(self) -> None:
        for name, view in self.views.items():
            span = self.selected[1] if self.selected and self.selected[0] == name else None
            view.set_focus_span(span)
        self._update_hint()

    def _view_clicked(self, version: str, pos: int) -> None:
        s = self.session
        if s is None:
            return
        if version == GOLD:
            span = s.gold_at(pos)
            self.selected = (GOLD, span) if span is not None else None
            self._show_selection()
            return
        item = s.item_at(version, pos)
        if item is None:
            self.clear_selection()
            return
        self.selected = (version, item.span)
        self.push(s.take(item.span, version))
        self._show_selection()

    def _selection_made(self, version: str) -> None:
        # A text selection in one version: the others drop theirs, and a selected
        # entity gives way to it (the label key then labels the text).
        for name, view in self.views.items():
            if name != version:
                view.clear_selection()
        if self.selected is not None:
            self.selected = None
            self._show_selection()

    def step_item(self, step: int) -> None:
        """Tab / Shift+Tab: select the next difference in text order."""
        s = self.session
        if s is None:
            return
        items = s.open_items()
        if not items:
            self.statusBar().showMessage("No differences left in this document: Enter "
                                         "accepts the gold", 5000)
            return
        keys = [(c.span.start, c.span.end, c.annotator) for c in items]
        if self.selected is None or self.selected[0] == GOLD:
            anchor = self.selected[1].start if self.selected else None
            if anchor is None:
                target = items[0] if step > 0 else items[-1]
            else:
                after = [c for c in items if c.span.start > anchor]
                before = [c for c in items if c.span.start < anchor]
                target = (after[0] if after else items[0]) if step > 0 else (before[-1] if before else items[-1])
        else:
            version, span = self.selected
            here = (span.start, span.end, version)
            if here in keys:
                target = items[(keys.index(here) + step) % len(items)]
            else:
                later = [c for c in items if (c.span.start, c.span.end, c.annotator) > here]
                target = later[0] if later and step > 0 else items[0 if step > 0 else -1]
        self.select_item(target)

    def select_item(self, item: Classified) -> None:
        self.selected = (item.annotator, item.span)
        self._show_selection()
        self.views[item.annotator].show_span(item.span)  # the other versions follow

    # ---------------------------------------------------------------- tooltips
    def _tooltip(self, version: str, pos: int) -> str | None:
        tip = self._span_tooltip(version, pos)
        label = self._label_at(version, pos)
        if tip and label is not None and not in_label_set(label, self.colors):
            tip += f"\n{label} is {OUT_OF_SET_HELP}"
        return tip

    def _label_at(self, version: str, pos: int) -> str | None:
        s = self.session
        if s is None:
            return None
        if version == GOLD:
            span = s.gold_at(pos)
            return span.label if span is not None else None
        item = s.item_at(version, pos)
        return item.span.label if item is not None else None

    def _span_tooltip(self, version: str, pos: int) -> str | None:
        s = self.session
        if s is None:
            return None
        text = s.text
        if version == GOLD:
            span = s.gold_at(pos)
            if span is None:
                return None
            src = s.sources(span)
            who = f"as {', '.join(src)} marked it" if src else "by the lead (no annotator has it)"
            return f"{span.label}: “{text[span.start:span.end]}” — in the gold, {who}"
        item = s.item_at(version, pos)
        if item is None:
            return None
        sp = item.span
        others = []
        for name in s.names:
            if name == version:
                continue
            here = [o for o in s.versions[name] if o.start < sp.end and sp.start < o.end]
            if not here:
                others.append(f"{name}: nothing")
            else:
                others.append(f"{name}: " + ", ".join(
                    f"{o.label} “{text[o.start:o.end]}”" for o in here))
        return (f"{sp.label}: “{text[sp.start:sp.end]}” — {KIND_TEXT[item.kind]}: "
                f"{KIND_HELP[item.kind]}\n" + "\n".join(others)
                + ("" if item.kind == ACCEPTED else "\nClick to take it into the gold"))

    # ----------------------------------------------------------------- scroll
    def _sync_scroll(self, source: str) -> None:
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


def open_review(parent: QWidget | None, store: Store, lead: str,
                annotators: list[str] | None = None) -> ReviewWindow:
    """Open the review window (from the main window's menu, or ``goldspan review``).

    With a parent, it is a separate top-level window owned by it (closed with it); the
    caller's store is shared, so both windows see each other's saved changes on reload.
    """
    window = ReviewWindow(store, lead, annotators=annotators, parent=None)
    if parent is not None:
        window.setParent(parent, Qt.WindowType.Window)
    window.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose, parent is not None)
    window.open_first()
    window.show()
    window.raise_()
    window.activateWindow()
    app = QApplication.instance()
    if app is not None:
        app.processEvents()
    if window.session is not None:
        window.views[GOLD].setFocus()
    return window


