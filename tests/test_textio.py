"""Decoding at the border (issue 2): UTF-8, BOM dropped, newlines to LF, nothing else."""

from __future__ import annotations

import pytest

from goldspan.core.errors import InputError
from goldspan.core.textio import decode, read_text


def test_bom_is_dropped() -> None:
    assert decode(b"\xef\xbb\xbfHello") == "Hello"


def test_only_a_leading_bom_is_dropped() -> None:
    # a ZERO WIDTH NO-BREAK SPACE inside the text is content, not a BOM
    assert decode(b"a\xef\xbb\xbfb") == "a\ufeffb"


@pytest.mark.parametrize(
    "raw, expected",
    [
        (b"a\r\nb", "a\nb"),
        (b"a\rb", "a\nb"),
        (b"a\r\n\r\nb\r", "a\n\nb\n"),
        (b"a\r\r\nb", "a\n\nb"),
        (b"a\nb", "a\nb"),
    ],
)
def test_newlines_become_lf(raw: bytes, expected: str) -> None:
    assert decode(raw) == expected


def test_nothing_else_changes() -> None:
    text = "  Tab\there, NUL\x00, \u00e9 e\u0301 \U0001F600 \U0001F1EB\U0001F1F7 \u05e9\u05dc\u05d5\u05dd <b>&amp;</b>  \n\n\t"
    assert decode(text.encode("utf-8")) == text
    # no Unicode normalisation: NFC and NFD stay distinct
    assert decode("e\u0301".encode()) == "e\u0301"
    assert decode("\u00e9".encode()) == "\u00e9"


@pytest.mark.parametrize(
    "raw, offset",
    [
        (b"abc\xffdef", 3),
        (b"\xef\xbb\xbfab\xc3", 5),  # truncated sequence after a BOM: offset counts the BOM
        (b"\x80", 0),
        (b"ok\xed\xa0\x80", 2),  # an encoded surrogate is not UTF-8
    ],
)
def test_invalid_utf8_is_refused_with_byte_offset(raw: bytes, offset: int) -> None:
    with pytest.raises(InputError) as info:
        decode(raw, "x.txt")
    assert info.value.offset == offset
    assert f"offset {offset}" in str(info.value)
    assert "x.txt" in str(info.value)
    assert "\n" not in str(info.value)


def test_read_text_refuses_invalid_file(tmp_path) -> None:  # type: ignore[no-untyped-def]
    p = tmp_path / "bad.txt"
    p.write_bytes(b"fine\r\nthen \xfe")
    with pytest.raises(InputError, match="offset 11"):
        read_text(p)
    ok = tmp_path / "ok.txt"
    ok.write_bytes(b"\xef\xbb\xbfone\r\ntwo")
    assert read_text(ok) == "one\ntwo"
