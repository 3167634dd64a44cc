"""Issue 14, items 2 and 3: nothing that shows state moves the article text, and the
label keys keep working after a menu.

Item 2: the hint line under the article grew when an entity was selected (a longer
text), the panes re-balanced and the text re-wrapped 15-25 px away: a double-click
right after a label landed on another word. Item 3: a menu of the menu bar opened
with the mouse and closed with Esc (or by clicking away) left the focus on the menu
bar, where the label keys (actions of the work area) did nothing until a click in
the article."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from PySide6.QtCore import QPoint, QRect, Qt, QTimer
from PySide6.QtWidgets import QApplication, QMainWindow, QMenu

from goldspan.core.storage import Store
from goldspan.core.types import GOLD, Label, Span, Suggestion
from goldspan.gui.main_window import MainWindow
from goldspan.gui.review_window import ReviewWindow

TEXT = ("Defence Secretary Mark Esper met Nasser Bourita in Rabat on Tuesday, the "
        "Pentagon said, before flying on to Paris for talks with the French.\n") * 6
LONG = "An extremely long label name that would never fit in the hint line at all"
LABELS = [Label("PERSON", "#7c5cd6", "1"), Label("ORG", "#2f6fdf", "2"),
          Label(LONG, "#2b9348", "3")]


def at(word: str, label: str) -> Suggestion:
    i = TEXT.index(word)
    return Suggestion(i, i + len(word), label)


@pytest.fixture
def db(tmp_path: Path) -> Path:
    path = tmp_path / "steady.db"
    with Store.open(path) as s:
        doc, _ = s.add_document(TEXT, title="A title long enough to be elided in a narrow window "
                                "of the annotation tool, and then some more words")
        s.set_labels(LABELS)
        s.put_suggestions(doc, "test@1", [at("Mark Esper", "PERSON"), at("Rabat", LONG),
                                          at("Pentagon", "ORG")])
        for who, spans in (("alice", [Span(18, 28, "PERSON")]), ("bob", [Span(18, 28, "ORG")])):
            s.put_version(doc, who, "done", spans)
    return path


def shown(qtbot, w: QMainWindow) -> None:  # type: ignore[no-untyped-def]
    w.show()
    qtbot.waitExposed(w)
    w.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is w)


@pytest.fixture
def window(qtbot, db: Path):  # type: ignore[no-untyped-def]
    store = Store.open(db)
    w = MainWindow(store, "carol", suggest=False)
    qtbot.addWidget(w)
    w.resize(1000, 700)  # narrow: the hint cannot fit
    shown(qtbot, w)
    w.open_first()
    yield w
    w.close()
    store.close()


def geometry(w: MainWindow) -> tuple[QRect, QRect, QRect]:
    """Where the article is in the window, and where a fixed character is drawn."""
    view = w.view
    top_left = view.mapTo(w, QPoint(0, 0))
    vp = view.viewport()
    cur = view.textCursor()
    cur.setPosition(TEXT.index("Paris"))
    char = view.cursorRect(cur)
    return (QRect(top_left, view.size()), QRect(vp.mapTo(w, QPoint(0, 0)), vp.size()),
            char.translated(vp.mapTo(w, QPoint(0, 0))))


def settle(qtbot) -> None:  # type: ignore[no-untyped-def]
    QApplication.processEvents()
    qtbot.wait(30)
    QApplication.processEvents()


@pytest.mark.parametrize("width", [1000, 760])
def test_selecting_an_entity_never_moves_the_text(qtbot, window: MainWindow, width: int) -> None:  # type: ignore[no-untyped-def]
    window.resize(width, 700)
    settle(qtbot)
    before = geometry(window)
    hints = {window.hint_label.text()}
    s = window.session
    assert s is not None
    for step in range(len(s.spans) + 1):  # every entity (the long label too), then wrap
        qtbot.keyClick(window.view, Qt.Key.Key_Tab)
        settle(qtbot)
        hints.add(window.hint_label.text())
        assert geometry(window) == before, f"moved after Tab {step + 1}"
    qtbot.keyClick(window.view, Qt.Key.Key_Escape)
    settle(qtbot)
    qtbot.keyClick(window.view, Qt.Key.Key_2)  # an active label: another hint
    settle(qtbot)
    hints.add(window.hint_label.text())
    assert geometry(window) == before
    qtbot.mouseClick(window.view.viewport(), Qt.MouseButton.LeftButton,
                     pos=window.view.point_of(TEXT.index("Tuesday")) + QPoint(3, 5))  # deselect
    settle(qtbot)
    hints.add(window.hint_label.text())
    assert geometry(window) == before
    assert len(hints) >= 4  # the hint did change
    assert window.hint_label.height() == window.hint_label.sizeHint().height()  # one line
    # every status the badge can show (the first edit turns "to do" into "in progress")
    s = window.session
    for status in ("in_progress", "done", "skipped", "rejected", "todo"):
        window.header.show_status(f"#{s.doc_id} · {status.replace('_', ' ')}", status,
                                  widest=f"#{s.doc_id} · in progress")
        settle(qtbot)
        assert geometry(window) == before, status


def test_the_review_text_stays_put_too(qtbot, db: Path) -> None:  # type: ignore[no-untyped-def]
    store = Store.open(db)
    w = ReviewWindow(store, "lena")
    qtbot.addWidget(w)
    w.resize(1100, 800)
    shown(qtbot, w)
    w.open_first()
    settle(qtbot)
    gold = w.views[GOLD]

    def where() -> tuple[QPoint, QRect]:
        return gold.viewport().mapTo(w, QPoint(0, 0)), gold.viewport().rect()

    before = where()
    w.step_item(1)  # an annotator's entity selected: another hint
    settle(qtbot)
    w.take_selected()  # the gold is created: the badge says "in progress"
    settle(qtbot)
    assert where() == before
    w.close()
    store.close()


def rows(db: Path) -> list[tuple[int, int, str]]:
    with sqlite3.connect(db) as c:
        return c.execute('SELECT s.start, s."end", s.label FROM spans s JOIN annotations a '
                         "ON a.id = s.annotation_id WHERE a.annotator = 'carol' "
                         "ORDER BY s.start").fetchall()


def open_and_close_menu(qtbot, w: QMainWindow, how: str) -> None:  # type: ignore[no-untyped-def]
    """Open the menu bar's Edit menu with a mouse click, then close it by Esc or by
    clicking outside it."""
    bar = w.menuBar()
    action = next(a for a in bar.actions() if a.text() == "&Edit")
    closed: list[bool] = []

    def close() -> None:
        menu = QApplication.activePopupWidget()
        assert isinstance(menu, QMenu)
        if how == "esc":
            qtbot.keyClick(menu, Qt.Key.Key_Escape)
        else:  # a click outside the menu: Qt closes it
            outside = menu.mapFromGlobal(w.mapToGlobal(QPoint(w.width() // 2, w.height() - 40)))
            qtbot.mouseClick(menu, Qt.MouseButton.LeftButton, pos=outside)
        closed.append(True)

    QTimer.singleShot(100, close)
    qtbot.mouseClick(bar, Qt.MouseButton.LeftButton, pos=bar.actionGeometry(action).center())
    qtbot.waitUntil(lambda: bool(closed) and QApplication.activePopupWidget() is None)
    settle(qtbot)


def press(qtbot, key: Qt.Key) -> None:  # type: ignore[no-untyped-def]
    """A key press where the keyboard focus is, as a person's would be."""
    qtbot.keyClick(QApplication.focusWidget() or QApplication.activeWindow(), key)


