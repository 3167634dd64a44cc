"""Small builders the windows share: read-only row tables and actions made from a
shortcut table, so every window sets them up the same way."""

from __future__ import annotations

import html
from typing import Callable, Iterable, Mapping, Sequence

from PySide6 import QtGui
from PySide6.QtCore import QAbstractItemModel, QItemSelectionModel, Qt
from PySide6.QtGui import QAction, QKeySequence, QUndoStack
from PySide6.QtWidgets import (
    QAbstractItemView, QDialog, QHBoxLayout, QHeaderView, QLabel, QMenu, QMenuBar, QPushButton,
    QStatusBar,
    QTableView, QWidget,
)

from .shortcuts import Shortcut

Resize = QHeaderView.ResizeMode


def plain_tip(text: str) -> str:
    """``text`` shown as written in a tooltip. Qt reads a tooltip whose first line
    looks like HTML as rich text: a label named "<b>Org</b>" showed as a bold "Org", a
    title scraped with its "<p>" lost it. Such text is escaped (every goldspan tooltip
    is plain text); any other is returned as it is. Each tooltip that can hold what a
    user typed or imported (label and annotator names, titles, article text, messages
    naming them) goes through it."""
    if not text or not QtGui.Qt.mightBeRichText(text):  # QtCore's Qt lacks it
        return text
    return "<p style='white-space:pre-wrap'>" + html.escape(text) + "</p>"


def heading(text: str) -> QLabel:
    """A small capitals heading over a pane."""
    label = QLabel(text.upper())
    label.setObjectName("heading")
    return label


def action_row(buttons: Sequence[QPushButton], *, height: int = 34) -> tuple[QLabel, QHBoxLayout]:
    """The bar under an article: a plain-text hint on the left, one line elided to its
    width (a longer hint never widens the pane nor moves the article), then the buttons
    (which never take the keyboard focus away from the article). Returns (hint, layout)."""
    from .parts.elided import ElidedLabel

    hint = ElidedLabel()
    hint.setObjectName("hintLabel")
    row = QHBoxLayout()
    row.addWidget(hint, 1)
    for b in buttons:
        b.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        b.setMinimumHeight(height)
        row.addWidget(b)
    return hint, row


def row_table(model: QAbstractItemModel, name: str, modes: Sequence[Resize], *,
              alternating: bool = False) -> QTableView:
    """A read-only table selecting whole rows, one at a time, without a grid."""
    view = QTableView()
    view.setObjectName(name)
    view.setModel(model)
    view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    view.verticalHeader().hide()
    view.verticalHeader().setDefaultSectionSize(24)
    view.setShowGrid(False)
    view.setAlternatingRowColors(alternating)
    view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    header = view.horizontalHeader()
    for column, mode in enumerate(modes):
        header.setSectionResizeMode(column, mode)
    return view


def select_row(view: QTableView, row: int | None) -> None:
    """Select a whole row and scroll to it; ``None`` clears the selection."""
    sm = view.selectionModel()
    if row is None:
        sm.clearSelection()
        return
    idx = view.model().index(row, 0)
    sm.select(idx, QItemSelectionModel.SelectionFlag.ClearAndSelect
              | QItemSelectionModel.SelectionFlag.Rows)
    view.scrollTo(idx)


def fit_columns(view: QTableView, samples: Mapping[int, str], pad: int = 24) -> None:
    """Column widths from the font and a sample of the widest expected text: a cheap
    stand-in for ResizeToContents, which measures every row before the first paint."""
    metrics = view.fontMetrics()
    header = view.horizontalHeader()
    model = view.model()
    for column, sample in samples.items():
        title = str(model.headerData(column, Qt.Orientation.Horizontal) or "")
        header.resizeSection(column, max(metrics.horizontalAdvance(sample),
                                         metrics.horizontalAdvance(title)) + pad)


def shortcut_actions(
    window: QWidget,
    shortcuts: Iterable[Shortcut],
    handlers: Mapping[str, Callable[[], object]],
    *,
    local_area: QWidget,
    keys_text: Callable[[Shortcut], str] = lambda sc: " / ".join(sc.keys),
) -> dict[str, QAction]:
    """One QAction per shortcut that has a handler. ``local`` shortcuts work only while
    the focus is inside ``local_area`` (typing in a filter box never edits an article);
    the others work anywhere in the window."""
    actions: dict[str, QAction] = {}
    for sc in shortcuts:
        if sc.name not in handlers:
            continue
        act = QAction(sc.text, window)
        act.setShortcuts([QKeySequence(k) for k in sc.keys])
        act.setToolTip(f"{sc.help}  [{keys_text(sc)}]")
        act.setStatusTip(sc.help)
        if sc.local:
            act.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
            local_area.addAction(act)
        else:
            act.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
            window.addAction(act)
        act.triggered.connect(handlers[sc.name])
        actions[sc.name] = act
    return actions


def add_menu(bar: QMenuBar, title: str, actions: Mapping[str, QAction],
             names: Sequence[str | None]) -> QMenu:
    """A menu of the menu bar with the named actions in order (None: a separator)."""
    menu = bar.addMenu(title)
    for name in names:
        if name is None:
            menu.addSeparator()
        else:
            menu.addAction(actions[name])
    return menu


def menu_action(window: QWidget, text: str, tip: str, handler: Callable[[], object]) -> QAction:
    """An action with no key (a dialog opened from a menu)."""
    act = QAction(text, window)
    act.setToolTip(tip)
    act.triggered.connect(lambda _=False: handler())
    return act


NOTHING_TO_UNDO = ("Nothing to undo: the history starts when the window opens "
                   "(every change is saved)")


def follow_undo_stack(stack: QUndoStack, undo: QAction, redo: QAction) -> None:
    """Undo/redo actions named after what they would undo or redo. Undo stays enabled
    with nothing to undo, so that Ctrl+Z can say why (see :func:`undo_or_explain`):
    after a restart it used to do nothing, silently."""
    stack.canRedoChanged.connect(redo.setEnabled)
    stack.undoTextChanged.connect(lambda t: undo.setText(f"Undo {t}".strip()))
    stack.redoTextChanged.connect(lambda t: redo.setText(f"Redo {t}".strip()))
    undo.setEnabled(True)
    redo.setEnabled(stack.canRedo())


def undo_or_explain(stack: QUndoStack, status: QStatusBar) -> None:
    """Ctrl+Z: undo, or say in the status bar that there is nothing to undo and why."""
    if stack.canUndo():
        stack.undo()
    else:
        status.showMessage(NOTHING_TO_UNDO, 8000)


def hand_back_focus(dialog: QDialog) -> None:
    """When ``dialog`` closes, make the window under it active again. Qt does not do it
    by itself: without a window manager to pick one (Xvfb, some kiosks, the offscreen
    platform) no window was active after a dialog closed, and every key went nowhere
    until a click."""
    def activate() -> None:
        parent = dialog.parentWidget()
        if parent is not None and parent.window().isVisible():
            parent.window().activateWindow()

    dialog.finished.connect(activate)
