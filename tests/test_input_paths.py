"""Paths in that are not plain files (found red-teaming issue 11): devices, pipes,
and a database path that is really another database's ``-wal``.

Before: ``goldspan import /dev/zero --format txt`` grew to 4 GB in six seconds; a named
pipe imported with ``--format auto`` hung for ever (detection ate the start, the
reader's second open waited for another writer); Label Studio through ``<(...)`` said
"the array is not closed" (it opened the file twice); ``--db /dev/null`` said "an I/O
error ... the database is intact"; ``--db team.db-wal`` while a window had team.db
open created a new database inside the live log, and the import it reported was gone
when the window closed.
"""

from __future__ import annotations

import os
import resource
import stat
import subprocess
import sys
import textwrap
import threading
from pathlib import Path

import pytest

from goldspan.core.storage import Store

IS_ROOT = hasattr(os, "geteuid") and os.geteuid() == 0
DATA = Path(__file__).parent / "data"
PRODIGY = DATA / "prodigy" / "annotated_news_headlines-ORG-PERSON-LOCATION-ner.jsonl"
CONLL = DATA / "wikigold" / "wikigold.conll.txt"
DOCCANO = DATA / "doccano" / "doccano_export_sequence_labeling_example.jsonl"


def goldspan(*args: object, timeout: float = 120, home: Path | None = None,
             memory: int | None = None) -> subprocess.CompletedProcess[str]:
    """The real command in a process of its own (a hang or a memory bomb stays there)."""
    def limit() -> None:
        if memory is not None:
            resource.setrlimit(resource.RLIMIT_AS, (memory, memory))

    env = dict(os.environ)
    if home is not None:
        env["GOLDSPAN_HOME"] = str(home)
    return subprocess.run([sys.executable, "-m", "goldspan.cli.main", *map(str, args)],
                          capture_output=True, text=True, timeout=timeout, env=env,
                          preexec_fn=limit)


def one_line(r: subprocess.CompletedProcess[str], *words: str) -> str:
    assert r.returncode == 2, (r.stdout, r.stderr)
    err = r.stderr.strip()
    assert len(err.splitlines()) == 1 and "Traceback" not in err, err
    for w in words:
        assert w in err, err
    return err


def feed(fifo: Path, data: bytes) -> threading.Thread:
    """Write ``data`` into the named pipe once a reader opens it."""
    def write() -> None:
        with open(fifo, "wb") as fh:
            fh.write(data)

    t = threading.Thread(target=write, daemon=True)
    t.start()
    return t


@pytest.mark.skipif(not IS_ROOT, reason="mknod needs root")
def test_a_device_is_refused_before_anything_is_imported(tmp_path: Path) -> None:
    zero = tmp_path / "zero"
    os.mknod(zero, stat.S_IFCHR | 0o666, os.makedev(1, 5))  # /dev/zero, made here
    first = tmp_path / "a.txt"
    first.write_text("An article that comes first.")
    db = tmp_path / "t.db"
    r = goldspan("import", first, zero, "--format", "txt", "--db", db, timeout=60,
                 memory=2 << 30)
    one_line(r, str(zero), "is a device, not a file")
    assert not db.exists() or Store.open(db, readonly=True).document_count() == 0


def test_a_named_pipe_whose_format_must_be_detected_is_refused_not_waited_for(
        tmp_path: Path) -> None:
    fifo = tmp_path / "stream.jsonl"
    os.mkfifo(fifo)
    r = goldspan("import", fifo, "--db", tmp_path / "t.db", timeout=30)
    one_line(r, str(fifo), "is a pipe", "--format")


def _shape(db: Path) -> tuple[object, ...]:
    with Store.open(db, readonly=True) as s:
        c = s.conn
        return (c.execute("SELECT text FROM documents ORDER BY id").fetchall(),
                c.execute("SELECT annotator, status FROM annotations ORDER BY id").fetchall(),
                c.execute('SELECT start, "end", label FROM spans ORDER BY id').fetchall(),
                c.execute('SELECT model, start, "end", label FROM suggestions ORDER BY id'
                          ).fetchall())


@pytest.mark.parametrize("fmt", ["prodigy", "doccano", "conll", "labelstudio",
                                 "labelstudio-jsonl", "spacy", "txt"])
