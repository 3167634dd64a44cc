"""Inter-annotator agreement: plain functions over plain data, no Qt, no store in the maths.

Input is a stream of :class:`DocumentVersions` (a document's text and, per annotator,
its ``done`` spans); :func:`load_done_versions` produces that stream from a Store.
Everything is accumulated in one pass as integer counts (matched spans, token label
pairs, value multisets per token), so the cost is linear in the number of documents and
memory does not grow with them; kappa and alpha are then computed from those counts.

Figures (issue 4), per pair of annotators over the documents both have done:

- ``f1_exact``: 2|A∩B| / (|A|+|B|) over (document, start, end, label), micro-averaged.
- ``f1_partial``: precision = share of B's spans overlapping a same-label span of A,
  recall = share of A's spans overlapping a same-label span of B, F1 their harmonic mean.
- ``kappa_token``: Cohen's kappa over spaCy tokens (whitespace tokens left out), each
  labelled with the label of the span containing its first character, ``O`` otherwise.
- per label: F1 exact, and a confusion matrix over overlapping spans, paired one to one
  by largest overlap; a span the other side has nothing overlapping for is ``missed``.

For all annotators together: ``alpha_token``, Krippendorff's alpha (nominal) over the
same token units; an annotator without a done version of a document is a missing value.

Edge cases, decided once (``None`` is JSON ``null``, "undefined"):

- no shared documents: every pair figure is ``None`` and ``documents`` is 0;
- no spans on either side (0/0): ``f1_exact``, ``f1_partial`` and a label's F1 are
  ``None``; spans on one side only give 0.0 (a real, total disagreement);
- kappa/alpha when the expected agreement is 1 (every token ``O``, or one single label
  everywhere): ``None``. That is what the references do: scikit-learn's
  ``cohen_kappa_score`` returns ``nan`` and the ``krippendorff`` package raises
  ("more than one value in the domain"). Alpha with no token coded by two annotators:
  ``None`` (``krippendorff`` raises as well).
- perfect agreement with at least two distinct labels: 1.0 for every figure.
- ``labels`` restricts the comparison to those labels: other spans are ignored on both
  sides, so their tokens count as ``O``.
"""

from __future__ import annotations

import functools
import itertools
from collections import Counter
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Callable, Iterable, Iterator, Sequence

from .types import GOLD, Span

if TYPE_CHECKING:
    from .storage import Store

OUTSIDE = "O"
MISSED = "missed"

Tokenizer = Callable[[str], Sequence[tuple[int, int]]]


@dataclass
class DocumentVersions:
    """One document and the ``done`` spans of each annotator who finished it."""

    doc_id: int
    text: str
    versions: dict[str, list[Span]]


# ------------------------------------------------------------------ token units
@functools.lru_cache(maxsize=1)
def _blank_tokenizer() -> Any:
    import spacy  # local: importing spaCy costs a second; span figures do not need it

    return spacy.blank("en").tokenizer


def spacy_tokens(text: str) -> list[tuple[int, int]]:
    """Code point ``(start, end)`` of spaCy's English tokens, whitespace tokens left out
    (so runs of spaces or blank lines between paragraphs do not inflate agreement)."""
    return [(t.idx, t.idx + len(t.text)) for t in _blank_tokenizer()(text) if not t.is_space]


def token_labels(tokens: Sequence[tuple[int, int]], spans: Sequence[Span]) -> list[str]:
    """The label of the span containing each token's first character, ``O`` if none.

    One merge-like sweep over tokens and spans, both in start order.
    """
    ordered = sorted(spans, key=lambda s: (s.start, s.end))
    out: list[str] = []
    i, n = 0, len(ordered)
    for start, _end in tokens:
        while i < n and ordered[i].end <= start:
            i += 1
        out.append(ordered[i].label if i < n and ordered[i].start <= start else OUTSIDE)
    return out


# ------------------------------------------------------------ span comparison
def overlapping_pairs(a: Sequence[Span], b: Sequence[Span]) -> list[tuple[int, int]]:
    """Index pairs ``(i, j)`` with ``a[i]`` overlapping ``b[j]``; both sorted by start.

    Spans of one version never overlap, so the pairs are O(|a| + |b|) and so is this
    sweep (the pointer into ``b`` only moves forward).
    """
    pairs: list[tuple[int, int]] = []
    j0, nb = 0, len(b)
    for i, x in enumerate(a):
        while j0 < nb and b[j0].end <= x.start:
            j0 += 1
        j = j0
        while j < nb and b[j].start < x.end:
            if b[j].end > x.start:
                pairs.append((i, j))
            j += 1
    return pairs


