"""The one place where code-point offsets (core, database, files) meet Qt's UTF-16
offsets. Characters outside the Basic Multilingual Plane (emoji, flags, some CJK)
are one code point but two UTF-16 units; everything else is one of each."""

from __future__ import annotations

import bisect
import re

_ASTRAL = re.compile("[\U00010000-\U0010ffff]")


class Utf16Map:
    def __init__(self, text: str) -> None:
        self.astral = [m.start() for m in _ASTRAL.finditer(text)]
        # UTF-16 position of each astral character
        self._qt_astral = [cp + k for k, cp in enumerate(self.astral)]
        self.length_cp = len(text)

    def to_qt(self, cp: int) -> int:
        if not self.astral:
            return cp
        return cp + bisect.bisect_left(self.astral, cp)

    def from_qt(self, pos: int) -> int:
        """Code point offset of a UTF-16 position; inside a surrogate pair it rounds
        down to the character's start."""
        if not self.astral:
            return pos
        return pos - bisect.bisect_left(self._qt_astral, pos)

    @property
    def length_qt(self) -> int:
        return self.length_cp + len(self.astral)


# Characters a QTextDocument does not keep as they are: it makes a block (paragraph)
# break of each, still one UTF-16 unit, so offsets stay exact (measured with PySide6
# 6.11; U+0000 and the other control characters are kept as typed). U+2029 is a
# paragraph separator, so a break is what it means; U+FDD0 and U+FDD1 are Unicode
# noncharacters that Qt uses internally as frame markers.
QT_BLOCK_BREAKS = "\u2029\ufdd0\ufdd1"
QT_FRAME_MARKERS = "\ufdd0\ufdd1"
_FRAME_MARKERS = str.maketrans({ch: "\ufffd" for ch in QT_FRAME_MARKERS})


def displayable(text: str) -> str:
    """The text to give Qt so that it shows every character rather than acting on it:
    Qt's frame markers become U+FFFD (the replacement character), one for one, so the
    length and every offset are unchanged. U+2029 stays (a paragraph break is its
    meaning). Proposed for ``ArticleView.show_document`` (``setPlainText(displayable(
    text))``); the view's ``raw_text()`` then differs from the stored text only there."""
    if "\ufdd0" not in text and "\ufdd1" not in text:
        return text
    return text.translate(_FRAME_MARKERS)
