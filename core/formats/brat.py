"""brat standoff: ``name.txt`` holds the text, ``name.ann`` its annotations.

Text-bound ``T`` lines become spans (``done``, as brat has no status): those with one
contiguous range, and those whose fragments are separated only by whitespace holding a
line break (brat, and goldspan's writer, split an entity at line breaks because a
``.ann`` line cannot hold one: it is read back as the one entity it was). Every other
line (relations ``R``, events ``E``, attributes ``A``, normalisations ``N``, notes
``#``, equivalences ``*``, genuinely discontinuous ``T`` ranges) is kept in
``meta["brat"]["other"]`` and reported by the importer, and each entity's ``T`` id in
``meta["brat"]["ids"]``. Writing gives every entity still at its offsets its old id (a
relabelled one too), new entities the next free numbers, and writes the other lines
back; a line that refers to an entity no longer there (deleted, or its offsets changed)
is left out and reported, never written pointing at the wrong entity.

brat offsets count characters of the ``.txt`` as it is on disk; a ``\\r\\n`` there
becomes ``\\n`` and offsets after it move back by one. The text a ``T`` line quotes
(the rest of the line after the second tab, tabs included) must be the text at its
offsets, else the pair is refused (wrong file or encoding).

Writing puts ``<id>.txt`` and ``<id>.ann`` per document in a folder, plus an
``annotation.conf`` listing the labels. It is exact or refuses, naming the label or the
entity and the document: a label must be a brat type name (``[A-Za-z0-9_-]``, not only
hyphens: brat rewrites anything else in its configuration, and a space ends the type
field), an entity may hold line breaks (written as fragments) but not start or end
with one, and a text must not be only whitespace or start with U+FEFF (neither reads
back from a ``.txt``).
"""

from __future__ import annotations

import re
from itertools import pairwise
from pathlib import Path
from typing import Any, Callable, Iterator

from ..errors import InputError
from ..status import Status
from ..types import Record, Span
from ..textio import BOM, decode
from .base import FileNames, Newlines, Problem, check_spans, check_txt_text, iter_lines

# ASCII digits only: str.isdigit() is true of "²", which int() refuses; at most 18 of
# them: a longer offset is past the end of any text, and int() refuses 4,300 digits.
_DIGITS = re.compile(r"[0-9]{1,18}")
_ID = re.compile(r"[TERAMN#][0-9]+")
# What brat's configuration keeps of a type name (projectconfig.normalize_to_storage_form).
BRAT_TYPE = re.compile(r"[A-Za-z0-9_-]+")
# brat reads a .ann with Python's line splitting (str.splitlines): any of these ends a line.
LINE_BREAKS = frozenset("\n\r\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029")
DISCONT_SEP = " "  # brat quotes the fragments of an entity joined by one space


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
        parts = line.split("\t", 2)  # the quoted text is the rest of the line, tabs and all
        if len(parts) < 2:
            raise InputError("T line should be 'T<n><TAB>LABEL START END<TAB>text'",
                             path=ann, line=number)
        label, _, offsets = parts[1].partition(" ")
        if ";" in offsets:
            hull = _line_broken(offsets, parts[2] if len(parts) > 2 else None, raw)
            if hull is None:
                other.append(_moved(line, fix))  # discontinuous: no place for it in goldspan
                continue
            start, end = hull
            check_spans(raw, [Span(start, end, label)], ann, number)
        else:
            head = offsets.split(" ")
            if not label or len(head) != 2 or not _DIGITS.fullmatch(head[0]) \
                    or not _DIGITS.fullmatch(head[1]):
                raise InputError("T line should give 'LABEL START END' (offsets of at most 18 "
                                 f"digits), not {parts[1][:60]!r}", path=ann, line=number)
            start, end = int(head[0]), int(head[1])
            check_spans(raw, [Span(start, end, label)], ann, number)
            # an earlier goldspan wrote a line break inside an entity as a space
            if len(parts) > 2 and parts[2] != raw[start:end] \
                    and parts[2] != raw[start:end].replace("\n", " "):
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
    yield Record(text=text, spans=check_spans(text, spans, ann, None), status=Status.DONE,
                 meta=meta, source=str(txt), line=1)


