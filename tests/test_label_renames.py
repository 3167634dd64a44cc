"""Renaming a label never merges it into another (found red-teaming issue 11).

``goldspan labels --rename`` refused a new name that spans or suggestions still
carry; Project -> Labels did not: after removing DATE from the set (its suggestions
keep it, by design), renaming ORG to DATE in the dialog turned every ORG span and
suggestion into DATE, for good, mixed with the model's own DATE. Both entries now
refuse it in one line; swapping two names still swaps them.
"""

from __future__ import annotations

from pathlib import Path

from goldspan.core.labels import default_labels
from goldspan.core.storage import Store
from goldspan.core.types import Span, Suggestion

TEXT = "Mark Esper met Acme officials on Monday."


def project(tmp_path: Path) -> Store:
    store = Store.open(tmp_path / "g.db")
    doc, _ = store.add_document(TEXT)
    store.set_labels(default_labels(["PERSON", "ORG"]))  # DATE was removed from the set
    store.put_version(doc, "alice", "done", [Span(0, 10, "PERSON"), Span(15, 19, "ORG")])
    store.put_suggestions(doc, "m@1", [Suggestion(15, 19, "ORG"), Suggestion(33, 39, "DATE")])
    return store


def rows(store: Store) -> tuple[list[tuple[object, ...]], list[tuple[object, ...]]]:
    return (store.conn.execute('SELECT start, "end", label FROM spans ORDER BY start').fetchall(),
            store.conn.execute('SELECT start, "end", label FROM suggestions ORDER BY start'
                               ).fetchall())


def rename_in_dialog(qtbot, store: Store, row: int, typed: str):  # type: ignore[no-untyped-def]
    from PySide6.QtCore import Qt
    from PySide6.QtWidgets import QDialogButtonBox, QLabel, QLineEdit

    from goldspan.gui.labels_dialog import LabelsDialog

    dialog = LabelsDialog(store)
    qtbot.addWidget(dialog)
    dialog.show()
    item = dialog.table.item(row, 0)
    dialog.table.setCurrentItem(item)
    dialog.table.editItem(item)
    (editor,) = [e for e in dialog.table.findChildren(QLineEdit) if e.isVisible()]
    editor.selectAll()
    qtbot.keyClicks(editor, typed)
    qtbot.keyClick(editor, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: dialog.table.item(row, 0).text() == typed)
    save = dialog.findChild(QDialogButtonBox).button(QDialogButtonBox.StandardButton.Save)
    qtbot.mouseClick(save, Qt.MouseButton.LeftButton)
    return dialog, dialog.findChild(QLabel, "labelsError").text()


def test_the_dialog_refuses_a_name_suggestions_still_carry(qtbot, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    store = project(tmp_path)
    before, labels = rows(store), store.labels()
    org = [lab.name for lab in labels].index("ORG")
    dialog, error = rename_in_dialog(qtbot, store, org, "DATE")
    assert dialog.isVisible() and dialog.result() != dialog.DialogCode.Accepted
    assert "label 'DATE' is still carried by spans or suggestions" in error
    assert "\n" not in error
    assert rows(store) == before and store.labels() == labels


def test_the_dialog_still_renames_to_a_free_name(qtbot, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    store = project(tmp_path)
    org = [lab.name for lab in store.labels()].index("ORG")
    dialog, error = rename_in_dialog(qtbot, store, org, "COMPANY")
    assert dialog.result() == dialog.DialogCode.Accepted, error
    assert rows(store) == ([(0, 10, "PERSON"), (15, 19, "COMPANY")],
                           [(15, 19, "COMPANY"), (33, 39, "DATE")])


def test_the_command_line_refuses_it_the_same_way(tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from goldspan.cli import main

    store = project(tmp_path)
    before = rows(store)
    store.close()
    if not main.app.registered_commands:
        main._register()
    res = CliRunner().invoke(main.app, ["labels", "--db", str(tmp_path / "g.db"),
                                        "--rename", "ORG", "DATE"])
    assert res.exit_code == 2 and "would merge the two" in res.stderr
    with Store.open(tmp_path / "g.db") as s:
        assert rows(s) == before
