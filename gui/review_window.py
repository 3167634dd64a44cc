"""The review window: a lead compares annotators and adjudicates the gold.

Left, the documents with two or more ``done`` versions, most disagreement first
(lowest pairwise F1), and this document's pairwise F1. Centre, the gold (editable like
the annotation view) above the annotators' versions, stacked, read-only, each span
barred in the colour of its class (all agree, disagree, only some, in gold; see the
legend). Right, the agreement figures as coloured tables.

What the lead's keys and clicks do (selection, next difference, which entity to select
after an edit, hint and tooltips) is decided by
:class:`~goldspan.core.sessions.review.ReviewController`; its edits go on the undo
stack through the same :class:`~goldspan.gui.parts.edit_applier.EditApplier` as the
annotation window's, so Ctrl+Z undoes in the database too. The gold is created by the
first change of a document, pre-merged with the spans all annotators agree on;
opening a document writes nothing.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QCloseEvent, QKeySequence
from PySide6.QtWidgets import QApplication, QLabel, QMainWindow, QPushButton, QWidget

from ..core.adjudication import gold_statuses
from ..core.agreement import document_disagreement, load_done_versions
from ..core.edits import ChangeSet, Edit
from ..core.sessions.review import ReviewController, ReviewSession
from ..core.status import Status
from ..core.storage import Store
from ..core.types import GOLD, Span
from .parts.edit_applier import EditApplier
from .parts.elided import ElidedLabel
from .parts.focus import FocusKeeper
from .review_figures import AgreementRunner
from .parts.header import DocumentHeader
from .parts.label_bar import LabelBar
from .parts.work_area import WorkArea
from .review_dashboard import Dashboard
from .review_figures import NewVersionsWatch
from .review_layout import build_layout
from .review_models import DocumentListModel
from .review_panes import DocumentsPane, VersionStack
from .review_view import Legend
from .review_models import DocumentRow
from .review_view import ReviewArticleView
from .shortcuts import REVIEW_SHORTCUTS, Shortcut
from .theme import app_style
from .widgets import add_menu, follow_undo_stack, shortcut_actions, undo_or_explain

__all__ = ["REVIEW_SHORTCUTS", "ReviewWindow", "open_review"]


def keys_text(sc: Shortcut) -> str:
    return " / ".join(sc.keys)


class ReviewWindow(QMainWindow):
    goldChanged = Signal(int)  # a document's gold was edited (undo and redo included)

    # the widgets the window reads, made by review_layout.build_layout
    documents: DocumentsPane
    doc_model: DocumentListModel
    stack: VersionStack
    legend: Legend
    label_bar: LabelBar
    header: DocumentHeader
    hint_label: QLabel
    title_label: QLabel
    dashboard: Dashboard
    news: NewVersionsWatch
    news_button: QPushButton
    review_area: WorkArea
    accept_button: QPushButton
    next_button: QPushButton
    prev_button: QPushButton

    def __init__(self, store: Store, lead_name: str, *, annotators: list[str] | None = None,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.store = store
        self.lead = lead_name
        self.annotator_filter = annotators
        self.ctl = ReviewController(store, annotators)
        self.edits = EditApplier(self, self.ctl, self.open_document, self._show_change,
                                 self._show_session)
        self.undo_stack = self.edits.stack
        self.saved_label = self.edits.saved_label
        self.figures = AgreementRunner(self, store, self._agreement_computed)
        name = Path(str(store.path)).name if store.path else "memory"
        self.setWindowTitle(f"goldspan review — {lead_name} — {name}")
        build_layout(self)
        self._build_actions()
        self.reload_labels()
        self.refresh_figures()
        self.resize(1600, 1000)

    @property
    def session(self) -> ReviewSession | None:
        return self.ctl.session

    @property
    def selected(self) -> tuple[str, Span] | None:
        """(version, span): the version is GOLD or an annotator's name."""
        return self.ctl.selected

    @property
    def views(self) -> dict[str, ReviewArticleView]:
        return self.stack.views

    @property
    def headers(self) -> dict[str, ElidedLabel]:
        return self.stack.headers

    # ================================================================ actions
    def _build_actions(self) -> None:
        handlers = {
            "accept": self.accept_gold,
            "next_doc": lambda: self.step_document(1),
            "prev_doc": lambda: self.step_document(-1),
            "next_item": lambda: self.step_item(1),
            "prev_item": lambda: self.step_item(-1),
            "take": lambda: self.push(self.ctl.take_selected()),
            "delete": lambda: self.push(self.ctl.delete_selected()),
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
        acts = self.actions_by_name = shortcut_actions(
            self, REVIEW_SHORTCUTS, handlers, local_area=self.review_area, keys_text=keys_text)
        follow_undo_stack(self.undo_stack, acts["undo"], acts["redo"])
        for button, name in ((self.accept_button, "accept"), (self.next_button, "next_doc"),
                             (self.prev_button, "prev_doc")):
            button.setToolTip(acts[name].toolTip())
            button.clicked.connect(acts[name].trigger)
        mb = self.menuBar()
        add_menu(mb, "&File", acts, ("close",))
        add_menu(mb, "&Edit", acts, ("undo", "redo", None, "take", "delete", "start_left",
                                     "start_right", "end_left", "end_right", "clear"))
        add_menu(mb, "&Review", acts, ("accept", None, "next_doc", "prev_doc", None, "next_item",
                                       "prev_item", None, "refresh"))
        self.focus_keeper = FocusKeeper(self, self.review_area)

    def restyle(self) -> None:
        """Re-apply what was derived from the palette (theme.apply_theme calls it). A
        closed window is left alone: its database may be closed already."""
        if self.figures.closing:
            return
        self.setStyleSheet("")
        self.setStyleSheet(app_style())
        self.label_bar.set_labels(self.labels)
        for v in self.views.values():
            v.set_colors(self.colors)
        self.header.restyle()
        if self.session is not None:
            self._update_header()

    def _shortcut_sequences(self) -> list[QKeySequence]:
        keys = [s for a in self.actions_by_name.values() for s in a.shortcuts()]
        return keys + [s for a in self.label_bar.key_actions for s in a.shortcuts()]

    # ================================================================ labels
    def reload_labels(self) -> None:
        self.labels = self.store.labels()
        self.ctl.labels.labels = list(self.labels)
        self.colors = {lab.name: lab.color for lab in self.labels}
        self.label_bar.set_labels(self.labels)
        for v in self.views.values():
            v.set_colors(self.colors)
            v.set_shortcut_keys(self._shortcut_sequences())

    def closeEvent(self, e: QCloseEvent) -> None:
        self.news.closing = True
        self.figures.close()
        super().closeEvent(e)

    # =============================================================== figures
    def check_for_new_versions(self) -> bool:
        """Show the refresh button when the done versions changed since the figures."""
        return self.news.check()

    def refresh_figures(self) -> None:
        """Re-read every done version: the document order and the dashboard."""
        self.news.reset()
        names = self.annotator_filter
        rows = document_disagreement(load_done_versions(self.store, names, with_text=False), names)
        titles = self.store.titles()
        golds = gold_statuses(self.store)
        self.doc_model.set_rows([
            DocumentRow(r.doc_id, titles.get(r.doc_id) or "(untitled)", r, golds.get(r.doc_id))
            for r in rows])
        if self.figures.start(names):
            self.dashboard.summary.setText("Computing the agreement figures…")
        self._update_progress()
        if self.session is not None:  # the versions may have changed meanwhile
            self.session.reload()
            self.ctl.selected = None
            self._rebuild_views()
            self._show_session()
            self._select_doc_row(self.session.doc_id)

    def _agreement_computed(self, result: object) -> None:
        self.dashboard.set_result(result)  # type: ignore[arg-type]

    def _update_progress(self) -> None:
        self.documents.update_progress()

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
        self.ctl.open(doc_id)
        self._rebuild_views()
        self._show_session()
        self._select_doc_row(doc_id)
        self.views[GOLD].setFocus()

    def _rebuild_views(self) -> None:
        assert self.session is not None
        self.stack.rebuild(self.session.names, self.colors, self._shortcut_sequences())

    def _connect_pane(self, name: str, view: ReviewArticleView) -> None:
        view.clicked.connect(lambda pos, n=name: self._view_clicked(n, pos))
        view.selectionMade.connect(lambda a, b, precise, n=name: self._selection_made(n))
        view.tooltip_for = lambda pos, n=name: self.ctl.tooltip(n, pos)

    def _view_clicked(self, version: str, pos: int) -> None:
        """A click selects the entity there; in an annotator's version it also takes it."""
        self.push(self.ctl.click(version, pos))
        self._show_selection()

    def _show_session(self) -> None:
        s = self.session
        assert s is not None
        for name, view in self.views.items():
            spans = s.gold if name == GOLD else s.versions[name]
            view.show_document(s.text, spans, [])
        self._refresh_spans()
        self._update_header()
        self.documents.show_pairs(s.agreement)

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
                view.set_marks([(c.span, c.kind) for c in classes[name]])
        self._show_selection()
        self.legend.set_counts(s.counts())
        for name, header in self.headers.items():
            header.setText(self.ctl.pane_header(name, self.lead))

    def _update_header(self) -> None:
        s = self.session
        assert s is not None
        total = len(self.doc_model.rows)
        row = self.doc_model.row_of(s.doc_id)
        self.header.show_title(s.document.title or "(untitled)", f"Document {s.doc_id}" + (
            f", {row + 1} of {total} by disagreement" if row is not None else ""))
        self.header.show_status(f"#{s.doc_id} · {self.ctl.badge_text()}", s.status,
                                widest=f"#{s.doc_id} · gold not started")
        self.hint_label.setText(self.ctl.hint())

    def _select_doc_row(self, doc_id: int) -> None:
        self.documents.select(doc_id)

    def _doc_chosen(self, doc_id: int) -> None:
        if self.session is None or doc_id != self.session.doc_id:
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
    def push(self, edit: Edit | None) -> bool:
        """Apply one edit as one undo step (the first change also creates the gold)."""
        return self.edits.push(edit)

    def _show_change(self, change: ChangeSet) -> None:
        self.goldChanged.emit(change.document_id)  # the annotation window's loop learns it
        s = self.session
        assert s is not None
        self._refresh_spans()
        self._update_header()
        self.doc_model.set_gold(s.doc_id, s.status)
        self._update_progress()

    def label_pressed(self, name: str) -> None:
        """A label key: label the text selected in any version into the gold, relabel
        the selected gold entity, or take the selected annotator entity with it."""
        selection = None
        for view in self.views.values():
            sel = view.selection()
            if sel is not None and sel[0] < sel[1]:
                view.clear_selection()
                selection = sel
                break
        self.push(self.ctl.label_key(name, selection))

    def take_selected(self) -> None:
        self.push(self.ctl.take_selected())

    def take_all(self, annotator: str) -> None:
        if self.session is not None:
            self.push(self.session.take_all(annotator))

    def delete_selected(self) -> None:
        self.push(self.ctl.delete_selected())
        self._show_selection()

    def move_boundary(self, edge: str, step: int) -> None:
        self.push(self.ctl.move_boundary(edge, step))

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
        self.ctl.selected = None
        self._show_selection()

    def _show_selection(self) -> None:
        sel = self.selected
        for name, view in self.views.items():
            view.set_focus_span(sel[1] if sel is not None and sel[0] == name else None)
        self.hint_label.setText(self.ctl.hint())

    def _selection_made(self, version: str) -> None:
        # A text selection in one version: the others drop theirs, and a selected
        # entity gives way to it (the label key then labels the text).
        for name, view in self.views.items():
            if name != version:
                view.clear_selection()
        if self.selected is not None:
            self.ctl.selected = None
            self._show_selection()

    def step_item(self, step: int) -> None:
        """Tab / Shift+Tab: select the next difference in text order."""
        item = self.ctl.step(step)
        if item is None:
            if self.session is not None:
                self.statusBar().showMessage("No differences left in this document: Enter "
                                             "accepts the gold", 5000)
            return
        self._show_selection()
        self.views[item.annotator].show_span(item.span)  # the other versions follow


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


