"""One annotator's queue as SQL (counts and pages, never all texts), and the
assignments (``assignments``) that can limit it.

What the queue shows is decided by :class:`goldspan.core.queue.QueueFilter`; this
module turns it into SQL. A document with no version by the annotator counts as
``todo``. Rows are in document id order (import order).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any, Protocol

from ..labels import check_annotator
from ..types import GOLD
from .connection import Connection
from .search import document_clause, matching_ids, parse


class QueueScope(Protocol):
    """What the store reads of a queue filter (:class:`goldspan.core.queue.QueueFilter`)."""

    @property
    def statuses(self) -> tuple[str, ...]: ...
    @property
    def text(self) -> str: ...
    @property
    def assigned(self) -> bool: ...
    @property
    def fewer_done_than(self) -> int | None: ...
    @property
    def scoped(self) -> bool: ...  # assigned or fewer_done_than: the scope is limited


def _scope_sql(flt: QueueScope, annotator: str) -> tuple[str, list[Any]]:
    """Which documents are this annotator's work at all (``d`` is ``documents``)."""
    clauses: list[str] = []
    params: list[Any] = []
    if flt.assigned:
        clauses.append("EXISTS (SELECT 1 FROM assignments g WHERE g.document_id = d.id "
                       "AND g.annotator = ?)")
        params.append(annotator)
    if flt.fewer_done_than is not None:
        # The annotator's own done version does not take a document out of their
        # queue: they still see what they finished.
        clauses.append("(SELECT count(*) FROM annotations x WHERE x.document_id = d.id "
                       "AND x.status = 'done' AND x.annotator NOT IN (?, ?)) < ?")
        params.extend([GOLD, annotator, flt.fewer_done_than])
    return (" AND ".join(clauses) or "1"), params


def _filter_sql(flt: QueueScope, annotator: str) -> tuple[str, list[Any], str, list[Any]]:
    """(FROM clause, its parameters, WHERE condition, its parameters) of the filtered
    queue (``d`` has the document's ``id``, ``a`` is the annotator's version).

    A word or entity search reads the ids it finds in place of ``documents``
    (:func:`.search.matching_ids`): ``d`` is then those ids, and ``documents`` is not
    read at all, so a
    count of 95,000 matches costs the index's doclist, not 95,000 rows of 3 KB texts
    (measured on 100,000 articles: 25 ms instead of 370 ms; bench/bench_search.py).
    The caller reads titles for a page's few ids only. Entity and substring searches
    are conditions on ``documents`` (:func:`.search.document_clause`)."""
    clauses: list[str] = []
    params: list[Any] = []
    source, source_params = _FROM, [annotator]
    if flt.scoped:
        scope, scope_params = _scope_sql(flt, annotator)
        clauses.append(scope)
        params.extend(scope_params)
    if flt.statuses:
        clauses.append("COALESCE(a.status, 'todo') IN (" + ",".join("?" * len(flt.statuses)) + ")")
        params.extend(flt.statuses)
    search = parse(flt.text)
    ids = matching_ids(search)
    if ids is not None:
        source = (" FROM " + ids[0] + " d LEFT JOIN annotations a ON a.document_id = d.id "
                  "AND a.annotator = ? ")
        source_params = [*ids[1], annotator]
    elif not search.empty:
        clause, search_params = document_clause(search)
        clauses.append(clause)
        params.extend(search_params)
    return source, source_params, (" AND ".join(clauses) or "1"), params


def _words_only(flt: QueueScope) -> str | None:
    """The FTS5 query when the filter is a word search and nothing else (its count is
    the index's alone)."""
    search = parse(flt.text)
    if search.match and not search.is_entity and not flt.statuses and not flt.scoped:
        return search.match
    return None


def _unfiltered(flt: QueueScope) -> bool:
    return not flt.statuses and parse(flt.text).empty and not flt.scoped


_FROM = " FROM documents d LEFT JOIN annotations a ON a.document_id = d.id AND a.annotator = ? "
# A page's row: id, title, status, and how many entities the document opens with (the
# annotator's spans; no version yet: the latest suggestions).
_PAGE = (
    "SELECT d.id, d.title, COALESCE(a.status, 'todo'), "
    "CASE WHEN a.id IS NULL THEN (SELECT count(*) FROM suggestions g WHERE "
    "g.document_id = d.id AND g.model = (SELECT r.model FROM suggestion_runs r "
    "WHERE r.document_id = d.id ORDER BY r.created_at DESC, r.rowid DESC LIMIT 1)) "
    "ELSE (SELECT count(*) FROM spans s WHERE s.annotation_id = a.id) END" + _FROM
)


