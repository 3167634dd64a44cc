"""The annotation window driven as a person would (qtbot clicks and keys), with the
database checked after each step."""

from __future__ import annotations

import shutil
import sqlite3
from pathlib import Path

import pytest
from PySide6.QtCore import QPoint, Qt, QThread
from PySide6.QtWidgets import QApplication

from goldspan.core.types import Suggestion
from goldspan.core.seeds import seed_texts
from goldspan.core.storage import Store
from goldspan.core.suggest import SpacySuggester, suggest_documents
from goldspan.gui.main_window import MainWindow

SECOND = "Second article.\n\nPresident Joe Biden met Angela Merkel in Berlin on Monday.\n"
ANNOTATOR = "alice"


@pytest.fixture(scope="session")
def template_db(tmp_path_factory) -> Path:  # type: ignore[no-untyped-def]
    """Seed article + a second one, with the real model's suggestions (computed once)."""
    path = tmp_path_factory.mktemp("template") / "template.db"
    store = Store.open(path)
    for name, text in seed_texts():
        store.add_document(text, source=name)
    store.add_document(SECOND)
    suggest_documents(store, SpacySuggester())
    store.close()
    return path


@pytest.fixture
def db(template_db: Path, tmp_path: Path) -> Path:
    target = tmp_path / "work.db"
    shutil.copy(template_db, target)
    return target


@pytest.fixture
def window(qtbot, db: Path):  # type: ignore[no-untyped-def]
    store = Store.open(db)
    w = MainWindow(store, ANNOTATOR, suggest=False)
    qtbot.addWidget(w)
    w.resize(1400, 860)
    show(qtbot, w)
    w.open_first()
    yield w
    w.close()
    store.close()


def show(qtbot, w: MainWindow) -> None:  # type: ignore[no-untyped-def]
    """Show and activate: window shortcuts only reach the active window."""
    w.show()
    qtbot.waitExposed(w)
    w.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is w)


def rows(db: Path, sql: str, *args: object) -> list[tuple]:
    with sqlite3.connect(db) as c:
        return c.execute(sql, args).fetchall()


def gold_spans(db: Path, doc_id: int = 1, annotator: str = ANNOTATOR) -> list[tuple]:
    return rows(
        db,
        'SELECT s.start, s."end", s.label, s.origin FROM spans s JOIN annotations a '
        "ON a.id = s.annotation_id WHERE a.document_id = ? AND a.annotator = ? ORDER BY s.start",
        doc_id, annotator,
    )


def status(db: Path, doc_id: int = 1) -> str | None:
    r = rows(db, "SELECT status FROM annotations WHERE document_id = ? AND annotator = ?", doc_id, ANNOTATOR)
    return r[0][0] if r else None


def drag(qtbot, window: MainWindow, start: int, end: int, modifier=Qt.KeyboardModifier.NoModifier) -> None:  # type: ignore[no-untyped-def]
    """Press at the left edge of the character at ``start``, release at the left edge
    of the one at ``end``: the selection is exactly [start, end)."""
    view = window.view
    vp = view.viewport()
    a = view.point_of(start)
    b = view.point_of(end) - QPoint(2, 0)
    qtbot.mousePress(vp, Qt.MouseButton.LeftButton, modifier, a)
    qtbot.mouseMove(vp, b)
    qtbot.mouseRelease(vp, Qt.MouseButton.LeftButton, modifier, b)


def click(qtbot, window: MainWindow, cp: int) -> None:  # type: ignore[no-untyped-def]
    qtbot.mouseClick(window.view.viewport(), Qt.MouseButton.LeftButton, pos=window.view.point_of(cp))


def key(qtbot, window: MainWindow, k, modifier=Qt.KeyboardModifier.NoModifier) -> None:  # type: ignore[no-untyped-def]
    qtbot.keyClick(window.view, k, modifier)


def label_key(window: MainWindow, name: str) -> str:
    return next(lab.hotkey for lab in window.labels if lab.name == name)


