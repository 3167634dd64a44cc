"""The spaCy suggester: a pipeline with only what NER needs, in batches
(``nlp.pipe``), loading the model lazily on first use so that a GUI can show the
article first and run this on a worker thread."""

from __future__ import annotations

import itertools
import threading
from typing import TYPE_CHECKING, Any, Iterable, Iterator, Sequence

from ..types import Suggestion
from .base import split_text

if TYPE_CHECKING:  # pragma: no cover
    from spacy.language import Language


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
                from ..spacy_models import load_for_ner

                self._nlp = load_for_ner(self.model)
            return self._nlp

    @property
    def loaded(self) -> bool:
        return self._nlp is not None

    @property
    def model_id(self) -> str:
        from ..spacy_models import model_id

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
        from ..spacy_models import load_for_ner

        _worker_nlp = load_for_ner(model)


def _pool_ents(texts: list[str]) -> list[list[tuple[int, int, str]]]:
    assert _worker_nlp is not None
    return [[(e.start_char, e.end_char, e.label_) for e in doc.ents]
            for doc in _worker_nlp.pipe(texts, batch_size=_worker_batch_size)]
