"""The thin adapter from core edits to Qt's undo stack: redo applies the edit, undo
applies its inverse; both go through the window, which commits and refreshes."""

from __future__ import annotations

from typing import Any, Callable

from PySide6.QtGui import QUndoCommand

from ..core.adjudication import ReviewEdit
from ..core.edits import ChangeSet, Edit
from ..core.errors import EditError, GoldspanError

AnyEdit = Edit | ReviewEdit


class EditCommand(QUndoCommand):
    """``apply`` takes the kind of edit it was given and its inverse (the annotation
    window's edits, or the review's). ``failed(err)`` hears of an edit the database
    refused for a reason of its own (a full disk, a lock held too long, a read-only
    file): the command is dropped, as for an :class:`EditError`, and the window says
    that nothing was saved. Before, such an error escaped ``redo`` (a traceback on
    stderr, invisible in a window), the command stayed on the undo stack as if
    applied, and "Saved" kept its last time."""

    def __init__(self, edit: AnyEdit, apply: Callable[[Any], ChangeSet | None],
                 failed: Callable[[GoldspanError], None] | None = None) -> None:
        super().__init__(edit.text)
        self.edit = edit
        self._apply = apply
        self._failed = failed

    def redo(self) -> None:
        self._run(self.edit)

    def undo(self) -> None:
        self._run(self.edit.inverse())

    def _run(self, edit: AnyEdit) -> None:
        try:
            self._apply(edit)
        except EditError:
            # The document changed under us (another writer): this command no longer
            # applies; drop it rather than corrupt the history.
            self.setObsolete(True)
        except GoldspanError as err:  # rolled back by the store: nothing was saved
            self.setObsolete(True)
            if self._failed is None:
                raise
            self._failed(err)


def show_not_saved(window: Any, err: GoldspanError) -> None:
    """The window's "Saved" mark turns into "Not saved" (with the reason as its tooltip)
    and the status bar keeps the one line until the next message."""
    window.saved_label.setText("✗ Not saved")
    window.saved_label.setToolTip(str(err))
    window.statusBar().showMessage(f"Not saved: {err}")
