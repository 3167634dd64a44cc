"""Corpus paths written into a spaCy config are exact (found red-teaming issue 11).

``${`` starts a variable in spaCy's config: ``export --config`` under a folder named
``runs ${date}`` wrote a config that ``spacy train`` refused to load ("Bad value
substitution"), and ``goldspan train --out 'runs ${date}/model'`` failed with "spaCy
training failed: Config validation error". Now the path is escaped and read back; a
path that cannot be held exactly is refused in one line before anything is written.
"""

from __future__ import annotations

from pathlib import Path

from thinc.api import Config
from typer.testing import CliRunner

from goldspan.core.storage import Store
from goldspan.core.types import Span

TEXT = "Mark Esper met Moroccan officials in Rabat on Friday."


def run(*args: object):  # type: ignore[no-untyped-def]
    from goldspan.cli import main

    if not main.app.registered_commands:
        main._register()
    return CliRunner().invoke(main.app, [str(a) for a in args])


def project(tmp_path: Path) -> Path:
    db = tmp_path / "t.db"
    with Store.open(db) as s:
        for i in range(6):
            s.add_document(f"({i}) {TEXT}")
            s.put_version(i + 1, "alice", "done", [Span(4, 14, "PERSON"), Span(41, 46, "GPE")])
        s.add_labels(["PERSON", "GPE"])
    return db


def test_export_config_holds_a_path_with_a_variable_sign_exactly(tmp_path: Path) -> None:
    db = project(tmp_path)
    folder = tmp_path / "runs ${date}"
    res = run("export", "--db", db, "--format", "spacy", "--split", "0.5",
              "--out", folder, "--config", folder / "config.cfg")
    assert res.exit_code == 0, res.output
    paths = Config().from_disk(folder / "config.cfg")["paths"]  # as spacy train reads it
    assert paths["train"] == str((folder / "train.spacy").resolve())
    assert paths["dev"] == str((folder / "dev.spacy").resolve())


def test_a_path_the_config_cannot_hold_is_refused_before_writing(tmp_path: Path) -> None:
    db = project(tmp_path)
    folder = tmp_path / "a$${b}"
    folder.mkdir()
    res = run("export", "--db", db, "--format", "spacy", "--out", folder / "c.spacy",
              "--config", folder / "c.cfg")
    assert res.exit_code == 2 and "spaCy's config cannot hold this path" in res.stderr
    assert len(res.stderr.strip().splitlines()) == 1
    assert list(folder.iterdir()) == []


def test_train_into_a_folder_with_a_variable_sign(tmp_path: Path) -> None:
    db = project(tmp_path)
    out = tmp_path / "runs ${date}" / "model"
    res = run("train", "--db", db, "--blank", "en", "--max-steps", "2", "--eval-split", "0",
              "--out", out, "--json")
    assert res.exit_code == 0, res.output
    assert (out / "meta.json").exists() and (out / "config.cfg").exists()
