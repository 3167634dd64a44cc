"""Training a spaCy NER pipeline on the gold, with spaCy's own training loop.

Why spaCy's loop and not a hand-written ``nlp.update`` loop: the pipeline that comes
out is an ordinary spaCy pipeline (config, meta, weights) that ``spacy.load``,
``spacy package`` and ``goldspan suggest --model DIR`` take as they are, and the
training behaves exactly as ``spacy train`` does with the same config.

What is trained on
    The same versions ``export`` writes (:mod:`goldspan.core.dataset`): by default
    "the gold" of each document, or ``--gold`` (adjudicated only) or
    ``--annotator A``. Texts are tokenised with spaCy's blank tokenizer, as the
    ``.spacy`` export does (:class:`goldspan.core.formats.docbin.DocBinWriter`);
    spans that do not fall on token boundaries are left out and counted, never
    shifted.

Split
    Deterministic: the selection is counted, then :func:`goldspan.core.dataset.split`
    (the one split ``export --split`` uses too: the same seed and share hold out the
    same documents) chooses which item numbers are held out (``n * eval_split``
    rounded half up, at least one held out and one kept when the split is not zero and
    there are two items or more). With an empty
    held-out split the figures are measured on the training data, and say so
    (``evaluated_on``).

Base or blank
    ``base="en_core_web_sm"`` sources the base pipeline's ``ner`` (and the embedding
    component it listens to, if any: the small CNN pipelines' ``ner`` has its own
    tok2vec) and its tokenizer and vocabulary, then goes on training it; labels the
    gold uses and the base does not know are added by spaCy as the examples arrive.
    ``blank="en"`` starts from spaCy's own ``init config --pipeline ner`` (efficiency)
    with the tok2vec layer inside ``ner``, so the result is a single ``ner``
    component, like the small pipelines, and suggests at ``ner``-only speed.

Figures
    "before" is the base pipeline's NER on the held-out examples (for ``blank``, a
    pipeline that predicts nothing: zeros), "after" the trained one, both with
    spaCy's ``Scorer`` (``nlp.evaluate``: exact-match entity P/R/F, per label). The
    pipeline shipped is spaCy's ``model-best`` (the best checkpoint on the held-out
    split; with ties the later one), so "after" is measured on the split that chose
    the checkpoint: an optimistic estimate, as ``spacy train``'s own is.

Output
    The pipeline gets a name of its own in ``meta.json`` (``goldspan_<db name>``,
    version ``0.0.<unix time>``), never the base's, so its suggestions are stored
    apart (``en_goldspan_news@0.0.1764337243``). ``out`` is written through
    :mod:`goldspan.core.outputs`, like every output: it may be new, empty, or a folder
    goldspan wrote (its manifest proves every file unchanged), and is replaced only once
    the new pipeline is complete; the work happens in a temporary folder beside it that
    an error, Ctrl-C or ``kill -9`` (cleaned by the next run) leaves nowhere.
"""

from __future__ import annotations

import io
import json
import os
import re
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any, Callable, Iterable, cast

from .errors import GoldspanError, InputError, ModelError
from .evidence import FEW_DOCUMENTS, FEW_ENTITIES, too_few
from .types import Record
from .outputs import Outputs, database_files
from .dataset import Options, SelectionStats, count, select, split, validated
from .storage import Store

DEFAULT_MAX_STEPS = 1000
DEFAULT_EVAL_FREQUENCY = 100
DEFAULT_PATIENCE = 400
NAME_PREFIX = "goldspan_"

if TYPE_CHECKING:  # pragma: no cover
    from spacy.language import Language
    from spacy.training import Example
    from thinc.api import Config


class TrainError(GoldspanError):
    """Training that cannot start or did not finish (no gold, bad options, spaCy)."""

    code = "E500"


