"""Decoding of article text, once, at the border.

Text is decoded as strict UTF-8; a leading BOM is dropped; ``\\r\\n`` and lone ``\\r``
become ``\\n``. That is the only change goldspan ever makes to a text: offsets in the
database and in every export refer to the text after this step.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

from .errors import InputError

BOM = b"\xef\xbb\xbf"
COMPRESSED = ((b"\x1f\x8b", "gzip", "zcat"), (b"BZh", "bzip2", "bzcat"),
              (b"\xfd7zXZ\x00", "xz", "xzcat"), (b"(\xb5/\xfd", "zstd", "zstdcat"),
              (b"PK\x03\x04", "zip", "unzip -p"))


def compressed(head: bytes) -> tuple[str, str] | None:
    """(the compression, the command that decompresses to stdout) when ``head`` starts
    like a compressed file (goldspan reads none: a ``.jsonl.gz`` is refused as such,
    not as "invalid UTF-8 at offset 1")."""
    return next(((kind, cmd) for magic, kind, cmd in COMPRESSED if head.startswith(magic)),
                None)


SQLITE_MAGIC = b"SQLite format 3\x00"


def database_refusal(head: bytes) -> str | None:
    """Why a file that starts with ``head`` is not imported when it is an SQLite
    database (a goldspan file given to ``import``, by its name or with ``--format
    txt``), else None. Its pages may happen to be valid UTF-8 (a small file): it was
    then stored as an article's text."""
    if not head.startswith(SQLITE_MAGIC):
        return None
    return ("the file is an SQLite database, not a file of articles; bring a goldspan "
            "database's documents and versions in with goldspan merge FILE --db TARGET")


def compressed_refusal(kind: str, cmd: str, path: str | Path | None) -> str:
    return (f"the file is {kind}-compressed; goldspan reads uncompressed files: decompress "
            f"it first, or read it through a pipe with its format "
            f"(goldspan import <({cmd} {path or 'FILE'}) --format prodigy)")


def normalise_newlines(text: str) -> str:
    return text.replace("\r\n", "\n").replace("\r", "\n")


def decode(data: bytes, path: str | Path | None = None, *, drop_bom: bool = True) -> str:
    """Decode bytes as UTF-8 (BOM dropped), newlines normalised to ``\\n``.

    Invalid UTF-8 is refused naming the byte offset of the first bad byte in the file.
    ``drop_bom=False`` for a piece that is not the start of a file: there U+FEFF is a
    character of the data (a zero-width no-break space at a CoNLL token's start).
    """
    skip = 0
    if drop_bom and data.startswith(BOM):
        skip = len(BOM)
    try:
        text = data[skip:].decode("utf-8")
    except UnicodeDecodeError as err:
        packed = compressed(data) if drop_bom else None
        if packed is not None:
            raise InputError(compressed_refusal(*packed, path), path=path) from None
        if drop_bom and database_refusal(data):
            raise InputError(database_refusal(data) or "", path=path) from None
        raise InputError(
            f"not valid UTF-8 (byte 0x{data[skip + err.start]:02x}); "
            "convert the file to UTF-8 and import it again",
            path=path,
            offset=skip + err.start,
        ) from None
    return normalise_newlines(text)


def read_text(path: str | Path) -> str:
    p = Path(path)
    try:
        data = p.read_bytes()
    except OSError as err:
        raise InputError(f"cannot read file: {err.strerror}", path=p) from None
    return decode(data, p)


def text_hash(text: str) -> str:
    """The deduplication key of a document: sha256 of its (normalised) text."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def first_line(text: str, limit: int = 120) -> str:
    for line in text.split("\n", 20):
        line = line.strip()
        if line:
            return line[:limit]
    return text.strip()[:limit]
