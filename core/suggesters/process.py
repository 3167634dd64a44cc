"""The suggester in a child process, for the window: the spaCy model, the phrase
suggester and the learning loop all live there, so the GUI process only waits on a
pipe. The top of the package: it imports the others, none imports it."""

from __future__ import annotations

import os
import threading
from pathlib import Path
from typing import TYPE_CHECKING, Any, Iterable, Iterator, Sequence

from ..types import Span, Suggestion
from .spacy_ner import SpacySuggester

if TYPE_CHECKING:  # pragma: no cover
    from multiprocessing.connection import Connection
    from multiprocessing.process import BaseProcess


class ProcessSuggester:
    """A :class:`SpacySuggester` running in a child process (``spawn``), for a GUI.

    Loading spaCy in a thread of the GUI process blocks the GUI thread for 50-120 ms at
    a time: extension modules initialise and the vocabulary deserialises while holding
    the GIL, whatever the switch interval (measured by ``make bench``, start-up). In a
    child process the GUI process only waits on a pipe, which releases the GIL. Same
    interface as :class:`SpacySuggester`; the child starts on first use and stops with
    :meth:`close` (or when the parent exits: it is a daemon).
    """

    def __init__(self, model: str | None = None, *, batch_size: int = 32) -> None:
        self.model = model
        self.batch_size = batch_size
        self._conn: Connection | None = None
        self._proc: BaseProcess | None = None
        self._model_id: str | None = None
        self._labels: tuple[str, ...] = ()
        self._lock = threading.Lock()
        self._starting: BaseProcess | None = None  # the child while it loads
        self._aborted = False

    def _start(self) -> None:
        with self._lock:
            if self._conn is not None:
                return
            if self._aborted:
                from ..errors import ModelError

                raise ModelError("the model's process stopped")
            import multiprocessing as mp

            ctx = mp.get_context("spawn")  # never fork a process that runs Qt threads
            parent, child = ctx.Pipe()
            proc = ctx.Process(target=_serve, args=(child, self.model, self.batch_size),
                               daemon=True, name="goldspan-suggester")
            proc.start()
            self._starting = proc
            child.close()
            try:
                if self._aborted:
                    raise EOFError
                reply = parent.recv()
                if self._aborted:  # loaded just as it was stopped
                    proc.terminate()
                    raise EOFError
            except (EOFError, OSError):  # stopped by abort() while it loaded
                proc.join(5)
                from ..errors import ModelError

                raise ModelError("the model's process was stopped while it loaded") from None
            finally:
                self._starting = None
            if reply[0] == "error":
                proc.join(5)
                from ..errors import ModelError

                raise ModelError(reply[1])
            _, self._model_id, labels = reply
            self._labels = tuple(labels)
            self._conn, self._proc = parent, proc

    @property
    def loaded(self) -> bool:
        return self._conn is not None

    @property
    def model_id(self) -> str:
        self._start()
        assert self._model_id is not None
        return self._model_id

    @property
    def labels(self) -> Sequence[str]:
        self._start()
        return self._labels

    def _call(self, *message: object) -> tuple[Any, ...]:
        if self._aborted:
            from ..errors import ModelError

            raise ModelError("the model's process stopped")
        self._start()
        assert self._conn is not None
        with self._lock:
            try:
                self._conn.send(message)
                reply = self._conn.recv()
            except (EOFError, OSError):  # the child died or was stopped (abort)
                from ..errors import ModelError

                raise ModelError("the model's process stopped") from None
        if reply[0] == "error":
            from ..errors import ModelError

            raise ModelError(reply[1])
        return tuple(reply[1:])

    def suggest(self, texts: Iterable[str]) -> Iterator[list[Suggestion]]:
        (found,) = self._call("suggest", list(texts))
        for one in found:
            yield [Suggestion(a, b, label) for a, b, label in one]

    # The phrase suggester (:mod:`.phrases`) lives in the child too: building
    # its blank spaCy pipeline and matching a long text hold the GIL for hundreds of
    # milliseconds, which in the GUI process froze the window (make bench, start-up).
    def learn_phrases_from(self, db_path: str | Path) -> int:
        """Learn the accepted gold of a database; returns how many strings are known."""
        (count,) = self._call("phrases_from", str(db_path))
        return int(count)

    def learn_phrases(self, text: str, spans: Iterable[Span]) -> tuple[int, int]:
        """Learn one accepted document: (new strings, strings known)."""
        new, count = self._call("learn", text, [(s.start, s.end, s.label) for s in spans])
        return int(new), int(count)

    def suggest_phrases(self, text: str) -> list[Suggestion]:
        (found,) = self._call("phrases", text)
        return [Suggestion(a, b, label, score) for a, b, label, score in found]

    # The learning loop (core/learning/loop.py) lives in the child too, on the model
    # loaded there; its trainings run on a thread of the child (a daemon process may
    # not start processes), never in the window's process. What crosses the pipe is
    # plain data.
    def loop_start(self, labels: Sequence[str], config: object = None,
                   label_map: dict[str, str | None] | None = None,
                   workdir: str | Path | None = None) -> None:
        """(Re)start the loop with the project's labels, a ``LoopConfig`` and the
        labels rule the user set; trained generations go to ``workdir`` (default: a
        temporary folder of the child)."""
        self._call("loop_start", list(labels), config, dict(label_map or {}),
                   None if workdir is None else str(workdir))

    def loop_suggest(self, key: object, text: str) -> list[Suggestion]:
        """What the window shows for a new version (installs a finished generation
        first)."""
        (found,) = self._call("loop_suggest", key, text)
        return [Suggestion(a, b, label, score) for a, b, label, score in found]

    def loop_accept(self, key: object, text: str, spans: Iterable[Span]) -> None:
        """Enter: teach the loop (and start a training if one is due)."""
        self._call("loop_accept", key, text, [(s.start, s.end, s.label) for s in spans])

    def loop_unaccept(self, key: object) -> None:
        """Ctrl+Z of an accept: unlearn it."""
        self._call("loop_unaccept", key)

    def loop_restore(self, accepted: Iterable[tuple[object, str, Iterable[Span]]]) -> None:
        """Teach the loop the documents accepted before it started (the window's
        start-up), then start at most one training: accepting them one by one would
        start the first generation on the first few only."""
        self._call("loop_restore", [(key, text, [(s.start, s.end, s.label) for s in spans])
                                    for key, text, spans in accepted])

    def loop_set_map(self, label_map: dict[str, str | None]) -> None:
        """Replace the labels rule the user set (Project -> Labels, Accept's "map"),
        keeping everything learnt: the next suggestions follow it."""
        self._call("loop_set_map", dict(label_map))

    def loop_status(self) -> dict[str, object]:
        """Generation, model, accepted articles, strings known, training or not, each
        generation's F1 on the articles it suggested for (installs a finished one)."""
        (status,) = self._call("loop_status")
        return dict(status)

    def abort(self) -> None:
        """Stop the child at once, from any thread: a call waiting on it (loading the
        model, a training, a batch) gets EOF and raises. For a window that closes while
        its worker thread is still waiting, so the thread can end before Qt destroys it
        (a QThread destroyed while it runs aborts the whole process)."""
        self._aborted = True
        for proc in (self._starting, self._proc):
            if proc is not None and proc.is_alive():
                proc.terminate()

    def close(self) -> None:
        conn, proc = self._conn, self._proc
        self._conn = self._proc = None
        if conn is not None:
            try:
                conn.send(None)
            except OSError:
                pass
            conn.close()
        if proc is not None:
            proc.join(5)
            if proc.is_alive():
                proc.terminate()


