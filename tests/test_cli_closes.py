"""Every command closes the database it opened before the process ends: nothing is left
for the interpreter's teardown to close (``goldspan`` skips the collector's walk over
every object at exit, cli/main.py). A connection left open leaves ``X.db-wal`` and
``X.db-shm`` beside the user's database, and a write it held uncheckpointed in the
log. ``stats``, ``labels``, ``assign`` and ``suggest`` used to leave theirs to the
garbage collector."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from goldspan.core.storage import Store
from goldspan.core.types import Span, Suggestion

GOLDSPAN = Path(sys.executable).with_name("goldspan")
TEXT = "Mark Esper met Moroccan officials in Rabat on Friday."


@pytest.fixture
def db(tmp_path: Path) -> Path:
    path = tmp_path / "g.db"
    with Store.open(path) as s:
        s.add_document(TEXT)
        s.add_document("Angela Merkel visited Paris.\n\nShe met Emmanuel Macron.")
        s.put_suggestions(1, "m@1", [Suggestion(0, 10, "PERSON"), Suggestion(37, 42, "GPE")])
        s.put_version(1, "alice", "done", [Span(0, 10, "PERSON"), Span(37, 42, "GPE")])
        s.put_version(1, "bob", "done", [Span(0, 10, "PERSON")])
        s.add_labels(["PERSON", "GPE"])
    assert not Path(f"{path}-wal").exists()
    return path


COMMANDS = [
    ["stats"], ["stats", "--json"], ["labels"], ["labels", "--add", "Weapon"],
    ["labels", "--map", "ORG=PERSON"], ["assign", "carol"], ["assign", "carol", "--remove"],
    ["check"], ["search", "Esper"], ["agreement"], ["export", "--format", "jsonl", "--out", "{out}"],
    ["import", "{txt}"], ["delete", "--doc", "2"], ["backup", "--out", "{bak}"],
    ["suggest"], ["screenshot", "--doc", "1", "--annotator", "alice", "--out", "{png}"],
    ["merge", "{other}"], ["restore", "{bak}"],
]


@pytest.mark.parametrize("args", COMMANDS, ids=lambda a: " ".join(a[:2]))
def test_the_database_is_closed_when_the_command_ends(db: Path, tmp_path: Path,
                                                      args: list[str]) -> None:
    txt = tmp_path / "new.txt"
    txt.write_text("Rabat is in Morocco.\n", encoding="utf-8")
    paths = {"out": tmp_path / "o.jsonl", "txt": txt, "bak": tmp_path / "b.db",
             "png": tmp_path / "s.png", "other": tmp_path / "other.db"}
    with Store.open(paths["other"]) as other:
        other.add_document("Rabat is in Morocco.")
        other.put_version(1, "carol", "done", [Span(0, 5, "GPE")])
    if args[0] == "restore":
        _goldspan("backup", "--out", str(paths["bak"]), "--db", str(db))
    argv = [a.format(**paths) for a in args]
    _goldspan(*argv, "--db", str(db))
    left = sorted(x.name for x in tmp_path.iterdir() if x.name.endswith(("-wal", "-shm")))
    assert left == [], f"{' '.join(argv)} left {left} open beside the databases"


def _goldspan(*argv: str) -> None:
    p = subprocess.run([str(GOLDSPAN), *argv], capture_output=True, text=True, timeout=120,
                       env={**os.environ, "QT_QPA_PLATFORM": "offscreen"})
    assert p.returncode == 0, p.stderr
    assert "Traceback" not in p.stderr
