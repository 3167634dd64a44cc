"""Agreement figures against independent references: scikit-learn's cohen_kappa_score
and the krippendorff package (test-only dependencies), brute-force span counting, and
hand-made cases with known answers."""

from __future__ import annotations

import itertools
import math
import warnings
from collections import Counter

import krippendorff
import numpy as np
import pytest
import spacy
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sklearn.metrics import cohen_kappa_score

from goldspan.core.agreement import (
    MISSED,
    DocumentVersions,
    compute_agreement,
    document_disagreement,
    krippendorff_alpha,
    overlapping_pairs,
    token_labels,
)
from goldspan.core.types import Span

NLP = spacy.blank("en")
TEXT = "Angela Merkel met Macron in Paris."


def doc(doc_id: int, text: str, **versions: list[Span]) -> DocumentVersions:
    return DocumentVersions(doc_id, text, dict(versions))


# ------------------------------------------------------------ independent references
def ref_token_labels(text: str, spans: list[Span]) -> list[str]:
    """Paint every character with its span's label, read each token's first character."""
    painted = ["O"] * len(text)
    for s in spans:
        painted[s.start:s.end] = [s.label] * (s.end - s.start)
    return [painted[t.idx] for t in NLP(text) if not t.is_space]


def nan_to_none(value: float) -> float | None:
    return None if math.isnan(value) else float(value)


def ref_kappa(a: list[str], b: list[str]) -> float | None:
    if not a:
        return None
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return nan_to_none(cohen_kappa_score(a, b))


def ref_alpha(docs: list[DocumentVersions], names: list[str]) -> float | None:
    columns: list[list[str | None]] = []
    for d in docs:
        labelled = {n: ref_token_labels(d.text, d.versions[n]) for n in names if n in d.versions}
        n_tokens = len(next(iter(labelled.values()))) if labelled else 0
        for i in range(n_tokens):
            columns.append([labelled[n][i] if n in labelled else None for n in names])
    values = sorted({v for col in columns for v in col if v is not None})
    code = {v: float(i) for i, v in enumerate(values)}
    data = np.array([[code[c[k]] if c[k] is not None else np.nan for c in columns]
                     for k in range(len(names))], dtype=float)
    try:
        with warnings.catch_warnings(), np.errstate(all="ignore"):
            warnings.simplefilter("ignore")
            return nan_to_none(krippendorff.alpha(reliability_data=data,
                                                  level_of_measurement="nominal"))
    except (ValueError, ZeroDivisionError):
        return None  # "more than one value in the domain" / "a unit with two coders"


def ref_f1_partial(pairs: list[tuple[list[Span], list[Span]]]) -> float | None:
    n_a = sum(len(a) for a, _ in pairs)
    n_b = sum(len(b) for _, b in pairs)
    if n_a + n_b == 0:
        return None
    hit = lambda x, ys: any(x.label == y.label and x.overlaps(y.start, y.end) for y in ys)  # noqa: E731
    recall = sum(hit(x, b) for a, b in pairs for x in a) / n_a if n_a else 0.0
    precision = sum(hit(y, a) for a, b in pairs for y in b) / n_b if n_b else 0.0
    return 0.0 if recall + precision == 0 else 2 * precision * recall / (precision + recall)


def approx(value: float | None) -> object:
    return None if value is None else pytest.approx(value, abs=1e-9)


