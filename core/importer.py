"""Importing dataset files into a goldspan database.

Conventions (docs/DESIGN.md): documents dedupe by text (``text_hash``); ids follow import
order, a folder's files in sorted name order, a file's records in file order. A record
with a status becomes that annotator's version of the document, replacing the
annotator's earlier version rather than duplicating it. A record without one is a task:
it creates the document, and its pre-annotations become suggestions under their model.

Annotators: the name the file gives (Prodigy ``_annotator_id``/``_session_id``, Label
Studio ``completed_by``) wins; records without one take ``annotator`` (``--annotator``),
else :data:`DEFAULT_ANNOTATOR` — ``"import"``, so imported work is never mistaken for
the work of whoever ran the import. ``gold`` is refused: only adjudication writes it.

Atomicity: each file is read and written inside one transaction, so a bad record
anywhere in it, an unreadable file or Ctrl-C leaves the database as it was before that
file (earlier files of the same call stay imported; the error names them). Every count
in the summary is what the database took, never what the file offered. Readers stream, so a large file is
never held in memory; only the open transaction grows.
"""

from __future__ import annotations

import operator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterable, Sequence

from .errors import GoldspanError, InputError
from .formats import reader
from .formats.base import Cancelled, read_error
from .formats.detect import detect, expand, normalise_format
from .labels import check_annotator, label_refusal
from .storage import BulkWriter, Store
from .textio import first_line
from .types import Record

DEFAULT_ANNOTATOR = "import"

Progress = Callable[[Path, int], None]


@dataclass
class FileSummary:
    path: Path
    format: str
    records: int = 0
    documents_created: int = 0
    documents_existing: int = 0
    versions_written: int = 0
    versions_replaced: int = 0
    suggestions: int = 0
    labels_added: list[str] = field(default_factory=list)
    conll_schemes: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


@dataclass
class ImportSummary:
    files: list[FileSummary] = field(default_factory=list)
    skipped: list[Path] = field(default_factory=list)

    def total(self, name: str) -> int:
        return sum(getattr(f, name) for f in self.files)

    @property
    def labels_added(self) -> list[str]:
        return [lab for f in self.files for lab in f.labels_added]

    def line(self) -> str:
        """The one-line summary the CLI prints."""
        parts = [
            f"{len(self.files)} file{'s' if len(self.files) != 1 else ''}",
            f"{self.total('documents_created')} new documents",
            f"{self.total('documents_existing')} already there",
            f"{self.total('versions_written')} versions "
            f"({self.total('versions_replaced')} replaced)",
            f"{self.total('suggestions')} suggestions",
            f"{len(self.labels_added)} new labels",
        ]
        if self.skipped:
            parts.append(f"{len(self.skipped)} files of unknown type left out")
        notes = sum(len(f.notes) for f in self.files)
        if notes:
            parts.append(f"{notes} notes")
        return "imported " + ", ".join(parts)


def _kept(done: ImportSummary) -> str:
    """Which earlier files of this call were imported and stay: their names (the first
    three and the last), so the user knows where to start again."""
    names = [str(f.path) for f in done.files]
    n = len(names)
    if n == 0:
        return "no earlier file was imported"
    shown = ", ".join(names) if n <= 4 else f"{', '.join(names[:3])}, ... {names[-1]}"
    return f"{n} earlier file{'s were' if n != 1 else ' was'} imported and kept: {shown}"


class ImportFailed(InputError):
    """An import refused part-way: carries what earlier files did import."""

    def __init__(self, err: GoldspanError, done: ImportSummary,
                 current: Path | None = None) -> None:
        message = err.message
        # an error of the database (a full disk) names the database: say which file
        this = ("this file" if current is None or err.path == str(current)
                else str(current))
        if done.files:
            message += f" (nothing of {this} was imported; {_kept(done)})"
        elif this != "this file":
            message += f" (nothing of {this} was imported)"
        super().__init__(message, path=err.path, line=err.line, offset=err.offset)
        self.code = err.code
        self.summary = done


class ImportInterrupted(Cancelled):
    """Ctrl-C during an import: the file being read is rolled back, earlier files of
    the same call stay, and the message says precisely which."""

    def __init__(self, path: Path, done: ImportSummary) -> None:
        super().__init__(f"interrupted: nothing of this file was imported; {_kept(done)}",
                         path=path)
        self.summary = done