@dataclass
class Scores:
    """Exact-match entity figures as spaCy's ``Scorer`` computes them."""

    precision: float
    recall: float
    f1: float
    per_label: dict[str, dict[str, float]] = field(default_factory=dict)

    @classmethod
    def from_spacy(cls, scores: dict[str, Any]) -> "Scores":
        """From ``nlp.evaluate`` / ``get_ner_prf`` output. spaCy gives ``None`` when
        there is nothing to score (no gold and no predicted entity): that is 0 here,
        so the JSON always holds numbers."""
        per = scores.get("ents_per_type") or {}
        return cls(
            precision=float(scores.get("ents_p") or 0.0),
            recall=float(scores.get("ents_r") or 0.0),
            f1=float(scores.get("ents_f") or 0.0),
            per_label={
                label: {"precision": float(v["p"]), "recall": float(v["r"]),
                        "f1": float(v["f"])}
                for label, v in sorted(per.items())
            },
        )

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass
class TrainResult:
    before: Scores
    after: Scores
    model: Path
    model_id: str
    train_docs: int
    eval_docs: int
    evaluated_on: str  # "held-out" or "train"
    base: str
    conflicts: int = 0
    misaligned: int = 0
    steps: int = 0
    seconds: float = 0.0
    labels: tuple[str, ...] = ()
    eval_entities: int = 0
    warning: str | None = None

    def to_json(self) -> dict[str, Any]:
        """The shape ``goldspan train --json`` prints (issue 5) plus a few extras."""
        return {
            "before": self.before.to_dict(),
            "after": self.after.to_dict(),
            "model": str(self.model),
            "model_id": self.model_id,
            "train_docs": self.train_docs,
            "eval_docs": self.eval_docs,
            "evaluated_on": self.evaluated_on,
            "base": self.base,
            "conflicts": self.conflicts,
            "misaligned": self.misaligned,
            "seconds": round(self.seconds, 2),
            "labels": list(self.labels),
            "eval_entities": self.eval_entities,
            "warning": self.warning,
        }


def pipeline_name(db_path: Path | None) -> str:
    """``goldspan_<db stem>``, lower case, only ``[a-z0-9_]`` (spaCy package names)."""
    stem = db_path.stem if db_path is not None else "memory"
    safe = re.sub(r"[^a-z0-9_]+", "_", stem.lower()).strip("_") or "db"
    return NAME_PREFIX + safe


def train(
    store: Store,
    out: str | Path,
    *,
    base: str | None = None,
    blank: str | None = None,
    gold_only: bool = False,
    annotator: str | None = None,
    eval_split: float = 0.2,
    seed: int = 0,
    max_steps: int | None = None,
    log: IO[str] | None = None,
    progress_bar: bool = False,
    written: Callable[[int, int], None] | None = None,
) -> TrainResult:
    """Train on the selected versions and write the pipeline to ``out``.

    ``log`` receives spaCy's training table (the CLI passes stderr so that ``--json``
    keeps stdout clean); ``progress_bar`` adds spaCy's tqdm bar over the steps.
    ``written(i, total)`` is called as the corpus is written.
    """
    started = time.monotonic()
    if base is not None and blank is not None:
        raise InputError("--base and --blank exclude each other; pass one")
    if base is None and blank is None:
        from .spacy_models import DEFAULT_MODEL

        base = DEFAULT_MODEL
    if gold_only and annotator is not None:
        raise InputError("--gold and --annotator exclude each other; pass one")
    if not 0.0 <= eval_split < 1.0:
        raise InputError(f"--eval-split {eval_split} should be at least 0 and below 1 "
                         "(e.g. 0.2 to hold out a fifth)")
    if max_steps is not None and max_steps < 1:
        raise InputError("--max-steps should be 1 or more")
    out = Path(out)
    log = log if log is not None else io.StringIO()
    with Outputs(protect=database_files(store.path)) as outputs:
        # Registered first: a refused --out is said before the base is loaded.
        target = outputs.folder(out, owner="goldspan train")
        return _train(store, outputs, out, target, base=base, blank=blank,
                      gold_only=gold_only, annotator=annotator, eval_split=eval_split,
                      seed=seed, max_steps=max_steps, log=log, progress_bar=progress_bar,
                      written=written, started=started)


