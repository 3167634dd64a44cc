"""What the store hands out: a document, an annotator's version (each made from a row
in ONE place, :func:`annotation`), and the JSON cells, written strict and read with one
clear line for a bad value."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..errors import StoreError


@dataclass(frozen=True)
class Document:
    id: int
    text: str
    title: str | None
    source: str | None
    meta_json: str | None  # the ``documents.meta`` cell as stored
    text_hash: str
    db_path: Path | None = field(default=None, compare=False)

    @property
    def meta(self) -> dict[str, Any]:
        """The meta cell parsed when used: only what writes it out (an export) needs
        it, so one hand-damaged cell stops that with one line, not the window, stats or
        suggest."""
        return parse_meta(self.meta_json, self.id, self.db_path)


# The columns :class:`Document` and :class:`Annotation` are read from, in their order.
DOCUMENT_COLUMNS = "id, text, title, source, meta, text_hash"
ANNOTATION_COLUMNS = "id, document_id, annotator, status, edited, seeded_from, updated_at, created_at"


@dataclass(frozen=True)
class Annotation:
    """One annotator's version of one document (an ``annotations`` row)."""

    id: int
    document_id: int
    annotator: str
    status: str
    edited: bool
    seeded_from: str | None
    updated_at: str
    created_at: str | None = field(default=None, compare=False)


def annotation(row: tuple[Any, ...]) -> Annotation:
    """An ``annotations`` row read with :data:`ANNOTATION_COLUMNS`."""
    return Annotation(row[0], row[1], row[2], row[3], bool(row[4]), row[5], row[6], row[7])


def document(row: tuple[Any, ...], path: Path | None) -> Document:
    """A ``documents`` row read with :data:`DOCUMENT_COLUMNS`."""
    return Document(row[0], row[1], row[2], row[3], row[4], row[5], path)


class _NotJson(ValueError):
    pass


def _refuse_constant(name: str) -> Any:
    raise _NotJson(f"{name} is not a JSON number")


def dumps(value: Any) -> str:
    """JSON for the database: NaN and Infinity refused (``allow_nan=False``), so what
    goldspan writes is JSON that SQLite's json functions and every other tool read."""
    try:
        return json.dumps(value, ensure_ascii=False, allow_nan=False)
    except ValueError as err:  # allow_nan=False's refusal (or a circular reference)
        reason = ("NaN and Infinity are not JSON numbers" if "compliant" in str(err)
                  else str(err))
        raise StoreError(f"cannot store {str(value)[:60]!r} as JSON: {reason}") from None


def json_cell(raw: Any, table: str, column: str, row: str, path: Path | None) -> Any:
    """Parse a JSON cell of the database, turning a bad value (hand-edited SQL, an
    older tool, NaN) into one line that says which table, which row and what to do,
    never a traceback."""
    if isinstance(raw, (int, float)):  # a cell SQLite stored as a number
        raw = str(raw)
    try:
        return json.loads(raw, parse_constant=_refuse_constant)
    except (ValueError, RecursionError) as err:
        reason = err.msg if isinstance(err, json.JSONDecodeError) else str(err) or "too deep"
        raise StoreError(
            f"{table} row {row}: {column} is not valid JSON ({reason}); correct or clear "
            f"that cell ({table}.{column} to NULL, with any SQLite tool) or restore a "
            "backup; 'goldspan check' lists such rows", path=path) from None


def parse_meta(raw: str | None, doc_id: int, path: Path | None) -> dict[str, Any]:
    """A ``documents.meta`` cell as a dict: NULL is ``{}``; anything but a JSON object
    is one clear line naming the row."""
    if raw is None or raw == "":
        return {}
    value = json_cell(raw, "documents", "meta", str(doc_id), path)
    if not isinstance(value, dict):
        raise StoreError(
            f"documents row {doc_id}: meta should be a JSON object, not "
            f"{type(value).__name__}; clear that cell (documents.meta to NULL, with any "
            "SQLite tool) or restore a backup (goldspan restore BACKUP)", path=path)
    return value
