"""Plain text: one ``.txt`` file is one document (folders are expanded by the importer,
files in sorted name order). Text is decoded as UTF-8 and newlines normalised to
``\\n`` (:func:`goldspan.core.textio.read_text`); the title is the first non-blank line.
The writer puts each document in a file of its own, named by document id.
"""

from __future__ import annotations

from pathlib import Path
from typing import Iterator

from ..errors import InputError
from ..model import Record
from ..textio import first_line, read_text
from .base import Problem


def read(path: Path) -> Iterator[Record]:
    text = read_text(path)
    if not text.strip():
        raise InputError("empty file: nothing to import", path=path, line=1)
    yield Record(text=text, title=first_line(text), source=str(path), line=1)


class TextWriter:
    """Writes ``<folder>/<id>.txt`` per document."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        folder.mkdir(parents=True, exist_ok=True)

    def write(self, record: Record, doc_id: int) -> list[Problem]:
        (self.folder / f"{doc_id:06d}.txt").write_text(record.text, encoding="utf-8")
        return []

    def close(self) -> None:
        pass
