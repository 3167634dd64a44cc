"""``goldspan restore`` (found red-teaming issue 11: every "restore a backup" message
had no command behind it, and the way a user restores by hand, ``cp backup.db
team.db``, leaves the old ``team.db-wal`` beside the copy: the next opening replays
it over the restored pages, a mix of both, or a damaged file).

The restore writes through SQLite's backup API into the database, after keeping the
database as it was; a damaged backup, the database itself, or a file SQLite cannot
read are refused in one line with nothing changed."""

from __future__ import annotations

import hashlib
import shutil
import sqlite3
from pathlib import Path

import pytest
from test_backups import damage
from test_outputs_over_databases import crashed_database, run

from goldspan.core.storage import Store


def texts(db: Path) -> list[str]:
    with Store.open(db, create=False, readonly=True) as s:
        return [s.document(d).text for d in s.document_ids()]


def sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def backed_up(tmp_path: Path, text: str) -> tuple[Path, Path]:
    """team.db holding ``text``, and backup.db made of it by ``goldspan backup``."""
    team = tmp_path / "team.db"
    with Store.open(team) as s:
        s.add_document(text)
    backup = tmp_path / "backup.db"
    assert run("backup", "--db", team, "--out", backup).exit_code == 0
    return team, backup


@pytest.fixture
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("GOLDSPAN_HOME", str(tmp_path / "home"))
    return tmp_path / "home"


def test_cp_over_a_crashed_database_mixes_its_log_in_and_restore_does_not(
        tmp_path: Path, home: Path) -> None:
    team, backup = backed_up(tmp_path, "The backed-up text.")
    crashed_database(team)  # 201 more texts, 200 of them only in team.db-wal
    by_hand = tmp_path / "by-hand"
    by_hand.mkdir()
    for name in ("team.db", "team.db-wal"):
        shutil.copy2(tmp_path / name, by_hand / name)
    shutil.copy2(backup, by_hand / "team.db")  # the restore a user does by hand
    assert texts(by_hand / "team.db") != ["The backed-up text."]  # the old log came back

    res = run("restore", backup, "--db", team)
    assert res.exit_code == 0, res.output
    assert texts(team) == ["The backed-up text."]
    with Store.open(team, create=False, readonly=True) as s:
        assert s.check().problems == []
    (kept,) = (home / "backups").iterdir()
    assert "before-restore" in kept.name and str(kept) in " ".join(res.output.split())
    assert len(texts(kept)) == 202  # the crashed database, its log included, kept


def test_a_window_open_on_the_database_reads_the_restored_data(tmp_path: Path,
                                                             home: Path) -> None:
    team, backup = backed_up(tmp_path, "One.")
    with Store.open(team) as window:
        window.add_document("Two, after the backup.")
        res = run("restore", backup, "--db", team)
        assert res.exit_code == 0, res.output
        assert [window.document(d).text for d in window.document_ids()] == ["One."]
        window.add_document("Three, after the restore.")  # and it writes on
    assert texts(team) == ["One.", "Three, after the restore."]


def test_refusals_change_nothing(tmp_path: Path, home: Path) -> None:
    team = tmp_path / "team.db"
    with Store.open(team) as s:
        for i in range(300):
            s.add_document(f"Text number {i} about Paris and Rabat.")
    good = tmp_path / "good.db"
    assert run("backup", "--db", team, "--out", good).exit_code == 0
    bad = tmp_path / "bad.db"
    shutil.copy2(good, bad)
    damage(bad)
    not_sqlite = tmp_path / "notes.db"
    not_sqlite.write_text("my notes")
    other_pages = tmp_path / "other-pages.db"  # said "the database is read-only"
    shutil.copy2(good, other_pages)
    conn = sqlite3.connect(other_pages)
    conn.execute("PRAGMA journal_mode = DELETE")
    conn.execute("PRAGMA page_size = 8192")
    conn.execute("VACUUM")
    conn.close()
    before = sha(team)
    cases = [((bad, team), "the backup fails goldspan check"),
             ((other_pages, team), "SQLite cannot restore across page sizes"),
             ((team, team), "is the database itself"),
             ((tmp_path / "missing.db", team), "no such database"),
             ((good, not_sqlite), "move notes.db (and notes.db-wal")]
    for (backup, db), said in cases:
        res = run("restore", backup, "--db", db)
        assert res.exit_code == 2, res.output
        assert said in res.output and len(res.output.strip().splitlines()) == 1, res.output
    assert sha(team) == before and not_sqlite.read_text() == "my notes"
    assert not (home / "backups").exists()


def test_restore_into_a_database_that_is_not_there_creates_it(tmp_path: Path,
                                                              home: Path) -> None:
    team, backup = backed_up(tmp_path, "One.")
    new = tmp_path / "new" / "team.db"
    res = run("restore", backup, "--db", new)
    assert res.exit_code == 0, res.output
    assert texts(new) == ["One."]
    conn = sqlite3.connect(new)
    assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    conn.close()
