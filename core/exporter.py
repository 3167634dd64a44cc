"""Exporting the gold (or chosen versions) to a dataset file.

What is exported is decided by :mod:`goldspan.core.dataset`; how, by the format's
writer in :mod:`goldspan.core.formats`; where, by :mod:`goldspan.core.outputs`, the one
place every output path is checked and written (never the database, a device or
someone's folder; a temporary name renamed at the end, so an error or a cancellation,
``cancelled()`` being checked between records, never leaves a partial file).

``split=0.8`` writes ``train`` and ``dev`` outputs instead of one: ``--out`` is then a
folder holding ``train.<ext>`` and ``dev.<ext>`` (``train/`` and ``dev/`` for folder
formats), replaced as one folder. The split is exact and deterministic: a count pass,
then ``random.Random(seed).sample`` picks which item numbers go to dev. A ``--config``
inside that folder is written with it.

``out="-"`` (with ``stdout_ok``, as the command line passes it) writes the JSON lines,
JSON and CoNLL formats to standard output; folders and the binary ``.spacy`` are files.

Which format is which, and what its files can hold, comes from
:mod:`goldspan.core.formats.registry`. One rule for spans a writer cannot place
exactly (:func:`goldspan.core.formats.base.off_tokens`): each is reported as a
:class:`Problem` (document, offsets, label), never shifted. Formats that hold only
tokens (spaCy, CoNLL) leave a span off their tokens out; Prodigy, which holds both,
writes it with its character offsets and no token indices; formats of character
offsets (doccano, Label Studio, brat) hold every span exactly and report none. A
version whose status the format cannot hold (``--all-statuses``) refuses the export
naming the document, as a label the format cannot hold does.
A label, or an annotator name the format carries, that breaks the naming rule (only
a database from before the rule holds one) refuses the export naming it and the
document; a writer that cannot hold a legal label exactly (brat's type names, CoNLL's
IO tags) refuses the same way. What is written reads back the same.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from fractions import Fraction
from typing import Callable, cast

from .errors import InputError, OutputError, shown
from .formats import registry
from .formats.base import Cancelled, Problem, WriteOptions, Writer
from .formats.registry import Format, Output, PathWriterFactory, StreamWriterFactory
from .labels import check_exported_names
from .types import Record
from .outputs import STDOUT, Outputs, database_files, is_stdout
from .dataset import Options, SelectionStats, count, select, split as split_items, validated
from .storage import Store

MAX_PROBLEMS_KEPT = 1000


@dataclass
class ExportSummary:
    outputs: list[Path] = field(default_factory=list)
    written: int = 0  # records (a version each)
    documents: int = 0  # distinct documents among them (fewer with --all-versions)
    per_output: dict[str, int] = field(default_factory=dict)
    conflicts: int = 0
    conflict_ids: list[int] = field(default_factory=list)
    misaligned: int = 0  # spans off the tokens the file holds (Problem.off_tokens)
    misaligned_dropped: int = 0  # of them, left out
    other: int = 0  # other problems: spans or lines the format cannot hold as they are
    dropped: int = 0  # problems of every kind whose span or line was left out
    problems: list[Problem] = field(default_factory=list)
    config: Path | None = None

    def line(self) -> str:
        what = (f"{self.written} documents" if self.documents == self.written else
                f"{self.written} versions of {self.documents} documents")
        parts = [f"exported {what} to "
                 + ", ".join(f"{'standard output' if is_stdout(p) else shown(p)} "
                             f"({self.per_output.get(str(p), 0)})" for p in self.outputs)]
        if self.conflicts:
            parts.append(f"{self.conflicts} left out: annotators disagree and no gold "
                         "(adjudicate them, or pick --annotator)")
        if self.misaligned:
            parts.append(f"{self.misaligned} spans not on token boundaries"
                         + (f", {self.misaligned_dropped} of them left out"
                            if self.misaligned_dropped else ", written as they are"))
        if self.other:
            dropped = self.dropped - self.misaligned_dropped
            parts.append(f"{self.other} other spans or lines the format cannot hold as they are"
                         + (f", {dropped} of them left out" if dropped else ""))
        if self.config is not None:
            parts.append(f"training config {shown(self.config)}")
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
    stdout_ok: bool = False,
    progress: Callable[[int, int], None] | None = None,
    cancelled: Callable[[], bool] | None = None,
) -> ExportSummary:
    """Write the selected versions to ``out`` in ``format``; see the module docstring."""
    fmt = registry.get(format)
    if fmt.writer is None:
        raise InputError(f"cannot export to {format!r}: use {registry.names(registry.writable())}")
    if gold_only and annotator is not None:
        raise InputError("--gold and --annotator exclude each other; pass one")
    if split is not None and not 0.0 < split < 1.0:
        raise InputError(f"--split {split} should be between 0 and 1 (e.g. 0.8 for 80% train)")
    if config is not None and "config" not in fmt.options:
        with_config = [f.name for f in registry.writable() if "config" in f.options]
        raise InputError(f"--config goes with --format {' or '.join(with_config)} (it points "
                         "spaCy at the corpus)")
    if is_stdout(out) and stdout_ok and (split is not None or not fmt.stdout):
        what = "a train/dev split is a folder" if split is not None else (
            "it writes a folder" if fmt.output is Output.FOLDER else
            f"a {fmt.extension} file is binary")
        raise OutputError(f"standard output ('-') is not possible for {fmt.name}: {what}; "
                          "give a path", path=STDOUT)
    # one view of the database from the first read to the last: the count, the
    # selection and its last document (another process may delete or edit meanwhile)
    with store.snapshot():
        return _export(store, Path(out), fmt, annotator=annotator, gold_only=gold_only,
                       all_versions=all_versions, all_statuses=all_statuses, split=split,
                       seed=seed, config=config, scheme=scheme, stdout_ok=stdout_ok,
                       progress=progress, cancelled=cancelled)


def _export(store: Store, out: Path, fmt: Format, *, annotator: str | None, gold_only: bool,
            all_versions: bool, all_statuses: bool, split: float | None, seed: int,
            config: str | Path | None, scheme: str, stdout_ok: bool,
            progress: Callable[[int, int], None] | None,
            cancelled: Callable[[], bool] | None) -> ExportSummary:
    """The work of :func:`export`, inside one read snapshot of ``store``."""
    if annotator is not None:
        known = sorted(set(store.annotator_names()))
        if annotator not in known:
            # a typo: the export would replace the file at --out with an empty one
            shown_names = ", ".join(repr(n) for n in known[:10]) or "none"
            raise InputError(f"--annotator {annotator[:40]!r}: no versions by that name; "
                             f"annotators here: {shown_names}; nothing was written")
    options = Options(annotator=annotator, gold_only=gold_only, all_versions=all_versions,
                      all_statuses=all_statuses)
    with Outputs(protect=database_files(store.path)) as outputs:
        writers, targets = _open_writers(outputs, out, fmt, split, scheme, stdout_ok,
                                         by_annotator=all_versions)
        config_fh = outputs.file(config) if config is not None else None
        total = count(store, options)
        dev_items = split_items(total, 1 - Fraction(str(split)), seed) if split is not None \
            else set()
        summary = ExportSummary(outputs=list(targets.values()))
        stats = SelectionStats()
        last_doc: int | None = None
        for i, item in enumerate(validated(select(store, options, stats), store.path)):
            if cancelled is not None and cancelled():
                raise Cancelled("export cancelled; no file was written", path=out)
            name = "dev" if i in dev_items else ("train" if split is not None else "all")
            record = Record(text=item.document.text, spans=item.spans,
                            annotator=item.annotation.annotator,
                            status=item.annotation.status, title=item.document.title,
                            source=item.document.source, meta=item.document.meta)
            if fmt.labels:
                check_exported_names({s.label for s in item.spans},
                                     record.annotator if fmt.annotator else None,
                                     item.document.id)
            _check_status(fmt, item.annotation.status, item.document.id)
            for problem in writers[name].write(record, item.document.id):
                summary.misaligned += problem.off_tokens
                summary.misaligned_dropped += problem.off_tokens and problem.dropped
                summary.other += not problem.off_tokens
                summary.dropped += problem.dropped
                if len(summary.problems) < MAX_PROBLEMS_KEPT:
                    summary.problems.append(problem)
            key = str(targets[name])
            summary.per_output[key] = summary.per_output.get(key, 0) + 1
            summary.written += 1
            if item.document.id != last_doc:
                summary.documents += 1  # items come in document order
                last_doc = item.document.id
            if progress is not None:
                progress(i + 1, total)
        for w in writers.values():
            w.close()
        if config_fh is not None:
            from .formats.docbin import training_config

            train = targets.get("train", targets.get("all"))
            dev = targets.get("dev", train)
            assert train is not None and dev is not None
            config_fh.write(training_config(train.resolve(), dev.resolve()))
            summary.config = Path(str(config))
    summary.conflicts = stats.conflicts
    summary.conflict_ids = stats.conflict_ids
    return summary


def _check_status(fmt: Format, status: str, doc_id: int) -> None:
    """Exact or refused, as for labels: a version whose status the format cannot hold
    (``--all-statuses`` into doccano, a rejected one into Label Studio) would read back
    as ``done``; the export stops naming the document and the formats that hold it."""
    if not fmt.labels or status in fmt.statuses:
        return
    holders = [f.name for f in registry.writable() if f.labels and status in f.statuses]
    raise InputError(f"document {doc_id}: {fmt.name} cannot hold the status {status!r} (it "
                     "would read back as done); export without --all-statuses, or to "
                     + " or ".join(holders))


def _sharded(out: Path, fmt: Format) -> bool:
    return fmt.shards and out.suffix.lower() != fmt.extension


def _open_writers(outputs: Outputs, out: Path, fmt: Format, split: float | None, scheme: str,
                  stdout_ok: bool, by_annotator: bool = False
                  ) -> tuple[dict[str, Writer], dict[str, Path]]:
    """One writer per output (``all``, or ``train`` and ``dev``) on the temporary paths
    :class:`Outputs` hands out, and the user's path of each."""
    if split is None:
        targets = {"all": out}
        folder = None
    else:
        targets = {"train": out / f"train{fmt.extension}", "dev": out / f"dev{fmt.extension}"}
        folder = outputs.folder(out, owner=f"goldspan export --format {fmt.name} --split")
    writers: dict[str, Writer] = {}
    owner = f"goldspan export --format {fmt.name}"
    for key, target in targets.items():
        options = WriteOptions(scheme=scheme, sharded=split is None and _sharded(out, fmt),
                               by_annotator=by_annotator)
        if fmt.output is Output.STREAM:
            fh = outputs.file(target, stdout_ok=stdout_ok)
            writers[key] = cast(StreamWriterFactory, fmt.writer)(fh, options)
            continue
        if fmt.output is Output.FOLDER or options.sharded:
            where = outputs.folder(target, owner=owner) if folder is None else folder / target.name
        else:
            where = outputs.path(target)
        writers[key] = cast(PathWriterFactory, fmt.writer)(where, options)
    return writers, targets
