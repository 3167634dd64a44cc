"""Suggesters: something that proposes entities for texts, stored under its name.

The first one runs a spaCy pipeline with only what NER needs, in batches
(``nlp.pipe``), loading the model lazily on first use so that a GUI can show the
article first and run this on a worker thread.
"""

from __future__ import annotations

import itertools
import threading
import time
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable, Iterable, Iterator, Protocol, Sequence, TypeVar

from .errors import StoreError
from .labels import LabelFilter, is_valid_label
from .types import Span, Suggestion
from .storage import Store

# NER needs about 1 GB of temporary memory per 100,000 characters and spaCy refuses
# texts over nlp.max_length: long articles are split at paragraph boundaries.
MAX_CHUNK = 50_000

T = TypeVar("T")

if TYPE_CHECKING:  # pragma: no cover
    from multiprocessing.connection import Connection
    from multiprocessing.process import BaseProcess

    from spacy.language import Language


class Suggester(Protocol):
    """Anything that turns texts into entity suggestions."""

    @property
    def model_id(self) -> str:
        """The name suggestions are stored under (``name@version``)."""
        ...

    @property
    def labels(self) -> Sequence[str]:
        ...

    def suggest(self, texts: Iterable[str]) -> Iterator[list[Suggestion]]:
        """One list of suggestions per text, in order."""
        ...


def split_text(text: str, limit: int | None = None) -> list[tuple[int, str]]:
    """Cut ``text`` into pieces of at most ``limit`` (default :data:`MAX_CHUNK`)
    characters, at paragraph breaks where possible (then line breaks, then spaces).
    Returns (offset, piece) pairs."""
    limit = MAX_CHUNK if limit is None else limit
    if len(text) <= limit:
        return [(0, text)]
    pieces: list[tuple[int, str]] = []
    pos = 0
    n = len(text)
    while pos < n:
        end = min(pos + limit, n)
        if end < n:
            cut = -1
            for sep in ("\n\n", "\n", " "):
                cut = text.rfind(sep, pos + 1, end)
                if cut > pos:
                    cut += len(sep)
                    break
            if cut > pos:
                end = cut
        pieces.append((pos, text[pos:end]))
        pos = end
    return pieces


class SpacySuggester:
    """A spaCy pipeline's NER as a suggester. Thread-safe lazy loading."""

    def __init__(self, model: str | None = None, *, batch_size: int = 32, n_process: int = 1) -> None:
        self.model = model
        self.batch_size = batch_size
        self.n_process = n_process
        self._nlp: Language | None = None
        self._lock = threading.Lock()

    @property
    def nlp(self) -> Language:
        with self._lock:
            if self._nlp is None:
                from .spacy_models import load_for_ner

                self._nlp = load_for_ner(self.model)
            return self._nlp

    @property
    def loaded(self) -> bool:
        return self._nlp is not None

    @property
    def model_id(self) -> str:
        from .spacy_models import model_id

        return model_id(self.nlp)

    @property
    def labels(self) -> Sequence[str]:
        ner: Any = self.nlp.get_pipe("ner")  # an EntityRecognizer (compiled, no stub)
        return tuple(ner.labels)

    def suggest(self, texts: Iterable[str]) -> Iterator[list[Suggestion]]:
        nlp = self.nlp
        chunks = (
            (piece, (i, offset, n_pieces))
            for i, text in enumerate(texts)
            for pieces in [split_text(text)]
            for n_pieces in [len(pieces)]
            for offset, piece in pieces
        )
        if self.n_process > 1:
            found = self._pipe_in_processes(chunks)
        else:
            found = (
                ([(e.start_char, e.end_char, e.label_) for e in doc.ents], meta)
                for doc, meta in nlp.pipe(chunks, as_tuples=True, batch_size=self.batch_size)
            )
        current: list[Suggestion] = []
        seen = 0
        for ents, (_i, offset, n_pieces) in found:
            current.extend(Suggestion(offset + a, offset + b, label) for a, b, label in ents)
            seen += 1
            if seen == n_pieces:
                yield current
                current = []
                seen = 0

    def _pipe_in_processes(self, chunks: Iterator[tuple[str, tuple[int, int, int]]]
                           ) -> Iterator[tuple[list[tuple[int, int, str]], tuple[int, int, int]]]:
        """``nlp.pipe`` over ``n_process`` worker processes that send back only the
        entities (start, end, label), not whole Docs.

        spaCy's own ``n_process`` pickles every Doc back to the parent, which on two
        cores cost more than the second process gained (0.9x the single process here,
        bench/RESULTS.md). Workers get the loaded pipeline by fork where that is the
        platform's default start method (as spaCy's n_process does), else load it by
        name. Batches are fed with a bounded window, so memory stays a few batches deep.
        """
        import multiprocessing as mp

        global _worker_nlp
        _worker_nlp = self.nlp  # inherited by forked workers; spawned ones load by name
        size = self.batch_size * 4
        batches = iter(lambda: list(itertools.islice(chunks, size)), [])
        window = 2 * self.n_process
        with mp.get_context().Pool(self.n_process, initializer=_pool_init,
                                   initargs=(self.model, self.batch_size)) as pool:
            _worker_nlp = None  # the workers have their copy; the parent keeps none
            pending: list[tuple[Any, list[tuple[int, int, int]]]] = []  # (AsyncResult, metas)
            for batch in batches:
                pending.append((pool.apply_async(_pool_ents, ([t for t, _ in batch],)),
                                [m for _, m in batch]))
                while len(pending) >= window:
                    result, metas = pending.pop(0)
                    yield from zip(result.get(), metas, strict=True)
            for result, metas in pending:
                yield from zip(result.get(), metas, strict=True)


