"""Every file and folder goldspan writes goes through :class:`Outputs`.

Why one mechanism: an output path is where a tool can destroy what the user has, and
each command used to guard it (or not) its own way. The rules below hold for
``export`` (files, folders, splits, ``--config``), ``agreement --html``,
``screenshot``, ``backup``, ``train``, the daily backups and the export dialog.

Files
    An output file is a new path or a regular file, after following symbolic links; a
    folder, a device, a pipe or a socket is refused. It is never the database the
    command uses, nor its ``-wal``, ``-shm`` or ``-journal``, nor any file this process
    has open (its database, an input, where its standard output goes), nor another
    output of the same command: compared by resolved path and by device + inode, so
    hard links and symbolic links are caught. Nor is it named as SQLite names a
    database's own files (``X-wal``, ``X-shm``, ``X-journal`` beside any SQLite file
    ``X``): SQLite would remove it the next time ``X`` is opened. The bytes go to a temporary file in the
    real target's folder, flushed to disk and renamed over it at the end: an error, a
    full disk or Ctrl-C leave the old file as it was and no temporary file. A symbolic
    link is written through (the link stays, its target gets the new content). A
    replaced file keeps its permissions. ``-`` means standard output where the caller
    allows it (JSON lines and text a pipe can take), refused elsewhere.

Folders
    A folder output (brat, txt, a sharded ``.spacy`` corpus, a train/dev split, a
    trained pipeline) is built under a temporary folder and swapped in at the end. An
    existing folder is replaced only if it is empty or if goldspan can prove it wrote
    every file in it: :data:`MANIFEST`, written into every folder output, lists each file
    with its size and SHA-256, and a file added or changed since is not goldspan's. Any
    other folder is refused, untouched. The check is made again on the old folder once
    it is renamed away, so a file dropped in at the last moment is not lost either.

Missing folders
    Folders missing on the way to an output are created, and removed again if the
    write fails: a failed command leaves nothing behind.

Leftovers
    Temporary names are ``.NAME.partial-PID-XXXXXX`` (``.NAME.old-PID-XXXXXX`` while a
    folder is swapped). ``kill -9`` leaves them behind; the next run writing NAME in
    that folder removes those whose process is gone, or that nothing has touched for a
    day (a process id can be reused), never those of a live process still writing. A
    process killed in the middle of a folder swap left the previous folder as ``.old``:
    it is put back first.

Every message names the user's path, never a temporary one.
"""

from __future__ import annotations

import errno
import hashlib
import json
import os
import re
import secrets
import shutil
import stat
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any, Callable, Iterable

from .errors import GoldspanError, OutputError

STDOUT = "-"
MANIFEST = ".goldspan-manifest.json"
STALE_SECONDS = 24 * 3600
DATABASE_SUFFIXES = ("", "-wal", "-shm", "-journal")
_SQLITE_FILES = {"-wal": "SQLite's write-ahead log", "-shm": "SQLite's shared-memory index",
                 "-journal": "SQLite's rollback journal"}
_MAX_STEM_BYTES = 200  # a temporary name adds about 25 bytes; NAME_MAX is 255
_WRITE_ERRNOS = {errno.ENOSPC, errno.EDQUOT, errno.EFBIG, errno.EROFS, errno.EIO,
                 errno.EACCES, errno.EPERM}
_REASONS = {
    errno.ENOSPC: "the disk is full",
    errno.EDQUOT: "the disk quota is exceeded",
    errno.EFBIG: "the file is too large for this file system",
    errno.EROFS: "the file system is read-only",
    errno.EACCES: "permission denied",
    errno.EPERM: "permission denied",
    errno.EIO: "input/output error (a failing disk or a vanished network share?)",
}


def database_files(db: str | Path | None) -> list[Path]:
    """The database and the files SQLite keeps beside it: none of them is ever an output."""
    if db is None:
        return []
    p = Path(db)
    return [p.with_name(p.name + suffix) for suffix in DATABASE_SUFFIXES]


