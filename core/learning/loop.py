"""The learning loop: one object that owns everything between a model's output and
what the analyst sees, and learns from every accepted document.

The window (in its suggester child process) and ``goldspan replay`` drive the same
:class:`LearningLoop`, with the same calls::

    shown = loop.suggest(doc_id, text)       # what the window shows for a new version
    loop.accept(doc_id, text, gold_spans)    # Enter: teaches every part at once
    loop.unaccept(doc_id)                    # Ctrl+Z of an accept: unlearns it
    request = loop.training_request(workdir) # None, or a picklable TrainRequest
    trained = run_training(request)          # anywhere: a worker process, a thread
    loop.install(trained)                    # the new generation suggests from now on

What ``suggest`` does, in order (each step can be switched off in :class:`LoopConfig`,
which is how ``goldspan replay --config`` measures what each one is worth):

1. the statistical model's entities: the base's, and once a generation is trained
   its entities too; per label the source that saved more on the same articles
   leads and the other only fills in (:meth:`LearningLoop.lead`);
2. the project's labels rule (:mod:`.label_map`): mapped many-to-one or dropped;
3. the gate (:mod:`.gate`): labels whose suggestions were more often spurious than
   right in the accepted gold are held back;
4. the phrase index (:mod:`.phrases`): strings the analysts labelled, where their
   precision in the accepted gold is high enough, replacing the model spans they
   overlap (:func:`.phrases.combine`);
5. one label per string in the article (:func:`goldspan.core.carry.one_label_per_string`):
   a string shown with two labels takes the one it has most often there.

In the window, each correction of the analyst's is then carried on to the untouched
suggestions after it in the article (:mod:`goldspan.core.carry`); ``goldspan replay``
counts what is left after that (``LoopConfig.carry``).

Training policy (:meth:`LearningLoop.training_request`): the first training starts
once ``first_training`` documents are accepted, the next ones whenever the accepted
documents have grown by ``growth`` (a half) since the last one started, and never
while one is running. Each generation is trained from the base on all the accepted
documents (``train="full"``): it depends on the accepted gold alone, so an undone
accept is truly gone from the next one, whatever the order of the accepts.
``train="incremental"`` goes on from the previous generation on the new
documents with as many earlier ones (rehearsal), in about half the time; measured
with ``goldspan replay`` and the corrections carried through the article, it saves
less on re3d and more on wikigold and GUM, and misses issue 13's target on re3d's
second half, which full retrains meet (README). A generation replaces the suggester
only when it is complete (:meth:`install`); documents already suggested keep what
they were shown.

Everything learnt is derived from the accepted documents the loop holds, with counts
that an undone accept subtracts exactly (or, for the NER, that the next training
leaves out).
"""

from __future__ import annotations

import math
from collections import Counter
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path
from typing import Any, Iterable, Sequence

from ..carry import one_label_per_string
from ..types import Span, Suggestion
from .costs import outcome
from .gate import LEVELS, STRENGTH, Gate, relation
from .label_map import LabelMap
from .phrases import DEFAULT_PRIOR, DEFAULT_THRESHOLD, Conflicts, PhraseIndex, combine
from .trainer import WORD_BUDGET, TrainedModel, TrainRequest

BASE = "base"  # the model suggesting before any training, through the labels rule
MODEL = "model"  # the latest trained generation, where the base does not say the same
AGREE = "model=base"  # the trained generation and the base say the same entity
BASE_FILL = "base-fill"  # the base's entities where the trained generation is silent
MODEL_FILL = "model-fill"  # the trained generation's where the base leads and is silent
PHRASES = "phrases"


