"""The edit applier both windows use: core edits on a QUndoStack (redo applies the
edit, undo its inverse, both commit at once), the "Saved" mark, and what happens when
the database refuses an edit (the window reloads what it shows and says why in one
line; the command is dropped from the history)."""

from __future__ import annotations

import time
from typing import Any, Callable, Protocol

from PySide6.QtCore import QObject
from PySide6.QtGui import QUndoCommand, QUndoStack
from PySide6.QtWidgets import QLabel, QMainWindow

from ...core.edits import ChangeSet, DeleteRows, Edit, RestoreRows
from ...core.errors import EditError, GoldspanError, StoreError
from ..widgets import plain_tip


class Session(Protocol):
    @property
    def doc_id(self) -> int: ...

    def apply(self, edit: Edit) -> ChangeSet: ...

    def reload(self) -> None: ...


class Controller(Protocol):
    """What the applier needs of a window's controller (core/sessions)."""

    @property
    def session(self) -> Any: ...

    def changed(self, change: ChangeSet) -> None: ...

    def select(self, selected: Any) -> None: ...


class EditCommand(QUndoCommand):
    """``run`` applies the edit it is given (this one, or its inverse). ``failed(err)``
    hears of an edit the database refused for a reason of its own (a full disk, a lock
    held too long, a read-only file): the command is dropped, as for an
    :class:`EditError`, and the window says that nothing was saved. Before, such an
    error escaped ``redo`` (a traceback on stderr, invisible in a window), the command
    stayed on the undo stack as if applied, and "Saved" kept its last time."""

    def __init__(self, edit: Edit, run: Callable[[Edit], ChangeSet | None],
                 failed: Callable[[GoldspanError], None] | None = None) -> None:
        super().__init__(edit.text)
        self.edit = edit
        self._run_edit = run
        self._failed = failed

    def redo(self) -> None:
        change = self._run(self.edit)
        if change is not None and change.applied is not None:
            self.edit = change.applied  # its version got another id: undo and redo that one

    def undo(self) -> None:
        self._run(self.edit.inverse())

    def _run(self, edit: Edit) -> ChangeSet | None:
        try:
            return self._run_edit(edit)
        except EditError:
            # The document changed under us (another writer): this command no longer
            # applies; drop it rather than corrupt the history.
            self.setObsolete(True)
            return None
        except GoldspanError as err:  # rolled back by the store: nothing was saved
            self.setObsolete(True)
            if self._failed is None:
                raise
            self._failed(err)
        return None


class EditApplier(QObject):
    """One window's undo stack and "Saved" mark, and the way an edit reaches its
    session: the edit's document is opened first if another one is shown (an undo
    after moving on), the session applies it, the controller follows the ChangeSet
    (what to select next), then ``show(change)`` refreshes what it touched. When the
    database refuses an edit (the document changed elsewhere), the document is read
    again and ``reshow()`` shows it as it is. ``rows`` applies the edits that delete or
    restore a whole document or version (the annotation window's)."""

    def __init__(self, window: QMainWindow, ctl: Controller, open_document: Callable[[int], None],
                 show: Callable[[ChangeSet], None], reshow: Callable[[], None],
                 rows: Callable[[DeleteRows | RestoreRows], ChangeSet] | None = None) -> None:
        super().__init__(window)
        self.window = window
        self.stack = QUndoStack(window)
        self.saved_label = QLabel("✓ All changes saved")
        self.saved_label.setObjectName("savedLabel")
        self.ctl = ctl
        self._open = open_document
        self._show = show
        self._reshow = reshow
        self._rows = rows

    def _apply(self, edit: Edit) -> ChangeSet:
        if self._rows is not None and isinstance(edit, (DeleteRows, RestoreRows)):
            return self._rows(edit)
        s = self.ctl.session
        if s is None or edit.document_id != s.doc_id:
            try:
                self._open(edit.document_id)
            except StoreError as err:  # deleted elsewhere (goldspan delete, another window)
                raise EditError(err.message) from None
            s = self.ctl.session
        change: ChangeSet = s.apply(edit)
        self.ctl.changed(change)
        return change

    def _recover(self) -> None:
        s = self.ctl.session
        if s is not None:
            s.reload()
            self.ctl.select(None)
            self._reshow()

    def push(self, edit: Edit | None) -> bool:
        """Apply ``edit`` as one undo step; False when there is none or the database
        refused it (the window said why)."""
        if edit is None:
            return False
        self._refused = False
        self.stack.push(EditCommand(edit, self.run, self.not_saved))
        return not self._refused

    _refused = False

    def run(self, edit: Edit) -> ChangeSet:
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
        self._show(change)
        return change

    def not_saved(self, err: GoldspanError) -> None:
        """The "Saved" mark turns into "Not saved" (the reason as its tooltip) and the
        status bar keeps the one line until the next message."""
        self.saved_label.setText("✗ Not saved")
        self.saved_label.setToolTip(plain_tip(str(err)))
        self.window.statusBar().showMessage(f"Not saved: {err}")
