"""``--format auto``: which reader a path needs, by extension and, where several
formats read one extension (``.txt``, ``.json``, ``.jsonl``, ``.tsv``), by a look at
the file (each format's ``sniff`` in :mod:`.registry`, asked in registry order; the
one format without a sniff is the fallback).

Folders are expanded in sorted path order; files goldspan cannot read by their
extension (README, LICENSE...) are left out and named in the summary, and a brat
``.txt`` is read through its ``.ann``.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path

from ..errors import InputError
from ..textio import compressed, compressed_refusal, database_refusal
from . import registry


def normalise_format(name: str) -> str:
    """The registered name a ``--format`` value stands for (or ``auto``)."""
    if name.lower() == "auto":
        return "auto"
    return registry.get(name).name


def expand(paths: list[Path], *, pipes_ok: bool = False
           ) -> tuple[list[Path], list[Path], list[tuple[Path, str]]]:
    """Files to import, in order; files of a folder left out for their type; and what
    in a folder was not read, with why (a link back to a folder already read, a pipe
    or a device). A path given that is not a file or a folder is refused here, before
    anything is imported (:func:`input_kind_problem`); ``pipes_ok`` when the format is
    given, not detected."""
    files: list[Path] = []
    skipped: list[Path] = []
    passed: list[tuple[Path, str]] = []
    known = registry.extensions()
    for p in paths:
        if not p.exists():
            raise InputError("no such file or folder", path=p)
        if not p.is_dir():
            problem = input_kind_problem(p, pipes_ok=pipes_ok)
            if problem is not None:
                raise InputError(problem, path=p)
            files.append(p)
            continue
        for f in sorted(_folder_files(p, passed)):
            if f.suffix.lower() not in known:
                skipped.append(f)
            elif f.suffix.lower() == ".txt" and f.with_suffix(".ann").exists():
                continue  # read with its .ann
            else:
                files.append(f)
    return files, skipped, passed


def _folder_files(root: Path, passed: list[tuple[Path, str]]) -> list[Path]:
    """Every regular file under ``root`` (hidden names left out). Links to folders are
    not followed (a link to ``..`` would read a whole other tree, and a loop for ever)
    but named, as are pipes, devices and dangling links: they used to be passed over
    without a word."""
    def fail(err: OSError) -> None:
        raise err  # a folder that cannot be listed: the import says so

    found: list[Path] = []
    for dirpath, dirnames, filenames in os.walk(root, onerror=fail):
        here = Path(dirpath)
        keep = []
        for name in sorted(dirnames):
            if name.startswith("."):
                continue
            if (here / name).is_symlink():
                passed.append((here / name, "a link to a folder (links to folders are not "
                                            "followed: import that folder itself)"))
                continue
            keep.append(name)
        dirnames[:] = keep
        for name in filenames:
            if name.startswith("."):
                continue
            f = here / name
            try:
                mode = f.stat().st_mode
            except OSError:
                passed.append((f, "a link to nothing"))
                continue
            if stat.S_ISREG(mode):
                found.append(f)
            else:
                passed.append((f, "not a file (a pipe, a device or a socket)"))
    return found


def input_kind_problem(path: Path, *, pipes_ok: bool) -> str | None:
    """Why ``path`` (not a folder) cannot be imported, or None for a regular file. A
    device never ends (``/dev/zero`` grew the import to 4 GB in six seconds) and a
    socket is no file; a pipe (``<(zcat x.jsonl.gz)``, ``/dev/stdin``) is read once as
    it comes, so only with ``--format``: detecting the format reads the start, and the
    reader opening it again got nothing (a named pipe then hung for ever)."""
    try:
        mode = path.stat().st_mode
    except OSError:
        return None  # the reader says why, in its own words
    if stat.S_ISREG(mode):
        return None
    if stat.S_ISFIFO(mode):
        if pipes_ok:
            return None
        return ("is a pipe: goldspan can read one only once, so give its format (--format "
                "prodigy, conll...) or save it to a file first")
    kind = ("a device" if stat.S_ISCHR(mode) or stat.S_ISBLK(mode) else
            "a socket" if stat.S_ISSOCK(mode) else "a special file")
    return f"is {kind}, not a file: goldspan imports files and folders"


def detect(path: Path) -> str:
    """The format of one file (not a folder)."""
    found = registry.candidates(path)
    if len(found) == 1:
        return found[0].name
    for fmt in found:
        if fmt.sniff is not None and fmt.sniff(path):
            return fmt.name
    for fmt in found:
        if fmt.sniff is None:
            return fmt.name
    ext = path.suffix.lower()
    try:
        with open(path, "rb") as fh:
            head = fh.read(16)
    except OSError:
        head = b""
    packed = compressed(head)
    if packed is not None:
        raise InputError(compressed_refusal(*packed, path), path=path)
    if database_refusal(head):  # "pass --format" would send the user the wrong way
        raise InputError(database_refusal(head) or "", path=path)
    raise InputError(f"cannot tell the format from the extension {ext or '(none)'!r}; "
                     f"pass --format ({registry.names(registry.readable())})", path=path)