class QueueMixin(Connection):
    # -------------------------------------------------------------- the queue
    def queue_count(self, annotator: str, flt: QueueScope) -> int:
        words = _words_only(flt)
        if words is not None:
            return int(self._value(
                "SELECT count(*) FROM documents_fts WHERE documents_fts MATCH ?", (words,)))
        source, source_params, where, params = _filter_sql(flt, annotator)
        return int(self._value("SELECT count(*)" + source + "WHERE " + where,
                               [*source_params, *params]))

    def queue_page(self, annotator: str, flt: QueueScope, offset: int,
                   limit: int) -> list[tuple[int, str | None, str, int]]:
        """Rows ``offset`` to ``offset + limit`` as (id, title, status, entities)."""
        if _unfiltered(flt):
            # Skip the offset on the bare id order (no join, no span counts for the
            # rows skipped), then read the page from its first id on.
            first = self._value("SELECT id FROM documents ORDER BY id LIMIT 1 OFFSET ?", (offset,))
            if first is None:
                return []
            return self._rows(_PAGE + "WHERE d.id >= ? ORDER BY d.id LIMIT ?",
                              (annotator, first, limit)).fetchall()
        # The page's ids first (texts and span counts are not read for the rows
        # skipped), then their rows.
        source, source_params, where, params = _filter_sql(flt, annotator)
        ids = self._column("SELECT d.id" + source + "WHERE " + where
                           + " ORDER BY d.id LIMIT ? OFFSET ?",
                           [*source_params, *params, limit, offset])
        if not ids:
            return []
        return self._rows(_PAGE + "WHERE d.id IN (" + ",".join("?" * len(ids))
                          + ") ORDER BY d.id", [annotator, *ids]).fetchall()

    def queue_row_of(self, annotator: str, flt: QueueScope, doc_id: int) -> int | None:
        """The row of a document under the filter, or None if filtered out."""
        if _unfiltered(flt):
            if self._one("SELECT 1 FROM documents WHERE id = ?", (doc_id,)) is None:
                return None
            return int(self._value("SELECT count(*) FROM documents WHERE id < ?", (doc_id,)))
        source, source_params, where, params = _filter_sql(flt, annotator)
        if self._one("SELECT d.id" + source + "WHERE d.id = ? AND " + where,
                     [*source_params, doc_id, *params]) is None:
            return None
        return int(self._value("SELECT count(*)" + source + "WHERE d.id < ? AND " + where,
                               [*source_params, doc_id, *params]))

    def queue_next(self, annotator: str, flt: QueueScope, after: int | None,
                   finished: Sequence[str]) -> int | None:
        """The first document in scope after ``after`` (wrapping round) whose status
        (``todo`` without a version) is not in ``finished``."""
        scope, scope_params = _scope_sql(flt, annotator)
        base = ("SELECT d.id" + _FROM + "WHERE COALESCE(a.status, 'todo') NOT IN ("
                + ",".join("?" * len(finished)) + ") AND " + scope + " ")
        params = [annotator, *finished, *scope_params]
        if after is not None:
            found = self._value(base + "AND d.id > ? ORDER BY d.id LIMIT 1", [*params, after])
            if found is not None:
                return int(found)
        found = self._value(base + "ORDER BY d.id LIMIT 1", params)
        return None if found is None else int(found)

    def queue_neighbour(self, annotator: str, flt: QueueScope, doc_id: int, step: int) -> int | None:
        """The next (step > 0) or previous document in scope, whatever its status."""
        scope, params = _scope_sql(flt, annotator)
        if step > 0:
            sql = "SELECT d.id FROM documents d WHERE d.id > ? AND " + scope + " ORDER BY d.id LIMIT 1"
        else:
            sql = ("SELECT d.id FROM documents d WHERE d.id < ? AND " + scope
                   + " ORDER BY d.id DESC LIMIT 1")
        found = self._value(sql, (doc_id, *params))
        return None if found is None else int(found)

    def queue_progress(self, annotator: str, flt: QueueScope) -> tuple[int, dict[str, int]]:
        """(documents in scope, the annotator's versions of them by status)."""
        if not flt.scoped:
            total = int(self._value("SELECT count(*) FROM documents"))
            return total, dict(self._rows(
                "SELECT status, count(*) FROM annotations WHERE annotator = ? GROUP BY status",
                (annotator,)))
        scope, params = _scope_sql(flt, annotator)
        total = int(self._value("SELECT count(*) FROM documents d WHERE " + scope, params))
        return total, dict(self._rows(
            "SELECT a.status, count(*) FROM documents d JOIN annotations a ON a.document_id = d.id "
            "AND a.annotator = ? WHERE " + scope + " GROUP BY a.status", [annotator, *params]))

    # ------------------------------------------------------------- assignments
    def assign(self, annotator: str, doc_ids: Iterable[int]) -> int:
        """Assign documents to an annotator (idempotent). Returns how many were new."""
        check_annotator(annotator)
        with self.transaction() as c:
            before = self.conn.total_changes
            c.executemany(
                "INSERT OR IGNORE INTO assignments (document_id, annotator) "
                "SELECT id, ? FROM documents WHERE id = ?",
                [(annotator, d) for d in doc_ids],
            )
            return self.conn.total_changes - before

    def unassign(self, annotator: str, doc_ids: Iterable[int] | None = None) -> int:
        with self.transaction() as c:
            if doc_ids is None:
                return c.execute("DELETE FROM assignments WHERE annotator = ?", (annotator,)).rowcount
            return sum(c.execute("DELETE FROM assignments WHERE annotator = ? AND document_id = ?",
                                 (annotator, d)).rowcount for d in doc_ids)

    def assignment_counts(self) -> dict[str, int]:
        return dict(self._rows(
            "SELECT annotator, count(*) FROM assignments GROUP BY annotator ORDER BY annotator"))
