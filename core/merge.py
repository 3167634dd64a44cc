"""Merging analysts' databases (one per laptop) into one team database.

Rules, decided once:

- Documents are the same document when their ``text_hash`` (sha256 of the normalised
  text) is equal; a new one gets the next id of the target, in the source's id order,
  keeping its title, source, meta and ``created_at``.
- Every version (one annotator's annotation of one document) is kept with its status,
  spans (and their origins), ``edited``, ``seeded_from`` and timestamps.
- The same annotator's version of the same document in both files: equal status and
  equal spans (start, end, label) is the same version, nothing to do. Otherwise it is a
  **conflict**: the target's version is kept and the conflict reported; with
  ``prefer_newer`` the version with the later ``updated_at`` wins (the target's on a
  tie), and the conflict is reported all the same. Nothing is overwritten silently.
- Suggestions: a model's run on a document is copied when the target has no run of that
  model on that document (same model, same text: the same output).
- Assignments are united (a document assigned to someone in either file stays so).
- Labels: names the target lacks are appended, keeping the source's colour and hotkey
  when the target does not use them already. Settings are per file and not merged.
- Names follow the naming rule (:func:`goldspan.core.labels.name_problem`): a source
  whose spans carry a label, or whose versions or assignments an annotator name, that
  breaks it is refused (rename it there first: ``goldspan labels --db SOURCE --rename``;
  ``goldspan check --db SOURCE`` lists them). With a locked label set in the target,
  a source whose spans carry a label outside it is refused; labels of the source's set
  that are outside it (or break the rule) and that no span uses are not added, and
  suggestions with such labels are not copied (both counted in the summary), as
  ``suggest`` does.
- Each source is merged all-or-nothing, in one transaction of the target, and read
  as one snapshot (an edit committed to it during the merge is not part of it). Sources are
  opened (and so checked to be goldspan databases) before the target is touched, and
  are only read: opened read-only (``Store.open(readonly=True)``), so an analyst's file
  on a read-only share merges.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterable, Iterator, Sequence

from .errors import GoldspanError, InputError, StoreError, shown
from .labels import (LabelFilter, annotator_refusal, color_problem, extend_labels,
                     hotkey_problem, label_refusal, lookalike, lookalike_refusal)
from .types import Label
from .storage import SQLiteError, Store, parse_meta
from .textio import text_hash

Progress = Callable[[Iterable["SourceDoc"], int, str], Iterable["SourceDoc"]]


@dataclass(frozen=True)
class Conflict:
    """One annotator's version of one document that differs between the two files."""

    source: str
    document_id: int  # id in the target
    title: str | None
    annotator: str
    kept: str  # "target" or "source"
    target_updated_at: str
    source_updated_at: str

    def describe(self) -> str:
        kept = ("kept the target's; the other stays in the source file" if self.kept == "target"
                else "kept the source's, the newer")
        return (f"document {self.document_id} ({self.title or 'untitled'}), annotator "
                f"{self.annotator!r}: versions differ (target updated {self.target_updated_at}, "
                f"source {self.source_updated_at}); {kept}")


@dataclass
class MergeReport:
    source: str
    documents_added: int = 0
    documents_matched: int = 0
    versions_added: int = 0
    versions_identical: int = 0
    versions_replaced: int = 0
    suggestion_runs_added: int = 0
    labels_added: int = 0
    labels_not_added: list[str] = field(default_factory=list)
    suggestions_left_out: str = ""
    conflicts: list[Conflict] = field(default_factory=list)

    def summary(self) -> str:
        out = (f"{shown(self.source)}: {self.documents_added} new documents, "
               f"{self.documents_matched} already there; {self.versions_added} versions added, "
               f"{self.versions_identical} identical, {self.versions_replaced} replaced by newer; "
               f"{self.suggestion_runs_added} suggestion runs, {self.labels_added} labels added; "
               f"{len(self.conflicts)} conflicts")
        if self.labels_not_added:
            names = ", ".join(repr(n[:40]) for n in self.labels_not_added[:10])
            more = len(self.labels_not_added) - 10
            out += (f"; {len(self.labels_not_added)} unused labels of the source not added "
                    f"(outside the locked label set, breaking the naming rule, or looking "
                    f"like one of the target's): {names}"
                    + (f" and {more} more" if more > 0 else ""))
        if self.suggestions_left_out:
            out += f"; {self.suggestions_left_out}"
        return out


