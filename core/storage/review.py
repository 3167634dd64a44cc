"""What review and agreement read: the annotators' ``done`` versions (``gold``
aside), the gold's status per document, and what tells the review window they
changed."""

from __future__ import annotations

import itertools
from collections.abc import Iterator, Sequence
from typing import Any

from ..types import GOLD, Span
from .connection import Connection


class ReviewMixin(Connection):
    def _done_spans(self, annotators: Sequence[str] | None,
                    doc_id: int | None = None) -> Iterator[tuple[Any, ...]]:
        """(document, annotator, start, end, label, origin) of every ``done`` version
        but the gold (start NULL: a version with no span), in document, annotator and
        start order: one query, read as the caller iterates."""
        sql = ('SELECT a.document_id, a.annotator, s.start, s."end", s.label, s.origin '
               "FROM annotations a LEFT JOIN spans s ON s.annotation_id = a.id "
               "WHERE a.status = 'done' AND a.annotator != ?")
        params: list[Any] = [GOLD]
        if doc_id is not None:
            sql += " AND a.document_id = ?"
            params.append(doc_id)
        if annotators is not None:
            sql += f" AND a.annotator IN ({', '.join('?' * len(annotators))})"
            params.extend(annotators)
        return self._rows(sql + " ORDER BY a.document_id, a.annotator, s.start", params)

    def done_versions_by_document(
            self, annotators: Sequence[str] | None = None
    ) -> Iterator[tuple[int, dict[str, list[Span]]]]:
        """Per document in id order, the spans of its ``done`` versions by annotator
        (of ``annotators`` only, if given; never the gold): one document in memory at
        a time."""
        rows = self._done_spans(annotators)
        for doc_id, group in itertools.groupby(rows, key=lambda r: r[0]):
            yield doc_id, _by_annotator(group)

    def done_versions(self, doc_id: int,
                      annotators: Sequence[str] | None = None) -> dict[str, list[Span]]:
        """The spans of one document's ``done`` versions by annotator (never the gold)."""
        return _by_annotator(self._done_spans(annotators, doc_id))

    def done_annotators(self) -> list[str]:
        """Annotators (``gold`` excepted) with at least one ``done`` version."""
        return self._column("SELECT DISTINCT annotator FROM annotations WHERE status = 'done' "
                            "AND annotator != ? ORDER BY annotator", (GOLD,))

    def done_counts(self) -> list[tuple[str, int]]:
        """Every annotator but the gold with how many ``done`` versions they have."""
        return [(name, n or 0) for name, n in self._rows(
            "SELECT annotator, sum(status = 'done') FROM annotations WHERE annotator != ? "
            "GROUP BY annotator ORDER BY annotator", (GOLD,))]

    def shared_documents(self, annotators: Sequence[str], at_least: int = 2) -> int:
        """How many documents have ``done`` versions by at least ``at_least`` of
        ``annotators``."""
        return int(self._value(
            "SELECT count(*) FROM (SELECT document_id FROM annotations WHERE status = 'done' "
            f"AND annotator IN ({', '.join('?' * len(annotators))}) "
            "GROUP BY document_id HAVING count(*) >= ?)", [*annotators, at_least]))

    def gold_statuses(self) -> dict[int, str]:
        """Document id -> status of its ``gold`` version, for every document that has one."""
        return dict(self._rows("SELECT document_id, status FROM annotations WHERE annotator = ?",
                               (GOLD,)))

    def done_stamp(self) -> tuple[int, str | None]:
        """Changes when an annotator's version becomes done, stops being done or is edited
        while done (``updated_at`` has milliseconds). The gold is not part of it."""
        n, last = self._one("SELECT count(*), max(updated_at) FROM annotations "
                            "WHERE status = 'done' AND annotator != ?", (GOLD,))
        return int(n), last


def _by_annotator(rows: Iterator[tuple[Any, ...]]) -> dict[str, list[Span]]:
    out: dict[str, list[Span]] = {}
    for _doc, name, start, end, label, origin in rows:
        spans = out.setdefault(name, [])
        if start is not None:
            spans.append(Span(start, end, label, origin))
    return out
