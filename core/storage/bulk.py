"""Writing a file's records batch by batch (``goldspan import``): documents, versions,
spans and suggestions gathered in Python and written with one ``executemany`` per kind
of statement, in the caller's transaction.

The outcome is exactly what :meth:`~.documents.DocumentsMixin.add_document`,
:meth:`~.versions.VersionsMixin.put_version` and
:meth:`~.suggestions.SuggestionsMixin.put_suggestions` give record by record, in the
same order: a text already stored (or met earlier in the file) is that document, never a
second one; ids are handed out in record order from :meth:`~.ids.IdsMixin.next_id`; a
second version by the same annotator replaces the first (spans and status); a model's
second run on a document replaces the first. It costs a handful of statements per batch
instead of five to eight per record: measured here on 60,000 small Prodigy records the
statements per record were half of the import's time.

Nothing is checked here that the schema would refuse anyway (the triggers keep spans of
one version apart, the CHECK constraints hold); the importer checks every record in
Python first, so a refusal names its line, and the database stays the last guard.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from ..errors import StoreError
from ..status import STATUSES
from ..textio import text_hash
from ..types import Span, Suggestion
from .connection import NOW
from .records import dumps, parse_meta

if TYPE_CHECKING:
    from .store import Store

# At most this many values in one ``IN (...)`` list (SQLite allows 32,766 since 3.32;
# older builds 999).
_IN_CHUNK = 900


# a version in the database: (id, status, its spans' keys)
_Stored = tuple[int, str, list[tuple[int, int, str]]]


@dataclass
class _NewDocument:
    id: int
    text: str
    hash: str
    title: str | None
    source: str | None
    meta: dict[str, Any] | None


@dataclass
class _Version:
    id: int
    status: str
    spans: Sequence[Span]
    new: bool  # not in the database yet (else its spans are replaced)
    write: bool = True  # False: the same as the database's, left untouched


def _keys(spans: Iterable[Span]) -> list[tuple[int, int, str]]:
    """What makes two versions' spans the same (origins aside)."""
    return sorted((s.start, s.end, s.label) for s in spans)


