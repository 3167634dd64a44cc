"""The annotation window: queue on the left, the article in the middle, its entities
on the right, labels on top. What the window does with the article (selection, active
label, Tab, the hint, tooltips, the entity menu, which entity to select after an
edit) is decided by :class:`~goldspan.core.sessions.annotate.AnnotateController`; the
window turns keys, clicks and menus into its calls, puts the edits it returns on the
undo stack (:class:`~goldspan.gui.parts.edit_applier.EditApplier`) and refreshes only
what each ChangeSet says changed."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtGui import QAction, QCloseEvent
from PySide6.QtWidgets import QLabel, QMainWindow, QTableView

from ..core.edits import ChangeSet, Edit
from ..core.queue import Queue
from ..core.sessions.annotate import AnnotateController, ArticleSession
from ..core.status import DISPLAY, Status, display
from ..core.storage import Store
from ..core.types import Span, Suggestion
from .annotator_field import ImportedVersionGuard
from .annotate_actions import build_actions, open_review, show_keyboard_sheet, toggle_dark
from .annotate_layout import build_layout
from .annotate_menu import EntityMenus
from .article_view import ArticleView
from .entities_pane import EntitiesPane
from .entity_model import EntityModel
from .parts.header import DocumentHeader
from .parts.label_bar import LabelBar
from .queue_model import QueueModel
from .queue_pane import QueuePane
from .model_link import ModelLink
from .learning_status import LearningController  # learning hook
from .window_settings import switch_annotator
from .delete_actions import apply_rows_edit
from .parts.edit_applier import EditApplier
from .settings import COMMAND_LINE, AnnotatorChoice, choice_for
from .theme import app_style
from .widgets import (
    select_row,
)

if TYPE_CHECKING:  # pragma: no cover
    from .suggest_worker import SuggestThread

WIDEST_STATUS = max((d.text for d in DISPLAY.values()), key=len)


class MainWindow(EntityMenus, QMainWindow):
    # the widgets the window reads, made by annotate_layout.build_layout
    queue_pane: QueuePane
    queue_model: QueueModel
    view: ArticleView
    label_bar: LabelBar
    header: DocumentHeader
    hint_label: QLabel
    entities: EntitiesPane
    entity_model: EntityModel
    entity_view: QTableView

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
        self._model_name = model
        self.actions_by_name: dict[str, QAction] = {}  # (build_actions fills it)
        self.ctl = AnnotateController(store, annotator)
        self.edits = EditApplier(self, self.ctl, self.open_document, self._show_change,
                                 lambda: self._show_session(keep_scroll=True),
                                 rows=lambda edit: apply_rows_edit(self, edit))
        self.undo_stack = self.edits.stack
        self.saved_label = self.edits.saved_label
        self.queue = Queue(store, annotator)
        self.models = ModelLink(self, self.statusBar(), self._suggested, self._model_loaded, on=suggest)
        self.model_label = self.models.label
        self.learning = LearningController(self)  # learning hook
        if suggest and store.path is not None and model:
            self._start_suggester(model)
        self._update_title()
        build_layout(self)
        build_actions(self)
        self.reload_labels()
        self._update_progress()
        self.resize(1400, 860)
        self._restore_view_settings()

    # the controller's state, as the rest of the GUI (and the tests) name it
    @property
    def session(self) -> ArticleSession | None:
        return self.ctl.session

    @session.setter
    def session(self, value: None) -> None:
        self.ctl.close()

    @property
    def selected(self) -> Span | None:
        return self.ctl.selected

    @selected.setter
    def selected(self, span: Span | None) -> None:
        self.ctl.select(span)

    @property
    def active_label(self) -> str | None:
        return self.ctl.active_label

    @property
    def dismissed(self) -> set[int]:
        return self.ctl.dismissed

    @property
    def suggester(self) -> SuggestThread | None:
        return self.models.suggester

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

    # ================================================================ actions
    def refresh_view_keys(self) -> None:
        keys = [s for act in self.actions_by_name.values() for s in act.shortcuts()]
        keys += [s for act in self.label_bar.key_actions for s in act.shortcuts()]
        self.view.set_shortcut_keys(keys)

    # ================================================================ labels
    def reload_labels(self) -> None:
        labels = self.labels = self.store.labels()
        self.ctl.set_labels(labels)
        colors = {lab.name: lab.color for lab in labels}
        self.view.set_colors(colors)
        self.entity_model.colors = colors
        self.label_bar.set_labels(labels)
        self.label_bar.set_active(self.active_label)
        self.refresh_view_keys()
        if self.session is not None:
            self._show_session(keep_scroll=True)

    def open_review(self) -> None:
        open_review(self)

    def label_pressed(self, name: str) -> None:
        """A label key or button: label the selection, relabel the selected entity, or
        make it the active label."""
        if self.session is None:
            return
        sel = self.view.selection()
        edit = self.ctl.label_key(name, sel, self._precise)
        if sel is not None and sel[0] < sel[1]:
            self.apply_edit(edit)
            self.view.clear_selection()
        elif edit is not None:
            self.apply_edit(edit)
        else:
            self._show_selection()
        self.view.setFocus()

    _precise = False

    # ============================================================= documents
    def open_document(self, doc_id: int) -> None:
        self.ctl.open(doc_id)
        self._show_session()
        self.queue_pane.select(doc_id)
        self.models.request(doc_id, self.queue)
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
        self.header.show_title("No articles yet — File → Import… (Ctrl+I), or “goldspan import PATH”.")
        self.view.show_document("", [], [])

    def _show_session(self, keep_scroll: bool = False) -> None:
        s = self.session
        assert s is not None
        scroll = self.view.verticalScrollBar().value()
        offered = self.ctl.offered()
        self.view.show_document(s.text, s.spans, offered)
        if keep_scroll:
            self.view.verticalScrollBar().setValue(scroll)
        self.entity_model.set_items(s.text, s.spans, offered)
        self._update_header()
        self._show_selection()
        if self.suggester is None:
            self.model_label.setText(
                f"suggestions: {s.model}" if s.model else "suggestions: none (model off)"
            )

    def _update_header(self) -> None:
        s = self.session
        if s is None:
            return
        self.header.show_title(s.document.title or "(untitled)",
                               f"Article {s.doc_id} of {self.queue_model.total_documents}")
        self.header.show_status(f"#{s.doc_id} · {display(s.status).text}", s.status,
                                widest=f"#{s.doc_id} · {WIDEST_STATUS}")
        self.entities.show_count()

    def _show_selection(self) -> None:
        """Show the controller's selection, active label and hint."""
        self.view.set_selected_span(self.selected)
        select_row(self.entity_view,
                   self.entity_model.row_of(self.selected) if self.selected is not None else None)
        self.label_bar.set_active(self.active_label)
        self.hint_label.setText(self.ctl.hint())

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
        from .accept_check import confirm_accept, end_accept  # (its dialog: when needed)

        if status == Status.DONE and not confirm_accept(self, s):  # learning hook
            return
        accepted = self.apply_edit(self.ctl.finish(status))
        end_accept(self)  # learning hook
        if not accepted:
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
        """Push one edit; False when there is none, the analyst chose not to edit an
        imported version (see annotator_field.ImportedVersionGuard), or the database
        refused it (the status bar says why)."""
        if edit is None:
            return False
        if self.session is not None and not self.imported_guard.allows(self.session):
            return False
        return self.edits.push(edit)

    def _show_change(self, change: ChangeSet) -> None:
        """Refresh what an applied edit changed, from its ChangeSet alone."""
        self.learning.after_change(change)  # learning hook
        s = self.session
        if s is None or change.deleted or change.restored or change.document_id != s.doc_id:
            return
        if change.note:
            self.statusBar().showMessage(f"{change.note} · Ctrl+Z undoes all of it", 10000)
        if change.removed or change.added:
            self.view.refresh_spans(change.removed, change.added, s.spans)
            offered = self.ctl.offered()
            if offered or self.entity_model.offered:
                self.view.set_offered(offered)
                self.entity_model.set_offered(offered)
        self._update_header()
        self._show_selection()
        self.queue_model.refresh_document(s.doc_id)
        if change.status is not None or change.created is not None or change.dropped:
            self._update_progress()  # progress counts statuses only

    def delete_selected(self) -> None:
        self.apply_edit(self.ctl.delete_selected())

    def move_boundary(self, edge: str, step: int) -> None:
        self.apply_edit(self.ctl.move_boundary(edge, step))

    def accept_all_offered(self) -> None:
        self.apply_edit(self.ctl.accept_all_offered())  # one edit: one Ctrl+Z undoes all

    def dismiss_offered(self) -> None:
        if self.session is not None:
            self.ctl.dismiss_offered()
            self._show_session(keep_scroll=True)

    def clear_selection(self) -> None:
        self.view.clear_selection()
        self.ctl.clear()
        self._show_selection()

    def select_span(self, span: Span | None) -> None:
        self.ctl.select(span)
        self._show_selection()

    def _step_span(self, step: int) -> None:
        self.ctl.step(step)
        self._show_selection()

    # ------------------------------------------------------------ view events
    def _selection_made(self, start: int, end: int, precise: bool) -> None:
        self._precise = precise
        active = self.active_label
        edit = self.ctl.text_selected(start, end, precise)
        self._show_selection()
        if active:
            self.apply_edit(edit)
            self.view.clear_selection()

    def _view_clicked(self, pos: int) -> None:
        if not self.apply_edit(self.ctl.click(pos)):
            self._show_selection()

    def _entity_clicked(self, item: Span | Suggestion) -> None:
        if isinstance(item, Span):
            self.select_span(item)
        elif self.session is not None:
            self.apply_edit(self.session.accept_offered(item))
        self.view.setFocus()

    # ========================================================= queue, model
    def _queue_chosen(self, doc_id: int) -> None:
        if self.session is None or doc_id != self.session.doc_id:
            self.open_document(doc_id)
        self.view.setFocus()

    def _filtered(self) -> None:
        if self.session is not None:
            self.queue_pane.select(self.session.doc_id)

    def _update_progress(self) -> None:
        self.queue_pane.update_progress()

    @property
    def model_name(self) -> str | None:
        return self.models.name or self._model_name

    def _start_suggester(self, model: str) -> None:
        assert self.store.path is not None
        self.models.start(self.store.path, model, self.learning.suggest_thread(model))  # learning hook

    def switch_model(self, model: str) -> None:
        """Suggest with another pipeline from now on, without a restart: documents
        this model has not seen get its suggestions when they are opened."""
        self.models.shutdown()
        if self.store.path is None:
            return
        self._start_suggester(model)
        if self.session is not None:
            self.models.request(self.session.doc_id, self.queue)

    def switch_annotator(self, annotator: str) -> None:
        switch_annotator(self, annotator)

    def _model_loaded(self) -> None:
        if not self._closed and not self.labels:
            self.reload_labels()

    def _suggested(self, doc_id: int, model_id: str = "") -> None:
        if self._closed:  # a result queued before the window closed
            return
        self.queue_model.refresh_document(doc_id)
        s = self.session
        if s is None or s.doc_id != doc_id:
            return
        if s.suggestions_arrived() or self.ctl.offered():
            if not s.edited:
                self.ctl.select(None)
            self._show_session(keep_scroll=True)

    # ================================================================== misc
    def toggle_dark(self) -> None:
        toggle_dark()

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
        self.header.restyle()
        self._update_header()

    def show_keyboard_sheet(self) -> None:
        show_keyboard_sheet(self)

    _closed = False

    def closeEvent(self, e: QCloseEvent) -> None:
        self._closed = True
        self.hide()  # gone at once: stopping the model's process takes a few hundred ms
        self.models.closed = True
        self.models.shutdown()
        super().closeEvent(e)


