"""Cleaning up an article is quick (issue 14, item 4): after Delete, Tab goes on from
where the deleted entity was; an entity's context menu (in the article and in the
entity list) relabels, deletes, deletes or relabels every entity of its label or
string here, takes a suggestion, accepts all offered, each as one undo step. The
real menus are driven (a QTimer triggers the action while the menu is open) and the
database is checked after each step and after undo."""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Callable

import pytest
from PySide6.QtCore import QPoint, Qt, QTimer
from PySide6.QtWidgets import QApplication, QMenu

from goldspan.core.storage import Store
from goldspan.core.types import Label, Span, Suggestion
from goldspan.gui.main_window import MainWindow

TEXT = ("Pompeo met Nasser Bourita in Rabat. Later Pompeo flew to Paris; "
        "Rabat and Paris signed.\n")
LABELS = [Label("PERSON", "#7c5cd6", "1"), Label("ORG", "#2f6fdf", "2"),
          Label("GPE", "#2b9348", "3")]


def at(word: str, label: str, nth: int = 0) -> Suggestion:
    i = -1
    for _ in range(nth + 1):
        i = TEXT.index(word, i + 1)
    return Suggestion(i, i + len(word), label)


MODEL = [at("Pompeo", "PERSON"), at("Nasser Bourita", "PERSON"), at("Rabat", "GPE"),
         at("Pompeo", "PERSON", 1), at("Paris", "GPE"), at("Rabat", "ORG", 1),
         at("Paris", "GPE", 1)]


@pytest.fixture
def db(tmp_path: Path) -> Path:
    path = tmp_path / "clean.db"
    with Store.open(path) as s:
        doc, _ = s.add_document(TEXT, title="Pompeo in Rabat")
        s.set_labels(LABELS)
        s.put_suggestions(doc, "test@1", MODEL)
    return path


@pytest.fixture
def window(qtbot, db: Path):  # type: ignore[no-untyped-def]
    store = Store.open(db)
    w = MainWindow(store, "alice", suggest=False)
    qtbot.addWidget(w)
    w.resize(1300, 800)
    w.show()
    qtbot.waitExposed(w)
    w.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is w)
    w.open_first()
    yield w
    w.close()
    store.close()


def on_disk(db: Path) -> list[tuple[str, str]] | None:
    """alice's version as another process reads it (None: she has none)."""
    with sqlite3.connect(db) as c:
        if c.execute("SELECT count(*) FROM annotations WHERE annotator = 'alice'").fetchone()[0] == 0:
            return None
        rows = c.execute('SELECT s.start, s."end", s.label FROM spans s JOIN annotations a '
                         "ON a.id = s.annotation_id WHERE a.annotator = 'alice' ORDER BY s.start")
        return [(TEXT[a:b], label) for a, b, label in rows]


SHOWN = [(TEXT[s.start:s.end], s.label) for s in MODEL]


def choose(qtbot, open_menu: Callable[[], None], *path: str) -> None:  # type: ignore[no-untyped-def]
    """Open a context menu with ``open_menu`` and trigger the entry reached by
    ``path`` (the entries' texts start with these, submenus first), as a click would."""
    done: list[str] = []

    def pick() -> None:
        menu = QApplication.activePopupWidget()
        assert isinstance(menu, QMenu), "no menu open"
        for step, prefix in enumerate(path):
            action = next((a for a in menu.actions() if a.text().replace("&&", "&").startswith(prefix)),
                          None)
            assert action is not None, f"no entry {prefix!r} in {[a.text() for a in menu.actions()]}"
            assert action.isEnabled(), prefix
            if step < len(path) - 1:
                sub = action.menu()
                assert isinstance(sub, QMenu)
                menu = sub
            else:
                done.append(action.text())
                action.trigger()
                top = QApplication.activePopupWidget()
                while isinstance(top, QMenu):
                    top.close()
                    top = QApplication.activePopupWidget()

    QTimer.singleShot(50, pick)
    open_menu()
    qtbot.waitUntil(lambda: bool(done))


def right_click_article(window: MainWindow, pos: int) -> Callable[[], None]:
    def run() -> None:
        view = window.view
        point = view.point_of(pos) + QPoint(2, 4)
        from PySide6.QtGui import QContextMenuEvent

        event = QContextMenuEvent(QContextMenuEvent.Reason.Mouse, point, view.viewport().mapToGlobal(point))
        QApplication.sendEvent(view.viewport(), event)
    return run


def right_click_list(window: MainWindow, span: Span) -> Callable[[], None]:
    def run() -> None:
        row = window.entity_model.row_of(span)
        assert row is not None
        rect = window.entity_view.visualRect(window.entity_model.index(row, 0))
        window.entity_view.customContextMenuRequested.emit(rect.center())
    return run


def test_after_delete_tab_goes_on_from_the_deleted_place(qtbot, window: MainWindow, db: Path) -> None:  # type: ignore[no-untyped-def]
    s = window.session
    assert s is not None
    window.select_span(s.spans[2])  # "Rabat"
    qtbot.keyClick(window.view, Qt.Key.Key_Delete)
    assert on_disk(db) == SHOWN[:2] + SHOWN[3:]
    assert window.selected is None  # a second Delete deletes nothing by mistake
    assert "Deleted GPE “Rabat”" in window.hint_label.text()
    qtbot.keyClick(window.view, Qt.Key.Key_Tab)
    assert window.selected is not None and TEXT[window.selected.start:window.selected.end] == "Pompeo"
    assert window.selected.start == at("Pompeo", "PERSON", 1).start  # the next one, not the first
    qtbot.keyClick(window.view, Qt.Key.Key_Delete)
    qtbot.keyClick(window.view, Qt.Key.Key_Backtab, Qt.KeyboardModifier.ShiftModifier)  # the one before
    assert window.selected is not None and window.selected.key() == s.spans[1].key()