def test_a_pipe_with_its_format_given_is_read_once_like_the_file(fmt: str,
                                                                 tmp_path: Path) -> None:
    """``goldspan import <(zcat x.gz) --format F`` stores what the file stores."""
    source = {"prodigy": PRODIGY, "doccano": DOCCANO, "conll": CONLL}.get(fmt)
    if source is None:
        source = tmp_path / "source"
        if fmt.startswith("labelstudio"):
            task = ('{"data": {"text": "Alice met Bob."}, "annotations": [{"result": [{"type": '
                    '"labels", "value": {"start": 0, "end": 5, "labels": ["PERSON"]}}]}], '
                    '"predictions": [{"model_version": "m", "result": [{"type": "labels", '
                    '"value": {"start": 10, "end": 13, "labels": ["PERSON"]}}]}]}')
            source.write_text(f"[{task},\n{task.replace('Alice', 'Carol')}]"
                              if fmt == "labelstudio" else f"{task}\n")
        elif fmt == "txt":
            source.write_text("A headline\n\nAn article read through a pipe.")
        else:
            helper = tmp_path / "h.db"
            assert goldspan("import", CONLL, "--db", helper).returncode == 0
            out = tmp_path / "w.spacy"
            assert goldspan("export", "--db", helper, "--format", "spacy",
                            "--out", out).returncode == 0
            source = out
    reader = "labelstudio" if fmt.startswith("labelstudio") else fmt
    from_file = goldspan("import", source, "--format", reader, "--db", tmp_path / "file.db")
    assert from_file.returncode == 0, from_file.stderr
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    writer = feed(fifo, source.read_bytes())
    from_pipe = goldspan("import", fifo, "--format", reader, "--db", tmp_path / "pipe.db",
                         timeout=120)
    writer.join(5)
    assert from_pipe.returncode == 0, from_pipe.stderr
    assert from_pipe.stdout == from_file.stdout
    assert _shape(tmp_path / "pipe.db") == _shape(tmp_path / "file.db")


# ------------------------------------------------------------------ --db paths
def special_files(tmp_path: Path) -> list[tuple[str, Path]]:
    fifo = tmp_path / "pipe.db"
    os.mkfifo(fifo)
    found = [("pipe", fifo)]
    if IS_ROOT:
        null = tmp_path / "null.db"
        os.mknod(null, stat.S_IFCHR | 0o666, os.makedev(1, 3))
        found.append(("device", null))
    return found


@pytest.mark.parametrize("command", [["import", "{txt}"], ["merge", "{other}"], ["stats"],
                                     ["check"], ["export", "--format", "prodigy", "--out", "-"]])
def test_a_database_path_that_is_a_device_or_a_pipe_is_one_line(command: list[str],
                                                                tmp_path: Path) -> None:
    txt = tmp_path / "a.txt"
    txt.write_text("An article.")
    other = tmp_path / "other.db"
    with Store.open(other) as s:
        s.add_document("An analyst's article.")
    for kind, path in special_files(tmp_path):
        mode = os.lstat(path).st_mode
        args = [a.format(txt=txt, other=other) for a in command]
        r = goldspan(*args, "--db", path, timeout=30)
        one_line(r, str(path), f"is a {kind}, not a database file")
        assert os.lstat(path).st_mode == mode
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(
        ["a.txt", "other.db", "pipe.db"] + (["null.db"] if IS_ROOT else []))


@pytest.mark.parametrize("command", [["import", "{txt}"], ["merge", "{other}"], ["stats"],
                                     ["gui"], ["replay", "{jsonl}", "--model", "none"]])
