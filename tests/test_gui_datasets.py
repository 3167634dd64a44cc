"""Import and export from the GUI: the dialogs filled as a person would (widget values,
button clicks), run on their worker thread against real SQLite files, cancelled
part-way, and refused with one line in a message box."""

from __future__ import annotations

import json
import sqlite3
import threading
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QMessageBox

from goldspan.core.importer import import_paths
from goldspan.core.storage import Store
from goldspan.gui.export_dialog import ExportDialog
from goldspan.gui import task_runner
from goldspan.gui.import_dialog import ImportDialog
from goldspan.gui.main_window import MainWindow
from goldspan.gui.task_runner import Outcome, TaskRunner

DATA = Path(__file__).parent / "data"
PRODIGY = DATA / "prodigy" / "annotated_news_headlines-ORG-PERSON-LOCATION-ner.jsonl"
WAIT = 20000  # ms; generous for a loaded CI machine, the tests take far less


def rows(db: Path, sql: str, *args: object) -> list[tuple]:
    with sqlite3.connect(db) as c:
        return c.execute(sql, args).fetchall()


def make_db(path: Path, *files: Path, annotator: str | None = None) -> Path:
    store = Store.open(path)
    if files:
        import_paths(store, list(files), annotator=annotator)
    store.close()
    return path


def big_prodigy(path: Path, n: int = 5000) -> Path:
    """``n`` accepted records, one PERSON span each (all texts distinct)."""
    with open(path, "w", encoding="utf-8") as fh:
        for i in range(n):
            text = f"Story {i}: Angela Merkel spoke in Berlin on day {i}."
            start = text.index("Angela")
            fh.write(json.dumps({"text": text, "answer": "accept", "spans": [
                {"start": start, "end": start + len("Angela Merkel"), "label": "PERSON"}]}) + "\n")
    return path


@pytest.fixture
def messages(monkeypatch) -> list[tuple[str, str]]:  # type: ignore[no-untyped-def]
    """Message boxes captured instead of shown (a modal box would block the test)."""
    seen: list[tuple[str, str]] = []

    def capture(parent, title, text, *args, **kwargs):  # type: ignore[no-untyped-def]
        seen.append((title, text))
        return QMessageBox.StandardButton.Ok

    for name in ("warning", "critical", "information"):
        monkeypatch.setattr(QMessageBox, name, staticmethod(capture))
    real = task_runner.show_error

    def opened(parent, title, text):  # type: ignore[no-untyped-def]
        box = real(parent, title, text)  # the real box, opened (it never blocks) ...
        seen.append((box.windowTitle(), box.text()))
        box.accept()  # ... and read
        return box

    monkeypatch.setattr(task_runner, "show_error", opened)
    return seen


def run(qtbot, dialog, button) -> str:  # type: ignore[no-untyped-def]
    """Click ``button`` and wait for the task it starts to end; returns the outcome."""
    with qtbot.waitSignal(dialog.taskFinished, timeout=WAIT) as blocker:
        qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    return blocker.args[0]


# ---------------------------------------------------------------------- import
def test_import_prodigy_file_through_the_dialog(qtbot, tmp_path: Path, messages) -> None:  # type: ignore[no-untyped-def]
    db = make_db(tmp_path / "t.db")
    dialog = ImportDialog(db)
    qtbot.addWidget(dialog)
    dialog.show()
    assert not dialog.import_button.isEnabled()  # nothing chosen yet
    dialog.set_paths([PRODIGY])
    dialog.set_format("prodigy")
    dialog.annotator_edit.setText("alice")
    imported: list[object] = []
    dialog.imported.connect(imported.append)

    assert run(qtbot, dialog, dialog.import_button) == "succeeded"

    assert rows(db, "SELECT count(*) FROM documents") == [(373,)]
    assert rows(db, "SELECT annotator, status, count(*) FROM annotations GROUP BY 1, 2 ORDER BY 2") == [
        ("alice", "done", 372), ("alice", "skipped", 1)]
    assert sorted(r[0] for r in rows(db, "SELECT name FROM labels")) == [
        "LOCATION", "ORG", "PERSON", "PRODUCT"]
    first = json.loads(PRODIGY.read_text(encoding="utf-8").splitlines()[0])
    assert rows(db, 'SELECT s.start, s."end", s.label FROM spans s JOIN annotations a '
                    "ON a.id = s.annotation_id WHERE a.document_id = 1 ORDER BY s.start") == [
        (s["start"], s["end"], s["label"]) for s in first["spans"]]
    assert len(imported) == 1
    text = dialog.summary_label.text()
    assert text.startswith("imported 1 file, 373 new documents") and "4 new labels" in text
    assert dialog.path_list.count() == 0 and not dialog.import_button.isEnabled()
    assert messages == []


