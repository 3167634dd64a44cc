"""Corrections carried through the article (goldspan.core.carry): the rules, the
oracle that counts them in ``goldspan replay``, and the window doing them (qtbot keys,
the database checked after each step)."""

from __future__ import annotations

import json
import random
import sqlite3
from pathlib import Path

from PySide6.QtCore import Qt

from goldspan.core.carry import (
    carried_adds, carried_deletes, carried_relabels, occurrences, one_label_per_string,
)
from goldspan.core.labels import default_labels
from goldspan.core.learning.costs import cost, oracle_cost
from goldspan.core.storage import Store
from goldspan.core.types import Span, Suggestion
from goldspan.gui.main_window import MainWindow

from test_gui_annotate import click, drag, key, label_key, show

TEXT = "BEL20 rose . Nyrstar fell . BEL20 closed . Nyrstar and BEL20 ."


def at(text: str, needle: str, n: int = 0) -> tuple[int, int]:
    i = -1
    for _ in range(n + 1):
        i = text.index(needle, i + 1)
    return i, i + len(needle)


# ------------------------------------------------------------------------ rules
def test_occurrences_are_whole_words_from_a_position() -> None:
    text = "SDF and SDFs and ISDF and SDF."
    assert occurrences(text, "SDF", 0) == [(0, 3), (26, 29)]
    assert occurrences(text, "SDF", 1) == [(26, 29)]
    assert occurrences(text, "", 0) == []


def test_only_untouched_spans_after_the_edit_are_carried_to() -> None:
    b = [Span(*at(TEXT, "BEL20", n), "ORG", "model") for n in range(3)]
    spans = [b[0], b[1]._replace(origin="manual"), b[2]]
    # deleting the first: the manual second stays, the untouched third goes
    assert carried_deletes(TEXT, spans, b[0]) == [b[2]]
    # deleting the third: nothing after it
    assert carried_deletes(TEXT, spans, b[2]) == []
    # another label is another reading: not carried
    assert carried_deletes(TEXT, [b[0], b[2]._replace(label="PER")], b[0]) == []
    # relabelling the first carries to the untouched third, which stays untouched
    assert carried_relabels(TEXT, spans, b[0], "MISC") == [(b[2], b[2]._replace(label="MISC"))]
    assert carried_relabels(TEXT, spans, b[0], "ORG") == []


def test_an_add_is_suggested_where_its_text_recurs_free() -> None:
    n0, n1 = at(TEXT, "Nyrstar"), at(TEXT, "Nyrstar", 1)
    added = Span(*n0, "ORG", "manual")
    everywhere_free = carried_adds(TEXT, added, lambda s, e: True)
    assert everywhere_free == [Span(*n1, "ORG", "model")]
    assert carried_adds(TEXT, added, lambda s, e: (s, e) != n1) == []
    # repeated text that overlaps itself is suggested once per free stretch
    assert carried_adds("a a a a", Span(0, 3, "X"), lambda s, e: True) == [Span(4, 7, "X", "model")]


def test_one_article_gives_a_string_one_label() -> None:
    b = [at(TEXT, "BEL20", n) for n in range(3)]
    shown = [Suggestion(*b[0], "PER"), Suggestion(*b[1], "ORG"), Suggestion(*b[2], "ORG"),
             Suggestion(*at(TEXT, "Nyrstar"), "PER"), Suggestion(*at(TEXT, "Nyrstar", 1), "ORG")]
    out = one_label_per_string(TEXT, shown)
    assert [s.label for s in out] == ["ORG", "ORG", "ORG", "PER", "PER"]  # majority; tie: first
    spans = [Span(*b[0], "PER", "model")]
    assert one_label_per_string(TEXT, spans) == spans


# ----------------------------------------------------------------------- oracle
def test_the_oracle_meets_what_each_correction_carried() -> None:
    """Worked by hand. Shown: BEL20 as ORG three times (wikigold leaves it unlabelled),
    Nyrstar as PER twice (it is an ORG); the gold has Nyrstar/ORG twice and nothing else.

    Without carrying: 3 deletes + 2 relabels = 10 actions + Enter = 11.
    Carrying: the first delete takes the other two BEL20 with it, the first relabel
    the second Nyrstar: 2 + 2 + 1 = 5. From scratch: 2 * 2 + 1 = 5."""
    b = [at(TEXT, "BEL20", n) for n in range(3)]
    n = [at(TEXT, "Nyrstar", k) for k in range(2)]
    shown = [Suggestion(*x, "ORG") for x in b] + [Suggestion(*x, "PER") for x in n]
    gold = [Span(*x, "ORG") for x in n]
    c = oracle_cost(shown, gold, TEXT, carry=False)
    assert (c.kept, c.relabel, c.add, c.delete, c.actions) == (0, 2, 0, 3, 11)
    c = oracle_cost(shown, gold, TEXT)
    assert (c.kept, c.relabel, c.add, c.delete, c.actions, c.scratch) == (1, 1, 0, 1, 5, 5)
    # an add is carried: nothing shown, the oracle labels the first Nyrstar only
    c = oracle_cost([], gold, TEXT)
    assert (c.kept, c.add, c.actions) == (1, 1, 3)
    # a carry that is wrong is paid for: the second BEL20 is an entity after all. The
    # first delete took it; adding it back suggests the third again, deleted again:
    # 3 actions of 2 + Enter (without carrying: 2 deletes + 1 kept = 5)
    gold2 = [Span(*b[1], "ORG")]
    c = oracle_cost([Suggestion(*x, "ORG") for x in b], gold2, TEXT)
    assert (c.kept, c.add, c.delete, c.actions) == (0, 1, 2, 7)
    c = oracle_cost([Suggestion(*x, "ORG") for x in b], gold2, TEXT, carry=False)
    assert (c.kept, c.add, c.delete, c.actions) == (1, 0, 2, 5)