@pytest.mark.parametrize("how", ["esc", "click"])
def test_label_keys_work_after_a_menu(qtbot, window: MainWindow, db: Path, how: str) -> None:  # type: ignore[no-untyped-def]
    window.view.select_range(TEXT.index("Nasser"), TEXT.index(" in Rabat"))
    open_and_close_menu(qtbot, window, how)
    press(qtbot, Qt.Key.Key_1)  # labels the selection
    assert (TEXT.index("Nasser"), TEXT.index(" in Rabat"), "PERSON") in rows(db)
    press(qtbot, Qt.Key.Key_Tab)  # an entity selected
    selected = window.selected
    assert selected is not None
    open_and_close_menu(qtbot, window, how)
    press(qtbot, Qt.Key.Key_2)  # relabels it
    assert (selected.start, selected.end, "ORG") in rows(db)


def test_review_label_keys_work_after_a_menu(qtbot, db: Path) -> None:  # type: ignore[no-untyped-def]
    store = Store.open(db)
    w = ReviewWindow(store, "lena")
    qtbot.addWidget(w)
    w.resize(1200, 800)
    shown(qtbot, w)
    w.open_first()
    w.views[GOLD].setFocus()
    w.views[GOLD].select_range(TEXT.index("Rabat"), TEXT.index(" on Tuesday"))
    open_and_close_menu(qtbot, w, "esc")
    press(qtbot, Qt.Key.Key_2)
    gold = store.annotation(1, GOLD)
    assert gold is not None
    assert [(s.start, s.end, s.label) for s in store.spans(gold.id)] == [
        (TEXT.index("Rabat"), TEXT.index(" on Tuesday"), "ORG")]
    w.close()
    store.close()
