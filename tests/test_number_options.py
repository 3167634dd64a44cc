"""Numbers a user types are checked where they are read (found red-teaming issue 11,
family "hostile inputs"): a document id past SQLite's 64-bit integers raised
``OverflowError`` with a traceback in ``delete --doc``, ``delete --version``,
``screenshot --doc`` and ``gui --doc``; ``--version '²:bob'`` raised ``ValueError``
(``str.isdigit`` takes superscripts, ``int`` does not); a
``train --seed`` from 2**64 on failed after loading with spaCy's cryptic
"<method '__getitem__' of 'dict' objects> returned a result with an exception set";
``screenshot --width 10**23`` raised OverflowError in Qt, and below Qt's limit asked
for gigabytes. Each is now one line and an exit code of 2, the database unchanged."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest
from typer.testing import CliRunner

from goldspan.cli import main as cli_main
from goldspan.core.storage import Store
from goldspan.core.types import Span

HUGE = str(10**23)


def invoke(args: list[str]):  # type: ignore[no-untyped-def]
    cli_main._register()  # every command, as `goldspan` itself does for the one it runs
    return CliRunner().invoke(cli_main.app, args)


@pytest.fixture()
def db(tmp_path: Path) -> Path:
    path = tmp_path / "t.db"
    with Store.open(path) as s:
        s.add_document("Paris is in France.")
        s.add_labels(["GPE"])
        s.put_version(1, "bob", "done", [Span(0, 5, "GPE")])
    return path


def digest(p: Path) -> str:
    return hashlib.sha256(p.read_bytes()).hexdigest()


@pytest.mark.parametrize(("args", "said"), [
    (["delete", "--doc", HUGE], "'--doc'"),
    (["delete", "--version", f"{HUGE}:bob"], "no document has the id"),
    (["delete", "--version", "²:bob"], "expected DOC:ANNOTATOR"),
    (["delete", "--version", "1²:bob"], "expected DOC:ANNOTATOR"),
    (["screenshot", "--doc", HUGE, "--out", "{tmp}/x.png"], "'--doc'"),
    (["screenshot", "--doc", "1", "--width", HUGE, "--out", "{tmp}/x.png"], "'--width'"),
    (["screenshot", "--doc", "1", "--height", "100000", "--out", "{tmp}/x.png"], "'--height'"),
    (["gui", "--doc", HUGE], "'--doc'"),
    (["train", "--seed", str(2**64), "--blank", "en", "--out", "{tmp}/model"], "'--seed'"),
    (["export", "--format", "prodigy", "--split", "0.5", "--seed", "-1", "--out", "{tmp}/e"],
     "'--seed'"),
])
def test_numbers_out_of_range_are_one_line_and_change_nothing(
        db: Path, tmp_path: Path, args: list[str], said: str) -> None:
    before = digest(db)
    args = [a.replace("{tmp}", str(tmp_path)) for a in args] + ["--db", str(db)]
    result = invoke(args)
    assert result.exit_code == 2, (result.output, result.exception)
    assert said in " ".join(result.output.split()), result.output
    assert "Traceback" not in result.output
    assert not isinstance(result.exception, (OverflowError, ValueError))
    assert digest(db) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["t.db"]  # and nothing written


def test_the_version_of_the_largest_id_is_looked_up_not_refused(db: Path) -> None:
    result = invoke(["delete", "--version", f"{2**63 - 1}:bob", "--db", str(db)])
    assert result.exit_code == 2
    assert "has no version by" in result.output, result.output


def test_a_version_id_is_read_as_int_and_the_doc_option_read_it(db: Path) -> None:
    """Decimal digits of any script are the number they are to ``int()`` (and to the
    ``--doc`` option, typer's int): ``١:bob`` is document 1's version by bob."""
    result = invoke(["delete", "--version", "١:bob", "--db", str(db)])
    assert result.exit_code == 0, result.output
    with Store.open(db, readonly=True) as s:
        assert s.annotation(1, "bob") is None
