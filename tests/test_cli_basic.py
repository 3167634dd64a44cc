"""The foundation's commands: check, backup, stats, screenshot, gui's platform check, and
the promise that every command refuses a foreign, future or missing database with one
line on stderr, a non-zero exit, no traceback, and the file left byte-for-byte as it was."""

from __future__ import annotations

import hashlib
import json
import sqlite3
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest
import typer
from typer.testing import CliRunner

from goldspan.core.types import Span, Suggestion
from goldspan.core.storage.schema import SCHEMA_VERSION
from goldspan.core.storage import Store

ROOT = Path(__file__).resolve().parents[1]
GOLDSPAN = Path(sys.executable).with_name("goldspan")
TEXT = "Mark Esper met Moroccan officials in Rabat on Friday."


def goldspan_app() -> typer.Typer:
    from goldspan.cli import main

    if not main.app.registered_commands:
        main._register()
    return main.app


def run(*args: object):  # type: ignore[no-untyped-def]
    return CliRunner().invoke(goldspan_app(), [str(a) for a in args])


def sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def dump(path: Path) -> dict[str, list[tuple]]:  # type: ignore[type-arg]
    """Every row of every table, but the mark a backup carries of what it is a copy of
    (``settings`` key ``backup_of``: which database it may replace a backup of)."""
    conn = sqlite3.connect(path)
    try:
        tables = [r[0] for r in conn.execute(
            "SELECT name FROM sqlite_master WHERE type='table' "
            "AND name NOT LIKE 'documents_fts%' ORDER BY name")]  # the index: derived
        return {t: [r for r in conn.execute(f"SELECT * FROM {t} ORDER BY rowid")
                    if not (t == "settings" and r[0] == "backup_of")] for t in tables}
    finally:
        conn.close()


@pytest.fixture
def db(tmp_path: Path) -> Path:
    path = tmp_path / "g.db"
    with Store.open(path) as s:
        s.add_document(TEXT)
        s.add_document("Angela Merkel visited Paris.\n\nShe met Emmanuel Macron.")
        s.put_suggestions(1, "m@1", [Suggestion(0, 10, "PERSON"), Suggestion(37, 42, "GPE")])
        s.put_version(1, "alice", "done", [Span(0, 10, "PERSON"), Span(37, 42, "GPE")])
        s.put_version(2, "alice", "in_progress", [Span(0, 13, "PERSON")])
        s.put_version(1, "bob", "skipped", [])
        s.add_labels(["PERSON", "GPE"])
        s.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    return path


# ---------------------------------------------------------------------- check
def test_check_ok(db: Path) -> None:
    r = run("check", "--db", db)
    assert r.exit_code == 0, r.output
    assert "ok (2 documents)" in r.stdout


def test_check_reports_a_span_past_the_text(db: Path) -> None:
    conn = sqlite3.connect(db)
    conn.execute('INSERT INTO spans (annotation_id, start, "end", label) VALUES (2, 100, 9999, "X")')
    conn.commit()
    conn.close()
    r = run("check", "--db", db)
    assert r.exit_code == 1
    lines = r.stderr.strip().splitlines()
    assert len(lines) == 1 and "ends at 9999, past the text" in lines[0] and str(db) in lines[0]


def test_check_reports_a_dangling_reference_and_overlap(db: Path) -> None:
    conn = sqlite3.connect(db)  # foreign keys off, triggers dropped: as a broken tool would
    conn.execute("INSERT INTO annotations (document_id, annotator) VALUES (77, 'ghost')")
    conn.execute("DROP TRIGGER spans_no_overlap_insert")
    conn.execute('INSERT INTO spans (annotation_id, start, "end", label) VALUES (1, 2, 12, "X")')
    conn.commit()
    conn.close()
    r = run("check", "--db", db)
    assert r.exit_code == 1
    assert "foreign key: table annotations" in r.stderr
    assert "overlap" in r.stderr
    assert "Traceback" not in r.output


# --------------------------------------------------------------------- backup
def test_backup_copies_every_row(db: Path, tmp_path: Path) -> None:
    out = tmp_path / "copy.db"
    r = run("backup", "--db", db, "--out", out)
    assert r.exit_code == 0, r.output
    assert dump(out) == dump(db)
    with Store.open(out) as s:
        assert s.integrity_problems() == []
    assert sorted(p.name for p in out.parent.iterdir() if "partial" in p.name) == []


def test_backup_default_goes_to_the_user_data_folder(db: Path, goldspan_home: Path) -> None:
    r = run("backup", "--db", db)
    assert r.exit_code == 0, r.output
    [copy] = list((goldspan_home / "backups").glob("g-*.db"))  # named after the database
    assert dump(copy) == dump(db)


