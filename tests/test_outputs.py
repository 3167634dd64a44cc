"""Output paths (issue 11, item 1): no command's output can replace the database, its
-wal/-shm, a hard or symbolic link to it, a device or a pipe; a symbolic link to a
regular file is written through; ``-`` is standard output where it makes sense; a full
disk, a read-only folder or a failing writer leave the old file as it was, no
temporary file and no folder made on the way, and say so in one line naming the
user's path. Every case runs the real command on real files.

The devices and pipes are made in tmp_path (``mknod``, ``mkfifo``): a test never aims
a command at /dev itself, which the code before the fix would have replaced.
"""

from __future__ import annotations

import errno
import hashlib
import json
import os
import stat
import subprocess
import sys
from pathlib import Path
from typing import Callable, Iterator

import pytest
import typer
from typer.testing import CliRunner

from goldspan.core.types import Span
from goldspan.core.storage import Store

TEXT = "Mark Esper met Moroccan officials in Rabat on Friday."
TEXT2 = "Angela Merkel visited Paris.\n\nShe met Emmanuel Macron."
IS_ROOT = hasattr(os, "geteuid") and os.geteuid() == 0


def goldspan_app() -> typer.Typer:
    from goldspan.cli import main

    if not main.app.registered_commands:
        main._register()
    return main.app


def run(*args: object):  # type: ignore[no-untyped-def]
    return CliRunner().invoke(goldspan_app(), [str(a) for a in args])


def sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def listing(folder: Path) -> list[str]:
    return sorted(str(p.relative_to(folder)) for p in folder.rglob("*"))


def one_line_refusal(result, *names: object) -> str:  # type: ignore[no-untyped-def]
    """The refusal is exit 2, one line on stderr naming the user's paths, no traceback
    and no temporary name."""
    assert result.exit_code == 2, result.output
    err = result.stderr.strip()
    assert len(err.splitlines()) == 1, err
    assert err.startswith("goldspan: [E"), err
    assert "Traceback" not in result.output and "partial" not in err, err
    for name in names:
        assert str(name) in err, err
    return err


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """Two documents, done by alice and bob (agreement has two annotators)."""
    db = tmp_path / "t.db"
    with Store.open(db) as s:
        s.add_document(TEXT)
        s.add_document(TEXT2)
        for who in ("alice", "bob"):
            s.put_version(1, who, "done", [Span(0, 10, "PERSON"), Span(37, 42, "GPE")])
            s.put_version(2, who, "done", [Span(0, 13, "PERSON")])
        s.add_labels(["PERSON", "GPE"])
        s.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    return db


# ----------------------------------------------------- the database is never an output
DB_TARGETS = {
    "export": ["export", "--format", "prodigy", "--out", "{db}"],
    "export to the -wal": ["export", "--format", "prodigy", "--out", "{db}-wal"],
    "export to the -shm": ["export", "--format", "conll", "--out", "{db}-shm"],
    "export --config": ["export", "--format", "spacy", "--out", "{tmp}/c.spacy", "--config", "{db}"],
    "export a folder format": ["export", "--format", "brat", "--out", "{db}"],
    "export --split": ["export", "--format", "doccano", "--split", "0.5", "--out", "{db}"],
    "agreement --html": ["agreement", "--html", "{db}"],
    "screenshot": ["screenshot", "--doc", "1", "--out", "{db}"],
    "backup": ["backup", "--out", "{db}"],
    "backup to the -wal": ["backup", "--out", "{db}-wal"],
    "train": ["train", "--blank", "en", "--out", "{db}"],
    "export to a hard link": ["export", "--format", "prodigy", "--out", "{tmp}/hard.jsonl"],
    "export to a symbolic link": ["export", "--format", "prodigy", "--out", "{tmp}/link.jsonl"],
    "agreement to a symbolic link": ["agreement", "--html", "{tmp}/link.jsonl"],
}


@pytest.mark.parametrize("case", list(DB_TARGETS))
def test_no_output_can_replace_the_database(case: str, project: Path, tmp_path: Path) -> None:
    os.link(project, tmp_path / "hard.jsonl")
    os.symlink(project.name, tmp_path / "link.jsonl")
    before, files = sha(project), listing(tmp_path)
    args = [a.format(db=project, tmp=tmp_path) for a in DB_TARGETS[case]]
    out = args[args.index("--config") + 1] if "--config" in args else args[-1]
    result = run(*args, "--db", project)
    err = one_line_refusal(result, out)
    assert "database" in err or "a file; this output is a folder" in err
    assert sha(project) == before and listing(tmp_path) == files
    assert (tmp_path / "link.jsonl").is_symlink()
    checked = run("check", "--db", project)
    assert checked.exit_code == 0 and "ok" in checked.stdout