@dataclass(frozen=True)
class SourceDoc:
    id: int
    text: str
    text_hash: str | None
    title: str | None
    source: str | None
    meta: str | None
    created_at: str


def open_sources(paths: Sequence[str | Path], target: str | Path) -> list[Store]:
    """Open every source read-only (no creation, no migration, no write possible),
    refusing the target itself; all are checked before anything is written."""
    stores: list[Store] = []
    seen: set[str] = set()
    try:
        for p in paths:
            path = Path(p)
            if Path(target).exists() and path.exists() and os.path.samefile(path, target):
                raise StoreError("is the target database itself; pass the analysts' files",
                                 path=path)
            key = str(path.resolve())
            if key in seen:
                continue
            seen.add(key)
            stores.append(Store.open(path, create=False, migrate=False, readonly=True))
    except BaseException:
        for s in stores:
            s.close()
        raise
    return stores


def _source_docs(source: Store) -> Iterator[SourceDoc]:
    for r in source.documents_as_stored():
        yield SourceDoc(*r)


def _check_names(target: Store, source: Store, keep: LabelFilter, name: str) -> None:
    """Refuse a source whose spans carry a label the target cannot take (it breaks the
    naming rule, or is outside the target's locked set), or whose versions or
    assignments carry an annotator name that breaks the rule."""
    target_labels = [lab.name for lab in target.labels()]
    for label, n in sorted(source.span_label_counts().items()):
        other = lookalike(label, target_labels) if label not in target_labels else None
        if other is not None:
            raise InputError(f"{n} span(s) carry a label that reads as one of the team's: "
                             f"{lookalike_refusal(label, other)}; rename it in this file "
                             "first (goldspan labels --db SOURCE --rename OLD NEW); nothing of "
                             "it was merged", path=name)
        refusal = label_refusal(label)
        if refusal:
            raise InputError(f"{n} span(s) carry a label that breaks the naming rule: "
                             f"{refusal}; rename it in this file first (goldspan labels --db "
                             "SOURCE --rename OLD NEW); nothing of it was merged", path=name)
        if not keep.keeps(label):
            raise InputError(f"{n} span(s) carry the label {label[:40]!r}, which is not in the "
                             "target's locked label set; add it there first (Project -> "
                             "Labels) or unlock the set; nothing of this file was merged",
                             path=name)
    for annotator in source.annotator_names():
        refusal = annotator_refusal(annotator)
        if refusal:
            raise InputError(f"{refusal}; `goldspan check` lists such names; nothing of this "
                             "file was merged", path=name)


def _merge_labels(target: Store, labels: Sequence[Label], keep: LabelFilter,
                  report: MergeReport) -> int:
    out = target.labels()
    have = {lab.name for lab in out}
    added = 0
    for lab in labels:
        if lab.name in have:
            continue
        if not keep.keeps(lab.name) or lookalike(lab.name, have) is not None:
            report.labels_not_added.append(lab.name)  # unused: _check_names refused used ones
            continue
        used_colors = {x.color.lower() for x in out}
        used_keys = {x.hotkey.lower() for x in out if x.hotkey}
        auto = extend_labels(out, [lab.name])[-1]
        # the source's colour and key when they are a colour and a key (a file made by
        # another tool or edited by hand: "Ctrl+Q" took Quit, a style sheet went into
        # the label bar) and free here; else the next free ones
        color = (lab.color if not color_problem(lab.color)
                 and lab.color.lower() not in used_colors else auto.color)
        hotkey = (lab.hotkey if lab.hotkey and not hotkey_problem(lab.hotkey)
                  and lab.hotkey.lower() not in used_keys else auto.hotkey)
        out.append(Label(lab.name, color, hotkey, lab.description))
        have.add(lab.name)
        added += 1
    if added:
        target.set_labels(out)
    return added


