"""brat standoff: ``name.txt`` holds the text, ``name.ann`` its annotations.

Only text-bound ``T`` lines with one contiguous range become spans (``done``, as brat
has no status). Every other line (relations ``R``, events ``E``, attributes ``A``,
notes ``#``, discontinuous ``T`` ranges) is kept verbatim in ``meta["brat"]["other"]``
and reported by the importer: goldspan has no place for it, but drops nothing silently.

brat offsets count characters of the ``.txt`` as it is on disk; a ``\\r\\n`` there
becomes ``\\n`` and offsets after it move back by one. The text a ``T`` line quotes
must be the text at its offsets, else the pair is refused (wrong file or encoding).

Writing puts ``<id>.txt`` and ``<id>.ann`` per document in a folder, with ``T`` lines
numbered from 1, plus an ``annotation.conf`` listing the labels.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Iterator

from ..errors import InputError
from ..model import Record, Span
from ..textio import BOM, decode
from .base import Problem, check_spans, crlf_mapper, iter_lines

# ASCII digits only: str.isdigit() is true of "²", which int() refuses.
_DIGITS = re.compile(r"[0-9]+")


def pair(path: Path) -> tuple[Path, Path]:
    """The ``.txt`` and ``.ann`` of a brat document, given either."""
    return path.with_suffix(".txt"), path.with_suffix(".ann")


def read(path: Path) -> Iterator[Record]:
    txt, ann = pair(path)
    for p in (txt, ann):
        if not p.exists():
            raise InputError(f"brat needs both {txt.name} and {ann.name}; {p.name} is missing",
                             path=p)
    data = txt.read_bytes()
    decode(data, txt)  # refuses invalid UTF-8 with its byte offset
    raw = data[len(BOM):].decode("utf-8") if data.startswith(BOM) else data.decode("utf-8")
    if not raw.strip():
        raise InputError("empty file: nothing to import", path=txt, line=1)
    text, fix = crlf_mapper(raw)
    spans: list[Span] = []
    other: list[str] = []
    try:
        lines = list(iter_lines(ann))
    except InputError as err:
        if not err.message.startswith("empty file"):
            raise
        lines = []  # a text with no annotations: an empty .ann is fine
    for number, line in lines:
        if not line.strip():
            continue
        if not line.startswith("T"):
            other.append(line)
            continue
        parts = line.split("\t")
        if len(parts) < 2:
            raise InputError("T line should be 'T<n><TAB>LABEL START END<TAB>text'",
                             path=ann, line=number)
        head = parts[1].split(" ")
        if ";" in parts[1]:
            other.append(line)  # discontinuous: no place for it in goldspan
            continue
        if len(head) != 3 or not _DIGITS.fullmatch(head[1]) or not _DIGITS.fullmatch(head[2]):
            raise InputError(f"T line should give 'LABEL START END', not {parts[1]!r}",
                             path=ann, line=number)
        label, start, end = head[0], int(head[1]), int(head[2])
        check_spans(raw, [Span(start, end, label)], ann, number)
        if len(parts) > 2 and parts[2] != raw[start:end].replace("\n", " ") \
                and parts[2] != raw[start:end]:
            raise InputError(f"T line quotes {parts[2][:40]!r} but the text at {start}-{end} "
                             f"is {raw[start:end][:40]!r}", path=ann, line=number)
        spans.append(Span(fix(start), fix(end), label, "import"))
        check_spans(text, spans, ann, number)  # names the line of the overlapping span
    meta = {"brat": {"name": txt.stem, "other": other}} if other else {"brat": {"name": txt.stem}}
    yield Record(text=text, spans=check_spans(text, spans, ann, None), status="done",
                 meta=meta, source=str(txt), line=1)


class BratWriter:
    """A folder of ``.txt``/``.ann`` pairs and an ``annotation.conf``."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        folder.mkdir(parents=True, exist_ok=True)
        self.labels: dict[str, None] = {}

    def write(self, record: Record, doc_id: int) -> list[Problem]:
        name = f"{doc_id:06d}"
        (self.folder / f"{name}.txt").write_text(record.text, encoding="utf-8", newline="\n")
        lines = []
        for i, s in enumerate(record.spans, 1):
            quoted = record.text[s.start:s.end].replace("\n", " ")
            lines.append(f"T{i}\t{s.label} {s.start} {s.end}\t{quoted}")
            self.labels[s.label] = None
        (self.folder / f"{name}.ann").write_text("".join(line + "\n" for line in lines),
                                                 encoding="utf-8", newline="\n")
        return []

    def close(self) -> None:
        conf = ["[entities]", *self.labels, "[relations]", "[events]", "[attributes]"]
        (self.folder / "annotation.conf").write_text("\n".join(conf) + "\n", encoding="utf-8")
