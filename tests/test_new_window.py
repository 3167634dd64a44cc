"""Issue 12: a new window is one module built from the shared parts. The toy window
below (a "spot check": one article, label keys, Delete, undo) is all the code a third
window needs: the widget-free controller from core/sessions, and from gui/parts the
work area (label bar with its keys, header, buttons) and the edit applier (undo stack,
"Saved", recovery). What it must do is what the two real windows do: a key press
saves at once, an undo takes it back out of the database, and undoing the first edit
leaves no version behind."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QMainWindow, QPushButton

from goldspan.core.edits import ChangeSet
from goldspan.core.sessions.annotate import AnnotateController
from goldspan.core.storage import Store
from goldspan.gui.article_view import ArticleView
from goldspan.gui.parts.edit_applier import EditApplier
from goldspan.gui.parts.work_area import WorkArea
from goldspan.gui.shortcuts import SHORTCUTS
from goldspan.gui.widgets import shortcut_actions

TEXT = "Mark Esper met Moroccan officials in Rabat on Friday."


class SpotCheckWindow(QMainWindow):
    """The whole of a third window."""

    def __init__(self, store: Store, annotator: str, doc: int) -> None:
        super().__init__()
        self.ctl = AnnotateController(store, annotator)
        self.view = ArticleView()
        self.area = WorkArea("spotCheck", [(self.view, 1)], [QPushButton("Done")])
        self.setCentralWidget(self.area)
        self.edits = EditApplier(self, self.ctl, self.open, self.show_change,
                                 lambda: self.open(self.ctl.session.doc_id))
        self.area.label_bar.labelClicked.connect(self.label)
        self.ctl.set_labels(store.labels())
        self.area.label_bar.set_labels(store.labels())
        shortcut_actions(self, SHORTCUTS, {  # the keys: the annotation window's table
            "delete_span": lambda: self.edits.push(self.ctl.delete_selected()),
            "undo": self.edits.stack.undo}, local_area=self.area)
        self.open(doc)

    def open(self, doc: int) -> None:
        s = self.ctl.open(doc)
        self.view.show_document(s.text, s.spans, [])
        self.area.header.show_status(s.status, s.status)

    def show_change(self, change: ChangeSet) -> None:
        s = self.ctl.session
        self.view.refresh_spans(change.removed, change.added, s.spans)
        self.area.header.show_status(s.status, s.status)

    def label(self, name: str) -> None:
        self.edits.push(self.ctl.label_key(name, self.view.selection(), False))
        self.view.clear_selection()


def test_a_third_window_is_one_module_of_shared_parts(tmp_path: Path, qtbot) -> None:  # type: ignore[no-untyped-def]
    db = tmp_path / "g.db"
    with Store.open(db) as s:
        doc, _ = s.add_document(TEXT)
        s.add_labels(["PERSON", "GPE"])
    store = Store.open(db)
    w = SpotCheckWindow(store, "alice", doc)
    qtbot.addWidget(w)
    w.show()
    qtbot.waitExposed(w)
    w.activateWindow()  # window shortcuts reach the active window only
    qtbot.waitUntil(lambda: QApplication.activeWindow() is w)
    assert [b.text() for b in w.area.label_bar.buttons.values()] == ["1  PERSON", "2  GPE"]

    w.view.select_range(0, 10)  # "Mark Esper"
    w.view.setFocus()
    qtbot.keyClick(w.view, Qt.Key.Key_1)  # the label bar's key, bound to the work area
    assert [(x.start, x.end, x.label) for x in store.spans(store.version_id(doc, "alice"))] \
        == [(0, 10, "PERSON")]
    assert w.edits.saved_label.text().startswith("✓ Saved")

    w.ctl.click(2)  # select the entity, then Delete
    qtbot.keyClick(w.view, Qt.Key.Key_Delete)
    assert store.spans(store.version_id(doc, "alice")) == []

    qtbot.keyClick(w.view, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)  # the delete
    assert len(store.spans(store.version_id(doc, "alice"))) == 1
    qtbot.keyClick(w.view, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    # the first edit: the version it created goes with it
    assert store.version_id(doc, "alice") is None
    assert w.ctl.session.status == "todo"
    store.close()
