"""Exporting the gold (or chosen versions) to a dataset file.

What is exported is decided by :mod:`goldspan.core.selection`; how, by the format's
writer in :mod:`goldspan.core.formats`. Every output is first written under a
temporary name next to the target and renamed at the end, so an error or a
cancellation (``cancelled()`` is checked between records) never leaves a partial file.

``split=0.8`` writes ``train`` and ``dev`` outputs instead of one: ``--out`` is then a
folder holding ``train.<ext>`` and ``dev.<ext>`` (``train/`` and ``dev/`` for folder
formats). The split is exact and deterministic: a count pass, then
``random.Random(seed).sample`` picks which item numbers go to dev.

Spans a writer cannot place on spaCy's tokens are reported (document, offsets, label),
never shifted: DocBin and CoNLL leave them out, JSON formats write them as they are.
A label, or an annotator name the format carries, that breaks the naming rule (only
a database from before the rule holds one) refuses the export naming it and the
document; a writer that cannot hold a legal label exactly (brat's type names, CoNLL's
IO tags) refuses the same way. What is written reads back the same.
"""

from __future__ import annotations

import os
import random
import shutil
from contextlib import ExitStack
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable

from .errors import InputError
from .formats.base import Cancelled, Problem, Writer
from .formats.detect import normalise_format
from .labels import check_exported_names
from .model import Record
from .selection import Options, SelectionStats, count, select
from .store import Store

EXPORT_FORMATS = ("prodigy", "doccano", "conll", "spacy", "brat", "labelstudio", "txt")
EXTENSIONS = {"prodigy": ".jsonl", "doccano": ".jsonl", "conll": ".conll", "spacy": ".spacy",
              "labelstudio": ".json"}
FOLDER_FORMATS = ("brat", "txt")
NAMED_FORMATS = ("prodigy", "labelstudio")  # the formats that write the annotator's name
MAX_PROBLEMS_KEPT = 1000


@dataclass
class ExportSummary:
    outputs: list[Path] = field(default_factory=list)
    written: int = 0
    per_output: dict[str, int] = field(default_factory=dict)
    conflicts: int = 0
    conflict_ids: list[int] = field(default_factory=list)
    misaligned: int = 0
    dropped: int = 0
    problems: list[Problem] = field(default_factory=list)
    config: Path | None = None

    def line(self) -> str:
        parts = [f"exported {self.written} documents to "
                 + ", ".join(f"{p} ({self.per_output.get(str(p), 0)})" for p in self.outputs)]
        if self.conflicts:
            parts.append(f"{self.conflicts} left out: annotators disagree and no gold "
                         "(adjudicate them, or pick --annotator)")
        if self.misaligned:
            parts.append(f"{self.misaligned} spans not on spaCy token boundaries"
                         + (f", {self.dropped} of them left out" if self.dropped else ""))
        if self.config is not None:
            parts.append(f"training config {self.config}")
        return "; ".join(parts)


