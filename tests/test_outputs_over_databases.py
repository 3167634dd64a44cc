"""An output over another SQLite database that is open, or was not closed cleanly
(found red-teaming issue 11): its ``-wal`` (or ``-shm``, ``-journal``) lies beside it.

Renaming a new file over such a database left the old write-ahead log beside the new
file: ``goldspan backup --out b.db`` over a database whose writer was killed printed
"backup written" and exit 0, and the next opening replayed the old log into the
verified copy (``integrity_check``: "btreeInitPage() returns error code 11", foreign
keys pointing nowhere), and what that log held was lost. Every output is refused
there in one line, the database and its log left byte for byte.
"""

from __future__ import annotations

import hashlib
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from typer.testing import CliRunner

from goldspan.core.storage import Store
from goldspan.core.types import Span


def run(*args: object):  # type: ignore[no-untyped-def]
    from goldspan.cli import main

    if not main.app.registered_commands:
        main._register()
    return CliRunner().invoke(main.app, [str(a) for a in args])


def sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture
def project(tmp_path: Path) -> Path:
    db = tmp_path / "t.db"
    with Store.open(db) as s:
        s.add_document("Mark Esper met Moroccan officials in Rabat on Friday.")
        for who in ("alice", "bob"):
            s.put_version(1, who, "done", [Span(0, 10, "PERSON")])
        s.add_labels(["PERSON"])
    return db


def crashed_database(path: Path) -> None:
    """A goldspan database whose writer was killed (kill -9) after a commit: the
    committed change is only in its -wal."""
    with Store.open(path) as s:
        s.add_document("An older text.")
    code = textwrap.dedent(f"""
        import os
        from goldspan.core.storage import Store
        s = Store.open({str(path)!r})
        s.conn.execute("PRAGMA wal_autocheckpoint = 0")
        for i in range(200):
            s.add_document(f"committed text {{i}} " * 20)
        os.kill(os.getpid(), 9)
    """)
    subprocess.run([sys.executable, "-c", code], check=False)
    assert Path(f"{path}-wal").stat().st_size > 0


COMMANDS = {
    "backup": ["backup", "--out", "{out}"],
    "export prodigy": ["export", "--format", "prodigy", "--out", "{out}"],
    "export spacy": ["export", "--format", "spacy", "--out", "{out}"],
    "export --config": ["export", "--format", "spacy", "--out", "{tmp}/c.spacy",
                        "--config", "{out}"],
    "agreement --html": ["agreement", "--html", "{out}"],
}


@pytest.mark.parametrize("case", list(COMMANDS))
def test_an_output_over_a_crashed_database_is_refused(case: str, project: Path,
                                                      tmp_path: Path) -> None:
    other = tmp_path / "other.spacy"  # any name: the spaCy export writes a file for it
    crashed_database(other)
    before = {p.name: sha(p) for p in tmp_path.iterdir() if p.name.startswith("other.spacy")}
    args = [a.format(out=other, tmp=tmp_path) for a in COMMANDS[case]]
    result = run(*args, "--db", project)
    assert result.exit_code == 2, result.output
    err = result.stderr.strip()
    assert len(err.splitlines()) == 1 and "other.spacy" in err and "write-ahead log" in err, err
    assert {p.name: sha(p) for p in tmp_path.iterdir()
            if p.name.startswith("other.spacy")} == before
    with Store.open(other, readonly=True) as s:  # what the log held is still there
        assert s.document_count() == 201
        assert s.conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"


def test_a_backup_over_a_database_open_in_another_process_is_refused(project: Path,
                                                                     tmp_path: Path) -> None:
    """A window has the file open (its -wal exists, empty while it only reads):
    replacing the file would leave the window writing to a file with no name."""
    live = tmp_path / "live.db"
    with Store.open(live) as s:
        s.add_document("The window's text.")
    code = textwrap.dedent(f"""
        import sys, time
        from goldspan.core.storage import Store
        s = Store.open({str(live)!r})
        s.document_count()
        print("open", flush=True)
        sys.stdin.readline()
        s.add_document("edited after the backup")
        s.close()
    """)
    window = subprocess.Popen([sys.executable, "-c", code], stdin=subprocess.PIPE,
                              stdout=subprocess.PIPE, text=True)
    try:
        assert window.stdout is not None and window.stdout.readline() == "open\n"
        result = run("backup", "--db", project, "--out", live)
        assert result.exit_code == 2, result.output
        assert "write-ahead log" in result.stderr
    finally:
        window.communicate("go\n", timeout=60)
    with Store.open(live, readonly=True) as s:
        assert s.document_count() == 2


