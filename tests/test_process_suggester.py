"""ProcessSuggester: the spaCy suggester in a child process gives what the in-process one
gives (the GUI uses it so that loading spaCy never holds the GUI process's GIL)."""

from __future__ import annotations

import pytest
from goldspan.core.errors import ModelError
from goldspan.core.suggesters.process import ProcessSuggester
from goldspan.core.suggesters.spacy_ner import SpacySuggester

pytestmark = pytest.mark.slow

TEXTS = ["Angela Merkel met Joe Biden in Berlin on Friday.", "", "Nothing to see here."]


def test_same_suggestions_as_in_process() -> None:
    child = ProcessSuggester("en_core_web_sm")
    try:
        assert not child.loaded
        here = SpacySuggester("en_core_web_sm")
        assert child.model_id == here.model_id
        assert list(child.labels) == list(here.labels)
        assert list(child.suggest(TEXTS)) == list(here.suggest(TEXTS))
        assert list(child.suggest([])) == []
    finally:
        child.close()
    assert not child.loaded


def test_unknown_model_is_one_model_error() -> None:
    child = ProcessSuggester("no_such_pipeline_xyz")
    with pytest.raises(ModelError, match="no_such_pipeline_xyz"):
        child.model_id  # noqa: B018
    child.close()


def test_n_process_2_gives_the_single_process_suggestions() -> None:
    long_text = " ".join(["Angela Merkel met Joe Biden in Berlin."] * 3000)  # split in pieces
    texts = [*TEXTS, long_text, *TEXTS]
    one = list(SpacySuggester("en_core_web_sm").suggest(texts))
    two = list(SpacySuggester("en_core_web_sm", n_process=2, batch_size=2).suggest(texts))
    assert two == one
    assert len(one[3]) > 3000  # offsets of later pieces were shifted, not lost


def test_the_phrase_suggester_in_the_child_gives_what_it_gives_here(tmp_path) -> None:  # type: ignore[no-untyped-def]
    """The GUI's phrase suggester runs in the child (building a blank pipeline held the
    GUI process's GIL for 300 ms): same learning, same matches, same scores."""
    from goldspan.core.types import Span
    from goldspan.core.suggesters.phrases import PhraseSuggester
    from goldspan.core.storage import Store

    accepted = "Defense Secretary Mark Esper met NATO allies in Brussels on Thursday."
    other = "Esper, speaking later, said NATO would meet again in Brussels. Esperanto is not."
    spans = [Span(23, 28, "PERSON"), Span(33, 37, "ORG"), Span(48, 56, "GPE")]
    assert [accepted[s.start:s.end] for s in spans] == ["Esper", "NATO", "Brussels"]
    store = Store.open(tmp_path / "p.db")
    doc, _ = store.add_document(accepted)
    store.put_version(doc, "alice", "done", spans[:2])
    store.close()
    here = PhraseSuggester.from_store(Store.open(tmp_path / "p.db"))
    child = ProcessSuggester("en_core_web_sm")
    try:
        assert child.suggest_phrases(other) == []  # nothing learnt yet
        assert child.learn_phrases_from(tmp_path / "p.db") == len(here) == 2
        assert child.suggest_phrases(other) == here.suggest_one(other)
        assert {s.label for s in child.suggest_phrases(other)} == {"PERSON", "ORG"}
        assert child.learn_phrases(accepted, spans) == (1, 3)  # Brussels is new
        here.learn(accepted, spans)
        assert child.suggest_phrases(other) == here.suggest_one(other)
        assert any(s.label == "GPE" for s in child.suggest_phrases(other))
    finally:
        child.close()
