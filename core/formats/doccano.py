"""doccano JSONL for sequence labelling.

Reading accepts the current export ``{"text", "label": [[start, end, "LABEL"], ...]}``,
doccano 1.x's ``"labels"`` list of the same shape, and the newer
``"entities": [{"start_offset", "end_offset", "label"}]``. doccano carries no status and
no annotator per record: a record with labels becomes a ``done`` version of the import's
annotator; a record with neither key is a task (document only). Other keys (``id``,
``Comments``, ``meta``...) are kept in the document's ``meta["doccano"]`` and written
back. The old ``"annotations"`` shape with numeric label ids is refused: its label names
are not in the file.

Newlines: ``\\r\\n`` in a text becomes ``\\n`` with offsets moved accordingly.
Writing uses the current ``label`` shape; offsets are characters, so every span is
written exactly and none is reported (the one rule: :func:`base.off_tokens`).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import IO, Any, Iterator

from ..errors import InputError
from ..status import Status
from ..types import Record, Span
from .base import Newlines, Problem, check_shape, iter_json_lines, offset_int, require

SPAN_KEYS = ("label", "labels", "entities")
DROPPED_KEYS = {"text", "label", "labels", "entities", "relations"}


def read(path: Path) -> Iterator[Record]:
    for line, obj in iter_json_lines(path):
        yield parse(obj, path, line)


def _triples(value: Any, key: str, path: Path, line: int) -> list[tuple[int, int, str]]:
    if not isinstance(value, list):
        raise InputError(f"{key!r} should be a list", path=path, line=line)
    out = []
    for item in value:
        if isinstance(item, dict):  # "entities" shape
            s = require(item, "start_offset", int, path, line, what="entity")
            e = require(item, "end_offset", int, path, line, what="entity")
            lab = require(item, "label", str, path, line, what="entity")
        elif isinstance(item, list) and len(item) == 3:
            s, e, lab = item
            if not isinstance(lab, str):
                raise InputError(f"label of {item!r} should be a string", path=path, line=line)
        else:
            raise InputError(f"{key!r} items should be [start, end, label], not {item!r}",
                             path=path, line=line)
        out.append((offset_int(s, "start", path, line), offset_int(e, "end", path, line), lab))
    return out


def parse(obj: Any, path: Path, line: int) -> Record:
    check_shape(obj, "doccano", path, line)
    raw = require(obj, "text", str, path, line)
    newlines = Newlines(raw)  # spans checked, and refused, in the file's own offsets
    text = newlines.text
    key = next((k for k in SPAN_KEYS if k in obj), None)
    if key is None and "annotations" in obj:
        raise InputError("doccano 1.x 'annotations' with numeric label ids: the label names "
                         "are not in the file; export from doccano as JSONL with label names",
                         path=path, line=line)
    extras = {k: v for k, v in obj.items() if k not in DROPPED_KEYS}
    rec = Record(text=text, meta={"doccano": extras} if extras else {}, line=line)
    if key is None:
        return rec
    triples = _triples(obj[key], key, path, line)
    rec.spans = newlines.spans([Span(s, e, lab, "import") for s, e, lab in triples], path, line)
    rec.status = Status.DONE
    return rec


class DoccanoWriter:
    def __init__(self, fh: IO[str]) -> None:
        self.fh = fh

    def write(self, record: Record, doc_id: int) -> list[Problem]:
        extras = record.meta.get("doccano", {}) if isinstance(record.meta, dict) else {}
        obj: dict[str, Any] = {}
        if "id" in extras:
            obj["id"] = extras["id"]
        obj["text"] = record.text
        obj["label"] = [[s.start, s.end, s.label] for s in record.spans]
        for k, v in extras.items():
            if k != "id":
                obj[k] = v
        self.fh.write(json.dumps(obj, ensure_ascii=False) + "\n")
        return []  # character offsets hold every span exactly: nothing to report

    def close(self) -> None:
        pass