def _line_broken(offsets: str, quoted: str | None, raw: str) -> tuple[int, int] | None:
    """The one entity a discontinuous ``T`` line stands for when its fragments are
    separated only by whitespace holding a line break: brat itself splits an entity at
    line breaks (a ``.ann`` line cannot hold one) and trims the whitespace around them,
    and goldspan's writer does the same. Returns its (start, end) in the file's text, or
    None for a genuinely discontinuous entity (kept in meta, as before)."""
    ranges: list[tuple[int, int]] = []
    for part in offsets.split(";"):
        pair = part.split(" ")
        if len(pair) != 2 or not all(_DIGITS.fullmatch(x) for x in pair):
            return None
        a, b = int(pair[0]), int(pair[1])
        if not a < b <= len(raw) or (ranges and a < ranges[-1][1]):
            return None
        ranges.append((a, b))
    for (_, b), (a, _) in pairwise(ranges):
        gap = raw[b:a]
        if not gap.isspace() or not any(ch in LINE_BREAKS for ch in gap):
            return None
    if quoted is not None and quoted != DISCONT_SEP.join(raw[a:b] for a, b in ranges):
        return None
    return ranges[0][0], ranges[-1][1]


def _fragments(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """An entity as brat writes one that holds line breaks: the runs of text between
    them (each a fragment ``a b``), so that :func:`_line_broken` reads back exactly
    ``start``-``end``. Only possible when the entity neither starts nor ends with a line
    break; the caller refuses that case."""
    out: list[tuple[int, int]] = []
    run = start
    for i in range(start, end):
        if text[i] in LINE_BREAKS:
            if run < i:
                out.append((run, i))
            run = i + 1
    if run < end:
        out.append((run, end))
    return out


def check_type(label: str, doc_id: int) -> None:
    """Refuse a label brat cannot hold exactly, naming it and the document. A type is
    one space-free field of a ``.ann`` line, and brat's configuration keeps only
    ``[A-Za-z0-9_-]`` in a type name (it rewrites others to ``_``, and a line of
    hyphens is a separator), so only such names go out."""
    if not BRAT_TYPE.fullmatch(label) or not label.strip("-"):
        raise InputError(
            f"document {doc_id}: brat cannot hold the label {label[:40]!r}: brat type names "
            "are ASCII letters, digits, _ and - (brat rewrites other characters, and a space "
            "ends the type); rename it (Project -> Labels, or goldspan labels --rename OLD NEW) or "
            "export another format")


def _moved(line: str, fix: Callable[[int], int]) -> str:
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


def _check_text(text: str, doc_id: int) -> None:
    check_txt_text(text, doc_id, "a brat .txt")


def _text_bound(text: str, s: Span, doc_id: int) -> str:
    """``START END<TAB>text`` of a ``T`` line, exact: an entity holding a line break is
    written as brat writes one, fragments between the breaks (``0 3;4 8``) quoted with
    single spaces between them; one starting or ending with a line break is refused."""
    quoted = text[s.start:s.end]
    if not any(ch in LINE_BREAKS for ch in quoted):
        return f"{s.start} {s.end}\t{quoted}"
    if quoted[0] in LINE_BREAKS or quoted[-1] in LINE_BREAKS:
        raise InputError(f"document {doc_id}, offset {s.start}-{s.end} ({s.label}): brat cannot "
                         "hold an entity that starts or ends with a line break; export "
                         "another format or fix the entity")
    frags = _fragments(text, s.start, s.end)
    return (";".join(f"{a} {b}" for a, b in frags) + "\t"
            + DISCONT_SEP.join(text[a:b] for a, b in frags))


class BratWriter:
    """A folder of ``.txt``/``.ann`` pairs and an ``annotation.conf``."""

    def __init__(self, folder: Path, by_annotator: bool = False) -> None:
        self.folder = folder
        self.names = FileNames(by_annotator)
        folder.mkdir(parents=True, exist_ok=True)
        self.labels: dict[str, None] = {}

    def write(self, record: Record, doc_id: int) -> list[Problem]:
        _check_text(record.text, doc_id)
        name = self.names(record, doc_id)
        (self.folder / f"{name}.txt").write_text(record.text, encoding="utf-8", newline="\n")
        brat = record.meta.get("brat") if isinstance(record.meta, dict) else None
        brat = brat if isinstance(brat, dict) else {}
        ids = brat.get("ids")
        old_ids: dict[str, Any] = ids if isinstance(ids, dict) else {}
        other = [x for x in brat.get("other") or [] if isinstance(x, str)]
        by_bounds: dict[tuple[int, int], str] = {}
        for old_tid, bounds in old_ids.items():
            if isinstance(bounds, list) and len(bounds) == 2:
                by_bounds.setdefault((bounds[0], bounds[1]), old_tid)
        own = {line.split("\t", 1)[0] for line in other}
        numbers = [int(t[1:]) for t in [*old_ids, *own] if re.fullmatch(r"T[0-9]+", t)]
        next_number = max(numbers, default=0) + 1
        lines = []
        alive = set(own)
        for s in record.spans:
            check_type(s.label, doc_id)
            tid = by_bounds.pop((s.start, s.end), None)
            if tid is None:
                tid = f"T{next_number}"
                next_number += 1
            alive.add(tid)
            lines.append(f"{tid}\t{s.label} {_text_bound(record.text, s, doc_id)}")
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
