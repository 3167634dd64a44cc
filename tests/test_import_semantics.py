"""Import conventions: dedupe by text, one version per annotator replaced on re-import,
ids in import order, labels added, cancellation keeps nothing."""

from __future__ import annotations

from pathlib import Path

import pytest
from test_formats_support import DOCCANO_SEQ, db_state, write_jsonl

from goldspan.core.formats.base import Cancelled
from goldspan.core.importer import import_paths
from goldspan.core.storage import Store


def test_dedupe_and_replace_not_duplicate(tmp_path: Path) -> None:
    db = tmp_path / "g.db"
    with Store.open(db) as store:
        first = import_paths(store, [DOCCANO_SEQ], annotator="ann")
        assert first.total("documents_created") == 3
        edited = write_jsonl(tmp_path / "again.jsonl", [
            {"text": "Peter Blackburn", "label": [[0, 5, "PERSON"]]}])
        again = import_paths(store, [edited], annotator="ann")
        assert again.total("documents_created") == 0
        assert again.total("documents_existing") == 1
        assert again.total("versions_replaced") == 1
        assert store.document_count() == 3
        versions = store.annotations(2)
        assert [v.annotator for v in versions] == ["ann"]
        assert [(s.start, s.end) for s in store.spans(versions[0].id)] == [(0, 5)]
        other = import_paths(store, [edited], annotator="bob")
        assert other.total("versions_replaced") == 0
        assert [v.annotator for v in store.annotations(2)] == ["ann", "bob"]
        assert [store.document(i).text for i in store.document_ids()] == [
            "EU rejects German call to boycott British lamb.", "Peter Blackburn",
            "President Obama"]
        assert {lab.name for lab in store.labels()} == {"PERSON", "ORG", "MISC"}
        assert first.labels_added == ["ORG", "MISC", "PERSON"]


def test_default_annotator_is_import(tmp_path: Path) -> None:
    with Store.open(tmp_path / "g.db") as store:
        import_paths(store, [DOCCANO_SEQ])
        assert {a.annotator for d in store.document_ids() for a in store.annotations(d)} == {
            "import"}


def test_cancel_keeps_nothing_of_the_file(tmp_path: Path) -> None:
    db = tmp_path / "g.db"
    Store.open(db).close()
    before = db_state(db)
    calls = {"n": 0}

    def cancelled() -> bool:
        calls["n"] += 1
        return calls["n"] > 2

    with Store.open(db) as store, pytest.raises(Cancelled):
        import_paths(store, [DOCCANO_SEQ], cancelled=cancelled)
    assert db_state(db) == before


def test_progress_reports_records(tmp_path: Path) -> None:
    seen: list[int] = []
    with Store.open(tmp_path / "g.db") as store:
        import_paths(store, [DOCCANO_SEQ], progress=lambda p, n: seen.append(n))
    assert seen == [1, 2, 3]
