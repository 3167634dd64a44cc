"""One display table for statuses (issue 12, part 4): the queue, the annotation
window's badge, the review list and the review window's badge show each status with
the text and colour of :data:`goldspan.core.status.DISPLAY`, where three tables once
gave three different greens."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt

from goldspan.core.status import DISPLAY, Status, display
from goldspan.core.storage import Store
from goldspan.core.types import GOLD, Span
from goldspan.gui.main_window import MainWindow
from goldspan.gui.review_window import ReviewWindow

TEXT = "Paris is big."


def _db(tmp_path: Path) -> Path:
    path = tmp_path / "g.db"
    with Store.open(path) as store:
        for status in Status:  # one document per status of alice's
            doc_id, _ = store.add_document(f"{TEXT} {status}")
            if status != Status.TODO:
                store.put_version(doc_id, "alice", status, [Span(0, 5, "GPE")])
        store.put_version(3, "bob", Status.DONE, [Span(0, 5, "GPE")])  # document 3: two done
        store.put_version(3, GOLD, Status.IN_PROGRESS, [Span(0, 5, "GPE")])
    return path


def _badge_color(badge) -> str:  # type: ignore[no-untyped-def]
    return badge.styleSheet().split("background:")[1].split(";")[0].strip()


def test_every_window_shows_a_status_from_the_one_table(qtbot, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    db = _db(tmp_path)
    store = Store.open(db)
    w = MainWindow(store, "alice", suggest=False)
    qtbot.addWidget(w)
    model = w.queue_model
    for row, status in enumerate(Status):
        text = model.data(model.index(row, 2), Qt.ItemDataRole.DisplayRole)
        color = model.data(model.index(row, 2), Qt.ItemDataRole.ForegroundRole)
        assert text == DISPLAY[status].text
        assert color is None if status == Status.TODO else color.name() == DISPLAY[status].color
        w.open_document(row + 1)
        assert w.status_badge.text().strip() == f"#{row + 1} · {DISPLAY[status].text}"
        assert _badge_color(w.status_badge) == DISPLAY[status].color
    w.close()

    review = ReviewWindow(store, "lena")
    qtbot.addWidget(review)
    review.open_first()
    docs = review.doc_model
    (row,) = [i for i, r in enumerate(docs.rows) if r.doc_id == 3]
    gold = docs.index(row, 3)
    assert docs.data(gold, Qt.ItemDataRole.DisplayRole) == DISPLAY[Status.IN_PROGRESS].text
    brush = docs.data(gold, Qt.ItemDataRole.ForegroundRole)
    assert brush.color().name() == DISPLAY[Status.IN_PROGRESS].color
    assert _badge_color(review.status_badge) == DISPLAY[Status.IN_PROGRESS].color
    assert "gold in progress" in review.status_badge.text()
    review.close()
    store.close()


def test_an_unknown_status_is_shown_as_it_is() -> None:
    """A hand-edited file's status is shown, in grey, never a crash."""
    assert display("archived").text == "archived" and display("archived").color == "#8c8c8c"
