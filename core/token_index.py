"""Token boundaries of a text (spaCy's English tokenizer), for snapping selections
and moving span boundaries by whole tokens."""

from __future__ import annotations

import bisect
import functools
import unicodedata
from typing import Any


@functools.lru_cache(maxsize=1)
def _tokenizer() -> Any:  # spaCy's Tokenizer (a compiled module mypy cannot see into)
    import spacy

    return spacy.blank("en").tokenizer


def warm() -> None:
    """Load spaCy's tokenizer now (about 0.8 s, mostly importing spaCy), e.g. on a
    worker thread, so the first selection snapped in the GUI does not wait for it."""
    _tokenizer()


def _regional(ch: str) -> bool:
    return "\U0001F1E6" <= ch <= "\U0001F1FF"


def _joined(text: str, i: int) -> bool:
    """True when ``text[i - 1]`` and ``text[i]`` are one character on screen (a grapheme
    cluster) that spaCy's tokenizer split: the two halves of a flag, an emoji and its
    skin tone, variation selector, zero-width joiner or tag characters, a combining
    mark. Snapping must never cut those in half."""
    prev, ch = text[i - 1], text[i]
    if _regional(prev) and _regional(ch):
        n = 0  # flags pair up regional indicators from the left
        while i - 1 - n >= 0 and _regional(text[i - 1 - n]):
            n += 1
        return n % 2 == 1
    return (
        "\U0001F3FB" <= ch <= "\U0001F3FF"  # skin tone
        or "\ufe00" <= ch <= "\ufe0f" or ch == "\u200d" or prev == "\u200d"
        or "\U000E0020" <= ch <= "\U000E007F"  # tag characters (subdivision flags)
        or unicodedata.category(ch) in ("Mn", "Me", "Mc")
    )


def _tokenize(text: str, offset: int = 0) -> tuple[list[int], list[int]]:
    """Token starts and ends of ``text`` (shifted by ``offset``), whitespace left out
    and grapheme clusters kept whole."""
    starts: list[int] = []
    ends: list[int] = []
    for tok in _tokenizer()(text):
        if tok.is_space:
            continue
        if ends and ends[-1] == offset + tok.idx and _joined(text, tok.idx):
            ends[-1] = offset + tok.idx + len(tok.text)  # one character on screen
            continue
        starts.append(offset + tok.idx)
        ends.append(offset + tok.idx + len(tok.text))
    return starts, ends


# Texts up to this size are tokenised whole on first use (under a millisecond). Longer
# ones are tokenised a few lines at a time around each query: tokens never cross a line
# break, so a window cut at line breaks has exactly the tokens of the whole text there.
# A news article (3,000 characters: 5-9 ms to tokenise whole, which made the first
# snapped edit miss 16 ms) and a 1 MB one (1.7 s) both snap in about a millisecond.
WHOLE_LIMIT = 1_000


class _Tokens:
    """Sorted starts and ends, and the queries on them."""

    def __init__(self, starts: list[int], ends: list[int]) -> None:
        self.starts = starts
        self.ends = ends

    def snap(self, start: int, end: int) -> tuple[int, int] | None:
        i = bisect.bisect_right(self.ends, start)  # first token ending after start
        j = bisect.bisect_left(self.starts, end) - 1  # last token starting before end
        if i > j or j < 0 or i >= len(self.starts):
            return None
        return self.starts[i], self.ends[j]

    def bounds(self, start: int, end: int) -> tuple[int, int]:
        i = bisect.bisect_right(self.ends, start)
        j = bisect.bisect_left(self.starts, end) - 1
        return i, max(i, j)

    def before(self, pos: int) -> int:
        """How many tokens end at or before ``pos``."""
        return bisect.bisect_right(self.ends, pos)

    def after(self, pos: int) -> int:
        """How many tokens start at or after ``pos``."""
        return len(self.starts) - bisect.bisect_left(self.starts, pos)


class TokenIndex:
    """Token boundaries (code points) of one text, computed lazily."""

    def __init__(self, text: str) -> None:
        self.text = text
        self._whole: _Tokens | None = None

    # ---------------------------------------------------------------- whole
    def _all(self) -> _Tokens:
        if self._whole is None:
            self._whole = _Tokens(*_tokenize(self.text))
        return self._whole

    @property
    def starts(self) -> list[int]:
        return self._all().starts

    @property
    def ends(self) -> list[int]:
        return self._all().ends

    def __len__(self) -> int:
        return len(self.starts)

    # --------------------------------------------------------------- windows
    def _window(self, start: int, end: int, need_before: int = 0, need_after: int = 0) -> _Tokens:
        """Tokens of whole lines around [start, end), with at least ``need_before``
        tokens before ``start`` and ``need_after`` after ``end`` where the text has them."""
        text = self.text
        if self._whole is not None or len(text) <= WHOLE_LIMIT:
            return self._all()
        a = text.rfind("\n", 0, max(0, start)) + 1
        b = text.find("\n", min(len(text), max(end, start)))
        b = len(text) if b < 0 else b
        while True:
            toks = _Tokens(*_tokenize(text[a:b], a))
            grow_left = a > 0 and toks.before(start) < need_before
            grow_right = b < len(text) and toks.after(end) < need_after
            if not (grow_left or grow_right):
                return toks
            if grow_left:
                a = text.rfind("\n", 0, max(0, a - 1)) + 1
            if grow_right:
                nb = text.find("\n", b + 1)
                b = len(text) if nb < 0 else nb

    # --------------------------------------------------------------- queries
    def snap(self, start: int, end: int) -> tuple[int, int] | None:
        """Widen [start, end) to the whole tokens it touches; None if it holds none."""
        if start >= end or not self.text:
            return None
        return self._window(start, end).snap(start, end)

    def bounds(self, start: int, end: int) -> tuple[int, int]:
        """Indices (first, last) of the tokens a span covers (in the whole text)."""
        return self._all().bounds(start, end)

    def move_start(self, start: int, end: int, step: int) -> tuple[int, int] | None:
        """Move the start boundary by ``step`` tokens (negative: to the left)."""
        toks = self._window(start, end, need_before=max(0, -step) + 1)
        i, j = toks.bounds(start, end)
        k = i + step
        if k < 0 or k > j or k >= len(toks.starts):
            return None
        return toks.starts[k], end

    def move_end(self, start: int, end: int, step: int) -> tuple[int, int] | None:
        """Move the end boundary by ``step`` tokens (negative: to the left)."""
        toks = self._window(start, end, need_after=max(0, step) + 1)
        i, j = toks.bounds(start, end)
        k = j + step
        if k < i or k >= len(toks.ends) or k < 0:
            return None
        return start, toks.ends[k]

    def aligned(self, start: int, end: int) -> bool:
        toks = self._window(start, end)
        i = bisect.bisect_left(toks.starts, start)
        j = bisect.bisect_left(toks.ends, end)
        return (i < len(toks.starts) and toks.starts[i] == start
                and j < len(toks.ends) and toks.ends[j] == end)
