"""A label set locked while a long command runs holds from that moment on (found
red-teaming issue 11, family "a second process writing at the same time").

``import`` read the lock once before its first file, and ``suggest`` its label filter
once before its first batch: a lead locking the set (``goldspan labels --lock``, the
Labels dialog) during a multi-file import or a suggest run of hours was ignored for
the rest of it, so new labels were added to a locked set and a model's other labels
stored as suggestions. Each file of an import, and each committed batch of a
suggest run, now reads the set and its lock in its own transaction."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, Iterable, Iterator

import pytest

import goldspan.core.importer as importer
from goldspan.core.importer import ImportFailed, import_paths
from goldspan.core.storage import Store
from goldspan.core.suggesters.documents import suggest_documents
from goldspan.core.types import Label, Suggestion


def lock_from_another_connection(db: Path) -> None:
    """What ``goldspan labels --lock`` in another process does: a commit of its own."""
    with Store.open(db) as other:
        other.set_setting("labels_locked", True)


def jsonl(path: Path, text: str, label: str) -> Path:
    path.write_text(json.dumps({"text": text, "spans": [{"start": 0, "end": 5,
                                                          "label": label}],
                                "answer": "accept"}) + "\n", encoding="utf-8")
    return path


def test_a_lock_set_during_a_multi_file_import_holds_from_the_next_file(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    db = tmp_path / "t.db"
    first = jsonl(tmp_path / "a.jsonl", "Paris is big.", "GPE")
    second = jsonl(tmp_path / "b.jsonl", "Alice is here.", "PERSON")
    real_detect = importer.detect

    def detect(path: Path) -> str:  # runs between the files, outside any transaction
        if path == second:
            lock_from_another_connection(db)
        return real_detect(path)

    monkeypatch.setattr(importer, "detect", detect)
    with Store.open(db) as store:
        with pytest.raises(ImportFailed, match="the label set is locked") as refused:
            import_paths(store, [first, second])
        assert [f.path for f in refused.value.summary.files] == [first]  # the first stays
        assert [lab.name for lab in store.labels()] == ["GPE"]  # no label added once locked
        assert store.document_count() == 1


class LocksAfterTheFirstDocument:
    """A model whose run is watched by a lead who locks the set after its first
    document is stored (each document is its own batch: ``commit_seconds=0``)."""

    model_id = "fake@1"
    labels = ("PER", "DATE")

    def __init__(self, db: Path) -> None:
        self.db = db

    def suggest(self, texts: Iterable[str]) -> Iterator[list[Suggestion]]:
        for i, _ in enumerate(texts):
            if i == 1:
                lock_from_another_connection(self.db)
            yield [Suggestion(0, 4, "PER"), Suggestion(5, 8, "DATE")]


@pytest.mark.parametrize("own_filter", [False, True])
def test_a_lock_set_during_a_suggest_run_holds_from_the_next_batch(
        tmp_path: Path, own_filter: bool) -> None:
    db = tmp_path / "t.db"
    with Store.open(db) as store:
        for text in ("Anne Mon one.", "Bert Tue two.", "Cleo Wed six."):
            store.add_document(text)
        store.set_labels([Label("PER", "#7c5cd6", "1")])
        keep: Any = store.label_filter() if own_filter else None  # as the CLI passes it
        suggest_documents(store, LocksAfterTheFirstDocument(db), commit_seconds=0,
                          labels=keep)
        labels = [sorted({s.label for s in store.suggestions(d, "fake@1")})
                  for d in store.document_ids()]
        assert labels == [["DATE", "PER"], ["PER"], ["PER"]]  # open, then locked
        if keep is not None:
            assert keep.describe() == ("2 suggestions left out, with labels outside the "
                                       "locked label set: 'DATE' (2)")


class DropsDateAfterTheFirstDocument(LocksAfterTheFirstDocument):
    """The lead sets the labels rule ``DATE=`` (drop it: ``goldspan labels --drop``)
    after the run's first document is stored."""

    def suggest(self, texts: Iterable[str]) -> Iterator[list[Suggestion]]:
        for i, _ in enumerate(texts):
            if i == 1:
                with Store.open(self.db) as other:
                    other.set_label_map({"DATE": None})
            yield [Suggestion(0, 4, "PER"), Suggestion(5, 8, "DATE")]


def test_a_labels_rule_set_during_a_suggest_run_holds_from_the_next_batch(
        tmp_path: Path) -> None:
    db = tmp_path / "t.db"
    with Store.open(db) as store:
        for text in ("Anne Mon one.", "Bert Tue two."):
            store.add_document(text)
        keep = store.label_filter()
        suggest_documents(store, DropsDateAfterTheFirstDocument(db), commit_seconds=0,
                          labels=keep)
        labels = [sorted({s.label for s in store.suggestions(d, "fake@1")})
                  for d in store.document_ids()]
    assert labels == [["DATE", "PER"], ["PER"]]
