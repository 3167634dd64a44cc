"""The learning loop's core (issue 13): the oracle's cost model, ``goldspan replay``
on a hand-made corpus worked out by hand, the project's labels rule (learnt from
relabels, overridable, stored), the phrase index that holds back strings the gold
leaves unlabelled, undoing an accept, and training for a custom label set."""

from __future__ import annotations

import json
import pickle
from pathlib import Path

import pytest
import typer
from typer.testing import CliRunner

from goldspan.core.learning.costs import cost
from goldspan.core.learning.label_map import LabelMap
from goldspan.core.learning.loop import LearningLoop, LoopConfig
from goldspan.core.learning.gate import Gate, relation
from goldspan.core.learning.phrases import Conflicts, PhraseIndex, combine
from goldspan.core.types import Span, Suggestion
from goldspan.core.storage import Store


def goldspan_app() -> typer.Typer:
    from goldspan.cli import main

    if not main.app.registered_commands:
        main._register()
    return main.app


def run(*args: object):  # type: ignore[no-untyped-def]
    return CliRunner().invoke(goldspan_app(), [str(a) for a in args])


# ------------------------------------------------------------------ cost model
def test_cost_model_on_each_case() -> None:
    gold = [Span(0, 5, "PER"), Span(10, 15, "LOC"), Span(20, 30, "ORG"), Span(40, 45, "PER")]
    shown = [Suggestion(0, 5, "PER"),      # right: 0
             Suggestion(10, 15, "ORG"),    # right bounds, wrong label: relabel 2
             Suggestion(20, 25, "ORG"),    # overlaps a gold entity with other bounds: 0,
                                           # the add of 20-30 replaces it
             Suggestion(50, 55, "PER")]    # overlaps no gold: delete 2
    c = cost(shown, gold)                  # 40-45 not shown: add 2; 20-30 add 2
    assert (c.kept, c.relabel, c.add, c.delete) == (1, 1, 2, 1)
    assert c.actions == 2 * 1 + 2 * 2 + 2 * 1 + 1 == 9
    assert c.scratch == 2 * 4 + 1 == 9


# ------------------------------------------------------ replay, worked by hand
CORPUS = """-DOCSTART- O

Alice B-PER
met O
Bob B-PER
in O
Paris B-LOC
. O

-DOCSTART- O

Alice B-PER
and O
Carol B-PER
flew O
to O
Paris B-LOC
. O

-DOCSTART- O

Paris B-PER
Hilton I-PER
visited O
Alice B-LOC
. O
Bob O
stayed O
home O
. O
"""


def replay_json(tmp_path: Path, corpus: str, *extra: str) -> dict:
    """``goldspan replay --json`` of a CoNLL corpus with no model (learnt phrases only)."""
    path = tmp_path / "three.conll"
    path.write_text(corpus, encoding="utf-8")
    r = run("replay", path, "--json", "--model", "none", "--config", "map+gate+phrases", *extra)
    assert r.exit_code == 0, r.output
    return json.loads(r.stdout)


def test_replay_counts_equal_the_cost_model_worked_by_hand(tmp_path: Path) -> None:
    """No statistical model (``--model none``): only the phrases learnt from the gold
    suggest, with precision = labelled / (occurrences + 1) >= 0.5.

    Doc 1 "Alice met Bob in Paris .": nothing known, nothing shown. Gold Alice/PER,
        Bob/PER, Paris/LOC: 3 adds. Actions 3*2 + 1 = 7; scratch 7.
    Doc 2 "Alice and Carol flew to Paris .": Alice 1/(1+1) = 0.5 -> PER, Paris 0.5 ->
        LOC, both right (kept 2); Carol added. Actions 2 + 1 = 3; scratch 7.
    Doc 3 "Paris Hilton visited Alice . Bob stayed home .": Alice 2/(2+1) -> PER but
        the gold says LOC (relabel); Paris -> LOC overlaps gold "Paris Hilton" (its add
        replaces it: 0 of its own, add 1); Bob 1/(1+1) -> PER overlaps no gold
        (delete). Actions 2 + 2 + 2 + 1 = 7; scratch 2*2 + 1 = 5.
    Total: 17 actions against 19; kept 2, relabelled 1, added 5, deleted 1.
    Second half (documents 2 and 3): 10 / 12.
    """
    out = replay_json(tmp_path, CORPUS)
    corpus = tmp_path / "three.conll"
    assert [d["actions"] for d in out["documents"]] == [7, 3, 7]
    assert [d["scratch"] for d in out["documents"]] == [7, 7, 5]
    assert (out["actions"], out["scratch"]) == (17, 19)
    assert (out["kept"], out["relabel"], out["add"], out["delete"]) == (2, 1, 5, 1)
    assert out["ratio"] == round(17 / 19, 4)
    assert out["ratio_second_half"] == round(10 / 12, 4)
    # The readable table says the same.
    r = run("replay", corpus, "--model", "none", "--config", "map+gate+phrases")
    assert "17 actions against 19 from scratch" in r.stdout


