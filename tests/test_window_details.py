"""Smaller things an analyst met in a working session (issue 14, item 8): the
keyboard sheet lists the project's own label keys, and Ctrl+Z after a restart says
why there is nothing to undo instead of doing nothing."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QApplication

from goldspan.core.store import Store
from goldspan.core.types import Label, Span
from goldspan.gui.help_dialog import KeyboardSheet
from goldspan.gui.main_window import MainWindow

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
    w = MainWindow(Store.open(db), "alice", suggest=False)
    qtbot.addWidget(w)
    w.show()
    w.open_first()
    qtbot.waitExposed(w)
    w.activateWindow()
    qtbot.waitUntil(w.isActiveWindow)
    return w


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
