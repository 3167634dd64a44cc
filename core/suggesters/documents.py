"""``goldspan suggest``'s core: run a suggester over a database's documents and
store its suggestions, through the project's label filter and labels rule."""

from __future__ import annotations

import itertools
import time
from typing import Callable, Iterable, Iterator, Sequence, TypeVar

from ..errors import StoreError
from ..labels import LabelFilter, is_valid_label
from ..storage import Store
from .base import Suggester

T = TypeVar("T")


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
        from ..labels import default_labels

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