def _train(store: Store, outputs: Outputs, out: Path, target: Path, *, base: str | None,
           blank: str | None, gold_only: bool, annotator: str | None, eval_split: float,
           seed: int, max_steps: int | None, log: IO[str], progress_bar: bool,
           written: Callable[[int, int], None] | None, started: float) -> TrainResult:
    """The work of :func:`train`; the pipeline ends up in ``target`` (``out``'s
    temporary name), which ``outputs`` swaps in once this returns; the scratch folder
    is removed by ``outputs`` whatever happens."""
    base_target, lang = _resolve_base(base, blank)
    options = Options(annotator=annotator, gold_only=gold_only)
    work = outputs.scratch(out)
    corpus = work / "corpus"
    corpus.mkdir()
    train_path, dev_path = corpus / "train.spacy", corpus / "dev.spacy"
    stats = SelectionStats()
    # the count (which the split draws from) and the corpus from one view of the
    # database; held while the corpus is written, not while spaCy trains
    with store.snapshot():
        n_train, n_eval, misaligned, n_ents, labels, eval_ents = _corpus(
            store, options, stats, eval_split, seed, train_path, dev_path, written)
    if n_ents == 0:
        raise TrainError("the selected gold has no entities on token boundaries to "
                         "learn from; annotate some entities first")
    evaluated_on = "held-out" if n_eval else "train"
    eval_path = dev_path if n_eval else train_path

    steps = max_steps if max_steps is not None else DEFAULT_MAX_STEPS
    custom = base_target is not None and not set(labels) <= set(_base_labels(base_target))
    config = _config(lang, base_target, train_path, eval_path, steps, seed, progress_bar,
                     labels=labels if custom else None)
    output = work / "output"
    output.mkdir()
    # a text file object to spaCy (typeshed's TextIOBase is not an IO[str])
    _run_training(config, output, cast(IO[str], _HideTempPaths(log, str(work))))
    best = output / "model-best"
    if not (best / "meta.json").exists():  # no checkpoint was evaluated: keep last
        best = output / "model-last"

    name = pipeline_name(store.path)
    version = f"0.0.{int(time.time())}"
    _rewrite_meta(best, name=name, version=version, base=base_target, blank=blank,
                  train_docs=n_train, eval_docs=n_eval, store=store, seed=seed)

    before = evaluate_base(base_target, lang, eval_path, train_path=train_path,
                           labels=labels, label_map=store.label_map())
    after = evaluate_pipeline(best, eval_path)
    from .spacy_models import model_id as _model_id

    mid = _model_id(_Meta(best))
    os.replace(best, target)
    return TrainResult(
        before=before, after=after, model=out, model_id=mid, train_docs=n_train,
        eval_docs=n_eval, evaluated_on=evaluated_on,
        base=base_target if base_target is not None else f"blank:{lang}",
        conflicts=stats.conflicts, misaligned=misaligned, steps=steps,
        seconds=time.monotonic() - started, labels=tuple(labels),
        eval_entities=eval_ents if n_eval else n_ents,
        warning=few_warning(n_eval if n_eval else n_train, eval_ents if n_eval else n_ents,
                            evaluated_on),
    )


def few_warning(docs: int, entities: int, evaluated_on: str) -> str | None:
    """The warning that goes with figures measured on too little to mean much."""
    if evaluated_on == "train":
        return (f"measured on the {docs} training documents themselves: the figures say "
                "how well it learnt them, not how it will do on new articles")
    if too_few(docs, entities):
        return (f"measured on only {docs} held-out document{'s' if docs != 1 else ''} "
                f"({entities} entities): too few to mean much (a single article moves them "
                f"a lot); annotate more or raise --eval-split, to at least {FEW_DOCUMENTS} "
                f"documents and {FEW_ENTITIES} entities")
    return None


