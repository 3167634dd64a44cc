"""What every format module shares: streaming line readers that decode and locate
errors, span validation, and the writer protocol.

Readers are generators over :class:`~goldspan.core.types.Record`; they read a file line
by line (a 50 MB export never sits in memory whole) and refuse bad input with one
:class:`~goldspan.core.errors.InputError` naming the file, the 1-based line and the
reason. Writers take one record at a time and report, rather than shift, spans they
cannot represent.
"""

from __future__ import annotations

import bisect
import contextlib
import errno
import json
import math
import operator
import re
from dataclasses import dataclass
from itertools import pairwise
from pathlib import Path
from typing import Any, BinaryIO, Iterable, Iterator, Protocol, Sequence

from ..errors import GoldspanError, InputError
from ..types import Record, Span
from ..textio import BOM, decode

BOM_CHAR = "\ufeff"


class Cancelled(GoldspanError):
    """The user cancelled a long import or export (or pressed Ctrl-C); nothing of the
    file being read was kept."""

    code = "E150"


@dataclass(frozen=True)
class Problem:
    """A span (or a line) a writer could not place exactly, said to the user by document
    and offset, never silently shifted: it was left out (``dropped``) or written as it
    is. ``off_tokens`` marks the commonest kind, a span off the tokens the file holds
    (see :func:`off_tokens`), which the export's summary counts apart."""

    document_id: int
    start: int
    end: int
    label: str
    reason: str
    dropped: bool
    off_tokens: bool = False

    def __str__(self) -> str:
        what = "left out" if self.dropped else "written as it is"
        return (f"document {self.document_id}, offset {self.start}-{self.end} ({self.label}): "
                f"{self.reason}; {what}")


def off_tokens(doc_id: int, spans: Iterable[Span], *, dropped: bool,
               tokens: str = "spaCy token") -> list[Problem]:
    """The one rule every writer follows for spans that do not start and end on the
    tokens its file holds: one :class:`Problem` per span, ``dropped`` when the format
    can only hold token spans (spaCy, CoNLL), written as it is when it holds character
    offsets beside the tokens (Prodigy's spans without ``token_start``/``token_end``).
    Formats that hold only character offsets have no tokens to miss and report
    nothing (the registry's :class:`~goldspan.core.formats.registry.Tokens` says
    which is which, and a test holds every registered writer to it)."""
    return [Problem(doc_id, s.start, s.end, s.label, f"not on {tokens} boundaries", dropped,
                    off_tokens=True) for s in spans]


@dataclass(frozen=True)
class WriteOptions:
    """What an export passes to every writer factory; each format uses what it needs."""

    scheme: str = "iob2"  # CoNLL's tag scheme (``source``: each document's own)
    sharded: bool = False  # spaCy: a folder of DocBin shards instead of one file
    by_annotator: bool = False  # folder formats: one file per version (``--all-versions``)


def check_txt_text(text: str, doc_id: int, what: str = "a .txt file") -> None:
    """A ``.txt`` that would not read back as this text is refused, naming the
    document: one of nothing but whitespace (an empty file to every reader), or one
    starting with U+FEFF (read as a byte order mark and dropped, moving every offset).
    Shared by the brat and the plain-text writers (the plain one wrote both, and the
    re-import dropped the mark, a new document, or refused the file as empty)."""
    if not text.strip():
        raise InputError(f"document {doc_id}: its text is only whitespace, which {what} "
                         "cannot hold (it reads back as an empty file); export another format")
    if text.startswith("\ufeff"):
        raise InputError(f"document {doc_id}: its text starts with U+FEFF, which {what} "
                         "cannot hold (readers drop it as a byte order mark, moving every "
                         "offset); export another format")


