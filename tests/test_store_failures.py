"""Errors that tell the truth (issue 11, items 8 and 9): a full disk, another writer
holding the lock, a read-only file or share. Real files, the real CLI; a real full
tmpfs, a real second process holding the write lock, a real read-only bind mount.
``GOLDSPAN_SOAK=1`` fills the disk at more points."""

from __future__ import annotations

import json
import os
import random
import signal
import sqlite3
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest
import typer
from mounts import read_only_view, tmpfs
from typer.testing import CliRunner

import goldspan.core.storage.connection as connection
from goldspan.core.types import Span
from goldspan.core.storage import Store

GOLDSPAN = Path(sys.executable).with_name("goldspan")
SOAK = os.environ.get("GOLDSPAN_SOAK") == "1"


def app() -> typer.Typer:
    from goldspan.cli import main

    if not main.app.registered_commands:
        main._register()
    return main.app


def run(*args: object):  # type: ignore[no-untyped-def]
    return CliRunner().invoke(app(), [str(a) for a in args])


def one_line(r) -> str:  # type: ignore[no-untyped-def]
    lines = r.stderr.strip().splitlines()
    assert len(lines) == 1, r.stderr
    assert "Traceback" not in r.output
    return lines[0]


def articles(folder: Path, n: int = 2) -> list[Path]:
    folder.mkdir(exist_ok=True)
    out = []
    for i in range(n):
        p = folder / f"a{i + 1}.txt"
        p.write_text(f"Small article number {i + 1} about Rabat and Paris.\n")
        out.append(p)
    return out


def big_jsonl(path: Path, n: int, seed: int = 0) -> Path:
    rng = random.Random(seed)
    with path.open("w") as f:
        for i in range(n):
            words = " ".join(rng.choice(["lorem", "ipsum", "dolor", "Rabat", "Paris"])
                             for _ in range(200))
            f.write(json.dumps({"text": f"Document {i}: {words}",
                                "spans": [{"start": 0, "end": 8, "label": "X"}],
                                "answer": "accept"}) + "\n")
    return path


def texts(db: Path) -> list[str]:
    conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    try:
        return [r[0] for r in conn.execute("SELECT text FROM documents ORDER BY id")]
    finally:
        conn.close()


# ------------------------------------------------------------------ item 8
def assert_full_disk_line(line: str, db: Path, big: Path, earlier: list[Path]) -> None:
    assert "cannot rollback" not in line
    assert f"[E230] {db}: the disk is full" in line
    assert "the database is intact (SQLite's quick check passed)" in line
    assert f"nothing of {big} was imported" in line
    assert f"{len(earlier)} earlier files were imported" in line
    assert ", ".join(map(str, earlier)) + ")" in line