def is_stdout(path: str | Path | None) -> bool:
    return path is not None and str(path) == STDOUT


# ------------------------------------------------------------------ the entries
@dataclass
class _Entry:
    given: Path  # as the user gave it: every message names it
    real: Path  # where the bytes land, symbolic links followed
    kind: str  # "file" (a handle), "path" (a producer writes the path), "folder", "scratch", "stdout"
    temp: Path | None = None
    existed: bool = False
    old_stat: os.stat_result | None = None
    handle: IO[Any] | None = None
    validate: Callable[[Path], None] | None = None
    mode_from: Path | None = None
    owner: str = "goldspan"
    inside: "_Entry | None" = None  # a file written inside a folder output's temporary folder


class Outputs:
    """The outputs of one command: checked when registered (before any work), written
    under temporary names, and put in place together by :meth:`commit` (or all removed
    by :meth:`discard`). Used as a context manager: committed when the block ends
    normally, discarded on any exception, which is turned into one line naming the
    user's path when it is about writing (a full disk, a read-only folder).

    ``protect`` lists files that must never be an output (the command's database);
    :func:`database_files` gives a database's. Files this process has open are
    protected as well, whatever the list says.
    """

    def __init__(self, protect: Iterable[str | Path] = ()) -> None:
        self.protect = [Path(p) for p in protect]
        self.entries: list[_Entry] = []
        self._created: list[Path] = []  # folders made on the way, removed on failure
        self._done = False

    # ---------------------------------------------------------------- register
    def file(self, path: str | Path, *, binary: bool = False,
             stdout_ok: bool = False) -> IO[Any]:
        """An open handle to write the file ``path`` through (text: UTF-8 with ``\\n``).
        ``-`` is standard output when ``stdout_ok``."""
        if is_stdout(path) and not stdout_ok:
            raise OutputError("standard output ('-') is not possible for this output; "
                              "give a file name", path=STDOUT)
        if is_stdout(path):
            if any(e.kind == "stdout" for e in self.entries):
                raise OutputError("standard output is already another output of this "
                                  "command; give a file name", path=STDOUT)
            self.entries.append(_Entry(Path(STDOUT), Path(STDOUT), "stdout"))
            return sys.stdout.buffer if binary else sys.stdout
        entry = self._register(Path(path), "file")
        assert entry.temp is not None
        fd = os.open(entry.temp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0),
                     0o666)
        entry.handle = (os.fdopen(fd, "wb") if binary
                        else open(fd, "w", encoding="utf-8", newline="\n"))
        return entry.handle

    def path(self, path: str | Path, *, validate: Callable[[Path], None] | None = None,
             mode_from: str | Path | None = None, database: bool = False) -> Path:
        """A temporary path for a writer that wants a path (SQLite, Qt, spaCy), created
        empty here so that a read-only folder or a full disk is said at once and in plain
        words (Qt and SQLite would only say they failed); the writer overwrites it.
        ``validate(temp)`` may refuse it before it replaces ``path``. A new file takes
        the permissions of ``mode_from`` (a backup keeps its database's). ``database``:
        the output is an SQLite database itself (a backup), so it may replace one."""
        if is_stdout(path):
            raise OutputError("standard output ('-') is not possible for this output; "
                              "give a file name", path=STDOUT)
        entry = self._register(Path(path), "path", database=database)
        entry.validate = validate
        entry.mode_from = Path(mode_from) if mode_from is not None else None
        assert entry.temp is not None
        os.close(os.open(entry.temp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666))
        return entry.temp

    def folder(self, path: str | Path, *, owner: str = "goldspan") -> Path:
        """A temporary folder path (not yet created: the writer makes it, or it is made
        empty at the end) that replaces the folder ``path`` on commit."""
        if is_stdout(path):
            raise OutputError("standard output ('-') is not possible here: this output is "
                              "a folder", path=STDOUT)
        entry = self._register(Path(path), "folder")
        entry.owner = owner
        assert entry.temp is not None
        return entry.temp

    def scratch(self, near: str | Path) -> Path:
        """A temporary working folder beside the output ``near`` (removed at the end,
        and by the next run if this process is killed)."""
        real = _real(Path(near))
        self._make_parents(Path(near), real.parent)
        temp = _temp_name(real, "partial")
        temp.mkdir()
        self.entries.append(_Entry(Path(near), real, "scratch", temp=temp))
        return temp

    def _register(self, given: Path, kind: str, database: bool = False) -> _Entry:
        real, st = _inspect(given)
        folder_kind = kind == "folder"
        if st is not None:
            if folder_kind:
                if not stat.S_ISDIR(st.st_mode):
                    raise OutputError("is a file; this output is a folder: give a folder name",
                                      path=given)
            elif stat.S_ISDIR(st.st_mode):
                raise OutputError("is a folder; give a file name", path=given)
            elif not stat.S_ISREG(st.st_mode):
                raise OutputError(
                    f"is a {_kind(st.st_mode)}, not a regular file; goldspan writes only to a "
                    "new path or a regular file (use '-' for standard output where a command "
                    "allows it)", path=given)
        if st is None and os.path.islink(given) and not real.parent.is_dir():
            raise OutputError(f"is a symbolic link into a folder that does not exist "
                              f"({real.parent}); goldspan creates no folder a link points to",
                              path=given)
        self._refuse_protected(given, real, st)
        if not folder_kind:
            _refuse_a_databases_own_file(given, real)
            _refuse_live_database(given, real)
            if not database and st is not None and stat.S_ISREG(st.st_mode):
                _refuse_a_database(given, real)
        self._refuse_overlap(given, real, st)
        container = self._container(real)
        if container is not None:  # e.g. --config inside the --split folder being written
            assert container.temp is not None
            if folder_kind:
                raise OutputError("is inside another output folder of this command",
                                  path=given)
            temp = container.temp / real.relative_to(container.real)
            entry = _Entry(given, real, kind, temp=temp, inside=container)
            temp.parent.mkdir(parents=True, exist_ok=True)
            self.entries.append(entry)
            return entry
        if folder_kind and st is not None:
            foreign = foreign_file(real)
            if foreign is not None:
                raise OutputError(f"folder is not empty and {foreign}; goldspan replaces only "
                                  "a folder it wrote itself: choose a new folder (or empty "
                                  "this one)", path=given)
        self._make_parents(given, real.parent)
        sweep(real.parent, real.name)
        if st is None and real.exists():  # a dead process's folder swap was put back
            return self._register(given, kind, database)
        entry = _Entry(given, real, kind, temp=_temp_name(real, "partial"),
                       existed=st is not None, old_stat=st)
        self.entries.append(entry)
        return entry

    def _refuse_protected(self, given: Path, real: Path, st: os.stat_result | None) -> None:
        ident = (st.st_dev, st.st_ino) if st is not None else None
        protected = self.protect
        for p in protected:
            try:
                pst = os.stat(p)
            except OSError:
                pst = None
            same_inode = ident is not None and pst is not None and ident == (pst.st_dev, pst.st_ino)
            if same_inode or _real(p) == real:
                db = next((p.with_name(p.name[:-len(s)]) for s in DATABASE_SUFFIXES
                           if s and p.name.endswith(s)
                           and p.with_name(p.name[:-len(s)]) in protected), None)
                if db is None:
                    which = "" if str(p) == str(given) else f" ({p})"
                    raise OutputError(f"is the database this command uses{which}; writing "
                                      "here would destroy it: choose another path", path=given)
                raise OutputError(f"is {_SQLITE_FILES[p.name[len(db.name):]]} of the database "
                                  f"{db}; writing here would damage it: choose another path",
                                  path=given)
        if ident is not None:
            fd = _open_files().get(ident)
            if fd is not None:
                what = {0: "goldspan's standard input",
                        1: "where goldspan's standard output goes (use '-' to write there)",
                        2: "where goldspan's error output goes"}.get(
                            fd, "a file goldspan has open (its database or an input)")
                raise OutputError(f"is {what}; choose another path", path=given)

    def _refuse_overlap(self, given: Path, real: Path, st: os.stat_result | None) -> None:
        for e in self.entries:
            if e.kind in ("stdout", "scratch"):
                continue
            same = e.real == real or (st is not None and e.old_stat is not None and
                                      (st.st_dev, st.st_ino) == (e.old_stat.st_dev,
                                                                 e.old_stat.st_ino))
            if same:
                other = "" if str(e.given) == str(given) else f" ({e.given})"
                raise OutputError(f"is also another output of this command{other}; give "
                                  "each output its own path", path=given)
            if e.kind != "folder" and e.real.is_relative_to(real):
                raise OutputError(f"contains another output of this command ({e.given})",
                                  path=given)

    def _container(self, real: Path) -> _Entry | None:
        for e in self.entries:
            if e.kind == "folder" and e.inside is None and real.is_relative_to(e.real):
                return e
        return None

    def _make_parents(self, given: Path, folder: Path) -> None:
        missing: list[Path] = []
        p = folder
        while not p.exists():
            missing.append(p)
            if p.parent == p:
                break
            p = p.parent
        for p in reversed(missing):
            try:
                p.mkdir()
            except FileExistsError:
                if not p.is_dir():
                    raise OutputError(f"cannot create the folder {_shown(given, p)}: a file of "
                                      "that name is in the way", path=given) from None
                continue  # made by someone else meanwhile: not ours to remove
            except OSError as err:
                if err.errno == errno.ENOTDIR:
                    raise OutputError(f"cannot create the folder {_shown(given, p)}: part of "
                                      "the path is a file, not a folder", path=given) from None
                raise OutputError(f"cannot create the folder {_shown(given, p)}: "
                                  f"{_reason(err)}", path=given) from None
            self._created.append(p)
        if not p.is_dir():
            raise OutputError(f"{_shown(given, p)} is a file, not a folder", path=given)

    # --------------------------------------------------------------- finishing
    def commit(self) -> None:
        """Put every output in place (in the order they were registered)."""
        if self._done:
            return
        for e in self.entries:
            if e.kind == "stdout":
                sys.stdout.flush()
            elif e.handle is not None:
                e.handle.flush()
                os.fsync(e.handle.fileno())
                e.handle.close()
                e.handle = None
        for e in self.entries:
            if e.validate is not None:
                assert e.temp is not None
                e.validate(e.temp)
        for e in self.entries:
            if e.kind == "folder" and e.inside is None:
                self._put_folder(e)
            elif e.kind in ("file", "path") and e.inside is None:
                self._put_file(e)
        for e in self.entries:
            if e.kind == "scratch" and e.temp is not None:
                shutil.rmtree(e.temp, ignore_errors=True)
        self._done = True

    def discard(self) -> None:
        """Remove every temporary file and folder, and the folders made for them."""
        if self._done:
            return
        self._done = True
        for e in self.entries:
            if e.handle is not None:
                try:
                    e.handle.close()
                except OSError:
                    pass
                e.handle = None
        for e in reversed(self.entries):
            if e.temp is not None and e.inside is None and e.kind != "stdout":
                _remove(e.temp)
                for suffix in ("-journal", "-wal", "-shm"):
                    _remove(e.temp.with_name(e.temp.name + suffix))
        for p in reversed(self._created):
            try:
                p.rmdir()
            except OSError:
                pass

    def __enter__(self) -> "Outputs":
        return self

    def __exit__(self, kind: type[BaseException] | None, err: BaseException | None,
                 tb: Any) -> None:
        if err is None:
            try:
                self.commit()
            except BaseException as failure:
                self.discard()
                translated = self._translate(failure)
                if translated is not None:
                    raise translated from failure
                raise
            return
        self.discard()
        translated = self._translate(err)
        if translated is not None:
            raise translated from err

    def _translate(self, err: BaseException) -> OutputError | None:
        """An error while writing as one line about the user's path; None to let it be."""
        if isinstance(err, GoldspanError) or not isinstance(err, OSError):
            return None
        if isinstance(err, BrokenPipeError) and any(e.kind == "stdout" for e in self.entries):
            _silence_stdout()
            return OutputError("standard output was closed before everything was written "
                               "(broken pipe)", path=STDOUT)
        names = [str(n) for n in (err.filename, getattr(err, "filename2", None)) if n]
        entry = next((e for e in self.entries if e.temp is not None and e.kind != "stdout"
                      and any(n == str(e.temp) or n.startswith(str(e.temp) + os.sep)
                              or n.startswith(str(e.temp) + "-") for n in names)), None)
        if entry is None:
            targets = [e for e in self.entries if e.kind not in ("stdout", "scratch")]
            if names or err.errno not in _WRITE_ERRNOS or not targets:
                return None
            entry = targets[0]
        if entry.kind == "scratch":
            state = "nothing was left behind"
        elif entry.existed:
            state = f"the existing {'folder' if entry.kind == 'folder' else 'file'} is unchanged"
        else:
            state = "nothing was left behind"
        return OutputError(f"cannot write: {_reason(err)}; {state}", path=entry.given)

    def _put_file(self, e: _Entry) -> None:
        assert e.temp is not None
        if not e.temp.exists():  # a writer that removed its own file
            raise OutputError("the writer produced no file; nothing was changed", path=e.given)
        real, st = _inspect(e.given)  # again: it may have changed while we worked
        if st is not None and not stat.S_ISREG(st.st_mode):
            raise OutputError("changed into something other than a regular file while "
                              "goldspan was writing; it was left alone", path=e.given)
        self._refuse_protected(e.given, real, st)
        _refuse_live_database(e.given, real)
        _copy_mode(e.temp, st if st is not None else _stat(e.mode_from))
        _rename(e.temp, real, e)
        _fsync_dir(real.parent)

    def _put_folder(self, e: _Entry) -> None:
        assert e.temp is not None
        if not e.temp.exists():
            e.temp.mkdir()
        write_manifest(e.temp, e.owner)
        real, st = _inspect(e.given)
        if st is None:
            _rename(e.temp, real, e)
            _fsync_dir(real.parent)
            return
        if not stat.S_ISDIR(st.st_mode):
            raise OutputError("changed into a file while goldspan was writing; it was left "
                              "alone", path=e.given)
        _copy_mode(e.temp, st)
        old = _temp_name(real, "old")
        _rename(real, old, e)
        try:
            foreign = foreign_file(old)  # nothing can add a file by its path any more
            if foreign is not None:
                raise OutputError(f"folder is not empty and {foreign}; goldspan replaces "
                                  "only a folder it wrote itself: choose a new folder (or "
                                  "empty this one)", path=e.given)
            _rename(e.temp, real, e)
        except BaseException:
            os.replace(old, real)
            raise
        _fsync_dir(real.parent)
        shutil.rmtree(old, ignore_errors=True)


