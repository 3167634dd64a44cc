"""The annotation window's entity menu (right-click in the article or the entity list,
Menu / Shift+F10): the entries come from the controller
(:meth:`~goldspan.core.sessions.annotate.AnnotateController.menu`), each one edit."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QPoint
from PySide6.QtWidgets import QTableView

from ..core.edits import Edit
from ..core.sessions.annotate import AnnotateController
from ..core.sessions.common import MenuEntry
from ..core.types import Span, Suggestion
from .article_view import ArticleView
from .parts.entity_menu import show_entity_menu


class EntityMenus:
    """Mixed into :class:`~goldspan.gui.main_window.MainWindow`."""

    ctl: AnnotateController
    view: ArticleView
    entity_view: QTableView

    if TYPE_CHECKING:  # pragma: no cover - the window's own
        @property
        def selected(self) -> Span | None: ...

        def select_span(self, span: Span | None) -> None: ...

        def apply_edit(self, edit: Edit | None) -> bool: ...

    def _menu_at(self, pos: int) -> list[MenuEntry]:
        """The entity menu for a right-click at ``pos`` (the entity is selected first:
        the keys that follow act on it)."""
        item = self.ctl.item_at(pos)
        if item is None:
            return []
        if isinstance(item, Span):
            self.select_span(item)
        return self.ctl.menu(item)

    def _menu_chosen(self, edit: Edit) -> None:
        self.apply_edit(edit)
        self.view.setFocus()

    def open_entity_menu(self) -> None:
        """Menu / Shift+F10: the selected entity's menu, under it (or the menu of what
        is at the text cursor)."""
        view = self.view
        pos = self.selected.start if self.selected is not None else view.selection_start()
        entries = self._menu_at(pos)
        if entries:
            at = view.viewport().mapToGlobal(view.point_of(pos) + QPoint(0, view.fontMetrics().height()))
            show_entity_menu(view, at, entries, self._menu_chosen)

    def _entity_menu(self, item: Span | Suggestion, at: QPoint) -> None:
        if isinstance(item, Span):
            self.select_span(item)
        show_entity_menu(self.entity_view, at, self.ctl.menu(item), self._menu_chosen)
