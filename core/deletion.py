"""Deleting what an import (or a person) should not have made: documents, one
annotator's version of a document, and labels no span carries.

``goldspan delete`` and the window's Article menu both come here (the window through
the undoable :class:`goldspan.core.edits.DeleteRows`). One call is one transaction:
everything named is deleted, or nothing is. A document takes its versions, spans,
suggestions, model runs and assignments with it; ids are never handed out again
(:meth:`Store.next_id`), so a document id keeps naming one text.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Iterable

from .errors import InputError
from .storage import MAX_ID, Rows, Store


@dataclass
class DeleteSummary:
    documents: list[Rows] = field(default_factory=list)
    versions: list[Rows] = field(default_factory=list)
    labels: list[str] = field(default_factory=list)
    suggestions_keeping_labels: int = 0

    def line(self) -> str:
        """The one-line summary the CLI prints: what the database no longer holds."""
        parts = []
        if self.documents:
            ids = ", ".join(str(r.id) for r in self.documents)
            parts.append(
                f"{_n(len(self.documents), 'document')} ({ids}) with "
                f"{_n(_total(self.documents, 'annotations'), 'version')}, "
                f"{_n(_total(self.documents, 'spans'), 'span')}, "
                f"{_n(_total(self.documents, 'suggestions'), 'suggestion')}, "
                f"{_n(_total(self.documents, 'assignments'), 'assignment')}")
        if self.versions:
            which = ", ".join(f"{r.document_id}:{r.column('annotations', 'annotator')[0]}"
                              for r in self.versions)
            parts.append(f"{_n(len(self.versions), 'version')} ({which}) with "
                         f"{_n(_total(self.versions, 'spans'), 'span')}")
        if self.labels:
            names = ", ".join(repr(n) for n in self.labels)
            kept = (f"; {_n(self.suggestions_keeping_labels, 'suggestion')} still carry "
                    f"{'it' if len(self.labels) == 1 else 'them'}"
                    if self.suggestions_keeping_labels else "")
            parts.append(f"{_n(len(self.labels), 'label')} ({names}{kept})")
        return "deleted " + "; ".join(parts)


def _n(n: int, noun: str) -> str:
    return f"{n} {noun}{'' if n == 1 else 's'}"


def _total(rows: list[Rows], table: str) -> int:
    return sum(r.count(table) for r in rows)


def parse_version(spec: str) -> tuple[int, str]:
    """``"12:alice"`` -> ``(12, "alice")`` (the annotator may hold ``:`` itself)."""
    doc, sep, annotator = spec.partition(":")
    doc = doc.strip()
    # decimal digits, as int() and the --doc option read them ("١٢" is 12): "²" is a
    # digit to str.isdigit() but not a number to int(), which raised a traceback
    if not sep or not doc.isdecimal() or not annotator:
        raise InputError(f"--version {spec[:60]!r}: expected DOC:ANNOTATOR, e.g. 12:alice")
    if not 1 <= int(doc) <= MAX_ID:
        raise InputError(f"--version {spec[:60]!r}: no document has the id {doc[:30]} "
                         f"(ids run from 1 to {MAX_ID})")
    return int(doc), annotator


def delete(store: Store, *, documents: Iterable[int] = (), versions: Iterable[str] = (),
           labels: Iterable[str] = ()) -> DeleteSummary:
    """Delete versions, then documents, then labels, in one transaction (so labels
    that only the deleted documents used can go in the same call). Anything missing,
    or a label still on a span, refuses the whole call and deletes nothing."""
    specs = [parse_version(v) for v in dict.fromkeys(versions)]
    doc_ids = list(dict.fromkeys(documents))
    names = list(dict.fromkeys(labels))
    if not (specs or doc_ids or names):
        raise InputError("nothing to delete: give --doc ID, --version DOC:ANNOTATOR or "
                         "--label NAME (each may be repeated)")
    summary = DeleteSummary()
    with store.transaction():
        for doc_id, annotator in specs:
            summary.versions.append(store.delete_version(doc_id, annotator))
        for doc_id in doc_ids:
            summary.documents.append(store.delete_document(doc_id))
        for name in names:
            summary.suggestions_keeping_labels += store.delete_label(name)
            summary.labels.append(name)
    return summary
