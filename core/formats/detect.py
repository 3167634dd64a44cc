"""``--format auto``: which reader a path needs, by extension and, where several
formats read one extension (``.txt``, ``.json``, ``.jsonl``, ``.tsv``), by a look at
the file (each format's ``sniff`` in :mod:`.registry`, asked in registry order; the
one format without a sniff is the fallback).

Folders are expanded in sorted path order; files goldspan cannot read by their
extension (README, LICENSE...) are left out and named in the summary, and a brat
``.txt`` is read through its ``.ann``.
"""

from __future__ import annotations

from pathlib import Path

from ..errors import InputError
from . import registry


def normalise_format(name: str) -> str:
    """The registered name a ``--format`` value stands for (or ``auto``)."""
    if name.lower() == "auto":
        return "auto"
    return registry.get(name).name


def expand(paths: list[Path]) -> tuple[list[Path], list[Path]]:
    """Files to import, in order, and files of a folder that were left out."""
    files: list[Path] = []
    skipped: list[Path] = []
    known = registry.extensions()
    for p in paths:
        if not p.exists():
            raise InputError("no such file or folder", path=p)
        if not p.is_dir():
            files.append(p)
            continue
        for f in sorted(q for q in p.rglob("*") if q.is_file()):
            if any(part.startswith(".") for part in f.relative_to(p).parts):
                continue
            if f.suffix.lower() not in known:
                skipped.append(f)
            elif f.suffix.lower() == ".txt" and f.with_suffix(".ann").exists():
                continue  # read with its .ann
            else:
                files.append(f)
    return files, skipped


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
    raise InputError(f"cannot tell the format from the extension {ext or '(none)'!r}; "
                     f"pass --format ({registry.names(registry.readable())})", path=path)
