"""Strings learnt from the accepted gold, suggested only where the gold says they pay.

For every string the analysts labelled (up to :data:`MAX_TOKENS` tokens, on spaCy
token boundaries) the index counts **the evidence for it** (how often it was given
each label) **and against it** (how often it occurs in accepted documents at all,
labelled or not). A string is suggested with its winning label where

    ``precision = labelled with that label / (occurrences + prior)``

is at least ``threshold``. Under the oracle's cost model (:mod:`.costs`) a suggestion
pays when it is right more often than it is spurious, so the threshold sits near 0.5;
``prior`` keeps a string seen once from counting as certain. Both were measured with
``goldspan replay`` (README, "The learning loop").

Case: matching is case-insensitive when the string's lower-cased form has enough
precision in the gold ("Airmen" and "AIRMEN"), else exact-case only ("US" the country,
never "us"); an all lower-case match needs its own lower-case form labelled
("airmen" once the analysts labelled "airmen"; "allied" is not "Allied"), and no match
lowers a word the analysts capitalised ("The Story", a title, is not "The story").
Strings without a letter ("200", "1907") are not learnt.

Reversible: every accepted document's contribution is kept, so :meth:`forget` takes it
back out exactly (an undone accept unlearns), and learning does not depend on the order
documents were accepted in.
"""

from __future__ import annotations

import threading
from collections import Counter
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Iterable, Sequence

from ..types import Suggestion
from ..suggesters.base import split_text
from .costs import outcome
from .gate import cased

if TYPE_CHECKING:  # pragma: no cover
    from spacy.language import Language

MAX_TOKENS = 8
MIN_CHARS = 2
DEFAULT_THRESHOLD = 0.4
DEFAULT_PRIOR = 1.0


def learnable(string: str) -> bool:
    """A lone "A" or "-" would match everywhere: not learnt; nor a string without a
    letter ("200", "1907"): a number recurs in another article as another thing (the
    model's own number labels cover them)."""
    return len(string.strip()) >= MIN_CHARS and any(ch.isalpha() for ch in string)


def same_capitals(form: tuple[str, ...], words: tuple[str, ...]) -> bool:
    """Whether ``words`` keeps every capital of the labelled ``form``: a word the
    analysts capitalised matches capitalised or all upper case ("Airmen", "AIRMEN"),
    never lower case ("The Story" is not "The story"); a word they wrote in lower case
    matches in any case ("the SDF" at the start of a sentence)."""
    return all(f == w or not f[:1].isupper() or w[:1].isupper()
               for f, w in zip(form, words, strict=True))


@dataclass
class _Doc:
    words: list[str]
    lowers: list[str]
    labelled: list[tuple[tuple[str, ...], str]] = field(default_factory=list)
    covered: list[bool] = field(default_factory=list)  # token inside a gold entity

    def ngrams(self) -> Iterable[tuple[tuple[str, ...], tuple[str, ...], bool]]:
        """Every n-gram up to MAX_TOKENS, and whether it overlaps no gold entity
        (a suggestion there would be spurious)."""
        n = len(self.words)
        for i in range(n):
            free = True
            for j in range(i + 1, min(n, i + MAX_TOKENS) + 1):
                free = free and not self.covered[j - 1]
                yield tuple(self.words[i:j]), tuple(self.lowers[i:j]), free

    def free(self, i: int, m: int) -> bool:
        return not any(self.covered[i:i + m])


