"""Backups (issue 11, item 12): daily backups are named per project (two databases
called goldspan.db in different folders each get theirs, and prune only theirs), and a
new backup must open and pass ``PRAGMA integrity_check`` before anything older is
pruned or replaced: a failed or damaged backup never costs a good one."""

from __future__ import annotations

import datetime as dt
import hashlib
import sqlite3
from pathlib import Path

import pytest
from test_outputs import one_line_refusal, run

from goldspan.core.backups import backup_prefix, daily_backup
from goldspan.core.errors import StoreError
from goldspan.core.storage import Store

DAY = dt.date(2026, 3, 14)


def project(path: Path, n: int = 3) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    with Store.open(path) as s:
        with s.transaction():
            for i in range(n):
                s.add_document(f"Article {i} of {path.parent.name}: " + "words " * 50)
        s.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    return path


def damage(db: Path) -> None:
    """Overwrite part of the documents' text_hash index: the file still opens as a
    goldspan database, and SQLite's integrity check finds the damage."""
    conn = sqlite3.connect(db)
    page_size = conn.execute("PRAGMA page_size").fetchone()[0]
    root = conn.execute("SELECT rootpage FROM sqlite_master WHERE name = "
                        "'sqlite_autoindex_documents_1'").fetchone()[0]
    conn.close()
    data = bytearray(db.read_bytes())
    start = (root - 1) * page_size
    data[start + page_size - 600:start + page_size - 100] = b"A" * 500
    db.write_bytes(bytes(data))
    with Store.open(db, create=False) as s:
        assert s.integrity_problems()  # damaged, yet it opens


def sha(p: Path) -> str:
    return hashlib.sha256(p.read_bytes()).hexdigest()


def test_two_projects_with_the_same_name_each_get_their_daily_backup(tmp_path: Path) -> None:
    a = project(tmp_path / "news" / "goldspan.db", 2)
    b = project(tmp_path / "sports" / "goldspan.db", 5)
    folder = tmp_path / "backups"
    with Store.open(a) as sa, Store.open(b) as sb:
        made_a = daily_backup(sa, folder, today=DAY)
        made_b = daily_backup(sb, folder, today=DAY)
    assert made_a is not None and made_b is not None and made_a != made_b
    assert backup_prefix(a) != backup_prefix(b)
    assert {made_a.name, made_b.name} == {f"{backup_prefix(a)}-{DAY}.db",
                                          f"{backup_prefix(b)}-{DAY}.db"}
    with Store.open(made_a) as ca, Store.open(made_b) as cb:
        assert (ca.document_count(), cb.document_count()) == (2, 5)
    # each prunes only its own: b's old backup survives a's pruning
    old_b = folder / f"{backup_prefix(b)}-{DAY - dt.timedelta(days=30)}.db"
    old_b.write_bytes(made_b.read_bytes())
    with Store.open(a) as sa:
        assert daily_backup(sa, folder, today=DAY + dt.timedelta(days=1)) is not None
    assert old_b.exists()


@pytest.mark.parametrize("stem", ["é" * 120, "x" * 240, "日本" * 40])
def test_a_project_with_a_long_name_gets_its_backups(
        tmp_path: Path, stem: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """Found red-teaming issue 11: a database named with 120 "é" (a legal 243-byte
    file name) got no backup, daily or ``goldspan backup``: "File name too long",
    every day. The name keeps the start of the stem; the hash tells projects apart."""
    a = project(tmp_path / "a" / f"{stem}.db", 2)
    b = project(tmp_path / "b" / f"{stem}.db", 3)
    folder = tmp_path / "backups"
    with Store.open(a) as sa, Store.open(b) as sb:
        made = [daily_backup(sa, folder, today=DAY), daily_backup(sb, folder, today=DAY)]
    assert all(m is not None and m.exists() for m in made) and made[0] != made[1]
    assert all(len(m.name.encode()) <= 200 for m in made if m is not None)
    monkeypatch.setenv("GOLDSPAN_HOME", str(tmp_path / "home"))
    res = run("backup", "--db", a)
    assert res.exit_code == 0, res.output
    (copy,) = (tmp_path / "home" / "backups").iterdir()
    assert copy.name.startswith(backup_prefix(a))


def test_a_damaged_backup_prunes_nothing(tmp_path: Path) -> None:
    db = project(tmp_path / "team" / "goldspan.db", 300)
    folder = tmp_path / "backups"
    with Store.open(db) as s:
        first = daily_backup(s, folder, keep_days=3, today=DAY)
    assert first is not None
    damage(db)
    names = sorted(p.name for p in folder.iterdir())
    with Store.open(db) as s, pytest.raises(StoreError, match="integrity check") as refused:
        daily_backup(s, folder, keep_days=3, today=DAY + dt.timedelta(days=10))
    assert "\n" not in str(refused.value) and "partial" not in str(refused.value)
    assert sorted(p.name for p in folder.iterdir()) == names  # the good one is kept
    with Store.open(first) as copy:
        assert copy.integrity_problems() == [] and copy.document_count() == 300


def test_backup_out_never_replaces_a_good_file_with_a_damaged_copy(tmp_path: Path) -> None:
    db = project(tmp_path / "g.db", 300)
    out = tmp_path / "last-good.db"
    assert run("backup", "--db", db, "--out", out).exit_code == 0
    good = sha(out)
    damage(db)
    err = one_line_refusal(run("backup", "--db", db, "--out", out), out)
    assert "integrity check" in err and "nothing was replaced" in err
    assert sha(out) == good
    assert sorted(p.name for p in tmp_path.iterdir()) == ["g.db", "last-good.db"]


def test_the_gui_daily_backup_failing_keeps_the_older_ones(tmp_path: Path, goldspan_home: Path,
                                                           capsys) -> None:  # type: ignore[no-untyped-def]
    """The window's start-up backup (gui/app.py) on a damaged database: one line on
    stderr, the window still opens, older backups stay."""
    from goldspan.core.paths import backups_dir
    from goldspan.gui.app import _daily_backup

    db = project(tmp_path / "g.db", 300)
    damage(db)
    folder = backups_dir()
    folder.mkdir(parents=True, exist_ok=True)
    old = folder / f"{backup_prefix(db)}-2001-01-01.db"
    old.write_bytes(b"an old backup")
    with Store.open(db) as s:
        _daily_backup(s)
    err = capsys.readouterr().err
    assert "daily backup failed" in err and "integrity check" in err
    assert sorted(p.name for p in folder.iterdir()) == [old.name]