class FileNames:
    """The file name (without extension) of each record a folder writer writes:
    ``000012`` by document id, or ``000012.alice`` with ``by_annotator`` (``--all-versions``:
    two versions of one document were written to the same ``000012.txt``, the second
    replacing the first while the summary counted both). The annotator is
    percent-encoded (``a%2Fb`` for ``a/b``), so a name is a file name and two
    annotators never share one. A name taken twice is refused, never overwritten.

    Two names that differ only in case (``alice`` and ``ALICE``) are one file on the
    usual file systems of macOS and Windows: the second gets ``~2`` (the names are not
    read back: the annotator is in the file). A name whose encoding is longer than a
    file name may be (200 characters of ``é`` are 1,200 bytes; "File name too long"
    stopped the export) is cut and ends with a hash of the whole name."""

    MAX_BYTES = 200  # NAME_MAX is 255: room for an extension and a ``~N``

    def __init__(self, by_annotator: bool = False) -> None:
        self.by_annotator = by_annotator
        self.taken: set[str] = set()

    def __call__(self, record: Record, doc_id: int) -> str:
        name = f"{doc_id:06d}"
        if self.by_annotator:
            name += "." + self._encoded(record.annotator or "", self.MAX_BYTES - len(name) - 1)
        key = name.casefold()
        if key in self.taken and self.by_annotator:
            n = 2
            while f"{key}~{n}" in self.taken:
                n += 1
            name, key = f"{name}~{n}", f"{key}~{n}"
        if key in self.taken:
            raise InputError(f"document {doc_id}: a second version would be written to "
                             f"{name} in the same folder; export with --all-versions to "
                             "a folder format names each version's files by annotator")
        self.taken.add(key)
        return name

    @staticmethod
    def _encoded(annotator: str, room: int) -> str:
        import hashlib
        from urllib.parse import quote

        encoded = quote(annotator, safe="")
        if len(encoded) <= room:
            return encoded
        digest = hashlib.sha256(annotator.encode("utf-8")).hexdigest()[:12]
        head = encoded[:room - len(digest) - 1]
        cut = head.rfind("%")
        if cut >= len(head) - 2 and cut != -1:  # never half an escape
            head = head[:cut]
        return f"{head}~{digest}"


class Writer(Protocol):
    """A format writer: ``write`` one document's version, ``close`` to finish the file."""

    def write(self, record: Record, doc_id: int) -> list[Problem]: ...

    def close(self) -> None: ...


def open_input(path: Path) -> BinaryIO:
    """Open an input file for reading, a failure (permission denied, a file that
    vanished since it was listed, a folder) refused in one line with the OS's reason."""
    try:
        return open(path, "rb")
    except OSError as err:
        raise read_error(err, path) from None


def read_error(err: OSError, path: Path) -> InputError:
    """An OS error while reading an input file, as one line: the reason and the errno
    name (``EACCES``...), never the raw exception."""
    reason = err.strerror or str(err) or type(err).__name__
    name = errno.errorcode.get(err.errno or 0)
    return InputError(f"cannot read the file: {reason[:1].lower()}{reason[1:]}"
                      + (f" ({name})" if name else ""), path=path)


def iter_lines(path: Path, fh: BinaryIO | None = None) -> Iterator[tuple[int, str]]:
    """Yield ``(line_number, text)`` for each line of a UTF-8 file, 1-based, newline
    stripped (``\\r\\n`` too). Invalid UTF-8 is refused with its line and byte offset;
    an empty file (nothing but whitespace) is refused too. ``fh``: the file already
    open (a pipe can be opened only once), else ``path`` is opened."""
    offset = 0
    seen = False
    number = 0
    with (open_input(path) if fh is None else contextlib.nullcontext(fh)) as fh:
        try:
            for raw in fh:
                try:
                    # a byte order mark only at the start of the file: a line of a CoNLL
                    # file starting with U+FEFF is a token's character, which was dropped
                    text = decode(raw, path, drop_bom=offset == 0)
                except InputError as err:
                    raise InputError(err.message, path=path, line=number + 1,
                                     offset=offset + (err.offset or 0)) from None
                offset += len(raw)
                if text.endswith("\n"):
                    text = text[:-1]
                # A lone \r ends a line too (old Mac files, mixed endings): the file is
                # read in \n-terminated pieces, and a piece holding \r was one "line"
                # of several, of which a CoNLL reader kept the first token only.
                for line in text.split("\n"):
                    number += 1
                    if line.strip():
                        seen = True
                    yield number, line
        except OSError as err:  # an I/O error half-way (a disk, a network share)
            raise read_error(err, path) from None
    if not seen:
        raise InputError("empty file: nothing to import", path=path, line=1)


