"""``--format auto``: which reader a path needs, by extension and, where that is
ambiguous (``.txt``, ``.json``, ``.jsonl``, ``.tsv``), by a look at its first record.

Folders are expanded in sorted path order; files goldspan cannot read by their
extension (README, LICENSE...) are left out and named in the summary, and a brat
``.txt`` is read through its ``.ann``.
"""

from __future__ import annotations

import json
import os
import re
import stat
from pathlib import Path

from ..errors import InputError
from ..textio import compressed, compressed_refusal

FORMATS = ("txt", "prodigy", "doccano", "conll", "spacy", "brat", "labelstudio")
ALIASES = {"text": "txt", "jsonl": "prodigy", "docbin": "spacy", "label-studio": "labelstudio",
           "iob": "conll"}
CONLL_EXT = {".conll", ".iob", ".iob2", ".bio", ".biluo", ".conll03", ".ner"}
JSON_EXT = {".jsonl", ".json", ".ndjson"}
KNOWN_EXT = CONLL_EXT | JSON_EXT | {".txt", ".tsv", ".spacy", ".ann"}
TAG = re.compile(r"^(O|[BIELSU]-\S+)$")


def normalise_format(name: str) -> str:
    name = name.lower()
    name = ALIASES.get(name, name)
    if name != "auto" and name not in FORMATS:
        raise InputError(f"unknown format {name!r}: use auto, {', '.join(FORMATS)}")
    return name


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
            if f.suffix.lower() not in KNOWN_EXT:
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


def _head_lines(path: Path, n: int = 20) -> list[str]:
    out: list[str] = []
    with open(path, "rb") as fh:
        for raw in fh:
            line = raw.decode("utf-8", "replace").strip()
            if line:
                out.append(line)
            if len(out) >= n:
                break
    return out


def _looks_conll(path: Path, strict: bool) -> bool:
    lines = [ln for ln in _head_lines(path) if not ln.startswith("-DOCSTART-")]
    if not lines:
        return False
    for ln in lines:
        cols = ln.split("\t") if "\t" in ln else ln.split()
        if len(cols) < 2:
            return False
        if strict and not TAG.match(cols[-1].strip()):
            return False
    return True


def _json_kind(path: Path) -> str:
    with open(path, "rb") as fh:
        head = fh.read(1 << 16).decode("utf-8", "replace").lstrip("\ufeff \t\r\n")
    if head.startswith("["):
        return "labelstudio"
    first = head.split("\n", 1)[0].strip()
    try:
        obj = json.loads(first) if first != "{" else None
    except (ValueError, RecursionError):  # JSONDecodeError, 5,000-digit ints, deep nesting
        obj = None
    if obj is None:  # pretty-printed or truncated: look at the keys it mentions
        keys = set(re.findall(r'"(\w+)"\s*:', head))
    else:
        keys = set(obj) if isinstance(obj, dict) else set()
    if "data" in keys and ("annotations" in keys or "predictions" in keys or obj is not None):
        return "labelstudio"
    if keys & {"label", "labels", "entities", "annotations"} and not keys & {"spans", "answer"}:
        return "doccano"
    return "prodigy"


def detect(path: Path) -> str:
    """The format of one file (not a folder)."""
    ext = path.suffix.lower()
    if ext == ".spacy":
        return "spacy"
    if ext == ".ann" or (ext == ".txt" and path.with_suffix(".ann").exists()):
        return "brat"
    if ext in CONLL_EXT:
        return "conll"
    if ext in JSON_EXT:
        return _json_kind(path)
    if ext == ".tsv":
        return "conll" if _looks_conll(path, strict=False) else "txt"
    if ext == ".txt":
        return "conll" if _looks_conll(path, strict=True) else "txt"
    try:
        with open(path, "rb") as fh:
            packed = compressed(fh.read(8))
    except OSError:
        packed = None
    if packed is not None:
        raise InputError(compressed_refusal(*packed, path), path=path)
    raise InputError(f"cannot tell the format from the extension {ext or '(none)'!r}; "
                     f"pass --format ({', '.join(FORMATS)})", path=path)