SQLITE_HEADER = b"SQLite format 3\x00"


def _refuse_a_database(given: Path, real: Path) -> None:
    """An output that is not a database never replaces one: ``export --db analyst.db
    --out team.db`` (a slip of the keyboard) put a JSON-lines file where the team's
    database was. Only a backup replaces an SQLite file. (Read here only once the file
    is known not to be open in this process: closing a descriptor of a file drops the
    process's SQLite locks on it.)"""
    try:
        with open(real, "rb") as fh:
            head = fh.read(len(SQLITE_HEADER))
    except OSError:
        return
    if head == SQLITE_HEADER:
        raise OutputError("is an SQLite database (another project, a backup?); this output "
                          "is not one and never replaces one: choose another path (or move "
                          "the database away first)", path=given)


def _refuse_a_databases_own_file(given: Path, real: Path) -> None:
    """Refuse ``X-wal``, ``X-shm`` or ``X-journal`` when ``X`` is an SQLite database
    (any one: the command's own through a symbolic link, whose files SQLite names after
    the link's target; another project's): SQLite takes such a file for its own and
    deletes it the next time ``X`` is opened. ``export --out team.db-journal`` wrote
    1.9 MB, said so, exit 0, and the next ``goldspan stats --db team.db`` removed it.
    A database this process has open is not read (closing a descriptor of it would
    drop the process's SQLite locks): it is one."""
    open_now = _open_files()
    for p in dict.fromkeys((given, real)):
        suffix = next((s for s in DATABASE_SUFFIXES[1:] if p.name.endswith(s)), None)
        if suffix is None or p.name == suffix:
            continue
        db = p.with_name(p.name[:-len(suffix)])
        st = _stat(db)
        if st is None or not stat.S_ISREG(st.st_mode):
            continue
        if (st.st_dev, st.st_ino) not in open_now:
            try:
                with open(db, "rb") as fh:
                    if fh.read(len(SQLITE_HEADER)) != SQLITE_HEADER:
                        continue
            except OSError:
                continue
        raise OutputError(f"is the name of {_SQLITE_FILES[suffix]} of the database {db}: "
                          "SQLite would take this file for its own and remove or overwrite "
                          "it the next time that database is opened; choose another name", path=given)


