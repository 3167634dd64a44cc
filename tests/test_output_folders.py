"""Folder outputs (issue 11, item 2): goldspan replaces a folder only when it can prove
it wrote every file in it (its manifest lists each file's size and SHA-256, unchanged);
any other non-empty folder is refused in one line and left byte for byte as it was.
The same rule holds for brat and txt exports, a sharded ``.spacy`` corpus, ``--split``
folders and ``train --out``. A property test throws random changes at an exported
folder (``GOLDSPAN_SOAK=1``: six times as many).
"""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from test_outputs import TEXT, TEXT2, one_line_refusal, run

from goldspan.core.errors import OutputError
from goldspan.core.exporter import export
from goldspan.core.types import Span
from goldspan.core.outputs import MANIFEST, Outputs
from goldspan.core.storage import Store

SOAK = os.environ.get("GOLDSPAN_SOAK") == "1"
FOLDER_PROPERTY = settings(max_examples=360 if SOAK else 60, deadline=None,
                           derandomize=not SOAK,
                           suppress_health_check=[HealthCheck.function_scoped_fixture,
                                                  HealthCheck.too_slow])


def tree(folder: Path) -> dict[str, str]:
    """Every file under ``folder`` with its content's hash (links by their target)."""
    out: dict[str, str] = {}
    for p in sorted(folder.rglob("*")):
        rel = str(p.relative_to(folder))
        if p.is_symlink():
            out[rel] = "-> " + os.readlink(p)
        elif p.is_file():
            out[rel] = hashlib.sha256(p.read_bytes()).hexdigest()
        else:
            out[rel] = "/"
    return out


@pytest.fixture
def project(tmp_path: Path) -> Path:
    db = tmp_path / "t.db"
    with Store.open(db) as s:
        s.add_document(TEXT)
        s.add_document(TEXT2)
        s.put_version(1, "alice", "done", [Span(0, 10, "PERSON"), Span(37, 42, "GPE")])
        s.put_version(2, "alice", "done", [Span(0, 13, "PERSON")])
        s.add_labels(["PERSON", "GPE"])
    return db


FOLDER_EXPORTS = {
    "txt": ["--format", "txt"],
    "brat": ["--format", "brat"],
    "sharded spacy": ["--format", "spacy"],
    "split": ["--format", "prodigy", "--split", "0.5"],
    "split brat": ["--format", "brat", "--split", "0.5"],
}


@pytest.mark.parametrize("case", list(FOLDER_EXPORTS))
def test_a_folder_of_the_users_files_is_never_emptied(case: str, project: Path,
                                                       tmp_path: Path) -> None:
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "notes.txt").write_text("notes\n")  # a suffix goldspan writes, yet not its file
    (corpus / "0001.ann").write_text("T1\tPER 0 4\tMark\n")
    before = tree(corpus)
    result = run("export", "--db", project, *FOLDER_EXPORTS[case], "--out", corpus)
    err = one_line_refusal(result, corpus)
    assert "choose a new folder" in err and "goldspan did not write" in err
    assert tree(corpus) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["corpus", "t.db"]


def test_a_brat_corpus_exported_back_to_its_own_folder_is_refused(tmp_path: Path) -> None:
    corpus = tmp_path / "brat"
    corpus.mkdir()
    (corpus / "a.txt").write_text(TEXT, encoding="utf-8")
    (corpus / "a.ann").write_text("T1\tPERSON 0 10\tMark Esper\n", encoding="utf-8")
    (corpus / "annotation.conf").write_text("[entities]\nPERSON\n", encoding="utf-8")
    before = tree(corpus)
    db = tmp_path / "g.db"
    assert run("import", corpus, "--db", db).exit_code == 0
    result = run("export", "--db", db, "--format", "brat", "--out", corpus)
    one_line_refusal(result, corpus)
    assert tree(corpus) == before