class PhraseIndex:
    """The evidence for and against every labelled string, and the matcher.

    Occurrences are counted only for strings some document labelled (an index of
    where each lower-cased token occurs finds them in the earlier documents when a
    string is first labelled), so memory grows with the vocabulary of labelled
    strings, not with every n-gram of the corpus."""

    def __init__(self, lang: str = "en", *, threshold: float = DEFAULT_THRESHOLD,
                 prior: float = DEFAULT_PRIOR, ignore_case: bool = True,
                 rule: str = "precision") -> None:
        import spacy
        from spacy.matcher import PhraseMatcher

        self.threshold = threshold
        self.prior = prior
        self.rule = rule
        self.ignore_case = ignore_case
        self._nlp: Language = spacy.blank(lang)
        self._matcher = PhraseMatcher(self._nlp.vocab, attr="LOWER")
        self._docs: dict[object, _Doc] = {}
        self._where: dict[str, set[tuple[object, int]]] = {}  # lower token -> (doc, i)
        self._occ_exact: Counter[tuple[str, ...]] = Counter()
        self._occ_lower: Counter[tuple[str, ...]] = Counter()
        self._free_exact: Counter[tuple[str, ...]] = Counter()  # overlapping no gold
        self._free_lower: Counter[tuple[str, ...]] = Counter()
        self._lab_exact: dict[tuple[str, ...], Counter[str]] = {}
        self._lab_lower: dict[tuple[str, ...], Counter[str]] = {}
        self._forms: dict[tuple[str, ...], Counter[tuple[str, ...]]] = {}  # lower -> exact
        self._lock = threading.Lock()

    def __len__(self) -> int:
        return len(self._lab_exact)

    @property
    def documents(self) -> int:
        return len(self._docs)

    # ------------------------------------------------------------------ learning
    def learn(self, key: object, text: str, spans: Iterable[object]) -> None:
        """Count one accepted document (``key`` names it for :meth:`forget`); learning
        the same key again replaces its earlier contribution."""
        tokens = self._nlp.make_doc(text)
        words = [t.text for t in tokens]
        doc = _Doc(words, [w.lower() for w in words], covered=[False] * len(words))
        for s in spans:
            cover = tokens.char_span(s.start, s.end,  # type: ignore[attr-defined]
                                     alignment_mode="expand")
            if cover is not None:
                doc.covered[cover.start:cover.end] = [True] * len(cover)
            span = tokens.char_span(s.start, s.end)  # type: ignore[attr-defined]
            if span is None or len(span) > MAX_TOKENS or not learnable(span.text):
                continue
            doc.labelled.append((tuple(t.text for t in span), s.label))  # type: ignore[attr-defined]
        with self._lock:
            self._forget(key)
            self._docs[key] = doc
            for i, word in enumerate(doc.lowers):
                self._where.setdefault(word, set()).add((key, i))
            for exact, low, free in doc.ngrams():
                if exact in self._lab_exact:
                    self._occ_exact[exact] += 1
                    self._free_exact[exact] += free
                if low in self._lab_lower:
                    self._occ_lower[low] += 1
                    self._free_lower[low] += free
            for exact, label in doc.labelled:
                low = tuple(w.lower() for w in exact)
                if exact not in self._lab_exact:
                    self._lab_exact[exact] = Counter()
                    self._occ_exact[exact], self._free_exact[exact] = self._count(
                        exact, low, case=True)
                if low not in self._lab_lower:
                    self._lab_lower[low] = Counter()
                    self._occ_lower[low], self._free_lower[low] = self._count(
                        exact, low, case=False)
                    self._matcher.add(" ".join(low), [self._nlp.make_doc(" ".join(exact))])
                self._lab_exact[exact][label] += 1
                self._lab_lower[low][label] += 1
                self._forms.setdefault(low, Counter())[exact] += 1

    def _count(self, exact: tuple[str, ...], low: tuple[str, ...], *, case: bool
               ) -> tuple[int, int]:
        """Occurrences of a string in every document learnt so far, and how many of
        them overlap no gold entity."""
        n = free = 0
        m = len(low)
        for key, i in self._where.get(low[0], ()):
            doc = self._docs[key]
            if (tuple(doc.words[i:i + m]) == exact if case
                    else tuple(doc.lowers[i:i + m]) == low):
                n += 1
                free += doc.free(i, m)
        return n, free

    def forget(self, key: object) -> None:
        """Take an accepted document back out (its accept was undone)."""
        with self._lock:
            self._forget(key)

    def _forget(self, key: object) -> None:
        doc = self._docs.pop(key, None)
        if doc is None:
            return
        for i, word in enumerate(doc.lowers):
            self._where[word].discard((key, i))
            if not self._where[word]:
                del self._where[word]
        for exact, low, free in doc.ngrams():
            if exact in self._lab_exact:
                self._occ_exact[exact] -= 1
                self._free_exact[exact] -= free
            if low in self._lab_lower:
                self._occ_lower[low] -= 1
                self._free_lower[low] -= free
        for exact, label in doc.labelled:
            low = tuple(w.lower() for w in exact)
            forms = self._forms[low]
            forms[exact] -= 1
            if forms[exact] <= 0:
                del forms[exact]
            if not forms:
                del self._forms[low]
            for table, occ, free_, k in ((self._lab_exact, self._occ_exact, self._free_exact,
                                          exact),
                                         (self._lab_lower, self._occ_lower, self._free_lower,
                                          low)):
                c = table[k]
                c[label] -= 1
                if c[label] <= 0:
                    del c[label]
                if not c:
                    del table[k]
                    occ.pop(k, None)
                    free_.pop(k, None)
                    if table is self._lab_lower:
                        self._matcher.remove(" ".join(low))

    # ------------------------------------------------------------------ reading
    def decide(self, words: tuple[str, ...]) -> tuple[str, float] | None:
        """The label a string is suggested with and its precision, or None."""
        low = tuple(w.lower() for w in words)
        # An all lower-case match ("allied", "player") of a string the analysts only
        # ever labelled capitalised ("Allied", "Player") is another word: matched
        # in any case only where that lower-case form was labelled itself.
        any_case = cased(" ".join(words)) or words in self._lab_exact
        if (self.ignore_case and any_case and low in self._lab_lower
                and any(same_capitals(form, words) for form in self._forms[low])):
            found = self._best(self._lab_lower[low], self._occ_lower[low],
                               self._free_lower[low])
            if found is not None:
                return found
        if words in self._lab_exact:
            return self._best(self._lab_exact[words], self._occ_exact[words],
                              self._free_exact[words])
        return None

    def _best(self, labels: Counter[str], occurrences: int, free: int
              ) -> tuple[str, float] | None:
        label, n = min(labels.items(), key=lambda kv: (-kv[1], kv[0]))
        precision = n / (max(occurrences, n) + self.prior)
        if self.rule == "net":
            ok = n - free >= self.prior
        else:
            ok = precision >= self.threshold
        return (label, precision) if ok else None

    def evidence(self, string: str) -> dict[str, object]:
        """For and against one string (for tests and a future dialog)."""
        words = tuple(t.text for t in self._nlp.make_doc(string))
        low = tuple(w.lower() for w in words)
        with self._lock:
            return {"labels": dict(self._lab_exact.get(words, {})),
                    "occurrences": self._occ_exact[words],
                    "free": self._free_exact[words],
                    "labels_any_case": dict(self._lab_lower.get(low, {})),
                    "occurrences_any_case": self._occ_lower[low],
                    "free_any_case": self._free_lower[low],
                    "suggested": self.decide(words)}

    def suggest_one(self, text: str) -> list[Suggestion]:
        """Non-overlapping suggestions (longest first, as spaCy's ``filter_spans``)."""
        from spacy.util import filter_spans

        out: list[Suggestion] = []
        for offset, piece in split_text(text):
            doc = self._nlp.make_doc(piece)
            with self._lock:
                if not self._lab_lower:
                    return []
                found = []
                for span in self._matcher(doc, as_spans=True):
                    decided = self.decide(tuple(t.text for t in span))
                    if decided is not None:
                        found.append((span, decided))
            kept = {(sp.start, sp.end) for sp in filter_spans([sp for sp, _ in found])}
            for sp, (label, precision) in found:
                if (sp.start, sp.end) in kept:
                    out.append(Suggestion(offset + sp.start_char, offset + sp.end_char, label,
                                          round(precision, 4)))
        return sorted(out, key=lambda s: (s.start, s.end))


