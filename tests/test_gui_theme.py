"""Dark mode toggled while running looks exactly like a start in that mode (issue 14,
item 5): the article view's background and text, the title, the label buttons, the
status badge, the entity list and an open review window. A toggle used to change the
application palette only, which the widgets polished by the window's style sheet
never saw: a dark frame around a light article, or a light frame with a dark article
and unreadable title and label buttons."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QImage, QPalette
from PySide6.QtWidgets import QApplication, QWidget

from goldspan.core.storage import Store
from goldspan.core.types import Span
from goldspan.gui.main_window import MainWindow
from goldspan.gui.theme import DARK, DARK_PROPERTY, LIGHT, apply_theme, is_dark  # new

TEXT = "Mark Esper met Nasser Bourita in Rabat on Tuesday."


@pytest.fixture
def db(tmp_path: Path) -> Path:
    path = tmp_path / "t.db"
    store = Store.open(path)
    doc, _ = store.add_document(TEXT, title="Esper in Rabat")
    store.add_labels(["PERSON", "GPE", "ORG", "DATE"])
    for who in ("alice", "bob"):
        store.put_version(doc, who, "done", [Span(0, 10, "PERSON"), Span(33, 38, "GPE")])
    store.close()
    return path


@pytest.fixture(autouse=True)
def restore_theme():  # type: ignore[no-untyped-def]
    app = QApplication.instance()
    style, pal = app.style().name(), QPalette(app.palette())
    yield
    app.setProperty(DARK_PROPERTY, None)
    app.setStyle(style)
    app.setPalette(pal)


def open_window(qtbot, db: Path) -> MainWindow:  # type: ignore[no-untyped-def]
    w = MainWindow(Store.open(db), "alice", suggest=False)
    qtbot.addWidget(w)
    w.resize(1100, 650)
    w.show()
    w.open_first()
    qtbot.waitExposed(w)
    w.label_pressed("GPE")  # an active label: one label button checked, the others not
    return w


def pictures(w: QWidget) -> dict[str, QImage]:
    """What a person sees of the parts a toggle used to miss."""
    parts = {"article": w.view, "title": w.title_label, "labels": w.label_bar,
             "badge": w.status_badge, "entities": w.entity_view.viewport(),
             "filter": w.filter_edit, "hint": w.hint_label}
    QApplication.processEvents()
    return {name: widget.grab().toImage() for name, widget in parts.items()}


def colours(w: MainWindow) -> dict[str, str]:
    vp = w.view.viewport()
    button = w.label_bar.buttons["PERSON"]  # not the active label: palette colours
    return {
        "article base": vp.palette().color(QPalette.ColorRole.Base).name(),
        "article text": vp.palette().color(QPalette.ColorRole.Text).name(),
        "title": w.title_label.palette().color(QPalette.ColorRole.WindowText).name(),
        "label button text": button.palette().color(QPalette.ColorRole.ButtonText).name(),
        "label button background": button.palette().color(QPalette.ColorRole.Button).name(),
        "window": w.palette().color(QPalette.ColorRole.Window).name(),
        "highlight dark": str(w.view.highlighter.dark),
    }


@pytest.mark.parametrize("start_dark", [False, True], ids=["light to dark", "dark to light"])
def test_toggling_looks_like_starting_in_that_mode(qtbot, db: Path, start_dark: bool) -> None:  # type: ignore[no-untyped-def]
    app = QApplication.instance()
    end_dark = not start_dark
    apply_theme(app, end_dark)  # what a start in the target mode shows
    reference = open_window(qtbot, db)
    want_colours, want = colours(reference), pictures(reference)
    reference.close()

    apply_theme(app, start_dark)  # start in the other mode, then Ctrl+Shift+L
    w = open_window(qtbot, db)
    w.open_review()  # the review window is open during the toggle
    qtbot.waitExposed(w.review_window)
    w.activateWindow()
    qtbot.waitUntil(w.isActiveWindow)
    qtbot.keyClick(w.view, Qt.Key.Key_L,
                   Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier)

    assert is_dark() is end_dark
    palette = DARK if end_dark else LIGHT
    got = colours(w)
    assert got == want_colours
    assert got["article base"] == palette["Base"] and got["title"] == palette["WindowText"]
    assert got["label button text"] == palette["ButtonText"]
    seen = pictures(w)
    for name, picture in want.items():
        assert seen[name] == picture, f"{name} differs from a start in that mode"
    for view in w.review_window.views.values():  # the review window followed too
        vp = view.viewport()
        assert vp.palette().color(QPalette.ColorRole.Base).name() == palette["Base"]
        assert view.highlighter.dark is end_dark
    w.review_window.close()
    w.close()


def test_a_closed_window_is_left_alone_by_a_theme_change(qtbot, db: Path) -> None:  # type: ignore[no-untyped-def]
    """A window closed earlier (its database closed with it) is still among the
    application's top-level widgets until Qt deletes it: a toggle must not reach into
    it (it raised 'Cannot operate on a closed database')."""
    w = open_window(qtbot, db)
    w.close()
    w.store.close()
    apply_theme(QApplication.instance(), not is_dark())  # no error
    apply_theme(QApplication.instance(), not is_dark())