WRITER = textwrap.dedent("""
    import sys, time
    from goldspan.core.storage import Store
    s = Store.open(sys.argv[1])
    print("ready", flush=True)
    i = 0
    end = time.monotonic() + float(sys.argv[2])
    while time.monotonic() < end:
        with s.transaction() as c:
            c.execute("INSERT INTO settings (key, value) VALUES (?, '1')", (f"k{i}",))
        i += 1
    print(i, flush=True)
""")


def _writes(s: Store) -> int:
    """How many rows WRITER has committed (its settings keys k0, k1, ...)."""
    return int(s.conn.execute("SELECT count(*) FROM settings WHERE key GLOB 'k[0-9]*'")
               .fetchone()[0])


def writes_so_far(db: Path) -> int:
    with Store.open(db, readonly=True) as s:
        return _writes(s)


def wait_for_writes(db: Path, more_than: int,
                    writer: subprocess.Popen) -> int:  # type: ignore[type-arg]
    """Until the writer has committed more than ``more_than`` rows or has finished (a
    wait for the writer's progress, not a measure of anyone's speed)."""
    deadline = time.monotonic() + 60
    while (n := writes_so_far(db)) <= more_than and writer.poll() is None:
        assert time.monotonic() < deadline, "the writer made no progress in a minute"
        time.sleep(0.01)
    return n


def test_backup_while_another_process_writes(db: Path, tmp_path: Path) -> None:
    """Each backup taken while another process commits as fast as it can is a whole,
    consistent snapshot of one moment, and the copy is never restarted by those
    commits (SQLite restarts a backup copied in steps at every commit of another
    connection, which would starve it): its progress never goes back."""
    with Store.open(db) as s:  # big enough for the copy to take more than one step
        with s.transaction():
            for i in range(600):
                s.add_document(f"Filler article {i}. " + "Some words here. " * 60)
    writer = subprocess.Popen([sys.executable, "-c", WRITER, str(db), "2.5"],
                              stdout=subprocess.PIPE, text=True)
    try:
        assert writer.stdout is not None and writer.stdout.readline().strip() == "ready"
        written = wait_for_writes(db, 0, writer)
        progress: list[tuple[int, int]] = []
        with Store.open(db, readonly=True) as s:
            s.backup_to(tmp_path / "watched.db", progress=lambda done, total: progress.append(
                (done, total)))
        seen = []
        for k in range(3):
            out = tmp_path / f"during{k}.db"
            r = run("backup", "--db", db, "--out", out)
            assert r.exit_code == 0, r.output
            with Store.open(out) as s:
                assert s.integrity_problems() == []
                assert s.document_count() == 602
                seen.append(_writes(s))
            written = wait_for_writes(db, written, writer)
        writes = int(writer.communicate(timeout=30)[0].strip())
    finally:
        writer.kill()
        writer.wait()
    assert writer.returncode == 0
    assert 0 < seen[0] <= seen[1] <= seen[2] <= writes  # each a snapshot of a moment
    assert progress and progress[-1][0] == progress[-1][1]  # copied to the end
    assert [d for d, _ in progress] == sorted(d for d, _ in progress)  # never restarted
    final = tmp_path / "after.db"
    assert run("backup", "--db", db, "--out", final).exit_code == 0
    assert dump(final) == dump(db)


# ---------------------------------------------------------------------- stats
def test_stats_json(db: Path) -> None:
    r = run("stats", "--db", db, "--json")
    assert r.exit_code == 0, r.output
    figures = json.loads(r.stdout)
    assert figures["documents"] == 2
    assert figures["versions"]["by_status"] == {"done": 1, "in_progress": 1, "skipped": 1}
    assert figures["versions"]["by_annotator"]["alice"] == {"done": 1, "in_progress": 1}
    assert figures["spans"] == {"total": 3, "by_label": {"PERSON": 2, "GPE": 1}}
    assert figures["suggested_documents"] == {"m@1": 1}
    text = run("stats", "--db", db)
    assert text.exit_code == 0 and "documents: 2" in text.stdout


# ----------------------------------------------------------------- screenshot
def test_screenshot_writes_png_and_leaves_the_db_alone(db: Path, tmp_path: Path) -> None:
    before = sha(db)
    rows = dump(db)
    out = tmp_path / "shots" / "x.png"
    r = run("screenshot", "--db", db, "--doc", 1, "--out", out, "--annotator", "carol")
    assert r.exit_code == 0, r.output
    data = out.read_bytes()
    assert data.startswith(b"\x89PNG\r\n\x1a\n") and len(data) > 10_000
    assert dump(db) == rows
    assert sha(db) == before
    assert not list(out.parent.glob("*.partial*"))