def test_import_is_all_files_or_none_and_a_bad_file_is_one_line(qtbot, tmp_path: Path, messages) -> None:  # type: ignore[no-untyped-def]
    db = make_db(tmp_path / "t.db")
    good = tmp_path / "a_good.jsonl"
    good.write_text('{"text": "Paris is nice.", "answer": "accept", "spans": []}\n', encoding="utf-8")
    bad = tmp_path / "b_bad.jsonl"
    bad.write_text('{"text": "One.", "answer": "accept"}\n{"text": "Two.", "answer": "accept"}\n'
                   '{"text": "Three", "answer": \n', encoding="utf-8")
    dialog = ImportDialog(db)
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.set_paths([good, bad])

    assert run(qtbot, dialog, dialog.import_button) == "failed"

    assert len(messages) == 1
    title, text = messages[0]
    assert title == "Import failed"
    assert "\n" not in text and "Traceback" not in text
    assert "b_bad.jsonl" in text and "line 3" in text
    assert "nothing was imported" in text  # the good first file is not kept either
    assert rows(db, "SELECT count(*) FROM documents") == [(0,)]
    assert "Import failed" in dialog.summary_label.text()
    assert dialog.path_list.count() == 2  # kept, to fix and retry
    assert dialog.import_button.isEnabled()


def test_import_cancelled_after_first_progress_keeps_nothing(qtbot, tmp_path: Path, messages) -> None:  # type: ignore[no-untyped-def]
    db = make_db(tmp_path / "t.db", PRODIGY, annotator="alice")
    before = rows(db, "SELECT count(*), max(id) FROM documents")
    big = big_prodigy(tmp_path / "big.jsonl")
    dialog = ImportDialog(db)
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.set_paths([big])
    ticks: list[tuple[int, int, str]] = []

    def on_progress(done: int, total: int, text: str) -> None:
        ticks.append((done, total, text))
        if len(ticks) == 1:
            dialog.runner.cancel_button.click()  # the progress dialog's own Cancel

    dialog.progressed.connect(on_progress)
    assert run(qtbot, dialog, dialog.import_button) == "cancelled"

    assert ticks and "big.jsonl" in ticks[0][2]
    assert dialog.runner.outcome is Outcome.CANCELLED
    assert rows(db, "SELECT count(*), max(id) FROM documents") == before
    assert rows(db, "SELECT count(*) FROM documents WHERE source = ?", str(big)) == [(0,)]
    assert rows(db, "SELECT count(*) FROM annotations WHERE annotator = 'import'") == [(0,)]
    assert dialog.summary_label.text() == "Import cancelled; nothing was imported."
    assert messages == []  # a cancel is not an error
    assert dialog.import_button.isEnabled()  # ready to try again


def test_escape_while_importing_cancels_instead_of_closing(qtbot, tmp_path: Path, messages) -> None:  # type: ignore[no-untyped-def]
    db = make_db(tmp_path / "t.db")
    dialog = ImportDialog(db)
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.set_paths([big_prodigy(tmp_path / "big.jsonl")])
    dialog.progressed.connect(lambda *_: dialog.reject())
    assert run(qtbot, dialog, dialog.import_button) == "cancelled"
    assert dialog.isVisible()
    assert rows(db, "SELECT count(*) FROM documents") == [(0,)]


def test_locked_labels_and_reserved_annotator_are_refused(qtbot, tmp_path: Path, messages) -> None:  # type: ignore[no-untyped-def]
    db = make_db(tmp_path / "t.db")
    store = Store.open(db)
    store.add_labels(["PERSON", "ORG"])
    store.close()
    dialog = ImportDialog(db)
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.set_paths([PRODIGY])
    dialog.lock_check.setChecked(True)
    assert run(qtbot, dialog, dialog.import_button) == "failed"
    assert "unknown label 'LOCATION'" in messages[-1][1] and "jsonl, line 1:" in messages[-1][1]
    dialog.lock_check.setChecked(False)
    dialog.annotator_edit.setText("gold")
    assert run(qtbot, dialog, dialog.import_button) == "failed"
    assert "gold" in messages[-1][1] and "\n" not in messages[-1][1]
    assert len(messages) == 2
    assert rows(db, "SELECT count(*) FROM documents") == [(0,)]
    assert sorted(r[0] for r in rows(db, "SELECT name FROM labels")) == ["ORG", "PERSON"]


