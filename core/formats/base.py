"""What every format module shares: streaming line readers that decode and locate
errors, span validation, and the writer protocol.

Readers are generators over :class:`~goldspan.core.model.Record`; they read a file line
by line (a 50 MB export never sits in memory whole) and refuse bad input with one
:class:`~goldspan.core.errors.InputError` naming the file, the 1-based line and the
reason. Writers take one record at a time and report, rather than shift, spans they
cannot represent.
"""

from __future__ import annotations

import json
import math
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterator, Protocol, Sequence

from ..errors import GoldspanError, InputError
from ..model import Record, Span, sorted_spans
from ..textio import decode


class Cancelled(GoldspanError):
    """The user cancelled a long import or export; nothing was kept."""

    code = "E150"


@dataclass(frozen=True)
class Problem:
    """A span a writer left out or wrote as it is, said to the user by document and
    offset (never silently shifted)."""

    document_id: int
    start: int
    end: int
    label: str
    reason: str
    dropped: bool

    def __str__(self) -> str:
        what = "left out" if self.dropped else "written as it is"
        return (f"document {self.document_id}, offset {self.start}-{self.end} ({self.label}): "
                f"{self.reason}; {what}")


class Writer(Protocol):
    """A format writer: ``write`` one document's version, ``close`` to finish the file."""

    def write(self, record: Record, doc_id: int) -> list[Problem]: ...

    def close(self) -> None: ...


def iter_lines(path: Path) -> Iterator[tuple[int, str]]:
    """Yield ``(line_number, text)`` for each line of a UTF-8 file, 1-based, newline
    stripped (``\\r\\n`` too). Invalid UTF-8 is refused with its line and byte offset;
    an empty file (nothing but whitespace) is refused too."""
    offset = 0
    seen = False
    try:
        fh = open(path, "rb")
    except OSError as err:
        raise InputError(f"cannot read file: {err.strerror}", path=path) from None
    with fh:
        for number, raw in enumerate(fh, 1):
            try:
                line = decode(raw, path)
            except InputError as err:
                raise InputError(err.message, path=path, line=number,
                                 offset=offset + (err.offset or 0)) from None
            offset += len(raw)
            line = line.rstrip("\n")
            if line.strip():
                seen = True
            yield number, line
    if not seen:
        raise InputError("empty file: nothing to import", path=path, line=1)


def iter_json_lines(path: Path) -> Iterator[tuple[int, Any]]:
    """Yield ``(line_number, value)`` from JSONL. Blank lines are skipped. A record
    pretty-printed over several lines (doccano's relation example is one) is read too:
    a line holding only ``{`` starts a record that ends at a line holding only ``}``.
    """
    buf: list[str] = []
    start = 0
    for number, line in iter_lines(path):
        if buf:
            buf.append(line)
            if line.rstrip() in ("}", "},"):
                text = "\n".join(buf).rstrip().rstrip(",")
                buf = []
                yield start, _loads(text, path, start)
            continue
        stripped = line.strip()
        if not stripped:
            continue
        if stripped == "{":
            buf, start = [line], number
            continue
        yield number, _loads(stripped, path, number)
    if buf:
        raise InputError("invalid JSON: a record is not closed before the end of the file",
                         path=path, line=start)


def _loads(text: str, path: Path, line: int) -> Any:
    try:
        value = json.loads(text)
    except json.JSONDecodeError as err:
        raise InputError(f"invalid JSON ({err.msg} at column {err.colno})", path=path,
                         line=line + err.lineno - 1) from None
    except (ValueError, RecursionError) as err:
        raise InputError(_json_limit(err), path=path, line=line) from None
    check_unicode(value, text, path, line)
    return value


def _json_limit(err: Exception) -> str:
    """The message for JSON that parses but that Python will not hold: an integer of
    thousands of digits (ValueError) or arrays nested thousands deep (RecursionError)."""
    if isinstance(err, RecursionError):
        return "invalid JSON: nested too deeply; a record should be an object of plain values"
    return "invalid JSON: a number has too many digits"


_SURROGATE_ESCAPE = re.compile(r"\\u[dD][89a-fA-F]")


def check_unicode(value: Any, source: str, path: Path, line: int | None) -> None:
    """Refuse a record whose ``\\uXXXX`` escapes make a lone surrogate: Python's json
    accepts it, but it is not a character and no UTF-8 text (nor SQLite) can hold it.
    Only records whose source holds such an escape are re-checked (cheap for the rest;
    an escaped emoji is a valid pair and passes)."""
    if "\\u" not in source or not _SURROGATE_ESCAPE.search(source):
        return
    try:
        json.dumps(value, ensure_ascii=False).encode("utf-8")
    except UnicodeEncodeError as err:
        bad = err.object[err.start:err.end]
        raise InputError(f"invalid JSON: the escape \\u{ord(bad[0]):04x} is half of a "
                         "surrogate pair, not a character; fix or remove it",
                         path=path, line=line) from None


