"""Edits as core commands through ArticleSession on a real database file: each one is
committed at once, its inverse restores exactly, and a stale edit is refused."""

from __future__ import annotations

from pathlib import Path

import pytest

from goldspan.core.edits import CreateVersion, ReplaceSpans, Steps
from goldspan.core.errors import EditError
from goldspan.core.types import Span, Suggestion
from goldspan.core.sessions.annotate import ArticleSession
from goldspan.core.storage import Store

TEXT = "US Defence Secretary Mark Esper held talks with Moroccan officials in Rabat on Friday."
MODEL = "test@1"


def at(word: str, label: str) -> Suggestion:
    i = TEXT.index(word)
    return Suggestion(i, i + len(word), label)


def full(spans) -> list[tuple[str, str, str]]:  # type: ignore[no-untyped-def]
    return [(TEXT[s.start:s.end], s.label, s.origin) for s in spans]


@pytest.fixture
def db(tmp_path: Path) -> Path:
    path = tmp_path / "edits.db"
    with Store.open(path) as s:
        doc_id, _ = s.add_document(TEXT)
        s.put_suggestions(doc_id, MODEL, [at("Mark Esper", "PERSON"), at("Moroccan", "NORP"),
                                          at("officials", "ORG"), at("Rabat", "GPE")])
    return path


@pytest.fixture
def session(db: Path):  # type: ignore[no-untyped-def]
    store = Store.open(db)
    yield ArticleSession(store, 1, "ann")
    store.close()


def on_disk(db: Path, annotator: str = "ann") -> list[tuple[str, str, str]]:
    """The version as a fresh connection (another process) reads it."""
    with Store.open(db) as s:
        ann = s.annotation(1, annotator)
        return full(s.spans(ann.id)) if ann else []


def status_on_disk(db: Path) -> str | None:
    with Store.open(db) as s:
        ann = s.annotation(1, "ann")
        return ann.status if ann else None


def undone_to_start(db: Path, session: ArticleSession) -> bool:
    """Every edit undone: no version in the database, the model's spans shown."""
    return on_disk(db) == [] and status_on_disk(db) is None and full(session.spans) == MODEL_SPANS


MODEL_SPANS = [("Mark Esper", "PERSON", "model"), ("Moroccan", "NORP", "model"),
               ("officials", "ORG", "model"), ("Rabat", "GPE", "model")]


def test_add_replaces_overlapped_spans_and_inverse_restores(db: Path, session: ArticleSession) -> None:
    start = TEXT.index("Moroccan")
    end = TEXT.index(" in Rabat")
    edit = session.add(start + 2, end - 2, "ORG")  # snapped to "Moroccan officials"
    assert isinstance(edit, Steps)  # the first edit creates the version, then adds
    assert [type(e) for e in edit.steps] == [CreateVersion, ReplaceSpans]
    change = session.apply(edit)
    assert full(change.removed) == [("Moroccan", "NORP", "model"), ("officials", "ORG", "model")]
    expected = [("Mark Esper", "PERSON", "model"), ("Moroccan officials", "ORG", "manual"),
                ("Rabat", "GPE", "model")]
    assert full(session.spans) == expected
    assert on_disk(db) == expected
    assert status_on_disk(db) == "in_progress"

    session.apply(edit.inverse())
    assert full(session.spans) == MODEL_SPANS  # shown as before, origins too
    assert on_disk(db) == [] and status_on_disk(db) is None  # undone to the start: no version
    session.apply(edit)  # redo
    assert on_disk(db) == expected
    # a later edit is a plain ReplaceSpans, undone without touching the version
    second = session.delete(session.spans[0])
    assert isinstance(second, ReplaceSpans)
    session.apply(second)
    session.apply(second.inverse())
    assert on_disk(db) == expected


def test_add_inside_a_span_replaces_it(db: Path, session: ArticleSession) -> None:
    i = TEXT.index("Esper")
    session.apply(session.add(i, i + 5, "ORG", snap=False))  # type: ignore[arg-type]
    assert on_disk(db)[0] == ("Esper", "ORG", "manual")
    assert ("Mark Esper", "PERSON", "model") not in on_disk(db)