# ---------------------------------------------------------------- hand-made cases
def test_worked_example_by_hand() -> None:
    a = [Span(0, 13, "PER"), Span(27, 32, "LOC")]
    b = [Span(0, 6, "PER"), Span(18, 24, "PER"), Span(27, 32, "GPE")]
    result = compute_agreement([doc(1, TEXT, a=a, b=b)])
    p = result.pair("a", "b")
    assert p.documents == 1 and p.tokens == 7  # Angela Merkel met Macron in Paris .
    assert p.f1_exact == 0.0
    # precision 1/3 (B's PER 0-6 overlaps A's PER), recall 1/2: F1 = 0.4
    assert p.f1_partial == pytest.approx(0.4)
    # tokens A: PER PER O O O LOC O, B: PER O O PER O GPE O
    # p_o = 4/7; p_e = (PER 2*2 + O 4*4)/49 = 20/49; kappa = (28-20)/(49-20) = 8/29
    assert p.kappa_token == pytest.approx(8 / 29)
    assert p.kappa_token == pytest.approx(ref_kappa(
        ["PER", "PER", "O", "O", "O", "LOC", "O"], ["PER", "O", "O", "PER", "O", "GPE", "O"]))
    assert p.confusion == {("PER", "PER"): 1, (MISSED, "PER"): 1, ("LOC", "GPE"): 1}
    assert p.labels["PER"].confusion == {"PER": 1} and p.labels["PER"].missed_by_a == 1
    assert p.labels["LOC"].confusion == {"GPE": 1} and p.labels["LOC"].f1_exact == 0.0


def test_perfect_agreement_is_one() -> None:
    spans = [Span(0, 13, "PER"), Span(27, 32, "GPE")]
    r = compute_agreement([doc(1, TEXT, a=spans, b=list(spans), c=list(spans))])
    for p in r.pairs:
        assert (p.f1_exact, p.f1_partial, p.kappa_token) == (1.0, 1.0, 1.0)
        assert p.labels["PER"].f1_exact == 1.0
    assert r.alpha_token == 1.0 and r.documents == 1 and len(r.pairs) == 3


def test_all_outside_is_undefined_like_the_references() -> None:
    r = compute_agreement([doc(1, TEXT, a=[], b=[])])
    p = r.pair("a", "b")
    assert p.documents == 1
    assert (p.f1_exact, p.f1_partial, p.kappa_token, r.alpha_token) == (None, None, None, None)
    labels = ["O"] * 7
    assert ref_kappa(labels, labels) is None  # sklearn: nan
    with pytest.raises(ValueError):
        krippendorff.alpha(reliability_data=np.zeros((2, 7)), level_of_measurement="nominal")


def test_single_label_everywhere_is_undefined_but_spans_agree() -> None:
    r = compute_agreement([doc(1, "Paris", a=[Span(0, 5, "LOC")], b=[Span(0, 5, "LOC")])])
    p = r.pair("a", "b")
    assert p.f1_exact == 1.0 and p.f1_partial == 1.0
    assert p.kappa_token is None and ref_kappa(["LOC"], ["LOC"]) is None
    assert r.alpha_token is None


def test_single_label_with_outside_tokens() -> None:
    a = [Span(0, 6, "PER")]
    b = [Span(0, 13, "PER")]
    r = compute_agreement([doc(1, TEXT, a=a, b=b)])
    la, lb = ref_token_labels(TEXT, a), ref_token_labels(TEXT, b)
    assert r.pair("a", "b").kappa_token == approx(ref_kappa(la, lb))
    assert r.pair("a", "b").f1_exact == 0.0 and r.pair("a", "b").f1_partial == 1.0


def test_no_shared_documents() -> None:
    r = compute_agreement([doc(1, TEXT, a=[Span(0, 6, "PER")]),
                           doc(2, "Paris", b=[Span(0, 5, "LOC")])], annotators=["a", "b"])
    p = r.pair("a", "b")
    assert p.documents == 0 and r.documents == 0
    assert (p.f1_exact, p.f1_partial, p.kappa_token, r.alpha_token) == (None, None, None, None)
    assert compute_agreement([]).pairs == []


def test_one_side_empty_is_total_disagreement() -> None:
    p = compute_agreement([doc(1, TEXT, a=[Span(0, 6, "PER")], b=[])]).pair("a", "b")
    assert p.f1_exact == 0.0 and p.f1_partial == 0.0
    assert p.confusion == {("PER", MISSED): 1}