class Conflicts:
    """Who wins where a phrase and a statistical suggestion overlap, learnt per
    relation (:func:`.gate.relation`: the same span, the phrase inside a longer
    model span, the phrase spanning shorter ones...).

    On each accepted document, every overlapping pair in which exactly one of the two
    was right counts one win for its side under the pair's relation; the phrase wins a
    relation while its wins are at least the model's (so, with no evidence, as before
    issue 13's gated phrases: the analysts' convention first). Measured on re3d and
    wikigold, a phrase inside a longer model span ("Syria" in "the International
    Syria Support Group") was wrong more often than the model's span; on GUM, which
    annotates every nested mention, the other way round: the rule is learnt, not set.
    Reversible (``sign=-1``)."""

    def __init__(self, *, learn: bool = True, ties: bool = True) -> None:
        self.learn = learn
        self.ties = ties  # who wins with equal evidence (True: the phrase)
        self.phrase: Counter[str] = Counter()
        self.model: Counter[str] = Counter()

    def phrase_wins(self, relation: str) -> bool:
        decided = self.decided(relation)
        return self.ties if decided is None else decided

    def decided(self, relation: str) -> bool | None:
        """Whether the phrase wins where the evidence says so; None where it is even."""
        if not self.learn:
            return True
        a, b = self.phrase[relation], self.model[relation]
        return a > b if a != b else None

    def observe(self, phrases: Sequence[Suggestion], relations: Sequence[str],
                statistical: Sequence[Suggestion], gold: Sequence[object],
                sign: int = 1) -> None:
        by_bounds = {(g.start, g.end): g.label for g in gold}  # type: ignore[attr-defined]
        for p, rel in zip(phrases, relations, strict=True):
            p_right = outcome(p, by_bounds, gold) == "right"
            for s in statistical:
                if s.start < p.end and p.start < s.end:
                    s_right = outcome(s, by_bounds, gold) == "right"
                    if p_right and not s_right:
                        self.phrase[rel] += sign
                    elif s_right and not p_right:
                        self.model[rel] += sign

    def table(self) -> dict[str, dict[str, int]]:
        return {rel: {"phrase": self.phrase[rel], "model": self.model[rel],
                      "phrase_wins": self.phrase_wins(rel)}
                for rel in sorted(set(self.phrase) | set(self.model))}