def _refuse_live_database(given: Path, real: Path) -> None:
    """Refuse to replace a file that has SQLite's ``-wal``, ``-shm`` or ``-journal``
    beside it: an SQLite database that a program has open, or that was not closed
    cleanly. Renaming a new file over it would leave the old log beside the new file:
    the next opening replays the old pages into it (a backup written over a crashed
    database came out damaged, and what the old log held was lost), and a program
    that has it open goes on writing to a file that no longer has a name."""
    for base in dict.fromkeys((given, real)):
        for suffix in DATABASE_SUFFIXES[1:]:
            if os.path.lexists(base.with_name(base.name + suffix)):
                raise OutputError(
                    f"has {_SQLITE_FILES[suffix]} beside it ({base.name}{suffix}): it is an "
                    "SQLite database that a program has open or that was not closed cleanly, "
                    "and replacing it would lose what that log holds and damage the new "
                    "file; close the program using it (or open it once with goldspan "
                    "check), or choose another path", path=given)


# ------------------------------------------------------------------ manifests
def write_manifest(folder: Path, owner: str = "goldspan") -> None:
    """List every file of ``folder`` with its size and SHA-256 in :data:`MANIFEST`."""
    files: dict[str, dict[str, Any]] = {}
    for root, _dirs, names in os.walk(folder):
        for name in names:
            p = Path(root) / name
            rel = p.relative_to(folder).as_posix()
            if rel == MANIFEST:
                continue
            files[rel] = {"size": p.stat().st_size, "sha256": _sha256(p)}
    doc = {"goldspan": "the files goldspan wrote here; it replaces this folder only while "
                       "every file in it is listed here, unchanged",
           "written_by": owner, "version": 1, "files": dict(sorted(files.items()))}
    with open(folder / MANIFEST, "w", encoding="utf-8", newline="\n") as fh:
        json.dump(doc, fh, indent=1, ensure_ascii=False)
        fh.write("\n")


