"""The edit applier both windows use: core edits on a QUndoStack (redo applies the
edit, undo its inverse, both commit at once), the "Saved" mark, and what happens when
the database refuses an edit (the window reloads what it shows and says why in one
line; the command is dropped from the history)."""

from __future__ import annotations

import time
from typing import Callable

from PySide6.QtCore import QObject
from PySide6.QtGui import QUndoCommand, QUndoStack
from PySide6.QtWidgets import QLabel, QMainWindow

from ...core.edits import ChangeSet, Edit
from ...core.errors import EditError, GoldspanError


class EditCommand(QUndoCommand):
    """``run`` applies the edit it is given (this one, or its inverse). ``failed(err)``
    hears of an edit the database refused for a reason of its own (a full disk, a lock
    held too long, a read-only file): the command is dropped, as for an
    :class:`EditError`, and the window says that nothing was saved. Before, such an
    error escaped ``redo`` (a traceback on stderr, invisible in a window), the command
    stayed on the undo stack as if applied, and "Saved" kept its last time."""

    def __init__(self, edit: Edit, run: Callable[[Edit], object],
                 failed: Callable[[GoldspanError], None] | None = None) -> None:
        super().__init__(edit.text)
        self.edit = edit
        self._run_edit = run
        self._failed = failed

    def redo(self) -> None:
        self._run(self.edit)

    def undo(self) -> None:
        self._run(self.edit.inverse())

    def _run(self, edit: Edit) -> None:
        try:
            self._run_edit(edit)
        except EditError:
            # The document changed under us (another writer): this command no longer
            # applies; drop it rather than corrupt the history.
            self.setObsolete(True)
        except GoldspanError as err:  # rolled back by the store: nothing was saved
            self.setObsolete(True)
            if self._failed is None:
                raise
            self._failed(err)


class EditApplier(QObject):
    """One window's undo stack and "Saved" mark.

    ``apply(edit)`` applies an edit to the window's session (opening its document
    first if need be) and returns the ChangeSet; ``show(change)`` refreshes what the
    change touched; ``recover()`` re-reads the document after the database refused an
    edit (it changed elsewhere).
    """

    def __init__(self, window: QMainWindow, apply: Callable[[Edit], ChangeSet | None],
                 show: Callable[[ChangeSet], None], recover: Callable[[], None]) -> None:
        super().__init__(window)
        self.window = window
        self.stack = QUndoStack(window)
        self.saved_label = QLabel("✓ All changes saved")
        self.saved_label.setObjectName("savedLabel")
        self._apply = apply
        self._show = show
        self._recover = recover

    def push(self, edit: Edit | None) -> bool:
        """Apply ``edit`` as one undo step; False when there is none or the database
        refused it (the window said why)."""
        if edit is None:
            return False
        self._refused = False
        self.stack.push(EditCommand(edit, self.run, self.not_saved))
        return not self._refused

    _refused = False

    def run(self, edit: Edit) -> ChangeSet | None:
        try:
            change = self._apply(edit)
        except EditError as err:
            self._refused = True
            self._recover()
            self.window.statusBar().showMessage(str(err), 8000)
            raise
        except GoldspanError:
            self._refused = True
            raise
        self.saved_label.setText(f"✓ Saved {time.strftime('%H:%M:%S')}")
        self.saved_label.setToolTip("")
        if change is not None:
            self._show(change)
        return change

    def not_saved(self, err: GoldspanError) -> None:
        """The "Saved" mark turns into "Not saved" (the reason as its tooltip) and the
        status bar keeps the one line until the next message."""
        self.saved_label.setText("✗ Not saved")
        self.saved_label.setToolTip(str(err))
        self.window.statusBar().showMessage(f"Not saved: {err}")