def test_an_input_the_command_has_open_is_refused(project: Path, tmp_path: Path) -> None:
    """Any file the process has open (here the database, opened again by a second
    name through a bind of the same inode) is compared by device and inode."""
    from goldspan.core.errors import OutputError
    from goldspan.core.outputs import Outputs

    held = tmp_path / "held.txt"
    held.write_text("an input being read")
    alias = tmp_path / "alias.txt"
    os.link(held, alias)
    with open(held, encoding="utf-8"), pytest.raises(OutputError, match="goldspan has open"):
        with Outputs() as outputs:
            outputs.file(alias)
    assert held.read_text() == "an input being read"
    assert listing(tmp_path) == sorted(["alias.txt", "held.txt", "t.db"])


def test_two_outputs_of_one_command_cannot_be_the_same_file(project: Path, tmp_path: Path) -> None:
    corpus = tmp_path / "c.spacy"
    result = run("export", "--db", project, "--format", "spacy", "--out", corpus,
                 "--config", corpus)
    one_line_refusal(result, corpus)
    assert not corpus.exists()
    os.symlink("c.spacy", tmp_path / "same.cfg")  # the same path by another name
    result = run("export", "--db", project, "--format", "spacy", "--out", corpus,
                 "--config", tmp_path / "same.cfg")
    one_line_refusal(result, "same.cfg")
    assert not corpus.exists() and (tmp_path / "same.cfg").is_symlink()


# ------------------------------------------------------ devices, pipes, folders, links
def special_files(tmp_path: Path) -> Iterator[tuple[str, Path]]:
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    yield "pipe", fifo
    if IS_ROOT:
        null = tmp_path / "null"
        os.mknod(null, stat.S_IFCHR | 0o666, os.makedev(1, 3))
        yield "device", null


@pytest.mark.parametrize("command", [
    ["export", "--format", "prodigy", "--out"],
    ["agreement", "--html"],
    ["screenshot", "--doc", "1", "--out"],
    ["backup", "--out"],
])
def test_devices_and_pipes_are_refused_and_left_as_they_are(command: list[str], project: Path,
                                                            tmp_path: Path) -> None:
    for kind, path in special_files(tmp_path):
        mode = os.lstat(path).st_mode
        result = run(*command, path, "--db", project)
        err = one_line_refusal(result, path)
        assert f"is a {kind}, not a regular file" in err
        assert os.lstat(path).st_mode == mode  # still the device or the pipe
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".")]


def test_a_link_to_standard_output_is_refused_never_replaced(project: Path, tmp_path: Path) -> None:
    """``--out /dev/stdout`` as a link in tmp_path (the same /proc magic link): when
    stdout is a pipe it is a pipe, refused; the link stays."""
    link = tmp_path / "stdout"
    os.symlink("/proc/self/fd/1", link)
    r = subprocess.run([sys.executable, "-m", "goldspan.cli.main", "export", "--db",
                        str(project), "--format", "prodigy", "--out", str(link)],
                       capture_output=True, text=True, timeout=120)
    assert r.returncode == 2 and r.stdout == ""
    assert "is a pipe, not a regular file" in r.stderr and len(r.stderr.splitlines()) == 1
    assert link.is_symlink() and os.readlink(link) == "/proc/self/fd/1"


def test_a_folder_given_for_a_file_is_refused(project: Path, tmp_path: Path) -> None:
    folder = tmp_path / "reports"
    folder.mkdir()
    (folder / "mine.txt").write_text("keep")
    for args in (["export", "--format", "prodigy", "--out"], ["agreement", "--html"],
                 ["screenshot", "--doc", "1", "--out"], ["backup", "--out"]):
        err = one_line_refusal(run(*args, folder, "--db", project), folder)
        assert "is a folder; give a file name" in err
    assert listing(folder) == ["mine.txt"]


def test_a_symbolic_link_is_written_through(project: Path, tmp_path: Path) -> None:
    real = tmp_path / "data" / "gold.jsonl"
    real.parent.mkdir()
    real.write_text("old\n")
    real.chmod(0o640)
    link = tmp_path / "gold.jsonl"
    os.symlink(os.path.relpath(real, tmp_path), link)
    result = run("export", "--db", project, "--format", "prodigy", "--out", link)
    assert result.exit_code == 0, result.output
    assert link.is_symlink() and os.readlink(link) == "data/gold.jsonl"
    lines = [json.loads(x) for x in real.read_text(encoding="utf-8").splitlines()]
    assert [x["text"] for x in lines] == [TEXT, TEXT2]
    assert stat.S_IMODE(real.stat().st_mode) == 0o640  # the file keeps its permissions
    assert listing(tmp_path) == sorted(["data", "data/gold.jsonl", "gold.jsonl", "t.db"])
    # agreement and backup go through the same mechanism
    report = tmp_path / "data" / "report.html"
    report.write_text("old")
    os.symlink("data/report.html", tmp_path / "report.html")
    assert run("agreement", "--db", project, "--html", tmp_path / "report.html").exit_code == 0
    assert (tmp_path / "report.html").is_symlink() and "<html" in report.read_text()


