"""The ``documents`` table: the texts, each stored once (matched by its hash)."""

from __future__ import annotations

from typing import Any

from ..errors import StoreError
from ..textio import first_line, text_hash
from .connection import STAMP, WRITE_TIME, Stamp, stamp
from .ids import IdsMixin
from .records import DOCUMENT_COLUMNS, Document, document, dumps, parse_meta

class DocumentsMixin(IdsMixin):
    def add_document(
        self,
        text: str,
        *,
        title: str | None = None,
        source: str | None = None,
        meta: dict[str, Any] | None = None,
    ) -> tuple[int, bool]:
        """Insert a document unless its text is already there. Returns (id, created)."""
        h = text_hash(text)
        with self.transaction():
            found = self.document_id_by_hash(h)
            if found is not None:
                return found, False
            return self.insert_document(text, h, title or first_line(text), source,
                                        dumps(meta) if meta else None), True

    def insert_document(self, text: str, h: str, title: str | None, source: str | None,
                        meta_json: str | None, created_at: Stamp = WRITE_TIME) -> int:
        """Insert a document row as given (the caller has checked its hash is new), in
        the caller's transaction; its id."""
        return self._insert(
            "INSERT INTO documents (id, text, text_hash, title, source, meta, created_at) "
            f"VALUES (?, ?, ?, ?, ?, ?, {STAMP})",
            (self.next_id("documents"), text, h, title, source, meta_json, *stamp(created_at)))

    def document(self, doc_id: int) -> Document:
        row = self._one(f"SELECT {DOCUMENT_COLUMNS} FROM documents WHERE id = ?", (doc_id,))
        if row is None:
            raise StoreError(f"no document with id {doc_id}", path=self.path)
        return document(row, self.path)

    def document_text(self, doc_id: int) -> str:
        """Only the text (what the agreement figures tokenise)."""
        text = self._value("SELECT text FROM documents WHERE id = ?", (doc_id,))
        if text is None:
            raise StoreError(f"no document with id {doc_id}", path=self.path)
        return str(text)

    def document_meta(self, doc_id: int) -> dict[str, Any]:
        row = self._one("SELECT meta FROM documents WHERE id = ?", (doc_id,))
        if row is None:
            raise StoreError(f"no document with id {doc_id}", path=self.path)
        return parse_meta(row[0], doc_id, self.path)

    def set_document_meta(self, doc_id: int, meta: dict[str, Any]) -> None:
        with self.transaction() as c:
            c.execute("UPDATE documents SET meta = ? WHERE id = ?",
                      (dumps(meta) if meta else None, doc_id))

    def document_id_by_hash(self, h: str) -> int | None:
        """The document whose text has hash ``h`` (files are matched by it, never by id)."""
        found = self._value("SELECT id FROM documents WHERE text_hash = ?", (h,))
        return None if found is None else int(found)

    def has_document(self, doc_id: int) -> bool:
        return self._one("SELECT 1 FROM documents WHERE id = ?", (doc_id,)) is not None

    def document_count(self) -> int:
        return int(self._value("SELECT count(*) FROM documents"))

    def document_ids(self) -> list[int]:
        return self._column("SELECT id FROM documents ORDER BY id")

    def document_ids_between(self, first: int, last: int) -> list[int]:
        """The ids of the documents with ``first <= id <= last`` (an index range scan:
        the size of the range typed costs nothing)."""
        return self._column("SELECT id FROM documents WHERE id BETWEEN ? AND ? ORDER BY id",
                            (first, last))

    def document_id_bounds(self) -> tuple[int, int | None, int | None]:
        """(number of documents, smallest id, largest id)."""
        n, first, last = self._one("SELECT count(*), min(id), max(id) FROM documents")
        return n, first, last

    def titles(self) -> dict[int, str | None]:
        """Every document's title by id (the review window's list)."""
        return dict(self._rows("SELECT id, title FROM documents"))