def foreign_file(folder: Path) -> str | None:
    """None if ``folder`` is empty or holds only files its manifest lists unchanged;
    else what the first other file is (for the refusal)."""
    try:
        with os.scandir(folder) as it:
            if next(it, None) is None:
                return None
    except OSError as err:
        return f"cannot be read ({_reason(err)})"
    try:
        listed = json.loads((folder / MANIFEST).read_text(encoding="utf-8"))["files"]
        assert isinstance(listed, dict)
    except (OSError, ValueError, KeyError, TypeError, AssertionError):
        listed = None
    for root, dirs, names in os.walk(folder):
        dirs.sort()
        for d in dirs:
            if os.path.islink(os.path.join(root, d)):
                return f"holds {_rel(folder, root, d)}, a link goldspan did not make"
        for name in sorted(names):
            rel = _rel(folder, root, name)
            if rel == MANIFEST:
                continue
            p = Path(root) / name
            if listed is None:
                return f"holds {rel}, which goldspan did not write (no manifest)"
            record = listed.get(rel)
            try:
                st = os.lstat(p)
            except OSError:
                continue
            if record is None:
                return f"holds {rel}, which goldspan did not write"
            if (not stat.S_ISREG(st.st_mode) or st.st_size != record.get("size")
                    or _sha256(p) != record.get("sha256")):
                return f"{rel} was changed since goldspan wrote it"
    return None