def test_a_database_path_of_dash_is_refused_and_creates_nothing(
        command: list[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Found red-teaming issue 11: ``-`` is standard input or output everywhere else on
    the command line, and ``import --db -`` (or ``replay --db -``) created a database
    file named ``-`` in the current folder."""
    from typer.testing import CliRunner

    from goldspan.cli import main as cli_main

    txt = tmp_path / "a.txt"
    txt.write_text("An article.")
    jsonl = tmp_path / "a.jsonl"
    jsonl.write_text('{"text": "Alice met Bob.", "answer": "accept", "spans": '
                     '[{"start": 0, "end": 5, "label": "PERSON"}]}\n')
    other = tmp_path / "other.db"
    with Store.open(other) as s:
        s.add_document("An analyst's article.")
    monkeypatch.chdir(tmp_path)
    cli_main._register()
    args = [a.format(txt=txt, other=other, jsonl=jsonl) for a in command]
    r = CliRunner().invoke(cli_main.app, [*args, "--db", "-"])
    assert r.exit_code == 2, r.output
    assert r.output.startswith("goldspan: [E100] --db -: a database is a file"), r.output
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.jsonl", "a.txt", "other.db"]


def test_the_write_ahead_log_of_a_live_database_is_not_a_database(tmp_path: Path) -> None:
    live = tmp_path / "team.db"
    with Store.open(live) as s:
        s.add_document("The team's article.")
    window = subprocess.Popen([sys.executable, "-c", textwrap.dedent(f"""
        import sys
        from goldspan.core.storage import Store
        s = Store.open({str(live)!r})
        s.document_count()
        print("open", flush=True)
        sys.stdin.readline()
        s.add_document("an edit after the import")
        s.close()
    """)], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    txt = tmp_path / "a.txt"
    txt.write_text("An article the user imports.")
    try:
        assert window.stdout is not None and window.stdout.readline() == "open\n"
        wal = Path(f"{live}-wal")
        assert wal.exists()
        for args in (["import", txt], ["merge", live], ["stats"]):
            r = goldspan(*args, "--db", wal, timeout=60)
            one_line(r, str(wal), "write-ahead log of the database")
        os.symlink(wal.name, tmp_path / "alias.db")
        one_line(goldspan("import", txt, "--db", tmp_path / "alias.db"), "write-ahead log")
    finally:
        window.communicate("go\n", timeout=60)
    with Store.open(live, readonly=True) as s:
        assert s.document_count() == 2
        assert s.conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"


def test_a_database_name_too_long_for_its_journal_is_one_line_and_creates_nothing(
        tmp_path: Path) -> None:
    """A 250-byte name fits the file system, but SQLite's ``NAME-journal`` and
    ``NAME-wal`` beside it do not: import said "cannot open the database file ... check
    that it and its folder exist" and left an empty file of that name, which every
    later command called "no such database"."""
    txt = tmp_path / "a.txt"
    txt.write_text("An article.")
    long = tmp_path / ("b" * 250 + ".db")
    err = one_line(goldspan("import", txt, "--db", long), "the file name is too long",
                   "at most 247 bytes")
    assert str(long) in err
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.txt"]
    fits = tmp_path / ("c" * 244 + ".db")  # 247 bytes: its journal is 255
    r = goldspan("import", txt, "--db", fits)
    assert r.returncode == 0, r.stderr
    with Store.open(fits, readonly=True) as s:
        assert s.document_count() == 1


# ------------------------------------------------------- a file changing while read
def _records(n: int) -> str:
    return "".join(f'{{"text": "Document {i} about Paris.", "answer": "accept", "spans": '
                   f'[{{"start": 0, "end": 8, "label": "X"}}]}}\n' for i in range(n))


@pytest.mark.parametrize("change", ["truncated", "appended", "replaced"])
def test_a_file_that_changes_while_it_is_read_is_refused_and_rolled_back(
        change: str, tmp_path: Path) -> None:
    """A copy or download still being written (or an editor saving over the file):
    the import read half of it and reported success. The change is made after the
    reader's first record, as another process would."""
    from goldspan.core.errors import InputError
    from goldspan.core.importer import import_paths

    src = tmp_path / "big.jsonl"
    src.write_text(_records(2000))
    done = []

    def progress(path: Path, n: int) -> None:
        if n == 1 and not done:
            done.append(True)
            if change == "truncated":
                with open(src, "r+", encoding="utf-8") as fh:
                    fh.truncate(len(_records(500)))
            elif change == "appended":
                with open(src, "a", encoding="utf-8") as fh:
                    fh.write(_records(1))
            else:
                other = tmp_path / "new.jsonl"
                other.write_text(_records(10))
                os.replace(other, src)

    with Store.open(tmp_path / "t.db") as store:
        store.add_document("Already there.")
        with pytest.raises(InputError, match="while goldspan read it") as err:
            import_paths(store, [src], progress=progress)
        assert "nothing of it was imported" in str(err.value)
        assert store.document_count() == 1


def test_a_brat_text_changed_while_its_annotations_are_read_is_refused(tmp_path: Path) -> None:
    from goldspan.core.errors import InputError
    from goldspan.core.importer import import_paths

    (tmp_path / "a.txt").write_text("Alice met Bob.")
    (tmp_path / "a.ann").write_text("T1\tPERSON 0 5\tAlice\n")
    os.utime(tmp_path / "a.txt", (1, 1))  # an old file: the rewrite below changes its time

    def progress(path: Path, n: int) -> None:
        (tmp_path / "a.txt").write_text("Alice met Bob!")

    with Store.open(tmp_path / "t.db") as store:
        with pytest.raises(InputError, match="was modified while goldspan read it|changed"):
            import_paths(store, [tmp_path / "a.ann"], progress=progress)
        assert store.document_count() == 0


def test_an_unchanged_file_imports_as_before(tmp_path: Path) -> None:
    src = tmp_path / "ok.jsonl"
    src.write_text(_records(50))
    r = goldspan("import", src, "--db", tmp_path / "t.db")
    assert r.returncode == 0 and "50 new documents" in r.stdout, r.stderr


# ------------------------------------------------------------ line endings
ENDINGS = {"\\r (old Mac)": "\r", "\\r\\n": "\r\n", "mixed": None}


@pytest.mark.parametrize("ending", list(ENDINGS))
def test_conll_with_any_line_ending_keeps_every_token(ending: str, tmp_path: Path) -> None:
    """A CoNLL file ending its lines with a lone \\r was one "line" of many: the import
    stored the document "Alice" with no entity and exit 0; mixed endings were refused
    with a column count that was not the file's."""
    lines = ["Alice\tB-PER", "went\tO", "", "Bob\tB-PER", "stayed\tO", ""]
    sep = ENDINGS[ending]
    if sep is None:
        data = "".join(line + ("\r", "\n", "\r\n")[i % 3] for i, line in enumerate(lines))
    else:
        data = sep.join(lines) + sep
    src = tmp_path / "c.conll"
    src.write_bytes(data.encode())
    db = tmp_path / "t.db"
    r = goldspan("import", src, "--db", db)
    assert r.returncode == 0, r.stderr
    with Store.open(db, readonly=True) as s:
        assert s.document(1).text == "Alice went\nBob stayed"
        spans = s.conn.execute('SELECT start, "end", label FROM spans ORDER BY start').fetchall()
    assert spans == [(0, 5, "PER"), (11, 14, "PER")]


def test_jsonl_with_lone_cr_line_endings_reads_every_record(tmp_path: Path) -> None:
    src = tmp_path / "p.jsonl"
    src.write_bytes(b'{"text": "a b", "answer": "accept", "spans": []}\r'
                    b'{"text": "c d", "answer": "accept", "spans": []}\r')
    r = goldspan("import", src, "--db", tmp_path / "t.db")
    assert r.returncode == 0 and "2 new documents" in r.stdout, r.stderr


@pytest.mark.parametrize("forced", [None, "prodigy", "conll", "txt"])
def test_a_compressed_file_is_named_as_such(forced: str | None, tmp_path: Path) -> None:
    """``x.jsonl.gz`` was "cannot tell the format from '.gz'" or, with --format,
    "not valid UTF-8 (byte 0x8b)": it says what the file is and how to read it."""
    import gzip

    src = tmp_path / "tasks.jsonl.gz"
    src.write_bytes(gzip.compress(PRODIGY.read_bytes()[:2000]))
    r = goldspan("import", src, "--db", tmp_path / "t.db",
                 *(["--format", forced] if forced else []))
    one_line(r, str(src), "gzip-compressed", "zcat")


def test_what_a_folder_import_does_not_read_is_named(tmp_path: Path) -> None:
    """A link to a folder, a dangling link and a pipe inside a folder were passed over
    without a word (the summary said nothing of the articles in the linked folder).
    They are still not read (a link to '..' would read a whole other tree), but each is
    named with why."""
    corpus, elsewhere = tmp_path / "corpus", tmp_path / "elsewhere"
    corpus.mkdir()
    elsewhere.mkdir()
    (corpus / "a.txt").write_text("An article in the folder.")
    (elsewhere / "b.txt").write_text("An article the link points to.")
    os.symlink(elsewhere, corpus / "more")
    os.symlink(tmp_path, corpus / "loop")
    os.symlink("missing.txt", corpus / "gone.txt")
    os.mkfifo(corpus / "pipe.txt")
    r = goldspan("import", corpus, "--db", tmp_path / "t.db", timeout=60)
    assert r.returncode == 0, r.stderr
    assert "1 new documents" in r.stdout and "4 entries of a folder not read" in r.stdout
    for name, why in (("more", "a link to a folder"), ("loop", "a link to a folder"),
                      ("gone.txt", "a link to nothing"), ("pipe.txt", "not a file")):
        assert f"note: {corpus / name}: not read: {why}" in r.stderr, r.stderr