@dataclass
class PairCounts:
    """Everything a pair's figures are computed from; additive over documents."""

    documents: int = 0
    spans_a: int = 0
    spans_b: int = 0
    exact: int = 0
    partial_a: int = 0  # A's spans overlapping a same-label span of B
    partial_b: int = 0  # B's spans overlapping a same-label span of A
    tokens: Counter[tuple[str, str]] = field(default_factory=Counter)
    by_label: dict[str, list[int]] = field(default_factory=dict)  # label -> [a, b, exact]
    confusion: Counter[tuple[str, str]] = field(default_factory=Counter)

    def add_spans(self, a: Sequence[Span], b: Sequence[Span]) -> int:
        """Count one document's two versions; returns the exact matches there."""
        a = sorted(a, key=lambda s: (s.start, s.end))
        b = sorted(b, key=lambda s: (s.start, s.end))
        keys_b = {s.key() for s in b}
        exact = [s for s in a if s.key() in keys_b]
        self.documents += 1
        self.spans_a += len(a)
        self.spans_b += len(b)
        self.exact += len(exact)
        for s in a:
            self.by_label.setdefault(s.label, [0, 0, 0])[0] += 1
        for s in b:
            self.by_label.setdefault(s.label, [0, 0, 0])[1] += 1
        for s in exact:
            self.by_label[s.label][2] += 1
        pairs = overlapping_pairs(a, b)
        hit_a = {i for i, j in pairs if a[i].label == b[j].label}
        hit_b = {j for i, j in pairs if a[i].label == b[j].label}
        self.partial_a += len(hit_a)
        self.partial_b += len(hit_b)
        self._confuse(a, b, pairs)
        return len(exact)

    def _confuse(self, a: Sequence[Span], b: Sequence[Span], pairs: list[tuple[int, int]]) -> None:
        # One-to-one pairing: largest overlap first, a same label breaking ties.
        def rank(p: tuple[int, int]) -> tuple[int, bool, int, int]:
            x, y = a[p[0]], b[p[1]]
            return (-(min(x.end, y.end) - max(x.start, y.start)), x.label != y.label, *p)

        used_a: set[int] = set()
        used_b: set[int] = set()
        for i, j in sorted(pairs, key=rank):
            if i not in used_a and j not in used_b:
                used_a.add(i)
                used_b.add(j)
                self.confusion[(a[i].label, b[j].label)] += 1
        for i, s in enumerate(a):
            if i not in used_a:
                self.confusion[(s.label, MISSED)] += 1
        for j, s in enumerate(b):
            if j not in used_b:
                self.confusion[(MISSED, s.label)] += 1


def f1(matched: int, n_a: int, n_b: int) -> float | None:
    """2·matched / (n_a + n_b); ``None`` when neither side has anything."""
    return None if n_a + n_b == 0 else 2 * matched / (n_a + n_b)


def harmonic_f1(hit_a: int, n_a: int, hit_b: int, n_b: int) -> float | None:
    """F1 from recall ``hit_a/n_a`` and precision ``hit_b/n_b``; an empty side scores 0."""
    if n_a + n_b == 0:
        return None
    recall = hit_a / n_a if n_a else 0.0
    precision = hit_b / n_b if n_b else 0.0
    return 0.0 if recall + precision == 0 else 2 * precision * recall / (precision + recall)


def cohen_kappa(pairs: Counter[tuple[str, str]]) -> float | None:
    """Cohen's kappa from counts of (label by A, label by B), in exact integer sums.

    ``None`` when there is nothing to compare or the expected agreement is 1.
    """
    n = sum(pairs.values())
    if n == 0:
        return None
    rows: Counter[str] = Counter()
    cols: Counter[str] = Counter()
    agree = 0
    for (x, y), c in pairs.items():
        rows[x] += c
        cols[y] += c
        if x == y:
            agree += c
    expected = sum(rows[k] * cols[k] for k in rows)
    if n * n == expected:
        return None
    return (n * agree - expected) / (n * n - expected)