def test_full_disk_says_so_names_the_files_kept_and_checks_the_file(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """SQLite's own limit (``max_page_count``) raises the same SQLITE_FULL as a full
    disk, anywhere: it used to come out as "cannot rollback - no transaction is
    active", the ROLLBACK's error in place of the real one."""
    small = articles(tmp_path / "in")
    big = big_jsonl(tmp_path / "in" / "big.jsonl", 600)
    db = tmp_path / "t.db"
    real = Store._pragmas

    def limited(self: Store, *args: object, **kwargs: object) -> None:
        real(self, *args, **kwargs)
        self.conn.execute("PRAGMA max_page_count = 40")

    monkeypatch.setattr(Store, "_pragmas", limited)
    r = run("import", *small, big, "--db", db)
    assert r.exit_code == 2
    assert_full_disk_line(one_line(r), db, big, small)
    monkeypatch.undo()
    assert run("check", "--db", db).exit_code == 0
    assert len(texts(db)) == 2  # the two small files, nothing of the big one


def fill_and_check(tmp_path: Path, size_kb: int, n_records: int, seed: int) -> None:
    disk = tmp_path / f"disk{seed}"
    with tmpfs(disk, size_kb):
        db = disk / "t.db"
        small = articles(tmp_path / "in")
        big = big_jsonl(tmp_path / f"big{seed}.jsonl", n_records, seed)
        r = run("import", *small, big, "--db", db)
        assert r.exit_code == 2, r.output
        assert_full_disk_line(one_line(r), db, big, small)
        with sqlite3.connect(db) as conn:
            assert conn.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
        r = run("check", "--db", db)
        assert r.exit_code == 0, r.output
        assert len(texts(db)) == 2


def test_a_really_full_disk(tmp_path: Path) -> None:
    """A tmpfs that fills up under the import (the WAL cannot grow)."""
    fill_and_check(tmp_path, 400, 1500, 0)


@pytest.mark.slow
def test_full_disk_at_many_points(tmp_path: Path, soak_seed: int) -> None:
    """Fault injection: the disk fills at different points of the import (different
    sizes of disk and of file); every time the same honest line and an intact file.
    ``make soak`` runs 25 rounds instead of 3."""
    rng = random.Random(soak_seed)
    for i in range(25 if SOAK else 3):
        fill_and_check(tmp_path, rng.randrange(200, 900), rng.randrange(1000, 4000), i)


def test_full_disk_during_an_edit_keeps_the_store_usable(tmp_path: Path) -> None:
    """Store level: the failed transaction is rolled back, the error is goldspan's,
    and the same connection writes again once there is room."""
    from goldspan.core.errors import DiskError

    store = Store.open(tmp_path / "e.db")
    doc, _ = store.add_document("Mark Esper met officials in Rabat.")
    pages = store.conn.execute("PRAGMA page_count").fetchone()[0]
    store.conn.execute(f"PRAGMA max_page_count = {pages}")
    with pytest.raises(DiskError, match="the disk is full.*rolled back.*intact"):
        with store.transaction():
            store.put_version(doc, "alice", "done", [Span(0, 4, "PERSON")])
            store.add_document("x" * 100_000)
    assert not store.conn.in_transaction
    assert store.annotation(doc, "alice") is None  # rolled back as a whole
    store.conn.execute("PRAGMA max_page_count = 100000")
    store.put_version(doc, "bob", "done", [Span(0, 4, "PERSON")])
    assert store.integrity_problems() == []
    store.close()


# ------------------------------------------------------------------ item 9: locks
HOLDER = textwrap.dedent("""
    import sqlite3, sys, time
    conn = sqlite3.connect(sys.argv[1], isolation_level=None)
    conn.execute("BEGIN IMMEDIATE")
    conn.execute("INSERT INTO settings (key, value) VALUES ('held', '1')")
    print("locked", flush=True)
    sys.stdin.readline()
    conn.execute("ROLLBACK")
""")


@pytest.fixture
def db(tmp_path: Path) -> Path:
    path = tmp_path / "g.db"
    with Store.open(path) as s:
        d, _ = s.add_document("Mark Esper met officials in Rabat.")
        s.put_version(d, "alice", "done", [Span(0, 10, "PERSON")])
        d, _ = s.add_document("Angela Merkel visited Paris.")
        s.put_version(d, "alice", "done", [Span(0, 13, "PERSON")])
        s.put_version(d, "bob", "done", [Span(0, 13, "PERSON")])
        s.add_labels(["PERSON"])
    return path


@pytest.fixture
def holder(db: Path):  # type: ignore[no-untyped-def]
    """A second real process holding the database's write lock until released."""
    p = subprocess.Popen([sys.executable, "-c", HOLDER, str(db)], stdin=subprocess.PIPE,
                         stdout=subprocess.PIPE, text=True)
    assert p.stdout is not None and p.stdout.readline().strip() == "locked"
    yield p
    if p.poll() is None:
        p.stdin.write("\n")  # type: ignore[union-attr]
        p.stdin.flush()  # type: ignore[union-attr]
        p.wait(timeout=10)


def test_waiting_for_a_writer_is_said_and_ctrl_c_stops_it(db: Path, tmp_path: Path,
                                                          holder: subprocess.Popen) -> None:  # type: ignore[type-arg]
    """It used to wait 65 s in silence. Now a line on stderr within about a second names
    the process that holds the lock, and Ctrl-C ends the wait at once."""
    (article,) = articles(tmp_path / "in", 1)
    start = time.monotonic()
    # Ctrl-C at a terminal reaches a process whose SIGINT is at its default; a test run
    # started in the background by a shell without job control inherits it ignored
    # (POSIX), and the child would then never hear it: reset it in the child.
    p = subprocess.Popen([str(GOLDSPAN), "import", str(article), "--db", str(db)],
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                         preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL))
    assert p.stderr is not None
    line = p.stderr.readline()
    waited = time.monotonic() - start
    assert line.startswith(f"goldspan: waiting for process {holder.pid} (python"), line
    assert f"which is writing to {db}" in line and "Ctrl-C" in line
    assert waited < 8, waited  # about 1 s after the start of the wait (plus start-up)
    p.send_signal(signal.SIGINT)
    stopped = time.monotonic()
    out, err = p.communicate(timeout=10)
    assert time.monotonic() - stopped < 3
    assert p.returncode == 130
    assert "interrupted" in err and "Traceback" not in err
    assert "restore a backup" not in line + err
    assert len(texts(db)) == 2