def iter_json_lines(path: Path, fh: BinaryIO | None = None) -> Iterator[tuple[int, Any]]:
    """Yield ``(line_number, value)`` from JSONL. Blank lines are skipped. A record
    pretty-printed over several lines (doccano's relation example is one) is read too:
    a line holding only ``{`` starts a record that ends at a line holding only ``}``.
    Each line (or pretty-printed record) must be exactly one JSON value: anything
    after it (a second record on the line) is refused with its line.
    """
    buf: list[str] = []
    start = 0
    for number, line in iter_lines(path, fh):
        if buf:
            buf.append(line)
            if line.rstrip() in ("}", "},"):
                text = "\n".join(buf).rstrip().rstrip(",")
                buf = []
                yield start, _loads(text, path, start)
            continue
        stripped = line.strip().lstrip(BOM_CHAR)  # files concatenated, each with its BOM:
        if not stripped:                          # no JSON value starts with U+FEFF
            continue
        if stripped == "{":
            buf, start = [line], number
            continue
        yield number, _loads(stripped, path, number)
    if buf:
        raise InputError("invalid JSON: a record is not closed before the end of the file",
                         path=path, line=start)


class NotJson(ValueError):
    """``NaN``, ``Infinity`` or ``-Infinity``: Python's json reads them, but they are
    not JSON (RFC 8259), SQLite's JSON functions refuse them, and a number that is not
    a number is no annotation data. Refused with the line, never stored."""

    def __init__(self, constant: str) -> None:
        super().__init__(constant)
        self.constant = constant


def _refuse_constant(name: str) -> Any:
    raise NotJson(name)


# One decoder for every JSON reader: NaN and Infinity refused (see NotJson).
DECODER = json.JSONDecoder(parse_constant=_refuse_constant)


def _not_json_message(err: NotJson) -> str:
    return (f"invalid JSON: {err.constant} is not a JSON number; write null (or a number) "
            "instead")


def _loads(text: str, path: Path, line: int) -> Any:
    try:
        value = DECODER.decode(text)
    except json.JSONDecodeError as err:
        if err.msg == "Extra data":
            raise InputError(f"invalid JSON: more data after the record at column {err.colno} "
                             "(one record per line)", path=path,
                             line=line + err.lineno - 1) from None
        raise InputError(f"invalid JSON ({err.msg} at column {err.colno})", path=path,
                         line=line + err.lineno - 1) from None
    except NotJson as err:
        raise InputError(_not_json_message(err), path=path, line=line) from None
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


@dataclass
class Meter:
    """What :func:`iter_json_array` did, in characters: handed to the JSON decoder
    (``scanned``, a failed attempt on an incomplete value included) and copied while
    building its buffer (``copied``). Both grow linearly with the file; a test checks
    that (no wall clock), because a task of 32 MB once cost 12 s here."""

    scanned: int = 0
    copied: int = 0

    @property
    def work(self) -> int:
        return self.scanned + self.copied


_WS = " \t\r\n"  # JSON's whitespace


