"""Hostile text in the annotation window (issue 7): HTML-looking text, control
characters, NUL, a 1 MB line without a newline, RTL, emoji, flags and combining marks
are shown literally (the article view's text is the document's, character for
character; the title label is plain text), and a span after each of them highlights
exactly its own characters.

"Exactly" is checked three ways, in Qt's UTF-16 units (gui/offsets.Utf16Map is the one
conversion): the UTF-16 slice of the text at the mapped offsets is the span's text, a
QTextCursor over those offsets in the view's document selects the span's text, and the
positions the highlighter formatted are the union of the spans, no more, no less.

Measured here (PySide6 6.11): QPlainTextEdit keeps U+0000 and every C0/C1 control
character as one character; only U+2029 (paragraph separator) and Qt's frame markers
U+FDD0/U+FDD1 become block breaks, one unit each, so offsets stay exact even then
(``test_block_break_characters_keep_offsets_exact``).
"""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QTextCursor

from goldspan.core.types import Span
from goldspan.core.storage import Store
from goldspan.gui.main_window import MainWindow
from goldspan.gui.offsets import QT_BLOCK_BREAKS, QT_FRAME_MARKERS, displayable

ANNOTATOR = "alice"
HTML = "<b>bold</b> <img src=x onerror=alert(1)> &amp; &lt;i&gt; <script>alert(2)</script>"
TITLE = "<b>Title</b> <img src=x onerror=alert(1)> &amp; \u202eevil"
MB_LINE = ("Lorem ipsum 🇫🇷 dolor e\u0301 sit amet \u05e9\u05dc\u05d5\u05dd " * 30_000)[:1_000_000]

# (text before the target, label): the target "Target" follows each hostile piece
PIECES = [
    (HTML + " ", "HTML"),
    ("NUL\x00 ", "NUL"),
    ("\x00", "RIGHT_AFTER_NUL"),
    ("controls \x01\x02\x07\x08\x0b\x0c\x1b[31m\x7f\x85\x9f\t ", "CTRL"),
    ("\u202e\u200f RTL override \u202c ", "BIDI"),
    ("مرحبا بالعالم ", "ARABIC"),
    ("שלום עולם ", "HEBREW"),
    ("👩‍👩‍👧 👍🏽 🇫🇷🇺🇸 😀 ", "EMOJI"),
    ("e\u0301 a\u0308\u0323 Z\u0351\u0352\u0353 ", "COMBINING"),
    ("中文 日本語 한국어 ", "CJK"),
    ("\ufeff\u200b\u00a0\ufffc ", "INVISIBLE"),
    (MB_LINE, "AFTER_1MB_LINE"),
]


def hostile_article() -> tuple[str, list[Span]]:
    text, spans = "", []
    for piece, label in PIECES:
        text += piece
        spans.append(Span(len(text), len(text) + len("Target"), label, "manual"))
        text += "Target"
        if label != "RIGHT_AFTER_NUL":
            text += "\n"
    spans.append(Span(text.index("NUL\x00"), text.index("NUL\x00") + 4, "WITH_NUL", "manual"))
    return text, sorted(spans)


def utf16_slice(text: str, q0: int, q1: int) -> str:
    return text.encode("utf-16-le")[2 * q0:2 * q1].decode("utf-16-le")


def highlighted_positions(view) -> set[int]:  # type: ignore[no-untyped-def]
    """Every UTF-16 position the highlighter gave a format, in document order."""
    out: set[int] = set()
    block = view.document().begin()
    while block.isValid():
        for fr in block.layout().formats():
            out.update(range(block.position() + fr.start, block.position() + fr.start + fr.length))
        block = block.next()
    return out


def open_window(qtbot, tmp_path: Path, text: str, spans: list[Span], title: str) -> MainWindow:  # type: ignore[no-untyped-def]
    store = Store.open(tmp_path / "hostile.db")
    doc_id, _ = store.add_document(text, title=title)
    store.add_labels(sorted({s.label for s in spans}))
    store.put_version(doc_id, ANNOTATOR, "in_progress", spans)
    w = MainWindow(store, ANNOTATOR, suggest=False)
    qtbot.addWidget(w)
    w.open_first()
    return w