class _HideTempPaths(io.TextIOBase):
    """The log as spaCy writes it, minus its lines about the temporary folder
    ("Saved pipeline to .../model-last"), which is gone once the pipeline is moved:
    ``render`` says where the result is."""

    def __init__(self, target: IO[str], hidden: str) -> None:
        self.target = target
        self.hidden = hidden

    def write(self, s: str) -> int:
        if self.hidden not in s:
            self.target.write(s)
        return len(s)

    def flush(self) -> None:
        self.target.flush()

    def isatty(self) -> bool:
        return bool(getattr(self.target, "isatty", lambda: False)())


class _Meta:
    """Just enough of a ``Language`` for :func:`spacy_models.model_id`: its meta."""

    def __init__(self, folder: Path) -> None:
        self.meta = json.loads((folder / "meta.json").read_text(encoding="utf-8"))


# --------------------------------------------------------------------- pieces
def _resolve_base(base: str | None, blank: str | None) -> tuple[str | None, str]:
    """(what ``spacy.load`` takes for the base, or None for blank; the language)."""
    if blank is not None:
        import spacy

        try:
            spacy.blank(blank)
        except Exception:  # noqa: BLE001 - spaCy raises ImportError/ValueError
            raise InputError(f"--blank {blank!r}: not a language code spaCy knows "
                             "(e.g. en, de, fr)") from None
        return None, blank
    from .spacy_models import resolve

    target = resolve(base)
    meta = _base_meta(target)
    return target, str(meta.get("lang") or "en")


def _base_meta(target: str) -> dict[str, Any]:
    import spacy

    try:
        folder = Path(target) if Path(target).exists() else spacy.util.get_package_path(target)
        return dict(spacy.util.load_meta(folder / "meta.json"))
    except Exception as err:  # noqa: BLE001
        raise ModelError(f"cannot read the meta of spaCy pipeline {target!r}: {err}") from None


def _corpus(store: Store, options: Options, stats: SelectionStats, eval_split: float,
            seed: int, train_path: Path, dev_path: Path,
            written: Callable[[int, int], None] | None
            ) -> tuple[int, int, int, int, list[str], int]:
    """Count the selection, draw the held-out items and write both corpora (what
    :func:`_write_corpus` returns); refused when there is nothing to train on."""
    annotator = options.annotator
    gold_only = options.gold_only
    total = count(store, options)
    if total == 0:
        what = (f"annotator {annotator!r} has no done documents" if annotator
                else "no adjudicated (gold) documents" if gold_only
                else "no gold documents (accepted, status done, and not in conflict)")
        raise TrainError(f"nothing to train on: {what}; accept some documents first, "
                         "or check with 'goldspan stats'")
    held_out = split(total, eval_split, seed)
    return _write_corpus(validated(select(store, options, stats), store.path), held_out,
                         train_path, dev_path, total, written)


def _write_corpus(
    items: Iterable[Any], held_out: set[int], train_path: Path, dev_path: Path,
    total: int, written: Callable[[int, int], None] | None,
) -> tuple[int, int, int, int, list[str], int]:
    """Stream the selection into train/dev ``.spacy`` files (the export's writer)."""
    from .formats.docbin import DocBinWriter

    train_w, dev_w = DocBinWriter(train_path), DocBinWriter(dev_path)
    n_train = n_eval = misaligned = n_ents = eval_ents = 0
    labels: dict[str, None] = {}
    for i, item in enumerate(items):
        record = Record(text=item.document.text, spans=item.spans)
        writer = dev_w if i in held_out else train_w
        problems = writer.write(record, item.document.id)
        misaligned += len(problems)
        for sp in item.spans:
            labels.setdefault(sp.label, None)
        if i in held_out:
            n_eval += 1
            eval_ents += len(item.spans) - len(problems)
        else:
            n_train += 1
            n_ents += len(item.spans) - len(problems)
        if written is not None:
            written(i + 1, total)
    train_w.close()
    dev_w.close()
    return n_train, n_eval, misaligned, n_ents, sorted(labels), eval_ents


