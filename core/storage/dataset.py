"""The reads an export, ``stats`` and ``train`` make: one cursor over the versions in
document order (which of them count is :mod:`goldspan.core.dataset`'s business), and
the counts ``stats`` shows."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Any

from .connection import Connection
from .records import ANNOTATION_COLUMNS, Annotation, annotation


def _where(statuses: Sequence[str], annotator: str | None) -> tuple[str, list[Any]]:
    """The WHERE clause (placeholders only) and its parameters."""
    where = f" WHERE status IN ({', '.join('?' * len(statuses))})"
    params: list[Any] = list(statuses)
    if annotator is not None:
        where += " AND annotator = ?"
        params.append(annotator)
    return where, params


class DatasetMixin(Connection):
    def versions_in_order(self, statuses: Sequence[str],
                          annotator: str | None = None) -> Iterator[Annotation]:
        """The versions with one of ``statuses`` (of ``annotator`` only, if given), in
        document id order, then annotator name; read as the caller iterates, so memory
        does not grow with the database."""
        where, params = _where(statuses, annotator)
        return map(annotation, self._rows(
            f"SELECT {ANNOTATION_COLUMNS} FROM annotations" + where
            + " ORDER BY document_id, annotator", params))

    def count_versions(self, statuses: Sequence[str], annotator: str | None = None) -> int:
        """How many versions :meth:`versions_in_order` yields."""
        where, params = _where(statuses, annotator)
        return int(self._value("SELECT count(*) FROM annotations" + where, params))

    def version_counts(self) -> list[tuple[str, str, int]]:
        """(annotator, status, versions), by annotator then status."""
        return self._rows("SELECT annotator, status, count(*) FROM annotations "
                          "GROUP BY annotator, status ORDER BY annotator, status").fetchall()
