"""Code points (core, database, files) against Qt's UTF-16 units (gui/offsets.py is
the one place they meet; it is Qt-free, so this runs without a display)."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from goldspan.gui.offsets import Utf16Map


def utf16_len(s: str) -> int:
    return len(s.encode("utf-16-le")) // 2


def test_bmp_only_is_identity() -> None:
    text = "Caf\u00e9 e\u0301 \u05e9\u05dc\u05d5\u05dd \u4e2d\u6587 plain"  # é, combining, Hebrew, CJK
    m = Utf16Map(text)
    assert m.astral == []
    for i in range(len(text) + 1):
        assert m.to_qt(i) == i == m.from_qt(i)
    assert m.length_qt == len(text) == utf16_len(text)


def test_emoji_before_entity() -> None:
    text = "\U0001F600 hi \U0001F600\U0001F600 Mark Esper"
    m = Utf16Map(text)
    start = text.index("Mark")
    end = start + len("Mark Esper")
    qs, qe = m.to_qt(start), m.to_qt(end)
    assert (qs, qe) == (start + 3, end + 3)
    assert text.encode("utf-16-le")[2 * qs:2 * qe].decode("utf-16-le") == "Mark Esper"
    assert (m.from_qt(qs), m.from_qt(qe)) == (start, end)
    assert m.length_qt == utf16_len(text)


def test_flag_is_two_astral_chars() -> None:
    text = "\U0001F1EB\U0001F1F7 Paris"  # regional indicators F + R
    m = Utf16Map(text)
    assert m.astral == [0, 1]
    assert m.to_qt(text.index("Paris")) == 5
    assert m.to_qt(1) == 2  # between the two indicators
    assert m.from_qt(5) == 3


def test_inside_a_surrogate_pair_rounds_down() -> None:
    text = "a\U0001F600b"
    m = Utf16Map(text)
    assert [m.to_qt(i) for i in range(4)] == [0, 1, 3, 4]
    assert [m.from_qt(q) for q in range(5)] == [0, 1, 1, 2, 3]


def test_combining_marks_count_as_code_points() -> None:
    text = "Zo\u00eb and Zoe\u0308 \U0001F44D\U0001F3FD Ren\u00e9e"  # NFC, NFD, skin tone
    m = Utf16Map(text)
    i = text.index("Ren")
    assert m.from_qt(m.to_qt(i)) == i
    assert m.to_qt(i) == utf16_len(text[:i]) == i + 2


@pytest.mark.parametrize("text", ["", "\U0001F600", "abc"])
def test_edges(text: str) -> None:
    m = Utf16Map(text)
    assert m.to_qt(len(text)) == m.length_qt == utf16_len(text)
    assert m.from_qt(m.length_qt) == len(text)


@settings(max_examples=300, deadline=None)
@given(st.text(st.sampled_from(["a", " ", "\u00e9", "\u0301", "\u05d0", "\n",
                                "\U0001F600", "\U0001F1EB", "\U00020000", "\x00"]), max_size=50),
       st.data())
def test_round_trip(text: str, data: st.DataObject) -> None:
    m = Utf16Map(text)
    cp = data.draw(st.integers(0, len(text)))
    q = m.to_qt(cp)
    assert q == utf16_len(text[:cp])
    assert m.from_qt(q) == cp
    # any UTF-16 position maps to the start of the character it is in
    qpos = data.draw(st.integers(0, m.length_qt))
    back = m.from_qt(qpos)
    assert m.to_qt(back) <= qpos < m.to_qt(back) + 2 or qpos == m.length_qt
    assert m.to_qt(back) == qpos or (back < len(text) and ord(text[back]) > 0xFFFF)
