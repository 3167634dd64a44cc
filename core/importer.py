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
import os
import stat
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterable, Sequence

from .errors import GoldspanError, InputError, shown
from .formats import reader
from .formats.base import Cancelled, read_error
from .formats.detect import detect, expand, input_kind_problem, normalise_format
from .textio import SQLITE_MAGIC, database_refusal
from .labels import check_annotator, label_refusal, lookalike, lookalike_refusal
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
    versions_written: int = 0  # new or replaced: rows written
    versions_replaced: int = 0  # of them, replacing a different version of that annotator
    versions_unchanged: int = 0  # already there with the same status and spans: not rewritten
    suggestions: int = 0
    labels_added: list[str] = field(default_factory=list)
    conll_schemes: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


@dataclass
class ImportSummary:
    files: list[FileSummary] = field(default_factory=list)
    skipped: list[Path] = field(default_factory=list)
    passed_over: list[tuple[Path, str]] = field(default_factory=list)  # not read, and why

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
            *([f"{self.total('versions_unchanged')} versions already there unchanged"]
              if self.total("versions_unchanged") else []),
            f"{self.total('suggestions')} suggestions",
            f"{len(self.labels_added)} new labels",
        ]
        if self.skipped:
            parts.append(f"{len(self.skipped)} files of unknown type left out")
        if self.passed_over:
            parts.append(f"{len(self.passed_over)} entries of a folder not read (see the "
                         "notes)")
        notes = sum(len(f.notes) for f in self.files)
        if notes:
            parts.append(f"{notes} notes")
        return "imported " + ", ".join(parts)


def _kept(done: ImportSummary) -> str:
    """Which earlier files of this call were imported and stay: their names (the first
    three and the last), so the user knows where to start again."""
    names = [shown(f.path) for f in done.files]
    n = len(names)
    if n == 0:
        return "no earlier file was imported"
    listed = ", ".join(names) if n <= 4 else f"{', '.join(names[:3])}, ... {names[-1]}"
    return f"{n} earlier file{'s were' if n != 1 else ' was'} imported and kept: {listed}"


class ImportFailed(InputError):
    """An import refused part-way: carries what earlier files did import."""

    def __init__(self, err: GoldspanError, done: ImportSummary,
                 current: Path | None = None) -> None:
        message = err.message
        # an error of the database (a full disk) names the database: say which file
        this = ("this file" if current is None or err.path == str(current)
                else shown(current))
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
    runs: dict[tuple[int, str], tuple[FileSummary, int]] | None = None,
) -> ImportSummary:
    """Import files and folders; returns what was stored, per file (every count is
    what the database took, never what the file offered). ``runs``: carried from one
    call to the next by a caller importing file by file (the Import dialog), so that a
    suggestion run replaced by a later file is counted once over all of them."""
    fmt = normalise_format(format)
    if annotator is not None:
        check_annotator(annotator)
    try:
        files, skipped, passed = expand([Path(p) for p in paths], pipes_ok=fmt != "auto")
    except OSError as err:  # a folder that cannot be listed
        raise read_error(err, Path(err.filename or paths[0])) from None
    summary = ImportSummary(skipped=skipped, passed_over=passed)
    # which file's run each (document, model) holds: a later file's run replaces it
    # (put_suggestions), and the total must count it once
    runs = {} if runs is None else runs
    for path in files:
        try:
            try:
                file_fmt = detect(path) if fmt == "auto" else fmt
                fs = FileSummary(path, file_fmt)
                with store.transaction():
                    file_runs = _import_file(store, path, fs, annotator or DEFAULT_ANNOTATOR,
                                             locked_labels, progress, cancelled)
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
        _count_runs(runs, file_runs, fs)
        summary.files.append(fs)
    return summary


def _count_runs(runs: dict[tuple[int, str], tuple[FileSummary, int]],
                file_runs: dict[tuple[int, str], int], fs: FileSummary) -> None:
    """Once a file is committed: its runs replace those earlier files of the call
    stored for the same document and model, which no longer count."""
    replaced = 0
    for key, n in file_runs.items():
        earlier = runs.get(key)
        if earlier is not None:
            earlier[0].suggestions -= earlier[1]
            replaced += earlier[1]
        runs[key] = (fs, n)
    if replaced:
        fs.notes.append(f"{replaced} suggestion{'s' if replaced != 1 else ''} that an earlier "
                        "file of this import stored replaced by this file's run of the same "
                        "model on the same document, counted once")


def _with_format_hint(err: GoldspanError, path: Path, fmt: str) -> GoldspanError:
    """A refusal under a forced ``--format`` says which format the file looks like
    when that is another one (a Prodigy file read as CoNLL, a .spacy read as text)."""
    if input_kind_problem(path, pipes_ok=False) is not None:
        return err  # a pipe is read once: a second look would wait for another writer
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
                 locked_labels: bool, progress: Progress | None,
                 cancelled: Callable[[], bool] | None) -> dict[tuple[int, str], int]:
    """Import one file (inside the caller's transaction); returns how many suggestions
    each (document, model) run it stored holds.

    Every record is checked in Python as it is read (labels, annotator names, spans
    within the text and not overlapping), so a refusal names its line; the records are
    then written a batch at a time (:meth:`Store.bulk`), a few ``executemany`` per
    batch instead of several statements per record: the outcome and every count are
    those of writing record by record (tests/test_import_truth.py)."""
    # the lock as it is in this file's transaction: a lock set by another process
    # during a multi-file import holds from the next file on
    locked = locked_labels or store.setting("labels_locked", False, kind=bool)
    state = _FileState(store, fs, default_annotator, locked, path)
    bulk = store.bulk()
    batch: list[Record] = []
    chars = spans = 0
    before = _fingerprint(path, fs.format)
    _refuse_a_database(path)
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
    _refuse_changed(path, fs.format, before)
    fs.suggestions = sum(state.runs.values())
    if state.new_labels:
        before_labels = {lab.name for lab in store.labels()}
        store.add_labels(state.new_labels)
        fs.labels_added = [lab.name for lab in store.labels() if lab.name not in before_labels]
    fs.conll_schemes = list(state.schemes)
    if state.other_lines:
        fs.notes.append(f"{state.other_lines} brat lines other than text-bound entities kept "
                        "in documents.meta, not imported as spans")
    if state.replaced:
        n = state.replaced
        fs.notes.append(f"{n} suggestion{'s' if n != 1 else ''} replaced by a later record "
                        "of the same document and model in this file (a model's last run is "
                        "kept), not counted")
    if state.duplicates:
        n = state.duplicates
        fs.notes.append(f"{n} suggestion{'s' if n != 1 else ''} repeated within a record "
                        "stored once (not counted twice)")
    return state.runs


