"""The keys go back to the work area when a menu closes.

Label keys and the entity keys are actions whose shortcut context is the work area
(WidgetWithChildrenShortcut: typing in the queue's filter box never labels). A menu
of the menu bar opened with the mouse and closed with Esc (or by clicking away) left
the keyboard focus on the menu bar: the digits went to it and did nothing until a
click in the article. :class:`FocusKeeper` remembers the last widget of the work area
that had the focus and gives the focus back to it when a menu bar menu closes."""

from __future__ import annotations

from PySide6.QtCore import QObject, QTimer
from shiboken6 import isValid
from PySide6.QtWidgets import QApplication, QMainWindow, QMenu, QMenuBar, QWidget


class FocusKeeper(QObject):
    def __init__(self, window: QMainWindow, area: QWidget, default: QWidget | None = None) -> None:
        super().__init__(window)
        self.window = window
        self.area = area
        self.default = default
        self.last: QWidget | None = None
        app = QApplication.instance()
        if isinstance(app, QApplication):
            app.focusChanged.connect(self._focus_changed)
        self.watch(window.menuBar())

    def watch(self, bar: QMenuBar) -> None:
        """Follow every menu of ``bar`` (call again after adding menus)."""
        for act in bar.actions():
            menu = act.menu()
            if isinstance(menu, QMenu) and not menu.property("focusKept"):
                menu.setProperty("focusKept", True)
                menu.aboutToHide.connect(lambda: QTimer.singleShot(0, self.give_back))

    def _focus_changed(self, _old: QWidget | None, now: QWidget | None) -> None:
        if now is not None and (now is self.area or self.area.isAncestorOf(now)):
            self.last = now

    def give_back(self) -> None:
        """After a menu closed: unless another menu is open (moving along the menu
        bar) or the focus went somewhere real, the work area has it again."""
        if not self.window.isVisible() or QApplication.activePopupWidget() is not None:
            return
        focus = QApplication.focusWidget()
        if focus is not None and not isinstance(focus, QMenuBar) and focus is not self.window:
            return
        target = self.last if _alive(self.last) else self.default
        if _alive(target):
            assert target is not None
            target.setFocus()


def _alive(widget: QWidget | None) -> bool:
    return widget is not None and isValid(widget) and widget.isVisible()
