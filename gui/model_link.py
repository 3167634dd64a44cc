"""The annotation window's link to the model that suggests: the worker thread, the
status bar's model line, and which articles to ask for (the open one and the next
few not finished, computed ahead)."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Callable

from PySide6.QtCore import QObject
from PySide6.QtWidgets import QLabel, QStatusBar

from .widgets import plain_tip

if TYPE_CHECKING:  # pragma: no cover
    from ..core.queue import Queue
    from .suggest_worker import SuggestThread

PREFETCH = 3  # documents after the open one whose suggestions are computed ahead


class ModelLink(QObject):
    """``suggested(doc_id)`` is called when a document's suggestions are in the
    database; ``loaded()`` when the model is ready (the window may learn its labels)."""

    def __init__(self, parent: QObject, status_bar: QStatusBar, suggested: Callable[[int], None],
                 loaded: Callable[[], None], *, on: bool) -> None:
        super().__init__(parent)
        self.status_bar = status_bar
        self._suggested = suggested
        self._loaded = loaded
        self.suggester: SuggestThread | None = None
        self.name: str | None = None
        self.status = "model: not loaded" if on else "model: off"
        self.label = QLabel(self.status)
        self.closed = False

    def start(self, path: Path, model: str, thread: SuggestThread | None = None) -> None:
        """``thread``: a suggester made elsewhere (the learning loop's, see
        gui/learning_status.py), else the plain one."""
        from .suggest_worker import SuggestThread

        self.name = model
        suggester = self.suggester = thread if thread is not None else SuggestThread(path, model)
        suggester.worker.modelLoaded.connect(self._model_loaded)
        # a bound method of this object (which lives in the GUI thread): Qt queues the
        # call to it; a lambda would run in the worker's thread and touch the widgets there
        suggester.worker.suggested.connect(self._document_suggested)
        suggester.worker.failed.connect(self._failed)
        suggester.worker.busy.connect(self._busy)
        self.status = f"model: {model} (not loaded)"
        self.label.setText(self.status)

    def shutdown(self) -> None:
        if self.suggester is not None:
            self.suggester.shutdown()
            self.suggester = None

    def request(self, doc_id: int, queue: Queue) -> None:
        """Suggestions for ``doc_id`` and the next few articles not finished."""
        if self.suggester is None:
            return
        ids = [doc_id]
        nxt: int | None = doc_id
        for _ in range(PREFETCH):
            assert nxt is not None
            nxt = queue.next_unfinished(after=nxt)
            if nxt is None or nxt in ids:
                break
            ids.append(nxt)
        self.suggester.request(ids)

    def _document_suggested(self, doc_id: int, model_id: str) -> None:
        self._suggested(doc_id)

    def _model_loaded(self, model_id: str, labels: list[str]) -> None:
        if self.closed:
            return
        self.status = f"model: {model_id}"
        self.label.setText(self.status)
        self._loaded()

    def _busy(self, busy: bool) -> None:
        if busy and "loading" not in self.status and "@" not in self.status:
            self.label.setText(f"model: loading {self.name}…")
        elif not busy:
            self.label.setText(self.status)

    def _failed(self, message: str) -> None:
        self.status = "model: unavailable"
        self.label.setText(self.status)
        self.label.setToolTip(plain_tip(message))
        self.status_bar.showMessage(message, 10000)
