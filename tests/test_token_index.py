"""Token boundaries: selections snap to whole spaCy tokens, boundaries move by tokens."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from goldspan.core.token_index import TokenIndex

TEXT = "Don't stop U.S. e-mail at 3pm, please.\n\n  Next  line \U0001F1EB\U0001F1F7 Paris."


@pytest.fixture(scope="module")
def idx() -> TokenIndex:
    return TokenIndex(TEXT)


def words(idx: TokenIndex) -> list[str]:
    return [TEXT[a:b] for a, b in zip(idx.starts, idx.ends, strict=True)]


def test_tokens_skip_whitespace(idx: TokenIndex) -> None:
    assert words(idx) == ["Do", "n't", "stop", "U.S.", "e", "-", "mail", "at", "3", "pm", ",",
                          "please", ".", "Next", "line", "\U0001F1EB\U0001F1F7", "Paris", "."]


def sel(word: str, a: int = 0, b: int | None = None) -> tuple[int, int]:
    i = TEXT.index(word)
    return i + a, i + (len(word) if b is None else b)


def snapped(idx: TokenIndex, start: int, end: int) -> str | None:
    r = idx.snap(start, end)
    return None if r is None else TEXT[r[0]:r[1]]


@pytest.mark.parametrize(
    "selection, expected",
    [
        (sel("stop", 1, 3), "stop"),  # inside a token: the whole token
        (sel("stop U.S.", 2, 6), "stop U.S."),  # partial at both ends: both tokens
        (sel(" stop ", 0, 6), "stop"),  # surrounding spaces are dropped
        (sel("stop"), "stop"),  # already aligned: unchanged
        (sel("U.S.", 0, 2), "U.S."),
        (sel("e-mail", 2, 3), "mail"),  # hyphenated words are three tokens
        (sel("3pm", 0, 1), "3"),
        (sel("Don't", 1, 4), "Don't"),
        (sel(".\n\n  Next", 1, 4), None),  # only whitespace: nothing
        (sel("line \U0001F1EB", 3, 6), "line \U0001F1EB\U0001F1F7"),  # half a flag: the flag
        (sel("Paris", 2, 2), None),  # empty selection
    ],
)
def test_snap(idx: TokenIndex, selection: tuple[int, int], expected: str | None) -> None:
    assert snapped(idx, *selection) == expected


def test_snap_reversed_or_empty_text() -> None:
    assert TokenIndex("abc").snap(2, 1) is None
    assert TokenIndex("").snap(0, 1) is None
    assert TokenIndex("   \n ").snap(0, 4) is None


@pytest.mark.parametrize(
    "cluster",
    ["\U0001F1EB\U0001F1F7",  # flag: two regional indicators
     "\U0001F44D\U0001F3FD",  # emoji + skin tone
     "\U0001F468\u200d\U0001F469\u200d\U0001F467",  # ZWJ family
     "\u2764\ufe0f",  # variation selector
     "\U0001F3F4\U000E0067\U000E0062\U000E0073\U000E0063\U000E0074\U000E007F"],  # tag flag
)
def test_snap_never_cuts_a_character_on_screen(cluster: str) -> None:
    text = f"Hello {cluster} Paris"
    idx = TokenIndex(text)
    i = text.index(cluster)
    for a in range(i, i + len(cluster)):
        assert idx.snap(a, a + 1) == (i, i + len(cluster))
    assert [text[a:b] for a, b in zip(idx.starts, idx.ends, strict=True)] == ["Hello", cluster, "Paris"]


def test_two_flags_in_a_row_are_two_tokens() -> None:
    text = "x \U0001F1EB\U0001F1F7\U0001F1E9\U0001F1EA y"
    idx = TokenIndex(text)
    assert [text[a:b] for a, b in zip(idx.starts, idx.ends, strict=True)] == [
        "x", "\U0001F1EB\U0001F1F7", "\U0001F1E9\U0001F1EA", "y"]


def test_offsets_are_code_points_after_astral_chars() -> None:
    t = "\U0001F600\U0001F600 Mark Esper"
    idx = TokenIndex(t)
    r = idx.snap(t.index("Mark") + 1, t.index("Mark") + 2)
    assert r is not None and t[r[0]:r[1]] == "Mark"
    assert r[0] == 3  # two emoji are two code points, not four UTF-16 units


def test_move_start_and_end(idx: TokenIndex) -> None:
    s, e = sel("U.S.")
    def show(r):  # type: ignore[no-untyped-def]
        return None if r is None else TEXT[r[0]:r[1]]
    assert show(idx.move_end(s, e, +1)) == "U.S. e"
    assert show(idx.move_end(s, e, +3)) == "U.S. e-mail"
    assert show(idx.move_start(s, e, -1)) == "stop U.S."
    assert show(idx.move_start(s, e, -3)) == "Don't stop U.S."
    assert idx.move_start(s, e, -4) is None  # before the first token
    assert idx.move_end(s, e, -1) is None  # would be empty
    assert idx.move_start(s, e, +1) is None
    s2, e2 = sel("stop U.S.")
    assert show(idx.move_start(s2, e2, +1)) == "U.S."
    assert show(idx.move_end(s2, e2, -1)) == "stop"
    last = len(TEXT) - 1
    assert idx.move_end(last, last + 1, +1) is None  # past the last token


def test_aligned(idx: TokenIndex) -> None:
    assert idx.aligned(*sel("stop U.S."))
    assert not idx.aligned(*sel("stop", 1))
    assert not idx.aligned(*sel("stop", 0, 3))
    assert not idx.aligned(*sel(" stop"))


@settings(max_examples=200, deadline=None)
@given(st.data())
def test_snap_properties(data: st.DataObject) -> None:
    text = data.draw(st.text(st.sampled_from(list("ab .,-'\n\u00e9\U0001F600")), max_size=40))
    idx = TokenIndex(text)
    start = data.draw(st.integers(0, len(text)))
    end = data.draw(st.integers(start, len(text)))
    r = idx.snap(start, end)
    if r is None:
        # nothing but whitespace (or nothing) was selected
        assert text[start:end].strip() == "" or start == end
        return
    a, b = r
    assert idx.aligned(a, b)
    assert a <= start or text[start:a].isspace()  # covers every non-space char selected
    assert b >= end or text[b:end].isspace()
    assert idx.snap(a, b) == (a, b)  # snapping is idempotent
    assert text[a:b] == text[a:b].strip()


@settings(max_examples=60, deadline=None)
@given(st.data())
def test_windows_of_a_long_text_agree_with_the_whole(data: st.DataObject) -> None:
    """Long texts are tokenised a few lines at a time: every query must answer as the
    whole-text index does."""
    import goldspan.core.token_index as tokens

    lines = data.draw(st.lists(st.text(st.sampled_from(list("ab .,-'\u00e9\U0001F600")), max_size=12),
                               min_size=1, max_size=8))
    text = "\n".join(lines)
    whole = TokenIndex(text)
    whole.starts  # noqa: B018 - force whole-text tokenisation
    old = tokens.WHOLE_LIMIT
    tokens.WHOLE_LIMIT = 0
    try:
        lazy = TokenIndex(text)
        start = data.draw(st.integers(0, len(text)))
        end = data.draw(st.integers(start, len(text)))
        step = data.draw(st.sampled_from([-3, -1, 1, 3]))
        assert lazy.snap(start, end) == whole.snap(start, end)
        r = whole.snap(start, end)
        if r is not None:
            assert lazy.move_start(*r, step) == whole.move_start(*r, step)
            assert lazy.move_end(*r, step) == whole.move_end(*r, step)
            assert lazy.aligned(*r)
    finally:
        tokens.WHOLE_LIMIT = old


def test_a_long_text_is_not_tokenised_whole_for_a_selection() -> None:
    line = "US Defence Secretary Mark Esper held meetings in Rabat.\n"
    text = line * 40_000  # 2.2 MB
    idx = TokenIndex(text)
    i = text.index("Mark", len(text) // 2)
    assert idx.snap(i + 1, i + 3) == (i, i + 4)
    assert idx.move_end(i, i + 4, 1) == (i, i + 10)
    assert idx._whole is None  # only the lines around the selection were tokenised