def _config(lang: str, base: str | None, train_path: Path, dev_path: Path, max_steps: int,
            seed: int, progress_bar: bool, *,
            labels: list[str] | None = None) -> Config:
    """spaCy's generated NER config, adapted: corpus paths, steps, seed, and for a
    base pipeline its ``ner`` (plus the embedding layer it listens to) sourced.

    With ``labels`` (a custom label set: the gold has labels the base does not
    know) the ``ner`` is not sourced but made afresh with the base's architecture and
    only those labels, and the base's token-to-vector weights are copied into it after
    initialisation (:func:`_copy_tok2vec`): it keeps what the base knows of English
    and predicts only the project's labels (issue 13: no PERSON in a Person project)."""
    from spacy.cli.init_config import init_config

    from .formats.docbin import set_corpus_paths

    config = init_config(lang=lang, pipeline=["ner"], optimize="efficiency", gpu=False)
    set_corpus_paths(config, train_path, dev_path)
    config["system"]["seed"] = seed
    training = config["training"]
    training["max_steps"] = max_steps
    # The last step is always an evaluated checkpoint, so model-best is never the
    # untrained step 0 when max_steps is small.
    training["eval_frequency"] = max(1, min(DEFAULT_EVAL_FREQUENCY, max_steps))
    training["patience"] = DEFAULT_PATIENCE
    training["logger"] = {"@loggers": "spacy.ConsoleLogger.v3",
                   "progress_bar": "train" if progress_bar else None,
                   "console_output": True, "output_file": None}
    if base is None:
        # One ``ner`` with its own tok2vec, like the small CNN pipelines.
        import copy

        tok2vec = copy.deepcopy(dict(config["components"]["tok2vec"]["model"]))
        tok2vec["embed"]["width"] = tok2vec["encode"]["width"]  # was a ${...} reference
        config["components"]["ner"]["model"]["tok2vec"] = tok2vec
        del config["components"]["tok2vec"]
        config["nlp"]["pipeline"] = ["ner"]
        return config
    sourced = ["ner", *_listened_to(base)]
    config["components"] = {name: {"source": base} for name in sourced}
    if labels is not None and sourced == ["ner"]:
        import spacy

        _register_callbacks()
        ner = dict(spacy.load(base).config["components"]["ner"])
        config["components"]["ner"] = ner
        config["initialize"]["components"] = {"ner": {"labels": None}}
        config["initialize"]["after_init"] = {"@callbacks": "goldspan.copy_ner_tok2vec.v1",
                                              "base": base}
    base_order = _base_meta(base).get("pipeline", sourced)
    config["nlp"]["pipeline"] = [p for p in base_order if p in sourced] or sourced
    config["initialize"]["before_init"] = {
        "@callbacks": "spacy.copy_from_base_model.v1", "tokenizer": base, "vocab": base}
    if _base_meta(base).get("vectors", {}).get("width"):
        config["initialize"]["vectors"] = base
    return config


def _base_labels(base: str) -> list[str]:
    meta = _base_meta(base)
    return list(meta.get("labels", {}).get("ner", []))


def _register_callbacks() -> None:
    """``goldspan.copy_ner_tok2vec.v1``: after spaCy initialises the fresh ``ner``,
    put the base ``ner``'s token-to-vector weights into it (same architecture)."""
    from spacy.util import registry

    if "goldspan.copy_ner_tok2vec.v1" in registry.callbacks.get_all():
        return

    @registry.callbacks("goldspan.copy_ner_tok2vec.v1")
    def _make(base: str):  # type: ignore[no-untyped-def]
        def copy(nlp):  # type: ignore[no-untyped-def]
            _copy_tok2vec(base, nlp)
            return nlp
        return copy