def test_krippendorff_textbook_example() -> None:
    # Krippendorff (2011), "Computing Krippendorff's alpha-reliability", nominal: 0.743
    data = [
        [1, 2, 3, 3, 2, 1, 4, 1, 2, None, None, None],
        [1, 2, 3, 3, 2, 2, 4, 1, 2, 5, None, 3],
        [None, 3, 3, 3, 2, 3, 4, 2, 2, 5, 1, None],
        [1, 2, 3, 3, 2, 4, 4, 1, 2, 5, 1, None],
    ]
    # Through the whole pipeline: one one-word document per unit, a missing value is an
    # annotator without a done version of that document.
    docs = []
    for u in range(12):
        versions = {f"c{k}": [Span(0, 1, f"V{row[u]}")] for k, row in enumerate(data)
                    if row[u] is not None}
        docs.append(DocumentVersions(u + 1, "x", versions))
    r = compute_agreement(docs, tokenizer=lambda text: [(0, 1)])
    assert r.alpha_token == pytest.approx(0.743, abs=5e-4)
    ref = krippendorff.alpha(reliability_data=np.array(data, dtype=float),
                             level_of_measurement="nominal")
    assert r.alpha_token == pytest.approx(ref, abs=1e-12)


def test_alpha_from_units_directly() -> None:
    # two coders, units (a,a) (a,b) (b,b): n=6, o_ab = o_ba = 1, alpha = 1 - 5*2/(36-18)
    assert krippendorff_alpha(Counter({("a", "a"): 1, ("a", "b"): 1, ("b", "b"): 1})) == \
        pytest.approx(1 - 5 * 2 / 18)
    assert krippendorff_alpha(Counter({("a",): 5})) is None


def test_labels_filter_ignores_other_spans() -> None:
    a = [Span(0, 13, "PER"), Span(27, 32, "LOC")]
    b = [Span(0, 13, "PER"), Span(27, 32, "GPE")]
    r = compute_agreement([doc(1, TEXT, a=a, b=b)], labels=["PER"])
    p = r.pair("a", "b")
    assert p.f1_exact == 1.0 and p.kappa_token == 1.0 and set(p.labels) == {"PER"}


def test_gold_is_never_compared() -> None:
    r = compute_agreement([doc(1, TEXT, a=[], b=[], gold=[Span(0, 6, "PER")])])
    assert r.annotators == ["a", "b"]


def test_document_disagreement_orders_lowest_first() -> None:
    per = [Span(0, 6, "PER")]
    docs = [
        doc(1, TEXT, a=per, b=per, c=per),                    # all agree: 1.0
        doc(2, TEXT, a=per, b=[Span(0, 6, "ORG")], c=per),    # a/c agree, b differs
        doc(3, TEXT, a=[], b=[]),                             # nothing to compare
        doc(4, TEXT, a=per, b=[]),                            # 0.0
        doc(5, TEXT, a=per),                                  # a single version: left out
    ]
    rows = document_disagreement(docs)
    assert [r.doc_id for r in rows] == [4, 2, 1, 3]
    two = rows[1]
    assert two.min_f1 == 0.0 and two.mean_f1 == pytest.approx(1 / 3)
    assert two.pairs == {("a", "b"): 0.0, ("a", "c"): 1.0, ("b", "c"): 0.0}
    assert rows[3].min_f1 is None and rows[3].mean_f1 is None


def test_token_labels_first_character_rule() -> None:
    text = "New York-based firms"
    tokens = [(t.idx, t.idx + len(t)) for t in NLP(text)]
    # a span starting inside "York" does not label that token, one covering its start does
    assert token_labels(tokens, [Span(5, 8, "LOC")]) == ref_token_labels(text, [Span(5, 8, "LOC")])
    assert token_labels(tokens, [Span(4, 6, "LOC")])[1] == "LOC"


def test_whitespace_tokens_are_left_out() -> None:
    text = "Paris  \n\n  is big"
    r = compute_agreement([doc(1, text, a=[Span(0, 5, "LOC")], b=[Span(0, 5, "LOC")])])
    assert r.tokens == 3


