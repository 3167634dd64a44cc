"""One span index per open document (issue 12, item 3): the session applies each
ChangeSet to it once, and the article view, its highlighter and the entity list read
that same object (no copy per edit); the sorted-list update is written once."""

from __future__ import annotations

from pathlib import Path

import pytest

from goldspan.core.edits import ChangeSet
from goldspan.core.spans import SpanIndex, SpanObserver
from goldspan.core.storage import Store
from goldspan.core.types import Label, Span, Suggestion

A, B, C, D = Span(0, 4, "X"), Span(6, 9, "Y"), Span(12, 20, "X"), Span(25, 30, "Z")


class Recorder(SpanObserver):
    def __init__(self) -> None:
        self.calls: list[tuple[str, int]] = []

    def spans_removing(self, row: int) -> None:
        self.calls.append(("removing", row))

    def spans_removed(self, row: int) -> None:
        self.calls.append(("removed", row))

    def spans_inserting(self, row: int) -> None:
        self.calls.append(("inserting", row))

    def spans_inserted(self, row: int) -> None:
        self.calls.append(("inserted", row))

    def spans_changed(self, row: int) -> None:
        self.calls.append(("changed", row))


def test_lookups_by_bisection() -> None:
    index = SpanIndex([C, A, D, B])  # any order in: sorted by start
    assert list(index) == [A, B, C, D]
    assert index.at(0) is A and index.at(3) is A and index.at(4) is None and index.at(12) is C
    assert index.overlapping(3, 13) == [A, B, C]
    assert index.overlapping(20, 25) == []
    assert index.row_of(Span(12, 20, "X", "manual")) == 2  # by offsets and label
    assert index.row_of(Span(12, 20, "Y")) is None
    assert index.first_from(10) == 2 and index.first_from(31) == 4


def test_apply_tells_observers_around_each_row() -> None:
    index = SpanIndex([A, B, C])
    rec = Recorder()
    index.observe(rec)
    relabel = Span(6, 9, "Q")
    index.apply(ChangeSet(1, 1, removed=(B,), added=(relabel, D)))
    assert list(index) == [A, relabel, C, D]
    assert index.starts == [0, 6, 12, 25] and index.ends == [4, 9, 20, 30]
    # the relabel keeps its row (one changed row: the entity list repaints that row
    # alone); the new span is inserted
    assert rec.calls == [("changed", 1), ("inserting", 3), ("inserted", 3)]
    index.apply(ChangeSet(1, 1, removed=(relabel, C), added=(Span(6, 11, "Q"),)))
    assert list(index) == [A, Span(6, 11, "Q"), D]  # other bounds: a row goes, one comes
    assert rec.calls[3:] == [("removing", 1), ("removed", 1), ("removing", 1), ("removed", 1),
                             ("inserting", 1), ("inserted", 1)]
    assert index.starts == [0, 6, 25] and index.ends == [4, 11, 30]
    index.unobserve(rec)
    index.apply(ChangeSet(1, 1, removed=(D,)))
    assert len(rec.calls) == 9


def test_a_change_followed_by_another_is_one_change() -> None:
    first = ChangeSet(1, 1, removed=(A,), added=(B,), status="in_progress")
    second = ChangeSet(1, 1, removed=(B,), added=(C,))
    both = first.then(second)
    assert both.removed == (A,) and both.added == (C,)  # B came and went: neither
    assert both.status == "in_progress"
    index = SpanIndex([A, D])
    index.apply(both)
    assert list(index) == [C, D]


TEXT = "Mark Esper met Nasser Bourita in Rabat on Friday.\n"


@pytest.fixture
def window(qtbot, tmp_path: Path):  # type: ignore[no-untyped-def]
    from goldspan.gui.main_window import MainWindow

    store = Store.open(tmp_path / "i.db")
    doc, _ = store.add_document(TEXT)
    store.set_labels([Label("PERSON", "#7c5cd6", "1"), Label("GPE", "#2b9348", "2")])
    store.put_suggestions(doc, "m@1", [Suggestion(0, 10, "PERSON"), Suggestion(33, 38, "GPE")])
    w = MainWindow(store, "alice", suggest=False)
    qtbot.addWidget(w)
    w.show()
    w.open_first()
    yield w
    w.close()
    store.close()


def test_the_views_read_the_sessions_index_itself(window) -> None:  # type: ignore[no-untyped-def]
    s = window.session
    index = s.spans
    assert isinstance(index, SpanIndex)
    assert window.view._spans is index
    assert window.view.highlighter._index is index
    assert window.entity_model.spans is index
    window.view.select_range(15, 29)
    window.label_pressed("PERSON")  # an edit: followed in place, nothing replaced
    window.select_span(s.spans[0])
    window.label_pressed("GPE")
    assert s.spans is index and window.view._spans is index
    assert window.view.highlighter._index is index and window.entity_model.spans is index
    assert [(x.start, x.end, x.label) for x in index] == [(0, 10, "GPE"), (15, 29, "PERSON"),
                                                         (33, 38, "GPE")]
    assert [window.entity_model.item(r) for r in range(3)] == list(index)


def test_astral_text_gets_an_index_in_utf16_positions(qtbot, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    from goldspan.gui.main_window import MainWindow

    store = Store.open(tmp_path / "e.db")
    doc, _ = store.add_document("🇲🇦 " + TEXT)
    store.put_suggestions(doc, "m@1", [Suggestion(3, 13, "PERSON")])
    w = MainWindow(store, "alice", suggest=False)
    qtbot.addWidget(w)
    w.open_first()
    hl = w.view.highlighter
    assert hl._index is not w.session.spans  # the flag is 2 code points, 4 UTF-16 units
    assert [(x.start, x.end) for x in hl._index] == [(5, 15)]
    w.select_span(w.session.spans[0])
    w.delete_selected()
    assert len(hl._index) == 0 and len(w.session.spans) == 0
    w.undo_stack.undo()
    assert [(x.start, x.end) for x in hl._index] == [(5, 15)]
    w.close()
    store.close()


def test_a_relabel_changes_its_row_in_the_entity_list_in_place(window) -> None:  # type: ignore[no-untyped-def]
    """A relabel is one changed row of the entity list, not a row removed and one
    inserted: the table repaints that row only and keeps its selection."""
    model = window.entity_model
    heard: list[str] = []
    model.rowsRemoved.connect(lambda *a: heard.append("removed"))
    model.rowsInserted.connect(lambda *a: heard.append("inserted"))
    model.dataChanged.connect(lambda top, bottom, *a: heard.append(f"changed {top.row()}"))
    window.select_span(window.session.spans[1])
    window.label_pressed("PERSON")
    assert heard == ["changed 1"]
    assert model.data(model.index(1, 1)) == "PERSON"
    assert window.entity_view.selectionModel().selectedRows()[0].row() == 1


def test_the_entity_list_repaints_after_the_article_and_never_stays_frozen(window, qtbot) -> None:  # type: ignore[no-untyped-def]
    """Rows going or coming repaint the whole list: that paint waits for the next pass
    of the event loop (the article's frame first), and then happens; the next edit is
    deferred again."""
    view = window.entity_view
    assert view.updatesEnabled()
    window.view.select_range(15, 29)
    window.label_pressed("PERSON")  # a row comes
    assert window.entity_model.rowCount() == 3
    assert not view.updatesEnabled()  # painted on the next pass, not in this frame
    qtbot.waitUntil(view.updatesEnabled, timeout=2000)
    window.delete_selected()  # a row goes
    assert not view.updatesEnabled()
    qtbot.waitUntil(view.updatesEnabled, timeout=2000)
    assert window.entity_model.rowCount() == 2