def test_a_cleanly_closed_database_may_still_be_replaced(project: Path, tmp_path: Path) -> None:
    """An old backup of this database (closed cleanly: nothing beside it) is replaced
    as before."""
    old = tmp_path / "old-backup.db"
    assert run("backup", "--db", project, "--out", old).exit_code == 0
    with Store.open(project) as s:
        s.add_document("A text written after the first backup.")
    assert not Path(f"{old}-wal").exists()
    result = run("backup", "--db", project, "--out", old)
    assert result.exit_code == 0, result.output
    with Store.open(old, readonly=True) as s:
        assert s.document_count() == 2
        assert s.document(1).text.startswith("Mark Esper")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["old-backup.db", "t.db"]


def test_a_backup_never_replaces_another_database(project: Path, tmp_path: Path) -> None:
    """Found red-teaming issue 11: a backup was the one output allowed over an SQLite
    file, so ``goldspan backup --db analyst.db --out team.db`` (a slip of the keyboard,
    the team's database closed cleanly) replaced the team's database with the
    analyst's: what ``export`` had been stopped from doing. A backup replaces only a
    backup of the same database (goldspan marks them); anything else is refused."""
    team = tmp_path / "team.db"
    with Store.open(team) as s:
        s.add_document("The team's text.")
    team_backup = tmp_path / "team-backup.db"
    assert run("backup", "--db", team, "--out", team_backup).exit_code == 0
    for target, said in ((team, "it is another database"),
                         (team_backup, f"it is a backup of {team.resolve()}")):
        before = sha(target)
        result = run("backup", "--db", project, "--out", target)
        assert result.exit_code == 2, result.output
        assert "not a backup of this one" in result.output and said in result.output
        assert sha(target) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["t.db", "team-backup.db", "team.db"]


NOT_DATABASES = {
    "export prodigy": ["export", "--format", "prodigy", "--out", "{out}"],
    "export spacy": ["export", "--format", "spacy", "--out", "{out}"],
    "export --config": ["export", "--format", "spacy", "--out", "{tmp}/c.spacy",
                        "--config", "{out}"],
    "agreement --html": ["agreement", "--html", "{out}"],
    "screenshot": ["screenshot", "--doc", "1", "--out", "{out}"],
}


@pytest.mark.parametrize("case", list(NOT_DATABASES))
def test_an_output_that_is_no_database_never_replaces_one(case: str, project: Path,
                                                          tmp_path: Path) -> None:
    """``export --db analyst.db --out team.db``: a slip of the keyboard replaced the
    team's database (closed cleanly, so nothing else stopped it) with JSON lines."""
    team = tmp_path / "team.spacy"  # any name: the spaCy export writes a file for it
    with Store.open(team) as s:
        s.add_document("The team's article.")
    before = sha(team)
    args = [a.format(out=team, tmp=tmp_path) for a in NOT_DATABASES[case]]
    result = run(*args, "--db", project)
    assert result.exit_code == 2, result.output
    assert "is an SQLite database" in result.stderr and "team.spacy" in result.stderr
    assert sha(team) == before



OUTPUTS_TO = [
    ["export", "--format", "prodigy", "--out"],
    ["export", "--format", "spacy", "--out", "{tmp}/x.spacy", "--config"],
    ["agreement", "--html"],
    ["backup", "--out"],
    ["screenshot", "--doc", "1", "--out"],
]


@pytest.mark.parametrize("suffix", ["-journal", "-wal", "-shm"])
@pytest.mark.parametrize("command", OUTPUTS_TO, ids=lambda c: " ".join(c[:1] + c[-1:]))
def test_an_output_never_takes_the_name_of_a_databases_own_file(
        project: Path, tmp_path: Path, command: list[str], suffix: str) -> None:
    """Found red-teaming issue 11: ``export --out other.db-journal`` (or ``-wal``)
    wrote the file, exit 0, and the next opening of other.db deleted it (SQLite
    takes it for its own: an invalid journal or log is discarded). Likewise
    ``--db link.db --out real/t.db-journal``, the files SQLite keeps beside the
    target of a linked database. Refused in one line, nothing written."""
    other = tmp_path / "other.db"
    with Store.open(other) as s:
        s.add_document("Another project's text.")
    real = tmp_path / "real"
    real.mkdir()
    (real / "t.db").write_bytes(project.read_bytes())
    (tmp_path / "link.db").symlink_to(real / "t.db")
    args = [a.replace("{tmp}", str(tmp_path)) for a in command]
    cases = [(project, other.with_name(other.name + suffix))]
    if suffix == "-journal":  # a -wal and -shm exist while the command has it open
        cases.append((tmp_path / "link.db", real / "t.db-journal"))
    for db, out in cases:
        result = run(*args, out, "--db", db)
        assert result.exit_code != 0, result.output
        assert "is the name of SQLite's" in result.output, result.output
        assert not out.exists()
    with Store.open(other, readonly=True) as s:
        assert s.document_count() == 1
