"""Real file systems for the tests of a full disk and a read-only share: a small tmpfs
and a read-only bind mount (as root with CAP_SYS_ADMIN, as the suite runs here; the
tests that need them are skipped elsewhere, and say why)."""

from __future__ import annotations

import contextlib
import subprocess
from pathlib import Path
from typing import Iterator

import pytest


def _run(*args: str) -> bool:
    try:
        return subprocess.run(list(args), capture_output=True, timeout=30).returncode == 0
    except (OSError, subprocess.TimeoutExpired):
        return False


def _umount(where: Path) -> None:
    if not _run("umount", str(where)):
        _run("umount", "-l", str(where))


@contextlib.contextmanager
def tmpfs(where: Path, size_kb: int) -> Iterator[Path]:
    """A tmpfs of ``size_kb`` KiB mounted at ``where``: a disk that really fills up."""
    where.mkdir(parents=True, exist_ok=True)
    if not _run("mount", "-t", "tmpfs", "-o", f"size={size_kb}k", "tmpfs", str(where)):
        pytest.skip("cannot mount a tmpfs here (needs root and CAP_SYS_ADMIN)")
    try:
        yield where
    finally:
        _umount(where)


@contextlib.contextmanager
def read_only_view(source: Path, where: Path) -> Iterator[Path]:
    """``source`` (a folder or a file) seen read-only at ``where``, as a read-only
    network share is: root cannot write through it either (EROFS), unlike chmod."""
    if source.is_dir():
        where.mkdir(parents=True, exist_ok=True)
    else:
        where.touch()
    if not _run("mount", "--bind", str(source), str(where)):
        pytest.skip("cannot bind-mount here (needs root and CAP_SYS_ADMIN)")
    try:
        if not _run("mount", "-o", "remount,bind,ro", str(where)):
            pytest.skip("cannot remount read-only here")
        yield where
    finally:
        _umount(where)