def _copy_tok2vec(base: str, nlp: Any) -> None:
    from .spacy_models import load_for_ner

    source = cast(Any, load_for_ner(base).get_pipe("ner")).model.get_ref("tok2vec")
    nlp.get_pipe("ner").model.get_ref("tok2vec").from_bytes(source.to_bytes())


def _listened_to(base: str) -> list[str]:
    """Components of the base whose output ``ner`` listens to (shared tok2vec or
    transformer); empty for the small CNN pipelines, whose ``ner`` embeds its own."""
    import spacy

    try:
        nlp = spacy.load(base)
    except Exception as err:  # noqa: BLE001
        raise ModelError(f"cannot load spaCy pipeline {base!r}: {err}") from None
    if "ner" not in nlp.pipe_names:
        raise ModelError(f"spaCy pipeline {base!r} has no 'ner' component to train")
    return [name for name, pipe in nlp.pipeline
            if name != "ner" and "ner" in getattr(pipe, "listening_components", [])]


def _run_training(config: Config, output: Path, log: IO[str]) -> Language:
    from spacy.training.initialize import init_nlp
    from spacy.training.loop import train as train_nlp

    try:
        nlp = init_nlp(config)
        nlp, _ = train_nlp(nlp, output, stdout=log, stderr=log)
    except GoldspanError:
        raise
    except Exception as err:  # spaCy/thinc raise many kinds: one line, the cause chained
        first = str(err).strip().splitlines()[0] if str(err).strip() else type(err).__name__
        raise TrainError(f"spaCy training failed: {first}") from err
    return nlp


def _rewrite_meta(folder: Path, *, name: str, version: str, base: str | None,
                  blank: str | None, train_docs: int, eval_docs: int, store: Store,
                  seed: int) -> None:
    meta_path = folder / "meta.json"
    meta = json.loads(meta_path.read_text(encoding="utf-8"))
    meta["name"] = name
    meta["version"] = version
    origin = f"the NER of {base}" if base else f"a blank '{blank}' pipeline"
    meta["description"] = (f"NER trained by goldspan from {origin} on {train_docs} gold "
                           f"documents of {store.path.name if store.path else 'a database'}.")
    meta["goldspan"] = {
        "database": str(store.path) if store.path else None,
        "base": base, "blank": blank, "train_docs": train_docs, "eval_docs": eval_docs,
        "seed": seed,
    }
    tmp = meta_path.with_name("meta.json.partial")
    tmp.write_text(json.dumps(meta, indent=2, ensure_ascii=False), encoding="utf-8")
    os.replace(tmp, meta_path)

def eval_examples(nlp: Language, path: Path) -> list[Example]:
    """The gold of a ``.spacy`` file as Examples tokenised by ``nlp`` (spaCy's
    ``Corpus`` reader, as training reads it)."""
    from spacy.training import Corpus

    return list(Corpus(str(path))(nlp))


def evaluate_pipeline(target: str | Path, path: Path) -> Scores:
    """Load a pipeline with what NER needs and score it with ``nlp.evaluate``."""
    from .spacy_models import load_for_ner

    nlp = load_for_ner(str(target))
    return Scores.from_spacy(nlp.evaluate(eval_examples(nlp, path)))


