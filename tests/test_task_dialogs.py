"""Import and export dialogs never lock the application (issue 14, item 1).

The lock: export once, then export again from the same dialog to spaCy with a training
config that cannot be written. The "Export failed" box came up; 4 s after the task
started, the task's hidden progress window (a QProgressDialog, whose own "force show"
timer was still running) came back above it, window-modal, and blocked the box and
every window; its Cancel and Esc did nothing since the task had ended.

The person here is driven by a timer, not by the test's own waits: with the old code
the box ran a nested event loop inside the click, and a test waiting after the click
would hang instead of failing. Every step a person takes goes through the window
system's path (``QTest.keyClick`` on a QWindow), which modal blocking applies to.
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import Callable

from goldspan.core.importer import import_paths
from goldspan.core.storage import Store
from goldspan.gui.export_dialog import ExportDialog
from goldspan.gui.import_dialog import ImportDialog
from goldspan.gui.main_window import MainWindow
from PySide6.QtCore import QPoint, Qt, QTimer
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QMessageBox, QWidget
from shiboken6 import isValid

DATA = Path(__file__).parent / "data"
PRODIGY = DATA / "prodigy" / "annotated_news_headlines-ORG-PERSON-LOCATION-ner.jsonl"
READ_THE_BOX = 4.5  # s the analyst reads the error: longer than QProgressDialog's 4 s timer


class Person:
    """Steps ``(name, ready, act)`` run in order by a 50 ms timer, whatever event loop
    is running (a nested one included): when ``ready()`` holds, ``act()`` runs and the
    next step starts; a step not ready within its time is recorded as stuck and the
    person stops. ``done`` is set at the end either way, after every dialog left open
    is closed, so a nested event loop returns and the test can assert."""

    def __init__(self, steps: list[tuple[str, Callable[[], bool], Callable[[], object]]],
                 per_step: float = 20.0) -> None:
        self.steps = steps
        self.per_step = per_step
        self.i = 0
        self.since = time.monotonic()
        self.stuck: str | None = None
        self.done = False
        self.timer = QTimer()
        self.timer.timeout.connect(self._tick)
        self.timer.start(50)

    def _tick(self) -> None:
        if self.done:
            return
        name, ready, act = self.steps[self.i]
        try:
            now = ready()
            if now:
                act()
        except Exception as err:  # noqa: BLE001 - reported by the test, never lost in a slot
            self.stuck = f"{name}: {err!r}"
            self._finish()
            return
        if now:
            self.i += 1
            self.since = time.monotonic()
            if self.i == len(self.steps):
                self._finish()
        elif time.monotonic() - self.since > self.per_step:
            self.stuck = name
            self._finish()

    def _finish(self) -> None:
        self.timer.stop()
        self.done = True
        for w in QApplication.topLevelWidgets():  # whatever a lock left up
            if w.isVisible() and not isinstance(w, MainWindow):
                w.hide()


def visible_windows() -> list[QWidget]:
    return [w for w in QApplication.topLevelWidgets() if w.isVisible()]


def error_box() -> QMessageBox | None:
    return next((w for w in visible_windows() if isinstance(w, QMessageBox)), None)


def key(widget: QWidget, k: Qt.Key, mods: Qt.KeyboardModifier = Qt.KeyboardModifier.NoModifier) -> None:
    """A key pressed on ``widget``'s window, through the window system's path."""
    QTest.keyClick(widget.window().windowHandle(), k, mods)


def window_on(qtbot, db: Path) -> MainWindow:  # type: ignore[no-untyped-def]
    store = Store.open(db)
    window = MainWindow(store, "alice", suggest=False)
    qtbot.addWidget(window)
    window.show()
    window.open_first()
    qtbot.waitExposed(window)
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)
    return window


def test_a_failed_second_export_leaves_the_window_usable(qtbot, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    db = tmp_path / "w.db"
    store = Store.open(db)
    import_paths(store, [PRODIGY], annotator="alice")
    store.close()
    window = window_on(qtbot, db)
    first_doc = window.session.doc_id
    key(window, Qt.Key.Key_E, Qt.KeyboardModifier.ControlModifier)  # File → Export…
    qtbot.waitUntil(lambda: isinstance(QApplication.activeModalWidget(), ExportDialog))
    dialog = QApplication.activeModalWidget()
    dialog.set_format("spacy")
    dialog.out_path.setText(str(tmp_path / "first.spacy"))
    with qtbot.waitSignal(dialog.taskFinished, timeout=60_000) as first:
        qtbot.mouseClick(dialog.export_button, Qt.MouseButton.LeftButton)
    assert first.args == ["succeeded"]

    (tmp_path / "a-file").write_text("not a folder", encoding="utf-8")
    qtbot.mouseClick(dialog.config_check, Qt.MouseButton.LeftButton)
    dialog.config_path.setText(str(tmp_path / "a-file" / "config.cfg"))  # cannot be written
    dialog.out_path.setText(str(tmp_path / "second.spacy"))
    seen: dict[str, object] = {}
    t0 = time.monotonic()

    def read_and_dismiss() -> None:
        box = error_box()
        assert box is not None
        seen["box"] = (box.windowTitle(), box.text())
        seen["others"] = [type(w).__name__ for w in visible_windows()
                          if w not in (window, dialog, box)]
        key(box, Qt.Key.Key_Return)  # OK

    person = Person([
        ("the error box shows", lambda: error_box() is not None, lambda: None),
        ("the analyst has read it", lambda: time.monotonic() - t0 > READ_THE_BOX, read_and_dismiss),
        ("Enter closes the box", lambda: error_box() is None,
         lambda: key(dialog, Qt.Key.Key_Escape)),
        ("Esc closes the export dialog", lambda: not isValid(dialog) or not dialog.isVisible(),
         lambda: None),
        ("the window is active again", window.isActiveWindow,
         lambda: key(window, Qt.Key.Key_PageDown, Qt.KeyboardModifier.ControlModifier)),
        ("Ctrl+PgDown reaches the window", lambda: window.session.doc_id != first_doc, lambda: None),
    ])
    qtbot.mouseClick(dialog.export_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: person.done, timeout=120_000)

    assert person.stuck is None, f"stuck at: {person.stuck}; other windows up: {seen.get('others')}"
    title, text = seen["box"]  # type: ignore[misc]
    assert title == "Export failed" and "config.cfg" in text and "\n" not in text
    assert seen["others"] == []  # no progress window came back above the box
    assert QApplication.activeModalWidget() is None and window.isEnabled()
    # and the failed export wrote nothing: no second.spacy, no temporary file
    assert sorted(p.name for p in tmp_path.iterdir() if "spacy" in p.name) == ["first.spacy"]
    window.close()


def test_a_failed_import_leaves_the_window_usable(qtbot, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    db = tmp_path / "w.db"
    Store.open(db).close()
    store = Store.open(db)
    store.add_document("Mark Esper met Nasser Bourita in Rabat.")
    store.close()
    window = window_on(qtbot, db)
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"text": "fine"}\n{"text": \n', encoding="utf-8")
    key(window, Qt.Key.Key_I, Qt.KeyboardModifier.ControlModifier)  # File → Import…
    qtbot.waitUntil(lambda: isinstance(QApplication.activeModalWidget(), ImportDialog))
    dialog = QApplication.activeModalWidget()
    dialog.set_paths([bad])
    seen: dict[str, object] = {}
    t0 = time.monotonic()

    def read_and_dismiss() -> None:
        box = error_box()
        assert box is not None
        seen["box"] = box.windowTitle()
        seen["others"] = [type(w).__name__ for w in visible_windows()
                          if w not in (window, dialog, box)]
        key(box, Qt.Key.Key_Return)

    person = Person([
        ("the error box shows", lambda: error_box() is not None, lambda: None),
        ("the analyst has read it", lambda: time.monotonic() - t0 > READ_THE_BOX, read_and_dismiss),
        ("Enter closes the box", lambda: error_box() is None,
         lambda: key(dialog, Qt.Key.Key_Escape)),
        ("Esc closes the import dialog", lambda: not isValid(dialog) or not dialog.isVisible(), lambda: None),
    ])
    qtbot.mouseClick(dialog.import_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: person.done, timeout=120_000)

    assert person.stuck is None, f"stuck at: {person.stuck}; other windows up: {seen.get('others')}"
    assert seen["box"] == "Import failed" and seen["others"] == []
    assert QApplication.activeModalWidget() is None and window.isEnabled()
    window.close()


def test_an_old_summary_goes_when_an_option_changes_or_the_dialog_reopens(qtbot, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    db = tmp_path / "w.db"
    store = Store.open(db)
    import_paths(store, [PRODIGY], annotator="alice")
    store.close()
    window = window_on(qtbot, db)
    key(window, Qt.Key.Key_E, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: isinstance(QApplication.activeModalWidget(), ExportDialog))
    dialog = QApplication.activeModalWidget()
    dialog.out_path.setText(str(tmp_path / "out.jsonl"))
    with qtbot.waitSignal(dialog.taskFinished, timeout=60_000):
        qtbot.mouseClick(dialog.export_button, Qt.MouseButton.LeftButton)
    assert dialog.summary_label.isVisible() and "out.jsonl" in dialog.summary_label.text()

    dialog.set_format("doccano")  # another format: the summary was about the last export
    assert dialog.summary_label.isHidden() and dialog.summary_label.text() == ""
    with qtbot.waitSignal(dialog.taskFinished, timeout=60_000):
        qtbot.mouseClick(dialog.export_button, Qt.MouseButton.LeftButton)
    assert dialog.summary_label.isVisible()
    box = dialog.all_versions_check  # (doccano holds no skipped/rejected: that box is off)
    qtbot.mouseClick(box, Qt.MouseButton.LeftButton, pos=QPoint(8, box.height() // 2))
    assert box.isChecked() and dialog.summary_label.isHidden()

    key(dialog, Qt.Key.Key_Escape)
    qtbot.waitUntil(lambda: not isValid(dialog) or not dialog.isVisible())
    qtbot.waitUntil(window.isActiveWindow)
    key(window, Qt.Key.Key_E, Qt.KeyboardModifier.ControlModifier)  # opened again
    qtbot.waitUntil(lambda: isinstance(QApplication.activeModalWidget(), ExportDialog))
    again = QApplication.activeModalWidget()
    assert again.summary_label.isHidden() and again.summary_label.text() == ""
    key(again, Qt.Key.Key_Escape)

    imp = ImportDialog(db, window)
    qtbot.addWidget(imp)
    imp.show()
    imp.set_paths([PRODIGY])
    with qtbot.waitSignal(imp.taskFinished, timeout=60_000):
        qtbot.mouseClick(imp.import_button, Qt.MouseButton.LeftButton)
    assert imp.summary_label.isVisible()
    imp.annotator_edit.setText("bob")
    assert imp.summary_label.isHidden()
    window.close()