@dataclass(frozen=True)
class LoopConfig:
    """What the loop does; the defaults are the measured best (README)."""

    model: str | None = "en_core_web_sm"  # what suggests before any training
    map_labels: bool = True  # the project's labels rule (else raw model labels)
    learn_map: bool = True  # learn the rule from corrections where not set
    gate: bool = True
    gate_prior: float = 0.0
    gate_strength: float = STRENGTH  # how many observations a finer level needs to lead
    gate_strings: bool = True  # a string's own record is the gate's finest level
    gate_levels: tuple[tuple[str, ...], ...] = LEVELS  # see gate.py
    phrases: str = "gated"  # "gated", "legacy" (the pre-issue-13 rule) or "none"
    phrase_threshold: float = DEFAULT_THRESHOLD
    phrase_prior: float = DEFAULT_PRIOR
    phrase_rule: str = "precision"  # "precision" or "net" (see phrases.py)
    phrases_win: bool = True
    learn_conflicts: bool = True  # who wins a phrase/model overlap is learnt per relation
    conflict_ties: bool = True  # with equal evidence the phrase wins
    conflict_gate: bool = True  # ... unless the gate expects more of the model's span
    ensemble: bool = True  # the base's mapped entities fill in where the trained model is silent
    agreement: bool = False  # gate the trained model's entities apart where the base agrees
    arbitrate: bool = True  # per label, the source that saved more so far leads
    train: str = "full"  # "full", "incremental" or "none"
    base: str | None = "en_core_web_sm"  # what training starts from (None: blank)
    first_training: int = 3
    growth: float = 0.5
    epochs: int | None = None
    word_budget: int = WORD_BUDGET
    rehearsal: float = 1.0  # earlier documents rehearsed per new one (incremental)
    seed: int = 0
    one_label: bool = True  # one label per string in an article's suggestions
    carry: bool = True  # replay's oracle meets the window's carried corrections

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


# Named configurations, for ``goldspan replay --config`` and the ablation table.
PRESETS: dict[str, LoopConfig] = {
    "today": LoopConfig(map_labels=False, gate=False, phrases="legacy", phrases_win=False,
                        train="none", one_label=False, carry=False),
    "model": LoopConfig(map_labels=False, gate=False, phrases="none", train="none",
                        one_label=False, carry=False),
    "map": LoopConfig(gate=False, phrases="none", train="none"),
    "map+gate": LoopConfig(phrases="none", train="none"),
    "map+gate+phrases": LoopConfig(train="none"),
    "train": LoopConfig(gate=False, phrases="none", train="incremental"),
    "train-full": LoopConfig(gate=False, phrases="none", train="full"),
    "loop": LoopConfig(),
    "loop-incremental": LoopConfig(train="incremental"),  # the default until 2026-12-02
    "loop-no-phrases": LoopConfig(phrases="none", train="incremental"),  # as in the table
    "loop-no-carry": LoopConfig(one_label=False, carry=False),  # before the article rule
    "loop-full": LoopConfig(train="full"),  # the same as loop since 2026-12-02
    "loop-full-no-arbitration": LoopConfig(train="full", arbitrate=False),
    "loop-full-blank": LoopConfig(train="full", base=None),
    "loop-blank": LoopConfig(base=None),
    "loop-long": LoopConfig(word_budget=2 * WORD_BUDGET),
}


@dataclass
class _Seen:
    """What the loop showed for one document, kept to learn from its accept."""

    raw: list[Suggestion]  # the base model's own output
    mapped: list[Suggestion]  # the base's after the labels rule, before the gate
    trained: list[Suggestion]  # the trained generation's (project labels), before the gate
    keyed: dict[str, list[Suggestion]]  # the statistical candidates by gate source
    phrases: list[Suggestion]  # phrase matches that passed their own precision test
    relations: list[str]  # how each phrase match stands to the statistical candidates
    generation: int


@dataclass
class _Accepted:
    text: str
    gold: list[Span]
    seen: _Seen


@dataclass
class GenerationFigures:
    """How a generation did on the documents accepted while it suggested (each one
    was unseen by it: an honest held-out figure that costs no extra split)."""

    generation: int
    documents: int = 0
    right: int = 0
    shown: int = 0
    gold: int = 0

    @property
    def f1(self) -> float:
        return 2 * self.right / (self.shown + self.gold) if self.shown + self.gold else 0.0


@dataclass
class LoopStatus:
    generation: int
    model: str
    accepted: int
    phrases: int
    training: bool
    figures: list[GenerationFigures] = field(default_factory=list)