def evaluate_base(base: str | None, lang: str, path: Path, *,
                  train_path: Path | None = None, labels: list[str] | None = None,
                  label_map: dict[str, str | None] | None = None) -> Scores:
    """The figures before training: the base's NER, or for a blank start a pipeline
    that predicts no entity (spaCy's NER scorer on untouched docs: zeros).

    With ``labels`` the base's output first goes through the project's labels rule
    (:mod:`goldspan.core.learning.label_map`), as the window shows it: the rule the
    user set (``label_map``), the rest learnt from the training split (so GPE counts
    as Location where the analysts made it so, and "before" is not 0.0 just because
    the names differ)."""
    if base is not None and labels is not None:
        return _evaluate_mapped(base, path, train_path, labels, label_map or {})
    if base is not None:
        return evaluate_pipeline(base, path)
    import spacy
    from spacy.scorer import get_ner_prf

    nlp = spacy.blank(lang)
    return Scores.from_spacy(get_ner_prf(eval_examples(nlp, path)))


def _evaluate_mapped(base: str, path: Path, train_path: Path | None, labels: list[str],
                     label_map: dict[str, str | None]) -> Scores:
    from spacy.scorer import Scorer
    from spacy.training import Example

    from .learning.label_map import LabelMap
    from .types import Span, Suggestion
    from .spacy_models import load_for_ner

    nlp = load_for_ner(base)
    rule = LabelMap(labels, label_map)

    def predicted(examples: list[Any]) -> list[list[Suggestion]]:
        docs = nlp.pipe([eg.reference.text for eg in examples], batch_size=32)
        return [[Suggestion(e.start_char, e.end_char, e.label_) for e in doc.ents]
                for doc in docs]

    if train_path is not None and train_path != path:
        train_examples = eval_examples(nlp, train_path)[:500]
        for eg, raw in zip(train_examples, predicted(train_examples), strict=True):
            rule.observe(raw, [Span(e.start_char, e.end_char, e.label_)
                               for e in eg.reference.ents])
    examples = eval_examples(nlp, path)
    scored = []
    for eg, raw in zip(examples, predicted(examples), strict=True):
        doc = nlp.make_doc(eg.reference.text)
        spans = [doc.char_span(s.start, s.end, s.label) for s in rule.apply(raw)]
        doc.ents = [sp for sp in spans if sp is not None]
        scored.append(Example(doc, eg.reference))
    return Scores.from_spacy(Scorer.score_spans(scored, "ents"))


def render(result: TrainResult) -> str:
    """The readable before/after table ``goldspan train`` prints."""
    lines = [
        f"trained {result.model_id} from {result.base} on {result.train_docs} documents "
        f"({result.steps} steps max, {result.seconds:.1f} s); saved to {result.model}",
        f"evaluated on {result.eval_docs} held-out documents ({result.eval_entities} entities)"
        if result.evaluated_on == "held-out"
        else f"no held-out split: evaluated on the {result.train_docs} training documents",
    ]
    if result.warning:
        lines.append(f"warning: {result.warning}")
    if result.conflicts:
        lines.append(f"{result.conflicts} documents left out: annotators disagree and no gold")
    if result.misaligned:
        lines.append(f"{result.misaligned} spans not on spaCy token boundaries left out")
    lines.append(f"{'':<16}{'before P':>9}{'R':>7}{'F':>7}   {'after P':>8}{'R':>7}{'F':>7}")
    b, a = result.before, result.after

    def row(name: str, x: dict[str, float] | None, y: dict[str, float] | None) -> str:
        def cells(d: dict[str, float] | None, first: int) -> str:
            if d is None:
                return f"{'-':>{first}}{'-':>7}{'-':>7}"
            return (f"{d['precision'] * 100:>{first}.1f}{d['recall'] * 100:>7.1f}"
                    f"{d['f1'] * 100:>7.1f}")
        return f"{name[:15]:<16}{cells(x, 9)}   {cells(y, 8)}"

    lines.append(row("ALL", {"precision": b.precision, "recall": b.recall, "f1": b.f1},
                     {"precision": a.precision, "recall": a.recall, "f1": a.f1}))
    for label in sorted(set(b.per_label) | set(a.per_label)):
        lines.append(row(label, b.per_label.get(label), a.per_label.get(label)))
    return "\n".join(lines)
