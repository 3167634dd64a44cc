"""Settings: switching the annotator and the suggesting model without a restart."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from PySide6.QtWidgets import QApplication

from goldspan.core.types import Span
from goldspan.core.storage import Store
from goldspan.gui.main_window import MainWindow


def tiny_pipeline(folder: Path) -> Path:
    """A blank English pipeline with an (untrained) NER and a name of its own."""
    import spacy

    nlp = spacy.blank("en")
    ner = nlp.add_pipe("ner")
    ner.add_label("PERSON")
    nlp.initialize()
    nlp.meta["name"] = "tiny_test"
    nlp.meta["version"] = "0.0.1"
    nlp.to_disk(folder)
    return folder


@pytest.mark.slow
def test_switch_to_a_trained_model_without_restart(qtbot, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path / "s.db"
    store = Store.open(path)
    doc, _ = store.add_document("Mark Esper met Nasser Bourita in Rabat.")
    w = MainWindow(store, "alice", model=None, suggest=False)
    qtbot.addWidget(w)
    w.show()
    w.open_first()
    model_dir = tiny_pipeline(tmp_path / "tiny")
    w.switch_model(str(model_dir))
    qtbot.waitUntil(lambda: "tiny_test@0.0.1" in w.model_label.text(), timeout=30_000)

    def ran() -> bool:
        with sqlite3.connect(path) as c:
            return c.execute("SELECT model FROM suggestion_runs WHERE document_id = ?", (doc,)).fetchall() \
                == [("en_tiny_test@0.0.1+goldspan-loop@0",)]  # through the learning loop

    qtbot.waitUntil(ran, timeout=30_000)
    w.close()
    store.close()


def test_switch_annotator_shows_their_versions(qtbot, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    store = Store.open(tmp_path / "a.db")
    doc, _ = store.add_document("Mark Esper met Nasser Bourita in Rabat.")
    store.put_version(doc, "bob", "done", [Span(0, 10, "PERSON")])
    w = MainWindow(store, "alice", suggest=False)
    qtbot.addWidget(w)
    w.open_first()
    assert w.session.spans == []
    w.switch_annotator("bob")
    assert w.annotator_label.text() == "Annotator: bob"
    assert [s.key() for s in w.session.spans] == [(0, 10, "PERSON")]
    assert w.progress_label.text().startswith("Done 1 of 1")
    w.close()


def test_settings_dialog_refuses_bad_values(qtbot, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    from goldspan.gui import settings_dialog

    shown: list[str] = []
    monkeypatch.setattr(settings_dialog.QMessageBox, "warning", lambda *a: shown.append(a[2]))
    d = settings_dialog.SettingsDialog("alice", "en_core_web_sm")
    qtbot.addWidget(d)
    d.annotator_edit.setText("gold")
    d._accept()
    assert "reserved" in shown[-1] and d.result() == 0
    d.annotator_edit.setText("carol")
    d.model_box.setCurrentText("no_such_pipeline_xyz")
    d._accept()
    assert "not installed" in shown[-1] and d.result() == 0
    d.model_box.setCurrentText("en_core_web_sm")
    d._accept()
    assert d.result() == d.DialogCode.Accepted
    assert d.values() == ("carol", "en_core_web_sm")
    assert QApplication.instance() is not None


def test_zoom_is_remembered(qtbot, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    store = Store.open(tmp_path / "z.db")
    store.add_document("Some text.")
    w = MainWindow(store, "alice", suggest=False)
    qtbot.addWidget(w)
    size = w.view.font().pointSizeF()
    w.actions_by_name["zoom_in"].trigger()
    w.actions_by_name["zoom_in"].trigger()
    w.close()
    w2 = MainWindow(store, "alice", suggest=False)
    qtbot.addWidget(w2)
    assert w2.view.font().pointSizeF() == size + 2
    w2.actions_by_name["zoom_reset"].trigger()
    assert w2.view.font().pointSizeF() == size
    w2.close()


@pytest.mark.slow
def test_label_once_then_see_it_suggested_in_the_next_article(qtbot, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    """The phrase suggester through the GUI: an untrained model suggests nothing, so
    the PERSON on "Esper" in the second article can only come from what the analyst
    labelled and accepted in the first."""
    from goldspan.core.labels import default_labels

    path = tmp_path / "p.db"
    store = Store.open(path)
    first = "Esper arrived in Rabat on Friday.\n"
    second = "Officials in Algiers welcomed Esper warmly.\n"
    store.add_document(first)
    d2, _ = store.add_document(second)
    store.set_labels(default_labels(["PERSON", "GPE"]))
    model_dir = tiny_pipeline(tmp_path / "tiny")
    w = MainWindow(store, "alice", model=str(model_dir), suggest=True)
    qtbot.addWidget(w)
    w.show()
    qtbot.waitExposed(w)
    w.activateWindow()
    w.open_first()
    qtbot.waitUntil(lambda: "tiny_test" in w.model_label.text(), timeout=30_000)
    w.view.select_range(0, 5)
    w.label_pressed("PERSON")
    assert [s.key() for s in w.session.spans] == [(0, 5, "PERSON")]
    w.finish("done")
    assert w.session.doc_id == d2
    esper = second.index("Esper")
    qtbot.waitUntil(lambda: (esper, esper + 5, "PERSON") in [s.key() for s in w.session.spans],
                    timeout=30_000)
    assert "goldspan-loop@0" in (w.session.model or "")  # through the learning loop (issue 13)
    w.close()
    store.close()
