"""Blocks are highlighted when they are first on screen, once: opening a long article
computes the screen, scrolling computes each newly shown block once and never again,
and nothing off screen is computed (issue: fast at any size)."""

from __future__ import annotations

import pytest
from PySide6.QtWidgets import QApplication

from goldspan.core.types import Span
from goldspan.gui.article_view import ArticleView
from goldspan.gui.highlighter import SpanHighlighter

PARAGRAPH = "Alpha Corp hired Gamma Jones in Delta.\n\n"
COPIES = 1500  # 3,001 blocks


def long_article() -> tuple[str, list[Span]]:
    text = PARAGRAPH * COPIES
    spans = []
    for k in range(COPIES):
        base = k * len(PARAGRAPH)
        spans.append(Span(base, base + 10, "ORG"))
        spans.append(Span(base + 17, base + 28, "PERSON"))
    return text, spans


@pytest.fixture
def calls(monkeypatch):  # type: ignore[no-untyped-def]
    """Block numbers highlightBlock computed; ``seen.skipped`` counts the calls for
    blocks not asked for (it returns at once for those)."""

    class Seen(list):  # type: ignore[type-arg]
        skipped = 0

    seen = Seen()
    original = SpanHighlighter.highlightBlock

    def counting(self, text):  # type: ignore[no-untyped-def]
        n = self.currentBlock().blockNumber()
        if self.is_highlighted(n):
            seen.append(n)
        else:
            seen.skipped += 1
        return original(self, text)

    monkeypatch.setattr(SpanHighlighter, "highlightBlock", counting)
    return seen


@pytest.fixture
def view(qtbot):  # type: ignore[no-untyped-def]
    v = ArticleView()
    qtbot.addWidget(v)
    v.set_colors({"ORG": "#ff9f1c", "PERSON": "#4c8bf5"})
    v.resize(900, 600)
    v.show()
    qtbot.waitExposed(v)
    return v


def settle() -> None:
    for _ in range(3):
        QApplication.processEvents()


def on_screen(v: ArticleView) -> list[int]:
    out = []
    block = v.firstVisibleBlock()
    top = v.blockBoundingGeometry(block).translated(v.contentOffset()).top()
    while block.isValid() and top <= v.viewport().height():
        out.append(block.blockNumber())
        top += v.blockBoundingRect(block).height()
        block = block.next()
    return out


def formats(v: ArticleView, n: int) -> list:  # type: ignore[type-arg]
    return list(v.document().findBlockByNumber(n).layout().formats())


def test_opening_highlights_the_screen_only(calls, view) -> None:  # type: ignore[no-untyped-def]
    text, spans = long_article()
    view.show_document(text, spans, [])
    settle()
    shown = on_screen(view)
    assert 3 < len(shown) < 80
    assert calls and set(calls) <= set(shown)  # nothing off screen
    assert calls.skipped < 10  # QSyntaxHighlighter's own queued pass over every block dropped
    for n in shown:
        if n % 2 == 0:  # the paragraphs (odd blocks are the blank lines between)
            assert formats(view, n), f"block {n} is on screen without its highlights"
    assert not formats(view, 2000)
    assert not view.highlighter.complete


def test_scrolling_highlights_each_block_once_and_never_again(calls, view) -> None:  # type: ignore[no-untyped-def]
    text, spans = long_article()
    calls.clear()  # (the empty document the view started with)
    view.show_document(text, spans, [])
    settle()
    bar = view.verticalScrollBar()
    ever_shown = set(on_screen(view))
    for _ in range(30):
        bar.setValue(bar.value() + bar.pageStep())
        shown = on_screen(view)
        ever_shown |= set(shown)
        # before the paint: what the analyst is about to see is highlighted
        assert all(formats(view, n) for n in shown if n % 2 == 0)
        view.viewport().repaint()
    assert len(calls) > 100
    assert len(calls) == len(set(calls)), "a block was computed twice"
    assert set(calls) <= ever_shown
    calls.clear()
    bar.setValue(0)
    for _ in range(30):
        bar.setValue(bar.value() + bar.pageStep())
        view.viewport().repaint()
    assert calls == []  # the same pages again: nothing recomputed


def test_the_end_of_a_long_article_is_highlighted_when_reached(calls, view) -> None:  # type: ignore[no-untyped-def]
    text, spans = long_article()
    view.show_document(text, spans, [])
    settle()
    view.verticalScrollBar().setValue(view.verticalScrollBar().maximum())  # Ctrl+End
    settle()
    last = view.document().blockCount() - 1
    assert on_screen(view)[-1] == last
    assert formats(view, last - 2)  # the last paragraph (then a blank line, an empty end)


def test_selecting_a_span_far_down_shows_it_highlighted(view) -> None:  # type: ignore[no-untyped-def]
    text, spans = long_article()
    view.show_document(text, spans, [])
    settle()
    far = spans[2 * 1400]
    view.set_selected_span(far)
    settle()
    block = view.document().findBlock(far.start)
    assert block.blockNumber() in on_screen(view)
    underlined = [r for r in block.layout().formats() if r.format.fontUnderline()
                  or r.format.underlineStyle() != r.format.underlineStyle().NoUnderline]
    assert underlined, "the selected span is shown without its selection mark"


def test_an_edit_off_screen_is_computed_when_shown(calls, view) -> None:  # type: ignore[no-untyped-def]
    text, spans = long_article()
    view.show_document(text, spans, [])
    settle()
    base = 1200 * len(PARAGRAPH)
    added = Span(base + 32, base + 37, "ORG")  # "Delta"
    calls.clear()
    view.refresh_spans([], [added], sorted([*spans, added], key=lambda s: s.start))
    assert calls == []  # the block is off screen: nothing computed now
    block = view.document().findBlock(added.start)
    view.verticalScrollBar().setValue(block.firstLineNumber())
    settle()
    starts = {r.start for r in block.layout().formats()}
    assert 32 in starts  # the new span is there when the block is first shown


def test_a_full_pass_keeps_what_is_shown_and_skips_the_rest(calls, view) -> None:  # type: ignore[no-untyped-def]
    """What Qt's own queued pass (after setDocument) would do, were it not dropped."""
    text, spans = long_article()
    view.show_document(text, spans, [])
    settle()
    shown = on_screen(view)
    calls.clear()
    view.highlighter.rehighlight()
    assert set(calls) == {n for n in shown if view.highlighter.is_highlighted(n)}
    assert formats(view, shown[0])
    assert not formats(view, 2000)


def test_zoom_recomputes_the_screen_with_the_new_size(view) -> None:  # type: ignore[no-untyped-def]
    text, spans = long_article()
    view.show_document(text, spans, [])
    settle()

    def gap() -> float:
        ranges = formats(view, 0)
        return max(r.format.fontLetterSpacing() for r in ranges)

    before = gap()
    view.zoom(+4)
    settle()
    assert gap() > before  # the chip's gap grew with the chip font
    assert formats(view, on_screen(view)[-1] - 1) or formats(view, on_screen(view)[-1])
