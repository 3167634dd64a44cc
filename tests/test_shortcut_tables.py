"""Every shortcut of every window comes from gui/shortcuts.py (issue 12, item 2: the
review window's table lived in the window and the keyboard sheet did not list it)."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtGui import QAction, QKeySequence

from goldspan.core.storage import Store
from goldspan.core.types import Label, Span
from goldspan.gui.help_dialog import rows
from goldspan.gui.main_window import MainWindow
from goldspan.gui.review_window import ReviewWindow
from goldspan.gui.shortcuts import REVIEW_SHORTCUTS, SHORTCUTS

LABELS = [Label("PERSON", "#7c5cd6", "1"), Label("ORG", "#2f6fdf", "2")]


def keys_of(window) -> set[str]:  # type: ignore[no-untyped-def]
    """Every key sequence an action of the window (or of its children) answers to."""
    out = set()
    for act in window.findChildren(QAction):
        for seq in act.shortcuts():
            if not seq.isEmpty():
                out.add(seq.toString(QKeySequence.SequenceFormat.PortableText))
    return out


def table_keys(table) -> set[str]:  # type: ignore[no-untyped-def]
    return {QKeySequence(k).toString(QKeySequence.SequenceFormat.PortableText)
            for sc in table for k in sc.keys}


def test_every_key_of_both_windows_is_in_the_tables(qtbot, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    store = Store.open(tmp_path / "k.db")
    doc, _ = store.add_document("Mark Esper met Nasser Bourita in Rabat.")
    store.set_labels(LABELS)
    for who in ("alice", "bob"):
        store.put_version(doc, who, "done", [Span(0, 10, "PERSON")])
    labels = {lab.hotkey for lab in LABELS if lab.hotkey}
    main = MainWindow(store, "carol", suggest=False)
    qtbot.addWidget(main)
    main.open_first()
    assert keys_of(main) - labels <= table_keys(SHORTCUTS)
    review = ReviewWindow(store, "lena")
    qtbot.addWidget(review)
    review.open_first()
    assert keys_of(review) - labels <= table_keys(REVIEW_SHORTCUTS)
    assert table_keys(REVIEW_SHORTCUTS) <= keys_of(review)
    main.close()
    review.close()
    store.close()


def test_the_keyboard_sheet_lists_the_review_keys_too() -> None:
    sheet = {(keys, what) for _group, keys, what in rows(LABELS)}
    for sc in (*SHORTCUTS, *REVIEW_SHORTCUTS):
        assert (" / ".join(sc.keys), sc.help) in sheet, sc.name