def test_relabel_and_delete_from_the_article_menu(qtbot, window: MainWindow, db: Path) -> None:  # type: ignore[no-untyped-def]
    rabat = at("Rabat", "GPE")
    choose(qtbot, right_click_article(window, rabat.start + 1), "Relabel to", "ORG")
    assert on_disk(db) == SHOWN[:2] + [("Rabat", "ORG")] + SHOWN[3:]
    assert window.selected is not None and window.selected.label == "ORG"  # it stays selected
    # the untouched ORG "Rabat" after it goes too (core/carry.py), as the entry says
    choose(qtbot, right_click_article(window, rabat.start + 1), "Delete ORG “Rabat” (+1 after it)")
    assert on_disk(db) == SHOWN[:2] + [x for x in SHOWN[3:] if x[0] != "Rabat"]
    window.undo_stack.undo()
    assert on_disk(db) == SHOWN[:2] + [("Rabat", "ORG")] + SHOWN[3:]
    window.undo_stack.undo()
    assert on_disk(db) is None  # undone to the start: no version at all


def test_delete_every_entity_of_a_label_here_is_one_undo_step(qtbot, window: MainWindow, db: Path) -> None:  # type: ignore[no-untyped-def]
    pompeo = at("Pompeo", "PERSON")
    choose(qtbot, right_click_article(window, pompeo.start), "Delete all 3 PERSON")
    assert on_disk(db) == [x for x in SHOWN if x[1] != "PERSON"]
    assert window.undo_stack.count() == 1
    window.undo_stack.undo()
    assert on_disk(db) is None
    assert [(TEXT[x.start:x.end], x.label) for x in window.session.spans] == SHOWN  # type: ignore[union-attr]


def test_delete_and_relabel_every_one_of_a_string_here(qtbot, window: MainWindow, db: Path) -> None:  # type: ignore[no-untyped-def]
    rabat = window.session.spans[2]  # type: ignore[union-attr]
    # from the entity list: both "Rabat" (one GPE, one ORG) become GPE, one step
    choose(qtbot, right_click_list(window, rabat), "Relabel all 2 “Rabat”", "GPE")
    got = on_disk(db) or []
    assert [label for text, label in got if text == "Rabat"] == ["GPE", "GPE"]
    choose(qtbot, right_click_list(window, at_span(window, "Paris")), "Delete all 2 “Paris”")
    assert [t for t, _ in on_disk(db) or []] == ["Pompeo", "Nasser Bourita", "Rabat", "Pompeo", "Rabat"]
    window.undo_stack.undo()
    assert [t for t, _ in on_disk(db) or []].count("Paris") == 2
    window.undo_stack.undo()
    assert on_disk(db) is None


def at_span(window: MainWindow, word: str) -> Span:
    s = window.session
    assert s is not None
    return next(x for x in s.spans if s.text[x.start:x.end] == word)


def test_take_a_suggestion_and_accept_all_offered_from_the_menu(qtbot, window: MainWindow, db: Path) -> None:  # type: ignore[no-untyped-def]
    # alice deletes "Nasser Bourita" (she has edited), then the model runs again
    qtbot.keyClick(window.view, Qt.Key.Key_Tab)
    qtbot.keyClick(window.view, Qt.Key.Key_Tab)
    qtbot.keyClick(window.view, Qt.Key.Key_Delete)
    with Store.open(db) as other:
        other.put_suggestions(1, "test@2", [at("Nasser Bourita", "PERSON"), at("Rabat", "ORG"),
                                            at("Paris", "GPE", 1)])
    window._suggested(1, "test@2")
    assert window.ctl.offered()
    rabat = at("Rabat", "GPE")
    # on an entity: take the suggestion that differs from it (one step)
    choose(qtbot, right_click_article(window, rabat.start), "Take the suggestion ORG")
    assert ("Rabat", "ORG") in (on_disk(db) or []) and ("Rabat", "GPE") not in (on_disk(db) or [])
    window.undo_stack.undo()
    assert ("Rabat", "GPE") in (on_disk(db) or [])
    # on an offered suggestion: accept all offered that overlap nothing
    bourita = at("Nasser Bourita", "PERSON")
    choose(qtbot, right_click_article(window, bourita.start + 1), "Accept all 1 offered")
    assert ("Nasser Bourita", "PERSON") in (on_disk(db) or [])
    window.undo_stack.undo()
    assert ("Nasser Bourita", "PERSON") not in (on_disk(db) or [])


def test_the_menu_key_opens_the_selected_entitys_menu(qtbot, window: MainWindow, db: Path) -> None:  # type: ignore[no-untyped-def]
    qtbot.keyClick(window.view, Qt.Key.Key_Tab)  # "Pompeo"
    choose(qtbot, lambda: qtbot.keyClick(window.view, Qt.Key.Key_F10, Qt.KeyboardModifier.ShiftModifier),
           "Delete PERSON “Pompeo” (+1 after it)")  # the later untouched one too
    assert on_disk(db) == [x for x in SHOWN if x[0] != "Pompeo"]
    # the keys still work after the menu: Tab goes on, a label key relabels
    qtbot.keyClick(window.view, Qt.Key.Key_Tab)
    qtbot.keyClick(window.view, Qt.Key.Key_2)
    assert ("Nasser Bourita", "ORG") in (on_disk(db) or [])
