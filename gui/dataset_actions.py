"""File → Import… (Ctrl+I) and Export… (Ctrl+E) for the annotation window.

Kept out of the main window on purpose (no dataset logic in a 2,000-line window): the
window makes one call, ``add_dataset_actions(self, m_file)``. The dialogs get the
database *path* and open their own connection on their worker thread; after an import
the window reloads what an import can change: the queue, the label set and the
progress line (and opens the first article if none was open, e.g. on an empty database).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QMenu

from .shortcuts import by_name

if TYPE_CHECKING:  # pragma: no cover
    from .export_dialog import ExportDialog
    from .import_dialog import ImportDialog

def _action(window: Any, name: str) -> QAction:
    """The action for a shortcut of gui/shortcuts.py (so the keyboard sheet lists it)."""
    sc = by_name(name)
    act = QAction(sc.text, window)
    act.setShortcuts([QKeySequence(k) for k in sc.keys])
    act.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
    act.setToolTip(f"{sc.help}  [{' / '.join(sc.keys)}]")
    act.setStatusTip(sc.help)
    window.addAction(act)  # the key works wherever the focus is in the window
    if hasattr(window, "actions_by_name"):
        window.actions_by_name[name] = act
    return act


def after_import(window: Any) -> None:
    """What an import can change in the window: queue rows, labels, progress."""
    window.queue_model.reload()
    window.reload_labels()
    window._update_progress()
    if getattr(window, "session", None) is None:
        window.open_first()


def open_import_dialog(window: Any) -> "ImportDialog":
    from .import_dialog import ImportDialog  # imported when first used: not at start-up

    dialog = ImportDialog(window.store.path, window)
    dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    dialog.imported.connect(lambda _summary: after_import(window))
    dialog.open()
    return dialog


def open_export_dialog(window: Any) -> "ExportDialog":
    from .export_dialog import ExportDialog  # imported when first used: not at start-up

    dialog = ExportDialog(window.store.path, window)
    dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    dialog.open()
    return dialog


def add_dataset_actions(window: Any, menu: QMenu) -> None:
    """Put Import… and Export… at the top of ``menu`` (with a separator before what
    was there, e.g. Quit), as window-wide shortcuts."""
    imp = _action(window, "import")
    exp = _action(window, "export")
    if window.store.path is None:
        for act in (imp, exp):
            act.setEnabled(False)
            act.setToolTip("Needs a database file (this window works on one in memory)")
    imp.triggered.connect(lambda _=False: open_import_dialog(window))
    exp.triggered.connect(lambda _=False: open_export_dialog(window))
    first = menu.actions()[0] if menu.actions() else None
    if first is None:
        menu.addActions([imp, exp])
    else:
        menu.insertActions(first, [imp, exp])
        menu.insertSeparator(first)
    menu.setToolTipsVisible(True)