def test_a_lock_held_too_long_gives_up_in_one_line(db: Path, tmp_path: Path,
                                                   holder: subprocess.Popen,  # type: ignore[type-arg]
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(connection, "RETRY_SECONDS", 2.5)
    (article,) = articles(tmp_path / "in", 1)
    r = run("import", article, "--db", db)
    assert r.exit_code == 2
    lines = r.stderr.strip().splitlines()
    assert len(lines) == 2, r.stderr  # the waiting line, then the verdict
    assert lines[0].startswith(f"goldspan: waiting for process {holder.pid}")
    assert lines[1].startswith(f"goldspan: [E210] {db}: process {holder.pid} (python")
    assert "is writing to this database and did not finish in 3 s" in lines[1] \
        or "did not finish in 2 s" in lines[1]
    assert "nothing was written" in lines[1] and "try again" in lines[1]
    assert "restore a backup" not in r.stderr
    assert len(texts(db)) == 2


def test_readers_do_not_wait_for_a_writer(db: Path, tmp_path: Path,
                                          holder: subprocess.Popen) -> None:  # type: ignore[type-arg]
    for args in (["stats"], ["check"], ["export", "--format", "prodigy", "--out",
                                        tmp_path / "o.jsonl"], ["agreement"]):
        start = time.monotonic()
        r = run(*args, "--db", db)
        assert r.exit_code == 0, r.output
        assert time.monotonic() - start < 5
        assert "waiting" not in r.stderr


# ------------------------------------------------------------ item 9: read-only
READERS = {
    "stats": lambda db, tmp: ["stats", "--db", db],
    "check": lambda db, tmp: ["check", "--db", db],
    "export": lambda db, tmp: ["export", "--format", "prodigy", "--out", tmp / "o.jsonl",
                               "--db", db],
    "agreement": lambda db, tmp: ["agreement", "--db", db],
    "backup": lambda db, tmp: ["backup", "--db", db, "--out", tmp / "b.db"],
    "merge-source": lambda db, tmp: ["merge", db, "--db", tmp / "team.db"],
    "train": lambda db, tmp: ["train", "--db", db, "--blank", "en", "--max-steps", "2",
                              "--eval-split", "0", "--out", tmp / "model"],
}
WRITERS = {
    "import": lambda db, tmp: ["import", tmp / "in" / "a1.txt", "--db", db],
    "assign": lambda db, tmp: ["assign", "carol", "--db", db],
    "merge-target": lambda db, tmp: ["merge", tmp / "other.db", "--db", db],
}


def listing(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir())}


@pytest.mark.parametrize("command", READERS)
def test_read_only_share_is_read(command: str, db: Path, tmp_path: Path) -> None:
    """An analyst's cleanly closed file on a read-only share (a read-only bind mount:
    no -wal, no -shm, and none can be created): every command that only reads works."""
    share = tmp_path / "share"
    share.mkdir()
    db.rename(share / "alice.db")
    before = listing(share)
    with read_only_view(share, tmp_path / "ro") as ro:
        r = run(*READERS[command](ro / "alice.db", tmp_path))
        assert r.exit_code == 0, r.output
    assert listing(share) == before
    if command == "merge-source":
        assert len(texts(tmp_path / "team.db")) == 2


def test_read_only_share_with_a_write_ahead_log(db: Path, tmp_path: Path) -> None:
    """A copy taken while the analyst's window was open has -wal and -shm beside it:
    read through them (mode=ro), never as immutable (which would miss the WAL's rows)."""
    share = tmp_path / "share"
    share.mkdir()
    code = textwrap.dedent("""
        import os, sys
        from goldspan.core.storage import Store
        s = Store.open(sys.argv[1])
        s.conn.execute("PRAGMA wal_autocheckpoint = 0")
        s.add_document("Only in the write-ahead log.")
        os._exit(0)  # as a crash or a copy of a live file: -wal and -shm stay
    """)
    db.rename(share / "alice.db")
    subprocess.run([sys.executable, "-c", code, str(share / "alice.db")], check=True)
    assert (share / "alice.db-wal").stat().st_size > 0
    with read_only_view(share, tmp_path / "ro") as ro:
        r = run("merge", ro / "alice.db", "--db", tmp_path / "team.db")
        assert r.exit_code == 0, r.output
    assert "Only in the write-ahead log." in texts(tmp_path / "team.db")
    (share / "alice.db-shm").unlink()
    with read_only_view(share, tmp_path / "ro") as ro:
        r = run("stats", "--db", ro / "alice.db")
        line = one_line(r)
        assert r.exit_code == 2
        assert "[E220]" in line and "alice.db-wal" in line and "writable folder" in line
        assert "restore a backup" not in line


