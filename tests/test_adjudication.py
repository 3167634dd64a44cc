"""Adjudication core: span classes as in INCEpTION's curation view, the pre-merge, the
gold version's creation, taking spans into it, and undo through the inverses."""

from __future__ import annotations

from pathlib import Path

import pytest

from goldspan.core.adjudication import (
    ACCEPTED, AGREE, DISAGREE, REVIEW, SOME, classify, create_gold, document_f1, done_versions,
    premerge,
)
from goldspan.core.edits import CreateVersion, Steps
from goldspan.core.sessions.review import ReviewSession
from goldspan.core.errors import EditError
from goldspan.core.types import GOLD, Span
from goldspan.core.storage import Store

TEXT = "Mark Esper met Nasser Bourita in Rabat on Friday with Mike Pompeo.\n"
#       0    5    10   15        25      33    39 42     49   54   59


def S(start: int, end: int, label: str) -> Span:  # noqa: N802 - reads like a literal span
    return Span(start, end, label, "import")


ALICE = [S(0, 10, "PERSON"), S(15, 29, "PERSON"), S(33, 38, "GPE"), S(42, 48, "DATE")]
BOB = [S(0, 10, "PERSON"), S(15, 29, "ORG"), S(33, 38, "GPE"), S(54, 65, "PERSON")]
CAROL = [S(0, 10, "PERSON"), S(22, 29, "PERSON"), S(33, 38, "GPE")]


def kinds(result, name):  # type: ignore[no-untyped-def]
    return {c.span.key(): c.kind for c in result[name]}


def test_classes_agree_disagree_some() -> None:
    r = classify({"alice": ALICE, "bob": BOB, "carol": CAROL})
    assert kinds(r, "alice") == {
        (0, 10, "PERSON"): AGREE,
        (15, 29, "PERSON"): DISAGREE,  # bob: same extent, other label; carol: other extent
        (33, 38, "GPE"): AGREE,
        (42, 48, "DATE"): SOME,
    }
    assert kinds(r, "bob")[(15, 29, "ORG")] == DISAGREE
    assert kinds(r, "bob")[(54, 65, "PERSON")] == SOME
    assert kinds(r, "carol")[(22, 29, "PERSON")] == DISAGREE  # overlapping, differing extent
    holders = {c.span.key(): c.holders for c in r["alice"]}
    assert holders[(0, 10, "PERSON")] == ("alice", "bob", "carol")
    assert holders[(42, 48, "DATE")] == ("alice",)


def test_same_span_by_two_of_three_is_only_some_not_agree() -> None:
    r = classify({"a": [S(0, 4, "X")], "b": [S(0, 4, "X")], "c": []})
    assert kinds(r, "a") == {(0, 4, "X"): SOME}


def test_accepted_wins_over_every_other_class() -> None:
    gold = [S(0, 10, "PERSON"), S(15, 29, "ORG"), S(54, 65, "PERSON")]
    r = classify({"alice": ALICE, "bob": BOB, "carol": CAROL}, gold)
    assert kinds(r, "bob") == {(0, 10, "PERSON"): ACCEPTED, (15, 29, "ORG"): ACCEPTED,
                               (33, 38, "GPE"): AGREE, (54, 65, "PERSON"): ACCEPTED}
    assert kinds(r, "alice")[(15, 29, "PERSON")] == DISAGREE  # the one not taken


def test_premerge_keeps_only_what_everyone_has() -> None:
    merged = premerge({"alice": ALICE, "bob": BOB, "carol": CAROL})
    assert [s.key() for s in merged] == [(0, 10, "PERSON"), (33, 38, "GPE")]
    assert {s.origin for s in merged} == {REVIEW}
    assert premerge({}) == []
    assert premerge({"a": ALICE, "b": []}) == []


def test_document_f1_matches_the_agreement_definition() -> None:
    d = document_f1({"alice": ALICE, "bob": BOB, "carol": CAROL})
    assert d.pairs[("alice", "bob")] == pytest.approx(2 * 2 / 8)
    assert d.pairs[("alice", "carol")] == pytest.approx(2 * 2 / 7)
    assert d.pairs[("bob", "carol")] == pytest.approx(2 * 2 / 7)
    assert d.min_f1 == pytest.approx(0.5)
    assert document_f1({"a": [], "b": []}).pairs[("a", "b")] is None


@pytest.fixture
def store(tmp_path: Path):  # type: ignore[no-untyped-def]
    st = Store.open(tmp_path / "t.db")
    doc, _ = st.add_document(TEXT)
    st.put_version(doc, "alice", "done", ALICE)
    st.put_version(doc, "bob", "done", BOB)
    st.put_version(doc, "carol", "in_progress", CAROL)  # not done: not reviewed
    yield st
    st.close()


def gold_rows(st: Store) -> list[tuple]:
    return st.conn.execute(
        'SELECT s.start, s."end", s.label, s.origin FROM spans s JOIN annotations a ON '
        "a.id = s.annotation_id WHERE a.annotator = 'gold' ORDER BY s.start").fetchall()


def test_done_versions_leave_out_unfinished_and_gold(store: Store) -> None:
    create_gold(store, 1)
    assert sorted(done_versions(store, 1)) == ["alice", "bob"]


