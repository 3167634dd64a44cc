"""Token boundaries of a text (spaCy's English tokenizer), for snapping selections
and moving span boundaries by whole tokens."""

from __future__ import annotations

import bisect
import functools
import unicodedata


@functools.lru_cache(maxsize=1)
def _tokenizer():  # type: ignore[no-untyped-def]
    import spacy

    return spacy.blank("en").tokenizer


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


class TokenIndex:
    """Sorted token starts and ends (code points) of one text."""

    def __init__(self, text: str) -> None:
        self.text = text
        doc = _tokenizer()(text)
        starts: list[int] = []
        ends: list[int] = []
        for tok in doc:
            if tok.is_space:
                continue
            if ends and ends[-1] == tok.idx and _joined(text, tok.idx):
                ends[-1] = tok.idx + len(tok.text)  # one character on screen: one token
                continue
            starts.append(tok.idx)
            ends.append(tok.idx + len(tok.text))
        self.starts = starts
        self.ends = ends

    def __len__(self) -> int:
        return len(self.starts)

    def snap(self, start: int, end: int) -> tuple[int, int] | None:
        """Widen [start, end) to the whole tokens it touches; None if it holds none."""
        if start >= end or not self.starts:
            return None
        # first token whose end is after start
        i = bisect.bisect_right(self.ends, start)
        # last token whose start is before end
        j = bisect.bisect_left(self.starts, end) - 1
        if i > j:
            return None
        return self.starts[i], self.ends[j]

    def bounds(self, start: int, end: int) -> tuple[int, int]:
        """Indices (first, last) of the tokens a span covers."""
        i = bisect.bisect_right(self.ends, start)
        j = bisect.bisect_left(self.starts, end) - 1
        return i, max(i, j)

    def move_start(self, start: int, end: int, step: int) -> tuple[int, int] | None:
        """Move the start boundary by ``step`` tokens (negative: to the left)."""
        i, j = self.bounds(start, end)
        k = i + step
        if k < 0 or k > j:
            return None
        return self.starts[k], end

    def move_end(self, start: int, end: int, step: int) -> tuple[int, int] | None:
        i, j = self.bounds(start, end)
        k = j + step
        if k < i or k >= len(self.ends):
            return None
        return start, self.ends[k]

    def aligned(self, start: int, end: int) -> bool:
        i = bisect.bisect_left(self.starts, start)
        j = bisect.bisect_left(self.ends, end)
        return i < len(self.starts) and self.starts[i] == start and j < len(self.ends) and self.ends[j] == end