def test_add_same_span_again_is_no_edit(session: ArticleSession) -> None:
    s = at("Rabat", "GPE")
    assert session.add(s.start, s.end, "GPE") is None


def test_add_only_whitespace_is_no_edit(session: ArticleSession) -> None:
    i = TEXT.index(" held")
    assert session.add(i, i + 1, "ORG") is None


def test_relabel(db: Path, session: ArticleSession) -> None:
    span = session.span_at(TEXT.index("Rabat") + 1)
    assert span is not None
    edit = session.relabel(span, "LOC")
    session.apply(edit)  # type: ignore[arg-type]
    assert on_disk(db)[-1] == ("Rabat", "LOC", "manual")
    assert session.relabel(session.spans[-1], "LOC") is None
    session.apply(edit.inverse())  # type: ignore[union-attr]
    assert undone_to_start(db, session)


def test_delete(db: Path, session: ArticleSession) -> None:
    span = session.span_at(TEXT.index("Mark"))
    edit = session.delete(span)  # type: ignore[arg-type]
    session.apply(edit)
    assert on_disk(db) == MODEL_SPANS[1:]
    session.apply(edit.inverse())
    assert undone_to_start(db, session)


@pytest.mark.parametrize(
    "edge, step, expected",
    [
        ("end", +1, "Mark Esper held"),
        ("end", -1, "Mark"),
        ("start", -1, "Secretary Mark Esper"),
        ("start", +1, "Esper"),
        ("start", -2, "Defence Secretary Mark Esper"),
        ("end", +2, "Mark Esper held talks"),
    ],
)
def test_move_boundary_by_whole_tokens(db: Path, session: ArticleSession, edge: str, step: int,
                                       expected: str) -> None:
    span = session.span_at(TEXT.index("Mark"))
    edit = session.move_boundary(span, edge, step)  # type: ignore[arg-type]
    assert edit is not None
    session.apply(edit)
    assert on_disk(db)[0] == (expected, "PERSON", "manual")
    session.apply(edit.inverse())
    assert undone_to_start(db, session)


def test_move_boundary_cannot_empty_a_span_or_leave_the_text(session: ArticleSession) -> None:
    rabat = session.span_at(TEXT.index("Rabat"))
    assert session.move_boundary(rabat, "end", -1) is None  # type: ignore[arg-type]
    assert session.move_boundary(rabat, "start", +1) is None  # type: ignore[arg-type]
    session.apply(session.add(0, 2, "GPE"))  # type: ignore[arg-type]  # "US"
    us = session.span_at(0)
    assert session.move_boundary(us, "start", -1) is None  # type: ignore[arg-type]
    last = session.add(len(TEXT) - 1, len(TEXT), "X", snap=False)  # the final "."
    session.apply(last)  # type: ignore[arg-type]
    assert session.move_boundary(session.span_at(len(TEXT) - 1), "end", +1) is None  # type: ignore[arg-type]


def test_growing_into_a_neighbour_replaces_it(db: Path, session: ArticleSession) -> None:
    moroccan = session.span_at(TEXT.index("Moroccan"))
    edit = session.move_boundary(moroccan, "end", +1)  # type: ignore[arg-type]
    session.apply(edit)  # type: ignore[arg-type]
    expected = [("Mark Esper", "PERSON", "model"), ("Moroccan officials", "NORP", "manual"),
                ("Rabat", "GPE", "model")]
    assert on_disk(db) == expected
    # and from the other side: Rabat's start grows left over "in" and into the new span
    rabat = session.span_at(TEXT.index("Rabat"))
    edit2 = session.move_boundary(rabat, "start", -2)  # type: ignore[arg-type]
    session.apply(edit2)  # type: ignore[arg-type]
    assert on_disk(db) == [("Mark Esper", "PERSON", "model"), ("officials in Rabat", "GPE", "manual")]
    session.apply(edit2.inverse())  # type: ignore[union-attr]
    session.apply(edit.inverse())  # type: ignore[union-attr]
    assert undone_to_start(db, session)


