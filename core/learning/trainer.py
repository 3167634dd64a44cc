"""Training the NER on the accepted gold, for the loop: one plain function on
picklable inputs, so it runs in any process (the window's suggester child, a worker
process, ``goldspan replay``).

What it trains: an ``ner`` that predicts **only the project's labels**. From a base
pipeline (default ``en_core_web_sm``) its NER's token-to-vector and hidden layers are
kept (what it knows of English and of where names start and end) and the output layer
is made for the project's labels, so the base's other labels go (no PERSON in a
Person/Organisation project). An output row of a project label that the labels rule
maps base labels onto starts as those labels' rows (``Location`` from ``GPE`` and
``LOC``, weighted by how often the analysts turned each into it: ``head_from``); the
others start fresh. Measured on a split (train on the first 12 articles, count the
oracle's actions on the rest, the model alone): re3d 0.64x with only the tok2vec kept
and a fresh head, 0.63x with the rows, wikigold 0.61x and 0.52x. From ``blank`` a
fresh ``ner`` with its own tok2vec, as ``goldspan train --blank`` builds.

How: ``nlp.update`` in minibatches for a number of epochs (spaCy's own training loop
writes corpus files and evaluates checkpoints: seconds that a background loop does
not have). ``full`` retrains from the base on all accepted documents; ``incremental``
goes on from the previous generation on the new documents plus as many earlier ones
(rehearsal, so it does not forget them). ``goldspan replay`` measures both (README).
"""

from __future__ import annotations

import json
import random
import shutil
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Sequence

Example_ = tuple[str, tuple[tuple[int, int, str], ...]]

# A full training makes as many passes as fit in about WORD_BUDGET token updates
# (about 30 s here), between MIN_EPOCHS and MAX_EPOCHS: a few articles get many
# passes, a large corpus few, and the time stays near "one article of the analyst's".
WORD_BUDGET = 120_000
MIN_EPOCHS = 4
MAX_EPOCHS = 30
# An incremental update spends about half the full budget, on the new documents and
# as many earlier ones drawn afresh each epoch (rehearsal).
INCREMENTAL_SHARE = 0.5
BATCH = 4
DROPOUT = 0.2
# The first generation's learning rate. With a fresh output layer (and fresh hidden
# layer) 0.005 did best; started from the base's layers and rows, a gentler 0.002 keeps
# more of what they know (split above: re3d 0.63x -> 0.63x, wikigold 0.63x -> 0.52x
# against 0.005).
HEAD_LEARN_RATE = 0.002


@dataclass(frozen=True)
class TrainRequest:
    """Everything a training needs, picklable (plain tuples and strings)."""

    examples: tuple[Example_, ...]
    labels: tuple[str, ...]
    out: str
    generation: int
    base: str | None = "en_core_web_sm"  # None: blank
    lang: str = "en"
    mode: str = "full"  # or "incremental"
    previous: str | None = None  # the folder of the generation before (incremental)
    new: int = 0  # how many of ``examples`` (the last ones) are new since ``previous``
    epochs: int | None = None
    seed: int = 0
    word_budget: int = WORD_BUDGET
    # Incremental: how many earlier documents each epoch rehearses per new one
    # (drawn afresh each epoch; capped at all of them).
    rehearsal: float = 1.0
    # Per project label, the base labels its output row starts from and their weights
    # (the labels rule's evidence: how often each was turned into it). Empty: fresh.
    head_from: tuple[tuple[str, tuple[tuple[str, int], ...]], ...] = ()


@dataclass
class TrainedModel:
    """What a training produced: the pipeline folder and how long it took."""

    path: str
    generation: int
    documents: int
    labels: tuple[str, ...]
    seconds: float
    mode: str
    words: int = 0
    extra: dict[str, Any] = field(default_factory=dict)


def run_training(req: TrainRequest) -> TrainedModel:
    """Train as ``req`` says and write the pipeline to ``req.out`` (replaced)."""
    import spacy
    from spacy.training import Example

    from spacy.util import fix_random_seed

    started = time.monotonic()
    rng = random.Random(req.seed + req.generation)
    fix_random_seed(req.seed + req.generation)  # the same request trains the same model
    incremental = req.mode == "incremental" and req.previous is not None
    if incremental:
        nlp = spacy.load(str(req.previous))
        for label in req.labels:
            _ner(nlp).add_label(label)
    else:
        nlp, base_ner = _fresh(req)
    examples = [_example(nlp, Example, text, spans) for text, spans in req.examples]
    if incremental:
        new = examples[len(examples) - req.new:] if req.new else examples[-1:]
        old = examples[:len(examples) - len(new)]
        n_old = min(len(old), max(1, round(len(new) * req.rehearsal)))
        per_epoch = round((1 + min(req.rehearsal, len(old) / len(new)))
                          * sum(len(e.reference) for e in new)) or 1  # new + earlier
        epochs = req.epochs or max(MIN_EPOCHS, min(MAX_EPOCHS, round(
            req.word_budget * INCREMENTAL_SHARE / per_epoch)))
        optimizer = nlp.resume_training()
    else:
        new, old = examples, []
        n_words = sum(len(e.reference) for e in examples) or 1
        epochs = req.epochs or max(MIN_EPOCHS, min(MAX_EPOCHS, round(req.word_budget / n_words)))
        optimizer = (nlp.initialize(lambda: examples) if req.base is None
                     else _init_head(nlp, base_ner, examples, req))
    words = 0
    for _ in range(epochs):
        batch_set = list(new) + (rng.sample(old, n_old) if old else [])
        rng.shuffle(batch_set)
        for i in range(0, len(batch_set), BATCH):
            chunk = batch_set[i:i + BATCH]
            nlp.update(chunk, sgd=optimizer, drop=DROPOUT)
            words += sum(len(e.reference) for e in chunk)
    out = Path(req.out)
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = out.with_name(out.name + ".partial")
    shutil.rmtree(tmp, ignore_errors=True)
    nlp.meta["name"] = "goldspan_loop"
    nlp.meta["version"] = f"0.0.{req.generation}"
    nlp.meta["goldspan"] = {"generation": req.generation, "documents": len(examples),
                            "mode": "incremental" if incremental else "full",
                            "base": req.base}
    nlp.to_disk(tmp)
    shutil.rmtree(out, ignore_errors=True)
    tmp.rename(out)
    return TrainedModel(path=str(out), generation=req.generation, documents=len(examples),
                        labels=tuple(req.labels), seconds=time.monotonic() - started,
                        mode="incremental" if incremental else "full", words=words)


