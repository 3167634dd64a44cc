"""Search (issue 15): the full-text index kept in step with the documents through every
write (import, edit, merge, delete and its undo, the migration), what a user types
never an FTS5 syntax error, entity search, ``goldspan search``, ``goldspan check`` on
the index, and the queue's filter box typed into with qtbot."""

from __future__ import annotations

import json
import shutil
import sqlite3
from pathlib import Path
from typing import Any

import pytest
import typer
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from goldspan.cli import check as check_cmd
from goldspan.cli import delete as delete_cmd
from goldspan.cli import import_cmd
from goldspan.cli import merge as merge_cmd
from goldspan.cli import search as search_cmd
from goldspan.core import edits
from goldspan.core.errors import StoreError
from goldspan.core.queue import Queue, QueueFilter
from goldspan.core.storage import Store, parse_search
from goldspan.core.types import Span

SCHEMAS = Path(__file__).parent / "data" / "schemas"
ESPER = "US Defence Secretary Mark Esper held talks in Rabat."
MACRON = "Emmanuel Macrón spoke in Paris about Esperanto."
OTHER = "The minister met the press; nobody mentioned 100% of anything."


def app() -> typer.Typer:
    a = typer.Typer()
    for module in (import_cmd, delete_cmd, merge_cmd, search_cmd, check_cmd):
        module.register(a)
    return a


def run(*args: object) -> Any:
    return CliRunner().invoke(app(), [str(a) for a in args])


def found(store: Store, typed: str, **options: Any) -> list[int]:
    return [doc_id for doc_id, _ in store.search(parse_search(typed, **options))]


def indexed_in_step(store: Store) -> None:
    """The index holds exactly the documents, and FTS5's own check passes."""
    assert store.search_index_problems() == []


@pytest.fixture
def store(tmp_path: Path) -> Any:
    with Store.open(tmp_path / "g.db") as s:
        for text in (ESPER, MACRON, OTHER):
            s.add_document(text)
        s.put_version(1, "alice", "done", [Span(21, 31, "PERSON"), Span(46, 51, "GPE")])
        s.put_version(2, "bob", "done", [Span(0, 15, "PERSON")])
        yield s


# ------------------------------------------------------------------ what is found
def test_words_phrases_and_the_word_being_typed(store: Store) -> None:
    assert found(store, "esper ") == [1]  # a word, any case; not "Esperanto"
    assert found(store, "esper") == [1, 2]  # the last word, being typed: a prefix
    assert found(store, "Esp") == [1, 2]
    assert found(store, "Es") == []  # a prefix from the third letter: "es" is a word
    assert found(store, "mark esper") == [1]  # both words, anywhere
    assert found(store, '"esper mark"') == []  # a phrase: in this order
    assert found(store, '"Mark Esper"') == [1]
    assert found(store, '"Secretary Mark Es') == [1]  # an unclosed phrase, still typed
    assert found(store, "macron") == [2]  # accents or not
    assert found(store, "MACRÓN paris") == [2]
    assert found(store, "100%") == [3]
    assert found(store, "%") == [3]  # no word in it: the substring, as before
    assert found(store, "esp* ") == [1, 2]  # a prefix asked for
    assert found(store, "esper", typing=False) == [1]  # the command line: whole words


def test_entity_search_by_label_annotator_and_text(store: Store) -> None:
    assert found(store, "label:PERSON Mark Esper") == [1]
    assert found(store, 'entity:"mark  esper"') == [1]  # any case, spaces as one
    assert found(store, "label:GPE Mark Esper") == []  # labelled, but not GPE
    assert found(store, "label:person") == [1, 2]  # any PERSON span; label in any case
    assert found(store, "by:bob") == [2]
    assert found(store, "annotator:alice Rabat") == [1]
    assert found(store, "annotator:bob Rabat") == []
    assert found(store, "Rabat", entity=True) == [1]
    assert found(store, "Paris", entity=True) == []  # written, never labelled
    assert found(store, "", label="GPE") == [1]  # the command line's options


def test_an_entity_search_follows_the_edits(store: Store) -> None:
    assert found(store, "label:GPE Paris") == []
    store.put_version(2, "bob", "done", [Span(0, 15, "PERSON"), Span(25, 30, "GPE")])
    assert found(store, "label:GPE Paris") == [2]


_fts_texts = st.text(max_size=40)


