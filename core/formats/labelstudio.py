"""Label Studio JSON: a list of tasks ``{"data": {"text": ...}, "annotations": [...],
"predictions": [...]}`` (also read as JSONL, one task per line).

Each annotation becomes a version: ``done``, or ``skipped`` when ``was_cancelled``; its
annotator is ``completed_by`` (an e-mail when the export has it, else
``labelstudio-user-<id>``), else the import's default. Predictions become suggestions
under their ``model_version`` (else ``"labelstudio"``), with their ``score``. Only
``labels`` results over the task text are read; other result types are ignored.
Offsets are code points (Label Studio counts them so since its frontend fix of 2022);
a result whose ``text`` differs from the text at its offsets is refused, which catches
files written with the older UTF-16 offsets. ``\\r\\n`` becomes ``\\n`` as elsewhere.

The writer streams one JSON array, one task per line, the exported version as the
task's single annotation.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import IO, Any, Iterator

from ..errors import InputError
from ..status import Status
from ..types import Record, Span, Suggestion
from .base import (Newlines, Problem, check_shape, check_spans, iter_json_array, offset_int,
                   require, score_value)


def read(path: Path) -> Iterator[Record]:
    for line, task in iter_json_array(path):
        yield from parse(task, path, line)


def _annotator(value: Any, path: Path, line: int) -> str | None:
    """``completed_by``: an e-mail or user name (a string, or a user object's
    ``email``/``username``), or a user id (an integer, or the object's ``id``) which
    becomes ``labelstudio-user-<id>`` (Label Studio's JSON export gives only the id).
    Absent or null: None (the import's default). Anything else is refused with its line
    rather than silently replaced by the default."""
    if value is None:
        return None
    if isinstance(value, dict):
        for key in ("email", "username"):
            name = value.get(key)
            if isinstance(name, str) and name:
                return name
        uid = value.get("id")
        if isinstance(uid, int) and not isinstance(uid, bool):
            return f"labelstudio-user-{uid}"
    elif isinstance(value, int) and not isinstance(value, bool):
        return f"labelstudio-user-{value}"
    elif isinstance(value, str) and value:
        return value
    raise InputError("annotation 'completed_by' should be a user id, an e-mail or a user "
                     f"object with one, not {json.dumps(value)[:60]}", path=path, line=line)


def _results(results: Any, raw: str, path: Path, line: int) -> list[tuple[Span, float | None]]:
    """The ``labels`` results of one annotation or prediction, in the file's offsets."""
    if not isinstance(results, list):
        raise InputError("'result' should be a list", path=path, line=line)
    out = []
    for r in results:
        if not isinstance(r, dict) or r.get("type") not in ("labels", None):
            continue
        value = require(r, "value", dict, path, line, what="result")
        if "start" not in value or "labels" not in value:
            continue
        start = offset_int(value["start"], "start", path, line)
        end = offset_int(value.get("end"), "end", path, line)
        labels = value["labels"]
        if not isinstance(labels, list) or len(labels) != 1 or not isinstance(labels[0], str):
            raise InputError(f"result {start}-{end} should carry exactly one label, not "
                             f"{labels!r}", path=path, line=line)
        check_spans(raw, [Span(start, end, labels[0])], path, line)
        quoted = value.get("text")
        if isinstance(quoted, str) and quoted != raw[start:end]:
            raise InputError(f"result quotes {quoted[:40]!r} but the text at {start}-{end} is "
                             f"{raw[start:end][:40]!r} (offsets in UTF-16 units?)",
                             path=path, line=line)
        out.append((Span(start, end, labels[0], "import"), score_value(r.get("score"))))
    return out


def parse(task: Any, path: Path, line: int) -> Iterator[Record]:
    check_shape(task, "labelstudio", path, line)
    data = require(task, "data", dict, path, line, what="task")
    raw = require(data, "text", str, path, line, what="task data")
    newlines = Newlines(raw)  # offsets are checked and refused in the file's own terms
    text = newlines.text
    meta = {"labelstudio": {"id": task["id"]}} if "id" in task else {}
    preds = task.get("predictions") or []
    anns = task.get("annotations") or []
    if not isinstance(preds, list) or not isinstance(anns, list):
        raise InputError("'annotations' and 'predictions' should be lists", path=path, line=line)
    first = True
    for pred in preds:
        pairs = _results(require(pred, "result", list, path, line, what="prediction"),
                         raw, path, line)
        model = pred.get("model_version")
        yield Record(text=text, meta=meta, line=line, model=str(model) if model else "labelstudio",
                     suggestions=[Suggestion(*newlines.span(s, path, line)[:3], score)
                                  for s, score in pairs])
        first = False
    for ann in anns:
        pairs = _results(require(ann, "result", list, path, line, what="annotation"),
                         raw, path, line)
        spans = newlines.spans([s for s, _ in pairs], path, line)
        yield Record(text=text, spans=spans, meta=meta, line=line,
                     annotator=_annotator(ann.get("completed_by"), path, line),
                     status=Status.SKIPPED if ann.get("was_cancelled") else Status.DONE)
        first = False
    if first:
        yield Record(text=text, meta=meta, line=line)


class LabelStudioWriter:
    """Streams ``[``, one task per line separated by commas, ``]``."""

    def __init__(self, fh: IO[str]) -> None:
        self.fh = fh
        self.n = 0
        fh.write("[\n")

    def write(self, record: Record, doc_id: int) -> list[Problem]:
        result = [
            {"id": f"gs{doc_id}-{i}", "from_name": "label", "to_name": "text", "type": "labels",
             "value": {"start": s.start, "end": s.end, "text": record.text[s.start:s.end],
                       "labels": [s.label]}}
            for i, s in enumerate(record.spans)
        ]
        annotation: dict[str, Any] = {"result": result,
                                      "was_cancelled": record.status == Status.SKIPPED}
        if record.annotator:
            annotation["completed_by"] = {"email": record.annotator}
        task = {"id": doc_id, "data": {"text": record.text}, "annotations": [annotation],
                "predictions": []}
        self.fh.write((",\n" if self.n else "") + json.dumps(task, ensure_ascii=False))
        self.n += 1
        return []

    def close(self) -> None:
        self.fh.write("\n]\n")
