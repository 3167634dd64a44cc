"""The annotation queue of one annotator, as SQL: counts and pages, never all texts.

A document with no version by the annotator counts as ``todo``. Rows are in document
id order (import order).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from .status import FINISHED
from .store import Store


@dataclass(frozen=True)
class QueueFilter:
    """What the queue shows. ``assigned`` and ``fewer_done_than`` are the queue's
    *scope* (which documents are this annotator's work at all: Enter moves on within
    it, progress counts it); ``statuses`` and ``text`` only filter the table."""

    statuses: tuple[str, ...] = ()  # empty: all
    text: str = ""
    assigned: bool = False  # only documents assigned to this annotator
    fewer_done_than: int | None = None  # only documents with fewer done versions (gold aside)

    def scope_sql(self, annotator: str) -> tuple[str, list[object]]:
        clauses: list[str] = []
        params: list[object] = []
        if self.assigned:
            clauses.append("EXISTS (SELECT 1 FROM assignments g WHERE g.document_id = d.id "
                           "AND g.annotator = ?)")
            params.append(annotator)
        if self.fewer_done_than is not None:
            # The annotator's own done version does not take a document out of their
            # queue: they still see what they finished.
            clauses.append("(SELECT count(*) FROM annotations x WHERE x.document_id = d.id "
                           "AND x.status = 'done' AND x.annotator NOT IN ('gold', ?)) < ?")
            params.extend([annotator, self.fewer_done_than])
        return (" AND ".join(clauses) or "1"), params

    @property
    def scoped(self) -> bool:
        return self.assigned or self.fewer_done_than is not None

    def sql(self, annotator: str = "") -> tuple[str, list[object]]:
        clauses: list[str] = []
        params: list[object] = []
        if self.scoped:
            scope, scope_params = self.scope_sql(annotator)
            clauses.append(scope)
            params.extend(scope_params)
        if self.statuses:
            clauses.append(
                "COALESCE(a.status, 'todo') IN (" + ",".join("?" * len(self.statuses)) + ")"
            )
            params.extend(self.statuses)
        if self.text:
            pattern = "%" + self.text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
            clauses.append("(d.title LIKE ? ESCAPE '\\' OR d.text LIKE ? ESCAPE '\\')")
            params.extend([pattern, pattern])
        return (" AND ".join(clauses) or "1"), params


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

    _FROM = (
        " FROM documents d LEFT JOIN annotations a "
        "ON a.document_id = d.id AND a.annotator = ? "
    )

    def count(self) -> int:
        where, params = self.filter.sql(self.annotator)
        return self.store.conn.execute(
            "SELECT count(*)" + self._FROM + "WHERE " + where, [self.annotator, *params]
        ).fetchone()[0]

    def rows(self, offset: int, limit: int) -> list[QueueRow]:
        where, params = self.filter.sql(self.annotator)
        select = (
            "SELECT d.id, d.title, COALESCE(a.status, 'todo'), "
            # no version yet: what the article will open with (the latest suggestions)
            "CASE WHEN a.id IS NULL THEN (SELECT count(*) FROM suggestions g WHERE "
            "g.document_id = d.id AND g.model = (SELECT r.model FROM suggestion_runs r "
            "WHERE r.document_id = d.id ORDER BY r.created_at DESC, r.rowid DESC LIMIT 1)) "
            "ELSE (SELECT count(*) FROM spans s WHERE s.annotation_id = a.id) END"
            + self._FROM
        )
        if self._unfiltered:
            # Skip the offset on the bare id order (no join, no span counts for the
            # rows skipped), then read the page from its first id on.
            first = self.store.conn.execute(
                "SELECT id FROM documents ORDER BY id LIMIT 1 OFFSET ?", (offset,)
            ).fetchone()
            if first is None:
                return []
            cur = self.store.conn.execute(
                select + "WHERE d.id >= ? ORDER BY d.id LIMIT ?", (self.annotator, first[0], limit)
            )
        else:
            cur = self.store.conn.execute(
                select + "WHERE " + where + " ORDER BY d.id LIMIT ? OFFSET ?",
                [self.annotator, *params, limit, offset],
            )
        return [QueueRow(r[0], r[1] or "", r[2], r[3]) for r in cur]

    @property
    def _unfiltered(self) -> bool:
        return not self.filter.statuses and not self.filter.text and not self.filter.scoped

    def row_of(self, doc_id: int) -> int | None:
        """The row of a document under the current filter, or None if filtered out."""
        if self._unfiltered:
            conn = self.store.conn
            if conn.execute("SELECT 1 FROM documents WHERE id = ?", (doc_id,)).fetchone() is None:
                return None
            return conn.execute("SELECT count(*) FROM documents WHERE id < ?", (doc_id,)).fetchone()[0]
        where, params = self.filter.sql(self.annotator)
        row = self.store.conn.execute(
            "SELECT d.id" + self._FROM + "WHERE d.id = ? AND " + where,
            [self.annotator, doc_id, *params],
        ).fetchone()
        if row is None:
            return None
        return self.store.conn.execute(
            "SELECT count(*)" + self._FROM + "WHERE d.id < ? AND " + where,
            [self.annotator, doc_id, *params],
        ).fetchone()[0]

    def next_unfinished(self, after: int | None = None) -> int | None:
        """The first document after ``after`` (wrapping round) not finished by this
        annotator; None when every document is finished."""
        scope, scope_params = self.filter.scope_sql(self.annotator)
        base = (
            "SELECT d.id" + self._FROM
            + "WHERE COALESCE(a.status, 'todo') NOT IN ('done', 'skipped', 'rejected') "
            + "AND " + scope + " "
        )
        if after is not None:
            row = self.store.conn.execute(
                base + "AND d.id > ? ORDER BY d.id LIMIT 1", (self.annotator, *scope_params, after)
            ).fetchone()
            if row:
                return row[0]
        row = self.store.conn.execute(
            base + "ORDER BY d.id LIMIT 1", (self.annotator, *scope_params)
        ).fetchone()
        return row[0] if row else None

    def neighbour(self, doc_id: int, step: int) -> int | None:
        """The next (step=1) or previous (step=-1) document in the queue's scope,
        whatever its status."""
        scope, params = self.filter.scope_sql(self.annotator)
        if step > 0:
            sql = "SELECT d.id FROM documents d WHERE d.id > ? AND " + scope + " ORDER BY d.id LIMIT 1"
        else:
            sql = "SELECT d.id FROM documents d WHERE d.id < ? AND " + scope + " ORDER BY d.id DESC LIMIT 1"
        row = self.store.conn.execute(sql, (doc_id, *params)).fetchone()
        return row[0] if row else None

    def progress(self) -> Progress:
        """Finished and total within the queue's scope (all documents when unscoped)."""
        if not self.filter.scoped:
            total = self.store.document_count()
            counts = dict(self.store.conn.execute(
                "SELECT status, count(*) FROM annotations WHERE annotator = ? GROUP BY status",
                (self.annotator,),
            ).fetchall())
            return Progress(total, counts)
        scope, params = self.filter.scope_sql(self.annotator)
        total = self.store.conn.execute(
            "SELECT count(*) FROM documents d WHERE " + scope, params).fetchone()[0]
        counts = dict(self.store.conn.execute(
            "SELECT a.status, count(*) FROM documents d JOIN annotations a ON a.document_id = d.id "
            "AND a.annotator = ? WHERE " + scope + " GROUP BY a.status",
            [self.annotator, *params],
        ).fetchall())
        return Progress(total, counts)
