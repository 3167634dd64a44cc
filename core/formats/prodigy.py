"""Prodigy NER JSONL (``ner_manual`` / ``ner.correct`` output, and task streams).

Reading: ``answer`` accept/reject/ignore becomes status done/rejected/skipped under the
annotator named by ``_annotator_id``, else ``_session_id`` (else the import's default);
a name that is not a string (``42``) is refused with its line, and every name follows
the naming rule (:func:`goldspan.core.labels.name_problem`), checked by the importer.
A record with no ``answer`` is a task: it creates the document, and its ``spans`` become
suggestions under the model named by ``meta["model"]`` (else ``"import"``). The record's
``meta``, ``_input_hash``, ``_task_hash`` and ``_view_id`` are kept in the document's
``meta["prodigy"]`` so an export writes them back. Tokens in the file are not kept:
offsets are characters, and the writer re-tokenises.

Newlines: a ``\\r\\n`` inside a text becomes ``\\n`` and span offsets after it move back
by one (see :func:`base.crlf_mapper`); every other character is kept as given.

Writing: ``tokens`` (with ``ws``) and each span's ``token_start``/``token_end``
(inclusive, Prodigy's convention) come from spaCy's blank English tokenizer. A span off
token boundaries is written with its character offsets only and reported.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import IO, Any, Iterator

from ..errors import InputError
from ..status import Status
from ..types import Record, Span, Suggestion
from .base import (Newlines, Problem, check_shape, check_spans, iter_json_lines, off_tokens,
                   offset_int, require, score_value)
from .tokenization import align, make_doc

ANSWER_TO_STATUS = {"accept": Status.DONE, "reject": Status.REJECTED, "ignore": Status.SKIPPED}
STATUS_TO_ANSWER: dict[str, str] = {v: k for k, v in ANSWER_TO_STATUS.items()}
KEPT_KEYS = ("meta", "_input_hash", "_task_hash", "_view_id")


def read(path: Path) -> Iterator[Record]:
    for line, obj in iter_json_lines(path):
        yield parse(obj, path, line)


def parse(obj: Any, path: Path, line: int) -> Record:
    check_shape(obj, "prodigy", path, line)
    raw = require(obj, "text", str, path, line)
    newlines = Newlines(raw)  # spans checked, and refused, in the file's own offsets
    text = newlines.text
    spans_raw = obj.get("spans") or []
    if not isinstance(spans_raw, list):
        raise InputError("'spans' should be a list", path=path, line=line)
    spans: list[Span] = []  # in the file's offsets
    scores: list[float | None] = []
    for sp in spans_raw:
        label = require(sp, "label", str, path, line, what="span")
        start = offset_int(require(sp, "start", int, path, line, what="span"), "start", path, line)
        end = offset_int(require(sp, "end", int, path, line, what="span"), "end", path, line)
        spans.append(check_spans(raw, [Span(start, end, label, "import")], path, line)[0])
        scores.append(score_value(sp.get("score")))
    meta = obj.get("meta") if isinstance(obj.get("meta"), dict) else {}
    kept = {k: obj[k] for k in KEPT_KEYS if k in obj}
    rec = Record(text=text, meta={"prodigy": kept} if kept else {}, line=line,
                 source=meta.get("source") if isinstance(meta.get("source"), str) else None)
    answer = obj.get("answer")
    if answer is None:
        rec.suggestions = [Suggestion(*newlines.span(s, path, line)[:3], sc)
                           for s, sc in zip(spans, scores, strict=True)]
        model = meta.get("model")
        rec.model = model if isinstance(model, str) and model else "import"
        return rec
    if not isinstance(answer, str) or answer not in ANSWER_TO_STATUS:
        raise InputError(f"unknown answer {answer!r}: expected accept, reject or ignore",
                         path=path, line=line)
    rec.status = ANSWER_TO_STATUS[answer]
    rec.spans = newlines.spans(spans, path, line)
    rec.annotator = _annotator(obj, path, line)
    return rec


def _annotator(obj: dict[str, Any], path: Path, line: int) -> str | None:
    """``_annotator_id``, else ``_session_id``: a name, or None when neither is there
    (null counts as absent). Anything else is refused rather than guessed: an id of
    ``42`` is not silently the import's default annotator, nor turned into "42"."""
    for key in ("_annotator_id", "_session_id"):
        value = obj.get(key)
        if value is None:
            continue
        if not isinstance(value, str):
            raise InputError(f"{key} should be a string (the annotator's name), not "
                             f"{type(value).__name__} {json.dumps(value)[:40]}",
                             path=path, line=line)
        return value  # checked against the naming rule by the importer, with the line
    return None


class ProdigyWriter:
    """One JSON object per line, in Prodigy's ``ner_manual`` shape."""

    def __init__(self, fh: IO[str]) -> None:
        self.fh = fh

    def write(self, record: Record, doc_id: int) -> list[Problem]:
        doc = make_doc(record.text)
        aligned, misaligned = align(doc, record.spans)
        by_key = {s.key(): sp for s, sp in aligned}
        spans_out = []
        for s in record.spans:
            out: dict[str, Any] = {"start": s.start, "end": s.end}
            sp = by_key.get(s.key())
            if sp is not None:
                out["token_start"] = sp.start
                out["token_end"] = sp.end - 1
            out["label"] = s.label
            spans_out.append(out)
        kept = record.meta.get("prodigy", {}) if isinstance(record.meta, dict) else {}
        meta = dict(kept["meta"]) if isinstance(kept.get("meta"), dict) else {}
        if record.source and "source" not in meta:
            # where the text came from (documents.source: a file imported from
            # another format, a Prodigy task's own meta.source): Prodigy shows
            # meta.source under the task; the record's other meta keys stay as they were
            meta["source"] = record.source
        obj: dict[str, Any] = {"text": record.text, "meta": meta}
        for key in ("_input_hash", "_task_hash"):
            if key in kept:
                obj[key] = kept[key]
        obj["tokens"] = [
            {"text": t.text, "start": t.idx, "end": t.idx + len(t.text), "id": t.i,
             "ws": bool(t.whitespace_)}
            for t in doc
        ]
        obj["spans"] = spans_out
        obj["_view_id"] = kept.get("_view_id", "ner_manual")
        if record.annotator:
            obj["_annotator_id"] = record.annotator
            obj["_session_id"] = record.annotator
        if record.status is not None:
            obj["answer"] = STATUS_TO_ANSWER.get(record.status, "accept")
        self.fh.write(json.dumps(obj, ensure_ascii=False) + "\n")
        return off_tokens(doc_id, misaligned, dropped=False)

    def close(self) -> None:
        pass