def test_replay_labels_holding_a_comma_are_read_whole(tmp_path: Path) -> None:
    """``--labels "PER,Org, Inc"`` was split at every comma: "Org" and "Inc" matched no
    gold entity, so the corpus's "Org, Inc" entities silently left the gold replayed.
    A corpus label holding a comma is now read whole (as agreement reads names)."""
    corpus = tmp_path / "c.jsonl"
    corpus.write_text("".join(json.dumps({
        "text": text, "answer": "accept",
        "spans": [{"start": a, "end": b, "label": lab} for a, b, lab in spans]}) + "\n"
        for text, spans in [("Ann works at Acme.", [(0, 3, "PER"), (13, 17, "Org, Inc")]),
                            ("Bob left Acme.", [(0, 3, "PER"), (9, 13, "Org, Inc")])]),
        encoding="utf-8")
    for given, labels, gold in ((["PER,Org, Inc"], ["PER", "Org, Inc"], 4),
                                (["PER", "Org, Inc"], ["PER", "Org, Inc"], 4),
                                (["PER"], ["PER"], 2)):
        args = [a for x in given for a in ("--labels", x)]
        r = run("replay", corpus, "--json", "--model", "none", "--config", "map+gate+phrases",
                *args)
        assert r.exit_code == 0, r.output
        out = json.loads(r.stdout)
        assert (out["labels"], out["gold"]) == (labels, gold), given


def test_replay_never_writes_to_an_existing_database(tmp_path: Path) -> None:
    corpus = tmp_path / "three.conll"
    corpus.write_text(CORPUS, encoding="utf-8")
    db = tmp_path / "mine.db"
    with Store.open(db) as store:
        store.add_document("my own work")
    before = db.read_bytes()
    r = run("replay", corpus, "--db", db, "--model", "none")
    assert r.exit_code != 0
    assert len(r.stderr.strip().splitlines()) == 1 and str(db) in r.stderr
    assert db.read_bytes() == before
    # A new --db is created and kept for inspection.
    scratch = tmp_path / "scratch.db"
    r = run("replay", corpus, "--db", scratch, "--model", "none", "--json")
    assert r.exit_code == 0, r.output
    with Store.open(scratch, create=False) as store:
        assert store.document_count() == 3


# ---------------------------------------------------------------- labels rule
def test_label_map_is_learnt_from_relabels_and_deletions() -> None:
    m = LabelMap(["Person", "Location", "Temporal"])
    # No evidence: a project label up to case is itself; any other is dropped.
    assert m.target("PERSON") == "Person" and m.target("GPE") is None
    gold = [Span(0, 5, "Location"), Span(10, 14, "Location"), Span(20, 24, "Person")]
    raw = [Suggestion(0, 5, "GPE"), Suggestion(10, 14, "LOC"), Suggestion(20, 24, "PERSON"),
           Suggestion(30, 33, "CARDINAL"), Suggestion(40, 44, "CARDINAL")]
    m.observe(raw, gold)
    assert m.table(["GPE", "LOC", "PERSON", "CARDINAL"]) == {
        "GPE": "Location", "LOC": "Location", "PERSON": "Person", "CARDINAL": None}
    assert m.source("GPE") == "learnt"
    # Where a trained generation's output rows start: the labels mapped onto each.
    assert m.head_from() == (("Location", (("GPE", 1), ("LOC", 1))),
                             ("Person", (("PERSON", 1),)))
    # Mostly deleted: a label the analysts delete more often than keep stops.
    for _ in range(2):
        m.observe([Suggestion(50, 55, "GPE")], [])
    assert m.target("GPE") is None
    # Reversible: taking those documents back out restores the rule.
    for _ in range(2):
        m.observe([Suggestion(50, 55, "GPE")], [], sign=-1)
    assert m.target("GPE") == "Location"