class _FileState:
    """What the import of one file carries from record to record: the names already
    checked, the labels it adds, the runs it stored, and its counts."""

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
        self.runs: dict[tuple[int, str], int] = {}  # what each (document, model) holds now
        self.other_lines = 0
        self.duplicates = 0
        self.replaced = 0

    def annotator(self, rec: Record) -> str:
        return rec.annotator if rec.annotator is not None else self.default_annotator

    def check(self, rec: Record) -> None:
        """Refuse, with the record's line, anything the database would refuse: a label
        or an annotator name that breaks the naming rule (or a label outside a locked
        set, or a lookalike of one), spans past the text, empty or overlapping."""
        _check_labels(rec, self.known, self.new_labels, self.locked, self.path, self.checked)
        if rec.status is not None:
            name = self.annotator(rec)
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
        """Write a batch of checked records, in file order."""
        if not batch:
            return
        fs = self.fs
        hashes = bulk.prefetch([rec.text for rec in batch],
                               [self.annotator(rec) if rec.status is not None else None
                                for rec in batch])
        for rec, h in zip(batch, hashes, strict=True):
            doc_id = _document(bulk, rec, fs, h)
            if rec.status is not None:
                outcome = bulk.version(doc_id, self.annotator(rec), rec.status, rec.spans)
                if outcome == "unchanged":
                    # the same version: left as it is (its time, its edits' origins), and
                    # not called "replaced", so that a re-import shows the ones that changed
                    fs.versions_unchanged += 1
                else:
                    fs.versions_replaced += outcome == "replaced"
                    fs.versions_written += 1
            elif rec.suggestions:
                model = rec.model or "import"
                stored = bulk.suggestions(doc_id, model, rec.suggestions)
                self.duplicates += len(rec.suggestions) - stored
                # a later record of the same document and model replaces the run (as a
                # re-import does): the summary counts what is stored, not both
                self.replaced += self.runs.get((doc_id, model), 0)
                self.runs[(doc_id, model)] = stored
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


def _files_read(path: Path, fmt: str) -> list[Path]:
    if fmt == "brat":
        from .formats.brat import pair

        return list(pair(path))
    return [path]


def _refuse_a_database(path: Path) -> None:
    """An SQLite database given with a forced format (``--format txt``) is refused
    before it is read: one whose first bytes happen to be valid UTF-8 was stored as an
    article. A pipe is left alone (its start can be read only once)."""
    try:
        if not stat.S_ISREG(os.stat(path).st_mode):
            return
        with open(path, "rb") as fh:
            head = fh.read(len(SQLITE_MAGIC))
    except OSError:
        return  # the reader says why, in its own words
    refusal = database_refusal(head)
    if refusal:
        raise InputError(refusal, path=path)


Fingerprint = tuple[int, int, int, int] | None


def _fingerprint(path: Path, fmt: str) -> dict[Path, Fingerprint]:
    """(device, inode, size, modification time) of each regular file the reader of
    ``fmt`` reads for ``path``; None for a pipe (read as it comes) or a missing one."""
    out: dict[Path, Fingerprint] = {}
    for p in _files_read(path, fmt):
        try:
            st = os.stat(p)
        except OSError:
            out[p] = None
            continue
        out[p] = ((st.st_dev, st.st_ino, st.st_size, st.st_mtime_ns)
                  if stat.S_ISREG(st.st_mode) else None)
    return out


def _refuse_changed(path: Path, fmt: str, before: dict[Path, Fingerprint]) -> None:
    """Refuse (and so roll back) a file that changed while it was read: a download or
    a copy still being written, an editor saving over it. A file truncated half-way
    through used to import its first part and report success. Files are matched by
    path: one removed from a brat folder meanwhile is named, not its neighbour."""
    after = _fingerprint(path, fmt)
    for p, old in before.items():
        new = after.get(p)
        if old is None or old == new:
            continue
        if new is None:
            what = "was removed or replaced"
        elif new[:2] != old[:2]:
            what = "was replaced by another file"
        elif new[2] != old[2]:
            what = f"changed size from {old[2]:,} to {new[2]:,} bytes"
        else:
            what = "was modified"
        raise InputError(f"the file {what} while goldspan read it (is it still being "
                         "written?); nothing of it was imported: import it again once it "
                         "is complete", path=p)


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
        other = lookalike(name, [*known, *new])
        if other is not None:
            raise InputError(lookalike_refusal(name, other), path=path, line=rec.line)
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
            # keys a re-import brings (CoNLL tokens for a text first imported as .txt)
            # are added without overwriting what the document already has
            bulk.merge_meta(doc_id, h, meta)
    return doc_id

