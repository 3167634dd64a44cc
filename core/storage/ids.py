"""Ids that name one row for good: a new document or version gets one past the largest
there is or ever was deleted, so an exported or noted id never comes back as another
text, and an undone delete gets its ids back."""

from __future__ import annotations

from collections.abc import Iterable

from ..errors import StoreError
from .connection import Connection

# The largest id SQLite can hold (its INTEGER is 64-bit signed): a larger one names no
# row, and binding it raises OverflowError, so every id a user types is checked
# against it where it is read (the command line's id options, ``--version DOC:NAME``).
MAX_ID = 2**63 - 1

# Per table: the next id, from the largest row and the floor that deletes raise
# (``settings`` key ``id_floor.<table>``). Written out: no name is formatted into SQL.
_NEXT_ID = {
    "documents": "SELECT max(coalesce((SELECT max(id) FROM documents), 0), coalesce((SELECT "
                 "CAST(value AS INTEGER) FROM settings WHERE key = ?), 0)) + 1",
    "annotations": "SELECT max(coalesce((SELECT max(id) FROM annotations), 0), coalesce((SELECT "
                   "CAST(value AS INTEGER) FROM settings WHERE key = ?), 0)) + 1",
}


class IdsMixin(Connection):
    def next_id(self, table: str) -> int:
        """The id a new row of ``documents`` or ``annotations`` gets: one past the
        largest there is or ever was deleted (``settings`` key ``id_floor.<table>``).
        SQLite alone hands the largest id out again once its row is deleted."""
        if table not in _NEXT_ID:
            raise StoreError(f"no id sequence for {table!r}")
        return int(self._value(_NEXT_ID[table], (f"id_floor.{table}",)))

    def _raise_id_floor(self, table: str, ids: Iterable[int]) -> None:
        """Never hand out any of ``ids`` again (they are being deleted)."""
        ids = list(ids)
        if not ids:
            return
        self.conn.execute(
            "INSERT INTO settings (key, value) VALUES (?, ?) ON CONFLICT(key) DO "
            "UPDATE SET value = CAST(max(coalesce(CAST(value AS INTEGER), 0), "
            "CAST(excluded.value AS INTEGER)) AS TEXT)", (f"id_floor.{table}", str(max(ids))))
