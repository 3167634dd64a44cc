"""Deleting a document, a version or an unused label (issue 11, item 4): ``goldspan
delete`` on real files, all or nothing, with a one-line summary; ids never handed out
again; the core edit and its inverse restore every row exactly; and the window's
Article menu deletes, Ctrl+Z brings it back, Ctrl+Shift+Z deletes again."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path
from typing import Any

import pytest
import typer
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QMessageBox
from typer.testing import CliRunner

from goldspan.core import edits
from goldspan.cli import delete as delete_cmd
from goldspan.cli import import_cmd
from goldspan.core.errors import EditError, StoreError
from goldspan.core.types import Span, Suggestion
from goldspan.core.storage import Store
from goldspan.gui.main_window import MainWindow

ME = "alice"
TEXTS = ["Alice met Bob in Paris.", "Carol met Dan in Rome.", "Eve met Fay in Oslo."]


def app() -> typer.Typer:
    a = typer.Typer()
    import_cmd.register(a)
    delete_cmd.register(a)
    return a


def run(*args: object) -> Any:
    return CliRunner().invoke(app(), [str(a) for a in args])


def dump(db: Path) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of every table, spans and suggestions by content (their row ids are
    not referred to by anything, and a restore may give new ones)."""
    conn = sqlite3.connect(db)
    try:
        out = {t: conn.execute(f"SELECT * FROM {t} ORDER BY rowid").fetchall()
               for t in ("documents", "annotations", "labels")}
        # per document in row order (a document's latest run is its last row)
        out["suggestion_runs"] = conn.execute(
            "SELECT * FROM suggestion_runs ORDER BY document_id, rowid").fetchall()
        out["assignments"] = conn.execute(
            "SELECT * FROM assignments ORDER BY document_id, annotator").fetchall()
        out["spans"] = sorted(conn.execute(
            'SELECT annotation_id, start, "end", label, origin FROM spans').fetchall())
        out["suggestions"] = sorted(conn.execute(
            'SELECT document_id, model, start, "end", label, score FROM suggestions').fetchall())
        out["settings"] = conn.execute(
            "SELECT * FROM settings WHERE key NOT LIKE 'id_floor.%' ORDER BY key").fetchall()
        return out
    finally:
        conn.close()


@pytest.fixture
def db(tmp_path: Path) -> Path:
    """Three documents; the first with versions by alice (in progress) and bob (done),
    suggestions from two models, an assignment and a label only it carries."""
    path = tmp_path / "g.db"
    with Store.open(path) as s:
        for t in TEXTS:
            s.add_document(t, meta={"source_id": t[:5]})
        s.put_suggestions(1, "m@1", [Suggestion(0, 5, "PERSON", 0.9), Suggestion(17, 22, "GPE")])
        s.put_suggestions(1, "m@2", [Suggestion(10, 13, "PERSON")])
        s.put_version(1, ME, "in_progress", [Span(0, 5, "PERSON"), Span(17, 22, "CITY")])
        s.put_version(1, "bob", "done", [Span(0, 5, "PERSON")])
        s.put_version(2, "bob", "done", [Span(0, 5, "PERSON")])
        s.assign(ME, [1, 2])
        s.add_labels(["PERSON", "GPE", "CITY", "UNUSED"])
    return path


# ------------------------------------------------------------------------- CLI
def test_delete_a_document_says_what_went_and_leaves_nothing(db: Path) -> None:
    res = run("delete", "--doc", 1, "--db", db)
    assert res.exit_code == 0, res.output
    assert res.output.strip() == ("deleted 1 document (1) with 2 versions, 3 spans, "
                                  "3 suggestions, 1 assignment")
    d = dump(db)
    assert [r[0] for r in d["documents"]] == [2, 3]
    assert all(r[1] != 1 for r in d["annotations"])
    assert all(r[0] != 1 for r in d["suggestions"] + d["suggestion_runs"] + d["assignments"])
    assert {r[0] for r in d["spans"]} == {r[0] for r in d["annotations"]}