def test_without_carrying_the_oracle_counts_exactly_as_the_cost_model() -> None:
    rng = random.Random(7)
    words = "Alice Bob Paris the SDF and BEL20 rose .".split()
    for _ in range(300):
        toks = [rng.choice(words) for _ in range(25)]
        text = " ".join(toks)
        starts = [sum(len(t) + 1 for t in toks[:i]) for i in range(len(toks))]

        def spans(kind, toks=toks, starts=starts):  # type: ignore[no-untyped-def]
            out, i = [], 0
            while i < len(toks):
                if rng.random() < 0.3:
                    j = min(len(toks), i + rng.choice((1, 1, 2)))
                    out.append(kind(starts[i], starts[j - 1] + len(toks[j - 1]),
                                    rng.choice(("PER", "ORG"))))
                    i = j + rng.choice((0, 1))
                else:
                    i += 1
            return out

        shown, gold = spans(Suggestion), spans(Span)
        assert oracle_cost(shown, gold, text, carry=False) == cost(shown, gold)
        carried = oracle_cost(shown, gold, text)
        assert carried.gold == len(gold) and carried.kept + carried.relabel + carried.add == len(gold)


CORPUS = """-DOCSTART- O

Alice B-PER
met O
Bob B-PER
. O
Alice B-PER
met O
Bob B-PER
again O
. O

-DOCSTART- O

Bob O
saw O
Alice B-PER
. O
Bob O
waved O
at O
Alice B-PER
. O

-DOCSTART- O

Alice B-LOC
is O
a O
town O
. O
Alice B-LOC
is O
hot O
. O
"""


def test_replay_counts_the_carried_corrections_worked_by_hand(tmp_path: Path) -> None:
    """No model: only the phrases learnt from accepted gold suggest.

    Doc 1 "Alice met Bob . Alice met Bob again .": nothing shown. Adding the first Alice
        suggests the second, adding the first Bob the second: 2 adds, 2 kept: 5 actions
        (9 without carrying); scratch 9.
    Doc 2 "Bob saw Alice . Bob waved at Alice .": Alice and Bob are shown as PER (each
        labelled at both of its occurrences: 2 / (2 + 1) passes). Deleting the first
        Bob takes the second: 1 delete, 2 kept: 3 actions (5 without); scratch 5.
    Doc 3 "Alice is a town . Alice is hot .": Alice shown as PER twice (4 / (4 + 1)).
        Relabelling the first to LOC carries to the second: 3 actions (5 without);
        scratch 5.
    Total 11 against 19 (19 without carrying)."""
    from test_learning import replay_json

    out = replay_json(tmp_path, CORPUS)
    assert [d["actions"] for d in out["documents"]] == [5, 3, 3]
    assert [d["scratch"] for d in out["documents"]] == [9, 5, 5]
    assert (out["kept"], out["relabel"], out["add"], out["delete"]) == (5, 1, 2, 1)
    out = replay_json(tmp_path, CORPUS, "--no-carry")
    assert [d["actions"] for d in out["documents"]] == [9, 5, 5]


# ----------------------------------------------------------------------- window
def spans_of(db: Path, doc: int) -> list[tuple]:
    with sqlite3.connect(db) as c:
        return c.execute('SELECT s.start, s."end", s.label, s.origin FROM spans s JOIN '
                         "annotations a ON a.id = s.annotation_id WHERE a.document_id = ? "
                         "ORDER BY s.start", (doc,)).fetchall()