@settings(max_examples=400, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(typed=st.one_of(
    _fts_texts,
    st.lists(st.sampled_from(['"', "*", "-", "^", ":", "(", ")", "AND", "OR", "NOT", "NEAR",
                              "NEAR(", "+", "{", "}", "label:", "by:", "entity:", "\x00", "\udcff",
                              "mark", "esp", " ", "\t", "'", "\\", "%", "_", "é"]),
             max_size=12).map("".join)))
def test_anything_typed_is_a_search_never_an_error(store: Store, typed: str) -> None:
    """Whatever is typed into the filter box (FTS5 operators, lone quotes, NUL,
    column filters, any script) runs as a search: a result, never an error."""
    search = parse_search(typed)
    store.search(search)
    assert Queue(store, "alice", QueueFilter(text=typed)).count() >= 0
    # a space ends the word being typed: whole words find no more than the prefix did
    assert set(found(store, typed + " ")) <= set(found(store, typed))


def test_an_empty_filter_is_the_whole_queue(store: Store) -> None:
    for typed in ("", "   "):
        assert Queue(store, "alice", QueueFilter(text=typed)).count() == 3


# ---------------------------------------------------------- the index in step
def test_the_index_follows_import_merge_delete_and_its_undo(tmp_path: Path) -> None:
    a, b, team = tmp_path / "a.db", tmp_path / "b.db", tmp_path / "team.db"
    src = tmp_path / "news.jsonl"
    src.write_text("\n".join(json.dumps({"text": t, "spans": []}) for t in (ESPER, OTHER))
                   + "\n", encoding="utf-8")
    assert run("import", src, "--db", a).exit_code == 0
    with Store.open(b) as s:
        s.add_document(MACRON)
    with Store.open(a) as s:
        assert found(s, "esper ") == [1]
        indexed_in_step(s)
    # merge
    Store.open(team).close()
    res = run("merge", a, b, "--db", team)
    assert res.exit_code == 0, res.output
    with Store.open(team) as s:
        assert len(found(s, "macron")) == 1 and len(found(s, "rabat")) == 1
        indexed_in_step(s)
        macron = found(s, "macron")[0]
        # delete, and its undo (the window's Ctrl+Z)
        delete = edits.delete_document(s, macron)
        assert delete is not None
        delete.apply(s)
        assert found(s, "macron") == []
        indexed_in_step(s)
        delete.inverse().apply(s)
        assert found(s, "macron") == [macron]
        indexed_in_step(s)
    # the command's delete
    res = run("delete", "--doc", 1, "--db", a)
    assert res.exit_code == 0, res.output
    with Store.open(a) as s:
        assert found(s, "esper ") == []
        indexed_in_step(s)


def test_a_refused_import_leaves_the_index_as_it_was(tmp_path: Path) -> None:
    db, src = tmp_path / "g.db", tmp_path / "bad.jsonl"
    src.write_text(json.dumps({"text": ESPER}) + "\n"
                   + json.dumps({"text": MACRON, "spans": [{"start": 0, "end": 99,
                                                             "label": "PERSON"}]}) + "\n",
                   encoding="utf-8")
    assert run("import", src, "--db", db).exit_code != 0
    with Store.open(db) as s:
        assert found(s, "esper") == [] and s.document_count() == 0
        indexed_in_step(s)


@pytest.mark.parametrize("kept", sorted(SCHEMAS.glob("goldspan-schema*.db")),
                         ids=lambda p: p.name)
def test_the_migration_indexes_the_texts_a_file_holds(kept: Path, tmp_path: Path) -> None:
    copy = tmp_path / kept.name
    shutil.copy(kept, copy)
    with Store.open(copy) as s:
        assert found(s, "esper") == [1]
        assert found(s, "label:PERSON emmanuel macron") == [2]
        assert s.check().problems == []
        s.add_document("A third text after the migration, about Rabat.")
        assert found(s, "rabat") == [1, 3]
        indexed_in_step(s)


def test_a_file_not_migrated_says_it_has_no_index(tmp_path: Path) -> None:
    copy = tmp_path / "old.db"
    shutil.copy(SCHEMAS / "goldspan-schema2.db", copy)
    s = Store(sqlite3.connect(copy), copy)  # as no command opens it: not migrated
    try:
        with pytest.raises(StoreError, match=r"no search index yet \(schema 2\)"):
            s.search(parse_search("esper"))
    finally:
        s.close()


# ------------------------------------------------------------------ check
def test_check_finds_an_index_out_of_step_and_rebuild_mends_it(tmp_path: Path) -> None:
    db = tmp_path / "g.db"
    with Store.open(db) as s:
        for text in (ESPER, MACRON):
            s.add_document(text)
    assert run("check", "--db", db).exit_code == 0
    conn = sqlite3.connect(db)
    # a tool that wrote the index itself: words no text holds
    conn.execute("INSERT INTO documents_fts (documents_fts, rowid, title, text) "
                 "VALUES ('delete', 2, (SELECT title FROM documents WHERE id = 2), "
                 "(SELECT text FROM documents WHERE id = 2))")
    conn.execute("INSERT INTO documents_fts (rowid, title, text) VALUES (2, 'x', 'bogus')")
    conn.commit()
    conn.close()
    res = run("check", "--db", db)
    assert res.exit_code == 1
    assert "search index does not match the texts" in res.output
    assert "goldspan search --rebuild-index" in res.output
    res = run("search", "--rebuild-index", "--db", db)
    assert res.exit_code == 0, res.output
    assert run("check", "--db", db).exit_code == 0


def test_check_finds_a_document_missing_from_the_index(tmp_path: Path) -> None:
    db = tmp_path / "g.db"
    with Store.open(db) as s:
        s.add_document(ESPER)
    conn = sqlite3.connect(db)
    conn.execute("DROP TRIGGER documents_ai")  # a tool that rebuilt the table without it
    conn.execute("INSERT INTO documents (id, text, text_hash, title) VALUES "
                 "(2, 'x', '2d711642b726b04401627ca9fbac32f5c8530fb1903cc4db02258717921a4881',"
                 " 'x')")
    conn.commit()
    conn.close()
    res = run("check", "--db", db)
    assert res.exit_code == 1
    assert "trigger documents_ai is missing" in res.output
    assert "the search index lacks 1 document(s) (the first: 2)" in res.output


# ------------------------------------------------------------------ the command
def test_search_command_lines_json_and_refusal(tmp_path: Path) -> None:
    db = tmp_path / "g.db"
    with Store.open(db) as s:
        for text in (ESPER, MACRON):
            s.add_document(text)
        s.put_version(1, "alice", "done", [Span(21, 31, "PERSON")])
    res = run("search", "esper", "--db", db)  # whole words on the command line
    assert res.exit_code == 0
    assert res.stdout.splitlines() == [f"1\t{ESPER}"]
    assert "1 document found" in res.output
    res = run("search", "esp*", "--db", db)  # a prefix when asked for
    assert [line.split("\t")[0] for line in res.stdout.splitlines()] == ["1", "2"]
    res = run("search", "Mark Esper", "--label", "PERSON", "--json", "--db", db)
    assert json.loads(res.stdout) == [{"id": 1, "title": ESPER}]
    res = run("search", "Mark Esper", "--annotator", "bob", "--db", db)
    assert res.exit_code == 0 and res.stdout == ""
    res = run("search", "--db", db)
    assert res.exit_code != 0 and "nothing to search for" in res.output


# ------------------------------------------------------------------ the window
def test_the_filter_box_searches_words_and_entities(qtbot, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    from goldspan.gui.main_window import MainWindow

    db = tmp_path / "g.db"
    with Store.open(db) as s:
        for text in (ESPER, MACRON, OTHER):
            s.add_document(text)
        s.put_version(1, "bob", "done", [Span(21, 31, "PERSON")])
    store = Store.open(db)
    w = MainWindow(store, "alice", suggest=False)
    qtbot.addWidget(w)
    w.show()
    qtbot.waitExposed(w)
    try:
        assert w.queue_model.rowCount() == 3
        qtbot.keyClicks(w.filter_edit, "Es")  # two letters: the word "es", in none
        assert w.queue_model.rowCount() == 0
        qtbot.keyClicks(w.filter_edit, "p")  # "Esp": a prefix from the third letter
        assert w.queue_model.rowCount() == 2
        qtbot.keyClicks(w.filter_edit, "er ")  # "Esper ", a whole word
        assert w.queue_model.rowCount() == 1
        w.filter_edit.clear()
        qtbot.keyClicks(w.filter_edit, 'label:PERSON "Mark Esper"')
        assert w.queue_model.rowCount() == 1
        w.filter_edit.clear()
        qtbot.keyClicks(w.filter_edit, 'NEAR( "AND -')  # FTS5 syntax: searched, no error
        assert w.queue_model.rowCount() == 0
        w.filter_edit.clear()
        assert w.queue_model.rowCount() == 3
        assert "label:PERSON" in w.filter_edit.toolTip()
    finally:
        w.close()
        store.close()


def test_rebuild_mends_a_dropped_shadow_table_and_trigger(tmp_path: Path) -> None:
    """A tool that dropped part of the index (a shadow table, a trigger): check says
    so and names the fix; the rebuild makes the index and its triggers again."""
    db = tmp_path / "g.db"
    with Store.open(db) as s:
        s.add_document(ESPER)
    conn = sqlite3.connect(db)
    conn.execute("DROP TABLE documents_fts_docsize")
    conn.execute("DROP TRIGGER documents_ad")
    conn.commit()
    conn.close()
    res = run("check", "--db", db)
    assert res.exit_code == 1
    assert ("trigger documents_ad is missing (goldspan search --rebuild-index makes the "
            "search index again)") in res.output
    assert "the search index is damaged" in res.output
    assert "goldspan search --rebuild-index" in res.output
    res = run("search", "--rebuild-index", "--db", db)
    assert res.exit_code == 0, res.output
    assert run("check", "--db", db).exit_code == 0
    with Store.open(db) as s:
        assert found(s, "esper ") == [1]
        edits.delete_document(s, 1).apply(s)  # type: ignore[union-attr]
        indexed_in_step(s)
