"""The thin adapter from core edits to Qt's undo stack: redo applies the edit, undo
applies its inverse; both go through the window, which commits and refreshes."""

from __future__ import annotations

from typing import Any, Callable

from PySide6.QtGui import QUndoCommand

from ..core.adjudication import ReviewEdit
from ..core.edits import ChangeSet, Edit
from ..core.errors import EditError

AnyEdit = Edit | ReviewEdit


class EditCommand(QUndoCommand):
    """``apply`` takes the kind of edit it was given and its inverse (the annotation
    window's edits, or the review's)."""

    def __init__(self, edit: AnyEdit, apply: Callable[[Any], ChangeSet | None]) -> None:
        super().__init__(edit.text)
        self.edit = edit
        self._apply = apply

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