def krippendorff_alpha(units: Counter[tuple[str, ...]]) -> float | None:
    """Nominal Krippendorff's alpha from unit value multisets (sorted tuples) and counts.

    Only units with two or more values are pairable. With the coincidence matrix
    ``o`` and ``n_v`` the pairable count of value ``v``: observed disagreement is
    Σ_u (m_u² − Σ_v c_uv²)/(m_u − 1), expected Σ_{v≠w} n_v n_w / (n − 1).
    """
    totals: Counter[str] = Counter()
    observed = 0.0
    for values, count in units.items():
        m = len(values)
        if m < 2:
            continue
        within = Counter(values)
        observed += count * (m * m - sum(c * c for c in within.values())) / (m - 1)
        for v, c in within.items():
            totals[v] += c * count
    n = sum(totals.values())
    expected = n * n - sum(c * c for c in totals.values())
    if n < 2 or expected == 0:
        return None
    return 1.0 - (n - 1) * observed / expected


# ------------------------------------------------------------------ results
@dataclass(frozen=True)
class LabelFigures:
    """One label in one pair. ``confusion`` is A's row of this label (B's label of the
    paired span, or ``missed``); ``missed_by_a`` counts B's spans of this label that A
    has nothing overlapping for (the ``missed`` row's cell)."""

    label: str
    a: int
    b: int
    exact: int
    f1_exact: float | None
    confusion: dict[str, int]
    missed_by_a: int

    def to_dict(self) -> dict[str, Any]:
        return {"f1_exact": self.f1_exact, "a": self.a, "b": self.b, "exact": self.exact,
                "confusion": dict(self.confusion), "missed_by_a": self.missed_by_a}


@dataclass(frozen=True)
class PairFigures:
    a: str
    b: str
    documents: int
    tokens: int
    f1_exact: float | None
    f1_partial: float | None
    kappa_token: float | None
    labels: dict[str, LabelFigures]
    confusion: dict[tuple[str, str], int]

    def to_dict(self) -> dict[str, Any]:
        return {"a": self.a, "b": self.b, "documents": self.documents,
                "f1_exact": self.f1_exact, "f1_partial": self.f1_partial,
                "kappa_token": self.kappa_token,
                "labels": {k: v.to_dict() for k, v in self.labels.items()}}


@dataclass(frozen=True)
class AgreementResult:
    annotators: list[str]
    pairs: list[PairFigures]
    alpha_token: float | None
    documents: int  # documents done by at least two of the annotators
    tokens: int

    def pair(self, a: str, b: str) -> PairFigures:
        for p in self.pairs:
            if (p.a, p.b) in ((a, b), (b, a)):
                return p
        raise KeyError((a, b))

    def to_dict(self) -> dict[str, Any]:
        return {"annotators": list(self.annotators), "pairs": [p.to_dict() for p in self.pairs],
                "alpha_token": self.alpha_token, "documents": self.documents}


def pair_figures(a: str, b: str, c: PairCounts) -> PairFigures:
    labels: dict[str, LabelFigures] = {}
    for label in sorted(c.by_label):
        n_a, n_b, ex = c.by_label[label]
        row = {y: n for (x, y), n in sorted(c.confusion.items()) if x == label}
        labels[label] = LabelFigures(label, n_a, n_b, ex, f1(ex, n_a, n_b), row,
                                     c.confusion.get((MISSED, label), 0))
    return PairFigures(
        a, b, c.documents, sum(c.tokens.values()),
        f1(c.exact, c.spans_a, c.spans_b),
        harmonic_f1(c.partial_a, c.spans_a, c.partial_b, c.spans_b),
        cohen_kappa(c.tokens), labels, dict(c.confusion),
    )


# -------------------------------------------------------------- accumulation
@dataclass(frozen=True)
class DocumentDisagreement:
    """Pairwise exact F1 on one document (``None`` where neither of a pair has spans)."""

    doc_id: int
    annotators: list[str]
    pairs: dict[tuple[str, str], float | None]

    @property
    def min_f1(self) -> float | None:
        values = [v for v in self.pairs.values() if v is not None]
        return min(values) if values else None

    @property
    def mean_f1(self) -> float | None:
        values = [v for v in self.pairs.values() if v is not None]
        return sum(values) / len(values) if values else None


