"""The scripts that draw the README pictures (``make screenshot``): an option is never
taken for the output path (``--help`` wrote a PNG named ``--help``)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_an_option_is_refused_in_one_line_and_nothing_is_written(tmp_path: Path) -> None:
    script = ROOT / "resources" / "make_review_screenshot.py"
    r = subprocess.run([sys.executable, str(script), "--help"], cwd=tmp_path,
                       capture_output=True, text=True, timeout=60)
    assert r.returncode != 0
    assert r.stderr.strip().startswith("usage:") and len(r.stderr.strip().splitlines()) == 1
    assert list(tmp_path.iterdir()) == []


def test_a_database_given_as_the_picture_is_refused_in_one_line(tmp_path: Path) -> None:
    from goldspan.core.storage import Store

    db = tmp_path / "team.db"
    with Store.open(db) as s:
        s.add_document("Mine.")
    before = db.read_bytes()
    script = ROOT / "resources" / "make_review_screenshot.py"
    r = subprocess.run([sys.executable, str(script), str(db)], cwd=tmp_path, capture_output=True,
                       text=True, timeout=300, env={**os.environ,
                                                     "QT_QPA_PLATFORM": "offscreen"})
    assert r.returncode != 0 and "Traceback" not in r.stderr
    assert "is an SQLite database" in r.stderr.strip().splitlines()[-1]
    assert db.read_bytes() == before