# ------------------------------------------------------------------------- tests
def test_opens_on_first_article_with_suggestions_and_writes_nothing(window: MainWindow, db: Path) -> None:
    text = window.session.text
    assert window.view.raw_text() == text
    assert "goldspan" in window.windowTitle()
    assert window.view.highlighter.span_count == len(window.session.spans) > 20
    assert any((s.start, s.end, s.label) == (383, 393, "PERSON") for s in window.session.spans)
    assert rows(db, "SELECT count(*) FROM annotations") == [(0,)]
    assert QApplication.focusWidget() is window.view
    assert window.progress_label.text().startswith("Done 0 of 2")


def test_select_label_relabel_delete_undo_accept_next(qtbot, window: MainWindow, db: Path) -> None:  # type: ignore[no-untyped-def]
    text = window.session.text
    org, person = label_key(window, "ORG"), label_key(window, "PERSON")

    # click the model's span, relabel it with a key
    click(qtbot, window, 385)
    assert window.selected is not None and window.selected.start == 383
    key(qtbot, window, org)
    assert (383, 393, "ORG", "manual") in gold_spans(db)
    assert status(db) == "in_progress"
    model_spans = [s for s in gold_spans(db) if s[3] == "model"]
    assert len(model_spans) == len(window.session.spans) - 1  # the copy of the suggestions

    # delete it
    key(qtbot, window, Qt.Key.Key_Delete)
    assert not [s for s in gold_spans(db) if s[0] == 383]

    # drag-select "Mark Esper" (partly) and label it: snaps to whole tokens
    drag(qtbot, window, 384, 391)
    key(qtbot, window, person)
    assert (383, 393, "PERSON", "manual") in gold_spans(db)

    # undo writes to the database too; redo brings it back
    key(qtbot, window, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert not [s for s in gold_spans(db) if s[0] == 383]
    key(qtbot, window, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier)
    assert (383, 393, "PERSON", "manual") in gold_spans(db)

    # move the start one token left: "Secretary Mark Esper"
    click(qtbot, window, 386)
    key(qtbot, window, Qt.Key.Key_Left, Qt.KeyboardModifier.ControlModifier)
    secretary = text.index("Secretary Mark Esper")
    assert (secretary, 393, "PERSON", "manual") in gold_spans(db)
    key(qtbot, window, Qt.Key.Key_Right, Qt.KeyboardModifier.ControlModifier)
    key(qtbot, window, Qt.Key.Key_Right, Qt.KeyboardModifier.ShiftModifier)  # end + "held"
    assert (383, text.index(" meetings"), "PERSON", "manual") in gold_spans(db)
    key(qtbot, window, Qt.Key.Key_Left, Qt.KeyboardModifier.ShiftModifier)
    assert (383, 393, "PERSON", "manual") in gold_spans(db)

    # Enter accepts and opens the next article not done, with the keyboard in the article
    key(qtbot, window, Qt.Key.Key_Return)
    assert status(db, 1) == "done"
    assert window.session.doc_id == 2
    assert QApplication.focusWidget() is window.view
    assert window.progress_label.text().startswith("Done 1 of 2")

    # undoing the accept goes back to the article and un-accepts it in the database
    key(qtbot, window, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert window.session.doc_id == 1
    assert status(db, 1) == "in_progress"


def test_new_span_replaces_the_spans_it_overlaps(qtbot, window: MainWindow, db: Path) -> None:  # type: ignore[no-untyped-def]
    text = window.session.text
    start = text.index("US Defence Secretary Mark Esper")
    drag(qtbot, window, start, 393)
    key(qtbot, window, label_key(window, "PERSON"))
    inside = [s for s in gold_spans(db) if start <= s[0] < 393]
    assert inside == [(start, 393, "PERSON", "manual")]


def test_active_label_then_select(qtbot, window: MainWindow, db: Path) -> None:  # type: ignore[no-untyped-def]
    text = window.session.text
    key(qtbot, window, label_key(window, "ORG"))  # nothing selected: becomes the active label
    assert window.active_label == "ORG"
    assert window.label_bar.buttons["ORG"].isChecked()
    start = text.index("Army Chief")
    drag(qtbot, window, start, start + 10)
    assert (start, start + 10, "ORG", "manual") in gold_spans(db)
    key(qtbot, window, Qt.Key.Key_Escape)
    assert window.active_label is None


def test_alt_drag_keeps_exact_characters(qtbot, window: MainWindow, db: Path) -> None:  # type: ignore[no-untyped-def]
    text = window.session.text
    start = text.index("Moroccan capital")
    drag(qtbot, window, start + 1, start + 6, Qt.KeyboardModifier.AltModifier)
    key(qtbot, window, label_key(window, "NORP"))
    assert (start + 1, start + 6, "NORP", "manual") in gold_spans(db)


def test_tab_moves_between_spans(qtbot, window: MainWindow) -> None:  # type: ignore[no-untyped-def]
    spans = window.session.spans
    key(qtbot, window, Qt.Key.Key_Tab)
    assert window.selected == spans[0]
    key(qtbot, window, Qt.Key.Key_Tab)
    assert window.selected == spans[1]
    key(qtbot, window, Qt.Key.Key_Backtab, Qt.KeyboardModifier.ShiftModifier)
    assert window.selected == spans[0]
    assert QApplication.focusWidget() is window.view


def test_skip_and_reject_keys(qtbot, window: MainWindow, db: Path) -> None:  # type: ignore[no-untyped-def]
    key(qtbot, window, Qt.Key.Key_Space)
    assert status(db, 1) == "skipped"
    assert window.session.doc_id == 2
    key(qtbot, window, Qt.Key.Key_R, Qt.KeyboardModifier.ControlModifier)
    assert rows(db, "SELECT status FROM annotations WHERE document_id = 2") == [("rejected",)]


def test_emoji_and_flag_before_entity_keep_code_point_offsets(qtbot, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    text = "👍🇲🇦 Café e\u0301 — Mark Esper met Nasser Bourita in Rabat.\n"
    path = tmp_path / "emoji.db"
    store = Store.open(path)
    doc, _ = store.add_document(text)
    start = text.index("Nasser")
    store.put_suggestions(doc, "test@1", [Suggestion(start, start + 14, "PERSON")])
    from goldspan.core.labels import default_labels

    store.set_labels(default_labels(["PERSON", "GPE"]))
    w = MainWindow(store, ANNOTATOR, suggest=False)
    qtbot.addWidget(w)
    show(qtbot, w)
    w.open_document(doc)
    # the highlight covers exactly "Nasser Bourita" in UTF-16 terms
    (qs,) = w.view.highlighter.spans_between(0, 10_000)
    utf16 = w.view.raw_text().encode("utf-16-le")
    assert utf16[2 * qs.start:2 * qs.end].decode("utf-16-le") == "Nasser Bourita"
    assert qs.start == start + 3  # the thumbs-up and the two regional indicators
    mark = text.index("Mark")
    drag(qtbot, w, mark, mark + 10)
    key(qtbot, w, "1")
    assert (mark, mark + 10, "PERSON", "manual") in gold_spans(path, doc)
    assert text[mark:mark + 10] == "Mark Esper"
    w.close()
    store.close()


def test_hostile_text_is_shown_literally(qtbot, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    text = "<b>bold</b> <img src=x onerror=alert(1)> &amp; done\n<i>second</i>"
    store = Store.open(tmp_path / "h.db")
    doc, _ = store.add_document(text)
    w = MainWindow(store, ANNOTATOR, suggest=False)
    qtbot.addWidget(w)
    w.open_document(doc)
    assert w.view.raw_text() == text
    assert w.title_label.text() == "<b>bold</b> <img src=x onerror=alert(1)> &amp; done"
    assert w.title_label.textFormat() == Qt.TextFormat.PlainText
    w.close()
    store.close()


def test_suggestions_after_editing_are_offered_not_applied(qtbot, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    text = "Mark Esper met Nasser Bourita in Rabat on Friday.\n"
    path = tmp_path / "late.db"
    store = Store.open(path)
    doc, _ = store.add_document(text)
    from goldspan.core.labels import default_labels

    store.set_labels(default_labels(["PERSON", "GPE"]))
    w = MainWindow(store, ANNOTATOR, suggest=False)
    qtbot.addWidget(w)
    show(qtbot, w)
    w.open_document(doc)
    drag(qtbot, w, 0, 10)
    key(qtbot, w, "2")  # GPE, on purpose "wrong"
    assert gold_spans(path, doc) == [(0, 10, "GPE", "manual")]
    # the model's answer arrives afterwards (as from the worker thread)
    rabat = text.index("Rabat")
    store.put_suggestions(doc, "late@1", [Suggestion(0, 10, "PERSON"), Suggestion(rabat, rabat + 5, "GPE")])
    w._suggested(doc, "late@1")
    assert gold_spans(path, doc) == [(0, 10, "GPE", "manual")]  # human work kept
    offered = [w.entity_model.item(r) for r in range(w.entity_model.n_spans, w.entity_model.rowCount())]
    assert {(s.start, s.end, s.label) for s in offered} == {(0, 10, "PERSON"), (rabat, rabat + 5, "GPE")}
    assert w.entity_model.data(w.entity_model.index(w.entity_model.n_spans, 2)) == "offered"
    click(qtbot, w, rabat + 1)  # clicking an offered suggestion accepts it
    assert (rabat, rabat + 5, "GPE", "model") in gold_spans(path, doc)
    key(qtbot, w, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert gold_spans(path, doc) == [(0, 10, "GPE", "manual")]
    # Shift+Enter accepts every offered suggestion that overlaps none of yours, and one
    # Ctrl+Z undoes them all
    key(qtbot, w, Qt.Key.Key_Return, Qt.KeyboardModifier.ShiftModifier)
    assert gold_spans(path, doc) == [(0, 10, "GPE", "manual"), (rabat, rabat + 5, "GPE", "model")]
    key(qtbot, w, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert gold_spans(path, doc) == [(0, 10, "GPE", "manual")]
    w.close()
    store.close()


@pytest.mark.slow
def test_background_model_fills_an_unedited_article(qtbot, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    text = seed_texts()[0][1]
    path = tmp_path / "bg.db"
    store = Store.open(path)
    doc, _ = store.add_document(text)
    w = MainWindow(store, ANNOTATOR, model="en_core_web_sm", suggest=True)
    qtbot.addWidget(w)
    show(qtbot, w)
    threads = []  # where the window hears of new suggestions (a worker's thread: a crash)
    refresh = w.queue_model.refresh_document
    w.queue_model.refresh_document = lambda doc_id: (threads.append(QThread.currentThread()),  # type: ignore[method-assign]
                                                     refresh(doc_id))
    w.open_first()
    # readable at once, before the model has loaded
    assert w.view.raw_text() == text
    assert w.view.highlighter.span_count == 0
    qtbot.waitUntil(lambda: w.view.highlighter.span_count > 20, timeout=60_000)
    assert any((s.start, s.end, s.label) == (383, 393, "PERSON") for s in w.session.spans)
    assert "en_core_web_sm" in w.model_label.text()
    assert [lab.name for lab in w.labels][:3] == ["PERSON", "ORG", "GPE"]
    assert threads and all(t is QApplication.instance().thread() for t in threads)
    w.close()
    store.close()


def test_keyboard_sheet_and_tooltips_show_every_shortcut(window: MainWindow) -> None:
    from goldspan.gui.help_dialog import KeyboardSheet
    from goldspan.gui.shortcuts import SHORTCUTS

    sheet = KeyboardSheet(window)
    cells = {sheet.table.item(r, 1).text() for r in range(sheet.table.rowCount())}
    for sc in SHORTCUTS:
        assert " / ".join(sc.keys) in cells
        assert sc.keys[0] in window.actions_by_name[sc.name].toolTip()
    assert "Return" in window.accept_button.toolTip()


def test_queue_filter_and_click(qtbot, window: MainWindow, db: Path) -> None:  # type: ignore[no-untyped-def]
    key(qtbot, window, Qt.Key.Key_Return)  # accept 1, now on 2
    window.status_filter.setCurrentIndex(4)  # Done
    assert window.queue_model.rowCount() == 1
    window.status_filter.setCurrentIndex(0)
    qtbot.keyClicks(window.filter_edit, "Biden")
    assert window.queue_model.rowCount() == 1
    window.filter_edit.clear()
    idx = window.queue_model.index(0, 1)
    rect = window.queue_view.visualRect(idx)
    qtbot.mouseClick(window.queue_view.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    assert window.session.doc_id == 1
    assert QApplication.focusWidget() is window.view


def test_item_models_pass_qtmodeltester(qtbot, qtmodeltester, window: MainWindow, db: Path) -> None:  # type: ignore[no-untyped-def]
    qtmodeltester.check(window.queue_model)
    qtmodeltester.check(window.entity_model)
    # the tester stays attached: edits must come as consistent row inserts/removes
    n = window.entity_model.rowCount()
    click(qtbot, window, 385)
    key(qtbot, window, Qt.Key.Key_Delete)
    assert window.entity_model.rowCount() == n - 1
    drag(qtbot, window, 383, 393)
    key(qtbot, window, label_key(window, "PERSON"))
    assert window.entity_model.rowCount() == n
    row = window.entity_model.row_of(window.selected)
    assert window.entity_model.data(window.entity_model.index(row, 0)) == "Mark Esper"
    assert window.entity_model.data(window.entity_model.index(row, 2)) == "you"
    texts = [window.entity_model.item(r).start for r in range(window.entity_model.n_spans)]
    assert texts == sorted(texts)
    key(qtbot, window, Qt.Key.Key_Return)


def test_zoom_and_dark_mode(qtbot, window: MainWindow) -> None:  # type: ignore[no-untyped-def]
    size = window.view.font().pointSizeF()
    key(qtbot, window, Qt.Key.Key_Equal, Qt.KeyboardModifier.ControlModifier)
    assert window.view.font().pointSizeF() == size + 1
    key(qtbot, window, Qt.Key.Key_0, Qt.KeyboardModifier.ControlModifier)
    assert window.view.font().pointSizeF() == size
    window.toggle_dark()
    from goldspan.gui.theme import is_dark

    assert is_dark()
    window.toggle_dark()
    assert not is_dark()


def test_ctrl_shift_r_opens_the_review_window(qtbot, window: MainWindow) -> None:  # type: ignore[no-untyped-def]
    from goldspan.gui.review_window import ReviewWindow

    key(qtbot, window, Qt.Key.Key_R, Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier)
    assert isinstance(window.review_window, ReviewWindow)
    assert window.review_window.isVisible()
    window.review_window.close()


def test_clicking_a_label_chip_selects_its_span(qtbot, window: MainWindow) -> None:  # type: ignore[no-untyped-def]
    view = window.view
    # the chip of "Mark Esper" (383-393) is painted in the gap after its last character
    cur = view.textCursor()
    cur.setPosition(393)
    chip_end = view.cursorRect(cur)
    point = QPoint(chip_end.left() - 8, chip_end.center().y())
    qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=point)
    assert window.selected is not None
    assert (window.selected.start, window.selected.end) == (383, 393)


def test_opening_another_article_clears_the_selected_highlight(qtbot, window: MainWindow) -> None:  # type: ignore[no-untyped-def]
    click(qtbot, window, 385)
    assert window.view.highlighter._selected == (383, 393)
    key(qtbot, window, Qt.Key.Key_PageDown, Qt.KeyboardModifier.ControlModifier)
    assert window.session.doc_id == 2
    assert window.selected is None and window.view.highlighter._selected is None
