"""The formats goldspan reads and writes, each described once.

One :class:`Format` record per format says everything the rest of goldspan needs to
know about it: its name and aliases (``--format``), the extensions ``--format auto``
and the folder listing recognise, its reader, its writer factory, and what its files
can hold (a folder or one file, standard output, statuses, the annotator's name,
tokens). The command line's help, the Import and Export dialogs' lists and the options
they enable, ``--format auto`` detection and the exporter all read it; nothing else
lists formats. Adding a format is one module (``read(path)`` and a writer with
``write(record, doc_id)`` / ``close()``) and one :func:`register` line below.

The order of registration is the order every list shows, and the order detection
asks the formats that share an extension (``.txt``: brat, when a ``.ann`` lies
beside it, then CoNLL, then plain text; JSON: Label Studio, doccano, then Prodigy).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import Enum
from pathlib import Path
from typing import IO, Callable, Iterator, Union

from ..errors import InputError
from ..status import ANSWERED, EXPORTED, Status
from ..types import Record
from . import brat, conll, docbin, doccano, labelstudio, prodigy, text
from .base import WriteOptions, Writer, json_kind

ReadFn = Callable[[Path], Iterator[Record]]
StreamWriterFactory = Callable[[IO[str], WriteOptions], Writer]
PathWriterFactory = Callable[[Path, WriteOptions], Writer]


class Output(Enum):
    """What an export of the format is on disk."""

    STREAM = "stream"  # text written in order: one file, or standard output
    FILE = "file"  # one binary file the writer writes at a path
    FOLDER = "folder"  # a folder of files, one or two per document


class Tokens(Enum):
    """What the format's files hold of spaCy's tokens, which decides the one rule for a
    span that does not start and end on them (:func:`base.off_tokens`)."""

    NONE = "none"  # character offsets only: every span is written exactly, none reported
    CARRIED = "carried"  # offsets and tokens: such a span is written as it is, and reported
    REQUIRED = "required"  # tokens only: such a span is left out, and reported


@dataclass(frozen=True)
class Format:
    name: str  # what --format takes
    title: str  # what the dialogs show
    extensions: tuple[str, ...]  # read by --format auto; the first is what export writes
    read: ReadFn | None = None
    writer: Union[StreamWriterFactory, PathWriterFactory, None] = None
    aliases: tuple[str, ...] = ()
    # For an extension several formats share: does this file look like one of ours?
    # Formats without one are the fallback for their extensions.
    sniff: Callable[[Path], bool] | None = None
    output: Output = Output.STREAM
    shards: bool = False  # an output path without the extension is a folder of shards
    # The statuses a version can have in the file and read back with: a version in any
    # other is refused by the export rather than read back as done (--all-statuses).
    statuses: frozenset[Status] = field(default_factory=lambda: frozenset(EXPORTED))
    annotator: bool = False  # the file names each version's annotator
    labels: bool = True  # the file holds labels (plain text holds none)
    tokens: Tokens = Tokens.NONE
    options: frozenset[str] = frozenset()  # export options of this format alone

    @property
    def stdout(self) -> bool:
        """Whether ``--out -`` can take it: text written in order, no folder, no binary."""
        return self.output is Output.STREAM

    @property
    def extension(self) -> str:
        """The extension an export file gets ("" for a folder)."""
        return "" if self.output is Output.FOLDER or not self.extensions else self.extensions[0]


_FORMATS: dict[str, Format] = {}


def register(fmt: Format) -> Format:
    """Add a format (a name or alias already taken is refused: two formats must never
    answer to one ``--format``)."""
    taken = {n for f in _FORMATS.values() for n in (f.name, *f.aliases)} | {"auto"}
    clash = [n for n in (fmt.name, *fmt.aliases) if n in taken]
    if clash:
        raise ValueError(f"format name {clash[0]!r} is taken")
    _FORMATS[fmt.name] = fmt
    return fmt


def unregister(name: str) -> None:
    del _FORMATS[name]


def formats() -> list[Format]:
    """Every format, in registration order."""
    return list(_FORMATS.values())


def readable() -> list[Format]:
    return [f for f in _FORMATS.values() if f.read is not None]


def writable() -> list[Format]:
    return [f for f in _FORMATS.values() if f.writer is not None]


def names(fmts: list[Format]) -> str:
    return ", ".join(f.name for f in fmts)


def get(name: str) -> Format:
    """The format a ``--format`` value names (any case, or an alias); one clear line
    naming the choices when none does."""
    key = name.lower()
    for f in _FORMATS.values():
        if key == f.name or key in f.aliases:
            return f
    raise InputError(f"unknown format {name!r}: use auto, {names(formats())}")


def extensions() -> set[str]:
    """Every extension some format reads (a folder's other files are left out)."""
    return {e for f in readable() for e in f.extensions}


def candidates(path: Path) -> list[Format]:
    ext = path.suffix.lower()
    return [f for f in readable() if ext in f.extensions]


def _json(kind: str) -> Callable[[Path], bool]:
    return lambda path: json_kind(path) == kind


def _brat_pair(path: Path) -> bool:
    return path.with_suffix(".ann").exists()


# ---------------------------------------------------------------- the formats
register(Format(
    "prodigy", "Prodigy NER JSONL", (".jsonl", ".json", ".ndjson"), prodigy.read,
    lambda fh, o: prodigy.ProdigyWriter(fh), aliases=("jsonl",),
    statuses=frozenset(ANSWERED), annotator=True, tokens=Tokens.CARRIED))
register(Format(
    "doccano", "doccano JSONL", (".jsonl", ".json", ".ndjson"), doccano.read,
    lambda fh, o: doccano.DoccanoWriter(fh), sniff=_json("doccano")))
register(Format(
    "labelstudio", "Label Studio JSON", (".json", ".jsonl", ".ndjson"), labelstudio.read,
    lambda fh, o: labelstudio.LabelStudioWriter(fh), aliases=("label-studio",),
    sniff=_json("labelstudio"), statuses=frozenset({Status.DONE, Status.SKIPPED}),
    annotator=True))
register(Format(
    "brat", "brat standoff (.txt + .ann)", (".ann", ".txt"), brat.read,
    lambda folder, o: brat.BratWriter(folder, o.by_annotator), sniff=_brat_pair, output=Output.FOLDER))
register(Format(
    "conll", "CoNLL / IOB (one token per line)",
    (".conll", ".iob", ".iob2", ".bio", ".biluo", ".conll03", ".ner", ".txt", ".tsv"),
    conll.read, lambda fh, o: conll.ConllWriter(fh, o.scheme), aliases=("iob",),
    sniff=conll.looks_like, tokens=Tokens.REQUIRED, options=frozenset({"scheme"})))
register(Format(
    "spacy", "spaCy DocBin (.spacy)", (".spacy",), docbin.read,
    lambda path, o: docbin.DocBinWriter(path, sharded=o.sharded), aliases=("docbin",),
    output=Output.FILE, shards=True, tokens=Tokens.REQUIRED, options=frozenset({"config"})))
register(Format(
    "txt", "Plain text (.txt, one article per file)", (".txt", ".tsv"), text.read,
    lambda folder, o: text.TextWriter(folder, o.by_annotator), aliases=("text",), output=Output.FOLDER,
    statuses=frozenset(Status), labels=False))
