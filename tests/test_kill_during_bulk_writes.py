"""``kill -9`` in the middle of the bulk writers: ``merge``, ``delete`` and ``labels
--rename`` (red-teaming issue 11, family "data that changes under goldspan"). Each is
one transaction: the file afterwards holds all of it or none of it, and passes
``goldspan check``. Tried by hand with 100,000 documents while red-teaming; pinned
here at random moments (more of them under ``make soak``)."""

from __future__ import annotations

import os
import random
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from goldspan.core.storage import Store
from goldspan.core.types import Span

KILLS = 12 if os.environ.get("GOLDSPAN_SOAK") else 3
N = 20000


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Path:
    db = tmp_path_factory.mktemp("bulk") / "source.db"
    with Store.open(db) as s:
        with s.transaction():
            for i in range(N):
                d, _ = s.add_document(f"Document {i} says Angela Merkel met Emmanuel Macron.")
                s.put_version(d, "alice", "done", [Span(0, 8, "X"), Span(18, 31, "PERSON")])
        s.add_labels(["X", "PERSON"])
    return db


def state(db: Path) -> tuple[int, int, tuple[str, ...]]:
    with Store.open(db, readonly=True) as s:
        c = s.conn
        return (c.execute("SELECT count(*) FROM documents").fetchone()[0],
                c.execute("SELECT count(*) FROM spans").fetchone()[0],
                tuple(sorted(r[0] for r in c.execute("SELECT DISTINCT label FROM spans"))))


def start_writing(args: list[str], db: Path) -> tuple[subprocess.Popen, float]:  # type: ignore[type-arg]
    """Start the command and return once its write-ahead log starts growing (it is
    writing its transaction) or it has ended, with the time it started writing."""
    wal = Path(f"{db}-wal")
    start = wal.stat().st_size if wal.exists() else 0
    p = subprocess.Popen([sys.executable, "-m", "goldspan.cli.main", *args],
                         stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 60
    while p.poll() is None and time.monotonic() < deadline:
        if wal.exists() and wal.stat().st_size > start:
            break
        time.sleep(0.0005)
    return p, time.monotonic()


def writing_time(args: list[str], db: Path) -> float:
    """How long the command goes on once it starts writing, run to its end: the kills
    are spread over the first half of that. (A fixed 0-50 ms missed every time once
    the commands got quicker to exit.)"""
    p, started = start_writing(args, db)
    p.wait(timeout=120)
    return time.monotonic() - started


def kill_while_writing(args: list[str], db: Path, rng: random.Random, within: float) -> bool:
    """SIGKILL the command a random moment (up to ``within`` seconds) after it starts
    writing. Returns whether it was killed before it ended."""
    p, _ = start_writing(args, db)
    time.sleep(rng.uniform(0, within))
    killed = p.poll() is None
    p.send_signal(signal.SIGKILL)
    p.wait(timeout=60)
    return killed


def prepare(command: str, corpus: Path, db: Path) -> tuple[list[str], tuple, tuple]:  # type: ignore[type-arg]
    """The command's arguments on a fresh ``db``, and the database's state before and
    after it."""
    if command == "merge":
        with Store.open(db) as s:
            s.add_document("The team's own article.")
        return (["merge", str(corpus), "--db", str(db)], (1, 0, ()),
                (N + 1, 2 * N, ("PERSON", "X")))
    shutil.copy(corpus, db)
    if command == "delete":
        kept = N - len(range(1, N, 3))
        return (["delete", "--db", str(db), *[f"--doc={i}" for i in range(1, N, 3)]],
                (N, 2 * N, ("PERSON", "X")), (kept, 2 * kept, ("PERSON", "X")))
    return (["labels", "--db", str(db), "--rename", "PERSON", "PER"],
            (N, 2 * N, ("PERSON", "X")), (N, 2 * N, ("PER", "X")))


@pytest.mark.parametrize("command", ["merge", "delete", "rename"])
def test_kill_9_leaves_all_or_nothing(command: str, corpus: Path, tmp_path: Path) -> None:
    rng = random.Random(11)
    args, _, _ = prepare(command, corpus, tmp_path / "timed.db")
    within = writing_time(args, tmp_path / "timed.db") / 2
    killed = 0
    for k in range(KILLS):
        db = tmp_path / f"{k}.db"
        args, before, after = prepare(command, corpus, db)
        killed += kill_while_writing(args, db, rng, within)
        assert state(db) in (before, after)
        check = subprocess.run([sys.executable, "-m", "goldspan.cli.main", "check", "--db",
                                str(db)], capture_output=True, text=True, timeout=120)
        assert check.returncode == 0, check.stdout + check.stderr
    assert killed, "every run ended before the kill: the test tried nothing"