def test_task_runs_on_its_own_thread_with_its_own_store_and_bugs_are_one_line(qtbot, tmp_path: Path, messages) -> None:  # type: ignore[no-untyped-def]
    db = make_db(tmp_path / "t.db")
    parent = ImportDialog(db)
    qtbot.addWidget(parent)
    seen: list[object] = []

    def task(store, report, cancelled):  # type: ignore[no-untyped-def]
        seen.extend([threading.get_ident(), store.path, store.conn])
        raise ValueError("boom\nwith a second line")

    runner = TaskRunner(parent, "Thing", db, task)
    with qtbot.waitSignal(runner.finished, timeout=WAIT):
        runner.start()
    assert seen[0] != threading.get_ident() and seen[1] == db
    with pytest.raises(sqlite3.ProgrammingError):  # the worker closed its own connection
        seen[2].execute("SELECT 1")  # type: ignore[attr-defined]
    assert runner.outcome is Outcome.FAILED
    assert messages == [("Thing failed", "unexpected error (ValueError: boom with a second line); "
                                         "please report it")]


# ---------------------------------------------------------------------- export
def test_export_doccano_through_the_dialog(qtbot, tmp_path: Path, messages) -> None:  # type: ignore[no-untyped-def]
    db = make_db(tmp_path / "t.db", PRODIGY, annotator="alice")
    out = tmp_path / "out" / "gold.jsonl"
    dialog = ExportDialog(db)
    qtbot.addWidget(dialog)
    dialog.show()
    assert not dialog.export_button.isEnabled()  # no output chosen yet
    assert [dialog.annotator_combo.itemData(i) for i in range(dialog.annotator_combo.count())] == ["alice"]
    dialog.set_format("doccano")
    dialog.out_path.setText(str(out))

    assert run(qtbot, dialog, dialog.export_button) == "succeeded"

    lines = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert len(lines) == 372  # the done versions; the skipped one is left out
    spans = rows(db, 'SELECT s.start, s."end", s.label FROM spans s JOIN annotations a '
                     "ON a.id = s.annotation_id WHERE a.document_id = 1 ORDER BY s.start")
    assert lines[0]["text"] == rows(db, "SELECT text FROM documents WHERE id = 1")[0][0]
    assert [tuple(x) for x in lines[0]["label"]] == spans
    assert dialog.summary_label.text().startswith(f"exported 372 documents to {out}")
    assert dialog.last_summary is not None and dialog.last_summary.written == 372
    assert [p.name for p in out.parent.iterdir()] == ["gold.jsonl"]
    assert messages == []


def test_export_options_map_to_the_cli_options(qtbot, tmp_path: Path, messages) -> None:  # type: ignore[no-untyped-def]
    db = make_db(tmp_path / "t.db", PRODIGY, annotator="alice")
    make_db(db, DATA / "doccano" / "doccano_export_sequence_labeling_example.jsonl", annotator="bob")
    dialog = ExportDialog(db)
    qtbot.addWidget(dialog)
    dialog.show()
    assert dialog.options() == {"format": "prodigy", "annotator": None, "gold_only": False,
                                "all_versions": False, "all_statuses": False, "split": None,
                                "seed": 0, "config": None, "scheme": "iob2"}
    assert not dialog.scheme_combo.isEnabled() and not dialog.config_check.isEnabled()
    dialog.out_path.setText(str(tmp_path / "x.jsonl"))
    dialog.set_format("conll")
    assert dialog.out_path.text() == str(tmp_path / "x.conll")  # extension follows the format
    assert dialog.scheme_combo.isEnabled()
    dialog.scheme_combo.setCurrentIndex(dialog.scheme_combo.findData("biluo"))
    dialog.set_annotator("bob")
    dialog.split_check.setChecked(True)
    dialog.split_spin.setValue(0.75)
    dialog.seed_spin.setValue(7)
    dialog.all_statuses_check.setChecked(True)
    # CoNLL holds no status: a skipped version would read back as done (the registry)
    assert not dialog.all_statuses_check.isEnabled()
    assert dialog.options() == {"format": "conll", "annotator": "bob", "gold_only": False,
                                "all_versions": False, "all_statuses": False, "split": 0.75,
                                "seed": 7, "config": None, "scheme": "biluo"}
    dialog.set_format("prodigy")
    assert dialog.all_statuses_check.isEnabled() and dialog.options()["all_statuses"] is True
    dialog.set_format("conll")
    dialog.gold_radio.setChecked(True)
    assert dialog.options()["gold_only"] is True and dialog.options()["annotator"] is None
    dialog.set_format("spacy")
    dialog.config_check.setChecked(True)
    assert dialog.options()["config"] == Path(dialog.config_path.text())
    assert dialog.config_path.text().endswith("config.cfg")