def open_window(qtbot, tmp_path: Path):  # type: ignore[no-untyped-def]
    path = tmp_path / "carry.db"
    store = Store.open(path)
    doc, _ = store.add_document(TEXT)
    store.set_labels(default_labels(["ORG", "PER", "MISC"]))
    store.put_suggestions(doc, "m@1", [Suggestion(*at(TEXT, "BEL20", n), "ORG") for n in range(3)]
                          + [Suggestion(*at(TEXT, "Nyrstar", n), "PER") for n in range(2)])
    w = MainWindow(store, "alice", suggest=False)
    qtbot.addWidget(w)
    show(qtbot, w)
    w.open_document(doc)
    return w, store, path, doc


def test_the_window_carries_a_delete_a_relabel_and_an_add(qtbot, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    w, store, path, doc = open_window(qtbot, tmp_path)
    b = [at(TEXT, "BEL20", n) for n in range(3)]
    n = [at(TEXT, "Nyrstar", k) for k in range(2)]
    try:
        # Delete the second BEL20: the untouched third goes too, the first (above) stays
        click(qtbot, w, b[1][0] + 1)
        key(qtbot, w, Qt.Key.Key_Delete)
        assert [s[:3] for s in spans_of(path, doc) if s[2] == "ORG"] == [(*b[0], "ORG")]
        assert "Also deleted 1 more “BEL20” after it" in w.statusBar().currentMessage()
        assert "Also deleted 1 more" in w.ctl.hint()
        # one Ctrl+Z brings both back (it was the first edit: no version is left)
        key(qtbot, w, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
        assert spans_of(path, doc) == []
        assert [s[:3] for s in w.session.spans if s.label == "ORG"] == [(*x, "ORG") for x in b]

        # Relabel the first Nyrstar with a key: the second follows, still untouched
        click(qtbot, w, n[0][0] + 1)
        key(qtbot, w, label_key(w, "ORG"))
        assert (*n[0], "ORG", "manual") in spans_of(path, doc)
        assert (*n[1], "ORG", "model") in spans_of(path, doc)
        assert w.selected is not None and (w.selected.start, w.selected.end) == n[0]

        # Add: delete both Nyrstar (one Delete), then label the first by hand
        key(qtbot, w, Qt.Key.Key_Delete)
        assert not [s for s in spans_of(path, doc) if s[0] in (n[0][0], n[1][0])]
        drag(qtbot, w, *n[0])
        key(qtbot, w, label_key(w, "MISC"))
        assert (*n[0], "MISC", "manual") in spans_of(path, doc)
        assert (*n[1], "MISC", "model") in spans_of(path, doc)
        assert "Also suggested 1 more “Nyrstar” after it as MISC" in w.statusBar().currentMessage()
        key(qtbot, w, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
        assert not [s for s in spans_of(path, doc) if s[0] in (n[0][0], n[1][0])]

        # An accepted article's entities were all confirmed by its Enter: an edit of
        # it carries nothing
        key(qtbot, w, Qt.Key.Key_Return)
        assert w.session.status == "done"
        click(qtbot, w, b[0][0] + 1)
        key(qtbot, w, Qt.Key.Key_Delete)
        assert [s[:3] for s in spans_of(path, doc) if s[2] == "ORG"] == [(*b[1], "ORG"), (*b[2], "ORG")]
        key(qtbot, w, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
        key(qtbot, w, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)  # the accept
        assert w.session.status == "in_progress"

        # Switched off (Project menu, stored in the file): one span per edit
        w.actions_by_name["carry"].setChecked(False)
        assert json.loads(store.conn.execute(
            "SELECT value FROM settings WHERE key = 'learning'").fetchone()[0])["carry"] is False
        click(qtbot, w, b[0][0] + 1)
        key(qtbot, w, Qt.Key.Key_Delete)
        assert [s[:3] for s in spans_of(path, doc) if s[2] == "ORG"] == [(*b[1], "ORG"), (*b[2], "ORG")]
    finally:
        w.close()
        store.close()


def test_an_add_that_replaces_a_suggestion_names_what_it_carried(tmp_path: Path) -> None:
    """The analyst's "SDF" replaces the model's "the SDF"; the later "SDF" is suggested,
    and the note names "SDF", not the span it replaced."""
    from goldspan.core.sessions.annotate import AnnotateController

    text = "the SDF said so . Later the SDF left ."
    with Store.open(tmp_path / "sdf.db") as store:
        doc, _ = store.add_document(text)
        store.put_suggestions(doc, "m@1", [Suggestion(*at(text, "the SDF"), "ORG")])
        ctl = AnnotateController(store, "alice")
        s = ctl.open(doc)
        sdf = at(text, "SDF")
        change = s.add(*sdf, "ORG", snap=False).apply(store)  # type: ignore[union-attr]
        s.follow(change)
        assert [(x.start, x.end, x.label, x.origin) for x in s.spans] == [
            (*sdf, "ORG", "manual"), (*at(text, "SDF", 1), "ORG", "model")]
        assert change.note == "Also suggested 1 more “SDF” after it as ORG (untouched suggestions)"
        assert change.select is not None and (change.select.start, change.select.end) == sdf
