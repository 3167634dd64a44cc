"""spaCy's binary corpus format (``.spacy``, :class:`spacy.tokens.DocBin`).

Writing tokenises each text with spaCy's blank English tokenizer (what ``spacy train``
does with a blank ``en`` pipeline) and sets ``Doc.ents`` to the gold spans. A span not
on token boundaries cannot be an entity: it is left out and reported.

A ``.spacy`` file is one compressed blob by spaCy's design, so a single-file export
holds the corpus's token arrays until the end (only the attributes NER needs, about 40
bytes a token). Give a folder instead (no ``.spacy`` suffix) and the writer flushes a
shard of ``SHARD_SIZE`` documents at a time, in constant memory; ``spacy train``
reads a folder of ``.spacy`` files as one corpus.

Reading loads the file (the format cannot be streamed) and yields one ``done`` record
per ``Doc`` with its entities as spans; ``\\r\\n`` in a text becomes ``\\n`` with offsets
moved accordingly.
"""

from __future__ import annotations

import zlib
from pathlib import Path
from typing import Iterator

from ..errors import InputError
from ..status import Status
from ..types import Record, Span
from .base import Newlines, Problem, off_tokens
from .tokenization import align, blank_nlp, make_doc

ATTRS = ["ORTH", "SPACY", "ENT_IOB", "ENT_TYPE", "SENT_START"]
SHARD_SIZE = 1000


def read(path: Path) -> Iterator[Record]:
    from spacy.tokens import DocBin

    try:
        data = path.read_bytes()
    except OSError as err:
        raise InputError(f"cannot read file: {err.strerror}", path=path) from None
    if not data:
        raise InputError("empty file: nothing to import", path=path, line=1)
    _check_one_blob(data, path)
    try:
        docs = list(DocBin().from_bytes(data).get_docs(blank_nlp().vocab))
    except Exception as err:  # noqa: BLE001 - spaCy raises ValueError/zlib.error/msgpack errors
        raise InputError(f"not a spaCy DocBin (.spacy) file ({type(err).__name__})",
                         path=path) from None
    for number, doc in enumerate(docs, 1):
        newlines = Newlines(doc.text)
        spans = [Span(e.start_char, e.end_char, e.label_, "import") for e in doc.ents]
        yield Record(text=newlines.text, spans=newlines.spans(spans, path, number),
                     status=Status.DONE, line=number)


def _check_one_blob(data: bytes, path: Path) -> None:
    """A ``.spacy`` file is one zlib stream. zlib (and so spaCy) reads the first and
    ignores whatever follows, so two files concatenated would import as the first
    alone: refused, naming the byte where the extra data starts."""
    inflater = zlib.decompressobj()
    chunk = data
    try:
        while True:  # in bounded steps: a small file may inflate to a lot
            inflater.decompress(chunk, 1 << 24)
            chunk = inflater.unconsumed_tail
            if inflater.eof or not chunk:
                break
    except zlib.error:
        return  # not zlib at all: DocBin's own refusal below says so
    if inflater.eof and inflater.unused_data:
        end = len(data) - len(inflater.unused_data)
        raise InputError("more data after the end of the DocBin (two .spacy files "
                         "concatenated?): a file holds one DocBin; import each as its own "
                         "file", path=path, offset=end)


class DocBinWriter:
    """Collects ``Doc`` objects and writes them on ``close`` (one file), or every
    ``SHARD_SIZE`` documents (a folder of shards)."""

    def __init__(self, out: Path, sharded: bool = False) -> None:
        from spacy.tokens import DocBin

        self._DocBin = DocBin
        self.out = out
        self.sharded = sharded
        self.shard = 0
        self.docbin = DocBin(attrs=ATTRS)
        if sharded:
            out.mkdir(parents=True, exist_ok=True)

    def write(self, record: Record, doc_id: int) -> list[Problem]:
        doc = make_doc(record.text)
        aligned, misaligned = align(doc, record.spans)
        doc.ents = [sp for _, sp in aligned]
        self.docbin.add(doc)
        if self.sharded and len(self.docbin) >= SHARD_SIZE:
            self._flush()
        return off_tokens(doc_id, misaligned, dropped=True)

    def _flush(self) -> None:
        if self.sharded:
            if len(self.docbin):
                self.docbin.to_disk(self.out / f"{self.shard:05d}.spacy")
                self.shard += 1
            self.docbin = self._DocBin(attrs=ATTRS)
        else:
            self.docbin.to_disk(self.out)

    def close(self) -> None:
        self._flush()


def training_config(train: Path, dev: Path) -> str:
    """A training config for a blank English NER pipeline (spaCy's own
    ``init config --pipeline ner``, efficiency preset), its corpus paths set to the
    exported files, so ``python -m spacy train CONFIG`` runs as it is. The caller
    writes it (through :mod:`goldspan.core.outputs`, like every output)."""
    from spacy.cli.init_config import init_config

    config = init_config(lang="en", pipeline=["ner"], optimize="efficiency", gpu=False)
    set_corpus_paths(config, train, dev)
    return config.to_str()


def set_corpus_paths(config, train: Path, dev: Path) -> None:  # type: ignore[no-untyped-def]
    """Put the corpus paths in a spaCy config exactly, or refuse in one line. "${"
    starts a variable there: a corpus under a folder named "a ${x}" gave a config spaCy
    refused to load ("spaCy training failed: Config validation error" from ``train``).
    Escaped, then read back to be sure; shared by ``export --config`` and ``train``."""
    from thinc.api import Config

    from ..errors import OutputError

    config["paths"]["train"] = str(train).replace("${", "$${")
    config["paths"]["dev"] = str(dev).replace("${", "$${")
    try:
        back = Config().from_str(config.to_str())["paths"]
        ok = (back["train"], back["dev"]) == (str(train), str(dev))
    except Exception:  # noqa: BLE001 - confection raises several kinds
        ok = False
    if not ok:
        raise OutputError("spaCy's config cannot hold this path exactly (it reads '${' as "
                          "the start of a variable); choose a path without it", path=train)