@pytest.mark.parametrize("command", WRITERS)
def test_writing_to_a_read_only_share_is_one_clear_line(command: str, db: Path,
                                                         tmp_path: Path) -> None:
    articles(tmp_path / "in", 1)
    with Store.open(tmp_path / "other.db") as other:
        other.add_document("Something else entirely.")
    share = tmp_path / "share"
    share.mkdir()
    db.rename(share / "alice.db")
    before = listing(share)
    with read_only_view(share, tmp_path / "ro") as ro:
        r = run(*WRITERS[command](ro / "alice.db", tmp_path))
        line = one_line(r)
    assert r.exit_code == 2
    assert line.startswith(f"goldspan: [E220] {tmp_path / 'ro' / 'alice.db'}: the database is "
                           "read-only for goldspan (it is on a read-only file system")
    assert line.endswith("copy it somewhere writable or fix its permissions")
    assert "restore a backup" not in line
    assert listing(share) == before


def test_a_read_only_file_in_a_writable_folder(db: Path, tmp_path: Path) -> None:
    """The file alone is read-only (its folder is not): readers work, writers say so."""
    with read_only_view(db, tmp_path / "view.db") as view:
        assert run("stats", "--db", view).exit_code == 0
        r = run("assign", "carol", "--db", view)
        line = one_line(r)
        assert "[E220]" in line and "read-only" in line and "restore a backup" not in line


def test_a_new_database_in_a_read_only_folder_is_one_line(tmp_path: Path) -> None:
    (article,) = articles(tmp_path / "in", 1)
    (tmp_path / "share").mkdir()
    with read_only_view(tmp_path / "share", tmp_path / "ro") as ro:
        for target in (ro / "new.db", ro / "sub" / "new.db"):
            line = one_line(run("import", article, "--db", target))
            assert line.startswith("goldspan: [E2"), line
            assert str(target) in line and "read-only" in line.lower()
            assert "restore a backup" not in line
    assert list((tmp_path / "share").iterdir()) == []


@pytest.mark.parametrize("code, name, expected", [
    (13, "SQLITE_FULL", "[E230] x.db: the disk is full"),
    (10 | (3 << 8), "SQLITE_IOERR_WRITE", "[E230] x.db: an I/O error"),
    (8, "SQLITE_READONLY", "[E220] x.db: the database is read-only"),
    (5, "SQLITE_BUSY", "[E210] x.db: another process is writing"),
    (11, "SQLITE_CORRUPT", "[E240] x.db: the database is damaged"),
])
def test_each_kind_of_failure_has_its_own_line(code: int, name: str, expected: str) -> None:
    """SQLite's result code decides (an I/O error cannot be made on demand here: the
    code path is the full disk's, tested for real above); only damage says backup."""
    err = sqlite3.OperationalError("message from SQLite")
    err.sqlite_errorcode = code  # type: ignore[attr-defined]
    err.sqlite_errorname = name  # type: ignore[attr-defined]
    explained = connection.explain(err, Path("x.db"))
    assert explained is not None and str(explained).startswith(expected)
    assert ("restore a backup" in str(explained)) == (name == "SQLITE_CORRUPT")
    assert connection.explain(sqlite3.IntegrityError("UNIQUE constraint failed"), None) is None


def test_the_lock_holder_is_found_through_a_symlink(db: Path, tmp_path: Path,
                                                    holder: subprocess.Popen) -> None:  # type: ignore[type-arg]
    from goldspan.core.lock_holder import write_lock_holder

    link = tmp_path / "link.db"
    link.symlink_to(db)
    found = write_lock_holder(link)
    assert found is not None and found.pid == holder.pid
    assert found.describe().startswith(f"process {holder.pid} (python")


def test_a_full_disk_during_a_merge_names_the_source(tmp_path: Path,
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    small = tmp_path / "small.db"
    with Store.open(small) as s:
        s.add_document("A short article about Rabat.")
    big = tmp_path / "big.db"
    with Store.open(big) as s, s.transaction():
        for i in range(400):
            s.add_document(f"Article {i}: " + "lorem ipsum dolor sit amet " * 30)
    team = tmp_path / "team.db"
    Store.open(team).close()
    real = Store._pragmas

    def limited(self: Store, *args: object, **kwargs: object) -> None:
        real(self, *args, **kwargs)
        if self.path == team:
            self.conn.execute("PRAGMA max_page_count = 40")

    monkeypatch.setattr(Store, "_pragmas", limited)
    r = run("merge", small, big, "--db", team)
    assert r.exit_code == 2
    line = one_line(r)
    assert line.startswith(f"goldspan: [E230] {team}: the disk is full")
    assert "intact" in line and "cannot rollback" not in line
    assert line.endswith(f"(nothing of {big} was merged; merged before it: {small})")
    monkeypatch.undo()
    assert texts(team) == ["A short article about Rabat."]
