"""Article → Delete my version / Delete this article, undoable with Ctrl+Z.

Kept out of the main window (as the import and export actions are): the window makes
one call, ``add_delete_actions(self, m_art)``, and routes the two delete edits here
from its undo adapter. Both are core edits (:class:`goldspan.core.edits.DeleteRows`)
on the window's undo stack, so Ctrl+Z restores the document or version with the same
ids and every row it had, in the database too. Deleting an article that other
annotators worked on asks first (their work goes with it); the rest is one undo away.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtGui import QAction
from PySide6.QtWidgets import QMenu, QMessageBox

from ..core import edits
from ..core.edits import ChangeSet, DeleteRows, RestoreRows

UNDO_HINT = "Ctrl+Z brings it back"


def add_delete_actions(window: Any, menu: QMenu) -> None:
    """Put the two delete actions at the end of ``menu`` (the Article menu)."""
    mine = QAction("Delete My Version of This Article", window)
    mine.setToolTip("Delete your spans and status for this article (the model's suggestions "
                    f"stay); {UNDO_HINT}")
    mine.triggered.connect(lambda _=False: delete_my_version(window))
    whole = QAction("Delete This Article…", window)
    whole.setToolTip("Delete the article with every annotator's version, its suggestions and "
                     f"assignments; {UNDO_HINT}")
    whole.triggered.connect(lambda _=False: delete_article(window))
    menu.addSeparator()
    menu.addAction(mine)
    menu.addAction(whole)
    menu.setToolTipsVisible(True)
    window.actions_by_name["delete_version"] = mine
    window.actions_by_name["delete_article"] = whole


def delete_my_version(window: Any) -> None:
    s = window.session
    if s is None:
        return
    edit = edits.delete_version(window.store, s.doc_id, window.annotator)
    if edit is None:
        window.statusBar().showMessage("You have no saved version of this article to delete.",
                                       8000)
        return
    window.apply_edit(edit)
    if window.store.version_rows(s.doc_id, window.annotator) is None:  # not refused
        window.statusBar().showMessage(
            f"Deleted your version of article {s.doc_id}; {UNDO_HINT}.", 10000)


def delete_article(window: Any) -> None:
    s = window.session
    if s is None:
        return
    doc_id = s.doc_id
    edit = edits.delete_document(window.store, doc_id)
    if edit is None:
        return
    others = sorted({a for a in edit.rows.column("annotations", "annotator")
                     if a != window.annotator})
    if others:
        answer = QMessageBox.question(
            window, "Delete this article?",
            f"Article {doc_id} has versions by {', '.join(others)}: deleting it deletes "
            f"their work too. Ctrl+Z undoes it while this window is open.")
        if answer != QMessageBox.StandardButton.Yes:
            return
    window.apply_edit(edit)
    if window.store.document_rows(doc_id) is None:  # not refused
        window.statusBar().showMessage(f"Deleted article {doc_id}; {UNDO_HINT}.", 10000)


def apply_rows_edit(window: Any, edit: DeleteRows | RestoreRows) -> ChangeSet:
    """Apply a delete (or its undo) and refresh what it changed: the queue, the
    progress and the open article."""
    doc_id = edit.document_id
    whole = edit.rows.table == "documents"
    nxt = None
    if whole and isinstance(edit, DeleteRows):
        nxt = window.queue.neighbour(doc_id, 1) or window.queue.neighbour(doc_id, -1)
    change = edit.apply(window.store)  # (an EditError: the window's applier says it)
    if whole:
        window.queue_model.reload()
        window._update_progress()
        if change.restored:
            window.open_document(doc_id)
        elif window.session is not None and window.session.doc_id == doc_id:
            window.session = None  # (no document open, nothing selected)
            if nxt is not None:
                window.open_document(nxt)
            else:
                window._show_empty()
                window.entity_model.set_items("", [], [])
        return change
    if window.session is None or window.session.doc_id != doc_id:
        window.open_document(doc_id)
    else:
        window.session.reload()
        window.selected = None
        window._show_session(keep_scroll=True)
    window.queue_model.refresh_document(doc_id)
    window._update_progress()
    return change