def export(
    store: Store,
    out: str | Path,
    *,
    format: str,
    annotator: str | None = None,
    gold_only: bool = False,
    all_versions: bool = False,
    all_statuses: bool = False,
    split: float | None = None,
    seed: int = 0,
    config: str | Path | None = None,
    scheme: str = "iob2",
    progress: Callable[[int, int], None] | None = None,
    cancelled: Callable[[], bool] | None = None,
) -> ExportSummary:
    """Write the selected versions to ``out`` in ``format``; see the module docstring."""
    fmt = normalise_format(format)
    if fmt not in EXPORT_FORMATS:
        raise InputError(f"cannot export to {format!r}: use {', '.join(EXPORT_FORMATS)}")
    if gold_only and annotator is not None:
        raise InputError("--gold and --annotator exclude each other; pass one")
    if split is not None and not 0.0 < split < 1.0:
        raise InputError(f"--split {split} should be between 0 and 1 (e.g. 0.8 for 80% train)")
    if config is not None and fmt != "spacy":
        raise InputError("--config goes with --format spacy (it points spaCy at the corpus)")
    options = Options(annotator=annotator, gold_only=gold_only, all_versions=all_versions,
                      all_statuses=all_statuses)
    out = Path(out)
    total = count(store, options)
    targets = _targets(out, fmt, split)
    _check_targets(targets)
    dev_items: set[int] = set()
    if split is not None:
        n_dev = max(1, round(total * (1 - split))) if total > 1 else 0
        dev_items = set(random.Random(seed).sample(range(total), n_dev))
    summary = ExportSummary(outputs=list(targets.values()))
    stats = SelectionStats()
    temps: dict[str, Path] = {name: _temp_path(p) for name, p in targets.items()}
    try:
        with ExitStack() as stack:
            sharded = split is None and _sharded(out, fmt)
            writers = {name: _open_writer(fmt, tmp, stack, scheme, sharded=sharded)
                       for name, tmp in temps.items()}
            for i, item in enumerate(select(store, options, stats)):
                if cancelled is not None and cancelled():
                    raise Cancelled("export cancelled; no file was written", path=out)
                name = "dev" if i in dev_items else ("train" if split is not None else "all")
                record = Record(text=item.document.text, spans=item.spans,
                                annotator=item.annotation.annotator,
                                status=item.annotation.status, title=item.document.title,
                                source=item.document.source, meta=item.document.meta)
                if fmt != "txt":  # the only format that writes no label
                    check_exported_names({s.label for s in item.spans},
                                         record.annotator if fmt in NAMED_FORMATS else None,
                                         item.document.id)
                for problem in writers[name].write(record, item.document.id):
                    summary.misaligned += 1
                    summary.dropped += problem.dropped
                    if len(summary.problems) < MAX_PROBLEMS_KEPT:
                        summary.problems.append(problem)
                key = str(targets[name])
                summary.per_output[key] = summary.per_output.get(key, 0) + 1
                summary.written += 1
                if progress is not None:
                    progress(i + 1, total)
            for w in writers.values():
                w.close()
        for name, tmp in temps.items():
            _replace(tmp, targets[name])
    except BaseException:
        for tmp in temps.values():
            _remove(tmp)
        raise
    summary.conflicts = stats.conflicts
    summary.conflict_ids = stats.conflict_ids
    if config is not None:
        from .formats.docbin import write_config

        train = targets.get("train", targets.get("all"))
        dev = targets.get("dev", train)
        assert train is not None and dev is not None
        summary.config = Path(config)
        write_config(Path(config), train.resolve(), dev.resolve())
    return summary


def _sharded(out: Path, fmt: str) -> bool:
    return fmt == "spacy" and out.suffix.lower() != ".spacy"


def _targets(out: Path, fmt: str, split: float | None) -> dict[str, Path]:
    if split is None:
        return {"all": out}
    if out.exists() and not out.is_dir():
        raise InputError("with --split, --out is a folder for train and dev; this is a file",
                         path=out)
    ext = "" if fmt in FOLDER_FORMATS else EXTENSIONS[fmt]
    return {"train": out / f"train{ext}", "dev": out / f"dev{ext}"}


def _check_targets(targets: dict[str, Path]) -> None:
    """A folder output replaces only a folder goldspan wrote (or an empty one): never
    someone's folder of other files."""
    for target in targets.values():
        if target.is_dir() and any(target.iterdir()):
            ours = all(f.suffix in (".txt", ".ann", ".conf", ".spacy") for f in target.iterdir())
            if not ours:
                raise InputError("folder exists and holds other files; choose a new folder",
                                 path=target)


def _temp_path(target: Path) -> Path:
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = target.with_name(f".{target.name}.partial-{os.getpid()}")
    _remove(tmp)
    return tmp


def _open_writer(fmt: str, tmp: Path, stack: ExitStack, scheme: str, sharded: bool) -> Writer:
    from .formats import brat, conll, docbin, doccano, labelstudio, prodigy, text

    if fmt in FOLDER_FORMATS:
        return brat.BratWriter(tmp) if fmt == "brat" else text.TextWriter(tmp)
    if fmt == "spacy":
        return docbin.DocBinWriter(tmp, sharded=sharded)
    fh: Any = stack.enter_context(open(tmp, "w", encoding="utf-8", newline="\n"))
    if fmt == "prodigy":
        return prodigy.ProdigyWriter(fh)
    if fmt == "doccano":
        return doccano.DoccanoWriter(fh)
    if fmt == "labelstudio":
        return labelstudio.LabelStudioWriter(fh)
    return conll.ConllWriter(fh, scheme)


def _replace(tmp: Path, target: Path) -> None:
    if not tmp.exists():  # a DocBin folder export with nothing in it
        tmp.mkdir(parents=True)
    if target.is_dir() and not tmp.is_dir():
        raise InputError("is a folder; give a file name for --out", path=target)
    if target.is_dir():
        shutil.rmtree(target)
    os.replace(tmp, target)


def _remove(p: Path) -> None:
    if p.is_dir():
        shutil.rmtree(p, ignore_errors=True)
    elif p.exists():
        p.unlink()
