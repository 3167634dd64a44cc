"""Every refusal and every summary is one line, also when a path holds a line break
(found red-teaming issue 11): a file named ``"a\\nb.jsonl"`` split the one-line
refusal (and the "written to" lines) in two, the second half looking like a line of
its own. Such a path is shown quoted, with Python's escapes; other paths as they are.
"""

from __future__ import annotations

from pathlib import Path

from typer.testing import CliRunner

from goldspan.core.storage import Store
from goldspan.core.types import Span

ODD = "two\nlines ü.jsonl"


def run(*args: object):  # type: ignore[no-untyped-def]
    from goldspan.cli import main

    if not main.app.registered_commands:
        main._register()
    return CliRunner().invoke(main.app, [str(a) for a in args])


def project(tmp_path: Path, name: str = "t.db") -> Path:
    db = tmp_path / name
    with Store.open(db) as s:
        s.add_document("Mark Esper met officials in Rabat.")
        s.put_version(1, "alice", "done", [Span(0, 10, "PERSON")])
        s.add_labels(["PERSON"])
    return db


def test_a_refusal_naming_a_path_with_a_line_break_is_one_line(tmp_path: Path) -> None:
    good = tmp_path / "a.txt"
    good.write_text("An article first.")
    bad = tmp_path / ODD
    bad.write_text('{"text": "x", "answer": "accept"}\n{broken\n')
    res = run("import", good, bad, "--db", tmp_path / "t.db")
    assert res.exit_code == 2
    lines = res.stderr.strip().splitlines()
    assert len(lines) == 1, lines
    assert repr(str(bad)) in lines[0] and "line 2" in lines[0]


def test_summaries_naming_such_a_path_are_one_line(tmp_path: Path) -> None:
    db = project(tmp_path)
    out = tmp_path / ODD
    res = run("export", "--db", db, "--format", "prodigy", "--out", out)
    assert res.exit_code == 0, res.output
    assert len(res.stdout.strip().splitlines()) == 1 and repr(str(out)) in res.stdout
    backup = tmp_path / "back\nup.db"
    res = run("backup", "--db", db, "--out", backup)
    assert res.exit_code == 0, res.output
    assert res.stdout.strip() == f"backup written to {str(backup)!r}"
    res = run("check", "--db", backup)
    assert res.exit_code == 0 and len(res.stdout.strip().splitlines()) == 1, res.output


def test_plain_paths_are_shown_as_they_are(tmp_path: Path) -> None:
    db = project(tmp_path, "projet été.db")
    res = run("check", "--db", db)
    assert res.stdout.strip() == f"{db}: ok (1 documents)"