# ------------------------------------------------------------------ leftovers
def sweep(folder: Path, name: str, now: float | None = None) -> list[Path]:
    """Remove the leftovers of dead goldspan processes for the output ``name`` in
    ``folder`` (see the module docstring); returns what was removed."""
    stem = re.escape(_stem(name))
    ours = re.compile(rf"^\.{stem}\.(partial|old)-(\d+)(?:-[0-9a-f]{{6}})?(?:-journal|-wal|-shm)?$")
    legacy = re.compile(rf"^\.{stem}\.partial-[a-z0-9_]{{8}}$")  # train's before the pid
    now = time.time() if now is None else now
    try:
        with os.scandir(folder) as it:
            found = [(e.name, Path(e.path)) for e in it]
    except OSError:
        return []
    target = folder / name
    removed: list[Path] = []
    olds: list[Path] = []
    for entry_name, p in sorted(found):
        m = ours.match(entry_name)
        if m is not None:
            pid: int | None = int(m.group(2))
            kind = m.group(1)
        elif legacy.match(entry_name):
            pid, kind = None, "partial"
        else:
            continue
        if pid == os.getpid():
            continue
        if _alive(pid) and not _untouched(p, now - STALE_SECONDS):
            continue
        if kind == "old":
            olds.append(p)
        else:
            _remove(p)
            removed.append(p)
    for p in olds:  # killed between the two renames of a folder swap: the old one goes back
        if not os.path.lexists(target):
            try:
                os.replace(p, target)
                continue
            except OSError:
                pass
        _remove(p)
        removed.append(p)
    return removed


