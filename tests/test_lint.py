"""ruff, with the rule selection of pyproject.toml ([tool.ruff.lint]): pyflakes and
pycodestyle (F, E, W), naming (N), bugbear (B), blind excepts (BLE), and RUF100, so a
``noqa`` comment that suppresses nothing fails here too. The one place ruff runs."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def test_ruff_passes_with_the_project_rules() -> None:
    ruff = shutil.which("ruff", path=str(Path(sys.executable).parent))
    if ruff is None:
        pytest.fail("ruff is not installed: it is in the [test] extra (make install)")
    folders = [p for p in ("core", "gui", "cli", "tests", "bench", "resources") if (ROOT / p).exists()]
    r = subprocess.run([ruff, "check", "--no-cache", "--output-format", "concise", *folders],
                       cwd=ROOT, capture_output=True, text=True)
    assert r.returncode == 0, r.stdout + r.stderr


def test_an_unused_noqa_fails(tmp_path: Path) -> None:
    """RUF100 is on: a ``noqa`` left behind after its cause went is reported."""
    ruff = shutil.which("ruff", path=str(Path(sys.executable).parent))
    assert ruff is not None
    src = tmp_path / "left_behind.py"
    src.write_text("VALUE = 1  # noqa: E731\n", encoding="utf-8")
    r = subprocess.run([ruff, "check", "--no-cache", "--config", str(ROOT / "pyproject.toml"),
                        "--output-format", "concise", str(src)],
                       cwd=tmp_path, capture_output=True, text=True)
    assert r.returncode != 0 and "RUF100" in r.stdout, r.stdout + r.stderr