def _target_doc(target: Store, doc: SourceDoc, report: MergeReport) -> int:
    h = doc.text_hash or text_hash(doc.text)
    found = target.document_id_by_hash(h)
    if found is not None:
        report.documents_matched += 1
        return found
    report.documents_added += 1
    return target.insert_document(doc.text, h, doc.title, doc.source, doc.meta, doc.created_at)


def _merge_versions(target: Store, source: Store, src_doc: SourceDoc, doc_id: int,
                    report: MergeReport, prefer_newer: bool) -> None:
    for version in source.annotations(src_doc.id):
        spans = source.spans(version.id)
        mine = target.annotation(doc_id, version.annotator)
        if mine is None:
            target.copy_version(doc_id, version, spans)
            report.versions_added += 1
            continue
        if mine.status == version.status and target.spans(mine.id) == spans:
            report.versions_identical += 1
            continue
        take_source = prefer_newer and version.updated_at > mine.updated_at
        if take_source:
            target.overwrite_version(mine.id, version, spans)
            report.versions_replaced += 1
        report.conflicts.append(Conflict(
            report.source, doc_id, src_doc.title, version.annotator,
            "source" if take_source else "target", mine.updated_at, version.updated_at))


def _merge_suggestions(target: Store, source: Store, src_id: int, doc_id: int,
                       report: MergeReport, keep: LabelFilter) -> None:
    for model, created in sorted(source.run_times(src_id).items()):
        if target.has_model_output(doc_id, model):
            continue
        target.put_suggestions(doc_id, model, keep(source.suggestions(src_id, model)),
                               created_at=created)
        report.suggestion_runs_added += 1


def merge_store(target: Store, source: Store, *, prefer_newer: bool = False,
                progress: Progress | None = None) -> MergeReport:
    """Merge one source into the target in one transaction (all or nothing)."""
    name = str(source.path) if source.path is not None else ":memory:"
    report = MergeReport(name)
    try:
        # one view of the source from the checks to the last copied row: an
        # analyst's window may commit an edit to it meanwhile, which would be merged
        # unchecked (a label outside the target's locked set)
        with source.snapshot(), target.transaction():
            total = source.document_count()
            keep = target.label_filter()
            _check_names(target, source, keep, name)
            report.labels_added = _merge_labels(target, source.labels(), keep, report)
            docs: Iterable[SourceDoc] = _source_docs(source)
            if progress is not None:
                docs = progress(docs, total, Path(name).name)
            for doc in docs:
                parse_meta(doc.meta, doc.id, source.path)  # bad JSON never enters: one line
                doc_id = _target_doc(target, doc, report)
                _merge_versions(target, source, doc, doc_id, report, prefer_newer)
                _merge_suggestions(target, source, doc.id, doc_id, report, keep)
                target.add_assignments(doc_id, source.assignments_of(doc.id))
    except SQLiteError as err:
        raise StoreError(f"cannot merge ({err}); nothing of this file was merged, "
                         "check it with `goldspan check`", path=name) from None
    report.suggestions_left_out = keep.describe()
    return report


def merge_files(target: str | Path, sources: Sequence[str | Path], *,
                prefer_newer: bool = False, progress: Progress | None = None,
                on_merged: Callable[[MergeReport], None] | None = None,
                on_wait: Callable[[str], None] | None = None) -> list[MergeReport]:
    """Check every source, then merge them one by one (one transaction each) into
    ``target``, created if missing. A failure leaves the failing source's part out
    entirely; sources merged before it stay merged (``on_merged`` hears of each).
    ``on_wait`` hears when the target's write lock is held by another process."""
    stores = open_sources(sources, target)
    reports: list[MergeReport] = []
    try:
        with Store.open(target, create=True) as team:
            team.on_wait = on_wait
            for source in stores:
                try:
                    reports.append(merge_store(team, source, prefer_newer=prefer_newer,
                                               progress=progress))
                except GoldspanError as err:
                    if err.path == str(source.path):
                        raise
                    # a failure of the target (a full disk): say which source it hit
                    # and which were merged before it
                    done = ", ".join(r.source for r in reports)
                    err.message += (f" (nothing of {source.path} was merged"
                                    + (f"; merged before it: {done}" if done else "") + ")")
                    raise
                if on_merged is not None:
                    on_merged(reports[-1])
    finally:
        for s in stores:
            s.close()
    return reports