def _alive(pid: int | None) -> bool:
    """Whether a process with this id runs (unknown counts as alive: only age decides)."""
    if pid is None or os.name == "nt":  # os.kill(pid, 0) would terminate it on Windows
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:
        return True
    try:  # a zombie (killed, not yet reaped) writes nothing any more
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
        return state not in ("Z", "X")
    except (OSError, IndexError):
        return True


def _untouched(p: Path, since: float) -> bool:
    """Nothing in ``p`` was modified after ``since``."""
    try:
        if os.lstat(p).st_mtime > since:
            return False
        for root, dirs, names in os.walk(p):
            for n in dirs + names:
                if os.lstat(os.path.join(root, n)).st_mtime > since:
                    return False
    except OSError:
        return False
    return True


# ------------------------------------------------------------------ helpers
def _rename(src: Path, dst: Path, e: _Entry) -> None:
    """``os.replace`` whose failure is one line about the user's path."""
    try:
        os.replace(src, dst)
    except OSError as err:
        if err.errno in (errno.EBUSY, errno.EXDEV):
            message = ("cannot be replaced: it is a mount point or in use; write into a new "
                       "folder inside it")
        elif err.errno in (errno.ENOTEMPTY, errno.EEXIST, errno.EISDIR, errno.ENOTDIR):
            message = "appeared while goldspan was writing; it was left alone"
        else:
            message = (f"cannot put the new output in place: {_reason(err)}; the existing "
                       "one is unchanged")
        raise OutputError(message, path=e.given) from None