class _ChunkBuffer:
    """Decoded text of a binary file, read on demand. ``more()`` reads at least as
    much again as is left unconsumed, so an incomplete value is retried on a buffer
    twice as long each time (total work linear in its size, where fixed-size chunks
    re-parsed a 32 MB task 500 times); consumed text is dropped only when a read
    happens, never by re-slicing after every value."""

    def __init__(self, fh: BinaryIO, path: Path, chunk_size: int, meter: Meter) -> None:
        self.fh = fh
        self.path = path
        self.chunk_size = chunk_size
        self.meter = meter
        self.text = ""
        self.pos = 0
        self.eof = False
        self.byte_offset = 0
        self.pending = b""

    def more(self) -> bool:
        """Append the next part of the file; False at the end of the file."""
        if self.eof:
            return False
        left = len(self.text) - self.pos
        try:
            raw = self.fh.read(max(self.chunk_size, 2 * left))
        except OSError as err:
            raise read_error(err, self.path) from None
        if not raw:
            self.eof = True
            if self.pending:
                self._decode(self.pending)  # raises with the offset of the bad byte
            return False
        data = self.pending + raw
        # Keep an incomplete UTF-8 sequence at the end for the next read.
        cut = len(data)
        for back in range(1, min(4, len(data)) + 1):
            b = data[-back]
            if b & 0xC0 != 0x80:
                need = 1 if b < 0x80 else 2 if b >> 5 == 6 else 3 if b >> 4 == 14 else 4
                if need > back:
                    cut = len(data) - back
                break
        chunk = self._decode(data[:cut])
        self.byte_offset += cut
        self.pending = data[cut:]
        self.text = self.text[self.pos:] + chunk if self.pos else self.text + chunk
        self.pos = 0
        self.meter.copied += len(self.text)
        return True

    def _decode(self, data: bytes) -> str:
        """Strict UTF-8; the BOM dropped at the start of the file only (a U+FEFF that
        falls at the start of a later read is a character of the data)."""
        skip = len(BOM) if self.byte_offset == 0 and data.startswith(BOM) else 0
        try:
            return data[skip:].decode("utf-8")
        except UnicodeDecodeError as err:
            raise InputError(
                f"not valid UTF-8 (byte 0x{data[skip + err.start]:02x}); convert the file to "
                "UTF-8 and import it again", path=self.path,
                offset=self.byte_offset + skip + err.start) from None

    def skip_space(self) -> int:
        """Move past whitespace (reading on as needed); returns the newlines passed."""
        lines = 0
        while True:
            text, pos = self.text, self.pos
            n = len(text)
            while pos < n and text[pos] in _WS:
                if text[pos] == "\n":
                    lines += 1
                pos += 1
            self.pos = pos
            if pos < n or not self.more():
                return lines

    def peek(self) -> str:
        """The next character, or "" at the end of the file."""
        return self.text[self.pos] if self.pos < len(self.text) else ""

    def value(self, line: int) -> tuple[Any, int]:
        """Decode the JSON value at the position, reading on while it is incomplete;
        returns it and the newlines inside it."""
        path = self.path
        while True:
            text, pos = self.text, self.pos
            self.meter.scanned += len(text) - pos
            try:
                value, end = DECODER.raw_decode(text, pos)
                if end >= len(text) and not self.eof and isinstance(value, (int, float)):
                    raise json.JSONDecodeError("number may continue", text, pos)
                break
            except json.JSONDecodeError as err:
                if _ran_out(err, len(text)) and self.more():
                    continue
                raise InputError(f"invalid JSON ({err.msg})", path=path,
                                 line=line + text.count("\n", pos, err.pos)) from None
            except NotJson as err:
                raise InputError(_not_json_message(err), path=path, line=line) from None
            except (ValueError, RecursionError) as err:
                raise InputError(_json_limit(err), path=path, line=line) from None
        if text.find("\\u", pos, end) >= 0:
            check_unicode(value, text[pos:end], path, line)
        self.pos = end
        return value, text.count("\n", pos, end)


def _ran_out(err: json.JSONDecodeError, end: int) -> bool:
    """Whether the decoder failed for want of more text (so reading on may help) rather
    than on a mistake: a bad task early in a large file is refused at once, without
    reading the rest of the file into memory first."""
    return err.msg.startswith("Unterminated string") or err.pos >= end - 12