def test_label_map_set_by_the_user_wins_and_is_stored(tmp_path: Path) -> None:
    with Store.open(tmp_path / "g.db") as store:
        from goldspan.core.labels import default_labels

        store.set_labels(default_labels(["Person", "Location"]))
        store.set_label_map({"GPE": "Location", "CARDINAL": None})
        with pytest.raises(Exception, match="not one of the project's labels"):
            store.set_label_map({"ORG": "Organisation"})
        explicit = store.label_map()
    assert explicit == {"GPE": "Location", "CARDINAL": None}
    with Store.open(tmp_path / "g.db", create=False) as store:
        assert store.label_map() == explicit
    m = LabelMap(["Person", "Location"], explicit)
    m.observe([Suggestion(0, 3, "GPE"), Suggestion(5, 8, "CARDINAL")],
              [Span(0, 3, "Person"), Span(5, 8, "Person")])
    # The evidence says GPE -> Person and CARDINAL -> Person; the user's rule wins.
    assert m.target("GPE") == "Location" and m.target("CARDINAL") is None
    assert m.source("GPE") == "set"


# --------------------------------------------------------------- phrase index
def test_phrase_index_holds_back_a_string_mostly_unlabelled() -> None:
    index = PhraseIndex()
    index.learn(1, "In May the SDF said so.", [Span(3, 6, "Temporal"), Span(11, 14, "Organisation")])
    for i in range(2, 6):  # "May" as a verb, never labelled
        index.learn(i, "May we go? The SDF may stay.", [Span(15, 18, "Organisation")])
    assert index.evidence("May")["occurrences"] == 1 + 4
    assert index.evidence("May")["occurrences_any_case"] == 1 + 2 * 4
    found = {(s.start, s.end, s.label) for s in index.suggest_one("In May the SDF left.")}
    assert (3, 6, "Temporal") not in found          # held back: mostly unlabelled
    assert (11, 14, "Organisation") in found        # 5 labelled of 5: suggested


def test_phrase_matches_what_analysts_mean_and_beat_the_model_bounds() -> None:
    index = PhraseIndex()
    index.learn(1, "The SDF took Raqqa.", [Span(4, 7, "Organisation")])
    index.learn(2, "Fighters of the SDF.", [Span(16, 19, "Organisation")])
    phrases = index.suggest_one("Later THE SDF and the SDF met.")
    assert [(p.start, p.end) for p in phrases] == [(10, 13), (22, 25)]  # any case...
    model = [Suggestion(18, 25, "ORG")]  # the model's "the SDF"
    assert combine(model, phrases) == phrases  # the analysts' "SDF" replaces it


def test_an_all_lower_case_match_needs_its_own_lower_case_evidence() -> None:
    """wikigold: "Allied" labelled ORG was suggested as "allied" (an adjective), and
    "Player" (a surname) as "player": a lower-case form is another word until the
    analysts label it so."""
    index = PhraseIndex()
    index.learn(1, "The Allied forces and Gary Player.", [Span(4, 10, "ORG"),
                                                          Span(22, 33, "PER")])
    index.learn(2, "Allied troops landed.", [Span(0, 6, "ORG")])
    text = "ALLIED and allied troops."
    assert [(s.start, s.end) for s in index.suggest_one(text)] == [(0, 6)]
    index.learn(3, "The allied command.", [Span(4, 10, "ORG")])  # now labelled lower case
    assert [(s.start, s.end) for s in index.suggest_one(text)] == [(0, 6), (11, 17)]
    index.forget(3)
    assert [(s.start, s.end) for s in index.suggest_one(text)] == [(0, 6)]


