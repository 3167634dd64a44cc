"""The queue's rows: status and entity count without loading any text."""

from __future__ import annotations

from pathlib import Path

from goldspan.core.types import Span, Suggestion
from goldspan.core.queue import Queue
from goldspan.core.storage import Store


def test_entity_count_is_the_version_else_the_latest_suggestions(tmp_path: Path) -> None:
    store = Store.open(tmp_path / "q.db")
    a, _ = store.add_document("Mark Esper met Nasser Bourita in Rabat.")
    b, _ = store.add_document("Nothing suggested here yet.")
    store.put_suggestions(a, "old@1", [Suggestion(0, 10, "PERSON")])
    store.put_suggestions(a, "new@2", [Suggestion(0, 10, "PERSON"), Suggestion(15, 29, "PERSON"),
                                       Suggestion(33, 38, "GPE")])
    rows = {r.document_id: r for r in Queue(store, "alice").rows(0, 10)}
    assert (rows[a].status, rows[a].entities) == ("todo", 3)  # the latest run: new@2
    assert rows[b].entities == 0
    store.put_version(a, "alice", "in_progress", [Span(0, 10, "PERSON")])
    rows = {r.document_id: r for r in Queue(store, "alice").rows(0, 10)}
    assert (rows[a].status, rows[a].entities) == ("in_progress", 1)