# ---------------------------------------------------------- random, with hypothesis
WORDS = ["Paris", "is", "New", "York", ",", "U.S.", "émoji🙂", "\n\n", "  ", "Merkel's", "(AP)"]
LABELS = ["PER", "ORG", "LOC"]


@st.composite
def corpora(draw: st.DrawFn) -> tuple[list[DocumentVersions], list[str]]:
    names = ["ann", "bea", "cid"][: draw(st.integers(2, 3))]
    labels = LABELS[: draw(st.integers(1, 3))]
    docs = []
    for doc_id in range(1, draw(st.integers(0, 4)) + 1):
        text = " ".join(draw(st.lists(st.sampled_from(WORDS), min_size=1, max_size=12)))
        versions = {}
        for n in names:
            if not draw(st.booleans()) and draw(st.booleans()):
                continue  # about a quarter of versions are missing
            cuts = sorted(draw(st.sets(st.integers(0, len(text)), max_size=8)))
            spans = [Span(s, e, draw(st.sampled_from(labels)))
                     for s, e in zip(cuts[::2], cuts[1::2], strict=False)]
            versions[n] = [s for s in spans if draw(st.integers(0, 3))]  # drop about 1 in 4
        docs.append(DocumentVersions(doc_id, text, versions))
    return docs, names


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(corpora())
def test_random_corpora_match_references(case: tuple[list[DocumentVersions], list[str]]) -> None:
    docs, names = case
    r = compute_agreement(docs, annotators=names)
    assert r.annotators == names and len(r.pairs) == len(names) * (len(names) - 1) // 2
    for x, y in itertools.combinations(names, 2):
        p = r.pair(x, y)
        shared = [d for d in docs if x in d.versions and y in d.versions]
        assert p.documents == len(shared)
        set_a = {(d.doc_id, *s.key()) for d in shared for s in d.versions[x]}
        set_b = {(d.doc_id, *s.key()) for d in shared for s in d.versions[y]}
        expected = None if not set_a and not set_b else \
            2 * len(set_a & set_b) / (len(set_a) + len(set_b))
        assert p.f1_exact == approx(expected)
        assert p.f1_partial == approx(ref_f1_partial(
            [(d.versions[x], d.versions[y]) for d in shared]))
        la = [t for d in shared for t in ref_token_labels(d.text, d.versions[x])]
        lb = [t for d in shared for t in ref_token_labels(d.text, d.versions[y])]
        assert p.tokens == len(la)
        assert p.kappa_token == approx(ref_kappa(la, lb))
        for label, lf in p.labels.items():
            ka = {k for k in set_a if k[3] == label}
            kb = {k for k in set_b if k[3] == label}
            assert (lf.a, lf.b, lf.exact) == (len(ka), len(kb), len(ka & kb))
            # the confusion matrix accounts for every span exactly once on each side
            assert sum(lf.confusion.values()) == lf.a
            col = sum(n for (_, col_label), n in p.confusion.items() if col_label == label)
            assert col == lf.b
    assert r.alpha_token == approx(ref_alpha(docs, names))


@settings(max_examples=200, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 30), st.integers(1, 6)), max_size=8),
       st.lists(st.tuples(st.integers(0, 30), st.integers(1, 6)), max_size=8))
def test_overlapping_pairs_match_brute_force(ra: list[tuple[int, int]],
                                             rb: list[tuple[int, int]]) -> None:
    def spans(raw: list[tuple[int, int]]) -> list[Span]:
        out: list[Span] = []
        for start, length in sorted(raw):
            if not out or start >= out[-1].end:
                out.append(Span(start, start + length, "X"))
        return out

    a, b = spans(ra), spans(rb)
    brute = [(i, j) for i, x in enumerate(a) for j, y in enumerate(b)
             if x.overlaps(y.start, y.end)]
    assert sorted(overlapping_pairs(a, b)) == brute