# ------------------------------------------------------------------------ gate
def test_a_match_never_lowers_a_word_the_analysts_capitalised_nor_learns_numbers() -> None:
    """wikigold: "The Story" (a title, MISC) was suggested on "The story" at the start
    of a sentence, and "200" (labelled PER once) and "1907" (LOC) on other numbers."""
    index = PhraseIndex()
    index.learn(1, "He wrote The Story in 1907 for 200 fans.",
                [Span(9, 18, "MISC"), Span(22, 26, "LOC"), Span(31, 34, "PER")])
    index.learn(2, "THE STORY sold well.", [Span(0, 9, "MISC")])
    text = "The story began in 1907. The Story and THE STORY, 200 copies."
    found = [(text[s.start:s.end], s.label) for s in index.suggest_one(text)]
    assert found == [("The Story", "MISC"), ("THE STORY", "MISC")]
    assert index.evidence("1907")["suggested"] is None and len(index) == 2
    index.forget(2)  # unlearnt exactly: one capitalised form left
    assert [(text[s.start:s.end]) for s in index.suggest_one(text)] == ["The Story", "THE STORY"]
    index.forget(1)
    assert index.suggest_one(text) == [] and len(index) == 0


def test_gate_judges_a_kind_with_little_evidence_by_its_source_and_learns_its_own() -> None:
    """A label the trained model has barely used is judged by how that model does
    overall; all-lower-case suggestions ("the coup" as a Location) get a record of
    their own; one document's evidence is taken back out exactly."""
    gate = Gate()
    text = "Paris and Rome met the coup in Oslo with Ann Lee."
    paris, coup = Suggestion(0, 5, "Location"), Suggestion(19, 27, "Location")
    ann = Suggestion(41, 48, "Person")
    assert gate.shows("model", coup, text)  # no evidence at all: shown (prior 0)
    # The model's Locations: capitalised ones right, lower-case ones spurious.
    for _ in range(3):
        gate.observe("model", [paris, coup], [Span(0, 5, "Location")], text=text)
    assert gate.shows("model", paris, text)
    assert not gate.shows("model", coup, text)  # its own record: spurious 3 of 3
    # A label never seen from this source is judged by the source: shown while the
    # model is right as often as spurious overall...
    assert gate.shows("model", ann, text)
    # ...and held back, with no record of its own, once the model is mostly spurious.
    for _ in range(6):
        gate.observe("model", [Suggestion(10, 14, "Organisation")], [], text=text)
    assert not gate.shows("model", ann, text)
    # Another source's record is its own.
    assert gate.shows("base", ann, text)
    # Reversible.
    for _ in range(6):
        gate.observe("model", [Suggestion(10, 14, "Organisation")], [], sign=-1, text=text)
    assert gate.shows("model", ann, text)


def test_gate_holds_back_a_phrase_relation_that_does_not_pay() -> None:
    """Phrases that overlap no model entity ("alone") and were spurious are held
    back; phrases that agree with the model keep being shown."""
    gate = Gate()
    text = "Bandar grew rice and wheat near Oslo."
    rice, oslo = Suggestion(12, 16, "MISC"), Suggestion(32, 36, "LOC")
    assert relation(rice, [oslo]) == "alone" and relation(oslo, [oslo]) == "same"
    for _ in range(4):
        gate.observe("phrases", [rice, oslo], [Span(32, 36, "LOC")], text=text,
                     relations=["alone", "same"])
    assert not gate.shows("phrases", Suggestion(21, 26, "MISC"), text, "alone")
    assert gate.shows("phrases", oslo, text, "same")


