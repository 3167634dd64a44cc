"""The annotation window: queue on the left, the article in the middle, its entities
on the right, labels on top. Every action runs one core operation (an edit through
the undo stack, or opening a document) and refreshes only what it changed."""

from __future__ import annotations

import time
from functools import partial
from typing import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QModelIndex, Qt
from PySide6.QtGui import QAction, QCloseEvent, QKeySequence, QUndoStack
from PySide6.QtWidgets import (
    QApplication, QCheckBox, QComboBox, QFrame, QHBoxLayout, QLabel,
    QLineEdit, QMainWindow, QProgressBar, QPushButton, QSpinBox, QSplitter, QVBoxLayout, QWidget,
)

from ..core.edits import ChangeSet, DeleteRows, Edit, RestoreRows
from ..core.errors import EditError, StoreError
from ..core.types import Span, Suggestion
from ..core.queue import Queue, QueueFilter
from ..core.session import ArticleSession
from ..core.status import Status, display
from ..core.storage import Store
from .annotator_field import AnnotatorField, ImportedVersionGuard
from .article_view import ArticleView
from .dataset_actions import add_dataset_actions
from .delete_actions import add_delete_actions, apply_rows_edit
from .entity_model import EntityModel
from .help_dialog import KeyboardSheet
from .label_bar import LabelBar
from .queue_model import QueueModel
from .settings import COMMAND_LINE, AnnotatorChoice, choice_for
from .shortcuts import SHORTCUTS, by_name
from .theme import app_style, apply_theme, is_dark
from .undo import EditCommand, show_not_saved
from .widgets import (
    Resize, action_row, fit_columns, follow_undo_stack, hand_back_focus, heading, row_table, select_row,
    shortcut_actions, undo_or_explain,
)

if TYPE_CHECKING:  # pragma: no cover
    from .suggest_worker import SuggestThread

PREFETCH = 3  # documents after the open one whose suggestions are computed ahead
STATUS_FILTERS: tuple[tuple[str, tuple[Status, ...]], ...] = (
    ("All statuses", ()),
    ("Not finished", (Status.TODO, Status.IN_PROGRESS)),
    *((display(s).text.capitalize(), (s,)) for s in Status),
)


