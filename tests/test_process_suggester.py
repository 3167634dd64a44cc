"""ProcessSuggester: the spaCy suggester in a child process gives what the in-process one
gives (the GUI uses it so that loading spaCy never holds the GUI process's GIL)."""

from __future__ import annotations

import pytest
from goldspan.core.errors import ModelError
from goldspan.core.suggest import ProcessSuggester, SpacySuggester

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
