"""Leftovers (issue 11, item 16): ``kill -9`` of a command leaves its temporary
``.NAME.partial-PID-XXXXXX`` behind; the next run writing NAME there removes those of
dead processes (and those nothing touched for a day: a pid can be reused), never those
of a live process. A process killed between the two renames of a folder swap gets its
previous folder put back."""

from __future__ import annotations

import json
import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from test_outputs import run

from goldspan.core.types import Span
from goldspan.core.outputs import MANIFEST, sweep, write_manifest
from goldspan.core.storage import Store

TWO_DAYS = 2 * 24 * 3600
SOAK = os.environ.get("GOLDSPAN_SOAK") == "1"
EXPORT_KILLS = 12 if SOAK else 3


def dead_pid() -> int:
    p = subprocess.Popen([sys.executable, "-c", "pass"])
    p.wait()
    return p.pid


def age(path: Path, seconds: float) -> None:
    then = time.time() - seconds
    for p in [path, *path.rglob("*")]:
        os.utime(p, (then, then), follow_symlinks=False)


def gold_db(path: Path, n: int = 60) -> Path:
    with Store.open(path) as s:
        with s.transaction():
            for i in range(n):
                text = f"Angela Merkel met Emmanuel Macron in Paris on day {i}."
                d, _ = s.add_document(text)
                s.put_version(d, "alice", "done", [Span(0, 13, "PERSON"), Span(18, 33, "PERSON"),
                                                   Span(37, 42, "GPE")])
    return path


@pytest.fixture
def live_process():  # type: ignore[no-untyped-def]
    p = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(300)"])
    yield p.pid
    p.kill()
    p.wait()


def test_kill_9_of_train_is_cleaned_by_the_next_run(tmp_path: Path, live_process: int) -> None:
    db = gold_db(tmp_path / "news.db")
    out = tmp_path / "model"
    proc = subprocess.Popen(
        [sys.executable, "-m", "goldspan.cli.main", "train", "--db", str(db), "--out",
         str(out), "--blank", "en", "--max-steps", "100000"],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 180
    try:
        while time.monotonic() < deadline:  # kill it once spaCy is training
            if any((p / "output").exists() for p in tmp_path.glob(f".model.partial-{proc.pid}-*")):
                break
            assert proc.poll() is None, "train ended before it could be killed"
            time.sleep(0.05)
        else:
            pytest.fail("train never started training")
        os.kill(proc.pid, signal.SIGKILL)
    finally:
        proc.kill()
        proc.wait()
    killed = sorted(tmp_path.glob(".model.partial-*"))
    assert killed and not out.exists()
    live = tmp_path / f".model.partial-{live_process}-abcdef"  # a live process's: kept
    live.mkdir()
    (live / "corpus").mkdir()
    reused = tmp_path / f".model.partial-{live_process}-0a0b0c"  # untouched two days: pid reused
    (reused / "output").mkdir(parents=True)
    age(reused, TWO_DAYS)
    legacy = tmp_path / ".model.partial-k3j_x9q2"  # named before the pid was in the name
    legacy.mkdir()
    age(legacy, TWO_DAYS)
    young_legacy = tmp_path / ".model.partial-a1b2c3d4"  # could still be written: kept
    young_legacy.mkdir()

    again = run("train", "--db", db, "--out", out, "--blank", "en", "--max-steps", 1)
    assert again.exit_code == 0, again.output
    assert (out / "meta.json").exists() and (out / MANIFEST).exists()
    left = sorted(p.name for p in tmp_path.iterdir() if p.name.startswith("."))
    assert left == sorted([live.name, young_legacy.name])


def test_a_killed_export_is_cleaned_by_the_next_export_there(tmp_path: Path) -> None:
    db = gold_db(tmp_path / "g.db", 3)
    dead = dead_pid()
    leftovers = [tmp_path / f".gold.jsonl.partial-{dead}-a1b2c3",
                 tmp_path / f".gold.jsonl.partial-{dead}"]  # the name before this fix
    for p in leftovers:
        p.write_text("half an export")
    other = tmp_path / f".other.jsonl.partial-{dead}-a1b2c3"  # another output's: not ours
    other.write_text("x")
    backup_journal = tmp_path / f".gold.jsonl.partial-{dead}-a1b2c3-journal"
    backup_journal.write_text("x")
    assert run("export", "--db", db, "--format", "prodigy", "--out",
               tmp_path / "gold.jsonl").exit_code == 0
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(
        ["g.db", "gold.jsonl", other.name])


def test_a_folder_swap_cut_short_puts_the_old_folder_back(tmp_path: Path) -> None:
    dead = dead_pid()
    old = tmp_path / f".out.old-{dead}-abcdef"
    old.mkdir()
    (old / "000001.txt").write_text("the previous export")
    write_manifest(old)
    new = tmp_path / f".out.partial-{dead}-fedcba"
    new.mkdir()
    (new / "000001.txt").write_text("half of the new one")
    removed = sweep(tmp_path, "out")
    assert removed == [new]
    assert (tmp_path / "out" / "000001.txt").read_text() == "the previous export"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out"]


def test_a_live_process_partial_is_never_removed(tmp_path: Path, live_process: int) -> None:
    mine = tmp_path / f".x.jsonl.partial-{os.getpid()}-abcdef"  # this very process's
    theirs = tmp_path / f".x.jsonl.partial-{live_process}-abcdef"
    for p in (mine, theirs):
        p.write_text("being written")
    age(mine, TWO_DAYS)
    assert sweep(tmp_path, "x.jsonl") == []
    assert mine.exists() and theirs.exists()


def test_kill_9_of_export_at_random_moments(tmp_path: Path, soak_seed: int) -> None:
    """An export killed at any moment leaves the previous file whole (never half a
    file), and its temporary file is gone after the next export there."""
    db = gold_db(tmp_path / "g.db", 3000)
    out = tmp_path / "gold.jsonl"
    out.write_text("the previous export\n")
    seed = soak_seed
    rng = random.Random(seed)
    command = [sys.executable, "-m", "goldspan.cli.main", "export", "--db", str(db),
               "--format", "prodigy", "--out", str(out)]
    for _ in range(EXPORT_KILLS):
        proc = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        deadline = time.monotonic() + 120
        while not list(tmp_path.glob(f".gold.jsonl.partial-{proc.pid}-*")):
            assert time.monotonic() < deadline and proc.poll() is None, f"seed {seed}"
            time.sleep(0.005)
        time.sleep(rng.uniform(0.0, 0.5))
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        text = out.read_text(encoding="utf-8")
        if text != "the previous export\n":  # it finished before the kill: complete
            assert len([json.loads(line) for line in text.splitlines()]) == 3000, f"seed {seed}"
    done = run(*command[3:])
    assert done.exit_code == 0, done.output
    assert sorted(p.name for p in tmp_path.iterdir()) == ["g.db", "gold.jsonl"], f"seed {seed}"
