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
    Deterministic: the selection is counted, then ``random.Random(seed).sample``
    chooses which item numbers are held out (``round(n * eval_split)``, at least one
    when the split is not zero and there are two items or more). With an empty
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
import random
import re
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import IO, Any, Callable, Iterable

from .errors import GoldspanError, InputError, ModelError
from .types import Record
from .outputs import Outputs, database_files
from .dataset import Options, SelectionStats, count, select, validated
from .store import Store

DEFAULT_MAX_STEPS = 1000
DEFAULT_EVAL_FREQUENCY = 100
DEFAULT_PATIENCE = 400
NAME_PREFIX = "goldspan_"


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
        }


def split_indices(total: int, eval_split: float, seed: int) -> set[int]:
    """Which item numbers (0-based, in selection order) are held out.

    Deterministic for a seed; at least one item is held out when the split is not
    zero and at least one is kept for training."""
    if total < 2 or eval_split <= 0:
        return set()
    n_eval = min(total - 1, max(1, round(total * eval_split)))
    return set(random.Random(seed).sample(range(total), n_eval))


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
    total = count(store, options)
    if total == 0:
        what = (f"annotator {annotator!r} has no done documents" if annotator
                else "no adjudicated (gold) documents" if gold_only
                else "no gold documents (accepted, status done, and not in conflict)")
        raise TrainError(f"nothing to train on: {what}; accept some documents first, "
                         "or check with 'goldspan stats'")
    held_out = split_indices(total, eval_split, seed)

    work = outputs.scratch(out)
    corpus = work / "corpus"
    corpus.mkdir()
    train_path, dev_path = corpus / "train.spacy", corpus / "dev.spacy"
    stats = SelectionStats()
    n_train, n_eval, misaligned, n_ents = _write_corpus(
        validated(select(store, options, stats), store.path), held_out, train_path,
        dev_path, total, written)
    if n_ents == 0:
        raise TrainError("the selected gold has no entities on token boundaries to "
                         "learn from; annotate some entities first")
    evaluated_on = "held-out" if n_eval else "train"
    eval_path = dev_path if n_eval else train_path

    steps = max_steps if max_steps is not None else DEFAULT_MAX_STEPS
    config = _config(lang, base_target, train_path, eval_path, steps, seed, progress_bar)
    output = work / "output"
    output.mkdir()
    _run_training(config, output, _HideTempPaths(log, str(work)))
    best = output / "model-best"
    if not (best / "meta.json").exists():  # no checkpoint was evaluated: keep last
        best = output / "model-last"

    name = pipeline_name(store.path)
    version = f"0.0.{int(time.time())}"
    _rewrite_meta(best, name=name, version=version, base=base_target, blank=blank,
                  train_docs=n_train, eval_docs=n_eval, store=store, seed=seed)

    before = evaluate_base(base_target, lang, eval_path)
    after = evaluate_pipeline(best, eval_path)
    from .spacy_models import model_id as _model_id

    mid = _model_id(_Meta(best))
    os.replace(best, target)
    return TrainResult(
        before=before, after=after, model=out, model_id=mid, train_docs=n_train,
        eval_docs=n_eval, evaluated_on=evaluated_on,
        base=base_target if base_target is not None else f"blank:{lang}",
        conflicts=stats.conflicts, misaligned=misaligned, steps=steps,
        seconds=time.monotonic() - started,
    )


class _HideTempPaths(io.TextIOBase):
    """The log as spaCy writes it, minus its lines about the temporary folder
    ("Saved pipeline to .../model-last"), which is gone once the pipeline is moved:
    ``render`` says where the result is."""

    def __init__(self, target: IO[str], hidden: str) -> None:
        self.target = target
        self.hidden = hidden

    def write(self, s: str) -> int:  # type: ignore[override]
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


