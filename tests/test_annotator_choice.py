"""Who the window annotates as is visible, and changes only on purpose (issue 14, item
6): ``goldspan gui --annotator re3d`` used to save re3d, and the next plain
``goldspan`` edited re3d's imported version without a word."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import typer
from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QApplication, QMessageBox
from typer.testing import CliRunner

from goldspan.core.importer import import_paths
from goldspan.core.storage import Store
from goldspan.gui.main_window import MainWindow
from goldspan.gui.settings import settings

from test_gui_annotate import show

DATA = Path(__file__).parent / "data"
PRODIGY = DATA / "prodigy" / "annotated_news_headlines-ORG-PERSON-LOCATION-ner.jsonl"


def app() -> typer.Typer:
    from goldspan.cli import main

    main._register()
    return main.app


@pytest.fixture
def db(tmp_path: Path) -> Path:
    """The headlines, imported as re3d's versions (as `goldspan import --annotator re3d`)."""
    path = tmp_path / "t.db"
    store = Store.open(path)
    import_paths(store, [PRODIGY], annotator="re3d")
    store.close()
    return path


@pytest.fixture
def windows(monkeypatch) -> list[dict[str, Any]]:  # type: ignore[no-untyped-def]
    """`goldspan gui` run for real up to the event loop: what its window showed."""
    seen: list[dict[str, Any]] = []

    def exec_(*_a: object) -> int:
        w = next(w for w in QApplication.topLevelWidgets()
                 if isinstance(w, MainWindow) and w.isVisible())
        seen.append({"annotator": w.annotator, "title": w.windowTitle(),
                     "field": w.annotator_label.text(), "tip": w.annotator_label.toolTip()})
        w.close()
        return 0

    monkeypatch.setattr(QApplication, "exec", exec_)
    monkeypatch.setattr(MainWindow, "_start_suggester", lambda self, model: None)  # no model
    return seen


def test_annotator_on_the_command_line_is_for_that_run_only(db: Path, windows) -> None:  # type: ignore[no-untyped-def]
    settings().setValue("annotator", "alice")  # saved in Project → Settings earlier
    settings().sync()
    res = CliRunner().invoke(app(), ["gui", "--db", str(db), "--annotator", "re3d"])
    assert res.exit_code == 0, res.output
    res = CliRunner().invoke(app(), ["gui", "--db", str(db)])  # the next plain start
    assert res.exit_code == 0, res.output

    once, after = windows
    assert once["annotator"] == "re3d" and once["field"] == "Annotator: re3d"
    assert "re3d (this run only)" in once["title"]
    assert "--annotator" in once["tip"] and "this run only" in once["tip"]
    assert "saved annotator is still alice" in once["tip"]
    assert after["annotator"] == "alice" and "this run only" not in after["title"]
    assert "Project → Settings" in after["tip"]
    assert settings().value("annotator") == "alice"


def test_model_on_the_command_line_is_for_that_run_only(db: Path, windows) -> None:  # type: ignore[no-untyped-def]
    res = CliRunner().invoke(app(), ["gui", "--db", str(db), "--model", "en_core_web_sm"])
    assert res.exit_code == 0, res.output
    assert settings().value("model") is None


def test_settings_is_where_the_saved_annotator_changes(qtbot, db: Path) -> None:  # type: ignore[no-untyped-def]
    from goldspan.gui import settings_dialog

    w = MainWindow(Store.open(db), "re3d", suggest=False)  # as --annotator re3d would
    qtbot.addWidget(w)
    w.open_first()
    assert w.annotator_label.text() == "Annotator: re3d"
    assert "this run only" in w.annotator_label.toolTip()

    def fill() -> None:
        d = next(x for x in QApplication.topLevelWidgets()
                 if isinstance(x, settings_dialog.SettingsDialog) and x.isVisible())
        assert "for this run only" in d.annotator_note.text()
        d.annotator_edit.setText("carol")
        d._accept()

    QTimer.singleShot(0, fill)
    qtbot.mouseClick(w.annotator_label, Qt.MouseButton.LeftButton)  # the field opens Settings
    assert settings().value("annotator") == "carol"
    assert w.annotator == "carol" and w.annotator_label.text() == "Annotator: carol"
    assert "this run only" not in w.annotator_label.toolTip() + w.windowTitle()
    w.close()