class LearningLoop:
    """See the module docstring. Not thread-safe: one owner calls it (the window's
    suggester child, or replay)."""

    def __init__(self, labels: Sequence[str], config: LoopConfig = LoopConfig(), *,
                 label_map: dict[str, str | None] | None = None,
                 statistical: Any = None, lang: str = "en") -> None:
        self.config = config
        self.labels = tuple(labels)
        self.label_map = LabelMap(self.labels, label_map, learn=config.learn_map)
        self.gate = Gate(prior=config.gate_prior, strength=config.gate_strength,
                         enabled=config.gate, strings=config.gate_strings,
                         levels=config.gate_levels)
        self.conflicts = Conflicts(learn=config.learn_conflicts, ties=config.conflict_ties)
        self.phrases: Any = None
        if config.phrases == "gated":
            self.phrases = PhraseIndex(lang, threshold=config.phrase_threshold,
                                       prior=config.phrase_prior, rule=config.phrase_rule)
        elif config.phrases == "legacy":
            from ..suggesters.phrases import PhraseSuggester

            self.phrases = PhraseSuggester(lang)
        self._statistical = statistical
        self._trained: Any = None
        self._arb: Counter[tuple[str, str]] = Counter()
        self.generation = 0
        self.model_name = config.model or ""
        self._seen: dict[Any, _Seen] = {}
        self._accepted: dict[Any, _Accepted] = {}
        self._training = False
        self._last_start = 0
        self.figures: dict[int, GenerationFigures] = {0: GenerationFigures(0)}
        self.trainings: list[TrainedModel] = []

    # ------------------------------------------------------------- suggesting
    @property
    def statistical(self) -> Any:
        if self._statistical is None and self.config.model:
            from ..suggesters.spacy_ner import SpacySuggester

            self._statistical = SpacySuggester(self.config.model)
        return self._statistical

    def raw(self, texts: Sequence[str]) -> list[list[Suggestion]]:
        """The base model's own output, in a batch (replay precomputes the base's
        output of a whole corpus with it)."""
        if self.statistical is None:
            return [[] for _ in texts]
        return list(self.statistical.suggest(texts))

    def suggest(self, key: Any, text: str, raw: Sequence[Suggestion] | None = None
                ) -> list[Suggestion]:
        """What the window shows for a document nobody has started: the steps of the
        module docstring. ``raw`` is the base model's output if the caller has it."""
        raw_list = list(raw) if raw is not None else self.raw([text])[0]
        mapped = self.label_map.apply(raw_list) if self.config.map_labels else raw_list
        trained: list[Suggestion] = []
        keyed: dict[str, list[Suggestion]] = {}
        if self._trained is not None:
            trained = [s for s in next(iter(self._trained.suggest([text])))
                       if s.label in self.labels]
        if self._trained is not None and self.config.arbitrate:
            keyed = self._arbitrate(trained, mapped)
        elif self._trained is not None:
            if self.config.agreement:
                said = {(b.start, b.end, b.label) for b in mapped}
                keyed[AGREE] = [t for t in trained if (t.start, t.end, t.label) in said]
                keyed[MODEL] = [t for t in trained if (t.start, t.end, t.label) not in said]
            else:
                keyed[MODEL] = trained
            if self.config.ensemble:
                keyed[BASE_FILL] = [b for b in mapped if all(b.end <= t.start or b.start >= t.end
                                                             for t in trained)]
        else:
            keyed[BASE] = mapped
        stat_sources = [(source, s) for source, found in keyed.items()
                        for s in self.gate.filter(source, found, text)]
        stat = [s for _, s in stat_sources]
        phrases: list[Suggestion] = []
        relations: list[str] = []
        if self.config.phrases == "gated":
            phrases = self.phrases.suggest_one(text)
            phrases = [p for p in phrases if p.label in self.labels]
            candidates = [s for found in keyed.values() for s in found]
            relations = [relation(p, candidates) for p in phrases]
            passed = [(p, r) for p, r in zip(phrases, relations, strict=True)
                      if self.gate.shows(PHRASES, p, text, r)]
            wins = ([self._phrase_wins(p, r, stat_sources, text) for p, r in passed]
                    if self.config.phrases_win else False)
            shown = combine(stat, [p for p, _ in passed], phrases_win=wins)
        elif self.config.phrases == "legacy":
            from ..suggesters.phrases import combine as legacy_combine

            phrases = self.phrases.suggest_one(text)
            shown = legacy_combine(stat, phrases)
        else:
            shown = sorted(stat, key=lambda s: (s.start, s.end))
        if self.config.one_label:
            shown = one_label_per_string(text, shown)
        self._seen[key] = _Seen(raw_list, mapped, trained, keyed, phrases, relations,
                                self.generation)
        return shown

    def _phrase_wins(self, phrase: Suggestion, rel: str,
                     stat_sources: list[tuple[str, Suggestion]], text: str) -> bool:
        """Whether a phrase replaces the model spans it overlaps: as the conflicts
        learnt for its relation say; where they are even (none yet, early on), the
        side the gate expects more of (the phrase's kind against the best of the
        model spans it would replace), so an untried relation does not displace a
        model entity of a kind that has been right ("French Revolution" is not
        "French" + "Revolution" on the third article)."""
        decided = self.conflicts.decided(rel)
        if decided is not None or not self.config.conflict_gate:
            return decided if decided is not None else self.conflicts.ties
        over = [self.gate.estimate(self.gate.keys(source, s, text))
                for source, s in stat_sources if s.start < phrase.end and phrase.start < s.end]
        if not over:
            return True
        return self.gate.estimate(self.gate.keys(PHRASES, phrase, text, rel)) >= max(over)

    def lead(self, label: str) -> str:
        """Which statistical source leads for a label: the trained generation once it
        has saved more than the base on the same articles (right minus spurious, since
        the first generation suggested), else the base."""
        return MODEL if self._arb[(MODEL, label)] > self._arb[(BASE, label)] else BASE

    def _arbitrate(self, trained: list[Suggestion], mapped: list[Suggestion]
                   ) -> dict[str, list[Suggestion]]:
        """Per label, the leading source's entities first, the other's only where
        nothing is said (each gated under its own name)."""
        def free(s: Suggestion, taken: list[Suggestion]) -> bool:
            return all(s.end <= t.start or s.start >= t.end for t in taken)

        lead = {label: self.lead(label) for label in self.labels}
        model_lead = [t for t in trained if lead[t.label] == MODEL]
        base_lead = [b for b in mapped if lead.get(b.label) == BASE and free(b, model_lead)]
        taken = model_lead + base_lead
        model_fill = [t for t in trained if lead[t.label] != MODEL and free(t, taken)]
        base_fill = [b for b in mapped if lead.get(b.label) != BASE and free(b, taken)
                     and free(b, trained)]
        return {MODEL: model_lead, BASE: base_lead, MODEL_FILL: model_fill,
                BASE_FILL: base_fill}

    # --------------------------------------------------------------- learning
    def accept(self, key: Any, text: str, gold: Iterable[Span]) -> None:
        """An accepted document teaches every part. Accepting again (after an edit
        of a done document) replaces what it taught."""
        gold = list(gold)
        if key in self._accepted:
            self.unaccept(key)
        seen = self._seen.pop(key, None)
        if seen is None:  # accepted without being suggested here (e.g. at start-up)
            self.suggest(key, text)
            seen = self._seen.pop(key)
        self._teach(key, text, gold, seen, +1)
        self._accepted[key] = _Accepted(text, gold, seen)

    def unaccept(self, key: Any) -> None:
        """Undo an accept: everything it taught is taken back out."""
        done = self._accepted.pop(key, None)
        if done is None:
            return
        self._teach(key, done.text, done.gold, done.seen, -1)
        self._seen[key] = done.seen

    def _teach(self, key: Any, text: str, gold: list[Span], seen: _Seen, sign: int) -> None:
        if self.config.learn_map:
            self.label_map.observe(seen.raw, gold, sign)
        for source, found in seen.keyed.items():
            self.gate.observe(source, found, gold, sign, text)
        if seen.generation:  # both sources spoke on this article: compare them
            for source, found in ((MODEL, seen.trained), (BASE, seen.mapped)):
                by_bounds = {(g.start, g.end): g.label for g in gold}
                for s in found:
                    what = outcome(s, by_bounds, gold)
                    self._arb[(source, s.label)] += sign * (
                        1 if what == "right" else -1 if what == "spurious" else 0)
        self.gate.observe(PHRASES, seen.phrases, gold, sign, text, seen.relations)
        if self.config.phrases == "gated":  # relations are worked out for these only
            self.conflicts.observe(seen.phrases, seen.relations,
                                   [s for found in seen.keyed.values() for s in found],
                                   gold, sign)
            if sign > 0:
                self.phrases.learn(key, text, gold)
            else:
                self.phrases.forget(key)
        elif self.config.phrases == "legacy" and sign > 0:
            self.phrases.learn(text, gold)  # the old suggester cannot unlearn (issue 13)
        fig = self.figures.setdefault(seen.generation, GenerationFigures(seen.generation))
        mapped = {(s.start, s.end, s.label) for s in (seen.trained if seen.generation
                                                        else seen.mapped)}
        fig.documents += sign
        fig.shown += sign * len(mapped)
        fig.gold += sign * len(gold)
        fig.right += sign * sum(1 for g in gold if (g.start, g.end, g.label) in mapped)

    @property
    def accepted(self) -> int:
        return len(self._accepted)

    # --------------------------------------------------------------- training
    def training_due(self) -> bool:
        c = self.config
        n = len(self._accepted)
        if c.train == "none" or self._training or n < c.first_training:
            return False
        return n - self._last_start >= max(1, math.ceil(self._last_start * c.growth)) \
            or self._last_start == 0

    def training_request(self, workdir: str | Path) -> TrainRequest | None:
        """A training to run now, by the policy of the module docstring, or None.
        The loop counts it as running until :meth:`install` or :meth:`training_failed`."""
        if not self.training_due():
            return None
        n = len(self._accepted)
        new = n - self._last_start
        examples = tuple(
            (a.text, tuple((s.start, s.end, s.label) for s in a.gold if s.label in self.labels))
            for a in self._accepted.values())
        previous = self.trainings[-1].path if self.trainings else None
        request = TrainRequest(
            examples=examples, labels=self.labels,
            out=str(Path(workdir) / f"generation-{self.generation + 1}"),
            generation=self.generation + 1, base=self.config.base, mode=self.config.train,
            previous=previous, new=new, epochs=self.config.epochs, seed=self.config.seed,
            word_budget=self.config.word_budget, rehearsal=self.config.rehearsal,
            head_from=self.label_map.head_from() if self.config.map_labels else ())
        self._training = True
        self._last_start = n
        return request

    def training_failed(self) -> None:
        self._training = False

    def install(self, trained: TrainedModel) -> None:
        """The new generation suggests from now on (documents already shown keep
        theirs)."""
        from ..suggesters.spacy_ner import SpacySuggester

        self._training = False
        self._trained = SpacySuggester(trained.path)
        self.generation = trained.generation
        self.model_name = trained.path
        self.trainings.append(trained)
        self.figures.setdefault(trained.generation, GenerationFigures(trained.generation))

    def status(self) -> LoopStatus:
        """For the status bar: generation, model, accepted documents, strings known,
        whether a training runs, and each generation's figures so far."""
        return LoopStatus(self.generation, self.model_name, len(self._accepted),
                          len(self.phrases) if self.phrases is not None else 0,
                          self._training, [replace(f) for f in self.figures.values()])


