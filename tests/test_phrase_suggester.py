"""The phrase suggester: strings labelled in accepted gold are suggested elsewhere, with
the documented rules (token boundaries, case, most frequent label, only accepted gold),
and combined with a statistical suggester by the documented rule."""

from __future__ import annotations

from pathlib import Path
from typing import Iterable, Iterator, Sequence

import pytest

from goldspan.core.types import Span, Suggestion
from goldspan.core.suggesters.phrases import PHRASES_MODEL_ID, CombinedSuggester, PhraseSuggester, combine
from goldspan.core.storage import Store
from goldspan.core.suggesters.documents import suggest_documents

ACCEPTED = "Defense Secretary Mark Esper met NATO allies in Brussels on Thursday."
OTHER = ("Esper, speaking later, said NATO would meet again. Esperanto is a language; "
         "esper is not a name.")


def span(text: str, sub: str, label: str, nth: int = 0) -> Span:
    start = -1
    for _ in range(nth + 1):
        start = text.index(sub, start + 1)
    return Span(start, start + len(sub), label)


def sugg(text: str, sub: str, label: str, nth: int = 0, score: float | None = None) -> Suggestion:
    s = span(text, sub, label, nth)
    return Suggestion(s.start, s.end, label, score)


@pytest.fixture()
def store(tmp_path: Path) -> Store:
    s = Store.open(tmp_path / "phrases.db")
    d1, _ = s.add_document(ACCEPTED)
    s.add_document(OTHER)
    s.put_version(d1, "alice", "done", [span(ACCEPTED, "Esper", "PERSON"),
                                        span(ACCEPTED, "NATO", "ORG"),
                                        span(ACCEPTED, "Brussels", "GPE")])
    return s


def test_label_once_see_it_suggested_in_another_document(store: Store) -> None:
    phrases = PhraseSuggester.from_store(store)
    found = phrases.suggest_one(OTHER)
    assert found == [sugg(OTHER, "Esper", "PERSON", score=1.0),
                     sugg(OTHER, "NATO", "ORG", score=1.0)]
    # not inside "Esperanto" (token boundaries), not "esper" (case-sensitive)
    assert all(OTHER[s.start:s.end] in ("Esper", "NATO") for s in found)


def test_stored_under_its_own_model_id(store: Store) -> None:
    phrases = PhraseSuggester.from_store(store)
    n_docs, n_sugg = suggest_documents(store, phrases)
    assert (n_docs, n_sugg) == (2, 5)  # 3 in the accepted document, 2 in the other
    assert phrases.model_id == PHRASES_MODEL_ID == "goldspan-phrases@1"
    assert [(s.start, s.end, s.label) for s in store.suggestions(2, PHRASES_MODEL_ID)] == [
        (0, 5, "PERSON"), (OTHER.index("NATO"), OTHER.index("NATO") + 4, "ORG")]


def test_only_accepted_gold_is_learnt(store: Store) -> None:
    d3, _ = store.add_document("Lloyd Austin replaced him.")
    store.put_version(d3, "bob", "in_progress", [Span(0, 12, "PERSON")])
    d4, _ = store.add_document("Christopher Miller was acting.")
    store.put_version(d4, "bob", "done", [Span(0, 18, "PERSON")])
    store.put_version(d4, "carol", "done", [Span(0, 11, "PERSON")])  # conflict, no gold
    phrases = PhraseSuggester.from_store(store)
    assert phrases.suggest_one("Lloyd Austin and Christopher Miller") == []
    assert phrases.label_of("Esper") == ("PERSON", 1.0)
    assert len(phrases) == 3


def test_most_frequent_label_wins_ties_alphabetical() -> None:
    p = PhraseSuggester()
    text = "Jordan Jordan Jordan Paris"
    p.learn(text, [Span(0, 6, "PERSON"), Span(7, 13, "GPE"), Span(14, 20, "PERSON")])
    assert p.label_of("Jordan") == ("PERSON", pytest.approx(2 / 3))
    p.learn(text, [Span(21, 26, "PERSON"), Span(21, 26, "GPE")])
    assert p.label_of("Paris") == ("GPE", 0.5)  # tie: alphabetical
    out = p.suggest_one("Paris and Jordan")
    assert [(s.label, s.score) for s in out] == [("GPE", 0.5), ("PERSON", 0.6667)]