def shown_window(qtbot, store: Store, annotator: str, doc: int | None = None) -> MainWindow:  # type: ignore[no-untyped-def]
    """The annotation window on ``doc`` (or the first article), shown and active:
    window shortcuts only reach the active window."""
    w = MainWindow(store, annotator, suggest=False)
    qtbot.addWidget(w)
    show(qtbot, w)
    w.open_first(doc)
    return w


def test_editing_an_imported_version_asks_once(qtbot, db: Path) -> None:  # type: ignore[no-untyped-def]
    w = shown_window(qtbot, Store.open(db), "re3d", 1)
    asked: list[str] = []

    def answer(button: str) -> None:
        def press() -> None:
            box = next(x for x in QApplication.topLevelWidgets()
                       if isinstance(x, QMessageBox) and x.isVisible())
            asked.append(box.text())
            target = next(b for b in box.buttons() if b.text().startswith(button))
            target.click()
        QTimer.singleShot(0, press)

    def spans() -> list[tuple[int, int, str]]:
        with Store.open(db) as s:
            ann = s.annotation(1, "re3d")
            return [(x.start, x.end, x.label) for x in s.spans(ann.id)]

    before = spans()
    assert before and all(x.origin == "import" for x in w.session.spans)
    w.select_span(w.session.spans[0])
    answer("Cancel")
    qtbot.keyClick(w.view, Qt.Key.Key_Delete)
    assert len(asked) == 1 and "re3d" in asked[0] and "imported" in asked[0]
    assert spans() == before  # nothing changed
    answer("Edit as re3d")
    qtbot.keyClick(w.view, Qt.Key.Key_Delete)
    assert len(asked) == 2 and spans() == before[1:]
    w.select_span(w.session.spans[0]) if w.session.spans else None
    qtbot.keyClick(w.view, Qt.Key.Key_Return)  # accept: no second question
    assert len(asked) == 2
    w.close()


def test_ones_own_versions_are_not_asked_about(qtbot, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    store = Store.open(tmp_path / "a.db")
    store.add_document("Mark Esper met Nasser Bourita in Rabat.")
    w = shown_window(qtbot, store, "alice")
    w.view.select_range(0, 10)
    w.label_pressed(w.labels[0].name if w.labels else "PERSON")
    w.select_span(w.session.spans[0])
    qtbot.keyClick(w.view, Qt.Key.Key_Delete)  # no box: it would block this test
    assert w.session.spans == []
    w.close()


def test_a_version_an_import_replaced_is_asked_about(qtbot, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    """Found reading the change that stopped counting every span at each key press:
    it remembered "no imported entity" per version id, and an import that replaced
    alice's version (the same id, now imported entities) was then edited without a
    word. The span index now keeps the count, right after every reload."""
    import json

    text = "Mark Esper met Nasser Bourita in Rabat."
    store = Store.open(tmp_path / "a.db")
    store.add_document(text)
    w = shown_window(qtbot, store, "alice")
    w.view.select_range(0, 10)
    w.label_pressed(w.labels[0].name if w.labels else "PERSON")  # her own version
    w.view.select_range(33, 38)
    w.label_pressed(w.labels[0].name if w.labels else "PERSON")  # the guard looked at it
    assert [s.origin for s in w.session.spans] == ["manual", "manual"]
    records = tmp_path / "theirs.jsonl"
    records.write_text(json.dumps({"text": text, "answer": "accept", "_annotator_id": "alice",
                                   "spans": [{"start": 15, "end": 29, "label": "PERSON"}]}) + "\n")
    with Store.open(tmp_path / "a.db") as other:  # File → Import, or goldspan import
        import_paths(other, [records])
    w.open_document(1)
    assert [s.origin for s in w.session.spans] == ["import"]
    asked: list[str] = []

    def cancel() -> None:
        box = next(x for x in QApplication.topLevelWidgets()
                   if isinstance(x, QMessageBox) and x.isVisible())
        asked.append(box.text())
        next(b for b in box.buttons() if b.text() == "Cancel" or "Cancel" in b.text()).click()

    QTimer.singleShot(0, cancel)
    w.select_span(w.session.spans[0])
    qtbot.keyClick(w.view, Qt.Key.Key_Delete)
    assert len(asked) == 1 and "imported" in asked[0]
    assert [s.origin for s in w.session.spans] == ["import"]  # nothing deleted
    w.close()
    store.close()
