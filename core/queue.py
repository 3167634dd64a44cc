"""The annotation queue of one annotator: counts and pages, never all texts (the SQL
is the store's, :mod:`goldspan.core.storage.queue`).

A document with no version by the annotator counts as ``todo``. Rows are in document
id order (import order).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from .status import FINISHED
from .storage import Store


# The filter box's tooltip: the search syntax (goldspan.core.storage.search), also
# ``goldspan search``'s.
SEARCH_HELP = (
    "Words: articles holding all of them (any case, accents or not); the word being "
    "typed matches as a prefix from its third letter.\n"
    "\"a phrase\": these words in this order.\n"
    "label:PERSON Mark Esper: articles where \"Mark Esper\" is labelled PERSON.\n"
    "annotator:alice (or by:alice), entity:\"Mark Esper\": the same, by alice, with any "
    "label.\n"
    "No word in it (% or --): the text is searched as it is."
)


@dataclass(frozen=True)
class QueueFilter:
    """What the queue shows. ``assigned`` and ``fewer_done_than`` are the queue's
    *scope* (which documents are this annotator's work at all: Enter moves on within
    it, progress counts it); ``statuses`` and ``text`` only filter the table."""

    statuses: tuple[str, ...] = ()  # empty: all
    text: str = ""  # a search as typed (SEARCH_HELP): words, phrases, label:/annotator:
    assigned: bool = False  # only documents assigned to this annotator
    fewer_done_than: int | None = None  # only documents with fewer done versions (gold aside)

    @property
    def scoped(self) -> bool:
        return self.assigned or self.fewer_done_than is not None


@dataclass(frozen=True)
class QueueRow:
    document_id: int
    title: str
    status: str
    entities: int  # spans in the annotator's version, else in the latest suggestions


@dataclass
class Progress:
    total: int
    counts: dict[str, int] = field(default_factory=dict)

    @property
    def done(self) -> int:
        return self.counts.get("done", 0)

    @property
    def finished(self) -> int:
        return sum(self.counts.get(s, 0) for s in FINISHED)


class Queue:
    def __init__(self, store: Store, annotator: str, flt: QueueFilter | None = None) -> None:
        self.store = store
        self.annotator = annotator
        self.filter = flt or QueueFilter()

    def count(self) -> int:
        return self.store.queue_count(self.annotator, self.filter)

    def rows(self, offset: int, limit: int) -> list[QueueRow]:
        return [QueueRow(doc_id, title or "", status, entities) for doc_id, title, status, entities
                in self.store.queue_page(self.annotator, self.filter, offset, limit)]

    def row_of(self, doc_id: int) -> int | None:
        """The row of a document under the current filter, or None if filtered out."""
        return self.store.queue_row_of(self.annotator, self.filter, doc_id)

    def next_unfinished(self, after: int | None = None) -> int | None:
        """The first document after ``after`` (wrapping round) not finished by this
        annotator; None when every document is finished."""
        return self.store.queue_next(self.annotator, self.filter, after, FINISHED)

    def neighbour(self, doc_id: int, step: int) -> int | None:
        """The next (step=1) or previous (step=-1) document in the queue's scope,
        whatever its status."""
        return self.store.queue_neighbour(self.annotator, self.filter, doc_id, step)

    def progress(self) -> Progress:
        """Finished and total within the queue's scope (all documents when unscoped)."""
        total, counts = self.store.queue_progress(self.annotator, self.filter)
        return Progress(total, counts)
