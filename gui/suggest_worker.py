"""Suggestions on a worker thread: the model loads lazily there, so the article is
readable at once and the GUI never waits for spaCy."""

from __future__ import annotations

from pathlib import Path
from typing import Callable

from PySide6.QtCore import QObject, QThread, Signal, Slot

from ..core.errors import GoldspanError
from ..core.storage import Store
from ..core.suggesters.phrases import PHRASES_MODEL_ID, combine
from ..core.suggesters.process import ProcessSuggester
from ..core.suggesters.documents import ensure_label_set
from ..core.types import Span, Suggestion


class SuggestWorker(QObject):
    """Runs the statistical model, and on top of it the phrase suggester that learns
    from accepted articles (core/suggesters/phrases.py), for the documents asked for.

    Both results are stored: the model's under its own id, the combination under
    ``<model>+goldspan-phrases@1`` (written last, so it is the latest suggestion the
    session starts from). The combination is recomputed for a document whenever the
    phrase dictionary has learnt something since it was last computed there.
    """

    modelLoaded = Signal(str, list)  # model id, labels
    suggested = Signal(int, str)  # document id, model id
    failed = Signal(str)
    busy = Signal(bool)

    def __init__(self, db_path: Path, model: str, *, phrases: bool = True) -> None:
        super().__init__()
        self.db_path = db_path
        # The model and the phrase suggester run in a child process: spaCy in a thread
        # of this process holds the GIL for up to 300 ms at a time (loading a pipeline,
        # even a blank one; matching a long text) and the GUI would freeze (make bench).
        self.suggester = ProcessSuggester(model)
        self.use_phrases = phrases
        self.phrase_count: int | None = None  # strings the phrase suggester knows
        self._generation = 0  # bumped when the phrase dictionary learns a new string
        self._combined_at: dict[int, int] = {}
        self._store: Store | None = None
        self._stopping = False

    def stop(self) -> None:
        self._stopping = True

    # The slots only call a plain method that a subclass overrides (gui/loop_worker.py):
    # PySide6 6.11 runs a slot *overridden* in a subclass directly in the emitting
    # thread, whatever thread the worker lives in (measured: the loop's suggestions ran
    # on the GUI thread, and out of order with the accepts).
    @Slot(str, list)
    def learn(self, text: str, spans: list[Span]) -> None:
        self._learn(text, spans)

    @Slot(list)
    def request(self, doc_ids: list[int]) -> None:
        self._request(doc_ids)

    def _learn(self, text: str, spans: list[Span]) -> None:
        """An article was accepted: learn its labelled strings (before the model has
        loaded there is nothing to do: loading learns all the accepted gold)."""
        if self.phrase_count is None or self._stopping:
            return
        try:
            new, self.phrase_count = self.suggester.learn_phrases(text, spans)
        except GoldspanError as err:
            self.failed.emit(str(err))
            return
        if new:
            self._generation += 1

    def _request(self, doc_ids: list[int]) -> None:
        """Suggest each document still there, one at a time (:meth:`_suggest_one`),
        reporting a failure in one line and never killing the GUI."""
        if self._stopping:
            return
        self.busy.emit(True)
        try:
            store = self._open()
            self._before_documents()
            keep = store.label_filter()  # a locked label set keeps the model's others out
            for doc_id in doc_ids:
                if self._stopping:
                    break
                if not store.has_document(doc_id):
                    continue  # deleted since it was asked for (Article → Delete)
                self._suggest_one(store, doc_id, keep)
        except GoldspanError as err:
            self.failed.emit(str(err))
        except Exception as err:  # noqa: BLE001 - report, never kill the GUI
            self.failed.emit(f"suggestions failed: {err}")
        finally:
            self.busy.emit(False)

    def _before_documents(self) -> None:
        """Run once per request before its documents (the loop's queued calls)."""

    def _suggest_one(self, store: Store, doc_id: int,
                     keep: Callable[[list[Suggestion]], list[Suggestion]]) -> None:
        """The model's run of one document, stored once, then the phrases' combination."""
        model_id = self.suggester.model_id
        text: str | None = None
        if not store.has_run(doc_id, model_id):
            text = store.document(doc_id).text
            (found,) = list(self.suggester.suggest([text]))
            store.put_suggestions(doc_id, model_id, keep(found))
            self._combined_at.pop(doc_id, None)
            self.suggested.emit(doc_id, model_id)
        if self.phrase_count:
            self._combine(store, doc_id, model_id, text)

    def _open(self) -> Store:
        if self._store is None:
            self._store = Store.open(self.db_path)
        if not self.suggester.loaded:
            model_id = self.suggester.model_id  # loads the pipeline
            ensure_label_set(self._store, self.suggester.labels)
            if self.use_phrases:
                self.phrase_count = self.suggester.learn_phrases_from(self.db_path)
            self.modelLoaded.emit(model_id, list(self.suggester.labels))
        return self._store

    def _combine(self, store: Store, doc_id: int, model_id: str, text: str | None) -> None:
        if self._combined_at.get(doc_id) == self._generation:
            return
        combined_id = f"{model_id}+{PHRASES_MODEL_ID}"
        text = text if text is not None else store.document(doc_id).text
        found = store.label_filter()(
            combine(store.suggestions(doc_id, model_id), self.suggester.suggest_phrases(text)))
        self._combined_at[doc_id] = self._generation
        if store.has_run(doc_id, combined_id) and store.suggestions(doc_id, combined_id) == found:
            return
        store.put_suggestions(doc_id, combined_id, found)
        self.suggested.emit(doc_id, combined_id)

    @Slot()
    def close(self) -> None:
        self.suggester.close()
        if self._store is not None:
            self._store.close()
            self._store = None


_ORPHANS: list[QObject] = []  # threads that would not stop: kept alive to the end


class SuggestThread(QObject):
    """Owns the thread and the worker; ``request(ids)`` is safe from the GUI thread."""

    requested = Signal(list)
    learnt = Signal(str, list)

    def __init__(self, db_path: Path, model: str, worker: SuggestWorker | None = None) -> None:
        super().__init__()
        self.worker_thread = QThread()
        self.worker_thread.setObjectName("goldspan-suggest")
        # ``worker``: a SuggestWorker of another kind (gui/learning.py's LoopWorker)
        self.worker = worker if worker is not None else SuggestWorker(db_path, model)
        self.worker.moveToThread(self.worker_thread)
        self.requested.connect(self.worker.request)
        self.learnt.connect(self.worker.learn)
        self.worker_thread.start()

    def request(self, doc_ids: list[int]) -> None:
        self.requested.emit(list(doc_ids))

    def learn(self, text: str, spans: list[Span]) -> None:
        """Teach the phrase suggester an accepted article (runs on the worker)."""
        self.learnt.emit(text, list(spans))

    def shutdown(self, timeout_ms: int = 10000) -> None:
        for signal in (self.worker.modelLoaded, self.worker.suggested, self.worker.failed,
                       self.worker.busy):
            try:
                signal.disconnect()
            except (RuntimeError, TypeError):  # nothing connected
                pass
        self.worker.stop()
        self.worker_thread.quit()
        if not self.worker_thread.wait(timeout_ms):
            # still waiting on the model's process (loading it on a slow machine, a
            # training): stop that process so the call returns, and let the thread end.
            # Qt aborts the whole program when a QThread is destroyed while it runs.
            self.worker.suggester.abort()
            if not self.worker_thread.wait(30000):
                _ORPHANS.append(self)  # never destroyed while it runs
                return
        self.worker.close()