def test_set_status(db: Path, session: ArticleSession) -> None:
    assert status_on_disk(db) is None
    edit = session.set_status("done")
    change = session.apply(edit)  # type: ignore[arg-type]
    assert change.status == "done" and status_on_disk(db) == "done"
    assert on_disk(db) == MODEL_SPANS  # accepting keeps the model's spans as gold
    assert session.set_status("done") is None
    session.apply(edit.inverse())  # type: ignore[union-attr]
    assert status_on_disk(db) is None and session.status == "todo"  # no version again
    for status in ("skipped", "rejected", "done"):
        session.apply(session.set_status(status))  # type: ignore[arg-type]
        assert status_on_disk(db) == status


def test_edit_keeps_done_status(db: Path, session: ArticleSession) -> None:
    session.apply(session.set_status("done"))  # type: ignore[arg-type]
    session.apply(session.delete(session.spans[0]))
    assert status_on_disk(db) == "done"


def test_undo_of_first_edit_leaves_no_version(db: Path, session: ArticleSession) -> None:
    """Undoing the first edit used to leave an edited, in-progress version of the
    model's spans (building the edit created the version outside the undo stack)."""
    assert on_disk(db) == []  # opening wrote nothing
    edit = session.delete(session.spans[0])
    assert edit is not None and on_disk(db) == []  # building wrote nothing either
    session.apply(edit)
    assert on_disk(db) == MODEL_SPANS[1:]
    with Store.open(db) as s:
        assert s.annotation(1, "ann").seeded_from == MODEL  # type: ignore[union-attr]
    session.apply(edit.inverse())
    assert on_disk(db) == [] and status_on_disk(db) is None
    assert session.status == "todo" and not session.edited
    assert full(session.spans) == MODEL_SPANS  # the starting point is shown again


def test_a_key_press_that_changes_nothing_writes_nothing(db: Path, session: ArticleSession) -> None:
    rabat = session.span_at(TEXT.index("Rabat"))
    assert rabat is not None
    assert session.relabel(rabat, "GPE") is None  # same label
    assert session.add(rabat.start, rabat.end, "GPE") is None  # same span
    assert session.move_boundary(rabat, "end", -1) is None  # would empty it
    with Store.open(db) as s:
        assert s.annotation(1, "ann") is None


def test_edit_error_when_removed_elsewhere(db: Path, session: ArticleSession) -> None:
    session.apply(session.set_status("in_progress"))  # the version exists
    other = ArticleSession(Store.open(db), 1, "ann")  # another window / process
    other.apply(other.delete(other.spans[0]))
    before = on_disk(db)
    for make in (lambda s: session.delete(s), lambda s: session.relabel(s, "ORG"),
                 lambda s: session.move_boundary(s, "end", +1)):
        edit = make(session.spans[0])
        with pytest.raises(EditError, match="no longer there"):
            session.apply(edit)
        assert on_disk(db) == before  # nothing half-applied
    session.reload()
    assert full(session.spans) == before
    other.store.close()


def test_edit_error_when_overlapping_span_added_elsewhere(db: Path, session: ArticleSession) -> None:
    session.apply(session.set_status("in_progress"))
    other = ArticleSession(Store.open(db), 1, "ann")
    i = TEXT.index("talks")
    other.apply(other.add(i, i + 5, "EVENT"))  # type: ignore[arg-type]
    before = on_disk(db)
    edit = session.add(TEXT.index("held"), i + 5, "ORG")  # session does not know "talks"
    with pytest.raises(EditError):
        session.apply(edit)  # type: ignore[arg-type]
    assert on_disk(db) == before
    other.store.close()