def test_delete_a_version_and_unused_labels(db: Path) -> None:
    res = run("delete", "--version", f"1:{ME}", "--label", "CITY", "--label", "UNUSED",
              "--db", db)
    assert res.exit_code == 0, res.output
    assert res.output.strip() == ("deleted 1 version (1:alice) with 2 spans; 2 labels "
                                  "('CITY', 'UNUSED')")
    d = dump(db)
    assert [(r[1], r[2]) for r in d["annotations"]] == [(1, "bob"), (2, "bob")]
    assert {r[0] for r in d["labels"]} == {"PERSON", "GPE"}
    assert len(d["documents"]) == 3


def test_a_label_still_used_is_refused_and_nothing_is_deleted(db: Path) -> None:
    before = dump(db)
    res = run("delete", "--label", "UNUSED", "--label", "PERSON", "--db", db)
    assert res.exit_code == 2
    assert res.output.strip().splitlines() == [
        f"goldspan: [E200] {db}: label 'PERSON' is on 3 spans in 2 documents (the first is "
        "document 1); delete or relabel those spans first"]
    assert dump(db) == before  # UNUSED, named first, is still there: all or nothing


def test_a_label_goes_with_the_documents_that_used_it_in_one_call(db: Path) -> None:
    res = run("delete", "--doc", 1, "--label", "CITY", "--db", db)
    assert res.exit_code == 0, res.output
    assert "1 label ('CITY')" in res.output


def test_a_label_some_suggestions_carry_may_go_and_the_line_says_so(db: Path) -> None:
    res = run("delete", "--label", "GPE", "--db", db)
    assert res.exit_code == 0, res.output
    assert res.output.strip() == "deleted 1 label ('GPE'; 1 suggestion still carry it)"


@pytest.mark.parametrize("args,message", [
    ((), "nothing to delete: give --doc ID"),
    (("--doc", 1, "--doc", 99), "no document with id 99"),
    (("--version", "1:carol"), "document 1 has no version by 'carol'"),
    (("--version", "alice"), "--version 'alice': expected DOC:ANNOTATOR"),
    (("--label", "NOPE"), "no label named 'NOPE'"),
])
def test_refusals_are_one_line_and_delete_nothing(db: Path, args: tuple[Any, ...],
                                                  message: str) -> None:
    before = dump(db)
    res = run("delete", *args, "--db", db)
    assert res.exit_code == 2
    lines = res.output.strip().splitlines()
    assert len(lines) == 1 and message in lines[0], res.output
    assert dump(db) == before


def test_a_garbage_label_from_a_wrong_import_can_be_removed(tmp_path: Path) -> None:
    """What issue 11 found: a label no command could remove. Now the document and the
    label it brought go in one call."""
    db = tmp_path / "g.db"
    src = tmp_path / "odd.conll"
    src.write_text("Hi O\nalice weird_tag\n")
    assert run("import", src, "--db", db).exit_code == 0
    res = run("delete", "--doc", 1, "--label", "weird_tag", "--db", db)
    assert res.exit_code == 0, res.output
    with Store.open(db) as s:
        assert s.document_count() == 0 and s.labels() == []


def test_ids_are_never_handed_out_again(db: Path, tmp_path: Path) -> None:
    assert run("delete", "--doc", 3, "--version", "2:bob", "--db", db).exit_code == 0
    src = tmp_path / "new.jsonl"
    src.write_text(json.dumps({"text": "Gus met Hal.", "answer": "accept", "spans": []}) + "\n")
    assert run("import", src, "--db", db).exit_code == 0
    with Store.open(db) as s:
        assert s.document_ids() == [1, 2, 4]  # not 3: that id named "Eve met Fay in Oslo."
        ids = [r[0] for r in s.conn.execute("SELECT id FROM annotations ORDER BY id")]
        assert ids == [1, 2, 4]  # not 3, the deleted version's


