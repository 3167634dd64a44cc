"""Which version of each document is "the gold", and the export's selection options."""

from __future__ import annotations

from pathlib import Path

import pytest

from goldspan.core.types import Span
from goldspan.core.dataset import Options, SelectionStats, count, select
from goldspan.core.storage import Store


@pytest.fixture
def store(tmp_path: Path):  # type: ignore[no-untyped-def]
    s = Store.open(tmp_path / "g.db")
    text = "Alice met Bob."
    a, b = Span(0, 5, "PER"), Span(10, 13, "PER")
    docs = [s.add_document(f"{text} {i}")[0] for i in range(6)]
    # 1: gold and two differing annotators -> gold
    s.put_version(docs[0], "ann1", "done", [a])
    s.put_version(docs[0], "ann2", "done", [b])
    s.put_version(docs[0], "gold", "done", [a, b])
    # 2: only one done version
    s.put_version(docs[1], "ann1", "done", [a])
    # 3: two differing done versions, no gold -> none (conflict)
    s.put_version(docs[2], "ann1", "done", [a])
    s.put_version(docs[2], "ann2", "done", [b])
    # 4: two agreeing done versions -> one
    s.put_version(docs[3], "ann1", "done", [b])
    s.put_version(docs[3], "ann2", "done", [b])
    # 5: skipped by ann1, in progress by ann2 -> nothing unless all_statuses
    s.put_version(docs[4], "ann1", "skipped", [])
    s.put_version(docs[4], "ann2", "in_progress", [a])
    # 6: no versions at all
    yield s
    s.close()


def _view(store: Store, **kw: object) -> list[tuple[int, str, str, list[tuple[int, int]]]]:
    return [(i.document.id, i.annotation.annotator, i.annotation.status,
             [(sp.start, sp.end) for sp in i.spans]) for i in select(store, Options(**kw))]


def test_default_is_the_gold(store: Store) -> None:
    stats = SelectionStats()
    got = [(i.document.id, i.annotation.annotator) for i in select(store, Options(), stats)]
    assert got == [(1, "gold"), (2, "ann1"), (4, "ann1")]
    assert stats.conflicts == 1 and stats.conflict_ids == [3]
    assert count(store) == 3


def test_unfinished_gold_does_not_count(store: Store) -> None:
    store.put_version(4, "gold", "in_progress", [])
    assert [(d, a) for d, a, _, _ in _view(store)] == [(1, "gold"), (2, "ann1"), (4, "ann1")]


def test_annotator_gold_and_all_versions(store: Store) -> None:
    assert [d for d, *_ in _view(store, annotator="ann2")] == [1, 3, 4]
    assert _view(store, gold_only=True) == [(1, "gold", "done", [(0, 5), (10, 13)])]
    assert [(d, a) for d, a, *_ in _view(store, all_versions=True)] == [
        (1, "ann1"), (1, "ann2"), (1, "gold"), (2, "ann1"), (3, "ann1"), (3, "ann2"),
        (4, "ann1"), (4, "ann2")]
    assert count(store, Options(all_versions=True)) == 8
    assert count(store, Options(annotator="ann2")) == 3


def test_all_statuses_adds_skipped_and_rejected_never_in_progress(store: Store) -> None:
    got = _view(store, all_statuses=True)
    assert (5, "ann1", "skipped", []) in got
    assert all(status != "in_progress" for _, _, status, _ in got)
    assert (5, "ann1", "skipped", []) in _view(store, all_versions=True, all_statuses=True)
    assert (5, "ann1", "skipped", []) not in _view(store)


def test_selection_streams(store: Store) -> None:
    it = select(store)
    first = next(it)
    assert first.document.id == 1  # a generator: nothing is read ahead in a list
    assert hasattr(it, "__next__")