def test_each_edit_is_committed_before_apply_returns(db: Path, session: ArticleSession) -> None:
    for label in ("A", "B", "C"):
        session.apply(session.relabel(session.spans[-1], label))  # type: ignore[arg-type]
        assert on_disk(db)[-1][1] == label
    assert not session.store.conn.in_transaction


def test_late_suggestions_are_offered_never_applied(db: Path, session: ArticleSession) -> None:
    session.apply(session.delete(session.spans[0]))  # a person has edited
    edited = on_disk(db)
    with Store.open(db) as other:  # the model runs again (another thread / process)
        other.put_suggestions(1, "test@2", [at("Mark Esper", "PERSON"), at("Friday", "DATE")])
    session.suggestions_arrived()
    assert on_disk(db) == edited
    assert full(session.spans) == edited
    offered = session.offered()
    assert {TEXT[s.start:s.end] for s in offered} == {"Mark Esper", "Friday"}
    friday = session.offered_at(TEXT.index("Friday"))
    session.apply(session.accept_offered(friday))  # type: ignore[arg-type]
    assert ("Friday", "DATE", "model") in on_disk(db)
    assert {TEXT[s.start:s.end] for s in session.offered()} == {"Mark Esper"}


def test_late_suggestions_seed_an_untouched_version(db: Path, session: ArticleSession) -> None:
    session.store.open_version(1, "ann")  # a version nobody edited yet
    session.reload()
    with Store.open(db) as other:
        other.put_suggestions(1, "test@2", [at("Friday", "DATE")])
    assert session.suggestions_arrived()
    assert on_disk(db) == [("Friday", "DATE", "model")]
    assert session.offered() == []


def test_a_span_is_its_offsets_and_label_whatever_its_origin() -> None:
    """Where a span came from is provenance, not identity: a model span the analyst
    kept equals the same span typed by hand (set differences of edits rely on it)."""
    model, manual = Span(4, 9, "ORG", "model"), Span(4, 9, "ORG", "manual")
    assert model == manual and not model != manual and hash(model) == hash(manual)
    assert len({model, manual}) == 1
    assert not model < manual and model <= manual and model >= manual
    assert Span(4, 9, "ORG") < Span(4, 9, "PERSON") < Span(4, 10, "ORG") < Span(5, 6, "ORG")
    assert Span(4, 9, "ORG") != Span(4, 9, "PERSON")
    relabelled = model._replace(label="GPE", origin="manual")
    assert (relabelled.start, relabelled.end, relabelled.label, relabelled.origin) == (4, 9, "GPE", "manual")
    assert model.origin == "model"  # immutable: _replace made a new one


def test_a_first_edit_whose_id_was_taken_meanwhile_gets_the_next_one(db: Path, session: ArticleSession) -> None:
    """Two annotators open the same article and edit at once: both first edits were
    built with the same new id; the second to apply used to be refused ("UNIQUE
    constraint failed"). It gets the next id, and its undo and redo use that one."""
    edit = session.delete(session.spans[0])
    assert isinstance(edit, Steps)
    with Store.open(db) as other:  # bob's window: his first edit took the id
        bob = ArticleSession(other, 1, "bob")
        other_edit = bob.delete(bob.spans[1])
        assert other_edit is not None
        bob.apply(other_edit)
    change = session.apply(edit)
    applied = change.applied
    assert isinstance(applied, Steps) and applied.steps[0].annotation_id != edit.steps[0].annotation_id
    assert session.version is not None and session.version.id == change.annotation_id
    assert on_disk(db) == MODEL_SPANS[1:] and on_disk(db, "bob") == MODEL_SPANS[:1] + MODEL_SPANS[2:]
    later = session.delete(session.spans[0])  # built on the version's real id
    session.apply(later)
    session.apply(later.inverse())
    session.apply(applied.inverse())
    assert on_disk(db) == [] and on_disk(db, "bob") == MODEL_SPANS[:1] + MODEL_SPANS[2:]
    session.apply(applied)  # redo
    assert on_disk(db) == MODEL_SPANS[1:]