def test_conflicts_between_phrases_and_the_model_are_learnt_per_relation() -> None:
    """Where a phrase falls inside a longer model span and the model's span was the
    right one, the model's span wins next time; where the phrase had the same span
    as the model with the right label, the phrase keeps winning."""
    conflicts = Conflicts()
    assert conflicts.phrase_wins("inside")  # no evidence: the analysts' string first
    model = [Suggestion(0, 17, "MISC"), Suggestion(30, 35, "PER")]
    phrases = [Suggestion(7, 17, "MISC"), Suggestion(30, 35, "LOC")]
    relations = [relation(p, model) for p in phrases]
    assert relations == ["inside", "same-relabel"]
    gold = [Span(0, 17, "MISC"), Span(30, 35, "LOC")]  # "French Revolution"; the city
    conflicts.observe(phrases, relations, model, gold)
    assert not conflicts.phrase_wins("inside") and conflicts.phrase_wins("same-relabel")
    shown = combine(model, phrases, phrases_win=[conflicts.phrase_wins(r) for r in relations])
    assert [(s.start, s.end, s.label) for s in shown] == [(0, 17, "MISC"), (30, 35, "LOC")]
    conflicts.observe(phrases, relations, model, gold, sign=-1)
    assert conflicts.phrase_wins("inside")


def test_an_untried_overlap_goes_to_the_side_the_gate_expects_more_of() -> None:
    """wikigold's third article: with no conflict evidence yet, a new phrase "French"
    replaced the model's right "French Revolution". Where the conflicts are even, the
    gate's expectation of each side decides: the base's MISC has been right, the
    phrases have no record, so the model's span stays; a relation decided by the
    conflicts is unaffected."""
    loop = LearningLoop(["MISC", "PER"], LoopConfig(model=None, train="none"))
    text1 = "Victoria won. Victoria smiled. The Iron Cross is old."
    raw1 = [Suggestion(0, 8, "PER"), Suggestion(14, 22, "PER"), Suggestion(35, 45, "MISC")]
    loop.suggest(1, text1, raw=raw1)
    loop.accept(1, text1, [Span(0, 8, "PER"), Span(14, 22, "PER"), Span(35, 45, "MISC")])
    text2 = "He got the Victoria Cross."
    raw2 = [Suggestion(11, 25, "MISC")]
    assert [(p.start, p.end) for p in loop.phrases.suggest_one(text2)] == [(11, 19)]
    shown = loop.suggest(2, text2, raw=raw2)
    assert [(s.start, s.end, s.label) for s in shown] == [(11, 25, "MISC")]
    loop.conflicts.phrase["inside"] += 1  # once the analysts' evidence says so
    shown = loop.suggest(2, text2, raw=raw2)
    assert [(s.start, s.end, s.label) for s in shown] == [(11, 19, "PER")]


def test_undoing_an_accept_unlearns_it() -> None:
    loop = LearningLoop(["Person"], LoopConfig(model=None, train="none"))
    text = "Airmen met Airmen."
    assert loop.suggest(1, text) == []
    loop.accept(1, text, [Span(0, 6, "Person"), Span(11, 17, "Person")])
    shown = loop.suggest(2, "Airmen again.")
    assert [(s.start, s.end, s.label) for s in shown] == [(0, 6, "Person")]
    loop.unaccept(1)
    assert loop.suggest(2, "Airmen again.") == []
    assert loop.phrases.evidence("Airmen")["occurrences"] == 0


def test_the_rule_before_the_loop_replays_with_learnt_phrases() -> None:
    """``--config today`` (the phrase suggester before issue 13) learns phrases too:
    accepting an article it suggested a phrase on must not trip on the gated
    phrases' bookkeeping (the conflicts between phrases and the model)."""
    from dataclasses import replace

    from goldspan.core.learning.loop import PRESETS

    loop = LearningLoop(["Person"], replace(PRESETS["today"], model=None))
    loop.accept(1, "Ann came.", [Span(0, 3, "Person")])
    shown = loop.suggest(2, "Ann left.")
    assert [(s.start, s.end, s.label) for s in shown] == [(0, 3, "Person")]
    loop.accept(2, "Ann left.", [Span(0, 3, "Person")])
    assert loop.accepted == 2