def test_export_one_annotator_split_into_train_and_dev(qtbot, tmp_path: Path, messages) -> None:  # type: ignore[no-untyped-def]
    db = make_db(tmp_path / "t.db", PRODIGY, annotator="alice")
    make_db(db, DATA / "doccano" / "doccano_export_sequence_labeling_example.jsonl", annotator="bob")
    n_bob = rows(db, "SELECT count(*) FROM annotations WHERE annotator = 'bob' AND status = 'done'")[0][0]
    out = tmp_path / "split"
    dialog = ExportDialog(db)
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.set_format("doccano")
    dialog.set_annotator("bob")
    dialog.split_check.setChecked(True)
    dialog.split_spin.setValue(0.5)
    dialog.out_path.setText(str(out))

    assert run(qtbot, dialog, dialog.export_button) == "succeeded"

    train = (out / "train.jsonl").read_text(encoding="utf-8").splitlines()
    dev = (out / "dev.jsonl").read_text(encoding="utf-8").splitlines()
    assert n_bob >= 2 and len(train) + len(dev) == n_bob and dev
    bob_texts = {r[0] for r in rows(db, "SELECT d.text FROM documents d JOIN annotations a ON "
                                        "a.document_id = d.id WHERE a.annotator = 'bob'")}
    assert {json.loads(line)["text"] for line in train + dev} == bob_texts


def test_export_cancelled_leaves_no_file_and_no_temp_file(qtbot, tmp_path: Path, messages) -> None:  # type: ignore[no-untyped-def]
    db = make_db(tmp_path / "t.db", big_prodigy(tmp_path / "big.jsonl"))
    out_dir = tmp_path / "out"
    out_dir.mkdir()
    dialog = ExportDialog(db)
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.set_format("doccano")
    dialog.out_path.setText(str(out_dir / "gold.jsonl"))
    ticks: list[tuple[int, int]] = []

    def on_progress(done: int, total: int, text: str) -> None:
        if total:
            ticks.append((done, total))
            if len(ticks) == 1:
                dialog.runner.cancel()

    dialog.progressed.connect(on_progress)
    assert run(qtbot, dialog, dialog.export_button) == "cancelled"

    assert ticks[0][1] == 5000 and ticks[0][0] < 5000
    assert list(out_dir.iterdir()) == []  # neither gold.jsonl nor .gold.jsonl.partial-*
    assert dialog.summary_label.text() == "Export cancelled; no file was written."
    assert messages == []
    assert dialog.export_button.isEnabled()


def test_export_refusal_is_one_line_in_a_message_box(qtbot, tmp_path: Path, messages) -> None:  # type: ignore[no-untyped-def]
    db = make_db(tmp_path / "t.db", PRODIGY, annotator="alice")
    taken = tmp_path / "taken"
    taken.mkdir()
    (taken / "notes.md").write_text("someone's notes", encoding="utf-8")
    dialog = ExportDialog(db)
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.set_format("brat")
    dialog.out_path.setText(str(taken))

    assert run(qtbot, dialog, dialog.export_button) == "failed"

    assert len(messages) == 1
    title, text = messages[0]
    assert title == "Export failed" and "\n" not in text and str(taken) in text
    assert "choose a new folder" in text
    assert sorted(p.name for p in taken.iterdir()) == ["notes.md"]


@pytest.mark.parametrize("target", ["the database", "its -wal", "a hard link to it",
                                    "a symbolic link to it", "standard output"])
def test_export_dialog_refuses_the_database_and_leaves_it_alone(qtbot, tmp_path: Path, messages,
                                                                target: str) -> None:  # type: ignore[no-untyped-def]
    import hashlib
    import os

    db = make_db(tmp_path / "t.db", PRODIGY, annotator="alice")
    os.link(db, tmp_path / "hard.jsonl")
    os.symlink("t.db", tmp_path / "link.jsonl")
    out = {"the database": str(db), "its -wal": f"{db}-wal",
           "a hard link to it": str(tmp_path / "hard.jsonl"),
           "a symbolic link to it": str(tmp_path / "link.jsonl"), "standard output": "-"}[target]
    before = hashlib.sha256(db.read_bytes()).hexdigest()
    files = sorted(p.name for p in tmp_path.iterdir())
    dialog = ExportDialog(db)
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.out_path.setText(out)

    assert run(qtbot, dialog, dialog.export_button) == "failed"

    assert len(messages) == 1
    title, text = messages[0]
    assert title == "Export failed" and "\n" not in text and out in text
    assert "partial" not in text
    assert ("standard output" if out == "-" else "database") in text
    assert dialog.summary_label.text().startswith("Export failed:")
    assert hashlib.sha256(db.read_bytes()).hexdigest() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == files
    assert (tmp_path / "link.jsonl").is_symlink()
    assert rows(db, "SELECT count(*) FROM documents")[0][0] == 373


