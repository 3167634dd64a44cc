"""The import writes a file's records a batch at a time (core/storage/bulk.py): the
outcome (every row, every count of the summary) is the same whatever the batch size,
so whatever falls on a batch's edge (a text met again, a version replaced or imported
again unchanged, a task repeated, meta merged) is written as record by record."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path
from typing import Any

import pytest

from goldspan.core import importer
from goldspan.core.importer import import_paths
from goldspan.core.storage import Store

A = "Mark Esper held talks in Rabat."
B = "Emmanuel Macron spoke in Paris."
C = "Angela Merkel visited Oslo."


def span(text: str, word: str, label: str) -> dict[str, Any]:
    i = text.index(word)
    return {"start": i, "end": i + len(word), "label": label}


RECORDS: list[dict[str, Any]] = [
    {"text": A, "spans": [span(A, "Mark Esper", "PERSON")], "answer": "accept",
     "_annotator_id": "alice"},
    {"text": B, "spans": [span(B, "Paris", "GPE")]},  # a task: suggestions
    {"text": A, "spans": [span(A, "Rabat", "GPE")], "answer": "accept",
     "_annotator_id": "alice"},  # alice's version of A replaced
    {"text": C, "spans": [], "answer": "reject", "_annotator_id": "bob"},
    {"text": B, "spans": [span(B, "Emmanuel Macron", "PERSON")]},  # the task again
    {"text": A, "spans": [span(A, "Rabat", "GPE")], "answer": "accept",
     "_annotator_id": "alice"},  # the same again: unchanged
    {"text": C, "spans": [span(C, "Oslo", "GPE")], "answer": "accept",
     "_annotator_id": "bob", "meta": {"source_id": "c-1"}},
    {"text": B, "spans": [span(B, "Paris", "GPE")], "answer": "accept",
     "_annotator_id": "bob"},
]


def dump(db: Path) -> dict[str, list[tuple[Any, ...]]]:
    conn = sqlite3.connect(db)
    try:
        return {
            "documents": conn.execute("SELECT id, text, text_hash, title, meta FROM documents "
                                      "ORDER BY id").fetchall(),
            "annotations": conn.execute("SELECT id, document_id, annotator, status, edited "
                                        "FROM annotations ORDER BY id").fetchall(),
            "spans": conn.execute('SELECT annotation_id, start, "end", label, origin FROM spans '
                                  "ORDER BY annotation_id, start").fetchall(),
            "suggestions": conn.execute('SELECT document_id, model, start, "end", label FROM '
                                        "suggestions ORDER BY 1, 2, 3").fetchall(),
            "runs": conn.execute("SELECT document_id, model FROM suggestion_runs "
                                 "ORDER BY 1, 2").fetchall(),
            "labels": conn.execute("SELECT name FROM labels ORDER BY name").fetchall(),
            "search": conn.execute("SELECT rowid FROM documents_fts WHERE documents_fts "
                                   "MATCH 'paris OR rabat OR oslo' ORDER BY rowid").fetchall(),
        }
    finally:
        conn.close()


def run_import(tmp_path: Path, name: str, batch: int, monkeypatch: pytest.MonkeyPatch
               ) -> tuple[dict[str, list[tuple[Any, ...]]], list[Any]]:
    monkeypatch.setattr(importer, "BATCH_RECORDS", batch)
    src = tmp_path / "in.jsonl"
    src.write_text("".join(json.dumps(r) + "\n" for r in RECORDS), encoding="utf-8")
    db = tmp_path / f"{name}.db"
    with Store.open(db) as s:
        s.add_document(C, meta={"lang": "en"})  # already there: meta merged, not replaced
        s.put_version(1, "bob", "done", [])
        summaries = []
        for _ in range(2):  # the second time: everything already there
            summary = import_paths(s, [src], format="prodigy")
            f = summary.files[0]
            summaries.append((summary.line(), f.notes, f.versions_unchanged))
        assert s.check().problems == []
    return dump(db), summaries


def test_every_batch_size_gives_the_same_rows_and_counts(tmp_path: Path,
                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    whole, said = run_import(tmp_path, "whole", 1000, monkeypatch)
    for batch in (1, 2, 3):
        rows, lines = run_import(tmp_path, f"batch{batch}", batch, monkeypatch)
        assert rows == whole, batch
        assert lines == said, batch
    # what record by record gives (the summary said it before batches existed)
    # record by record: A and B new, C there before; alice's A replaced once, then
    # the same again; bob's C (done, no spans) replaced twice; the task on B twice
    assert said[0][0] == ("imported 1 file, 2 new documents, 6 already there, 5 versions "
                          "(3 replaced), 1 versions already there unchanged, 1 suggestions, "
                          "2 new labels, 1 notes")
    # imported again, replayed in order: alice's A changes twice and is then the same,
    # bob's B is the same
    assert said[1][2] == 2
    assert dict((r[0], r[4]) for r in whole["documents"])[1] == \
        '{"lang": "en", "prodigy": {"meta": {"source_id": "c-1"}}}'
    assert whole["search"] == [(1,), (2,), (3,)]