class BackgroundTrainer:
    """Runs the loop's trainings in a spawned worker process (on a thread inside a
    daemon process such as the window's model child, which may not start processes),
    so whoever owns the loop keeps answering while the NER trains.

    Call :meth:`maybe_start` after each accept and :meth:`poll` before each
    suggestion: a finished generation is installed then, never half-way."""

    def __init__(self, loop: LearningLoop, workdir: str | Path) -> None:
        self.loop = loop
        self.workdir = Path(workdir)
        self._executor: Any = None
        self._future: Any = None
        self.error: str | None = None

    def maybe_start(self) -> bool:
        """Start a training if the policy says one is due; returns whether it did."""
        if self._future is not None:
            return False
        request = self.loop.training_request(self.workdir)
        if request is None:
            return False
        if self._executor is None:
            import multiprocessing as mp
            from concurrent.futures import ProcessPoolExecutor, ThreadPoolExecutor

            from .trainer import run_training

            self._run = run_training
            if mp.current_process().daemon:
                # The window's model child is a daemon, which may not start processes:
                # there the training runs on a thread of the child (the window's own
                # process is never involved; suggestions in the child slow down while
                # it trains).
                self._executor = ThreadPoolExecutor(1, thread_name_prefix="goldspan-train")
            else:
                self._executor = ProcessPoolExecutor(1, mp_context=mp.get_context("spawn"))
        self._future = self._executor.submit(self._run, request)
        return True

    @property
    def running(self) -> bool:
        return self._future is not None and not self._future.done()

    def poll(self, wait: float | None = 0) -> TrainedModel | None:
        """Install a finished generation (waiting up to ``wait`` seconds; None waits
        until it is done) and return it; None while training or idle."""
        if self._future is None:
            return None
        from concurrent.futures import TimeoutError as FutureTimeout

        try:
            trained = self._future.result(timeout=wait)
        except FutureTimeout:
            return None
        except Exception as err:  # noqa: BLE001 - reported, and the loop goes on
            self._future = None
            self.error = f"training failed: {err}"
            self.loop.training_failed()
            return None
        self._future = None
        self.loop.install(trained)
        return trained

    def close(self) -> None:
        if self._executor is not None:
            self._executor.shutdown(wait=False, cancel_futures=True)
            self._executor = None