def iter_json_array(path: Path, chunk_size: int = 1 << 16,
                    meter: Meter | None = None) -> Iterator[tuple[int, Any]]:
    """Yield ``(line_number, element)`` of a top-level JSON array, reading the file in
    chunks (Label Studio exports one array, often on one line). A file whose first
    character is not ``[`` is read as JSONL instead.

    The array must be the whole file: anything after its ``]`` (a second array
    concatenated to the first) is refused with its line, and so are a missing comma or
    a trailing one (not JSON). Work is linear in the file's size, for one huge task
    as for many small ones (``meter`` counts it)."""
    with open_input(path) as fh:  # opened once: a pipe cannot be opened again
        try:
            head = fh.peek(4096)[:4096]  # type: ignore[attr-defined]
        except OSError as err:
            raise read_error(err, path) from None
        first = head.lstrip(b"\xef\xbb\xbf \t\r\n")[:1]
        if first != b"[":
            yield from iter_json_lines(path, fh)
            return
        buf = _ChunkBuffer(fh, path, chunk_size, meter if meter is not None else Meter())
        line = 1 + buf.skip_space()
        buf.pos += 1  # the "[" seen above
        line += buf.skip_space()
        if buf.peek() == "]":
            buf.pos += 1
        else:
            while True:
                if not buf.peek():
                    raise InputError("invalid JSON: the array is not closed", path=path,
                                     line=line)
                value, inside = buf.value(line)
                yield line, value
                line += inside + buf.skip_space()
                ch = buf.peek()
                if ch == "]":
                    buf.pos += 1
                    break
                if not ch:
                    raise InputError("invalid JSON: the array is not closed", path=path,
                                     line=line)
                if ch != ",":
                    raise InputError(f"invalid JSON: expected ',' or ']' after a task, not "
                                     f"{ch!r}", path=path, line=line)
                buf.pos += 1
                line += buf.skip_space()
                if buf.peek() == "]":
                    raise InputError("invalid JSON: a ',' before the array's closing ']'",
                                     path=path, line=line)
        line += buf.skip_space()
        if buf.peek():
            raise InputError("more data after the end of the JSON array (two arrays in "
                             "one file?): a file holds one array; import each as its own "
                             "file", path=path, line=line)


class Newlines:
    """A text as a file gives it, and as goldspan stores it: ``\\r\\n`` and lone ``\\r``
    become ``\\n`` (docs/DESIGN.md: text is stored after newline normalisation), and every
    offset after a removed ``\\r`` moves back by one.

    Spans are checked in the file's own offsets (so a refusal quotes the numbers the
    user sees in the file) and then mapped. An offset between ``\\r`` and ``\\n``
    maps to the new ``\\n``; a span holding only the ``\\r`` of a ``\\r\\n`` would
    become empty and is refused, never silently dropped or counted."""

    def __init__(self, raw: str) -> None:
        self.raw = raw
        if "\r" not in raw:
            self.text = raw
            self._removed: list[int] = []
        else:
            # positions (in the file's text) of each \r removed
            self._removed = [m.start() for m in re.finditer("\r\n", raw)]
            self.text = raw.replace("\r\n", "\n").replace("\r", "\n")

    def offset(self, o: int) -> int:
        """A file offset as an offset into the stored text."""
        if not self._removed:
            return o
        return o - bisect.bisect_left(self._removed, o)

    def span(self, s: Span, path: Path, line: int | None) -> Span:
        """One span (file offsets, already checked against the file's text) mapped."""
        if not self._removed:
            return s
        a, b = self.offset(s.start), self.offset(s.end)
        if a >= b:
            raise InputError(
                f"span {s.start}-{s.end} ({s.label}) holds only the \\r of a \\r\\n, which "
                "becomes \\n: nothing of it would be left; remove it or fix its offsets",
                path=path, line=line)
        return Span(a, b, s.label, s.origin)

    def spans(self, spans: Sequence[Span], path: Path, line: int | None, *,
              overlaps: bool = False) -> list[Span]:
        """Check ``spans`` (file offsets) with :func:`check_spans` and map them, in
        start order. ``overlaps=True`` for suggestions, which may overlap (the mapping
        keeps order, so spans apart in the file stay apart)."""
        ordered = check_spans(self.raw, spans, path, line, overlaps=overlaps)
        return [self.span(s, path, line) for s in ordered]


def crlf_mapper(raw: str) -> tuple[str, Any]:
    """Normalise ``\\r\\n`` (and lone ``\\r``) to ``\\n`` and return the new text with a
    function mapping file offsets to new ones (see :class:`Newlines`, which also
    refuses spans that would vanish)."""
    nl = Newlines(raw)
    return nl.text, nl.offset


def head_lines(path: Path, n: int = 20) -> list[str]:
    """The first ``n`` non-blank lines of a file, stripped, for a look at its shape
    (``--format auto``); undecodable bytes are replaced, never refused here."""
    out: list[str] = []
    with open(path, "rb") as fh:
        for raw in fh:
            line = raw.decode("utf-8", "replace").strip()
            if line:
                out.append(line)
            if len(out) >= n:
                break
    return out