class MainWindow(QMainWindow):
    def __init__(
        self,
        store: Store,
        annotator: str,
        *,
        model: str | None = "en_core_web_sm",
        suggest: bool = True,
        annotator_choice: AnnotatorChoice | None = None,
    ) -> None:
        super().__init__()
        self.store = store
        self.annotator = annotator
        self.annotator_choice = annotator_choice or choice_for(annotator)
        self.imported_guard = ImportedVersionGuard(self)
        self.model_name = model
        self.session: ArticleSession | None = None
        self.selected: Span | None = None
        self.active_label: str | None = None
        self.dismissed: set[int] = set()
        self.model_status = "model: not loaded" if suggest else "model: off"
        self.undo_stack = QUndoStack(self)
        self.queue = Queue(store, annotator)
        self.suggester: SuggestThread | None = None
        if suggest and store.path is not None and model:
            self._start_suggester(model)
        self._update_title()
        self._build()
        self._build_actions()
        self.reload_labels()
        self._update_progress()
        self.resize(1400, 860)
        self._restore_view_settings()

    def _update_title(self) -> None:
        """The annotator is in the title too: whose versions this window edits."""
        db = Path(str(self.store.path)).name if self.store.path else "memory"
        only = " (this run only)" if self.annotator_choice.source == COMMAND_LINE else ""
        self.setWindowTitle(f"goldspan — {self.annotator}{only} — {db}")

    def _restore_view_settings(self) -> None:
        from .settings import settings

        steps = int(str(settings().value("zoom", 0) or 0))
        if steps:
            self.view.zoom(steps)

    # ================================================================= layout
    def _build(self) -> None:
        self.label_bar = LabelBar()
        self.label_bar.labelClicked.connect(self.label_pressed)

        # --- queue (left)
        self.filter_edit = QLineEdit(placeholderText="Filter articles…  (Ctrl+F)")
        self.filter_edit.setClearButtonEnabled(True)
        self.filter_edit.textChanged.connect(self._filter_changed)
        self.status_filter = QComboBox()
        for text, _ in STATUS_FILTERS:
            self.status_filter.addItem(text)
        self.status_filter.currentIndexChanged.connect(self._filter_changed)
        self.assigned_box = QCheckBox("Only articles assigned to me")
        self.assigned_box.setToolTip("Limit the queue, Enter's next article and the progress to "
                                     "the articles assigned to you (goldspan assign)")
        self.assigned_box.toggled.connect(self._filter_changed)
        self.fewer_box = QSpinBox()
        self.fewer_box.setRange(0, 99)
        self.fewer_box.setSpecialValueText("Any number of done versions")
        self.fewer_box.setPrefix("Fewer than ")
        self.fewer_box.setSuffix(" done by others")
        self.fewer_box.setToolTip("Only articles that fewer than N other annotators have done "
                                  "(to spread the work, or to reach N versions for agreement)")
        self.fewer_box.valueChanged.connect(self._filter_changed)
        self.queue_model = QueueModel(self.queue)
        # Fixed widths from the font, not ResizeToContents: that measures every row of a
        # column before the first paint (0.17 s on a 25,000-entity article).
        self.queue_view = row_table(
            self.queue_model, "queueView",
            (Resize.Interactive, Resize.Stretch, Resize.Interactive, Resize.Interactive),
            alternating=True,
        )
        fit_columns(self.queue_view, {0: "9999", 2: "in progress", 3: "Entities"}, pad=14)
        self.queue_view.clicked.connect(self._queue_clicked)
        self.queue_view.activated.connect(self._queue_clicked)
        self.progress_label = QLabel()
        self.progress_label.setObjectName("progressLabel")
        self.progress_bar = QProgressBar()
        self.progress_bar.setTextVisible(False)
        self.progress_bar.setMaximumHeight(6)
        left = QWidget()
        lv = QVBoxLayout(left)
        lv.setContentsMargins(8, 8, 4, 8)
        lv.addWidget(heading("Queue"))
        lv.addWidget(self.filter_edit)
        lv.addWidget(self.status_filter)
        lv.addWidget(self.assigned_box)
        lv.addWidget(self.fewer_box)
        lv.addWidget(self.queue_view, 1)
        lv.addWidget(self.progress_label)
        lv.addWidget(self.progress_bar)

        # --- article (centre)
        self.title_label = QLabel()
        self.title_label.setObjectName("articleTitle")
        self.title_label.setWordWrap(True)
        self.title_label.setTextFormat(Qt.TextFormat.PlainText)
        self.status_badge = QLabel()
        self.status_badge.setObjectName("statusBadge")
        head = QHBoxLayout()
        head.addWidget(self.title_label, 1)
        head.addWidget(self.status_badge, 0, Qt.AlignmentFlag.AlignTop)
        self.view = ArticleView()
        self.view.selectionMade.connect(self._selection_made)
        self.view.clicked.connect(self._view_clicked)
        self.accept_button = QPushButton("✓  Accept")
        self.skip_button = QPushButton("Skip")
        self.reject_button = QPushButton("✗  Reject")
        self.accept_button.setObjectName("acceptButton")
        self.hint_label, bottom = action_row(
            (self.reject_button, self.skip_button, self.accept_button))
        centre = QWidget()
        centre.setObjectName("annotateArea")
        cv = QVBoxLayout(centre)
        cv.setContentsMargins(4, 8, 4, 8)
        cv.addWidget(self.label_bar)
        cv.addLayout(head)
        cv.addWidget(self.view, 1)
        cv.addLayout(bottom)
        self.annotate_area = centre

        # --- entities (right)
        self.entity_model = EntityModel()
        self.entity_view = row_table(
            self.entity_model, "entityView",
            (Resize.Stretch, Resize.Interactive, Resize.Interactive),
        )
        fit_columns(self.entity_view, {1: "■ CARDINAL", 2: "Origin"}, pad=14)
        self.entity_view.clicked.connect(self._entity_clicked)
        self.entity_count = QLabel()
        right = QWidget()
        rv = QVBoxLayout(right)
        rv.setContentsMargins(4, 8, 8, 8)
        rv.addWidget(heading("Entities"))
        rv.addWidget(self.entity_view, 1)
        rv.addWidget(self.entity_count)

        splitter = QSplitter()
        splitter.addWidget(left)
        splitter.addWidget(centre)
        splitter.addWidget(right)
        splitter.setStretchFactor(1, 1)
        splitter.setSizes([330, 800, 290])
        splitter.setChildrenCollapsible(False)
        self.setCentralWidget(splitter)

        # --- status bar
        self.annotator_label = AnnotatorField(self.edit_settings)
        self.annotator_label.show_choice(self.annotator_choice)
        self.model_label = QLabel(self.model_status)
        self.saved_label = QLabel("✓ All changes saved")
        self.saved_label.setObjectName("savedLabel")
        sb = self.statusBar()
        sb.addWidget(self.annotator_label)
        sb.addWidget(self._separator())
        sb.addWidget(self.model_label)
        sb.addPermanentWidget(self.saved_label)
        self.setStyleSheet(app_style())

    @staticmethod
    def _separator() -> QFrame:
        f = QFrame()
        f.setFrameShape(QFrame.Shape.VLine)
        f.setFrameShadow(QFrame.Shadow.Sunken)
        return f

    # ================================================================ actions
    def _build_actions(self) -> None:
        handlers = {
            "accept": lambda: self.finish(Status.DONE),
            "skip": lambda: self.finish(Status.SKIPPED),
            "reject": lambda: self.finish(Status.REJECTED),
            "next_doc": lambda: self._step_document(1),
            "prev_doc": lambda: self._step_document(-1),
            "next_span": lambda: self._step_span(1),
            "prev_span": lambda: self._step_span(-1),
            "delete_span": self.delete_selected,
            "start_left": lambda: self.move_boundary("start", -1),
            "start_right": lambda: self.move_boundary("start", 1),
            "end_left": lambda: self.move_boundary("end", -1),
            "end_right": lambda: self.move_boundary("end", 1),
            "accept_offered": self.accept_all_offered,
            "dismiss_offered": self.dismiss_offered,
            "clear": self.clear_selection,
            "undo": lambda: undo_or_explain(self.undo_stack, self.statusBar()),
            "redo": self.undo_stack.redo,
            "find": self._focus_filter,
            "zoom_in": lambda: self._zoom(1),
            "zoom_out": lambda: self._zoom(-1),
            "zoom_reset": self._zoom_reset,
            "dark": self.toggle_dark,
            "help_keys": self.show_keyboard_sheet,
            "review": self.open_review,
            "quit": self.close,
        }
        # Keys that edit the article work while the article area has focus, so typing
        # in the filter box never accepts an article.
        local = {"accept", "skip", "reject", "next_span", "prev_span", "delete_span",
                 "start_left", "start_right", "end_left", "end_right", "accept_offered",
                 "clear"}
        self.actions_by_name = shortcut_actions(
            self, SHORTCUTS, handlers, local=local, local_area=self.annotate_area)
        follow_undo_stack(self.undo_stack, self.actions_by_name["undo"], self.actions_by_name["redo"])

        for button, name in ((self.accept_button, "accept"), (self.skip_button, "skip"),
                             (self.reject_button, "reject")):
            sc = by_name(name)
            button.setToolTip(f"{sc.help}  [{' / '.join(sc.keys)}]")
            button.clicked.connect(self.actions_by_name[name].trigger)

        # label hotkeys
        self.label_actions: list[QAction] = []

        mb = self.menuBar()
        m_file = mb.addMenu("&File")
        m_file.addAction(self.actions_by_name["quit"])
        add_dataset_actions(self, m_file)
        m_edit = mb.addMenu("&Edit")
        for n in ("undo", "redo", None, "delete_span", "start_left", "start_right", "end_left",
                  "end_right", None, "accept_offered", "dismiss_offered", "clear"):
            m_edit.addSeparator() if n is None else m_edit.addAction(self.actions_by_name[n])
        m_art = mb.addMenu("&Article")
        for n in ("accept", "skip", "reject", None, "next_doc", "prev_doc", None, "next_span", "prev_span"):
            m_art.addSeparator() if n is None else m_art.addAction(self.actions_by_name[n])
        add_delete_actions(self, m_art)
        m_view = mb.addMenu("&View")
        for n in ("find", None, "zoom_in", "zoom_out", "zoom_reset", None, "dark"):
            m_view.addSeparator() if n is None else m_view.addAction(self.actions_by_name[n])
        m_project = mb.addMenu("&Project")
        labels_action = QAction("Labels…", self)
        labels_action.setToolTip("Edit the label set: names, colours, hotkeys, descriptions")
        labels_action.triggered.connect(self.edit_labels)
        m_project.addAction(labels_action)
        self.actions_by_name["labels"] = labels_action
        settings_action = QAction("Settings…", self)
        settings_action.setToolTip("Annotator name and the spaCy pipeline that suggests")
        settings_action.triggered.connect(self.edit_settings)
        m_project.addAction(settings_action)
        self.actions_by_name["settings"] = settings_action
        m_project.addAction(self.actions_by_name["review"])
        stats_action = QAction("Statistics…", self)
        stats_action.setToolTip("How good the model's suggestions are against the gold, per label")
        stats_action.triggered.connect(self.show_statistics)
        m_project.addAction(stats_action)
        self.actions_by_name["statistics"] = stats_action
        m_help = mb.addMenu("&Help")
        m_help.addAction(self.actions_by_name["help_keys"])
        self._refresh_view_keys()

    def _refresh_view_keys(self) -> None:
        keys = [s for act in self.actions_by_name.values() for s in act.shortcuts()]
        keys += [s for act in self.label_actions for s in act.shortcuts()]
        self.view.set_shortcut_keys(keys)

    # ================================================================ labels
    def reload_labels(self) -> None:
        labels = self.store.labels()
        self.labels = labels
        colors = {lab.name: lab.color for lab in labels}
        self.view.set_colors(colors)
        self.entity_model.colors = colors
        self.label_bar.set_labels(labels)
        for act in self.label_actions:
            self.annotate_area.removeAction(act)
            act.deleteLater()
        self.label_actions = []
        for lab in labels:
            if not lab.hotkey:
                continue
            act = QAction(f"Label {lab.name}", self)
            act.setShortcut(QKeySequence(lab.hotkey.upper()))
            act.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
            act.triggered.connect(lambda _=False, n=lab.name: self.label_pressed(n))
            self.annotate_area.addAction(act)
            self.label_actions.append(act)
        self.label_bar.set_active(self.active_label)
        self._refresh_view_keys()
        if self.session is not None:
            self._show_session(keep_scroll=True)

    def open_review(self) -> None:
        """Project → Review and adjudicate: the review window on this database."""
        from .review_window import open_review

        self.review_window = open_review(self, self.store, self.annotator)

    def show_statistics(self) -> None:
        from .stats_panel import StatsDialog

        StatsDialog(self.store, self).exec()

    def edit_labels(self) -> None:
        from .labels_dialog import LabelsDialog

        if LabelsDialog(self.store, self).exec():
            # Renames rewrote spans: edits on the undo stack name the old labels.
            self.undo_stack.clear()
            if self.session is not None:
                self.session.reload()
            self.reload_labels()

    def label_pressed(self, name: str) -> None:
        """A label key or button: label the selection, relabel the selected entity, or
        make it the active label."""
        s = self.session
        if s is None:
            return
        sel = self.view.selection()
        if sel is not None and sel[0] < sel[1]:
            self.edit(lambda: s.add(sel[0], sel[1], name, snap=not self._precise))
            self.view.clear_selection()
        elif self.selected is not None:
            selected = self.selected
            self.edit(lambda: s.relabel(selected, name))
        else:
            self.active_label = None if self.active_label == name else name
            self.label_bar.set_active(self.active_label)
            self._update_hint()
        self.view.setFocus()

    _precise = False

    # ============================================================= documents
    def open_document(self, doc_id: int) -> None:
        self.session = ArticleSession(self.store, doc_id, self.annotator)
        self.selected = None
        self._show_session()
        self._select_queue_row(doc_id)
        self._request_suggestions(doc_id)
        self.view.setFocus()

    def open_first(self, doc_id: int | None = None) -> None:
        """Open ``doc_id``, else the first article this annotator has not finished."""
        target = doc_id if doc_id is not None else self.queue.next_unfinished()
        if target is None and self.store.document_count():
            target = self.store.document_ids()[0]
        if target is not None:
            self.open_document(target)
        else:
            self._show_empty()

    def _show_empty(self) -> None:
        self.title_label.setText("No articles yet — File → Import… (Ctrl+I), or “goldspan import PATH”.")
        self.view.show_document("", [], [])

    def _show_session(self, keep_scroll: bool = False) -> None:
        s = self.session
        assert s is not None
        scroll = self.view.verticalScrollBar().value()
        offered = self._offered()
        self.view.show_document(s.text, s.spans, offered)
        if keep_scroll:
            self.view.verticalScrollBar().setValue(scroll)
        self.entity_model.set_items(s.text, s.spans, offered)
        self._update_header()
        self._update_hint()
        if self.suggester is None:
            self.model_label.setText(
                f"suggestions: {s.model}" if s.model else "suggestions: none (model off)"
            )

    def _offered(self) -> list[Suggestion]:
        s = self.session
        if s is None or s.doc_id in self.dismissed:
            return []
        return s.offered()

    def _update_header(self) -> None:
        s = self.session
        if s is None:
            return
        self.title_label.setText(f"{s.document.title or '(untitled)'}")
        self.title_label.setToolTip(f"Article {s.doc_id} of {self.queue_model.total_documents}")
        status = s.status
        shown = display(status)
        self.status_badge.setText(f"  #{s.doc_id} · {shown.text}  ")
        color = shown.color
        if self.status_badge.property("color") != color:  # (a restyle at every edit cost)
            self.status_badge.setProperty("color", color)
            self.status_badge.setStyleSheet(
                f"QLabel#statusBadge {{ background: {color}; color: white; border-radius: 9px;"
                " padding: 2px 6px; font-weight: 600; }"
            )
        n = len(s.spans)
        n_offered = self.entity_model.rowCount() - self.entity_model.n_spans
        self.entity_count.setText(f"{n} entit{'y' if n == 1 else 'ies'}"
                                  + (f" · {n_offered} offered" if n_offered else ""))

    def _update_hint(self) -> None:
        if self.selected is not None:
            hint = (f"{self.selected.label} selected: label key relabels · Delete removes · "
                    "Ctrl/Shift+←→ move edges")
        elif self.active_label:
            hint = f"Active label {self.active_label}: select text to label it (Esc to stop)"
        else:
            hint = "Select text, then press a label key · Enter accepts the article"
        self.hint_label.setText(hint)

    def _step_document(self, step: int) -> None:
        if self.session is None:
            return
        nxt = self.queue.neighbour(self.session.doc_id, step)
        if nxt is not None:
            self.open_document(nxt)

    def finish(self, status: Status) -> None:
        """Accept, skip or reject the article, then open the next one not finished."""
        s = self.session
        if s is None:
            return
        doc_id = s.doc_id
        if not self.edit(lambda: s.set_status(status)):
            return  # stay on the article: nothing was changed
        if status == Status.DONE and self.suggester is not None:
            self.suggester.learn(s.text, list(s.spans))  # before the next article's request
        nxt = self.queue.next_unfinished(after=doc_id)
        if nxt is None:
            self.statusBar().showMessage("Every article is finished. Well done!", 8000)
            return
        self.open_document(nxt)

    # =============================================================== editing
    def apply_edit(self, edit: Edit | None) -> bool:
        """Push one edit; False when there is none, or the analyst chose not to edit
        an imported version (see annotator_field.ImportedVersionGuard)."""
        if edit is None:
            return False
        if self.session is not None and not self.imported_guard.allows(self.session):
            return False
        self.undo_stack.push(EditCommand(edit, self._apply, lambda e: show_not_saved(self, e)))
        return True

    def edit(self, build: Callable[[], Edit | None]) -> bool:
        """Build an edit of the open article and apply it. The imported-version guard
        asks first (building may write: the first edit creates the analyst's version).
        A build the database refuses (the article was deleted by another process,
        goldspan delete) is said in the status bar, where the error used to escape the
        key handler and the edit was silently lost. False when nothing was applied."""
        if self.session is not None and not self.imported_guard.allows(self.session):
            return False
        try:
            edit = build()
        except EditError as err:
            self.statusBar().showMessage(str(err), 8000)
            return False
        return self.apply_edit(edit)

    def _apply(self, edit: Edit) -> ChangeSet | None:
        if isinstance(edit, (DeleteRows, RestoreRows)):
            return apply_rows_edit(self, edit)
        if self.session is None or edit.document_id != self.session.doc_id:
            try:
                self.open_document(edit.document_id)
            except StoreError as err:  # deleted elsewhere (goldspan delete, another window)
                self.statusBar().showMessage(str(err), 8000)
                raise EditError(err.message) from None
        s = self.session
        assert s is not None
        status_before = s.status
        try:
            change = s.apply(edit)
        except EditError as err:
            s.reload()
            self._show_session(keep_scroll=True)
            self.statusBar().showMessage(str(err), 8000)
            raise
        self._saved()
        if change.removed or change.added:
            self.view.refresh_spans(list(change.removed), list(change.added), s.spans)
            if self.selected is not None and any(r.key() == self.selected.key() for r in change.removed):
                self.selected = None
            if len(change.added) == 1:
                self.selected = change.added[0]
            self.view.set_selected_span(self.selected)
            offered = self._offered()
            self.entity_model.apply_change(list(change.removed), list(change.added))
            if offered or self.entity_model.rowCount() != self.entity_model.n_spans:
                self.view.set_offered(offered)
                self.entity_model.set_offered(offered)
            self._select_entity_row()
        self._update_header()
        self._update_hint()
        self.queue_model.refresh_document(s.doc_id)
        if s.status != status_before:  # progress counts statuses only
            self._update_progress()
        return change

    def _saved(self) -> None:
        self.saved_label.setText(f"✓ Saved {time.strftime('%H:%M:%S')}")
        self.saved_label.setToolTip("")

    def delete_selected(self) -> None:
        if self.session is not None and self.selected is not None:
            session, selected = self.session, self.selected
            if not self.edit(lambda: session.delete(selected)):
                return
            self.selected = None
            self.view.set_selected_span(None)
            self._update_hint()

    def move_boundary(self, edge: str, step: int) -> None:
        if self.session is not None and self.selected is not None:
            session, selected = self.session, self.selected
            self.edit(lambda: session.move_boundary(selected, edge, step))

    def accept_all_offered(self) -> None:
        s = self.session
        if s is None:
            return
        todo = [sug for sug in self._offered()
                if not any(sp.overlaps(sug.start, sug.end) for sp in s.spans)]
        if not todo or not self.imported_guard.allows(s):
            return
        self.undo_stack.beginMacro(f"Accept {len(todo)} offered")  # one Ctrl+Z undoes all
        try:
            for sug in todo:
                if not any(sp.overlaps(sug.start, sug.end) for sp in s.spans):
                    self.edit(partial(s.accept_offered, sug))
        finally:
            self.undo_stack.endMacro()

    def dismiss_offered(self) -> None:
        if self.session is not None:
            self.dismissed.add(self.session.doc_id)
            self._show_session(keep_scroll=True)

    def clear_selection(self) -> None:
        self.view.clear_selection()
        self.select_span(None)
        self.active_label = None
        self.label_bar.set_active(None)
        self._update_hint()

    def select_span(self, span: Span | None) -> None:
        self.selected = span
        self.view.set_selected_span(span)
        self._select_entity_row()
        self._update_hint()

    def _step_span(self, step: int) -> None:
        s = self.session
        if s is None or not s.spans:
            return
        if self.selected is None:
            target = s.spans[0] if step > 0 else s.spans[-1]
        else:
            keys = [x.key() for x in s.spans]
            try:
                i = keys.index(self.selected.key())
            except ValueError:
                i = -1 if step > 0 else 0
            target = s.spans[(i + step) % len(s.spans)]
        self.select_span(target)

    def _select_entity_row(self) -> None:
        select_row(self.entity_view,
                   self.entity_model.row_of(self.selected) if self.selected is not None else None)

    # ------------------------------------------------------------ view events
    def _selection_made(self, start: int, end: int, precise: bool) -> None:
        self._precise = precise
        if self.selected is not None:
            self.select_span(None)
        if self.active_label and self.session is not None:
            session, label = self.session, self.active_label
            self.edit(lambda: session.add(start, end, label, snap=not precise))
            self.view.clear_selection()

    def _view_clicked(self, pos: int) -> None:
        s = self.session
        if s is None:
            return
        # A click on a label chip lands just after the span's last character (the chip
        # sits in that character's letter spacing): it selects the span too.
        span = s.span_at(pos) or (s.span_at(pos - 1) if pos > 0 else None)
        if span is not None:
            self.select_span(span)
            return
        if s.doc_id not in self.dismissed:
            sug = s.offered_at(pos)
            if sug is not None:
                self.edit(partial(s.accept_offered, sug))
                return
        self.select_span(None)

    def _entity_clicked(self, index: QModelIndex) -> None:
        item = self.entity_model.item(index.row())
        s = self.session
        if item is None or s is None:
            return
        if isinstance(item, Span):
            self.select_span(item)
        else:
            self.edit(lambda: s.accept_offered(item))
        self.view.setFocus()

    # ================================================================= queue
    def _queue_clicked(self, index: QModelIndex) -> None:
        doc_id = self.queue_model.data(index, Qt.ItemDataRole.UserRole)
        if doc_id is not None and (self.session is None or doc_id != self.session.doc_id):
            self.open_document(int(doc_id))
        self.view.setFocus()

    def _select_queue_row(self, doc_id: int) -> None:
        select_row(self.queue_view, self.queue.row_of(doc_id))

    def _filter_changed(self, *_: object) -> None:
        statuses = STATUS_FILTERS[self.status_filter.currentIndex()][1]
        fewer = self.fewer_box.value() or None
        self.queue_model.set_filter(QueueFilter(statuses, self.filter_edit.text().strip(),
                                                self.assigned_box.isChecked(), fewer))
        self._update_progress()
        if self.session is not None:
            self._select_queue_row(self.session.doc_id)

    def _focus_filter(self) -> None:
        self.filter_edit.setFocus()
        self.filter_edit.selectAll()

    def _update_progress(self) -> None:
        p = self.queue.progress()
        self.progress_bar.setMaximum(max(1, p.total))
        self.progress_bar.setValue(p.finished)
        extra = []
        for status in (Status.SKIPPED, Status.REJECTED):
            if p.counts.get(status):
                extra.append(f"{p.counts[status]} {display(status).text}")
        self.progress_label.setText(
            f"Done {p.done} of {p.total}" + (f"  ({', '.join(extra)})" if extra else "")
        )

    # ============================================================ suggestions
    def _start_suggester(self, model: str) -> None:
        from .suggest_worker import SuggestThread

        assert self.store.path is not None
        self.model_name = model
        suggester = self.suggester = SuggestThread(self.store.path, model)
        suggester.worker.modelLoaded.connect(self._model_loaded)
        suggester.worker.suggested.connect(self._suggested)
        suggester.worker.failed.connect(self._suggest_failed)
        suggester.worker.busy.connect(self._suggest_busy)
        self.model_status = f"model: {model} (not loaded)"

    def switch_model(self, model: str) -> None:
        """Suggest with another pipeline from now on, without a restart: documents
        this model has not seen get its suggestions when they are opened."""
        if self.suggester is not None:
            self.suggester.shutdown()
            self.suggester = None
        if self.store.path is None:
            return
        self._start_suggester(model)
        self.model_label.setText(self.model_status)
        if self.session is not None:
            self._request_suggestions(self.session.doc_id)

    def switch_annotator(self, annotator: str) -> None:
        """Work as someone else from now on: their queue, their versions."""
        self.annotator = annotator
        self.annotator_choice = choice_for(annotator)
        self.annotator_label.show_choice(self.annotator_choice)
        self._update_title()
        self.queue = Queue(self.store, annotator, self.queue.filter)
        self.queue_model.queue = self.queue
        self.queue_model.reload()
        self.undo_stack.clear()
        self._update_progress()
        if self.session is not None:
            self.open_document(self.session.doc_id)

    def edit_settings(self) -> None:
        from .settings import save_annotator, settings
        from .settings_dialog import SettingsDialog

        choice = self.annotator_choice
        note = (f"This window works as {choice.name} for this run only (--annotator); the saved "
                f"annotator is {choice.saved or 'none'}. OK saves the name above for the next "
                "starts." if choice.source == COMMAND_LINE else "")
        dialog = SettingsDialog(self.annotator, self.model_name or "en_core_web_sm", self,
                                annotator_note=note)
        if not dialog.exec():
            return
        annotator, model = dialog.values()
        s = settings()
        save_annotator(annotator)  # the one place the saved annotator changes
        s.setValue("model", model)
        if annotator != self.annotator:
            self.switch_annotator(annotator)
        else:  # saved now: no longer "this run only"
            self.annotator_choice = choice_for(annotator)
            self.annotator_label.show_choice(self.annotator_choice)
            self._update_title()
        if model != self.model_name or self.suggester is None:
            self.switch_model(model)

    def _request_suggestions(self, doc_id: int) -> None:
        if self.suggester is None:
            return
        ids = [doc_id]
        nxt: int | None = doc_id
        for _ in range(PREFETCH):
            assert nxt is not None
            nxt = self.queue.next_unfinished(after=nxt)
            if nxt is None or nxt in ids:
                break
            ids.append(nxt)
        self.suggester.request(ids)

    def _model_loaded(self, model_id: str, labels: list[str]) -> None:
        if self._closed:
            return
        self.model_status = f"model: {model_id}"
        self.model_label.setText(self.model_status)
        if not self.labels:
            self.reload_labels()

    def _suggest_busy(self, busy: bool) -> None:
        if busy and "loading" not in self.model_status and "@" not in self.model_status:
            self.model_label.setText(f"model: loading {self.model_name}…")
        elif not busy:
            self.model_label.setText(self.model_status)

    def _suggested(self, doc_id: int, model_id: str) -> None:
        if self._closed:  # a result queued before the window closed
            return
        self.queue_model.refresh_document(doc_id)
        s = self.session
        if s is None or s.doc_id != doc_id:
            return
        if s.suggestions_arrived() or self._offered():
            if not s.edited:
                self.selected = None
            self._show_session(keep_scroll=True)
            self.view.set_selected_span(self.selected)

    def _suggest_failed(self, message: str) -> None:
        self.model_status = "model: unavailable"
        self.model_label.setText(self.model_status)
        self.model_label.setToolTip(message)
        self.statusBar().showMessage(message, 10000)

    # ================================================================== misc
    def _zoom(self, steps: int) -> None:
        from .settings import settings

        self.view.zoom(steps)
        settings().setValue("zoom", self.view.zoom_steps)

    def _zoom_reset(self) -> None:
        self._zoom(-self.view.zoom_steps)

    def toggle_dark(self) -> None:
        from .settings import settings

        dark = not is_dark()
        apply_theme(QApplication.instance(), dark)  # restyles this window and the review's
        settings().setValue("dark", dark)

    def restyle(self) -> None:
        """Re-apply what was derived from the palette (theme.apply_theme calls it). A
        closed window is left alone: its database may be closed already."""
        if self._closed:
            return
        self.setStyleSheet("")
        self.setStyleSheet(app_style())  # re-polishes every child with the new palette
        self.view.set_colors({lab.name: lab.color for lab in self.labels})  # re-highlights
        self.label_bar.set_labels(self.labels)
        self.label_bar.set_active(self.active_label)
        self.status_badge.setProperty("color", None)
        self._update_header()

    def show_keyboard_sheet(self) -> None:
        """F1: the sheet, with this project's label keys; opened, not exec()-ed."""
        sheet = KeyboardSheet(self, self.labels)
        sheet.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        hand_back_focus(sheet)
        sheet.open()
        self.keyboard_sheet = sheet

    _closed = False

    def closeEvent(self, e: QCloseEvent) -> None:
        self._closed = True
        self.hide()  # gone at once: stopping the model's process takes a few hundred ms
        if self.suggester is not None:
            self.suggester.shutdown()
            self.suggester = None
        super().closeEvent(e)


