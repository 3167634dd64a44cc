"""The label set: defaults from the model, editing, renaming, refusing bad sets."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from goldspan.core.backups import backup_prefix, daily_backup
from goldspan.core.errors import InputError
from goldspan.core.label_edit import save_label_set
from goldspan.core.labels import HOTKEYS, default_labels
from goldspan.core.types import Label, Span
from goldspan.core.storage import Store

MODEL_LABELS = ['CARDINAL', 'DATE', 'EVENT', 'FAC', 'GPE', 'LANGUAGE', 'LAW', 'LOC', 'MONEY',
                'NORP', 'ORDINAL', 'ORG', 'PERCENT', 'PERSON', 'PRODUCT', 'QUANTITY', 'TIME',
                'WORK_OF_ART']


def test_default_labels_distinct_colours_and_hotkeys_news_first() -> None:
    labels = default_labels(MODEL_LABELS)
    assert [lab.name for lab in labels[:4]] == ["PERSON", "ORG", "GPE", "LOC"]
    assert len({lab.color for lab in labels}) == len(labels)
    assert [lab.hotkey for lab in labels] == list(HOTKEYS[: len(labels)])
    assert [lab.hotkey for lab in labels[:10]] == list("123456789q")


def test_rename_moves_spans_and_suggestions(tmp_path: Path) -> None:
    store = Store.open(tmp_path / "l.db")
    doc, _ = store.add_document("Mark Esper went to Rabat.")
    store.set_labels(default_labels(["PERSON", "GPE"]))
    store.put_version(doc, "a", "done", [Span(0, 10, "PERSON"), Span(19, 24, "GPE")])
    from goldspan.core.types import Suggestion

    store.put_suggestions(doc, "m@1", [Suggestion(0, 10, "PERSON")])
    labels = store.labels()
    renamed = [Label("PER", labels[0].color, "1"), labels[1]]
    save_label_set(store, renamed, {"PERSON": "PER"})
    assert [lab.name for lab in store.labels()] == ["PER", "GPE"]
    assert store.conn.execute("SELECT label FROM spans ORDER BY start").fetchall() == [("PER",), ("GPE",)]
    assert store.suggestions(doc, "m@1")[0].label == "PER"


@pytest.mark.parametrize(
    "labels, message",
    [
        ([Label("A", "#112233", "1"), Label("A", "#445566", "2")], "appears twice"),
        ([Label("A", "#112233", "1"), Label("B", "#445566", "1")], "hotkey '1' is used"),
        ([Label("A", "red", "1")], "not #rrggbb"),
        ([Label("A", "#112233", "ab")], "one letter or digit"),
        ([Label("", "#112233", None)], "invalid label"),
    ],
)
def test_bad_label_sets_are_refused_and_nothing_changes(tmp_path: Path, labels, message) -> None:  # type: ignore[no-untyped-def]
    store = Store.open(tmp_path / "l.db")
    store.set_labels(default_labels(["PERSON"]))
    before = store.labels()
    with pytest.raises(InputError, match=message):
        save_label_set(store, labels)
    assert store.labels() == before


def test_removing_a_label_in_use_is_refused(tmp_path: Path) -> None:
    store = Store.open(tmp_path / "l.db")
    doc, _ = store.add_document("Mark Esper")
    store.set_labels(default_labels(["PERSON", "GPE"]))
    store.put_version(doc, "a", "done", [Span(0, 10, "PERSON")])
    with pytest.raises(InputError, match="'PERSON' is on 1 span"):
        save_label_set(store, [lab for lab in store.labels() if lab.name != "PERSON"])
    assert len(store.labels()) == 2
    save_label_set(store, [lab for lab in store.labels() if lab.name != "GPE"])
    assert [lab.name for lab in store.labels()] == ["PERSON"]


def test_daily_backup_once_a_day_and_pruned(tmp_path: Path) -> None:
    store = Store.open(tmp_path / "team.db")
    store.add_document("one")
    folder = tmp_path / "backups"
    day = dt.date(2026, 11, 28)
    first = daily_backup(store, folder, keep_days=3, today=day)
    prefix = backup_prefix(tmp_path / "team.db")
    assert first is not None and first.name == f"{prefix}-2026-11-28.db"
    assert prefix.startswith("team-") and len(prefix) == len("team-") + 8
    assert daily_backup(store, folder, keep_days=3, today=day) is None  # already today
    with Store.open(first) as copy:
        assert copy.document_count() == 1
    (folder / f"{prefix}-2026-11-20.db").write_bytes(first.read_bytes())
    (folder / "other-2026-11-01.db").write_bytes(b"x")  # another database's: left alone
    (folder / "team-2026-11-01.db").write_bytes(b"x")  # the old naming: cannot tell whose
    daily_backup(store, folder, keep_days=3, today=day + dt.timedelta(days=1))
    names = sorted(p.name for p in folder.iterdir())
    assert names == sorted(["other-2026-11-01.db", f"{prefix}-2026-11-28.db",
                            f"{prefix}-2026-11-29.db", "team-2026-11-01.db"])


def test_labels_dialog_renames_and_window_follows(qtbot, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    from goldspan.gui.labels_dialog import LabelsDialog
    from goldspan.gui.main_window import MainWindow

    store = Store.open(tmp_path / "g.db")
    doc, _ = store.add_document("Mark Esper went to Rabat.")
    store.set_labels(default_labels(["PERSON", "GPE"]))
    store.put_version(doc, "alice", "in_progress", [Span(0, 10, "PERSON")])
    w = MainWindow(store, "alice", suggest=False)
    qtbot.addWidget(w)
    w.open_first()
    dialog = LabelsDialog(store, w)
    dialog.table.item(0, 0).setText("PER")
    dialog.table.item(0, 3).setText("People, by name")
    dialog.add_label()
    dialog.save()
    assert dialog.result() == dialog.DialogCode.Accepted
    w.session.reload()
    w.reload_labels()
    assert [lab.name for lab in store.labels()][:2] == ["PER", "GPE"]
    assert store.labels()[0].description == "People, by name"
    assert w.session.spans[0].label == "PER"
    assert "PER" in w.label_bar.buttons
    w.close()


def test_label_with_ampersand_shows_literally(qtbot) -> None:  # type: ignore[no-untyped-def]
    from goldspan.core.types import Label
    from goldspan.gui.parts.label_bar import LabelBar

    bar = LabelBar()
    qtbot.addWidget(bar)
    bar.set_labels([Label("R&D", "#112233", "1")])
    button = bar.buttons["R&D"]
    assert button.text() == "1  R&&D"  # Qt shows "&&" as one literal "&"
    assert "R&D" in button.toolTip()


def test_the_model_comes_from_the_user_never_from_the_database(qtbot, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    """Loading a spaCy pipeline runs code from it: a database (which may come from
    anyone, e.g. through merge) must not choose what gets loaded."""
    from goldspan.gui.app import build_window
    from goldspan.gui.settings import model_name

    store = Store.open(tmp_path / "foreign.db")
    store.add_document("Some text.")
    evil = tmp_path / "evil_pipeline"
    evil.mkdir()
    store.set_setting("model", str(evil))
    store.put_suggestions(1, str(evil), [])
    w = build_window(store, "alice", model=model_name(None), suggest=True, doc=None)
    qtbot.addWidget(w)
    assert w.model_name == "en_core_web_sm"
    assert w.suggester is not None and w.suggester.worker.suggester.model == "en_core_web_sm"
    w.close()
