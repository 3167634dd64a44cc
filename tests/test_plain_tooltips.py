"""Every tooltip shows its text as written. Qt reads a tooltip whose first line looks
like HTML as rich text: a label named "<b>Org</b>" (label names may hold "<") showed
as a bold "Org" on its button and in the entity list, and an article whose title
came scraped with its "<p>" lost it in the queue."""

from __future__ import annotations

from pathlib import Path

from PySide6 import QtGui
from PySide6.QtCore import QEvent, QPoint, Qt
from PySide6.QtGui import QHelpEvent, QTextDocument
from PySide6.QtWidgets import QApplication, QToolTip

from goldspan.core.storage import Store
from goldspan.core.types import Span
from goldspan.gui.app import make_app
from goldspan.gui.main_window import MainWindow

LABEL = "<b>Org</b>"
TITLE = "<p>Acme & Sons</p> buy a rival"


def shown_as(rich_or_plain: str) -> str:
    """What a person reads in the tooltip."""
    if not QtGui.Qt.mightBeRichText(rich_or_plain):
        return rich_or_plain
    doc = QTextDocument()
    doc.setHtml(rich_or_plain)
    return doc.toPlainText()


def test_tooltips_show_label_names_and_titles_as_written(qtbot, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    make_app()
    with Store.open(tmp_path / "t.db") as s:
        doc, _ = s.add_document(f"{TITLE}\n\nAcme bought it.")
        s.add_labels([LABEL])
        s.put_version(doc, "alice", "in_progress", [Span(len(TITLE) + 2, len(TITLE) + 6, LABEL)])
    store = Store.open(tmp_path / "t.db")
    w = MainWindow(store, "alice", suggest=False)
    qtbot.addWidget(w)
    w.show()
    qtbot.waitExposed(w)
    w.open_first()

    button = w.annotate_area.label_bar.buttons[LABEL]
    assert shown_as(button.toolTip()).startswith(LABEL + "  [1]\nWith text selected")
    QApplication.sendEvent(button, QHelpEvent(QEvent.Type.ToolTip, QPoint(2, 2),
                                              button.mapToGlobal(QPoint(2, 2))))
    qtbot.waitUntil(lambda: QToolTip.isVisible())
    assert shown_as(QToolTip.text()).startswith(LABEL)
    QToolTip.hideText()

    entities = w.entity_model
    tip = entities.data(entities.index(0, 0), Qt.ItemDataRole.ToolTipRole)
    assert LABEL in shown_as(tip)
    queue = w.queue_model
    tip = queue.data(queue.index(0, 1), Qt.ItemDataRole.ToolTipRole)
    assert shown_as(tip) == TITLE
    w.close()
    store.close()