def test_create_gold_is_the_premerge_in_progress(store: Store) -> None:
    ann = create_gold(store, 1)
    assert (ann.annotator, ann.status) == (GOLD, "in_progress")
    assert gold_rows(store) == [(0, 10, "PERSON", REVIEW), (33, 38, "GPE", REVIEW)]
    assert create_gold(store, 1).id == ann.id  # idempotent


def test_opening_writes_nothing_and_shows_the_premerge(store: Store) -> None:
    s = ReviewSession(store, 1)
    assert s.status is None
    assert [g.key() for g in s.gold] == [(0, 10, "PERSON"), (33, 38, "GPE")]
    assert store.conn.execute("SELECT count(*) FROM annotations WHERE annotator = 'gold'").fetchone() == (0,)
    assert s.counts() == {AGREE: 0, DISAGREE: 2, SOME: 2, ACCEPTED: 2}


def test_take_replaces_overlapping_gold_and_undo_restores_everything(store: Store) -> None:
    before = store.conn.execute("SELECT * FROM annotations ORDER BY id").fetchall()
    s = ReviewSession(store, 1)
    first = s.take(S(15, 29, "ORG"), "bob")
    assert isinstance(first, Steps)  # one edit, one undo step: create the gold, then take
    assert [type(e).__name__ for e in first.steps] == ["CreateVersion", "ReplaceSpans"]
    s.apply(first)
    assert gold_rows(store) == [(0, 10, "PERSON", REVIEW), (15, 29, "ORG", REVIEW),
                                (33, 38, "GPE", REVIEW)]
    # a wider span replaces the gold spans it overlaps
    second = s.add(14, 38, "ORG", snap=False)
    assert type(second).__name__ == "ReplaceSpans"
    s.apply(second)
    assert gold_rows(store) == [(0, 10, "PERSON", REVIEW), (14, 38, "ORG", REVIEW)]
    # relabel and accept
    third = s.relabel(s.gold_at(20), "GPE")
    s.apply(third)
    accept = s.accept()
    s.apply(accept)
    assert s.status == "done"
    # everything undone in reverse order: the database is as it was, no gold row left
    for e in reversed([first, second, third, accept]):
        s.apply(e.inverse())
    assert store.conn.execute("SELECT * FROM annotations ORDER BY id").fetchall() == before
    assert gold_rows(store) == []
    # and redone: the gold gets the same annotation id back, so later edits apply
    for e in (first, second):
        s.apply(e)
    assert gold_rows(store)[-1] == (14, 38, "ORG", REVIEW)


def test_accept_without_changes_creates_the_premerge_done(store: Store) -> None:
    s = ReviewSession(store, 1)
    s.apply(s.accept())
    assert store.annotation(1, GOLD).status == "done"
    assert [g.key() for g in s.gold] == [(0, 10, "PERSON"), (33, 38, "GPE")]
    assert s.accept() is None


def test_take_what_gold_has_is_nothing_and_take_all(store: Store) -> None:
    s = ReviewSession(store, 1)
    assert s.take(S(0, 10, "PERSON")) is None
    s.apply(s.take_all("alice"))
    assert [g[:3] for g in gold_rows(store)] == [(0, 10, "PERSON"), (15, 29, "PERSON"),
                                                 (33, 38, "GPE"), (42, 48, "DATE")]


def test_create_gold_refuses_when_made_elsewhere(store: Store) -> None:
    s = ReviewSession(store, 1)
    edit = s.take(S(54, 65, "PERSON"))
    create_gold(store, 1)  # another window got there first
    with pytest.raises(EditError):
        s.apply(edit)
    assert isinstance(edit, Steps) and isinstance(edit.steps[0], CreateVersion)


def test_drop_gold_refuses_a_changed_gold(store: Store) -> None:
    s = ReviewSession(store, 1)
    edit = s.take(S(54, 65, "PERSON"))
    assert isinstance(edit, Steps)
    create, replace = edit.steps
    s.apply(create)
    s.apply(replace)
    with pytest.raises(EditError):
        s.apply(create.inverse())  # the gold has more than the pre-merge now
    assert store.annotation(1, GOLD) is not None


def test_gold_is_exported_once_done(store: Store, tmp_path: Path) -> None:
    from goldspan.core.exporter import export

    s = ReviewSession(store, 1)
    s.apply(s.take(S(15, 29, "ORG")))
    out = tmp_path / "gold.jsonl"
    assert export(store, out, format="prodigy", gold_only=True).written == 0  # in progress
    s.apply(s.accept())
    assert export(store, out, format="prodigy", gold_only=True).written == 1
    assert '"label": "ORG"' in out.read_text() or '"label":"ORG"' in out.read_text()


def test_open_items_are_undecided_differences_once_each(store: Store) -> None:
    store.put_version(1, "carol", "done", CAROL)
    s = ReviewSession(store, 1)
    got = [(c.annotator, c.span.key()) for c in s.open_items()]
    assert got == [("alice", (15, 29, "PERSON")), ("bob", (15, 29, "ORG")),
                   ("carol", (22, 29, "PERSON")), ("alice", (42, 48, "DATE")),
                   ("bob", (54, 65, "PERSON"))]
    s.apply(s.take(S(15, 29, "ORG"), "bob"))
    got = [(c.annotator, c.span.key()) for c in s.open_items()]
    assert got == [("alice", (42, 48, "DATE")), ("bob", (54, 65, "PERSON"))]