def _serve(conn: Connection, model: str | None, batch_size: int) -> None:
    """The child of :class:`ProcessSuggester`: load, then answer batches of texts."""
    try:
        suggester = SpacySuggester(model, batch_size=batch_size)
        conn.send(("ready", suggester.model_id, list(suggester.labels)))
    except Exception as err:  # noqa: BLE001 - reported to the parent as one line
        conn.send(("error", str(err)))
        return
    phrases = None
    loop = trainer = None
    while True:
        try:
            message = conn.recv()
        except EOFError:
            message = None
        if message is None:
            if trainer is not None and trainer.running:
                # A training's thread would hold this process's exit until it ends
                # (the window waited 5 s, then killed it). Nothing of it is kept: its
                # generations live in the session's temporary folder, and this child
                # holds no database.
                os._exit(0)
            return
        try:
            kind = message[0]
            if kind == "suggest":
                found = [[(x.start, x.end, x.label) for x in doc]
                         for doc in suggester.suggest(message[1])]
                conn.send(("ok", found))
                continue
            if kind.startswith("loop_"):
                loop, trainer, reply = _loop_request(message, suggester, loop, trainer)
                conn.send(("ok", reply))
                continue
            from .phrases import PhraseSuggester

            if kind == "phrases_from":
                from ..storage import Store

                with Store.open(message[1], create=False) as store:
                    phrases = PhraseSuggester.from_store(store)
                conn.send(("ok", len(phrases)))
            elif kind == "learn":
                phrases = phrases if phrases is not None else PhraseSuggester()
                new = phrases.learn(message[1], [Span(a, b, label) for a, b, label in message[2]])
                conn.send(("ok", new, len(phrases)))
            elif kind == "phrases":
                matches = [] if phrases is None else [
                    (x.start, x.end, x.label, x.score) for x in phrases.suggest_one(message[1])]
                conn.send(("ok", matches))
            else:
                conn.send(("error", f"unknown request {kind!r}"))
        except Exception as err:  # noqa: BLE001
            conn.send(("error", f"suggestions failed: {err}"))