_worker_nlp: Language | None = None
_worker_batch_size = 32


def _pool_init(model: str | None, batch_size: int) -> None:
    global _worker_nlp, _worker_batch_size
    _worker_batch_size = batch_size
    if _worker_nlp is None:
        from .spacy_models import load_for_ner

        _worker_nlp = load_for_ner(model)


def _pool_ents(texts: list[str]) -> list[list[tuple[int, int, str]]]:
    assert _worker_nlp is not None
    return [[(e.start_char, e.end_char, e.label_) for e in doc.ents]
            for doc in _worker_nlp.pipe(texts, batch_size=_worker_batch_size)]


def suggest_documents(
    store: Store,
    suggester: Suggester,
    doc_ids: Sequence[int] | None = None,
    *,
    force: bool = False,
    commit_seconds: float = 1.0,
    progress: Callable[[int], None] | None = None,
    labels: LabelFilter | None = None,
    dropped: list[int] | None = None,
) -> tuple[int, int]:
    """Run ``suggester`` on documents and store the results under its model id.

    Results are committed about once a second (each commit waits for the disk:
    ``synchronous = FULL``); a crash loses at most that second, and a rerun skips
    what was stored. Idempotent: documents the model has already run on are skipped
    unless ``force``. Only suggestions ``labels`` keeps are stored (default: the
    project's :meth:`Store.label_filter`: with a locked label set, its labels only;
    never a label that breaks the naming rule); pass one (made after
    :func:`ensure_label_set`) to read what it left out.
    Returns (documents processed, suggestions stored). A document deleted while the
    run goes on (``goldspan delete``, the window) is left out and its id appended to
    ``dropped``: the run used to stop there ("no document with id 15000"), the
    documents after it not done.
    """
    model = suggester.model_id
    if doc_ids is None:
        ids = store.documents_without_run(model) if not force else store.document_ids()
    else:
        ids = [d for d in doc_ids if force or not store.has_run(d, model)]
    if not ids:
        return 0, 0
    ensure_label_set(store, suggester.labels)
    keep = labels if labels is not None else store.label_filter()
    gone = dropped if dropped is not None else []
    read: list[int] = []  # the ids whose text the suggester took, in order

    def texts() -> Iterator[str]:
        for d in ids:
            try:
                text = store.document(d).text
            except StoreError:  # deleted since the list was read
                gone.append(d)
                continue
            read.append(d)
            yield text

    def read_ids() -> Iterator[int]:
        # results come after their texts were taken: the id is in ``read`` by then
        for i in itertools.count():
            yield read[i]

    n_docs = n_sugg = 0
    results = suggester.suggest(texts())
    for batch in _batched_by_time(((d, r) for r, d in zip(results, read_ids(), strict=False)),
                                  commit_seconds):
        stored = 0
        with store.transaction():
            keep.follow(store.label_filter())  # locked (or changed) since the run began
            for doc_id, sugg in batch:
                if not store.has_document(doc_id):  # deleted while the model ran on it
                    gone.append(doc_id)
                    continue
                kept = keep(sugg)
                store.put_suggestions(doc_id, model, kept)
                n_sugg += len(kept)
                stored += 1
        n_docs += stored
        if progress is not None:
            progress(len(batch))
    return n_docs, n_sugg


def ensure_label_set(store: Store, names: Sequence[str]) -> None:
    """On first use the project's label set is the model's NER labels (those that
    follow the naming rule: the others are never stored)."""
    if not store.labels():
        from .labels import default_labels

        store.set_labels(default_labels([n for n in names if is_valid_label(n)]))


def _batched_by_time(it: Iterable[T], seconds: float, most: int = 4096) -> Iterator[list[T]]:
    """Lists of what ``it`` yields within about ``seconds`` (at most ``most`` items)."""
    batch: list[T] = []
    start = time.monotonic()
    for item in it:
        batch.append(item)
        if len(batch) >= most or time.monotonic() - start >= seconds:
            yield batch
            batch = []
            start = time.monotonic()
    if batch:
        yield batch


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

    def _start(self) -> None:
        with self._lock:
            if self._conn is not None:
                return
            import multiprocessing as mp

            ctx = mp.get_context("spawn")  # never fork a process that runs Qt threads
            parent, child = ctx.Pipe()
            proc = ctx.Process(target=_serve, args=(child, self.model, self.batch_size),
                               daemon=True, name="goldspan-suggester")
            proc.start()
            child.close()
            reply = parent.recv()
            if reply[0] == "error":
                proc.join(5)
                from .errors import ModelError

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
        self._start()
        assert self._conn is not None
        with self._lock:
            self._conn.send(message)
            reply = self._conn.recv()
        if reply[0] == "error":
            from .errors import ModelError

            raise ModelError(reply[1])
        return tuple(reply[1:])

    def suggest(self, texts: Iterable[str]) -> Iterator[list[Suggestion]]:
        (found,) = self._call("suggest", list(texts))
        for one in found:
            yield [Suggestion(a, b, label) for a, b, label in one]

    # The phrase suggester (core/phrase_suggester.py) lives in the child too: building
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
            return
        if message is None:
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
            from .phrase_suggester import PhraseSuggester

            if kind == "phrases_from":
                from .storage import Store

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

    from .learning.loop import BackgroundTrainer, LearningLoop, LoopConfig

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
