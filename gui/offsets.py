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
