"""File → Import… (Ctrl+I) and Export… (Ctrl+E) for the annotation window.

Kept out of the main window on purpose (no dataset logic in a 2,000-line window): the
window makes one call, ``add_dataset_actions(self, m_file)``. The dialogs get the
database *path* and open their own connection on their worker thread; after an import
the window reloads what an import can change: the queue, the label set and the
progress line (and opens the first article if none was open, e.g. on an empty database).
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QMenu

from .export_dialog import ExportDialog
from .import_dialog import ImportDialog

IMPORT_KEYS = "Ctrl+I"
EXPORT_KEYS = "Ctrl+E"


def _action(window: Any, text: str, keys: str, help_text: str) -> QAction:
    act = QAction(text, window)
    act.setShortcut(QKeySequence(keys))
    act.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
    act.setToolTip(f"{help_text}  [{keys}]")
    act.setStatusTip(help_text)
    window.addAction(act)  # the key works wherever the focus is in the window
    return act


def after_import(window: Any) -> None:
    """What an import can change in the window: queue rows, labels, progress."""
    window.queue_model.reload()
    window.reload_labels()
    window._update_progress()
    if getattr(window, "session", None) is None:
        window.open_first()


def open_import_dialog(window: Any) -> ImportDialog:
    dialog = ImportDialog(window.store.path, window)
    dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    dialog.imported.connect(lambda _summary: after_import(window))
    dialog.open()
    return dialog


def open_export_dialog(window: Any) -> ExportDialog:
    dialog = ExportDialog(window.store.path, window)
    dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    dialog.open()
    return dialog


def add_dataset_actions(window: Any, menu: QMenu) -> None:
    """Put Import… and Export… at the top of ``menu`` (with a separator before what
    was there, e.g. Quit), as window-wide shortcuts."""
    imp = _action(window, "&Import…", IMPORT_KEYS,
                  "Import documents and annotations from files or folders")
    exp = _action(window, "&Export…", EXPORT_KEYS,
                  "Export the gold (or chosen versions) as training data")
    if window.store.path is None:
        for act in (imp, exp):
            act.setEnabled(False)
            act.setToolTip("Needs a database file (this window works on one in memory)")
    imp.triggered.connect(lambda _=False: open_import_dialog(window))
    exp.triggered.connect(lambda _=False: open_export_dialog(window))
    first = menu.actions()[0] if menu.actions() else None
    menu.insertActions(first, [imp, exp])  # type: ignore[arg-type]
    if first is not None:
        menu.insertSeparator(first)
    menu.setToolTipsVisible(True)