def json_kind(path: Path) -> str:
    """Which of the JSON formats a ``.json``/``.jsonl`` file holds, by a look at its
    first record: ``labelstudio`` (an array, or ``data`` with annotations), ``doccano``
    (``label``/``entities`` and no Prodigy keys), else ``prodigy``. Each JSON format's
    ``sniff`` in the registry asks this one function, so they never disagree."""
    with open(path, "rb") as fh:
        head = fh.read(1 << 16).decode("utf-8", "replace").lstrip("\ufeff \t\r\n")
    if head.startswith("["):
        return "labelstudio"
    first = head.split("\n", 1)[0].strip()
    try:
        obj = json.loads(first) if first != "{" else None
    except (ValueError, RecursionError):  # JSONDecodeError, 5,000-digit ints, deep nesting
        obj = None
    if obj is None:  # pretty-printed or truncated: look at the keys it mentions
        keys = set(re.findall(r'"(\w+)"\s*:', head))
    else:
        keys = set(obj) if isinstance(obj, dict) else set()
    if "data" in keys and ("annotations" in keys or "predictions" in keys or obj is not None):
        return "labelstudio"
    if keys & {"label", "labels", "entities", "annotations"} and not keys & {"spans", "answer"}:
        return "doccano"
    return "prodigy"


# What marks a record as one format's, for a forced --format that does not fit: each
# format's reader would otherwise read another's record as a plain task and drop its
# entities without a word (a Prodigy record read as doccano has no "label").
SHAPES = {
    "prodigy": ("Prodigy's 'spans' or 'answer'",
                lambda o: isinstance(o.get("spans"), list) or "answer" in o),
    "doccano": ("doccano's 'label' or 'entities' list",
                lambda o: any(isinstance(o.get(k), list) for k in ("label", "labels", "entities"))),
    "labelstudio": ("Label Studio's 'data' object", lambda o: isinstance(o.get("data"), dict)),
}


def check_shape(obj: Any, fmt: str, path: Path, line: int) -> None:
    """Refuse a record that carries another format's entities and none of ``fmt``'s:
    read as ``fmt`` it would become a bare document, its annotations lost."""
    if isinstance(obj, list) and fmt != "labelstudio":
        raise InputError("a JSON array where a record should be (Label Studio exports one "
                         "array of tasks: --format labelstudio)", path=path, line=line)
    if not isinstance(obj, dict) or SHAPES[fmt][1](obj):
        return
    for other, (what, test) in SHAPES.items():
        if other != fmt and test(obj):
            raise InputError(f"the record has {what}, not {SHAPES[fmt][0]}: read as {fmt} its "
                             f"entities would be lost; import it with --format {other} (or auto)",
                             path=path, line=line)


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


_SPAN_ORDER = operator.itemgetter(0, 1, 2)  # start, end, label: sorted_spans' order


def check_spans(text: str, spans: Sequence[Span], path: Path, line: int | None, *,
                overlaps: bool = False) -> list[Span]:
    """Refuse spans past the end of the text, with start >= end, with an empty label or
    (unless ``overlaps``) overlapping one another; return them in start order.

    Written for the common case (an import checks every span of every record): a span
    that passes costs one chained comparison; only a failing one is looked at again to
    say what is wrong."""
    n = len(text)
    for s in spans:
        start, end, label = s[0], s[1], s[2]
        if 0 <= start < end <= n and type(label) is str and label.strip():
            continue
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
    ordered = sorted(spans, key=_SPAN_ORDER)
    if not overlaps:
        refuse_overlaps(ordered, path, line)
    return ordered


def refuse_overlaps(ordered: Sequence[Span], path: Path, line: int | None) -> None:
    """Refuse the first two spans (in start order) that overlap, naming both."""
    for a, b in pairwise(ordered):
        if b.start < a.end:
            raise InputError(
                f"overlapping spans {a.start}-{a.end} ({a.label}) and {b.start}-{b.end} "
                f"({b.label}) in one record", path=path, line=line)