def _inspect(given: Path) -> tuple[Path, os.stat_result | None]:
    """(where the bytes would land, what is there now or None for a new path)."""
    try:
        st: os.stat_result | None = os.stat(given)
    except FileNotFoundError:
        st = None
    except NotADirectoryError:
        raise OutputError("part of the path is a file, not a folder", path=given) from None
    except OSError as err:
        if err.errno == errno.ELOOP:
            raise OutputError("is a symbolic link that loops", path=given) from None
        raise OutputError(f"cannot be inspected: {_reason(err)}", path=given) from None
    real = _real(given)
    if st is not None and (stat.S_ISREG(st.st_mode) or stat.S_ISDIR(st.st_mode)):
        try:
            rst = os.stat(real)
        except OSError:
            rst = None
        if rst is None or (rst.st_dev, rst.st_ino) != (st.st_dev, st.st_ino):
            raise OutputError("leads to a file goldspan cannot name (a link into /proc?); "
                              "give a plain path, or '-' for standard output", path=given)
    return real, st


def _shown(given: Path, real: Path) -> Path:
    """The user's spelling of a folder on the way to ``given`` (``real`` resolved)."""
    for folder in (given.parent, *given.parent.parents):
        if _real(folder) == real:
            return folder
    return real


def _real(p: Path) -> Path:
    return Path(os.path.realpath(p))


def _stem(name: str) -> str:
    if len(name.encode("utf-8", "surrogateescape")) <= _MAX_STEM_BYTES:
        return name
    return name[:60] + "~" + hashlib.sha256(name.encode("utf-8", "surrogateescape")).hexdigest()[:12]


def _temp_name(real: Path, kind: str) -> Path:
    return real.with_name(f".{_stem(real.name)}.{kind}-{os.getpid()}-{secrets.token_hex(3)}")


def _kind(mode: int) -> str:
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "device"
    if stat.S_ISFIFO(mode):
        return "pipe"
    if stat.S_ISSOCK(mode):
        return "socket"
    return "special file"


def _reason(err: OSError) -> str:
    return _REASONS.get(err.errno or 0, err.strerror or str(err))


def _open_files() -> dict[tuple[int, int], int]:
    """(device, inode) of every regular file this process has open, to its descriptor."""
    for listing in ("/proc/self/fd", "/dev/fd"):
        try:
            names = os.listdir(listing)
        except OSError:
            continue
        found: dict[tuple[int, int], int] = {}
        for name in names:
            try:
                fd = int(name)
                st = os.fstat(fd)
            except (OSError, ValueError):
                continue
            if stat.S_ISREG(st.st_mode):
                found.setdefault((st.st_dev, st.st_ino), fd)
        return found
    return {}


def _stat(p: Path | None) -> os.stat_result | None:
    if p is None:
        return None
    try:
        return os.stat(p)
    except OSError:
        return None


def _copy_mode(temp: Path, st: os.stat_result | None) -> None:
    """Give the new file the permissions (and, as root, the owner) of the one it replaces."""
    if st is None:
        return
    os.chmod(temp, stat.S_IMODE(st.st_mode))
    if hasattr(os, "geteuid") and os.geteuid() == 0:
        try:
            os.chown(temp, st.st_uid, st.st_gid)
        except OSError:
            pass


def _fsync_dir(folder: Path) -> None:
    """Make the rename itself durable (POSIX; a no-op where folders cannot be opened)."""
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def _sha256(p: Path) -> str:
    with open(p, "rb") as fh:
        return hashlib.file_digest(fh, "sha256").hexdigest()


def _rel(folder: Path, root: str, name: str) -> str:
    return (Path(root) / name).relative_to(folder).as_posix()


def _remove(p: Path) -> None:
    try:
        if p.is_dir() and not p.is_symlink():
            shutil.rmtree(p, ignore_errors=True)
        elif os.path.lexists(p):
            p.unlink()
    except OSError:
        pass


def _silence_stdout() -> None:
    """After a broken pipe, point stdout at /dev/null so Python's final flush is quiet."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError, AttributeError):
        pass