def _example(nlp: Any, example_cls: Any, text: str, spans: Sequence[tuple[int, int, str]]) -> Any:
    """A training example; spans off the tokenizer's boundaries are left out (never
    shifted), as ``goldspan train`` does."""
    doc = nlp.make_doc(text)
    ents = []
    for a, b, label in spans:
        span = doc.char_span(a, b, label)
        if span is not None:
            ents.append((a, b, label))
    return example_cls.from_dict(doc, {"entities": ents})


def _fresh(req: TrainRequest) -> tuple[Any, Any]:
    """The pipeline to train and the base's ``ner`` (None for blank): blank with one
    ``ner``, or the base's tokenizer and vocabulary with an ``ner`` of the base's
    architecture for the project's labels (its layers set in :func:`_init_head`)."""
    import spacy

    if req.base is None:
        nlp = spacy.blank(req.lang)
        nlp.add_pipe("ner")
        for label in req.labels:
            _ner(nlp).add_label(label)
        return nlp, None
    from ..spacy_models import load_for_ner

    nlp = load_for_ner(req.base)
    config = nlp.get_pipe_config("ner")
    base_ner = _ner(nlp)
    nlp.replace_pipe("ner", "ner", config={k: v for k, v in config.items() if k != "factory"})
    for label in req.labels:
        _ner(nlp).add_label(label)
    return nlp, base_ner


def _ner(nlp: Any) -> Any:
    """The pipeline's ``ner`` (spaCy types ``get_pipe`` as a plain callable)."""
    return nlp.get_pipe("ner")


def _init_head(nlp: Any, base_ner: Any, examples: list[Any], req: TrainRequest) -> Any:
    """Initialise the new ``ner`` for the project's labels, then put the base's
    token-to-vector and hidden layers back into it, and start each mapped label's
    output rows (its B, I, L and U moves) from the base labels it maps from, and the
    O move from the base's."""
    ner = nlp.get_pipe("ner")
    # The component alone: the base's initialize block wants lookup tables that the
    # packaged pipeline does not need at run time.
    ner.initialize(lambda: examples, nlp=nlp)
    base, model = base_ner.model, ner.model
    for ref in ("tok2vec", "lower"):
        model.get_ref(ref).from_bytes(base.get_ref(ref).to_bytes())
    _rows_from_base(ner, base_ner, dict(req.head_from))
    optimizer = nlp.create_optimizer()
    optimizer.learn_rate = HEAD_LEARN_RATE
    return optimizer


def _rows_from_base(ner: Any, base_ner: Any,
                    head_from: dict[str, tuple[tuple[str, int], ...]]) -> None:
    upper, base_upper = ner.model.get_ref("upper"), base_ner.model.get_ref("upper")
    base_w, base_b = base_upper.get_param("W"), base_upper.get_param("b")
    w, b = upper.get_param("W").copy(), upper.get_param("b").copy()
    base_moves = {base_ner.moves.get_class_name(i): i for i in range(base_ner.moves.n_moves)}
    for i in range(ner.moves.n_moves):
        name = ner.moves.get_class_name(i)
        move, _, label = name.partition("-")
        sources = [(base_moves[f"{move}-{src}"], n) for src, n in head_from.get(label, ())
                   if f"{move}-{src}" in base_moves and n > 0] if label else []
        if not label and name in base_moves:
            sources = [(base_moves[name], 1)]
        if sources:
            total = sum(n for _, n in sources)
            w[i] = sum(base_w[j] * n for j, n in sources) / total
            b[i] = sum(base_b[j] * n for j, n in sources) / total
    upper.set_param("W", w)
    upper.set_param("b", b)


def read_meta(path: str | Path) -> dict[str, Any]:
    return dict(json.loads((Path(path) / "meta.json").read_text(encoding="utf-8")))