def iter_json_array(path: Path, chunk_size: int = 1 << 16) -> Iterator[tuple[int, Any]]:
    """Yield ``(line_number, element)`` of a top-level JSON array, reading the file in
    chunks (Label Studio exports one array, often on one line). A file whose first
    character is not ``[`` is read as JSONL instead."""
    decoder = json.JSONDecoder()
    with open(path, "rb") as fh:
        head = fh.read(4096)
    first = head.lstrip(b"\xef\xbb\xbf \t\r\n")[:1]
    if first != b"[":
        yield from iter_json_lines(path)
        return
    text = ""
    line = 1
    pos = 0
    started = False
    eof = False
    byte_offset = 0
    pending = b""
    with open(path, "rb") as fh:

        def more() -> bool:
            nonlocal text, pending, byte_offset, eof
            raw = fh.read(chunk_size)
            if not raw:
                eof = True
                if pending:
                    decode(pending, path)  # raises with the offset of the bad byte
                return False
            data = pending + raw
            # Keep an incomplete UTF-8 sequence at the end for the next chunk.
            cut = len(data)
            for back in range(1, min(4, len(data)) + 1):
                b = data[-back]
                if b & 0xC0 != 0x80:
                    need = 1 if b < 0x80 else 2 if b >> 5 == 6 else 3 if b >> 4 == 14 else 4
                    if need > back:
                        cut = len(data) - back
                    break
            try:
                chunk = decode(data[:cut], path)
            except InputError as err:
                raise InputError(err.message, path=path,
                                 offset=byte_offset + (err.offset or 0)) from None
            byte_offset += cut
            pending = data[cut:]
            text += chunk
            return True

        while True:
            # skip whitespace and separators
            while True:
                while pos < len(text) and text[pos] in " \t\n,\ufeff":
                    if text[pos] == "\n":
                        line += 1
                    pos += 1
                if pos < len(text) or not more():
                    break
            if pos >= len(text):
                raise InputError("invalid JSON: the array is not closed", path=path, line=line)
            if not started:
                if text[pos] != "[":
                    raise InputError("invalid JSON: expected '['", path=path, line=line)
                started = True
                pos += 1
                continue
            if text[pos] == "]":
                return
            while True:
                try:
                    value, end = decoder.raw_decode(text, pos)
                    if end >= len(text) and not eof and isinstance(value, (int, float)):
                        raise json.JSONDecodeError("number may continue", text, pos)
                    break
                except json.JSONDecodeError as err:
                    if not eof and more():
                        continue
                    bad_line = line + text.count("\n", pos, err.pos)
                    raise InputError(f"invalid JSON ({err.msg})", path=path,
                                     line=bad_line) from None
                except (ValueError, RecursionError) as err:
                    raise InputError(_json_limit(err), path=path, line=line) from None
            check_unicode(value, text[pos:end], path, line)
            yield line, value
            line += text.count("\n", pos, end)
            text = text[end:]
            pos = 0


def crlf_mapper(raw: str) -> tuple[str, Any]:
    """Normalise ``\\r\\n`` (and lone ``\\r``) to ``\\n`` and return the new text with a
    function mapping old offsets to new ones.

    JSON formats carry their text inside the record, so a ``\\r\\n`` there is kept out
    of the database as everywhere else (DESIGN: text is stored after newline
    normalisation), and every offset after it moves back by one per ``\\r\\n`` removed.
    An offset that falls between ``\\r`` and ``\\n`` maps to just after the new ``\\n``.
    """
    if "\r" not in raw:
        return raw, lambda o: o
    removed: list[int] = []  # positions (old offsets) of each removed \r
    for i, ch in enumerate(raw):
        if ch == "\r" and i + 1 < len(raw) and raw[i + 1] == "\n":
            removed.append(i)
    text = raw.replace("\r\n", "\n").replace("\r", "\n")

    import bisect

    def mapping(o: int) -> int:
        # an \r at position p is gone for every offset > p
        return o - bisect.bisect_left(removed, o)

    return text, mapping


def require(obj: Any, key: str, kind: type | tuple[type, ...], path: Path, line: int,
            what: str = "record") -> Any:
    """``obj[key]`` checked for presence and type, else one clear InputError."""
    if not isinstance(obj, dict):
        raise InputError(f"{what} is not a JSON object", path=path, line=line)
    if key not in obj:
        raise InputError(f"{what} has no {key!r} key", path=path, line=line)
    value = obj[key]
    if not isinstance(value, kind) or (kind is int and isinstance(value, bool)):
        names = kind.__name__ if isinstance(kind, type) else " or ".join(k.__name__ for k in kind)
        raise InputError(f"{what} key {key!r} should be {names}, not {type(value).__name__}",
                         path=path, line=line)
    return value


def score_value(value: Any) -> float | None:
    """A suggestion's score as a float, or None when it is missing or not a finite
    number (a score is advice, not data worth refusing a file over; an integer of 400
    digits does not fit a float)."""
    if not isinstance(value, (int, float)) or isinstance(value, bool):
        return None
    try:
        score = float(value)
    except OverflowError:
        return None
    return score if math.isfinite(score) else None


def offset_int(value: Any, name: str, path: Path, line: int) -> int:
    if not isinstance(value, int) or isinstance(value, bool):
        raise InputError(f"span {name} should be an integer, not {value!r}", path=path,
                         line=line)
    return value


def check_spans(text: str, spans: Sequence[Span], path: Path, line: int | None) -> list[Span]:
    """Refuse spans past the end of the text, with start >= end, with an empty label or
    overlapping one another; return them in start order."""
    n = len(text)
    for s in spans:
        if s.start < 0:
            raise InputError(f"span {s.start}-{s.end} ({s.label}) starts before the text",
                             path=path, line=line)
        if s.start >= s.end:
            raise InputError(f"span {s.start}-{s.end} ({s.label}): start >= end",
                             path=path, line=line)
        if s.end > n:
            raise InputError(
                f"span {s.start}-{s.end} ({s.label}) ends past the end of the text "
                f"({n} characters)", path=path, line=line)
        if not isinstance(s.label, str) or not s.label.strip():
            raise InputError(f"span {s.start}-{s.end} has an empty label", path=path, line=line)
    ordered = sorted_spans(spans)
    for a, b in zip(ordered, ordered[1:]):
        if b.start < a.end:
            raise InputError(
                f"overlapping spans {a.start}-{a.end} ({a.label}) and {b.start}-{b.end} "
                f"({b.label}) in one record", path=path, line=line)
    return ordered
