"""The review window driven as a lead would (qtbot clicks and keys): documents in order
of disagreement, adjudication from two versions into the gold, the database and the
``--gold`` export checked after each step, undo back to the untouched database."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtWidgets import QApplication

from goldspan.core.adjudication import ACCEPTED, AGREE, DISAGREE, SOME
from goldspan.core.agreement import compute_agreement, load_done_versions
from goldspan.core.labels import default_labels
from goldspan.core.types import GOLD, Span
from goldspan.core.storage import Store
from goldspan.gui.review_view import KIND_COLOR
from goldspan.gui.review_window import REVIEW_SHORTCUTS, ReviewWindow, open_review

T1 = "Mark Esper met Nasser Bourita in Rabat on Friday.\n"  # F1 alice/bob 2/3
T2 = "Angela Merkel spoke in Berlin.\n"  # full agreement
T3 = "Apple hired Tim Cook in 1998.\n"  # no agreement at all
T4 = "Only Alice finished this one about Paris.\n"  # one done version: not reviewed


def P(text: str, needle: str, label: str) -> Span:  # noqa: N802 - reads like a literal span
    start = text.index(needle)
    return Span(start, start + len(needle), label, "manual")


@pytest.fixture
def db(tmp_path: Path) -> Path:
    path = tmp_path / "team.db"
    st = Store.open(path)
    st.set_labels(default_labels(["PERSON", "ORG", "GPE", "DATE"]))
    d1, _ = st.add_document(T1)
    d2, _ = st.add_document(T2)
    d3, _ = st.add_document(T3)
    d4, _ = st.add_document(T4)
    st.put_version(d1, "alice", "done", [P(T1, "Mark Esper", "PERSON"),
                                         P(T1, "Nasser Bourita", "PERSON"), P(T1, "Rabat", "GPE")])
    st.put_version(d1, "bob", "done", [P(T1, "Mark Esper", "PERSON"),
                                       P(T1, "Nasser Bourita", "ORG"), P(T1, "Rabat", "GPE"),
                                       P(T1, "Friday", "DATE")])
    st.put_version(d2, "alice", "done", [P(T2, "Angela Merkel", "PERSON"), P(T2, "Berlin", "GPE")])
    st.put_version(d2, "bob", "done", [P(T2, "Angela Merkel", "PERSON"), P(T2, "Berlin", "GPE")])
    st.put_version(d3, "alice", "done", [P(T3, "Apple", "ORG"), P(T3, "Tim Cook", "PERSON")])
    st.put_version(d3, "bob", "done", [P(T3, "Apple", "GPE"), P(T3, "1998", "DATE")])
    st.put_version(d4, "alice", "done", [P(T4, "Paris", "GPE")])
    st.put_version(d4, "bob", "in_progress", [])
    st.close()
    return path


@pytest.fixture
def window(qtbot, db: Path):  # type: ignore[no-untyped-def]
    store = Store.open(db)
    w = ReviewWindow(store, "lena")
    qtbot.addWidget(w)
    w.resize(1500, 950)
    w.show()
    qtbot.waitExposed(w)
    w.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is w)
    w.open_first()
    yield w
    w.close()
    store.close()


def rows(db: Path, sql: str, *args: object) -> list[tuple]:
    with sqlite3.connect(db) as c:
        return c.execute(sql, args).fetchall()


def gold(db: Path, doc: int) -> list[tuple]:
    return rows(db, 'SELECT s.start, s."end", s.label, s.origin FROM spans s JOIN annotations a '
                "ON a.id = s.annotation_id WHERE a.document_id = ? AND a.annotator = 'gold' "
                "ORDER BY s.start", doc)


def gold_status(db: Path, doc: int) -> str | None:
    r = rows(db, "SELECT status FROM annotations WHERE document_id = ? AND annotator = 'gold'", doc)
    return r[0][0] if r else None


def snapshot(db: Path) -> tuple[list[tuple], list[tuple]]:
    return (rows(db, "SELECT id, document_id, annotator, status FROM annotations ORDER BY id"),
            rows(db, 'SELECT annotation_id, start, "end", label, origin FROM spans ORDER BY 1, 2'))


def click(qtbot, w: ReviewWindow, version: str, cp: int) -> None:  # type: ignore[no-untyped-def]
    view = w.views[version]
    qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=view.point_of(cp))


def drag(qtbot, w: ReviewWindow, version: str, start: int, end: int) -> None:  # type: ignore[no-untyped-def]
    view = w.views[version]
    vp = view.viewport()
    a, b = view.point_of(start), view.point_of(end) - QPoint(2, 0)
    qtbot.mousePress(vp, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, a)
    qtbot.mouseMove(vp, b)
    qtbot.mouseRelease(vp, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, b)


def key(qtbot, w: ReviewWindow, k, mod=Qt.KeyboardModifier.NoModifier) -> None:  # type: ignore[no-untyped-def]
    qtbot.keyClick(QApplication.focusWidget() or w.views[GOLD], k, mod)


def hotkey(w: ReviewWindow, label: str) -> str:
    return next(lab.hotkey for lab in w.labels if lab.name == label)


# ------------------------------------------------------------------------ tests
def test_documents_listed_by_disagreement_and_worst_opened_first(window: ReviewWindow, db: Path) -> None:
    assert [r.doc_id for r in window.doc_model.rows] == [3, 1, 2]  # F1 0, 2/3... , 1
    assert window.doc_model.data(window.doc_model.index(0, 2)) == "0.00"
    assert window.doc_model.data(window.doc_model.index(1, 2)) == "0.57"  # 2·2/(3+4)
    assert window.session.doc_id == 3
    assert window.views[GOLD].raw_text() == T3
    assert set(window.views) == {GOLD, "alice", "bob"}
    assert window.progress_label.text() == "Adjudicated 0 of 3"
    assert rows(db, "SELECT count(*) FROM annotations WHERE annotator = 'gold'") == [(0,)]


def test_adjudicate_from_two_versions_by_clicks_and_keys(qtbot, window: ReviewWindow, db: Path, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    before = snapshot(db)
    key(qtbot, window, Qt.Key.Key_Down, Qt.KeyboardModifier.AltModifier)  # next document
    assert window.session.doc_id == 1
    # the gold starts pre-merged with what both agree on; nothing written yet
    assert [s.key() for s in window.session.gold] == [(0, 10, "PERSON"), (33, 38, "GPE")]
    assert gold(db, 1) == []
    # Tab selects the first difference (alice's PERSON), Space takes it into the gold:
    # the gold version is created now, with the pre-merge and that span
    key(qtbot, window, Qt.Key.Key_Tab)
    assert window.selected is not None and window.selected[0] == "alice"
    assert window.selected[1].key() == (15, 29, "PERSON")
    key(qtbot, window, Qt.Key.Key_Space)
    assert gold(db, 1) == [(0, 10, "PERSON", "review"), (15, 29, "PERSON", "review"),
                           (33, 38, "GPE", "review")]
    assert gold_status(db, 1) == "in_progress"
    # decided there: Tab skips bob's ORG and walks to bob's Friday (only bob has it)
    key(qtbot, window, Qt.Key.Key_Tab)
    assert window.selected == ("bob", P(T1, "Friday", "DATE"))
    key(qtbot, window, Qt.Key.Key_Space)
    assert (42, 48, "DATE", "review") in gold(db, 1)
    # changing one's mind: clicking bob's ORG takes it, replacing the PERSON
    nasser = T1.index("Nasser")
    click(qtbot, window, "bob", nasser + 2)
    assert (15, 29, "ORG", "review") in gold(db, 1)
    assert (15, 29, "PERSON", "review") not in gold(db, 1)
    click(qtbot, window, "alice", nasser + 2)
    assert (15, 29, "PERSON", "review") in gold(db, 1)
    # undo, step by step, in the database too; then redo one
    key(qtbot, window, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert (15, 29, "ORG", "review") in gold(db, 1)
    key(qtbot, window, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert (15, 29, "PERSON", "review") in gold(db, 1)
    key(qtbot, window, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert (42, 48, "DATE", "review") not in gold(db, 1)
    key(qtbot, window, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier)
    assert (42, 48, "DATE", "review") in gold(db, 1)
    # Enter accepts the gold and opens the next document not adjudicated
    key(qtbot, window, Qt.Key.Key_Return)
    assert gold_status(db, 1) == "done"
    assert window.session.doc_id == 2
    assert window.doc_model.rows[1].gold == "done"
    assert window.progress_label.text() == "Adjudicated 1 of 3"
    expected = [(0, 10, "PERSON", "review"), (15, 29, "PERSON", "review"),
                (33, 38, "GPE", "review"), (42, 48, "DATE", "review")]
    assert gold(db, 1) == expected

    # it is what `goldspan export --gold` writes
    from typer.testing import CliRunner

    from goldspan.cli import main

    if not main.app.registered_commands:
        main._register()
    out = tmp_path / "gold.jsonl"
    result = CliRunner().invoke(main.app, ["export", "--db", str(db), "--gold", "--format", "prodigy",
                                      "--out", str(out)])
    assert result.exit_code == 0, result.output
    (record,) = [json.loads(line) for line in out.read_text().splitlines()]
    assert record["text"] == T1
    assert [(s["start"], s["end"], s["label"]) for s in record["spans"]] == [e[:3] for e in expected]

    # undo everything: the database is exactly as before the review
    while window.undo_stack.canUndo():
        key(qtbot, window, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert window.session.doc_id == 1  # undo went back to the document it changes
    assert snapshot(db) == before


def test_gold_is_edited_like_the_annotation_view(qtbot, window: ReviewWindow, db: Path) -> None:  # type: ignore[no-untyped-def]
    assert window.session.doc_id == 3
    # select "Tim Cook" in the gold (partly: it snaps to whole tokens), press PERSON's key
    tim = T3.index("Tim")
    window.views[GOLD].setFocus()
    drag(qtbot, window, GOLD, tim + 1, tim + 6)
    key(qtbot, window, hotkey(window, "PERSON"))
    assert gold(db, 3) == [(tim, tim + 8, "PERSON", "review")]
    # click it, relabel it with a key, then Delete
    click(qtbot, window, GOLD, tim + 2)
    assert window.selected == (GOLD, Span(tim, tim + 8, "PERSON", "review"))
    key(qtbot, window, hotkey(window, "ORG"))
    assert gold(db, 3) == [(tim, tim + 8, "ORG", "review")]
    # its edges move by whole tokens, as in the annotation view
    key(qtbot, window, Qt.Key.Key_Left, Qt.KeyboardModifier.ControlModifier)
    hired = T3.index("hired")
    assert gold(db, 3) == [(hired, tim + 8, "ORG", "review")]
    key(qtbot, window, Qt.Key.Key_Right, Qt.KeyboardModifier.ShiftModifier)
    assert gold(db, 3) == [(hired, T3.index(" 1998"), "ORG", "review")]
    key(qtbot, window, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    key(qtbot, window, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert gold(db, 3) == [(tim, tim + 8, "ORG", "review")]
    click(qtbot, window, GOLD, tim + 2)
    key(qtbot, window, Qt.Key.Key_Delete)
    assert gold(db, 3) == []
    # an annotator's entity taken with another label: select it, press a label key
    key(qtbot, window, Qt.Key.Key_Tab)
    assert window.selected[1].key() == (0, 5, "ORG")
    key(qtbot, window, hotkey(window, "PERSON"))
    assert gold(db, 3) == [(0, 5, "PERSON", "review")]


def test_class_bars_legend_and_tooltips(window: ReviewWindow) -> None:
    window.step_document(1)  # document 1
    marks = {(a, b): k for a, b, k in window.views["alice"].marks()}
    assert marks == {(0, 10): ACCEPTED, (15, 29): DISAGREE, (33, 38): ACCEPTED}
    assert {(a, b): k for a, b, k in window.views["bob"].marks()}[(42, 48)] == SOME
    assert window.views[GOLD].marks() == []
    counts = {k: lab.text() for k, lab in window.legend.items.items()}
    assert counts[DISAGREE].endswith(" 2") and counts[SOME].endswith(" 1")
    assert counts[ACCEPTED].endswith(" 2") and counts[AGREE].endswith(" 0")
    assert len(set(KIND_COLOR.values())) == 4
    tip = window.ctl.tooltip("alice", 16)
    assert "Disagree" in tip and "bob: ORG “Nasser Bourita”" in tip
    assert "F1 vs bob 0.57" in window.headers["alice"].text()
    # deleting an agreed entity from the gold turns its bars blue (all agree)
    window.push(window.session.delete(window.session.gold_at(0)))
    marks = {(a, b): k for a, b, k in window.views["alice"].marks()}
    assert marks[(0, 10)] == AGREE


def test_dashboard_shows_the_agreement_figures(qtbot, window: ReviewWindow, db: Path) -> None:  # type: ignore[no-untyped-def]
    # computed on a worker thread (it tokenises every shared document)
    qtbot.waitUntil(lambda: window.dashboard.result is not None, timeout=30_000)
    store = Store.open(db)
    result = compute_agreement(load_done_versions(store))
    store.close()
    d = window.dashboard
    pair = result.pair("alice", "bob")
    assert d.pairs.item(0, 1).text() == f"{pair.f1_exact:.2f}"
    assert d.pairs.item(0, 1).background().color().isValid()
    labels = [d.labels.verticalHeaderItem(r).text() for r in range(d.labels.rowCount())]
    assert labels == ["DATE", "GPE", "ORG", "PERSON"]
    gpe = d.labels.item(labels.index("GPE"), 0).text()
    assert gpe == f"{pair.labels['GPE'].f1_exact:.2f}"
    rows_ = [d.confusion.verticalHeaderItem(r).text() for r in range(d.confusion.rowCount())]
    cols = [d.confusion.horizontalHeaderItem(c).text() for c in range(d.confusion.columnCount())]
    org_gpe = d.confusion.item(rows_.index("ORG"), cols.index("GPE"))
    assert org_gpe.text() == str(pair.confusion[("ORG", "GPE")]) == "1"  # Apple
    assert org_gpe.background().color().red() > org_gpe.background().color().green()
    diag = d.confusion.item(rows_.index("GPE"), cols.index("GPE"))
    assert diag.background().color().green() > diag.background().color().red()
    assert "alice" in d.summary.text() and "α" in d.summary.text()


def test_every_shortcut_is_in_its_tooltip(window: ReviewWindow) -> None:
    for sc in REVIEW_SHORTCUTS:
        tip = window.actions_by_name[sc.name].toolTip()
        assert all(k in tip for k in sc.keys), (sc.name, tip)
    assert "Return" in window.accept_button.toolTip()
    assert "Alt+Down" in window.next_button.toolTip()
    assert "Alt+Up" in window.prev_button.toolTip()


def test_document_model_passes_qtmodeltester(qtmodeltester, window: ReviewWindow) -> None:  # type: ignore[no-untyped-def]
    qtmodeltester.check(window.doc_model)


def test_open_review_with_a_parent_and_the_cli_command(qtbot, db: Path) -> None:  # type: ignore[no-untyped-def]
    from PySide6.QtWidgets import QMainWindow
    from typer.testing import CliRunner

    parent = QMainWindow()
    qtbot.addWidget(parent)
    store = Store.open(db)
    w = open_review(parent, store, "lena")
    assert w.isVisible() and w.isWindow() and w.parent() is parent
    assert w.session.doc_id == 3 and "lena" in w.windowTitle()
    w.close()
    store.close()
    r = CliRunner().invoke(review_cli(), ["review", "--help"])
    assert r.exit_code == 0 and "--lead" in r.output
    r = CliRunner().invoke(review_cli(), ["review", "--db", str(db), "--annotators", "alice,zed"])
    assert r.exit_code != 0 and "zed" in r.output
    r = CliRunner().invoke(review_cli(), ["review", "--db", str(db.with_name("none.db"))])
    assert r.exit_code != 0 and not db.with_name("none.db").exists()


def review_cli():  # type: ignore[no-untyped-def]
    import typer

    from goldspan.cli import review

    app = typer.Typer()
    review.register(app)

    @app.callback()
    def _root() -> None:  # keeps "review" a sub-command
        pass

    return app


def test_review_is_a_registered_command() -> None:
    from goldspan.cli.main import COMMAND_MODULES

    assert "review" in COMMAND_MODULES


def test_versions_scroll_together(qtbot, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    text = "".join(f"Paragraph {i} mentions Berlin and Angela Merkel.\n\n" for i in range(200))
    store = Store.open(tmp_path / "long.db")
    store.set_labels(default_labels(["PERSON", "GPE"]))
    doc, _ = store.add_document(text)
    last = text.rindex("Angela Merkel")
    store.put_version(doc, "alice", "done", [P(text, "Berlin", "GPE"), Span(last, last + 13, "PERSON")])
    store.put_version(doc, "bob", "done", [P(text, "Berlin", "GPE")])
    w = ReviewWindow(store, "lena")
    qtbot.addWidget(w)
    w.resize(1400, 900)
    w.show()
    qtbot.waitExposed(w)
    w.open_first()
    # Tab goes to the only difference, at the end: every version shows it
    w.step_item(1)
    assert w.selected == ("alice", Span(last, last + 13, "PERSON", "manual"))
    for view in w.views.values():
        top = view.map.from_qt(view.top_position())
        assert top <= last, view.version
        assert view.viewport().rect().contains(view.point_of(last)), view.version
    # scrolling one version scrolls the others to the same text
    w.views["bob"].verticalScrollBar().setValue(40)
    tops = {name: v.top_position() for name, v in w.views.items()}
    para = {name: text[: t].count("Paragraph") for name, t in tops.items()}
    assert len(set(para.values())) == 1, para
    w.close()
    store.close()


def test_empty_database_and_refresh_after_new_versions(qtbot, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    store = Store.open(tmp_path / "empty.db")
    doc, _ = store.add_document(T2)
    store.put_version(doc, "alice", "done", [P(T2, "Berlin", "GPE")])
    w = ReviewWindow(store, "lena")
    qtbot.addWidget(w)
    w.open_first()
    assert w.session is None and "nothing to review" in w.title_label.text()
    w.accept_gold()  # nothing open: nothing happens
    w.step_item(1)
    assert w.doc_model.rowCount() == 0
    # bob finishes the document elsewhere; F5 brings it in
    store.put_version(doc, "bob", "done", [P(T2, "Berlin", "LOC")])
    w.actions_by_name["refresh"].trigger()
    assert [r.doc_id for r in w.doc_model.rows] == [doc]
    w.open_first()
    assert w.session.doc_id == doc and set(w.views) == {GOLD, "alice", "bob"}
    w.close()
    store.close()


def test_cli_review_opens_the_window(qtbot, db: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    from typer.testing import CliRunner

    seen: list[tuple[str, int | None]] = []

    def fake_exec(self) -> int:  # type: ignore[no-untyped-def]
        # Stands in for the command's event loop: a real app.exec() ended by
        # app.quit() leaves Qt's quit flag set and breaks every later test's loop.
        for w in QApplication.topLevelWidgets():
            if isinstance(w, ReviewWindow) and w.isVisible():
                seen.append((w.windowTitle(), w.session.doc_id if w.session else None))
                w.close()
        return 0

    monkeypatch.setattr(QApplication, "exec", fake_exec)
    r = CliRunner().invoke(review_cli(), ["review", "--db", str(db), "--lead", "lena"])
    assert r.exit_code == 0, r.output
    assert len(seen) == 1, seen
    title, doc = seen[0]
    assert "lena" in title and doc == 3


def test_every_row_of_the_dashboard_tables_is_in_view(qtbot, window: ReviewWindow) -> None:  # type: ignore[no-untyped-def]
    """A table wider than the panel scrolls sideways; its bar must not hide the last row
    (the confusion table's "missed" row was under it until the panel was resized)."""
    window.resize(1000, 700)  # a narrow dashboard: the confusion table scrolls sideways
    qtbot.waitUntil(lambda: window.dashboard.result is not None, timeout=30_000)
    d = window.dashboard
    d.set_result(d.result)  # figures arriving while the panel is narrow (F5, or late)
    QApplication.processEvents()
    for t in (d.pairs, d.labels, d.confusion):
        last = t.model().index(t.rowCount() - 1, 0)
        assert t.visualRect(last).bottom() <= t.viewport().height(), t.objectName()
    wide = d.confusion.horizontalHeader().length() > d.confusion.viewport().width()
    assert wide  # (the case this test is about)


def test_versions_done_meanwhile_are_announced_and_f5_brings_them(qtbot, window: ReviewWindow, db: Path) -> None:  # type: ignore[no-untyped-def]
    assert [r.doc_id for r in window.doc_model.rows] == [3, 1, 2]
    other = Store.open(db)  # an annotator's window, another process in real life
    try:
        # bob works on article 4 without finishing it: nothing to announce
        other.put_version(4, "bob", "in_progress", [P(T4, "Paris", "GPE")])
        assert window.check_for_new_versions() is False
        # the lead's own work is no news either
        window.take_all("alice")
        assert window.check_for_new_versions() is False
        # bob marks it done: the window says so, without reloading under the lead's hands
        other.put_version(4, "bob", "done", [P(T4, "Paris", "GPE")])
        assert window.check_for_new_versions() is True
        assert window.news_button.isVisible()
        assert 4 not in [r.doc_id for r in window.doc_model.rows]
        qtbot.mouseClick(window.news_button, Qt.MouseButton.LeftButton)
        assert 4 in [r.doc_id for r in window.doc_model.rows]
        assert not window.news_button.isVisible()
        # the timer does the looking by itself
        other.put_version(2, "bob", "done", [P(T2, "Angela Merkel", "PERSON")])
        window.news_timer.setInterval(20)
        qtbot.waitUntil(window.news_button.isVisible, timeout=5_000)
    finally:
        other.close()