def test_a_dangling_link_is_written_through_but_makes_no_folder(project: Path,
                                                               tmp_path: Path) -> None:
    os.symlink("later.jsonl", tmp_path / "gold.jsonl")
    assert run("export", "--db", project, "--format", "prodigy", "--out",
               tmp_path / "gold.jsonl").exit_code == 0
    assert (tmp_path / "gold.jsonl").is_symlink() and (tmp_path / "later.jsonl").stat().st_size
    os.symlink("nowhere/x.jsonl", tmp_path / "far.jsonl")
    err = one_line_refusal(run("export", "--db", project, "--format", "prodigy", "--out",
                               tmp_path / "far.jsonl"), tmp_path / "far.jsonl")
    assert "does not exist" in err and not (tmp_path / "nowhere").exists()


def test_a_backup_keeps_the_permissions_of_its_database(project: Path, tmp_path: Path) -> None:
    project.chmod(0o600)
    out = tmp_path / "copy.db"
    assert run("backup", "--db", project, "--out", out).exit_code == 0
    assert stat.S_IMODE(out.stat().st_mode) == 0o600


# ----------------------------------------------------------------- standard output
def test_dash_is_standard_output_for_line_formats(project: Path, tmp_path: Path,
                                                  monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.chdir(tmp_path)  # a file named '-' would land here
    to_file = tmp_path / "gold.jsonl"
    assert run("export", "--db", project, "--format", "prodigy", "--out", to_file).exit_code == 0
    result = run("export", "--db", project, "--format", "prodigy", "--out", "-")
    assert result.exit_code == 0, result.output
    assert result.stdout == to_file.read_text(encoding="utf-8")
    assert "exported 2 documents to standard output (2)" in result.stderr
    assert not (tmp_path / "-").exists()
    for fmt in ("doccano", "conll", "labelstudio"):
        r = run("export", "--db", project, "--format", fmt, "--out", "-")
        assert r.exit_code == 0 and r.stdout.strip(), (fmt, r.output)


@pytest.mark.parametrize("args", [
    ["export", "--format", "spacy", "--out", "-"],
    ["export", "--format", "brat", "--out", "-"],
    ["export", "--format", "prodigy", "--split", "0.5", "--out", "-"],
    ["screenshot", "--doc", "1", "--out", "-"],
    ["backup", "--out", "-"],
    ["train", "--blank", "en", "--out", "-"],
    ["agreement", "--json", "--html", "-"],
])
def test_dash_is_refused_where_it_makes_no_sense(args: list[str], project: Path,
                                                 tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.chdir(tmp_path)
    result = run(*args, "--db", project)
    assert result.exit_code == 2 and result.stdout == ""
    assert "standard output" in result.stderr and len(result.stderr.strip().splitlines()) == 1
    assert listing(tmp_path) == ["t.db"]


def test_agreement_html_to_standard_output_alone(project: Path) -> None:
    result = run("agreement", "--db", project, "--html", "-")
    assert result.exit_code == 0, result.output
    assert result.stdout.lstrip().lower().startswith("<!doctype html")
    assert result.stdout.rstrip().endswith("</html>")


# ------------------------------------------------------------- failing while writing
def failing_write(monkeypatch, code: int = errno.ENOSPC) -> None:  # type: ignore[no-untyped-def]
    """Every Prodigy record write fails as a full disk would."""
    from goldspan.core.formats import prodigy

    def write(self, record, doc_id):  # type: ignore[no-untyped-def]
        raise OSError(code, os.strerror(code))

    monkeypatch.setattr(prodigy.ProdigyWriter, "write", write)


def test_a_full_disk_keeps_the_old_file_and_leaves_nothing(project: Path, tmp_path: Path,
                                                            monkeypatch) -> None:  # type: ignore[no-untyped-def]
    out = tmp_path / "gold.jsonl"
    out.write_text("the previous export\n")
    failing_write(monkeypatch)
    err = one_line_refusal(run("export", "--db", project, "--format", "prodigy", "--out", out),
                           out)
    assert "the disk is full" in err and "the existing file is unchanged" in err
    assert out.read_text() == "the previous export\n"
    assert listing(tmp_path) == ["gold.jsonl", "t.db"]


def test_folders_made_for_a_failed_output_are_removed(project: Path, tmp_path: Path,
                                                      monkeypatch) -> None:  # type: ignore[no-untyped-def]
    out = tmp_path / "new" / "deeper" / "gold.jsonl"
    failing_write(monkeypatch)
    err = one_line_refusal(run("export", "--db", project, "--format", "prodigy", "--out", out),
                           out)
    assert "nothing was left behind" in err
    assert listing(tmp_path) == ["t.db"]
    monkeypatch.undo()
    assert run("export", "--db", project, "--format", "prodigy", "--out", out).exit_code == 0
    assert out.exists()  # a missing folder is created when the export succeeds


def test_a_path_through_a_file_is_one_line(project: Path, tmp_path: Path) -> None:
    (tmp_path / "notes").write_text("mine")
    out = tmp_path / "notes" / "gold.jsonl"
    err = one_line_refusal(run("export", "--db", project, "--format", "prodigy", "--out", out),
                           out)
    assert "not a folder" in err
    assert (tmp_path / "notes").read_text() == "mine"


@pytest.fixture
def small_mount(tmp_path: Path) -> Iterator[Callable[[str], Path]]:
    """Mount a tiny tmpfs (root only): ``mount(options)`` returns its folder."""
    if not IS_ROOT:
        pytest.skip("mounting a tmpfs needs root; the monkeypatched tests cover the rest")
    mounted: list[Path] = []

    def mount(options: str) -> Path:
        where = tmp_path / f"mnt{len(mounted)}"
        where.mkdir()
        r = subprocess.run(["mount", "-t", "tmpfs", "-o", options, "tmpfs", str(where)],
                           capture_output=True, text=True)
        if r.returncode != 0:
            pytest.skip(f"cannot mount a tmpfs here: {r.stderr.strip()}")
        mounted.append(where)
        return where

    yield mount
    for where in mounted:
        subprocess.run(["umount", "-l", str(where)], capture_output=True)


FULL_DISK_COMMANDS = {
    "export a file": ["export", "--format", "prodigy", "--out", "{dir}/out.jsonl"],
    "export a folder": ["export", "--format", "brat", "--out", "{dir}/out"],
    "export --split": ["export", "--format", "doccano", "--split", "0.5", "--out", "{dir}/out"],
    "agreement --html": ["agreement", "--html", "{dir}/out.html"],
    "backup": ["backup", "--out", "{dir}/out.db"],
    "screenshot": ["screenshot", "--doc", "1", "--out", "{dir}/out.png"],
}


@pytest.mark.parametrize("case", list(FULL_DISK_COMMANDS))
def test_a_real_full_disk_is_one_line_and_leaves_the_old_output(case: str, project: Path,
                                                                 small_mount) -> None:  # type: ignore[no-untyped-def]
    """A 64 KiB tmpfs holding the previous output: the new one does not fit."""
    with Store.open(project) as s:  # enough text that no output fits in the space left
        with s.transaction():
            for i in range(40):
                s.add_document(f"Filler {i}. " + "Angela Merkel visited Paris. " * 100)
        s.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    disk = small_mount("size=64k")
    args = [a.format(dir=disk) for a in FULL_DISK_COMMANDS[case]]
    target = Path(args[-1])
    if target.suffix:
        target.write_bytes(b"the previous output")
    else:
        target.mkdir()
    with open(disk / ".filler", "wb", buffering=0) as fh:  # the rest of the disk is taken
        try:
            while True:
                fh.write(b"x" * 4096)
                fh.flush()
        except OSError:
            pass
    before = listing(disk)
    result = run(*args, "--db", project)
    err = one_line_refusal(result, target)
    assert "full" in err
    assert listing(disk) == before
    if target.suffix:
        assert target.read_bytes() == b"the previous output"


@pytest.mark.parametrize("case", list(FULL_DISK_COMMANDS))
def test_a_read_only_folder_is_one_line_and_leaves_nothing(case: str, project: Path,
                                                           small_mount) -> None:  # type: ignore[no-untyped-def]
    disk = small_mount("ro,size=64k")
    for where in (disk, disk / "missing"):
        args = [a.format(dir=where) for a in FULL_DISK_COMMANDS[case]]
        err = one_line_refusal(run(*args, "--db", project), args[-1])
        assert "read-only" in err
        assert listing(disk) == []


def test_an_empty_mount_point_is_refused_in_one_line(project: Path, small_mount) -> None:  # type: ignore[no-untyped-def]
    disk = small_mount("size=1m")
    err = one_line_refusal(run("export", "--db", project, "--format", "txt", "--out", disk),
                           disk)
    assert "mount point" in err
    assert listing(disk) == [] and os.path.ismount(disk)
    assert run("export", "--db", project, "--format", "txt", "--out", disk / "corpus").exit_code == 0
