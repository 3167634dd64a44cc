"""The context menu of an entity, made from the plain entries a core controller lists
(:class:`~goldspan.core.sessions.common.MenuEntry`): the same menu in the article and
in the entity list, every entry one edit (one undo step)."""

from __future__ import annotations

from typing import Callable, Sequence

from PySide6.QtCore import QPoint
from PySide6.QtGui import QAction, QColor, QIcon, QKeySequence, QPixmap
from PySide6.QtWidgets import QMenu, QWidget

from ...core.edits import Edit
from ...core.sessions.common import MenuEntry


def swatch(color: str) -> QIcon:
    pix = QPixmap(12, 12)
    pix.fill(QColor(color))
    return QIcon(pix)


def fill_menu(menu: QMenu, entries: Sequence[MenuEntry], choose: Callable[[Edit], None]) -> None:
    """Add ``entries`` to ``menu``: choosing one calls ``choose(edit)``."""
    for entry in entries:
        if entry.separator:
            menu.addSeparator()
            continue
        if entry.submenu:
            sub = menu.addMenu(entry.text)
            fill_menu(sub, entry.submenu, choose)
            sub.setEnabled(entry.enabled)
            continue
        act = QAction(entry.text.replace("&", "&&"), menu)
        if entry.color:
            act.setIcon(swatch(entry.color))
        if entry.shortcut:  # shown in the menu; the window's action does the same
            act.setShortcut(QKeySequence(entry.shortcut))
        edit = entry.edit
        act.setEnabled(entry.enabled and edit is not None)
        if edit is not None:
            act.triggered.connect(lambda _=False, e=edit: choose(e))
        menu.addAction(act)


def entity_menu(parent: QWidget, entries: Sequence[MenuEntry],
                choose: Callable[[Edit], None]) -> QMenu:
    menu = QMenu(parent)
    menu.setObjectName("entityMenu")
    fill_menu(menu, entries, choose)
    return menu


def show_entity_menu(parent: QWidget, at: QPoint, entries: Sequence[MenuEntry],
                     choose: Callable[[Edit], None], extra: Callable[[QMenu], None] | None = None
                     ) -> QMenu:
    """Open the menu at ``at`` (global coordinates); ``extra`` adds the widget's own
    entries (Copy, Select All) at the end. Returns the menu (after it closed)."""
    menu = entity_menu(parent, entries, choose)
    if extra is not None:
        if entries:
            menu.addSeparator()
        extra(menu)
    menu.exec(at)
    menu.deleteLater()
    return menu