# ------------------------------------------------------------------- core edits
def test_delete_and_restore_put_back_every_row_exactly(db: Path) -> None:
    before = dump(db)
    with Store.open(db) as s:
        doc = edits.delete_document(s, 1)
        assert doc is not None
        doc.apply(s)
        assert s.document_ids() == [2, 3]
        doc.inverse().apply(s)
        assert dump(db) == before
        version = edits.delete_version(s, 1, ME)
        assert version is not None
        change = version.apply(s)
        assert change.deleted == "annotations" and s.annotation(1, ME) is None
        version.inverse().apply(s)
        assert dump(db) == before
        doc.apply(s)  # the redo, after an undo, still applies: the rows are as recorded
        assert s.document_ids() == [2, 3]


def test_a_restore_refuses_when_the_text_came_back(db: Path) -> None:
    with Store.open(db) as s:
        doc = edits.delete_document(s, 1)
        assert doc is not None
        doc.apply(s)
        s.add_document(TEXTS[0])  # imported again meanwhile, as document 4
        with pytest.raises(EditError, match="imported again since, as document 4"):
            doc.inverse().apply(s)


def test_a_redo_refuses_when_the_document_changed_meanwhile(db: Path) -> None:
    with Store.open(db) as s:
        doc = edits.delete_document(s, 1)
        assert doc is not None
        doc.apply(s)
        doc.inverse().apply(s)
        s.put_version(1, "carol", "done", [])
        with pytest.raises(EditError, match="changed elsewhere"):
            doc.apply(s)
        assert s.annotation(1, "carol") is not None


def test_an_edit_never_lands_in_a_version_deleted_since(db: Path) -> None:
    with Store.open(db) as s:
        ann = s.annotation(1, ME)
        assert ann is not None
        add = edits.ReplaceSpans(ann.id, 1, (), (Span(6, 9, "PERSON"),))
        s.delete_version(1, ME)
        with pytest.raises(EditError, match="has been deleted"):
            add.apply(s)
        with pytest.raises(EditError, match="has been deleted"):
            edits.SetStatus(ann.id, 1, "in_progress", "done").apply(s)


def test_store_delete_document_missing_is_a_store_error(db: Path) -> None:
    with Store.open(db) as s, pytest.raises(StoreError, match="no document with id 9"):
        s.delete_document(9)


# -------------------------------------------------------------------- the window
@pytest.fixture
def window(qtbot, db: Path):  # type: ignore[no-untyped-def]
    store = Store.open(db)
    w = MainWindow(store, ME, suggest=False)
    qtbot.addWidget(w)
    w.show()
    qtbot.waitExposed(w)
    w.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is w)
    w.open_first(1)
    yield w
    w.close()
    store.close()


def _undo(qtbot, w: MainWindow) -> None:  # type: ignore[no-untyped-def]
    qtbot.keyClick(w.view, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)


def _redo(qtbot, w: MainWindow) -> None:  # type: ignore[no-untyped-def]
    qtbot.keyClick(w.view, Qt.Key.Key_Z,
                   Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier)


def test_window_deletes_my_version_and_ctrl_z_restores_it(qtbot, window: MainWindow,
                                                          db: Path) -> None:
    before = dump(db)
    assert [s.label for s in window.session.spans] == ["PERSON", "CITY"]
    window.actions_by_name["delete_version"].trigger()
    assert window.store.annotation(1, ME) is None
    assert window.store.annotation(1, "bob") is not None  # only mine went
    assert window.session.spans == [Span(10, 13, "PERSON")]  # the latest model's suggestions
    assert "Ctrl+Z brings it back" in window.statusBar().currentMessage()
    _undo(qtbot, window)
    assert dump(db) == before
    assert [s.label for s in window.session.spans] == ["PERSON", "CITY"]
    assert window.session.status == "in_progress"
    _redo(qtbot, window)
    assert window.store.annotation(1, ME) is None


