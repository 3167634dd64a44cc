"""One annotator working on one document: what the article view shows and the edits
it can make. Qt-free, so the GUI, scripts and tests drive the same logic.

Opening a document writes nothing: until the first edit the view shows the latest
suggestions as the starting point. The first edit creates the annotator's version as a
copy of those suggestions (origin ``model``) and then applies itself.
"""

from __future__ import annotations

import bisect
import sqlite3

from . import edits
from .edits import ChangeSet, Edit
from .status import Status
from .errors import EditError
from .types import Span, Suggestion
from .storage import Annotation, Document, Store, non_overlapping
from .token_index import TokenIndex


class ArticleSession:
    def __init__(self, store: Store, doc_id: int, annotator: str) -> None:
        self.store = store
        self.annotator = annotator
        self.document: Document = store.document(doc_id)
        self._tokens: TokenIndex | None = None
        self.reload()

    # ----------------------------------------------------------------- state
    def reload(self) -> None:
        self.annotation: Annotation | None = self.store.annotation(self.doc_id, self.annotator)
        self.model, suggestions = self.store.latest_suggestions(self.doc_id)
        self.suggestions: list[Suggestion] = suggestions
        if self.annotation is None:
            self.spans = [Span(s.start, s.end, s.label, "model") for s in non_overlapping(suggestions)]
        else:
            self.spans = self.store.spans(self.annotation.id)

    @property
    def doc_id(self) -> int:
        return self.document.id

    @property
    def text(self) -> str:
        return self.document.text

    @property
    def status(self) -> str:
        return self.annotation.status if self.annotation else Status.TODO

    @property
    def edited(self) -> bool:
        return bool(self.annotation and self.annotation.edited)

    @property
    def tokens(self) -> TokenIndex:
        if self._tokens is None:
            self._tokens = TokenIndex(self.text)
        return self._tokens

    def set_tokens(self, tokens: TokenIndex) -> None:
        """Hand in a token index computed elsewhere (a worker thread, for long texts)."""
        self._tokens = tokens

    def offered(self) -> list[Suggestion]:
        """Suggestions of a model run that came after the analyst started editing
        (the version was not seeded from it): shown apart, to accept or ignore, never
        applied by themselves."""
        if not self.edited or self.annotation is None:
            return []
        if self.model is None or self.model == self.annotation.seeded_from:
            return []  # the version started from this run: corrections are final
        have = {s.key() for s in self.spans}
        return [s for s in self.suggestions if (s.start, s.end, s.label) not in have]

    def span_at(self, pos: int) -> Span | None:
        i = bisect.bisect_right(self.spans, pos, key=lambda x: x.start) - 1
        if i >= 0 and self.spans[i].start <= pos < self.spans[i].end:
            return self.spans[i]
        return None

    def offered_at(self, pos: int) -> Suggestion | None:
        for s in self.offered():
            if s.start <= pos < s.end:
                return s
        return None

    # ------------------------------------------------------------- the version
    def ensure_version(self) -> int:
        """Create the annotator's version (a copy of the suggestions) if needed."""
        if self.annotation is None:
            try:
                self.annotation = self.store.open_version(self.doc_id, self.annotator)
            except sqlite3.IntegrityError:  # the document's row is gone (foreign key)
                raise EditError(f"document {self.doc_id} was deleted elsewhere (goldspan "
                                "delete, another window); nothing was saved") from None
            self.spans = self.store.spans(self.annotation.id)
        return self.annotation.id

    def suggestions_arrived(self) -> bool:
        """Re-read the suggestions after a model ran; seed an unedited version with
        them. Returns True when the spans shown changed."""
        before = list(self.spans)
        self.model, self.suggestions = self.store.latest_suggestions(self.doc_id)
        if self.annotation is None:
            self.spans = [Span(s.start, s.end, s.label, "model")
                          for s in non_overlapping(self.suggestions)]
        elif not self.annotation.edited and self.model is not None:
            if self.store.seed_version(self.annotation.id, self.model, self.suggestions):
                self.spans = self.store.spans(self.annotation.id)
        return self.spans != before

    # --------------------------------------------------------------- builders
    def snap(self, start: int, end: int) -> tuple[int, int] | None:
        return self.tokens.snap(start, end)

    def add(self, start: int, end: int, label: str, *, snap: bool = True,
            origin: str = "manual") -> Edit | None:
        if snap:
            snapped = self.snap(start, end)
            if snapped is None:
                return None
            start, end = snapped
        start, end = max(0, start), min(len(self.text), end)
        if start >= end:
            return None
        ann = self.ensure_version()
        return edits.add_span(ann, self.doc_id, self.spans, Span(start, end, label, origin))

    def delete(self, span: Span) -> Edit:
        return edits.remove_span(self.ensure_version(), self.doc_id, span)

    def relabel(self, span: Span, label: str) -> Edit | None:
        return edits.relabel_span(self.ensure_version(), self.doc_id, span, label)

    def move_boundary(self, span: Span, edge: str, step: int) -> Edit | None:
        """Move the ``start`` or ``end`` of a span by ``step`` whole tokens."""
        if edge == "start":
            moved = self.tokens.move_start(span.start, span.end, step)
        else:
            moved = self.tokens.move_end(span.start, span.end, step)
        if moved is None:
            return None
        return edits.resize_span(self.ensure_version(), self.doc_id, self.spans, span, *moved)

    def accept_offered(self, suggestion: Suggestion) -> Edit | None:
        return self.add(suggestion.start, suggestion.end, suggestion.label, snap=False,
                        origin="model")

    def set_status(self, status: str) -> Edit | None:
        ann = self.ensure_version()
        return edits.set_status(ann, self.doc_id, self.status, status)

    # ------------------------------------------------------------------ apply
    def apply(self, edit: Edit) -> ChangeSet:
        """Apply (commit) an edit of this document and update the state shown."""
        change = edit.apply(self.store)
        if change.removed or change.added:
            # bisection, not a re-sort: an edit stays cheap at 25,000 spans
            for r in change.removed:
                i = bisect.bisect_left(self.spans, r.start, key=lambda x: x.start)
                while i < len(self.spans) and self.spans[i].start == r.start:
                    if self.spans[i].key() == r.key():
                        del self.spans[i]
                        break
                    i += 1
            for a in change.added:
                bisect.insort(self.spans, a, key=lambda x: x.start)
        self.annotation = self.store.annotation_by_id(change.annotation_id)
        return change