# ----------------------------------------------------------------- the window
@pytest.fixture
def window(qtbot, tmp_path: Path):  # type: ignore[no-untyped-def]
    db = make_db(tmp_path / "w.db")
    store = Store.open(db)
    w = MainWindow(store, "alice", suggest=False)
    qtbot.addWidget(w)
    w.show()
    qtbot.waitExposed(w)
    w.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is w)
    w.open_first()
    yield w
    w.close()
    store.close()


def file_menu(w: MainWindow):  # type: ignore[no-untyped-def]
    return next(a.menu() for a in w.menuBar().actions() if a.text() == "&File")


def test_menu_actions_keys_and_tooltips(window: MainWindow) -> None:
    menu = file_menu(window)  # the window puts Import… and Export… there itself
    acts = menu.actions()
    assert [a.text() for a in acts[:2]] == ["Import…", "Export…"]
    assert acts[2].isSeparator() and acts[3] is window.actions_by_name["quit"]
    assert acts[0].shortcut().toString() == "Ctrl+I" and acts[1].shortcut().toString() == "Ctrl+E"
    assert acts[0].toolTip().endswith("[Ctrl+I]") and acts[1].toolTip().endswith("[Ctrl+E]")


def test_ctrl_i_imports_into_the_open_window(qtbot, window: MainWindow, tmp_path: Path, messages) -> None:  # type: ignore[no-untyped-def]
    assert window.session is None and window.queue_model.rowCount() == 0
    window.view.setFocus()
    qtbot.keyClick(window.view, Qt.Key.Key_I, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: isinstance(QApplication.activeModalWidget(), ImportDialog))
    dialog = QApplication.activeModalWidget()
    assert dialog.db_path == window.store.path
    dialog.set_paths([PRODIGY])

    assert run(qtbot, dialog, dialog.import_button) == "succeeded"

    assert window.queue_model.rowCount() == 373
    assert {lab.name for lab in window.labels} == {"LOCATION", "ORG", "PERSON", "PRODUCT"}
    assert window.progress_label.text().startswith("Done 0 of 373")
    assert window.session is not None and window.session.doc_id == 1  # opened the first
    dialog.close()


def test_ctrl_e_opens_export_with_the_annotators_of_the_db(qtbot, window: MainWindow, messages) -> None:  # type: ignore[no-untyped-def]
    import_paths(window.store, [PRODIGY], annotator="carol")
    window.view.setFocus()
    qtbot.keyClick(window.view, Qt.Key.Key_E, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: isinstance(QApplication.activeModalWidget(), ExportDialog))
    dialog = QApplication.activeModalWidget()
    assert dialog.db_path == window.store.path
    assert dialog.annotator_combo.itemData(0) == "carol"
    assert dialog.annotator_combo.itemText(0) == "carol  (372 done)"
    dialog.close()


def test_the_import_dialog_counts_a_run_replaced_by_a_later_file_once(qtbot, tmp_path: Path, messages) -> None:  # type: ignore[no-untyped-def]
    """Two task files suggesting for the same text: the second file's run replaces the
    first's. The dialog imports file by file; its line counted both runs (found
    red-teaming issue 11, as the command's line did)."""
    db = make_db(tmp_path / "t.db")
    text = "Alice met Bob in Paris."
    first = tmp_path / "a.jsonl"
    first.write_text(json.dumps({"text": text, "spans": [
        {"start": 0, "end": 5, "label": "PERSON"}, {"start": 10, "end": 13, "label": "PERSON"}]}) + "\n")
    second = tmp_path / "b.jsonl"
    second.write_text(json.dumps({"text": text, "spans": [
        {"start": 17, "end": 22, "label": "GPE"}]}) + "\n")
    dialog = ImportDialog(db)
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.set_paths([first, second])
    assert run(qtbot, dialog, dialog.import_button) == "succeeded"
    assert rows(db, "SELECT count(*) FROM suggestions") == [(1,)]
    assert "1 suggestions" in dialog.summary_label.text(), dialog.summary_label.text()
