"""Plain text: one ``.txt`` file is one document (folders are expanded by the importer,
files in sorted name order). Text is decoded as UTF-8 and newlines normalised to
``\\n`` (:func:`goldspan.core.textio.read_text`); the title is the first non-blank line.
The writer puts each document in a file of its own, named by document id.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Iterator

from ..errors import InputError
from ..types import Record
from ..textio import first_line, read_text
from .base import FileNames, Problem, check_txt_text


def read(path: Path) -> Iterator[Record]:
    text = read_text(path)
    if not text.strip():
        raise InputError("empty file: nothing to import", path=path, line=1)
    _refuse_json(text, path)
    yield Record(text=text, title=first_line(text), source=str(path), line=1)


def _refuse_json(text: str, path: Path) -> None:
    """A file of JSON records (a Prodigy or doccano export, a Label Studio array) read
    as plain text would become one document of JSON, its annotations lost: refused.
    Only a first line (or whole file) that parses as a JSON object or array counts; an
    article that opens with "[Reuters]" is text."""
    head = text.lstrip()
    if head[:1] not in ("{", "["):
        return
    first = head.split("\n", 1)[0].strip()
    for candidate in (first, head) if first != head else (head,):
        try:
            value = json.loads(candidate)
        except (ValueError, RecursionError):
            continue
        if isinstance(value, (dict, list)):
            raise InputError("the file holds JSON records, not article text: import it with "
                             "--format auto (or prodigy, doccano, labelstudio)", path=path,
                             line=1)


class TextWriter:
    """Writes ``<folder>/<id>.txt`` per document (``<id>.<annotator>.txt`` per version
    with ``by_annotator``)."""

    def __init__(self, folder: Path, by_annotator: bool = False) -> None:
        self.folder = folder
        self.names = FileNames(by_annotator)
        folder.mkdir(parents=True, exist_ok=True)

    def write(self, record: Record, doc_id: int) -> list[Problem]:
        check_txt_text(record.text, doc_id)
        (self.folder / f"{self.names(record, doc_id)}.txt").write_text(
            record.text, encoding="utf-8", newline="\n")
        return []

    def close(self) -> None:
        pass
