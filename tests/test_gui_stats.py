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