def test_window_deletes_the_article_after_asking_and_ctrl_z_restores_it(
        qtbot, window: MainWindow, db: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    before = dump(db)
    asked: list[str] = []

    def question(parent: Any, title: str, text: str, *a: Any) -> QMessageBox.StandardButton:
        asked.append(text)
        return QMessageBox.StandardButton.Yes

    monkeypatch.setattr(QMessageBox, "question", question)
    assert window.queue_model.rowCount() == 3
    window.actions_by_name["delete_article"].trigger()
    assert asked and "versions by bob" in asked[0]
    assert window.store.document_ids() == [2, 3]
    assert window.queue_model.rowCount() == 2
    assert window.session is not None and window.session.doc_id == 2  # moved on
    _undo(qtbot, window)
    assert dump(db) == before  # same id, versions, spans, suggestions, runs, assignments
    assert window.queue_model.rowCount() == 3
    assert window.session.doc_id == 1 and window.session.text == TEXTS[0]
    assert [s.label for s in window.session.spans] == ["PERSON", "CITY"]
    _redo(qtbot, window)
    assert window.store.document_ids() == [2, 3]


def test_window_keeps_the_article_when_the_question_is_declined(
        qtbot, window: MainWindow, db: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    before = dump(db)
    monkeypatch.setattr(QMessageBox, "question",
                        lambda *a: QMessageBox.StandardButton.No)
    window.actions_by_name["delete_article"].trigger()
    assert dump(db) == before
    assert window.undo_stack.count() == 0


def test_window_deletes_the_last_article_without_asking_when_only_mine(
        qtbot, window: MainWindow, db: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def no_question(*a: Any) -> None:
        raise AssertionError("asked although only my own work goes")

    monkeypatch.setattr(QMessageBox, "question", no_question)
    window.open_document(3)
    window.actions_by_name["delete_article"].trigger()
    assert window.store.document_ids() == [1, 2]
    assert window.session is not None and window.session.doc_id == 2  # the one before
    _undo(qtbot, window)
    assert window.store.document_ids() == [1, 2, 3] and window.session.doc_id == 3


def test_undo_of_an_edit_whose_article_was_deleted_elsewhere_does_not_crash(
        qtbot, window: MainWindow, db: Path) -> None:
    window.apply_edit(window.session.set_status("done"))
    with Store.open(db) as other:  # goldspan delete from another process
        other.delete_document(1)
    _undo(qtbot, window)  # the edit cannot apply: dropped with a message, no exception
    assert "no document with id 1" in window.statusBar().currentMessage() \
        or "deleted" in window.statusBar().currentMessage()


@pytest.mark.slow
def test_the_suggester_skips_an_article_deleted_after_it_was_asked_for(tmp_path: Path) -> None:
    """The window asks for the next articles' suggestions ahead; one deleted meanwhile
    is skipped, not reported as the model failing ("model: unavailable")."""
    from test_gui_settings import tiny_pipeline

    from goldspan.gui.suggest_worker import SuggestWorker

    path = tmp_path / "s.db"
    with Store.open(path) as s:
        kept, _ = s.add_document("Mark Esper met Nasser Bourita in Rabat.")
        gone, _ = s.add_document("Deleted before the worker got to it.")
        s.delete_document(gone)
    worker = SuggestWorker(path, str(tiny_pipeline(tmp_path / "tiny")), phrases=False)
    failed: list[str] = []
    done: list[int] = []
    worker.failed.connect(failed.append)
    worker.suggested.connect(lambda doc, model: done.append(doc))
    try:
        worker.request([gone, kept])
    finally:
        worker.close()
    assert failed == [] and done == [kept]


def test_labelling_an_article_deleted_elsewhere_says_so(qtbot, window: MainWindow,
                                                        db: Path) -> None:
    """The window shows document 3, which alice has no version of yet; another process
    deletes it; she labels a word. The first edit creates her version: the database
    refused it (foreign key), the error escaped the key handler and the edit was lost
    without a word. Now the status bar says so and nothing is written."""
    window.open_document(3)
    with Store.open(db) as other:  # goldspan delete --doc 3, from another process
        other.delete_document(3)
    before = dump(db)
    window.view.select_range(0, 3)  # "Eve"
    qtbot.keyClick(window.view, Qt.Key.Key_1)
    assert "document 3 was deleted elsewhere" in window.statusBar().currentMessage()
    window.finish("done")  # Enter: the same
    assert "document 3 was deleted elsewhere" in window.statusBar().currentMessage()
    assert dump(db) == before