def test_learning_is_incremental_and_skips_noise() -> None:
    p = PhraseSuggester()
    assert p.suggest_one(OTHER) == []
    assert p.learn("A - Esper", [Span(0, 1, "ORG"), Span(2, 3, "ORG"), Span(4, 9, "PERSON")]) == 1
    assert p.labels == ("PERSON",)
    assert [OTHER[s.start:s.end] for s in p.suggest_one(OTHER)] == ["Esper"]
    assert p.learn("Esper", [Span(0, 5, "PERSON")]) == 0  # known string, count only


def test_longest_match_wins_among_phrases() -> None:
    p = PhraseSuggester()
    p.learn("Mark Esper", [Span(0, 10, "PERSON"), ])
    p.learn("Esper", [Span(0, 5, "ORG")])
    text = "Mark Esper and Esper"
    assert [(text[s.start:s.end], s.label) for s in p.suggest_one(text)] == [
        ("Mark Esper", "PERSON"), ("Esper", "ORG")]


def test_offsets_across_long_texts_and_emoji() -> None:
    p = PhraseSuggester()
    p.learn("Esper", [Span(0, 5, "PERSON")])
    text = "🇺🇸 Esper\n\n" + ("word " * 30_000) + "\n\nEsper"
    found = p.suggest_one(text)
    assert [text[s.start:s.end] for s in found] == ["Esper", "Esper"]
    assert found[0].start == 3 and found[1].end == len(text)


class FakeModel:
    """A statistical suggester that reads all texts before yielding (as a batched
    nlp.pipe reads ahead) and returns fixed suggestions per text."""

    def __init__(self, answers: dict[str, list[Suggestion]]) -> None:
        self.answers = answers

    @property
    def model_id(self) -> str:
        return "fake@1.0"

    @property
    def labels(self) -> Sequence[str]:
        return ("PERSON", "ORG", "GPE")

    def suggest(self, texts: Iterable[str]) -> Iterator[list[Suggestion]]:
        batch = list(texts)
        for t in batch:
            yield list(self.answers.get(t, []))


def test_combination_rule() -> None:
    t = "Mark Esper met NATO in Brussels and Esper left for Kabul."
    statistical = [
        sugg(t, "Mark Esper", "PERSON"),       # kept; overlapping phrase "Esper" dropped
        sugg(t, "NATO", "GPE"),                # same bounds as a phrase: phrase label
        sugg(t, "Brussels", "GPE"),            # kept, no phrase
    ]
    phrases = [
        sugg(t, "Esper", "PERSON", score=1.0),          # inside "Mark Esper": dropped
        sugg(t, "NATO", "ORG", score=1.0),
        sugg(t, "Esper", "PERSON", nth=1, score=1.0),   # free: added
        sugg(t, "Kabul.", "GPE", score=0.5),            # free: added
    ]
    assert combine(statistical, phrases) == [
        sugg(t, "Mark Esper", "PERSON"),
        sugg(t, "NATO", "ORG", score=1.0),
        sugg(t, "Brussels", "GPE"),
        sugg(t, "Esper", "PERSON", nth=1, score=1.0),
        sugg(t, "Kabul.", "GPE", score=0.5),
    ]
    partial = [sugg(t, "Brussels and", "LOC")]  # partly overlaps "Brussels": dropped
    assert combine(statistical, partial) == statistical


def test_combined_suggester_in_order_through_the_store(store: Store) -> None:
    texts = {ACCEPTED: [sugg(ACCEPTED, "Mark Esper", "PERSON")],
             OTHER: [sugg(OTHER, "NATO", "GPE")]}
    combined = CombinedSuggester(FakeModel(texts), PhraseSuggester.from_store(store))
    assert combined.model_id == "fake@1.0+goldspan-phrases@1"
    assert suggest_documents(store, combined) == (2, 5)
    got = {d: [(s.start, s.end, s.label) for s in store.suggestions(d, combined.model_id)]
           for d in (1, 2)}
    nato1, bxl = span(ACCEPTED, "NATO", "ORG"), span(ACCEPTED, "Brussels", "GPE")
    assert got[1] == [(18, 28, "PERSON"), (nato1.start, nato1.end, "ORG"),
                      (bxl.start, bxl.end, "GPE")]
    nato2 = span(OTHER, "NATO", "ORG")
    assert got[2] == [(0, 5, "PERSON"), (nato2.start, nato2.end, "ORG")]
