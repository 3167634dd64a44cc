"""A label outside the project's set looks like nothing a label colour can make
(issue 14, item 7): it used to be grey, exactly like a project label coloured grey,
so fixed and unfixed entities looked alike. Checked in the article view (formats,
pixels, chip text, tooltip), the entity list and the review window."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import QEvent, Qt
from PySide6.QtGui import QColor, QHelpEvent, QImage
from PySide6.QtWidgets import QApplication, QToolTip

from goldspan.core.storage import Store
from goldspan.core.types import Label, Span
from goldspan.gui.main_window import MainWindow
from goldspan.gui.review_window import open_review

TEXT = "Mark Esper met Nasser Bourita in Rabat on Tuesday, said the Pentagon."
GREY = "#8c8c8c"
MISC = Span(15, 29, "MISC")  # in the set, coloured grey: "Nasser Bourita"
DATE = Span(42, 49, "DATE")  # not in the set: "Tuesday"


@pytest.fixture
def db(tmp_path: Path) -> Path:
    path = tmp_path / "t.db"
    store = Store.open(path)
    doc, _ = store.add_document(TEXT, title="Esper in Rabat")
    store.set_labels([Label("PERSON", "#7c5cd6", "1"), Label("MISC", GREY, "2")])
    for who in ("alice", "bob"):
        store.put_version(doc, who, "done", [Span(0, 10, "PERSON"), MISC, DATE])
    store.close()
    return path


def area(view, span: Span) -> QImage:  # type: ignore[no-untyped-def]
    """The pixels of a span's text, chip excluded (its last character holds the gap)."""
    a, b = view.point_of(span.start), view.point_of(span.end - 1)
    top = view.cursorRect().height()
    img = view.viewport().grab().toImage()
    return img.copy(a.x() - 3, a.y() - top // 2 + 2, b.x() - a.x(), top - 4)


def reddish(img: QImage) -> int:
    n = 0
    for y in range(img.height()):
        for x in range(img.width()):
            c = QColor(img.pixel(x, y))
            n += c.red() - c.green() > 60 and c.red() - c.blue() > 50
    return n


def test_out_of_set_is_drawn_unlike_a_grey_label(qtbot, db: Path) -> None:  # type: ignore[no-untyped-def]
    w = MainWindow(Store.open(db), "alice", suggest=False)
    qtbot.addWidget(w)
    w.resize(1200, 500)
    w.show()
    w.open_first(1)
    qtbot.waitExposed(w)
    hl = w.view.highlighter

    grey, out = hl._format("MISC", False), hl._format("DATE", False)
    assert grey.background().style() == Qt.BrushStyle.SolidPattern
    assert out.background().style() != grey.background().style()  # hatched
    assert out.underlineStyle() != grey.underlineStyle()
    assert hl.chip_text("MISC") == "MISC" and hl.chip_text("DATE") == "DATE · not in set"

    # what a person sees: red in the out-of-set span, none in the grey one
    assert reddish(area(w.view, DATE)) > 20
    assert reddish(area(w.view, MISC)) == 0

    # the tooltip says what to do
    QApplication.sendEvent(w.view.viewport(), QHelpEvent(
        QEvent.Type.ToolTip, w.view.point_of(DATE.start + 2),
        w.view.viewport().mapToGlobal(w.view.point_of(DATE.start + 2))))
    assert "not in the project's labels: relabel or delete" in QToolTip.text()
    QToolTip.hideText()

    # the entity list
    m = w.entity_model
    rows = {m.item(r).label: r for r in range(m.rowCount())}
    label = m.index(rows["DATE"], 1)
    assert m.data(label) == "DATE · not in set"
    assert "relabel or delete" in m.data(label, Qt.ItemDataRole.ToolTipRole)
    assert m.data(m.index(rows["MISC"], 1)) == "MISC"
    assert m.data(label, Qt.ItemDataRole.DecorationRole) != m.data(
        m.index(rows["MISC"], 1), Qt.ItemDataRole.DecorationRole)
    assert m.data(label, Qt.ItemDataRole.ForegroundRole) is not None
    assert m.data(m.index(rows["MISC"], 1), Qt.ItemDataRole.ForegroundRole) is None
    w.close()


def test_out_of_set_in_the_review_window(qtbot, db: Path) -> None:  # type: ignore[no-untyped-def]
    store = Store.open(db)
    r = open_review(None, store, "lead")
    qtbot.addWidget(r)
    qtbot.waitExposed(r)
    view = r.views["alice"]
    assert view.highlighter.chip_text("DATE") == "DATE · not in set"
    assert reddish(area(view, DATE)) > 20 and reddish(area(view, MISC)) == 0
    tip = r.ctl.tooltip("alice", DATE.start + 1)
    assert tip is not None and "relabel or delete" in tip
    assert "relabel or delete" not in (r.ctl.tooltip("alice", MISC.start + 1) or "")
    r.close()


def test_no_label_set_marks_nothing(qtbot, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    """A project with no label set yet (the model's labels not known) is not a sea of
    warnings."""
    store = Store.open(tmp_path / "e.db")
    store.add_document(TEXT)
    w = MainWindow(store, "alice", suggest=False)
    qtbot.addWidget(w)
    w.view.set_colors({})
    assert w.view.highlighter.in_set("DATE")
    w.close()