class BulkWriter:
    """Records of one file, written a batch at a time. Call :meth:`prefetch` with a
    batch's texts, then :meth:`document`, :meth:`version`, :meth:`suggestions` and
    :meth:`merge_meta` for each of its records in order, then :meth:`flush`. Everything
    runs in the transaction the caller holds (``with store.transaction():``), so a
    refusal anywhere rolls the whole file back."""

    def __init__(self, store: Store) -> None:
        self.store = store
        self.conn = store.conn
        self._stored: dict[str, int] = {}  # hash -> id, documents already in the database
        self._new: dict[str, _NewDocument] = {}  # hash -> document to insert
        self._new_ids: set[int] = set()
        # (doc, annotator) -> (id, status, span keys): the versions a batch may replace
        self._versions_in_db: dict[tuple[int, str], _Stored] = {}
        self._versions: dict[tuple[int, str], _Version] = {}
        self._suggestions: dict[tuple[int, str], tuple[bool, list[Suggestion]]] = {}
        self._metas: dict[int, dict[str, Any]] = {}  # stored document -> its new meta
        self._next_doc: int | None = None
        self._next_version: int | None = None

    # ---------------------------------------------------------------- a batch
    def prefetch(self, texts: Sequence[str], annotators: Sequence[str | None]) -> list[str]:
        """The hashes of a batch's texts, having looked up (a query per 900 records)
        which of them the database holds, and the versions the batch's records would
        replace (``annotators``: each record's annotator, None for one without a
        version), with their status and spans, to tell a changed version from the same
        one imported again."""
        hashes = [text_hash(t) for t in texts]
        wanted = list({h for h in hashes if h not in self._new})
        found: dict[str, int] = {}
        for i in range(0, len(wanted), _IN_CHUNK):
            part = wanted[i:i + _IN_CHUNK]
            found.update(self.conn.execute(
                "SELECT text_hash, id FROM documents WHERE text_hash IN ("
                + ",".join("?" * len(part)) + ")", part).fetchall())
        self._stored = found
        asked = {(found[h], name) for h, name in zip(hashes, annotators, strict=True)
                 if name is not None and h in found}
        ids = sorted({doc_id for doc_id, _ in asked})
        versions: dict[tuple[int, str], tuple[int, str]] = {}
        for i in range(0, len(ids), _IN_CHUNK):
            id_part = ids[i:i + _IN_CHUNK]
            for doc_id, annotator, ann_id, status in self.conn.execute(
                    "SELECT document_id, annotator, id, status FROM annotations "
                    "WHERE document_id IN (" + ",".join("?" * len(id_part)) + ")", id_part):
                if (doc_id, annotator) in asked:
                    versions[(doc_id, annotator)] = (ann_id, status)
        keys: dict[int, list[tuple[int, int, str]]] = {ann_id: [] for ann_id, _ in
                                                       versions.values()}
        ann_ids = list(keys)
        for i in range(0, len(ann_ids), _IN_CHUNK):
            ann_part = ann_ids[i:i + _IN_CHUNK]
            for ann_id, start, end, label in self.conn.execute(
                    'SELECT annotation_id, start, "end", label FROM spans '
                    "WHERE annotation_id IN (" + ",".join("?" * len(ann_part)) + ")", ann_part):
                keys[ann_id].append((start, end, label))
        self._versions_in_db = {key: (ann_id, status, sorted(keys[ann_id]))
                                for key, (ann_id, status) in versions.items()}
        return hashes

    def document(self, text: str, h: str, title: str | None, source: str | None,
                 meta: dict[str, Any] | None) -> tuple[int, bool]:
        """The document holding ``text`` (hash ``h``, from :meth:`prefetch`): (id,
        created). A new one gets the next id; meta of one already there is not
        touched here (:meth:`merge_meta`)."""
        found = self._stored.get(h)
        if found is not None:
            return found, False
        pending = self._new.get(h)
        if pending is not None:
            return pending.id, False
        if self._next_doc is None:
            self._next_doc = self.store.next_id("documents")
        doc_id = self._next_doc
        self._next_doc += 1
        self._new[h] = _NewDocument(doc_id, text, h, title, source, meta or None)
        self._new_ids.add(doc_id)
        return doc_id, True

    def merge_meta(self, doc_id: int, h: str, meta: dict[str, Any]) -> None:
        """Add the keys of ``meta`` a document does not have yet, keeping its own (CoNLL
        tokens for a text first imported as .txt). A damaged meta cell refuses in one
        line naming the row."""
        pending = self._new.get(h)
        if pending is not None and pending.id == doc_id:
            current = pending.meta or {}
            pending.meta = {**current, **{k: v for k, v in meta.items() if k not in current}}
            return
        kept = self._metas.get(doc_id)
        if kept is not None:
            current = kept
        else:
            raw = self.conn.execute("SELECT meta FROM documents WHERE id = ?",
                                    (doc_id,)).fetchone()
            current = parse_meta(raw[0] if raw else None, doc_id, self.store.path)
        missing = {k: v for k, v in meta.items() if k not in current}
        if missing or doc_id in self._metas:
            self._metas[doc_id] = {**current, **missing}

    def version(self, doc_id: int, annotator: str, status: str,
                spans: Sequence[Span]) -> str:
        """Create or replace one annotator's whole version of a document: "new",
        "replaced" (a different version was there, in the database or earlier in the
        file) or "unchanged" (the same status and spans were there: left as it is, its
        time and its spans' origins kept)."""
        if status not in STATUSES:
            raise StoreError(f"unknown status {status!r}")
        key = (doc_id, annotator)
        pending = self._versions.get(key)
        if pending is not None:
            if pending.status == status and _keys(pending.spans) == _keys(spans):
                return "unchanged"
            pending.status, pending.spans, pending.write = status, spans, True
            return "replaced"
        found = None if doc_id in self._new_ids else self._versions_in_db.get(key)
        if found is not None:
            ann_id, old_status, old_keys = found
            same = old_status == status and old_keys == _keys(spans)
            self._versions[key] = _Version(ann_id, status, spans, new=False, write=not same)
            return "unchanged" if same else "replaced"
        if self._next_version is None:
            self._next_version = self.store.next_id("annotations")
        self._versions[key] = _Version(self._next_version, status, spans, new=True)
        self._next_version += 1
        return "new"

    def suggestions(self, doc_id: int, model: str, suggestions: Sequence[Suggestion]) -> int:
        """What a model said about a document, replacing its earlier run; how many rows
        that is (a suggestion repeated with the same offsets and label counts once, the
        first score kept), as :meth:`put_suggestions` counts."""
        unique: dict[tuple[int, int, str], Suggestion] = {}
        for s in suggestions:
            unique.setdefault((s.start, s.end, s.label), s)
        self._suggestions[(doc_id, model)] = (doc_id not in self._new_ids, list(unique.values()))
        return len(unique)

    # ---------------------------------------------------------------- writing
    def flush(self) -> None:
        """Write what the batch gathered, parents before children."""
        c = self.conn
        if self._new:
            c.executemany(
                "INSERT INTO documents (id, text, text_hash, title, source, meta) "
                "VALUES (?, ?, ?, ?, ?, ?)",
                [(d.id, d.text, d.hash, d.title, d.source, dumps(d.meta) if d.meta else None)
                 for d in self._new.values()])
        if self._metas:
            c.executemany("UPDATE documents SET meta = ? WHERE id = ?",
                          [(dumps(m) if m else None, i) for i, m in self._metas.items()])
        written = [v for v in self._versions.values() if v.write]
        replaced = [v for v in written if not v.new]
        if replaced:
            c.executemany("DELETE FROM spans WHERE annotation_id = ?", [(v.id,) for v in replaced])
            c.executemany(f"UPDATE annotations SET status = ?, edited = 1, updated_at = {NOW} "
                          "WHERE id = ?", [(v.status, v.id) for v in replaced])
        new = [(v.id, doc_id, annotator, v.status)
               for (doc_id, annotator), v in self._versions.items() if v.new]
        if new:
            c.executemany(
                "INSERT INTO annotations (id, document_id, annotator, status, edited) "
                "VALUES (?, ?, ?, ?, 1)", new)
        if written:
            self.store.insert_span_rows(
                (v.id, s.start, s.end, s.label, s.origin) for v in written for s in v.spans)
        if self._suggestions:
            c.executemany("DELETE FROM suggestions WHERE document_id = ? AND model = ?",
                          [key for key, (stored, _) in self._suggestions.items() if stored])
            c.executemany(
                'INSERT INTO suggestions (document_id, model, start, "end", label, score) '
                "VALUES (?, ?, ?, ?, ?, ?)",
                [(doc_id, model, s.start, s.end, s.label, s.score)
                 for (doc_id, model), (_, rows) in self._suggestions.items() for s in rows])
            c.executemany("INSERT OR REPLACE INTO suggestion_runs (document_id, model, "
                          f"created_at) VALUES (?, ?, {NOW})", list(self._suggestions))
        self._new.clear()
        self._new_ids.clear()
        self._versions.clear()
        self._suggestions.clear()
        self._metas.clear()
        self._stored = {}
        self._versions_in_db = {}
