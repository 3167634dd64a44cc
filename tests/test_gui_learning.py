"""The learning loop in the annotation window (issue 13), with the real model and a
tiny corpus: background training swaps the suggester, an undone accept unlearns, the
labels rule is learnt from relabels and overridden in Project → Labels, Accept asks
about labels outside the project's set, Project → Train shows its figures."""

from __future__ import annotations

import threading
import time
from pathlib import Path
from typing import Any, Callable

import pytest
from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QApplication, QComboBox, QDialog, QLabel, QMessageBox, QPushButton

from goldspan.core.labels import default_labels
from goldspan.core.status import Status
from goldspan.core.storage import Store
from goldspan.core.types import Label, Span
from goldspan.gui.main_window import MainWindow

MERKEL = "Angela Merkel flew to Paris and Berlin on Monday.\n"
MADRID = "Officials in Madrid met Angela Merkel.\n"
AIRMEN = "The Airmen met Tom Brown in Dover.\n"
AIRMEN_2 = "Later the Airmen left Dover with Anna Smith.\n"


def make_db(path: Path, texts: list[str], labels: list[str], learning: dict[str, Any]) -> Store:
    store = Store.open(path)
    for text in texts:
        store.add_document(text)
    store.set_labels(default_labels(labels))
    store.set_setting("learning", learning)
    return store


def window(qtbot, store: Store, **kw: Any) -> MainWindow:  # type: ignore[no-untyped-def]
    w = MainWindow(store, "alice", model="en_core_web_sm", **kw)
    qtbot.addWidget(w)
    w.show()
    qtbot.waitExposed(w)
    return w


def shown(w: MainWindow) -> set[tuple[str, str]]:
    s = w.session
    assert s is not None
    return {(s.text[x.start:x.end], x.label) for x in s.spans}


def label(w: MainWindow, string: str, name: str) -> None:
    s = w.session
    assert s is not None
    start = s.text.index(string)
    w.view.select_range(start, start + len(string))
    w.label_pressed(name)


def wait_learning(qtbot, w: MainWindow, text: str, timeout: int = 60_000) -> None:  # type: ignore[no-untyped-def]
    qtbot.waitUntil(lambda: text in w.learning.label.text(), timeout=timeout)


def suggesting(qtbot, store: Store, doc: int | None = None) -> MainWindow:  # type: ignore[no-untyped-def]
    """A window with the loop on, open at ``doc`` (else the first article to do), once
    the loop suggests and the article shows the model's suggestions."""
    w = window(qtbot, store, suggest=True)
    if doc is None:
        w.open_first()
    else:
        w.open_document(doc)
    wait_learning(qtbot, w, "Suggesting:")
    qtbot.waitUntil(lambda: w.session.model is not None, timeout=60_000)
    return w