def _loop_request(message: tuple, suggester: SpacySuggester, loop, trainer):  # type: ignore[no-untyped-def]
    """One learning-loop request in the child of :class:`ProcessSuggester`."""
    from dataclasses import asdict

    from ..learning.loop import BackgroundTrainer, LearningLoop, LoopConfig

    kind = message[0]
    if kind == "loop_start":
        import tempfile

        _, labels, config, label_map, workdir = message
        if trainer is not None:
            trainer.close()
        loop = LearningLoop(labels, config or LoopConfig(), label_map=label_map,
                            statistical=suggester)
        trainer = BackgroundTrainer(loop, workdir or tempfile.mkdtemp(prefix="goldspan-loop-"))
        return loop, trainer, None
    if loop is None or trainer is None:
        raise RuntimeError("the learning loop was not started (loop_start)")
    if kind == "loop_suggest":
        trainer.poll(0)
        found = loop.suggest(message[1], message[2])
        return loop, trainer, [(x.start, x.end, x.label, x.score) for x in found]
    if kind == "loop_accept":
        loop.accept(message[1], message[2], [Span(a, b, label) for a, b, label in message[3]])
        trainer.maybe_start()
        return loop, trainer, None
    if kind == "loop_restore":
        for key, text, spans in message[1]:
            loop.accept(key, text, [Span(a, b, label) for a, b, label in spans])
        trainer.maybe_start()
        return loop, trainer, None
    if kind == "loop_set_map":
        loop.label_map.explicit = dict(message[1])
        return loop, trainer, None
    if kind == "loop_unaccept":
        loop.unaccept(message[1])
        return loop, trainer, None
    if kind == "loop_status":
        trainer.poll(0)
        status = asdict(loop.status())
        status["error"] = trainer.error
        status["figures"] = [dict(f, f1=round(g.f1, 4)) for f, g in
                             zip(status["figures"], loop.status().figures, strict=True)]
        # The labels rule for every model label known (the model's, the ones set, the
        # ones with evidence): [shown as, "set" | "learnt" | "default"], for Project ->
        # Labels to show what was learnt beside what the user set.
        rule = loop.label_map
        known = set(suggester.labels) | set(rule.explicit) | set(rule.evidence)
        status["label_map"] = {label: [rule.target(label), rule.source(label)]
                               for label in sorted(known)}
        return loop, trainer, status
    raise RuntimeError(f"unknown request {kind!r}")