def test_screenshot_says_one_line_and_nothing_on_stderr(db: Path, tmp_path: Path) -> None:
    """Qt's offscreen platform printed "This plugin does not support
    propagateSizeHints()" (and "raise()") on stderr at every screenshot: a line that
    reads like an error and is none."""
    out = tmp_path / "x.png"
    p = subprocess.run([str(GOLDSPAN), "screenshot", "--db", str(db), "--doc", "1", "--out",
                        str(out), "--annotator", "alice"], capture_output=True, text=True,
                       timeout=120)
    assert p.returncode == 0, p.stderr
    assert p.stderr == ""
    assert p.stdout == f"screenshot of document 1 written to {out}\n"


def test_screenshot_unknown_doc(db: Path, tmp_path: Path) -> None:
    r = run("screenshot", "--db", db, "--doc", 99, "--out", tmp_path / "x.png")
    assert r.exit_code != 0
    assert "no document with id 99" in r.stderr and len(r.stderr.strip().splitlines()) == 1
    assert not (tmp_path / "x.png").exists()


# ------------------------------------------------------------------- refusals
def not_sqlite(tmp_path: Path) -> Path:
    p = tmp_path / "notes.db"
    p.write_text("just some notes\n" * 100)
    return p


def foreign_sqlite(tmp_path: Path) -> Path:
    p = tmp_path / "foreign.db"
    conn = sqlite3.connect(p)
    conn.execute("CREATE TABLE documents (id INTEGER PRIMARY KEY, text TEXT)")
    conn.execute("INSERT INTO documents (text) VALUES ('not ours')")
    conn.commit()
    conn.close()
    return p


def future_goldspan(tmp_path: Path) -> Path:
    p = tmp_path / "future.db"
    with Store.open(p) as s:
        s.add_document(TEXT)
        s.conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
        s.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    return p


def missing(tmp_path: Path) -> Path:
    return tmp_path / "typo.db"


def command_lines(bad: Path, good: Path, tmp: Path) -> dict[str, list[object]]:
    article = tmp / "article.txt"
    return {
        "gui": ["gui", "--db", bad],
        "import": ["import", article, "--db", bad],
        "suggest": ["suggest", "--db", bad],
        "export": ["export", "--format", "prodigy", "--out", tmp / "out.jsonl", "--db", bad],
        "agreement": ["agreement", "--db", bad],
        "review": ["review", "--db", bad],
        "train": ["train", "--out", tmp / "model", "--db", bad],
        "replay": ["replay", article, "--db", bad, "--model", "none"],
        "merge-source": ["merge", bad, "--db", good],
        "merge-target": ["merge", good, "--db", bad],
        "assign": ["assign", "alice", "--db", bad],
        "delete": ["delete", "--doc", 1, "--db", bad],
        "labels": ["labels", "--db", bad, "--rename", "PER", "PERSON"],
        "stats": ["stats", "--db", bad],
        "check": ["check", "--db", bad],
        "search": ["search", "Esper", "--db", bad],
        "backup": ["backup", "--db", bad, "--out", tmp / "b.db"],
        "restore-source": ["restore", bad, "--db", good],
        "restore-target": ["restore", good, "--db", bad],
        "screenshot": ["screenshot", "--db", bad, "--doc", 1, "--out", tmp / "x.png"],
    }


KINDS = {"not-sqlite": not_sqlite, "foreign-sqlite": foreign_sqlite,
         "future-schema": future_goldspan, "missing": missing}
CREATES = {"import", "merge-target", "replay", "restore-target"}  # writing to a new file is what these are for


COMMANDS = list(command_lines(Path("x"), Path("y"), Path("z")))


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("command", COMMANDS)
def test_every_command_refuses_bad_databases(kind: str, command: str, tmp_path: Path,
                                             db: Path) -> None:
    if kind == "missing" and command in CREATES:
        pytest.skip(f"{command} creates its database")
    bad = KINDS[kind](tmp_path)
    (tmp_path / "article.txt").write_text(TEXT)
    before = sha(bad) if bad.exists() else None
    good_before = sha(db)
    listing = sorted(p.name for p in tmp_path.iterdir())
    r = run(*command_lines(bad, db, tmp_path)[command])
    assert r.exit_code not in (0, None), r.output
    assert r.exception is None or isinstance(r.exception, SystemExit), repr(r.exception)
    lines = r.stderr.strip().splitlines()
    assert len(lines) == 1, r.stderr
    assert "Traceback" not in r.output
    assert str(bad) in lines[0]
    if before is None:
        assert not bad.exists()
    else:
        assert sha(bad) == before
    if command != "merge-source":
        assert sha(db) == good_before
    # nothing half-written left beside it (the article written for import aside)
    assert sorted(p.name for p in tmp_path.iterdir()) == listing


def test_the_refusal_matrix_covers_every_command() -> None:
    """A new sub-command must be added to the refusal test above."""
    names = {c.name or c.callback.__name__ for c in goldspan_app().registered_commands}  # type: ignore[union-attr]
    covered = {c.split("-")[0] for c in COMMANDS}
    assert names - covered == set(), "add these commands to command_lines()"


