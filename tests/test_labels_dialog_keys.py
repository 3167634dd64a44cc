"""Project → Labels after removing labels (issue 14, item 8): the keys left with a gap
(1, 2, 3, 8, 9) are pointed out, and Renumber keys closes it in the table's order."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt

from goldspan.core.labels import default_labels
from goldspan.core.storage import Store
from goldspan.core.types import Span
from goldspan.gui.labels_dialog import KEY, NAME, LabelsDialog
from goldspan.gui.main_window import MainWindow

NAMES = ["A1", "B2", "C3", "D4", "E5", "F6", "G7", "H8", "I9"]


def click_row(qtbot, dialog: LabelsDialog, row: int, mods=Qt.KeyboardModifier.NoModifier) -> None:  # type: ignore[no-untyped-def]
    rect = dialog.table.visualItemRect(dialog.table.item(row, NAME))
    qtbot.mouseClick(dialog.table.viewport(), Qt.MouseButton.LeftButton, mods, rect.center())


def test_removing_labels_offers_to_renumber_the_keys(qtbot, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    store = Store.open(tmp_path / "k.db")
    doc, _ = store.add_document("Mark Esper went to Rabat.")
    store.set_labels(default_labels(NAMES))
    store.put_version(doc, "alice", "in_progress", [Span(0, 10, "I9")])
    w = MainWindow(store, "alice", suggest=False)
    qtbot.addWidget(w)
    w.open_first()
    dialog = LabelsDialog(store, w)
    qtbot.addWidget(dialog)
    dialog.show()
    assert dialog.keys() == list("123456789")
    assert not dialog.renumber_button.isEnabled() and dialog.key_note.isHidden()

    click_row(qtbot, dialog, 3)  # D4 ... G7, as a person selects them
    for row in (4, 5, 6):
        click_row(qtbot, dialog, row, Qt.KeyboardModifier.ControlModifier)
    remove = next(b for b in dialog.findChildren(type(dialog.renumber_button)) if b.text() == "Remove")
    qtbot.mouseClick(remove, Qt.MouseButton.LeftButton)

    assert dialog.keys() == ["1", "2", "3", "8", "9"]
    assert dialog.key_note.isVisible() and "skip 4, 5, 6, 7" in dialog.key_note.text()
    assert dialog.renumber_button.isEnabled()
    qtbot.mouseClick(dialog.renumber_button, Qt.MouseButton.LeftButton)
    assert dialog.keys() == ["1", "2", "3", "4", "5"]
    assert dialog.key_note.isHidden() and not dialog.renumber_button.isEnabled()
    dialog.save()

    assert [(lab.name, lab.hotkey) for lab in store.labels()] == [
        ("A1", "1"), ("B2", "2"), ("C3", "3"), ("H8", "4"), ("I9", "5")]
    w.reload_labels()
    assert w.label_bar.buttons["I9"].text() == "5  I9"
    w.close()


def test_a_typed_key_updates_the_offer(qtbot, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    store = Store.open(tmp_path / "k.db")
    store.set_labels(default_labels(NAMES[:3]))
    dialog = LabelsDialog(store)
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.table.item(2, KEY).setText("7")  # typed by hand: 1, 2, 7
    assert "skip 3, 4, 5, 6" in dialog.key_note.text()
    dialog.table.item(2, KEY).setText("3")
    assert dialog.key_note.isHidden()