def test_a_folder_goldspan_wrote_is_replaced_while_unchanged(project: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    assert run("export", "--db", project, "--format", "txt", "--out", out).exit_code == 0
    manifest = json.loads((out / MANIFEST).read_text(encoding="utf-8"))
    assert sorted(manifest["files"]) == ["000001.txt", "000002.txt"]
    assert manifest["files"]["000001.txt"]["size"] == len(TEXT.encode())
    assert run("export", "--db", project, "--format", "brat", "--out", out).exit_code == 0
    assert sorted(p.name for p in out.iterdir()) == sorted(
        [MANIFEST, "000001.txt", "000001.ann", "000002.txt", "000002.ann", "annotation.conf"])
    (out / "000002.ann").unlink()  # a file of ours deleted: still ours
    assert run("export", "--db", project, "--format", "brat", "--out", out).exit_code == 0
    (out / "000001.txt").write_text("edited by hand")
    before = tree(out)
    err = one_line_refusal(run("export", "--db", project, "--format", "txt", "--out", out), out)
    assert "000001.txt was changed since goldspan wrote it" in err
    assert tree(out) == before
    (out / "000001.txt").unlink()
    (out / "sub").mkdir()
    (out / "sub" / "mine.txt").write_text("x")
    before = tree(out)
    err = one_line_refusal(run("export", "--db", project, "--format", "txt", "--out", out), out)
    assert "sub/mine.txt" in err and tree(out) == before


def test_a_split_folder_holds_its_config_and_is_replaced_as_one(project: Path,
                                                                tmp_path: Path) -> None:
    out = tmp_path / "corpus"
    args = ("export", "--db", project, "--format", "spacy", "--split", "0.5", "--out", out,
            "--config", out / "config.cfg")
    first = run(*args)
    assert first.exit_code == 0, first.output
    assert sorted(p.name for p in out.iterdir()) == sorted(
        [MANIFEST, "config.cfg", "dev.spacy", "train.spacy"])
    assert str((out / "train.spacy").resolve()) in (out / "config.cfg").read_text()
    assert run(*args).exit_code == 0  # the config is in the manifest: ours to replace
    (out / "notes.md").write_text("my notes")
    err = one_line_refusal(run(*args), out)
    assert "notes.md" in err and (out / "notes.md").read_text() == "my notes"


def test_train_out_follows_the_same_rule(project: Path, tmp_path: Path) -> None:
    """A folder whose meta.json says goldspan trained it, with the user's notes beside:
    not goldspan's to replace (the old rule trusted the name in meta.json)."""
    out = tmp_path / "model"
    out.mkdir()
    (out / "meta.json").write_text(json.dumps({"name": "goldspan_t", "version": "0.0.1"}))
    (out / "notes.txt").write_text("my evaluation notes")
    before = tree(out)
    result = run("train", "--db", project, "--out", out, "--blank", "en", "--max-steps", 1,
                 "--eval-split", 0)
    one_line_refusal(result, out)
    assert tree(out) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["model", "t.db"]


def test_a_file_dropped_in_during_the_export_is_not_lost(project: Path, tmp_path: Path) -> None:
    """The folder is checked when the export starts and again once it is renamed away,
    so a file added while goldspan wrote the new one survives (and the old folder with it)."""
    out = tmp_path / "out"
    with Store.open(project) as store:
        export(store, out, format="txt")
        before = tree(out)
        with pytest.raises(OutputError, match="late.txt"):
            with Outputs() as outputs:
                temp = outputs.folder(out)
                temp.mkdir()
                (temp / "new.txt").write_text("new")
                (out / "late.txt").write_text("written while goldspan worked")
    assert tree(out) == {**before, "late.txt": tree(out)["late.txt"]}
    assert (out / "late.txt").read_text() == "written while goldspan worked"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out", "t.db"]


# ------------------------------------------------------------------ property
CHANGES = st.lists(st.tuples(
    st.sampled_from(["add", "edit", "delete", "mkdir", "link", "append-manifest", "break-manifest"]),
    st.integers(0, 5)), max_size=4)


@FOLDER_PROPERTY
@given(changes=CHANGES, fmt=st.sampled_from(["txt", "brat"]))
def test_random_changes_to_an_exported_folder(project: Path, tmp_path_factory, changes,
                                               fmt: str) -> None:  # type: ignore[no-untyped-def]
    """Whatever happened to the folder since goldspan wrote it, the next export either
    replaces it (only files goldspan wrote, unchanged, were there) or refuses in one
    line and leaves every byte as it was."""
    root = tmp_path_factory.mktemp("fold")
    out = root / "out"
    with Store.open(project) as store:
        export(store, out, format=fmt)
        written = {k: v for k, v in tree(out).items() if k != MANIFEST}
        mine = sorted(p for p in out.rglob("*") if p.name != MANIFEST)
        manifest_ok = True
        for kind, i in changes:
            files = sorted(p for p in out.rglob("*") if p.is_file() and p.name != MANIFEST)
            if kind == "add":
                (out / f"user{i}.txt").write_text("user data")
            elif kind == "edit" and files:
                files[i % len(files)].write_text("changed")
            elif kind == "delete" and files:
                files[i % len(files)].unlink()
            elif kind == "mkdir":
                (out / f"empty{i}").mkdir(exist_ok=True)  # no file in it: nothing to lose
            elif kind == "link" and not os.path.lexists(out / f"link{i}"):
                os.symlink(mine[0], out / f"link{i}")
            elif kind == "append-manifest" and manifest_ok:  # listed by name only
                m = json.loads((out / MANIFEST).read_text())
                m["files"][f"user{i}.txt"] = {"size": 9}
                (out / MANIFEST).write_text(json.dumps(m))
                (out / f"user{i}.txt").write_text("user data")
            elif kind == "break-manifest":
                (out / MANIFEST).write_text("{not json")
                manifest_ok = False
        now = {k: v for k, v in tree(out).items() if k != MANIFEST and v != "/"}
        foreign = any(written.get(k) != v for k, v in now.items()) or (now and not manifest_ok)
        before = tree(out)
        if foreign:
            with pytest.raises(OutputError) as refused:
                export(store, out, format=fmt)
            assert "\n" not in str(refused.value) and str(out) in str(refused.value)
            assert tree(out) == before
        else:
            export(store, out, format=fmt)
            assert MANIFEST in tree(out)
    assert sorted(p.name for p in root.iterdir()) == ["out"]