def import_paths(
    store: Store,
    paths: Sequence[str | Path],
    *,
    format: str = "auto",
    annotator: str | None = None,
    locked_labels: bool = False,
    progress: Progress | None = None,
    cancelled: Callable[[], bool] | None = None,
) -> ImportSummary:
    """Import files and folders; returns what was stored, per file (every count is
    what the database took, never what the file offered)."""
    fmt = normalise_format(format)
    if annotator is not None:
        check_annotator(annotator)
    try:
        files, skipped = expand([Path(p) for p in paths])
    except OSError as err:  # a folder that cannot be listed
        raise read_error(err, Path(err.filename or paths[0])) from None
    summary = ImportSummary(skipped=skipped)
    locked = locked_labels or store.setting("labels_locked", False, kind=bool)
    for path in files:
        try:
            try:
                file_fmt = detect(path) if fmt == "auto" else fmt
                fs = FileSummary(path, file_fmt)
                with store.transaction():
                    _import_file(store, path, fs, annotator or DEFAULT_ANNOTATOR, locked,
                                 progress, cancelled)
            except OSError as err:  # permission denied, vanished since listed, I/O error
                raise read_error(err, path) from None
        except Cancelled:
            raise
        except KeyboardInterrupt:
            raise ImportInterrupted(path, summary) from None
        except GoldspanError as err:
            if fmt != "auto":
                err = _with_format_hint(err, path, fmt)
            raise ImportFailed(err, summary, path) from None
        summary.files.append(fs)
    return summary


def _with_format_hint(err: GoldspanError, path: Path, fmt: str) -> GoldspanError:
    """A refusal under a forced ``--format`` says which format the file looks like
    when that is another one (a Prodigy file read as CoNLL, a .spacy read as text)."""
    try:
        guess = detect(path)
    except (GoldspanError, OSError):
        return err
    if guess == fmt or "--format" in err.message:  # the reader named the format itself
        return err
    hinted = InputError(f"{err.message} (it looks like {guess}, not {fmt}: try --format "
                        f"{guess} or auto)", path=err.path, line=err.line,
                        offset=err.offset)
    hinted.code = err.code
    return hinted


# A batch is written when it holds this many records, characters of text or spans and
# suggestions, whichever comes first: memory stays bounded whatever the size of the
# articles (the import streams; tests/test_streaming_import.py). Measured here, batches
# of 200 records were as fast as batches of 1,000.
BATCH_RECORDS = 1000
BATCH_CHARS = 1_000_000
BATCH_SPANS = 5000


def _import_file(store: Store, path: Path, fs: FileSummary, default_annotator: str,
                 locked: bool, progress: Progress | None,
                 cancelled: Callable[[], bool] | None) -> None:
    """Read, check and write one file, in the caller's transaction.

    Every record is checked in Python as it is read (labels, annotator names, spans
    within the text and not overlapping), so a refusal names its line; the records are
    then written a batch at a time (:meth:`Store.bulk`), a few ``executemany`` per
    batch instead of several statements per record."""
    state = _FileState(store, fs, default_annotator, locked, path)
    bulk = store.bulk()
    batch: list[Record] = []
    chars = spans = 0
    for rec in reader(fs.format)(path):
        if cancelled is not None and cancelled():
            raise Cancelled("import cancelled; nothing of this file was kept", path=path)
        fs.records += 1
        state.check(rec)
        batch.append(rec)
        chars += len(rec.text)
        spans += len(rec.spans) + len(rec.suggestions)
        if len(batch) >= BATCH_RECORDS or chars >= BATCH_CHARS or spans >= BATCH_SPANS:
            state.write(bulk, batch)
            batch, chars, spans = [], 0, 0
        if progress is not None:
            progress(path, fs.records)
    state.write(bulk, batch)
    if state.new_labels:
        before = {lab.name for lab in store.labels()}
        store.add_labels(state.new_labels)
        fs.labels_added = [lab.name for lab in store.labels() if lab.name not in before]
    fs.conll_schemes = list(state.schemes)
    if state.other_lines:
        fs.notes.append(f"{state.other_lines} brat lines other than text-bound entities kept "
                        "in documents.meta, not imported as spans")
    if state.duplicates:
        fs.notes.append(f"{state.duplicates} suggestion{'s' if state.duplicates != 1 else ''} "
                        "repeated within a record stored once (not counted twice)")