def combine(statistical: Sequence[Suggestion], phrases: Sequence[Suggestion],
            *, phrases_win: bool | Sequence[bool] = True) -> list[Suggestion]:
    """One document's suggestions from both sources, never overlapping.

    ``phrases_win`` (one flag, or one per phrase): a winning phrase match (which
    passed its precision gate) replaces the model spans it overlaps (the analysts'
    own convention, "SDF", over the model's guess "the SDF"); a losing one is shown
    only where it overlaps no model span. ``phrases_win=False`` is the rule before
    issue 13: the model's spans win and a phrase with exactly a model span's bounds
    gives it the phrase's label."""
    if phrases_win is False:
        by_bounds = {(p.start, p.end): p for p in phrases}
        out = [by_bounds.get((s.start, s.end), s) for s in statistical]
        out += [p for p in phrases
                if all(p.end <= s.start or p.start >= s.end for s in statistical)]
        return sorted(out, key=lambda x: (x.start, x.end, x.label))
    wins = [True] * len(phrases) if phrases_win is True else list(phrases_win)
    kept = [p for p, w in zip(phrases, wins, strict=True)
            if w or all(p.end <= s.start or p.start >= s.end for s in statistical)]
    out = list(kept)
    out += [s for s in statistical if all(s.end <= p.start or s.start >= p.end for p in kept)]
    return sorted(out, key=lambda x: (x.start, x.end, x.label))