def _write_corpus(
    items: Iterable[Any], held_out: set[int], train_path: Path, dev_path: Path,
    total: int, written: Callable[[int, int], None] | None,
) -> tuple[int, int, int, int]:
    """Stream the selection into train/dev ``.spacy`` files (the export's writer)."""
    from .formats.docbin import DocBinWriter

    train_w, dev_w = DocBinWriter(train_path), DocBinWriter(dev_path)
    n_train = n_eval = misaligned = n_ents = 0
    for i, item in enumerate(items):
        record = Record(text=item.document.text, spans=item.spans)
        writer = dev_w if i in held_out else train_w
        problems = writer.write(record, item.document.id)
        misaligned += len(problems)
        if i in held_out:
            n_eval += 1
        else:
            n_train += 1
            n_ents += len(item.spans) - len(problems)
        if written is not None:
            written(i + 1, total)
    train_w.close()
    dev_w.close()
    return n_train, n_eval, misaligned, n_ents


def _config(lang: str, base: str | None, train_path: Path, dev_path: Path, max_steps: int,
            seed: int, progress_bar: bool):  # type: ignore[no-untyped-def]
    """spaCy's generated NER config, adapted: corpus paths, steps, seed, and for a
    base pipeline its ``ner`` (plus the embedding layer it listens to) sourced."""
    from spacy.cli.init_config import init_config

    from .formats.docbin import set_corpus_paths

    config = init_config(lang=lang, pipeline=["ner"], optimize="efficiency", gpu=False)
    set_corpus_paths(config, train_path, dev_path)
    config["system"]["seed"] = seed
    T = config["training"]
    T["max_steps"] = max_steps
    # The last step is always an evaluated checkpoint, so model-best is never the
    # untrained step 0 when max_steps is small.
    T["eval_frequency"] = max(1, min(DEFAULT_EVAL_FREQUENCY, max_steps))
    T["patience"] = DEFAULT_PATIENCE
    T["logger"] = {"@loggers": "spacy.ConsoleLogger.v3",
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
    base_order = _base_meta(base).get("pipeline", sourced)
    config["nlp"]["pipeline"] = [p for p in base_order if p in sourced] or sourced
    config["initialize"]["before_init"] = {
        "@callbacks": "spacy.copy_from_base_model.v1", "tokenizer": base, "vocab": base}
    if _base_meta(base).get("vectors", {}).get("width"):
        config["initialize"]["vectors"] = base
    return config


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


def _run_training(config, output: Path, log: IO[str]):  # type: ignore[no-untyped-def]
    from spacy.training.initialize import init_nlp
    from spacy.training.loop import train as train_nlp

    try:
        nlp = init_nlp(config)
        nlp, _ = train_nlp(nlp, output, stdout=log, stderr=log)
    except GoldspanError:
        raise
    except Exception as err:  # noqa: BLE001 - spaCy/thinc raise many kinds
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

def eval_examples(nlp, path: Path) -> list:  # type: ignore[no-untyped-def]
    """The gold of a ``.spacy`` file as Examples tokenised by ``nlp`` (spaCy's
    ``Corpus`` reader, as training reads it)."""
    from spacy.training import Corpus

    return list(Corpus(str(path))(nlp))


def evaluate_pipeline(target: str | Path, path: Path) -> Scores:
    """Load a pipeline with what NER needs and score it with ``nlp.evaluate``."""
    from .spacy_models import load_for_ner

    nlp = load_for_ner(str(target))
    return Scores.from_spacy(nlp.evaluate(eval_examples(nlp, path)))


def evaluate_base(base: str | None, lang: str, path: Path) -> Scores:
    """The figures before training: the base's NER, or for a blank start a pipeline
    that predicts no entity (spaCy's NER scorer on untouched docs: zeros)."""
    if base is not None:
        return evaluate_pipeline(base, path)
    import spacy
    from spacy.scorer import get_ner_prf

    nlp = spacy.blank(lang)
    return Scores.from_spacy(get_ner_prf(eval_examples(nlp, path)))


def render(result: TrainResult) -> str:
    """The readable before/after table ``goldspan train`` prints."""
    lines = [
        f"trained {result.model_id} from {result.base} on {result.train_docs} documents "
        f"({result.steps} steps max, {result.seconds:.1f} s); saved to {result.model}",
        f"evaluated on {result.eval_docs} held-out documents" if result.evaluated_on == "held-out"
        else f"no held-out split: evaluated on the {result.train_docs} training documents",
    ]
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
