"""Project → Statistics shows the same model-vs-gold figures as `goldspan stats`."""

from __future__ import annotations

from pathlib import Path

from goldspan.core.labels import default_labels
from goldspan.core.types import Span, Suggestion
from goldspan.core.model_eval import model_vs_gold
from goldspan.core.storage import Store
from goldspan.gui.main_window import MainWindow
from goldspan.gui.stats_panel import StatsDialog


def test_statistics_panel_matches_core_figures(qtbot, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    store = Store.open(tmp_path / "s.db")
    text = "Mark Esper met Nasser Bourita in Rabat on Friday."
    doc, _ = store.add_document(text)
    store.set_labels(default_labels(["PERSON", "GPE", "DATE"]))
    store.put_suggestions(doc, "m@1", [
        Suggestion(0, 10, "PERSON"),            # kept
        Suggestion(15, 29, "GPE"),              # relabelled
        Suggestion(33, 38, "GPE"),              # kept
        Suggestion(42, 48, "DATE"),             # deleted
    ])
    store.put_version(doc, "alice", "done", [Span(0, 10, "PERSON"), Span(15, 29, "PERSON"),
                                             Span(33, 38, "GPE")])
    w = MainWindow(store, "alice", suggest=False)
    qtbot.addWidget(w)
    assert "statistics" in w.actions_by_name
    dialog = StatsDialog(store, w)
    qtbot.addWidget(dialog)
    expected = model_vs_gold(store)["m@1"]
    cells = {dialog.table.item(r, 0).text(): dialog.table.item(r, 1).text()
             for r in range(dialog.table.rowCount())}
    assert cells["Precision"] == f"{expected['precision']:.3f}" == "0.500"
    assert cells["Recall"] == f"{expected['recall']:.3f}" == "0.667"
    assert cells["Suggestions kept"] == "2"
    assert cells["Suggestions relabelled"] == "1"
    assert cells["Suggestions deleted"] == "1"
    labels = {row[0]: row for row in dialog.bars.rows}
    assert set(labels) == {"PERSON", "GPE", "DATE"}
    assert labels["PERSON"][2] == 2 and labels["PERSON"][3] == 1  # 2 in gold, 1 suggested
    assert labels["DATE"][1]["f1"] == 0.0
    dialog.bars.grab()  # paints without error
    w.close()


def test_long_labels_and_a_large_font_are_never_cut(qtbot, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    """Issue 14: the chart cut "MilitaryPlatform" to "MilitaryPlatfor" (a fixed label
    column), and the figures table hid its last rows under a larger font."""
    from PySide6.QtGui import QColor, QFont, QFontMetrics

    store = Store.open(tmp_path / "s.db")
    text = "The MQ-9 Reaper and the Bayraktar TB2 flew over Rabat on Friday."
    doc, _ = store.add_document(text)
    store.set_labels(default_labels(["MilitaryPlatform", "Location"]))
    store.put_suggestions(doc, "m@1", [Suggestion(4, 15, "MilitaryPlatform"),
                                       Suggestion(48, 53, "Location")])
    store.put_version(doc, "alice", "done", [Span(4, 15, "MilitaryPlatform"),
                                             Span(24, 37, "MilitaryPlatform"), Span(48, 53, "Location")])
    dialog = StatsDialog(store)
    qtbot.addWidget(dialog)
    font = QFont(dialog.font())
    font.setPointSizeF(18)  # an analyst's larger system font
    dialog.setFont(font)
    dialog.show()
    qtbot.waitExposed(dialog)
    dialog._show_model("m@1")  # laid out again in that font

    bars = dialog.bars
    assert bars.rows[0][0] == "MilitaryPlatform"
    need = QFontMetrics(bars.font()).horizontalAdvance("MilitaryPlatform")
    img = bars.grab().toImage()
    background = QColor(img.pixel(2, 34)).lightness()
    row_top, row_bottom = 32, 32 + bars.ROW // 2
    ink = [x for x in range(14, img.width()) for y in range(row_top, row_bottom)
           if abs(QColor(img.pixel(x, y)).lightness() - background) > 90
           and x < bars.left()]
    assert max(ink) >= 18 + need - 4  # the whole word is drawn, left of the bars
    assert dialog.table.verticalScrollBar().maximum() == 0  # every figure row shows
    store.close()
