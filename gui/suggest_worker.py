"""Suggestions on a worker thread: the model loads lazily there, so the article is
readable at once and the GUI never waits for spaCy."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QObject, QThread, Signal, Slot

from ..core.errors import GoldspanError
from ..core.store import Store
from ..core.suggest import SpacySuggester, ensure_label_set


class SuggestWorker(QObject):
    modelLoaded = Signal(str, list)  # model id, labels
    suggested = Signal(int, str)  # document id, model id
    failed = Signal(str)
    busy = Signal(bool)

    def __init__(self, db_path: Path, model: str) -> None:
        super().__init__()
        self.db_path = db_path
        self.suggester = SpacySuggester(model)
        self._store: Store | None = None
        self._stopping = False

    def stop(self) -> None:
        self._stopping = True

    @Slot(list)
    def request(self, doc_ids: list[int]) -> None:
        if self._stopping:
            return
        self.busy.emit(True)
        try:
            if self._store is None:
                self._store = Store.open(self.db_path)
            if not self.suggester.loaded:
                model_id = self.suggester.model_id  # loads the pipeline
                ensure_label_set(self._store, self.suggester.labels)
                self.modelLoaded.emit(model_id, list(self.suggester.labels))
            model_id = self.suggester.model_id
            todo = [d for d in doc_ids if not self._store.has_run(d, model_id)]
            for doc_id in todo:
                if self._stopping:
                    break
                text = self._store.document(doc_id).text
                (found,) = list(self.suggester.suggest([text]))
                self._store.put_suggestions(doc_id, model_id, found)
                self.suggested.emit(doc_id, model_id)
        except GoldspanError as err:
            self.failed.emit(str(err))
        except Exception as err:  # noqa: BLE001 - report, never kill the GUI
            self.failed.emit(f"suggestions failed: {err}")
        finally:
            self.busy.emit(False)

    @Slot()
    def close(self) -> None:
        if self._store is not None:
            self._store.close()
            self._store = None


class SuggestThread(QObject):
    """Owns the thread and the worker; ``request(ids)`` is safe from the GUI thread."""

    requested = Signal(list)

    def __init__(self, db_path: Path, model: str) -> None:
        super().__init__()
        self.thread = QThread()
        self.thread.setObjectName("goldspan-suggest")
        self.worker = SuggestWorker(db_path, model)
        self.worker.moveToThread(self.thread)
        self.requested.connect(self.worker.request)
        self.thread.start()

    def request(self, doc_ids: list[int]) -> None:
        self.requested.emit(list(doc_ids))

    def shutdown(self, timeout_ms: int = 10000) -> None:
        for signal in (self.worker.modelLoaded, self.worker.suggested, self.worker.failed,
                       self.worker.busy):
            try:
                signal.disconnect()
            except (RuntimeError, TypeError):  # nothing connected
                pass
        self.worker.stop()
        self.thread.quit()
        self.thread.wait(timeout_ms)
        self.worker.close()
