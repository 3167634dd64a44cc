"""spaCy tokenisation for writers: one blank English tokenizer, and the check that a
span starts and ends on token boundaries.

``spacy.blank("en")`` is the tokenizer ``spacy train`` uses for a blank English
pipeline, so a span that aligns here aligns in training. Spans that do not align are
reported, never snapped to the nearest token (that would silently change the gold).
"""

from __future__ import annotations

from functools import lru_cache
from typing import TYPE_CHECKING, Sequence

from ..types import Span

if TYPE_CHECKING:  # pragma: no cover
    from spacy.language import Language
    from spacy.tokens import Doc
    from spacy.tokens import Span as SpacySpan


# spaCy's vocabulary and tokenizer cache grow with every new word they see; a fresh
# tokenizer every RESET_EVERY documents keeps a long export in bounded memory (a blank
# pipeline costs about 0.1 s to build).
RESET_EVERY = 5000
_made = 0


@lru_cache(maxsize=1)
def blank_nlp() -> "Language":
    import spacy

    return spacy.blank("en")


def make_doc(text: str) -> "Doc":
    """Tokenise with the blank English tokenizer (renewed now and then, see above)."""
    global _made
    _made += 1
    if _made % RESET_EVERY == 0:
        blank_nlp.cache_clear()
    return blank_nlp().make_doc(text)


def align(doc: "Doc", spans: Sequence[Span]
          ) -> tuple[list[tuple[Span, "SpacySpan"]], list[Span]]:
    """Split spans into those on token boundaries (with their spaCy ``Span``) and those
    that are not (``char_span(..., alignment_mode="strict")`` is None)."""
    aligned: list[tuple[Span, SpacySpan]] = []
    misaligned: list[Span] = []
    for s in spans:
        sp = doc.char_span(s.start, s.end, label=s.label, alignment_mode="strict")
        if sp is None:
            misaligned.append(s)
        else:
            aligned.append((s, sp))
    return aligned, misaligned
