"""A label that looks like another label without being it (found red-teaming issue
11, family "names"): ``ОRG`` with a Cyrillic О beside ``ORG``, ``ＯＲＧ`` in fullwidth.

Every entry took one as a new label: the label bar then showed two identical
buttons, the spans of one class were split between them, and every export carried
two classes that read the same. It is refused at every entry that adds a label
(import of every format, merge, Project -> Labels, labels --rename), with the
character and where; a label in another script that looks like no other (``ОРГ``)
is a label like any other.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from goldspan.core.labels import default_labels
from goldspan.core.storage import Store
from goldspan.core.types import Span

TEXT = "Acme Corp hired Mark Esper in Rabat."
CYRILLIC_ORG = "\u041eRG"


def run(*args: object):  # type: ignore[no-untyped-def]
    from goldspan.cli import main

    if not main.app.registered_commands:
        main._register()
    return CliRunner().invoke(main.app, [str(a) for a in args])


def project(tmp_path: Path, name: str = "t.db") -> Path:
    db = tmp_path / name
    with Store.open(db) as s:
        s.add_document(TEXT)
        s.set_labels(default_labels(["ORG", "PERSON"]))
        s.put_version(1, "alice", "done", [Span(0, 9, "ORG")])
    return db


def files(tmp_path: Path, label: str) -> dict[str, Path]:
    out = {}
    out["prodigy"] = tmp_path / "p.jsonl"
    out["prodigy"].write_text(json.dumps({"text": "Globex rose.", "answer": "accept", "spans": [
        {"start": 0, "end": 6, "label": label}]}) + "\n")
    out["conll"] = tmp_path / "c.conll"
    out["conll"].write_text(f"Globex\tB-{label}\nrose\tO\n")
    out["doccano"] = tmp_path / "d.jsonl"
    out["doccano"].write_text(json.dumps({"text": "Globex rose.", "label": [[0, 6, label]]}) + "\n")
    return out


@pytest.mark.parametrize("label", [CYRILLIC_ORG, "\uff2f\uff32\uff27", "\u039fRG"])
def test_every_import_refuses_a_label_that_looks_like_one_of_the_set(label: str,
                                                                    tmp_path: Path) -> None:
    db = project(tmp_path)
    before = db.read_bytes()
    for fmt, src in files(tmp_path, label).items():
        res = run("import", src, "--db", db)
        assert res.exit_code == 2, (fmt, res.output)
        err = res.stderr.strip()
        assert len(err.splitlines()) == 1 and "looks like the label 'ORG'" in err, err
        assert "line " in err, err
    assert db.read_bytes() == before


def test_two_lookalikes_in_one_file_are_refused_too(tmp_path: Path) -> None:
    src = tmp_path / "p.jsonl"
    src.write_text("".join(json.dumps({"text": t, "answer": "accept", "spans": [
        {"start": 0, "end": 4, "label": lab}]}) + "\n"
        for t, lab in (("Acme rose.", "CITY"), ("Rome fell.", "\u0421ITY"))))
    res = run("import", src, "--db", tmp_path / "new.db")
    assert res.exit_code == 2 and "line 2" in res.stderr and "looks like the label 'CITY'" \
        in res.stderr, res.output


def test_a_label_in_another_script_that_looks_like_no_other_is_a_label(tmp_path: Path) -> None:
    db = project(tmp_path)
    res = run("import", files(tmp_path, "\u041e\u0420\u0413")["prodigy"], "--db", db)
    assert res.exit_code == 0, res.output
    assert "1 new labels" in res.stdout


def test_merge_refuses_a_source_whose_spans_carry_a_lookalike(tmp_path: Path) -> None:
    team = project(tmp_path)
    laptop = tmp_path / "laptop.db"
    with Store.open(laptop) as s:
        s.add_document("Globex rose.")
        s.add_labels([CYRILLIC_ORG])
        s.put_version(1, "bob", "done", [Span(0, 6, CYRILLIC_ORG)])
    before = team.read_bytes()
    res = run("merge", laptop, "--db", team)
    assert res.exit_code == 2 and "looks like the label 'ORG'" in res.stderr, res.output
    assert team.read_bytes() == before


def test_rename_and_the_label_dialog_refuse_a_lookalike(qtbot, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    db = project(tmp_path)
    res = run("labels", "--db", db, "--rename", "PERSON", "\u041eRG")
    assert res.exit_code == 2 and "looks like the label 'ORG'" in res.stderr, res.output

    from PySide6.QtCore import Qt
    from PySide6.QtWidgets import QApplication, QDialogButtonBox, QLabel, QLineEdit

    from goldspan.gui.labels_dialog import LabelsDialog

    store = Store.open(db)
    before = store.labels()
    dialog = LabelsDialog(store)
    qtbot.addWidget(dialog)
    dialog.show()
    row = [lab.name for lab in before].index("PERSON")
    item = dialog.table.item(row, 0)
    dialog.table.setCurrentItem(item)
    dialog.table.editItem(item)
    (editor,) = [e for e in dialog.table.findChildren(QLineEdit) if e.isVisible()]
    editor.selectAll()
    QApplication.clipboard().setText(CYRILLIC_ORG)  # pasted: it cannot be typed here
    qtbot.keyClick(editor, Qt.Key.Key_V, Qt.KeyboardModifier.ControlModifier)
    qtbot.keyClick(editor, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: dialog.table.item(row, 0).text() == CYRILLIC_ORG)
    qtbot.mouseClick(dialog.findChild(QDialogButtonBox).button(
        QDialogButtonBox.StandardButton.Save), Qt.MouseButton.LeftButton)
    assert dialog.result() != dialog.DialogCode.Accepted
    assert "looks like the label 'ORG'" in dialog.findChild(QLabel, "labelsError").text()
    assert store.labels() == before
    store.close()
