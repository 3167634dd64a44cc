"""The window's suggestions through the learning loop (issue 13), on the suggester's
worker thread.

:class:`LoopWorker` is a :class:`~.suggest_worker.SuggestWorker` whose suggestions
come from :meth:`ProcessSuggester.loop_suggest` (the labels rule, the gate, the
phrases and the newest trained generation, all in the model's child process) instead
of the raw model plus the old phrase suggester. Every call into the child happens on
this worker's thread: the GUI thread only emits signals.

What it stores: the loop's output for a document under
``<model id>+goldspan-loop@<generation>``, so ``goldspan stats`` scores each
generation apart and a version seeded from one generation is *offered* the next
generation's suggestions (never has them applied: edited work is kept).

When it recomputes: each document remembers the loop state it was suggested at (a
counter bumped by every accept, undone accept, rule change and new generation); a
document asked for again after the state moved is suggested again, and stored only
when that changed what it shows. So the article opened after an accept shows what
that accept taught, even when it was prefetched before.
"""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Any, Callable

from PySide6.QtCore import Signal, Slot

from ..core.dataset import select
from ..core.errors import GoldspanError
from ..core.storage import Store
from ..core.types import Span, Suggestion
from .suggest_worker import SuggestWorker

LOOP_MODEL_ID = "goldspan-loop"


def loop_model_id(model_id: str, generation: int) -> str:
    """The name the loop's suggestions are stored under."""
    return f"{model_id}+{LOOP_MODEL_ID}@{generation}"


class LoopWorker(SuggestWorker):
    """See the module docstring. ``config`` is a ``LoopConfig``; trained generations
    go to ``workdir`` (a temporary folder of the child when None)."""

    loopStatus = Signal(dict)  # ProcessSuggester.loop_status(), after every change
    loopFailed = Signal(str)  # a learning call failed (not the model: ``failed`` says that)

    def __init__(self, db_path: Path, model: str, config: Any,
                 workdir: str | Path | None = None) -> None:
        super().__init__(db_path, model, phrases=False)
        self.config = config
        self.workdir = workdir
        self.started = False
        self._state = 0  # bumped whenever what the loop would show may have changed
        self._generation = 0
        self._suggested_at: dict[int, int] = {}
        self._pending: list[tuple[str, tuple[Any, ...]]] = []
        self._pending_lock = threading.Lock()
        self.wake.connect(self.drain)  # queued: the worker lives on its thread by then

    # ------------------------------------------------------------------ start
    def _open(self) -> Store:
        store = super()._open()  # loads the model, sets a first label set
        if not self.started:
            self.started = True
            labels = [lab.name for lab in store.labels()]
            self.suggester.loop_start(labels, self.config, store.label_map(), self.workdir)
            # What is learnt is derived from the accepted gold again at every start
            # (only the rule the user set is stored): the loop is taught every
            # document's gold, then starts one training if the policy says so.
            self.suggester.loop_restore(
                (item.document.id, item.document.text, item.spans) for item in select(store))
            self._emit_status()
        return store

    # ------------------------------------------------------------ suggestions
    def _before_documents(self) -> None:
        self.drain()  # what was accepted before this request is learnt first

    def _suggest_one(self, store: Store, doc_id: int,
                     keep: Callable[[list[Suggestion]], list[Suggestion]]) -> None:
        """The loop's suggestions for one document, stored under the generation that
        made them, unless nothing changed since it was last suggested."""
        if self._suggested_at.get(doc_id) == self._state:
            return
        text = store.document(doc_id).text
        found = keep(self.suggester.loop_suggest(doc_id, text))
        self._check_generation()  # a finished generation was installed just now
        model_id = loop_model_id(self.suggester.model_id, self._generation)
        self._suggested_at[doc_id] = self._state
        if store.has_run(doc_id, model_id) and store.suggestions(doc_id, model_id) == found:
            return
        store.put_suggestions(doc_id, model_id, found)
        self.suggested.emit(doc_id, model_id)

    def _learn(self, text: str, spans: list[Span]) -> None:
        """The old phrase suggester's hook: the loop learns from the version's status
        changes instead (:meth:`post` of ``loop_accept`` / ``loop_unaccept``, from
        ``LearningController.after_apply``), undo included."""

    # --------------------------------------------------------------- learning
    # Accepts, undone accepts and rule changes are put on a queue by the GUI thread
    # and run on this thread before any suggestion: the article opened right after an
    # accept must be suggested *after* the loop learnt it, whatever order Qt delivers
    # two signals from different senders in (measured: the next article was suggested
    # before the accept had taught anything).
    wake = Signal()

    def post(self, method: str, *args: Any) -> None:
        """From the GUI thread: ``method`` of ProcessSuggester ("loop_accept",
        "loop_unaccept", "loop_set_map") runs on this thread, in order, before the
        next suggestion."""
        with self._pending_lock:
            self._pending.append((method, args))
        self.wake.emit()

    @Slot()
    def drain(self) -> None:
        while True:
            with self._pending_lock:
                if not self._pending:
                    return
                method, args = self._pending.pop(0)
            self._loop_call(method, *args)

    @Slot()
    def poll(self) -> None:
        """Status for the status bar; installs a generation that has finished."""
        if self.started and not self._stopping:
            self._emit_status()

    def _loop_call(self, method: str, *args: Any) -> None:
        if self._stopping:
            return
        try:
            self._open()
            getattr(self.suggester, method)(*args)
            self._state += 1
            self._emit_status()
        except GoldspanError as err:
            self.loopFailed.emit(str(err))
        except Exception as err:  # noqa: BLE001 - report, never kill the GUI
            self.loopFailed.emit(f"learning failed: {err}")

    def _check_generation(self) -> dict[str, Any]:
        status: dict[str, Any] = self.suggester.loop_status()
        generation = int(status.get("generation") or 0)
        if generation != self._generation:
            self._generation = generation
            self._state += 1
        return status

    def _emit_status(self) -> None:
        try:
            status = self._check_generation()
        except GoldspanError as err:
            self.loopFailed.emit(str(err))
            return
        status["model_id"] = self.suggester.model_id
        self.loopStatus.emit(status)