def test_the_loop_and_its_requests_cross_a_process_boundary() -> None:
    """The window drives the loop in its suggester child: what crosses the pipe
    (config, training requests) pickles."""
    config = LoopConfig()
    assert pickle.loads(pickle.dumps(config)) == config
    loop = LearningLoop(["Person"], LoopConfig(model=None, first_training=1))
    loop.accept(1, "Ann came.", [Span(0, 3, "Person")])
    request = loop.training_request("/nonexistent")
    assert request is not None and loop.training_request("/nonexistent") is None  # one at a time
    assert pickle.loads(pickle.dumps(request)) == request
    assert request.examples == (("Ann came.", ((0, 3, "Person"),)),)


# ---------------------------------------------------------------- training
@pytest.mark.slow
def test_training_for_a_custom_label_set_emits_only_project_labels(tmp_path: Path) -> None:
    import spacy

    from goldspan.core.learning.trainer import TrainRequest, run_training

    texts = [("Alice Smith flew an F-16 to Paris.", ((0, 11, "Person"), (21, 25, "Weapon"))),
             ("Bob Jones met Alice Smith in London.", ((0, 9, "Person"), (14, 25, "Person"))),
             ("An F-35 landed.", ((3, 7, "Weapon"),))]
    result = run_training(TrainRequest(examples=tuple(texts), labels=("Person", "Weapon"),
                                       out=str(tmp_path / "gen1"), generation=1, epochs=8))
    nlp = spacy.load(result.path)
    assert set(nlp.get_pipe("ner").labels) == {"Person", "Weapon"}  # no PERSON, GPE, ...
    docs = list(nlp.pipe(["President Obama visited Germany on Monday with 3,000 troops."] * 3))
    assert {e.label_ for d in docs for e in d.ents} <= {"Person", "Weapon"}


@pytest.mark.slow
def test_a_generation_starts_from_the_base_labels_the_rule_maps_onto_its_own(
        tmp_path: Path) -> None:
    """The output rows of Location start as the base's GPE and LOC rows (and Person
    as PERSON's), so two passes over one article already find places and people the
    way en_core_web_sm does; the same training with fresh rows does not."""
    import spacy

    from goldspan.core.learning.trainer import TrainRequest, run_training

    examples = (("Ann Lee flew from Paris to Berlin.",
                 ((0, 7, "Person"), (18, 23, "Location"), (27, 33, "Location"))),)
    probe = ["Angela Merkel visited Germany and France last week.",
             "The talks in Moscow and Beijing ended.", "Barack Obama spoke in Chicago."]
    expected = {("Angela Merkel", "Person"), ("Germany", "Location"), ("France", "Location"),
                ("Moscow", "Location"), ("Beijing", "Location"), ("Barack Obama", "Person"),
                ("Chicago", "Location")}
    found = {}
    for name, head_from in (("rows", (("Location", (("GPE", 3), ("LOC", 1))),
                                      ("Person", (("PERSON", 2),)))),
                            ("fresh", ())):
        result = run_training(TrainRequest(
            examples=examples, labels=("Location", "Person"), out=str(tmp_path / name),
            generation=1, epochs=2, head_from=head_from))
        nlp = spacy.load(result.path)
        found[name] = {(e.text, e.label_) for d in nlp.pipe(probe) for e in d.ents}
    assert found["rows"] == expected
    assert len(found["fresh"] & expected) < len(expected)