class AgreementCounter:
    """Feed documents one at a time with :meth:`add`; read figures with :meth:`result`."""

    def __init__(
        self,
        annotators: Sequence[str] | None = None,
        labels: Iterable[str] | None = None,
        tokenizer: Tokenizer | None = None,
        tokens: bool = True,
    ) -> None:
        self.annotators = list(annotators) if annotators is not None else None
        self.labels = set(labels) if labels is not None else None
        self.tokenizer = tokenizer or spacy_tokens
        self.tokens = tokens
        self.seen: set[str] = set()
        self.pairs: dict[tuple[str, str], PairCounts] = {}
        self.units: Counter[tuple[str, ...]] = Counter()
        self.documents = 0

    def _versions(self, doc: DocumentVersions) -> dict[str, list[Span]]:
        wanted = self.annotators
        out = {}
        for name, spans in doc.versions.items():
            if name == GOLD or (wanted is not None and name not in wanted):
                continue
            if self.labels is not None:
                spans = [s for s in spans if s.label in self.labels]
            out[name] = list(spans)
        return out

    def add(self, doc: DocumentVersions) -> DocumentDisagreement | None:
        """Count one document; returns its pairwise F1 (None below two versions)."""
        versions = self._versions(doc)
        names = sorted(versions)
        self.seen.update(names)
        if len(names) < 2:
            return None
        self.documents += 1
        per_doc: dict[tuple[str, str], float | None] = {}
        labelled: dict[str, list[str]] = {}
        if self.tokens:
            toks = self.tokenizer(doc.text)
            labelled = {n: token_labels(toks, versions[n]) for n in names}
            for values, count in Counter(zip(*(labelled[n] for n in names), strict=True)).items():
                self.units[tuple(sorted(values))] += count
        for x, y in itertools.combinations(names, 2):
            counts = self.pairs.setdefault((x, y), PairCounts())
            exact = counts.add_spans(versions[x], versions[y])
            per_doc[(x, y)] = f1(exact, len(versions[x]), len(versions[y]))
            if self.tokens:
                counts.tokens.update(zip(labelled[x], labelled[y], strict=True))
        return DocumentDisagreement(doc.doc_id, names, per_doc)

    def result(self) -> AgreementResult:
        names = self.annotators if self.annotators is not None else sorted(self.seen)
        pairs = [pair_figures(x, y, self.pairs.get((x, y), PairCounts()))
                 for x, y in itertools.combinations(sorted(names), 2)]
        return AgreementResult(
            sorted(names), pairs, krippendorff_alpha(self.units), self.documents,
            sum(self.units.values()),
        )


def compute_agreement(
    docs: Iterable[DocumentVersions],
    annotators: Sequence[str] | None = None,
    labels: Iterable[str] | None = None,
    tokenizer: Tokenizer | None = None,
) -> AgreementResult:
    """All of issue 4's figures in one pass over ``docs``."""
    counter = AgreementCounter(annotators, labels, tokenizer)
    for doc in docs:
        counter.add(doc)
    return counter.result()


def document_disagreement(
    docs: Iterable[DocumentVersions],
    annotators: Sequence[str] | None = None,
    labels: Iterable[str] | None = None,
) -> list[DocumentDisagreement]:
    """Documents with two or more versions, most disagreement first (lowest min, then
    mean, pairwise exact F1); documents where nobody marked anything come last."""
    counter = AgreementCounter(annotators, labels, tokens=False)
    rows = [r for r in map(counter.add, docs) if r is not None]
    return sorted(rows, key=lambda r: (r.min_f1 is None, r.min_f1 or 0.0,
                                       r.mean_f1 or 0.0, r.doc_id))


# ------------------------------------------------------------------- loading
def done_annotators(store: "Store") -> list[str]:
    """Annotators (``gold`` excepted) with at least one ``done`` version."""
    return store.done_annotators()


def load_done_versions(
    store: "Store",
    annotators: Sequence[str] | None = None,
    *,
    min_versions: int = 2,
    with_text: bool = True,
) -> Iterator[DocumentVersions]:
    """Stream, in document order, the ``done`` versions of non-``gold`` annotators.

    One ordered query over versions and spans, grouped by document; a document's text is
    read only if it has ``min_versions`` versions, so memory stays one document deep.
    """
    for doc_id, versions in store.done_versions_by_document(annotators):
        if len(versions) < min_versions:
            continue
        text = store.document_text(doc_id) if with_text else ""
        yield DocumentVersions(doc_id, text, versions)
