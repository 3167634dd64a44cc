"""The code passes ruff's pyflakes rules: no unused imports or names, no undefined
names, no syntax errors (a cheap net under every refactoring)."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def test_ruff_pyflakes_rules_pass() -> None:
    ruff = shutil.which("ruff", path=str(Path(sys.executable).parent))
    if ruff is None:
        pytest.fail("ruff is not installed: it is in the [test] extra (make install)")
    folders = [p for p in ("core", "gui", "cli", "tests", "bench", "resources") if (ROOT / p).exists()]
    r = subprocess.run([ruff, "check", "--select", "F,E9", "--output-format", "concise", *folders],
                       cwd=ROOT, capture_output=True, text=True)
    assert r.returncode == 0, r.stdout + r.stderr