@pytest.mark.slow
def test_background_training_in_a_child_process_swaps_the_suggester(tmp_path: Path) -> None:
    """The loop trains in a spawned process and the new generation suggests only once
    it is complete; what it suggests is the project's labels."""
    from goldspan.core.learning.loop import BackgroundTrainer

    loop = LearningLoop(["Person", "Location"],
                        LoopConfig(model=None, base=None, first_training=2, epochs=20,
                                   phrases="none"))
    docs = [("Ann Lee flew to Oslo.", [Span(0, 7, "Person"), Span(16, 20, "Location")]),
            ("Bob Ray drove to Rome.", [Span(0, 7, "Person"), Span(17, 21, "Location")])]
    trainer = BackgroundTrainer(loop, tmp_path / "models")
    try:
        for key, (text, gold) in enumerate(docs):
            loop.suggest(key, text)
            loop.accept(key, text, gold)
            trainer.maybe_start()
        assert loop.generation == 0  # nothing installed until polled
        trained = trainer.poll(wait=None)
        assert trained is not None and trainer.error is None, trainer.error
        assert loop.generation == 1 and loop.status().generation == 1
        shown = loop.suggest(9, "Ann Lee flew to Rome.")
        assert {s.label for s in shown} <= {"Person", "Location"}
        assert shown, "a generation trained 20 epochs on two articles finds something"
    finally:
        trainer.close()


@pytest.mark.slow
def test_on_the_seed_article_with_the_models_labels_the_loop_costs_no_more_than_today() -> None:
    """Issue 13: with the model's own labels the suggestions are as good as today."""
    seed = Path(__file__).parent / "data" / "seed_gold" / "seed_article_ontonotes.jsonl"
    from goldspan.core.spacy_models import ner_labels

    labels = ",".join(ner_labels("en_core_web_sm"))
    ratios = {}
    for config in ("today", "loop"):
        r = run("replay", seed, "--json", "--config", config, "--labels", labels)
        assert r.exit_code == 0, r.output
        ratios[config] = json.loads(r.stdout)["ratio"]
    assert ratios["loop"] <= ratios["today"] < 0.5


@pytest.mark.slow
def test_the_loop_runs_in_the_windows_suggester_child(tmp_path: Path) -> None:
    """The window's model child (ProcessSuggester, spawned) holds the loop: the base's
    output goes through the labels rule, accepts teach it, a training runs in a
    further process and its generation suggests once complete."""
    import time

    from goldspan.core.suggesters.process import ProcessSuggester

    child = ProcessSuggester("en_core_web_sm")
    try:
        child.loop_start(["Person", "Location"],
                         LoopConfig(base=None, first_training=2, epochs=15),
                         {"GPE": "Location"}, tmp_path / "models")
        text = "Angela Merkel flew to Paris on Monday."
        shown = child.loop_suggest(1, text)
        assert {(text[s.start:s.end], s.label) for s in shown} == {
            ("Angela Merkel", "Person"), ("Paris", "Location")}  # DATE dropped, GPE mapped
        gold = [Span(0, 13, "Person"), Span(22, 27, "Location")]
        child.loop_accept(1, text, gold)
        child.loop_accept(2, "Ann Lee went to Oslo.", [Span(0, 7, "Person"), Span(16, 20, "Location")])
        deadline = time.monotonic() + 120
        while child.loop_status()["generation"] == 0 and time.monotonic() < deadline:
            time.sleep(0.5)
        status = child.loop_status()
        assert status["generation"] == 1 and status["error"] is None and status["accepted"] == 2
        assert all(s.label in {"Person", "Location"} for s in child.loop_suggest(3, text))
        child.loop_unaccept(2)
        assert child.loop_status()["accepted"] == 1
    finally:
        child.close()


def test_closing_the_child_during_a_training_ends_it_at_once(tmp_path: Path) -> None:
    """Closing the window while the loop trains: its model child exits by itself at
    once (a training thread used to hold its exit, and the window waited 5 s, then
    killed it). Nothing of the training is kept: its generations live in the session's
    temporary folder."""
    from goldspan.core.suggesters.process import ProcessSuggester

    child = ProcessSuggester("en_core_web_sm")
    proc = None
    try:
        child.loop_start(["Person"], LoopConfig(base=None, first_training=1, epochs=100_000),
                         {}, tmp_path / "models")
        text = "Angela Merkel met Ann Lee. " * 40
        child.loop_accept(1, text, [Span(0, 13, "Person")])
        assert child.loop_status()["training"] is True
        proc = child._proc
    finally:
        child.close()
    assert proc is not None
    proc.join(10)
    assert proc.exitcode == 0  # it ended itself; -15 would be the parent's SIGTERM