def test_console_script_refusal_is_one_line(tmp_path: Path) -> None:
    bad = not_sqlite(tmp_path)
    p = subprocess.run([str(GOLDSPAN), "stats", "--db", str(bad)], capture_output=True, text=True,
                       timeout=60)
    assert p.returncode != 0
    assert p.stderr.strip().splitlines() == [
        f"goldspan: [E200] {bad}: not an SQLite database; pass the path of a goldspan .db file"]
    assert p.stdout == ""


# ------------------------------------------------------------------------ gui
def test_gui_without_display_says_why(monkeypatch: pytest.MonkeyPatch, db: Path) -> None:
    from goldspan.gui import platform_check

    for var in ("DISPLAY", "QT_QPA_PLATFORM", "WAYLAND_DISPLAY"):
        monkeypatch.delenv(var, raising=False)
    why = platform_check.problem()
    assert why is not None and "DISPLAY" in why and "\n" not in why
    r = run("gui", "--db", db)
    assert r.exit_code != 0
    assert r.stderr.strip().splitlines() == [f"goldspan: [E000] {why}"]
    assert "Traceback" not in r.output


def test_gui_names_missing_xcb_packages(monkeypatch: pytest.MonkeyPatch) -> None:
    from goldspan.gui import platform_check

    monkeypatch.delenv("QT_QPA_PLATFORM", raising=False)
    monkeypatch.delenv("WAYLAND_DISPLAY", raising=False)
    monkeypatch.setenv("DISPLAY", ":0")
    real = platform_check.ctypes.CDLL

    def cdll(name, *a, **k):  # type: ignore[no-untyped-def]
        if name in ("libxcb-cursor.so.0", "libxcb-icccm.so.4"):
            raise OSError(name)
        return real(name, *a, **k)

    monkeypatch.setattr(platform_check.ctypes, "CDLL", cdll)
    why = platform_check.problem()
    assert why is not None and "sudo apt-get install" in why
    assert "libxcb-cursor0" in why and "libxcb-icccm4" in why
    monkeypatch.setenv("QT_QPA_PLATFORM", "offscreen")
    assert platform_check.problem() is None


# --------------------------------------------------------------------- README
def test_every_command_is_in_the_readme() -> None:
    readme = ROOT / "README.md"
    assert readme.exists(), "README.md is missing"
    text = readme.read_text(encoding="utf-8")
    app = goldspan_app()
    names = [c.name or c.callback.__name__.replace("_", "-") for c in app.registered_commands]  # type: ignore[union-attr]
    from goldspan.cli.main import COMMAND_MODULES

    assert len(names) >= len(COMMAND_MODULES)
    missing_names = [n for n in names if f"goldspan {n}" not in text]
    assert not missing_names, f"commands not documented in README.md: {missing_names}"


def damaged(tmp_path: Path) -> Path:
    """A goldspan file whose header is intact but some pages are overwritten."""
    p = tmp_path / "damaged.db"
    with Store.open(p) as s:
        with s.transaction():
            for i in range(200):
                d, _ = s.add_document(f"Doc {i} " + "text words " * 100)
                s.put_version(d, "a", "done", [Span(0, 3, "X")])
        s.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    data = bytearray(p.read_bytes())
    data[4096 * 20:4096 * 24] = b"\x5a" * (4096 * 4)
    p.write_bytes(bytes(data))
    return p


def test_check_reports_a_damaged_file(tmp_path: Path) -> None:
    p = damaged(tmp_path)
    r = run("check", "--db", p)
    assert r.exit_code == 1
    assert r.exception is None or isinstance(r.exception, SystemExit), repr(r.exception)
    assert "damaged" in r.stderr or "malformed" in r.stderr or "corrupt" in r.stderr.lower()


@pytest.mark.parametrize("command", ["stats", "export", "agreement"])
def test_damaged_file_is_one_line_not_a_traceback(tmp_path: Path, command: str) -> None:
    p = damaged(tmp_path)
    args = {"stats": ["stats"], "agreement": ["agreement"],
            "export": ["export", "--format", "prodigy", "--out", tmp_path / "o.jsonl"]}[command]
    r = run(*args, "--db", p)
    assert r.exit_code not in (0, None)
    assert r.exception is None or isinstance(r.exception, SystemExit), repr(r.exception)
    assert len(r.stderr.strip().splitlines()) == 1, r.stderr


def test_goldspan_alone_opens_the_gui_with_defaults(monkeypatch: pytest.MonkeyPatch) -> None:
    import goldspan.gui.app as gui_app

    calls = []
    monkeypatch.setattr(gui_app, "run", lambda *args: calls.append(args) or 0)
    r = run()
    assert r.exit_code == 0, r.output
    assert calls == [(None, None, None, None)]  # db, annotator, doc, model: all defaults
