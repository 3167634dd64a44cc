"""Smaller things an analyst met in a working session (issue 14, item 8): the
keyboard sheet lists the project's own label keys, and Ctrl+Z after a restart says
why there is nothing to undo instead of doing nothing."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QApplication

from goldspan.core.storage import Store
from goldspan.core.types import Label, Span
from goldspan.gui.help_dialog import KeyboardSheet
from goldspan.gui.main_window import MainWindow

from test_annotator_choice import shown_window

TEXT = "Mark Esper met Nasser Bourita in Rabat."


@pytest.fixture
def db(tmp_path: Path) -> Path:
    path = tmp_path / "d.db"
    store = Store.open(path)
    store.add_document(TEXT)
    store.set_labels([Label("Person", "#7c5cd6", "1"), Label("Organisation", "#1b9e9e", "2",
                            "companies, agencies"), Label("Location", "#e8852b", "3"),
                      Label("Weapon", "#3c8d3c", None)])
    store.close()
    return path


def open_window(qtbot, db: Path) -> MainWindow:  # type: ignore[no-untyped-def]
    return shown_window(qtbot, Store.open(db), "alice")


def test_f1_lists_the_projects_label_keys(qtbot, db: Path) -> None:  # type: ignore[no-untyped-def]
    w = open_window(qtbot, db)
    # a sheet that blocked in exec() would hang the test: close it after a while
    QTimer.singleShot(5000, lambda: [d.reject() for d in QApplication.topLevelWidgets()
                                     if isinstance(d, KeyboardSheet) and d.isVisible()])
    qtbot.keyClick(w.view, Qt.Key.Key_F1)
    qtbot.waitUntil(lambda: isinstance(getattr(w, "keyboard_sheet", None), KeyboardSheet)
                    and w.keyboard_sheet.isVisible())
    t = w.keyboard_sheet.table
    rows = [tuple(t.item(r, c).text() for c in range(3)) for r in range(t.rowCount())]
    assert ("Labels", "1", "Person") in rows
    assert ("Labels", "2", "Organisation — companies, agencies") in rows
    assert ("Labels", "3", "Location") in rows
    assert ("Labels", "(no key)", "Click the button: Weapon") in rows
    # every explanation is shown whole: each row is as tall as its wrapped text (the
    # labels row and the right-click row were cut at two lines with "…")
    for r in range(t.rowCount()):
        assert t.rowHeight(r) >= t.sizeHintForRow(r), rows[r]
    assert max(t.rowHeight(r) for r in range(t.rowCount())) > 2 * t.rowHeight(rows.index(
        next(x for x in rows if x[1] == "Esc")))
    qtbot.keyClick(w.keyboard_sheet, Qt.Key.Key_Escape)
    w.close()


def test_ctrl_z_after_a_restart_says_why_nothing_happens(qtbot, db: Path) -> None:  # type: ignore[no-untyped-def]
    w = open_window(qtbot, db)
    w.view.select_range(0, 10)
    qtbot.keyClick(w.view, Qt.Key.Key_1)
    assert [s.key() for s in w.session.spans] == [(0, 10, "Person")]
    w.close()

    w = open_window(qtbot, db)  # the next day
    qtbot.keyClick(w.view, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert w.statusBar().currentMessage() == (
        "Nothing to undo: the history starts when the window opens (every change is saved)")
    assert w.session.spans == [Span(0, 10, "Person", "manual")]  # nothing undone
    w.select_span(w.session.spans[0])
    qtbot.keyClick(w.view, Qt.Key.Key_Delete)
    qtbot.keyClick(w.view, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)  # undoes, as ever
    assert [s.key() for s in w.session.spans] == [(0, 10, "Person")]
    w.close()


def test_something_is_on_screen_before_the_slow_parts_of_opening(db: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """The window once stayed black for 8 s while another process used a full CPU:
    the opening window is shown and painted before the daily backup, spaCy's tokenizer
    and the first queue page, and gives way to the main window."""
    from goldspan.core import token_index
    from goldspan.gui import app as gui_app
    from goldspan.gui.opening import OpeningWindow

    seen: dict[str, tuple[bool, int]] = {}

    def opening_state() -> tuple[bool, int]:
        w = next((x for x in QApplication.topLevelWidgets() if isinstance(x, OpeningWindow)), None)
        return (w is not None and w.isVisible(), w.painted if w is not None else 0)

    def watched(name, real):  # type: ignore[no-untyped-def]
        def run(*a, **k):  # type: ignore[no-untyped-def]
            seen[name] = opening_state()
            return real(*a, **k)
        return run

    monkeypatch.setattr(gui_app, "_daily_backup", watched("backup", gui_app._daily_backup))
    monkeypatch.setattr(token_index, "warm", watched("tokenizer", token_index.warm))
    monkeypatch.setattr(gui_app, "build_window", watched("window", gui_app.build_window))
    monkeypatch.setattr(MainWindow, "_start_suggester", lambda self, model: None)
    after: list[tuple[bool, list[str]]] = []

    def exec_(*_a: object) -> int:
        after.append((opening_state()[0], [type(w).__name__ for w in QApplication.topLevelWidgets()
                                           if w.isVisible()]))
        for w in QApplication.topLevelWidgets():
            w.close()
        return 0

    monkeypatch.setattr(QApplication, "exec", exec_)
    assert gui_app.run(db, "alice", None, None) == 0
    for step in ("backup", "tokenizer", "window"):
        visible, painted = seen[step]
        assert visible and painted > 0, f"nothing painted before the {step}"
    shown_opening, visible = after[0]
    assert not shown_opening and "MainWindow" in visible