@pytest.mark.slow
def test_the_window_trains_in_the_background_and_swaps_the_suggester(qtbot, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    texts = [MERKEL, "Tom Brown went to Oslo.\n", MADRID, "Anna Smith lives in Rome.\n"]
    store = make_db(tmp_path / "t.db", texts, ["Person", "Place"],
                    {"first_training": 2, "epochs": 2, "base": "blank"})
    w = window(qtbot, store, suggest=True)
    w.open_first()
    wait_learning(qtbot, w, "Suggesting: en_core_web_sm")
    assert "F1 not measured yet" in w.learning.label.text()
    for _ in range(2):  # the analyst's gold: people and places
        qtbot.waitUntil(lambda: w.session.model is not None, timeout=60_000)
        for string in ("Paris", "Berlin", "Oslo", "Madrid"):
            if string in w.session.text:
                label(w, string, "Place")
        w.finish(Status.DONE)
    assert w.session.doc_id == 3
    qtbot.waitUntil(lambda: w.session.model is not None, timeout=60_000)
    label(w, "Madrid", "Person")  # doc 3 edited before the new generation
    edited = [x.key() for x in w.session.spans]
    # the second accept started generation 1 in the model's child; the window goes on
    wait_learning(qtbot, w, "training generation 1", 30_000)
    # it trains in the model's child process: no training thread in the window's
    assert not [t for t in threading.enumerate() if "train" in t.name]
    ticks: list[float] = []
    timer = QTimer()
    timer.timeout.connect(lambda: ticks.append(time.monotonic()))
    timer.start(20)
    qtbot.wait(1500)  # the GUI thread keeps turning while the generation trains
    timer.stop()
    assert len(ticks) > 10 and max(b - a for a, b in zip(ticks, ticks[1:], strict=False)) < 1.0
    wait_learning(qtbot, w, "Suggesting: generation 1", 180_000)
    assert "F1 not measured yet" in w.learning.label.text()
    # the article opened after it was ready gets its suggestions (stored apart)
    w.open_document(4)
    qtbot.waitUntil(lambda: (w.session.model or "").endswith("goldspan-loop@1"), timeout=60_000)
    # versions accepted before keep what they were shown
    first = store.annotation(1, "alice")
    assert first is not None and first.seeded_from.endswith("goldspan-loop@0")
    w.open_document(3)  # the edited version keeps its entities; generation 1 only offers
    qtbot.waitUntil(lambda: (w.session.model or "").endswith("goldspan-loop@1"), timeout=60_000)
    assert [x.key() for x in w.session.spans] == edited
    assert store.annotation(3, "alice").seeded_from.endswith("goldspan-loop@0")
    w.open_document(4)
    w.finish(Status.DONE)  # accepted while generation 1 suggested: its first figures
    wait_learning(qtbot, w, "on 1 article ⚠ too few to trust")
    assert "generation 1" in w.learning.label.text()
    assert "too few to mean much" in w.learning.label.toolTip()
    w.grab().save(str(tmp_path / "loop.png"))
    w.close()
    store.close()


@pytest.mark.slow
def test_undoing_an_accept_unlearns_it(qtbot, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    """"Airmen = GPE kept being suggested after Ctrl+Z" (issue 13) must not happen."""
    store = make_db(tmp_path / "u.db", [AIRMEN, AIRMEN_2], ["Person", "Unit"],
                    {"first_training": 99})
    w = suggesting(qtbot, store)
    assert ("Airmen", "Unit") not in shown(w)
    label(w, "Airmen", "Unit")
    w.finish(Status.DONE)
    assert w.session.doc_id == 2
    qtbot.waitUntil(lambda: ("Airmen", "Unit") in shown(w), timeout=60_000)  # learnt

    w.undo_stack.undo()  # Ctrl+Z of the accept
    assert store.annotation(1, "alice").status == Status.IN_PROGRESS
    qtbot.waitUntil(lambda: w.learning.label.toolTip().startswith("0 accepted"), timeout=60_000)
    w.open_document(2)
    qtbot.waitUntil(lambda: ("Airmen", "Unit") not in shown(w), timeout=60_000)
    assert ("Airmen", "Unit") not in {(AIRMEN_2[s.start:s.end], s.label)
                                      for s in store.latest_suggestions(2)[1]}
    w.undo_stack.redo()  # and Ctrl+Y teaches it again
    w.open_document(2)
    qtbot.waitUntil(lambda: ("Airmen", "Unit") in shown(w), timeout=60_000)
    w.close()
    store.close()


def in_modal(qtbot, act: Callable[[QDialog], None]) -> list[BaseException]:  # type: ignore[no-untyped-def]
    """Run ``act`` on the modal dialog that the next call opens with exec(). A failure
    in ``act`` closes the dialog (so exec() returns) and lands in the list returned:
    the caller asserts it is empty."""
    errors: list[BaseException] = []

    def poke() -> None:
        dialog = QApplication.activeModalWidget()
        if not isinstance(dialog, QDialog):
            QTimer.singleShot(20, poke)
            return
        try:
            act(dialog)
        except BaseException as err:  # noqa: BLE001 - handed to the test
            errors.append(err)
        if dialog.isVisible():
            dialog.reject()
    QTimer.singleShot(0, poke)
    return errors


@pytest.mark.slow
def test_the_label_map_is_learnt_from_relabels_and_overridden_in_the_dialog(qtbot, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    store = make_db(tmp_path / "m.db", [MERKEL, MADRID], ["Person", "Place"],
                    {"first_training": 99})
    w = suggesting(qtbot, store)
    # no evidence yet: GPE is not a project label and is dropped; PERSON is Person
    assert shown(w) == {("Angela Merkel", "Person")}
    label(w, "Paris", "Place")
    label(w, "Berlin", "Place")
    w.finish(Status.DONE)
    # the analyst turned the model's GPE into Place twice: Madrid arrives as Place
    qtbot.waitUntil(lambda: ("Madrid", "Place") in shown(w), timeout=60_000)
    wait_learning(qtbot, w, "Suggesting:")
    assert w.learning.learnt_map()["GPE"] == ("Place", "learnt")

    def override(dialog: QDialog) -> None:
        combo = dialog.findChild(QComboBox, "shownAs:GPE")
        assert combo.currentText() == "as learnt: Place"
        combo.setCurrentText("(drop)")
        dialog.save()

    errors = in_modal(qtbot, override)
    w.actions_by_name["labels"].trigger()  # Project → Labels…
    assert not errors, errors
    assert store.label_map() == {"GPE": None}
    w.open_document(2)
    qtbot.waitUntil(lambda: ("Madrid", "Place") not in shown(w), timeout=60_000)
    assert shown(w) == {("Angela Merkel", "Person")}
    w.close()
    store.close()


OUT = "Mark Esper met Nasser Bourita in Rabat on Tuesday.\n"


@pytest.mark.parametrize("choice", ["cancel", "anyway", "drop", "map"])
def test_accept_with_labels_outside_the_set_asks(qtbot, tmp_path: Path, choice: str) -> None:  # type: ignore[no-untyped-def]
    store = Store.open(tmp_path / "o.db")
    doc, _ = store.add_document(OUT)
    store.add_document("Another article.\n")
    store.set_labels([Label("Person", "#7c5cd6", "1"), Label("Place", "#3b8c5a", "2")])
    store.put_version(doc, "alice", "in_progress",
                      [Span(0, 10, "Person"), Span(33, 38, "GPE"), Span(42, 49, "DATE")])
    w = MainWindow(store, "alice", suggest=False)
    qtbot.addWidget(w)
    w.show()
    w.open_first(doc)
    seen: dict[str, str] = {}

    def answer(dialog: QDialog) -> None:
        seen["text"] = dialog.findChildren(QLabel)[0].text()
        if choice == "map":
            dialog.findChild(QComboBox, "mapTo:GPE").setCurrentText("Place")
            assert dialog.findChild(QComboBox, "mapTo:DATE").currentText() == "(drop)"
        dialog.grab().save(str(tmp_path / f"accept-{choice}.png"))
        qtbot.mouseClick(dialog.findChild(QPushButton, f"outOfSet:{choice}"),
                         Qt.MouseButton.LeftButton)

    errors = in_modal(qtbot, answer)
    w.finish(Status.DONE)
    assert not errors, errors
    assert "DATE (1), GPE (1)" in seen["text"]
    ann = store.annotation(doc, "alice")
    spans = {(OUT[s.start:s.end], s.label) for s in store.spans(ann.id)}
    if choice == "cancel":
        assert ann.status == Status.IN_PROGRESS and w.session.doc_id == doc
        assert spans == {("Mark Esper", "Person"), ("Rabat", "GPE"), ("Tuesday", "DATE")}
        return
    assert ann.status == Status.DONE
    expected = {
        "anyway": {("Mark Esper", "Person"), ("Rabat", "GPE"), ("Tuesday", "DATE")},
        "drop": {("Mark Esper", "Person")},
        "map": {("Mark Esper", "Person"), ("Rabat", "Place")},
    }[choice]
    assert spans == expected
    assert store.label_map() == ({"GPE": "Place"} if choice == "map" else {})
    if choice == "map":  # one Ctrl+Z takes back the accept and what it fixed
        w.undo_stack.undo()
        ann = store.annotation(doc, "alice")
        assert ann.status == Status.IN_PROGRESS
        assert {(OUT[s.start:s.end], s.label) for s in store.spans(ann.id)} == {
            ("Mark Esper", "Person"), ("Rabat", "GPE"), ("Tuesday", "DATE")}
    w.close()
    store.close()


def test_accept_in_the_set_asks_nothing(qtbot, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    store = Store.open(tmp_path / "i.db")
    doc, _ = store.add_document(OUT)
    store.set_labels([Label("Person", "#7c5cd6", "1")])
    store.put_version(doc, "alice", "in_progress", [Span(0, 10, "Person")])
    w = MainWindow(store, "alice", suggest=False)
    qtbot.addWidget(w)
    w.open_first(doc)
    w.finish(Status.DONE)
    assert store.annotation(doc, "alice").status == Status.DONE
    assert getattr(w, "out_of_set_dialog", None) is None
    w.close()
    store.close()


@pytest.mark.slow
def test_project_train_runs_goldspan_train_and_shows_its_figures(qtbot, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    texts = [MERKEL, "Tom Brown went to Oslo.\n", MADRID, "Anna Smith lives in Rome.\n"]
    store = make_db(tmp_path / "p.db", texts, ["Person", "Place"],
                    {"enabled": False, "base": "blank", "train_max_steps": 20})
    gold = {1: [Span(0, 13, "Person"), Span(22, 27, "Place"), Span(32, 38, "Place")],
            2: [Span(0, 9, "Person"), Span(18, 22, "Place")],
            3: [Span(13, 19, "Place"), Span(24, 37, "Person")],
            4: [Span(0, 10, "Person"), Span(20, 24, "Place")]}
    for doc, spans in gold.items():
        store.put_version(doc, "alice", "done", spans)
    w = MainWindow(store, "alice", suggest=False)
    qtbot.addWidget(w)
    w.show()
    w.open_first(1)
    assert "Learning: off" in w.learning.label.text()
    w.actions_by_name["train"].trigger()
    train = w.learning.train
    assert train.running and "Training" in train.label.text()
    assert w.actions_by_name["train"].text() == "Stop training"
    qtbot.waitUntil(lambda: "step" in train.label.text(), timeout=120_000)
    w.actions_by_name["train"].trigger()  # stopped: no figures, no error box
    qtbot.waitUntil(lambda: not train.running, timeout=30_000)
    assert train.box is None and "stopped" in train.label.text()
    assert not train.out.parent.exists() or not list(train.out.parent.iterdir())  # nothing left
    assert w.actions_by_name["train"].text() == "Train now…"
    w.actions_by_name["train"].trigger()  # and again, to the end
    assert train.running
    qtbot.waitUntil(lambda: not train.running, timeout=180_000)
    box = train.box
    assert isinstance(box, QMessageBox), train.label.text()
    text = box.text()
    assert "before  F1" in text and "after   F1" in text
    assert "Measured on 1 held-out article (" in text
    assert "too few to mean much" in text
    assert "held-out article" in train.label.text()
    assert box.findChild(QPushButton, "useTrained").isVisible()
    assert (Path(train.result["model"]) / "meta.json").exists()
    box.grab().save(str(tmp_path / "train.png"))
    qtbot.mouseClick(box.findChild(QPushButton, "useTrained"), Qt.MouseButton.LeftButton)
    assert w.model_name == train.result["model"]  # it suggests from now on
    w.close()
    store.close()


def test_the_labels_dialog_refuses_a_rule_onto_a_removed_label(qtbot, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    """Nothing is saved when a stored rule would point at a label removed in the same
    dialog; "as learnt" forgets a rule; a rule follows its target's rename."""
    from goldspan.gui.labels_dialog import NAME, LabelsDialog

    store = Store.open(tmp_path / "r.db")
    store.set_labels(default_labels(["Person", "Place"]))
    store.set_label_map({"GPE": "Place", "LOC": "Place", "CARDINAL": None})
    dialog = LabelsDialog(store, None, learnt={"GPE": ("Place", "set"), "ORG": (None, "learnt")})
    qtbot.addWidget(dialog)
    assert dialog.map_editor.combo("CARDINAL").currentText() == "(drop)"
    assert dialog.map_editor.combo("ORG").currentText() == "as learnt: dropped"
    dialog.table.selectRow(1)
    dialog.remove_selected()
    dialog.save()
    assert "'Place' is not in the label set being saved" in dialog.error.text()
    assert [lab.name for lab in store.labels()] == ["Person", "Place"]  # nothing saved

    dialog = LabelsDialog(store, None)
    qtbot.addWidget(dialog)
    dialog.table.item(1, NAME).setText("Location")  # rename Place
    dialog.map_editor.combo("CARDINAL").setCurrentIndex(0)  # as learnt again
    dialog.grab().save(str(tmp_path / "labels.png"))
    dialog.save()
    assert store.label_map() == {"GPE": "Location", "LOC": "Location"}


@pytest.mark.slow
def test_learning_can_be_switched_off_and_the_base_chosen(qtbot, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    from goldspan.gui.loop_worker import LoopWorker

    store = make_db(tmp_path / "s.db", [MERKEL], ["Person", "Place"], {})
    w = window(qtbot, store, suggest=True)
    assert isinstance(w.suggester.worker, LoopWorker)
    assert w.suggester.worker.config.base == "en_core_web_sm"  # the default
    w.actions_by_name["learn"].trigger()  # Project → Learn while I annotate: off
    assert store.setting("learning") == {"enabled": False}
    assert not isinstance(w.suggester.worker, LoopWorker)
    assert "Learning: off" in w.learning.label.text()
    w.actions_by_name["learn"].trigger()
    blank = next(a for a in w.findChildren(type(w.actions_by_name["learn"])) if a.data() == "blank")
    blank.trigger()
    assert store.setting("learning") == {"enabled": True, "base": "blank"}
    assert w.suggester.worker.config.base is None
    w.close()
    store.close()


@pytest.mark.parametrize("row", ['"yes"', '{"first_training": "many"}', '{"base": "en_core_web_xx"}'])
def test_a_malformed_learning_row_never_keeps_the_window_shut(qtbot, tmp_path: Path, row: str) -> None:  # type: ignore[no-untyped-def]
    import sqlite3

    path = tmp_path / "b.db"
    Store.open(path).close()
    with sqlite3.connect(path) as c:
        c.execute("INSERT INTO settings (key, value) VALUES ('learning', ?)", (row,))
    store = Store.open(path)
    w = MainWindow(store, "alice", suggest=False)
    qtbot.addWidget(w)
    assert "settings row 'learning' not used" in w.learning.label.toolTip()
    assert w.learning.settings.enabled and w.learning.settings.first_training == 3
    w.close()
    store.close()


@pytest.mark.slow
def test_at_start_the_loop_is_taught_the_gold_already_accepted(qtbot, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    store = make_db(tmp_path / "g.db", [MERKEL, MADRID], ["Person", "Place"], {"first_training": 99})
    store.put_version(1, "bob", "done", [Span(0, 13, "Person"), Span(22, 27, "Place"),
                                         Span(32, 38, "Place")])
    w = window(qtbot, store, suggest=True)
    w.open_first(2)
    qtbot.waitUntil(lambda: ("Madrid", "Place") in shown(w), timeout=60_000)  # GPE -> Place
    assert w.learning.label.toolTip().startswith("1 accepted")
    w.close()
    store.close()


def test_removing_labels_in_the_window_renumbers_the_keys_it_answers_to(qtbot, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    """Project → Labels from the window: remove labels, Renumber keys, Save; the
    window's keys are then 1..n (win1's renumbering holds with the rule table below)."""
    from goldspan.gui.labels_dialog import LabelsDialog

    store = Store.open(tmp_path / "k.db")
    store.add_document(OUT)
    store.set_labels([Label(n, "#7c5cd6", str(i + 1)) for i, n in
                      enumerate(["PERSON", "NORP", "FAC", "ORG", "GPE", "LOC"])])
    w = MainWindow(store, "alice", suggest=False)
    qtbot.addWidget(w)
    w.show()
    w.open_first()

    def remove_and_renumber(dialog: QDialog) -> None:
        assert isinstance(dialog, LabelsDialog)
        for row in (3, 2, 1):  # ORG, FAC, NORP
            dialog.table.selectRow(row)
            dialog.remove_selected()
        assert dialog.keys() == ["1", "5", "6"]
        qtbot.mouseClick(dialog.renumber_button, Qt.MouseButton.LeftButton)
        dialog.map_editor._append("LOC")  # and a rule: LOC shown as GPE
        dialog.map_editor.combo("LOC").setCurrentText("GPE")
        dialog.save()
        assert dialog.result() == QDialog.DialogCode.Accepted, dialog.error.text()

    errors = in_modal(qtbot, remove_and_renumber)
    w.actions_by_name["labels"].trigger()  # Project → Labels…
    assert not errors, errors
    assert [(lab.name, lab.hotkey) for lab in store.labels()] == [
        ("PERSON", "1"), ("GPE", "2"), ("LOC", "3")]
    assert store.label_map() == {"LOC": "GPE"}
    qtbot.waitExposed(w)
    w.activateWindow()  # shortcuts only reach the active window
    qtbot.waitUntil(lambda: QApplication.activeWindow() is w)
    start = OUT.index("Rabat")
    w.view.select_range(start, start + 5)
    w.view.setFocus()
    qtbot.keyClick(w.view, Qt.Key.Key_2)  # the renumbered key of GPE
    assert ("Rabat", "GPE") in shown(w)
    w.close()
    store.close()


@pytest.mark.slow
def test_gold_adjudicated_in_the_review_window_teaches_the_loop_at_once(qtbot, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    """Two analysts disagree on doc 1 ("Airmen" a Unit or nothing): it has no gold, and
    the loop knows nothing of "Airmen". The lead adjudicates it in Project → Review
    (from the annotation window): the loop learns the gold there and then, not at the
    next start; reopening the gold unlearns it."""
    from goldspan.gui.annotate_actions import open_review

    store = make_db(tmp_path / "r.db", [AIRMEN, AIRMEN_2], ["Person", "Unit"],
                    {"first_training": 99})
    airmen = AIRMEN.index("Airmen")
    for name, spans in (("bob", [Span(airmen, airmen + 6, "Unit")]), ("carol", [])):
        store.put_version(1, name, Status.DONE, spans)
    w = suggesting(qtbot, store, 2)
    assert ("Airmen", "Unit") not in shown(w)

    open_review(w)
    review = w.review_window
    qtbot.waitUntil(lambda: review.session is not None and review.session.doc_id == 1)
    review.take_all("bob")
    review.accept_gold()
    assert store.annotation(1, "gold").status == Status.DONE
    w.open_document(2)
    qtbot.waitUntil(lambda: ("Airmen", "Unit") in shown(w), timeout=60_000)
    review.undo_stack.undo()  # the gold reopened: nothing agreed on doc 1 any more
    assert store.annotation(1, "gold").status != Status.DONE
    qtbot.waitUntil(lambda: w.learning.label.toolTip().startswith("0 accepted"), timeout=60_000)
    w.open_document(2)
    qtbot.waitUntil(lambda: ("Airmen", "Unit") not in shown(w), timeout=60_000)
    review.close()
    w.close()
    store.close()