def check_exact(view, text: str, spans: list[Span]) -> None:  # type: ignore[no-untyped-def]
    expected: set[int] = set()
    for s in spans:
        q0, q1 = view.map.to_qt(s.start), view.map.to_qt(s.end)
        assert utf16_slice(text, q0, q1) == text[s.start:s.end], s.label
        cur = QTextCursor(view.document())
        cur.setPosition(q0)
        cur.setPosition(q1, QTextCursor.MoveMode.KeepAnchor)
        assert cur.selectedText() == text[s.start:s.end], s.label
        expected.update(range(q0, q1))
    assert highlighted_positions(view) == expected


@pytest.fixture
def hostile_window(qtbot, tmp_path: Path):  # type: ignore[no-untyped-def]
    text, spans = hostile_article()
    w = open_window(qtbot, tmp_path, text, spans, TITLE)
    yield w, text, spans
    w.close()
    w.store.close()


def test_hostile_text_is_shown_literally(hostile_window) -> None:  # type: ignore[no-untyped-def]
    w, text, spans = hostile_window
    view = w.view
    assert view.raw_text() == text
    assert view.document().characterCount() - 1 == view.map.length_qt  # one unit per unit
    assert view.document().toPlainText().startswith(HTML)  # tags as typed, not parsed
    # The text never went through HTML: no image, no bold run, one block per line.
    assert view.document().blockCount() == text.count("\n") + 1
    assert "<img" not in view.document().toHtml().split("<body", 1)[0]
    assert "&lt;img src=x onerror=alert(1)&gt;" in view.document().toHtml()
    assert w.title_label.textFormat() == Qt.TextFormat.PlainText
    assert w.title_label.text() == TITLE


def test_spans_after_hostile_characters_highlight_exactly(hostile_window) -> None:  # type: ignore[no-untyped-def]
    w, text, spans = hostile_window
    assert [s.label for s in w.session.spans] == [s.label for s in spans]
    check_exact(w.view, text, spans)
    # the astral characters (emoji, flags, and those in the 1 MB line) really shift the
    # UTF-16 offsets: the check above is not a check of an identity map
    last = spans[-1]
    assert w.view.map.to_qt(last.start) > last.start + 40_000


def test_selection_after_hostile_characters_maps_back(hostile_window) -> None:  # type: ignore[no-untyped-def]
    """What the analyst selects (Qt positions) comes back as the right code points."""
    w, text, spans = hostile_window
    for s in spans:
        w.view.select_range(s.start, s.end)
        assert w.view.selection() == (s.start, s.end), s.label


@pytest.mark.parametrize("ch", list(QT_BLOCK_BREAKS))
def test_block_break_characters_keep_offsets_exact(qtbot, tmp_path: Path, ch: str) -> None:  # type: ignore[no-untyped-def]
    """Qt turns these into paragraph breaks. U+2029 is one (a paragraph separator
    means that); Qt's own frame markers U+FDD0/U+FDD1 are shown as U+FFFD instead
    (gui/offsets.displayable, used by the article view). Either way each is one unit,
    so a span after it highlights exactly."""
    text = f"Before{ch}😀 Target and more\n"
    start = text.index("Target")
    spans = [Span(start, start + 6, "X", "manual")]
    w = open_window(qtbot, tmp_path, text, spans, "t")
    try:
        breaks = ch == "\u2029"  # only the real paragraph separator breaks the line
        assert w.view.document().blockCount() == (3 if breaks else 2)
        if not breaks:
            assert "\ufffd" in w.view.raw_text()
        assert len(w.view.raw_text()) == len(text)
        check_exact(w.view, text, spans)
    finally:
        w.close()
        w.store.close()


def test_displayable_keeps_length_and_offsets() -> None:
    text = "a\u2029b\ufdd0c\ufdd1d😀\x00"
    shown = displayable(text)
    assert len(shown) == len(text)
    assert not any(ch in shown for ch in QT_FRAME_MARKERS)
    assert set(QT_FRAME_MARKERS) < set(QT_BLOCK_BREAKS)
    assert shown == "a\u2029b\ufffdc\ufffdd😀\x00"
    assert displayable("plain") == "plain"
