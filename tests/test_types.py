"""mypy on the installed packages goldspan.core, goldspan.gui and goldspan.cli, with the
settings of pyproject.toml's [tool.mypy]: every function annotated, every
``# type: ignore`` naming its code and still needed (warn_unused_ignores).

mypy cannot follow setuptools' editable-install finder (goldspan.core is the folder
core/), so the packages are linked as goldspan/core... under .venv/typecheck, the
mypy_path of the settings. Its cache (.mypy_cache) makes a second run take seconds;
a clean checkout pays about 15 s once."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("core", "gui", "cli")


def link_packages() -> Path:
    """.venv/typecheck/goldspan/{core,gui,cli} -> the source folders (made once)."""
    base = ROOT / ".venv" / "typecheck" / "goldspan"
    base.mkdir(parents=True, exist_ok=True)
    for name in PACKAGES:
        link = base / name
        if link.is_symlink() and link.resolve() == (ROOT / name).resolve():
            continue
        if link.is_symlink() or link.exists():
            link.unlink()
        link.symlink_to(ROOT / name, target_is_directory=True)
    return base.parent


def test_mypy_finds_nothing() -> None:
    link_packages()
    r = subprocess.run([sys.executable, "-m", "mypy", "--config-file", "pyproject.toml"],
                       cwd=ROOT, capture_output=True, text=True, timeout=600,
                       env={**os.environ, "MYPY_FORCE_COLOR": "0"})
    report = r.stdout.replace(".venv/typecheck/goldspan/", "")  # paths as in the repository
    assert r.returncode == 0, report[-6000:] + r.stderr[-2000:]
    assert "Success: no issues found" in r.stdout
