"""brat standoff: ``name.txt`` holds the text, ``name.ann`` its annotations.

Only text-bound ``T`` lines with one contiguous range become spans (``done``, as brat
has no status). Every other line (relations ``R``, events ``E``, attributes ``A``,
normalisations ``N``, notes ``#``, equivalences ``*``, discontinuous ``T`` ranges) is
kept in ``meta["brat"]["other"]`` and reported by the importer, and each entity's ``T``
id in ``meta["brat"]["ids"]``. Writing gives every entity still at its offsets its old
id (a relabelled one too), new entities the next free numbers, and writes the other
lines back; a line that refers to an entity no longer there (deleted, or its offsets
changed) is left out and reported, never written pointing at the wrong entity.

brat offsets count characters of the ``.txt`` as it is on disk; a ``\\r\\n`` there
becomes ``\\n`` and offsets after it move back by one. The text a ``T`` line quotes
must be the text at its offsets, else the pair is refused (wrong file or encoding).

Writing puts ``<id>.txt`` and ``<id>.ann`` per document in a folder, plus an
``annotation.conf`` listing the labels.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Iterator

from ..errors import InputError
from ..model import Record, Span
from ..textio import BOM, decode
from .base import Newlines, Problem, check_spans, iter_lines

# ASCII digits only: str.isdigit() is true of "²", which int() refuses.
_DIGITS = re.compile(r"[0-9]+")
_ID = re.compile(r"[TERAMN#][0-9]+")


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
    newlines = Newlines(raw)  # spans checked, and refused, in the file's own offsets
    text, fix = newlines.text, newlines.offset
    spans: list[Span] = []
    file_spans: list[Span] = []
    other: list[str] = []
    ids: dict[str, list[int]] = {}
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
            other.append(_moved(line, fix))  # discontinuous: no place for it in goldspan
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
        file_spans.append(Span(start, end, label, "import"))
        check_spans(raw, file_spans, ann, number)  # names the line of the overlapping span
        span = newlines.span(file_spans[-1], ann, number)
        spans.append(span)
        ids[parts[0]] = [span.start, span.end]
    brat: dict[str, object] = {"name": txt.stem, "ids": ids}
    if other:
        brat["other"] = other
    meta = {"brat": brat}
    yield Record(text=text, spans=check_spans(text, spans, ann, None), status="done",
                 meta=meta, source=str(txt), line=1)


def _moved(line: str, fix) -> str:  # type: ignore[no-untyped-def]
    """A discontinuous ``T`` line with its offsets in the text as goldspan keeps it
    (``\\r\\n`` read as ``\\n``)."""
    parts = line.split("\t")
    head, _, ranges = parts[1].partition(" ")
    try:
        moved = ";".join(" ".join(str(fix(int(x))) for x in r.split(" ")) for r in ranges.split(";"))
    except ValueError:
        return line
    return "\t".join([parts[0], f"{head} {moved}", *parts[2:]])


def _refs(line: str) -> list[str]:
    """The ids a kept line refers to (``Arg1:T3``, ``Role:E2``, ``T3``...)."""
    parts = line.split("\t")
    if len(parts) < 2 or parts[0].startswith("T"):
        return []  # a discontinuous entity refers to nothing
    out = []
    for token in parts[1].split(" ")[1:] if not parts[0].startswith("E") else parts[1].split(" "):
        ref = token.rpartition(":")[2]
        if _ID.fullmatch(ref):
            out.append(ref)
    return out


class BratWriter:
    """A folder of ``.txt``/``.ann`` pairs and an ``annotation.conf``."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        folder.mkdir(parents=True, exist_ok=True)
        self.labels: dict[str, None] = {}

    def write(self, record: Record, doc_id: int) -> list[Problem]:
        name = f"{doc_id:06d}"
        (self.folder / f"{name}.txt").write_text(record.text, encoding="utf-8", newline="\n")
        brat = record.meta.get("brat") if isinstance(record.meta, dict) else None
        brat = brat if isinstance(brat, dict) else {}
        old_ids = brat.get("ids") if isinstance(brat.get("ids"), dict) else {}
        other = [x for x in brat.get("other") or [] if isinstance(x, str)]
        by_bounds: dict[tuple[int, int], str] = {}
        for tid, bounds in old_ids.items():
            if isinstance(bounds, list) and len(bounds) == 2:
                by_bounds.setdefault((bounds[0], bounds[1]), tid)
        own = {line.split("\t", 1)[0] for line in other}
        numbers = [int(t[1:]) for t in [*old_ids, *own] if re.fullmatch(r"T[0-9]+", t)]
        next_number = max(numbers, default=0) + 1
        lines = []
        alive = set(own)
        for s in record.spans:
            tid = by_bounds.pop((s.start, s.end), None)
            if tid is None:
                tid = f"T{next_number}"
                next_number += 1
            alive.add(tid)
            quoted = record.text[s.start:s.end].replace("\n", " ")
            lines.append(f"{tid}\t{s.label} {s.start} {s.end}\t{quoted}")
            self.labels[s.label] = None
        problems: list[Problem] = []
        kept = list(other)
        while True:  # dropping an event may orphan an attribute on it: until stable
            gone = [line for line in kept if any(r not in alive for r in _refs(line))]
            if not gone:
                break
            for line in gone:
                kept.remove(line)
                alive.discard(line.split("\t", 1)[0])
                missing = next(r for r in _refs(line) if r not in alive)
                a, b = old_ids.get(missing, [0, 0]) if isinstance(old_ids.get(missing), list) else (0, 0)
                problems.append(Problem(doc_id, a, b, line.split("\t", 1)[0],
                                        f"brat line refers to {missing}, no longer an entity "
                                        f"here: {line[:60]!r}", True))
        (self.folder / f"{name}.ann").write_text("".join(x + "\n" for x in [*lines, *kept]),
                                                 encoding="utf-8", newline="\n")
        return problems

    def close(self) -> None:
        conf = ["[entities]", *self.labels, "[relations]", "[events]", "[attributes]"]
        (self.folder / "annotation.conf").write_text("\n".join(conf) + "\n", encoding="utf-8")
