"""The project's labels rule set by the user (issue 13): ``goldspan labels --map/--drop/
--unmap/--add``, stored in the database and applied to every model's output before it
is stored: ``goldspan suggest``'s path (:func:`suggest_documents` with the project's
filter), the window's suggestion worker (the same filter), and the Ray merge."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from goldspan.cli import main
from goldspan.core.storage import Store
from goldspan.core.suggest import suggest_documents
from goldspan.core.types import Label, Span, Suggestion


class Model:
    """A fake NER: OntoNotes-style labels on a fixed text."""

    model_id = "fake@1"
    labels = ("GPE", "LOC", "PERSON", "CARDINAL", "ORG")

    def suggest(self, texts):  # type: ignore[no-untyped-def]
        for _ in texts:
            yield [Suggestion(0, 5, "GPE"), Suggestion(10, 15, "LOC"),
                   Suggestion(20, 24, "PERSON"), Suggestion(30, 33, "CARDINAL"),
                   Suggestion(40, 43, "ORG")]


TEXT = "Paris and Alpes and Anne met two at IBM in the morning, said the report."


def run(*args: object) -> object:
    if not main.app.registered_commands:
        main._register()
    return CliRunner().invoke(main.app, [str(a) for a in args])


@pytest.fixture
def db(tmp_path: Path) -> Path:
    path = tmp_path / "g.db"
    with Store.open(path) as store:
        store.add_document(TEXT)
        store.set_labels([Label("Location", "#1f77b4", "1"), Label("Person", "#ff7f0e", "2")])
    return path


def test_map_and_drop_are_stored_and_listed(db: Path) -> None:
    r = run("labels", "--db", db, "--map", "GPE=Location", "--map", "LOC=Location",
            "--map", "PERSON=Person", "--drop", "CARDINAL")
    assert r.exit_code == 0, r.output
    assert "GPE -> Location" in r.output and "CARDINAL -> (dropped)" in r.output
    with Store.open(db) as store:
        assert store.label_map() == {"GPE": "Location", "LOC": "Location",
                                     "PERSON": "Person", "CARDINAL": None}
    listing = run("labels", "--db", db, "--json")
    assert json.loads(listing.output)["label_map"]["LOC"] == "Location"
    assert "LOC -> Location" in run("labels", "--db", db).output
    # forgetting one leaves the others
    assert run("labels", "--db", db, "--unmap", "LOC").exit_code == 0
    with Store.open(db) as store:
        assert "LOC" not in store.label_map() and store.label_map()["GPE"] == "Location"


def test_a_target_outside_the_set_or_a_bad_value_is_refused_and_nothing_changes(db: Path) -> None:
    assert run("labels", "--db", db, "--map", "GPE=Location").exit_code == 0
    for args, words in ((["--map", "ORG=Organisation"], "not one of the project's labels"),
                        (["--map", "ORG"], "write MODEL=PROJECT"),
                        (["--unmap", "NORP"], "has no entry for it"),
                        (["--add", "bad\tname"], "")):
        r = run("labels", "--db", db, *args)
        assert r.exit_code == 2, (args, r.output)
        assert words in r.stderr and "Traceback" not in r.output
        assert len(r.stderr.strip().splitlines()) == 1
    with Store.open(db) as store:
        assert store.label_map() == {"GPE": "Location"}
        assert [lab.name for lab in store.labels()] == ["Location", "Person"]


def test_add_then_map_onto_a_label_with_a_space(db: Path) -> None:
    assert run("labels", "--db", db, "--add", "Military Platform").exit_code == 0
    r = run("labels", "--db", db, "--map", "PRODUCT=Military Platform")
    assert r.exit_code == 0, r.output
    with Store.open(db) as store:
        assert store.label_map() == {"PRODUCT": "Military Platform"}
        assert [lab.name for lab in store.labels()][-1] == "Military Platform"


def test_a_label_holding_an_equals_sign_is_read_by_the_project_side(db: Path) -> None:
    assert run("labels", "--db", db, "--add", "a=b").exit_code == 0
    assert run("labels", "--db", db, "--map", "X=Q=R").exit_code == 2  # reads two ways
    assert run("labels", "--db", db, "--map", "X=Y=a=b").exit_code == 0  # one way to a=b
    with Store.open(db) as store:
        assert store.label_map() == {"X=Y": "a=b"}


def test_suggest_applies_the_rule_before_storing(db: Path) -> None:
    with Store.open(db) as store:
        store.set_label_map({"GPE": "Location", "LOC": "Location", "PERSON": "Person",
                             "CARDINAL": None})
        keep = store.label_filter()
        assert suggest_documents(store, Model(), labels=keep) == (1, 4)
        stored = store.suggestions(1, "fake@1")
        assert [(s.start, s.label) for s in stored] == [
            (0, "Location"), (10, "Location"), (20, "Person"), (40, "ORG")]
        said = keep.describe()
        assert "3 suggestions relabelled by the labels rule: GPE -> Location (1)" in said
        assert "1 suggestions left out, with labels the labels rule drops: 'CARDINAL' (1)" \
            in said
        # a locked set still keeps ORG (unmapped, not in the set) out
        store.set_setting("labels_locked", True)
        suggest_documents(store, Model(), force=True)
        assert {s.label for s in store.suggestions(1, "fake@1")} == {"Location", "Person"}


def test_without_a_rule_nothing_is_renamed(db: Path) -> None:
    with Store.open(db) as store:
        keep = store.label_filter()
        suggest_documents(store, Model(), labels=keep)
        assert [s.label for s in store.suggestions(1, "fake@1")] == [
            "GPE", "LOC", "PERSON", "CARDINAL", "ORG"]
        assert keep.describe() == ""


def test_the_rule_maps_spans_too(db: Path) -> None:
    """The filter takes anything with a label: a Span (a named tuple) keeps its origin."""
    with Store.open(db) as store:
        store.set_label_map({"GPE": "Location"})
        (span,) = store.label_filter()([Span(0, 5, "GPE", "model")])
        assert span == Span(0, 5, "Location", "model") and span.origin == "model"


def test_a_ray_shard_is_merged_through_the_rule(db: Path, tmp_path: Path) -> None:
    """Ray's workers hold no database: a shard comes back with the model's own labels,
    and the merge applies the project's rule (as ``goldspan suggest`` does)."""
    from goldspan.core.distributed_suggest import merge_shard

    shard_path = tmp_path / "shard-000000.db"
    with Store.open(shard_path) as shard:
        shard.add_document(TEXT)
        suggest_documents(shard, Model())
        shard.set_labels([])
    with Store.open(db) as store:
        store.set_label_map({"GPE": "Location", "LOC": "Location", "CARDINAL": None})
        merged, n_sugg, dropped = merge_shard(store, shard_path, "fake@1")
        assert (merged, n_sugg, dropped) == (1, 4, 0)
        assert [s.label for s in store.suggestions(1, "fake@1")] == [
            "Location", "Location", "PERSON", "ORG"]
    assert not shard_path.exists()