class _FileState:
    """What the import of one file carries from record to record: the names already
    checked, the labels it adds, and its counts."""

    def __init__(self, store: Store, fs: FileSummary, default_annotator: str, locked: bool,
                 path: Path) -> None:
        self.fs = fs
        self.path = path
        self.default_annotator = default_annotator
        self.locked = locked
        self.known = {lab.name for lab in store.labels()}
        self.checked: set[str] = set()  # labels found to follow the rule (and in the set)
        self.annotators: set[str] = set()  # annotator names found to follow the rule
        self.new_labels: dict[str, None] = {}
        self.schemes: dict[str, None] = {}
        self.other_lines = 0
        self.duplicates = 0

    def check(self, rec: Record) -> None:
        """Refuse, with the record's line, anything the database would refuse: a label
        or an annotator name that breaks the naming rule (or a label outside a locked
        set), spans past the text, empty or overlapping."""
        _check_labels(rec, self.known, self.new_labels, self.locked, self.path, self.checked)
        if rec.status is not None:
            name = rec.annotator if rec.annotator is not None else self.default_annotator
            if name not in self.annotators:
                try:
                    check_annotator(name)
                except InputError as err:
                    raise InputError(err.message, path=self.path, line=rec.line) from None
                self.annotators.add(name)
            _check_version_spans(rec, self.path)
        elif rec.suggestions:
            _check_suggestions(rec, self.path)

    def write(self, bulk: BulkWriter, batch: list[Record]) -> None:
        if not batch:
            return
        fs = self.fs
        hashes = bulk.prefetch([rec.text for rec in batch])
        for rec, h in zip(batch, hashes, strict=True):
            doc_id = _document(bulk, rec, fs, h)
            if rec.status is not None:
                name = rec.annotator if rec.annotator is not None else self.default_annotator
                if bulk.version(doc_id, name, rec.status, rec.spans):
                    fs.versions_replaced += 1
                fs.versions_written += 1
            elif rec.suggestions:
                stored = bulk.suggestions(doc_id, rec.model or "import", rec.suggestions)
                fs.suggestions += stored
                self.duplicates += len(rec.suggestions) - stored
            if isinstance(rec.meta, dict) and rec.meta:
                if "conll_scheme" in rec.meta:
                    self.schemes[rec.meta["conll_scheme"]] = None
                brat = rec.meta.get("brat")
                if isinstance(brat, dict):
                    self.other_lines += len(brat.get("other", []))
        bulk.flush()


def _check_version_spans(rec: Record, path: Path) -> None:
    """A version's spans lie within the text, are not empty and do not overlap (every
    reader checks this too; here it is checked once for all of them, so that the
    database's own guard, the overlap trigger, never has to refuse a batch)."""
    spans = rec.spans
    if not spans:
        return
    n = len(rec.text)
    ordered = sorted(spans, key=_START_END)
    end = 0
    for i, s in enumerate(ordered):
        if not 0 <= s.start < s.end <= n:
            raise InputError(f"span {s.start}-{s.end} ({s.label}) is not within the text "
                             f"({n} characters)", path=path, line=rec.line)
        if i and s.start < end:
            a = ordered[i - 1]
            raise InputError(f"overlapping spans {a.start}-{a.end} ({a.label}) and "
                             f"{s.start}-{s.end} ({s.label}) in one record",
                             path=path, line=rec.line)
        end = s.end


def _check_suggestions(rec: Record, path: Path) -> None:
    n = len(rec.text)
    for s in rec.suggestions:
        if not 0 <= s.start < s.end <= n:
            raise InputError(f"suggestion {s.start}-{s.end} ({s.label}) is not within the "
                             f"text ({n} characters)", path=path, line=rec.line)


_START_END = operator.itemgetter(0, 1)


def _check_labels(rec: Record, known: set[str], new: dict[str, None], locked: bool,
                  path: Path, checked: set[str]) -> None:
    """Every label of the record follows the naming rule (:func:`labels.name_problem`),
    also one the project already has (a database from before the rule may hold one: it
    is not spread further); with a locked set, it is in the set."""
    names: Iterable[str] = [s.label for s in rec.spans] + [s.label for s in rec.suggestions]
    for name in names:
        if name in new or name in checked:
            continue
        refusal = label_refusal(name)
        if refusal:
            raise InputError(refusal, path=path, line=rec.line)
        if name in known:
            checked.add(name)
            continue
        if locked:
            raise InputError(f"unknown label {name!r}: the label set is locked; add the label "
                             "first or import without locking", path=path, line=rec.line)
        new[name] = None


def _document(bulk: BulkWriter, rec: Record, fs: FileSummary, h: str) -> int:
    meta = dict(rec.meta) if isinstance(rec.meta, dict) else {}
    if rec.tokens is not None:
        meta["tokens"] = [list(t) for t in rec.tokens]
    if rec.sentences is not None:
        meta["sentences"] = [list(s) for s in rec.sentences]
    source = rec.source or str(fs.path)
    doc_id, created = bulk.document(rec.text, h, rec.title or first_line(rec.text), source,
                                    meta or None)
    if created:
        fs.documents_created += 1
    else:
        fs.documents_existing += 1
        if meta:
            # Add keys a re-import brings (CoNLL tokens for a text first imported as
            # .txt...) without overwriting what the document already has.
            bulk.merge_meta(doc_id, h, meta)
    return doc_id
