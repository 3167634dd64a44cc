"""The learning loop in the annotation window (issue 13): its settings, its status-bar
field, its Project-menu entries, and the hook that tells it what the analyst accepted
or took back.

The window makes a few calls into :class:`LearningController` (each marked
``# learning hook`` in ``main_window.py``): the suggester thread is made here, every
applied edit's ChangeSet is passed to :meth:`LearningController.after_change` (a
version that becomes done teaches the loop; one that stops being done, by Ctrl+Z of
an accept or another status, is unlearnt; an edit of a done version teaches it
again), and Project → Labels reports a changed label set or rule. Nothing here calls the model:
requests go to the :class:`~.loop_worker.LoopWorker` by queued signals, so the GUI
thread never waits for spaCy.

Settings live in the database (``settings`` row ``learning``, a JSON object), so
every analyst of a project file gets the same loop: ``enabled`` (default true),
``base`` (``"en_core_web_sm"``, the default, or ``"blank"``: what each training
starts from), and for tests and slow machines ``first_training`` (accepted articles
before the first training, default 3), ``epochs`` (default: by the word budget) and
``train_max_steps`` (Project → Train's steps, default 1000). ``carry`` (default true)
is Project → Carry corrections through the article (:mod:`goldspan.core.carry`): not
the loop's, but stored with it, so every analyst of a file edits alike.
"""

from __future__ import annotations

import tempfile
import time
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QObject, QTimer, Signal
from PySide6.QtGui import QAction, QActionGroup
from PySide6.QtWidgets import QFrame, QLabel, QMenu

from ..core.edits import ChangeSet
from ..core.errors import GoldspanError
from ..core.evidence import FEW_DOCUMENTS, FEW_ENTITIES, too_few
from ..core.status import Status
from ..core.storage import Store
from ..core.types import Span

if TYPE_CHECKING:  # pragma: no cover
    from ..core.learning.loop import LoopConfig
    from .suggest_worker import SuggestThread

SETTING = "learning"
BASES = ("en_core_web_sm", "blank")
POLL_MS = 1500  # how often the status is asked for while a training runs


@dataclass(frozen=True)
class LearningSettings:
    enabled: bool = True
    base: str = "en_core_web_sm"
    first_training: int = 3
    epochs: int | None = None
    train_max_steps: int | None = None
    carry: bool = True

    problem: str = ""  # why the stored row was not used (the defaults were)

    @classmethod
    def read(cls, store: Store) -> "LearningSettings":
        """The project's settings. A malformed row (not a JSON object, a count that is
        not a whole number, an unknown base) never keeps the window from opening: the
        defaults are used and ``problem`` says what was wrong (the learning field's
        tooltip shows it)."""
        d = cls()
        try:
            raw: dict[str, Any] = store.setting(SETTING, {}, kind=dict)
            base = raw.get("base", d.base)
            if base not in BASES:
                raise ValueError(f"base {base!r} is not one of {', '.join(BASES)}")
            return cls(enabled=bool(raw.get("enabled", d.enabled)), base=base,
                       first_training=max(1, int(raw.get("first_training", d.first_training))),
                       epochs=None if raw.get("epochs") is None else int(raw["epochs"]),
                       train_max_steps=(None if raw.get("train_max_steps") is None
                                        else int(raw["train_max_steps"])),
                       carry=bool(raw.get("carry", d.carry)))
        except (GoldspanError, TypeError, ValueError) as err:
            return cls(problem=f"settings row {SETTING!r} not used ({err}); the defaults are")

    def loop_config(self, model: str) -> "LoopConfig":
        from ..core.learning.loop import LoopConfig

        return LoopConfig(model=model, base=None if self.base == "blank" else self.base,
                          first_training=self.first_training, epochs=self.epochs)


def update_setting(store: Store, **values: Any) -> None:
    """Change some of the ``learning`` settings, keeping the others."""
    try:
        current = dict(store.setting(SETTING, {}, kind=dict))
    except GoldspanError:  # a malformed row is replaced (it was not used anyway)
        current = {}
    current.update(values)
    store.set_setting(SETTING, current)


def status_text(status: dict[str, Any], first_training: int) -> tuple[str, str]:
    """The status-bar line and its tooltip for a ``loop_status()`` dict."""
    generation = int(status.get("generation") or 0)
    figures = {int(f["generation"]): f for f in status.get("figures") or []}
    fig = figures.get(generation, {})
    docs, gold = int(fig.get("documents") or 0), int(fig.get("gold") or 0)
    who = (f"generation {generation}" if generation
           else f"{status.get('model_id') or 'the model'} through your labels")
    parts = [f"Suggesting: {who}"]
    accepted = int(status.get("accepted") or 0)
    tip = [f"{accepted} accepted article{'s' if accepted != 1 else ''} taught; "
           f"{status.get('phrases', 0)} strings known."]
    if docs:
        parts.append(f"F1 {float(fig.get('f1') or 0):.2f} on {docs} article{'s' if docs != 1 else ''}")
        tip.append(f"F1 measured on the {docs} article{'s' if docs != 1 else ''} accepted while "
                   "it suggested (each unseen by it when shown).")
        if too_few(docs, gold):
            parts[-1] += " ⚠ too few to trust"
            tip.append(f"Only {docs} article{'s' if docs != 1 else ''} ({gold} entities): too few "
                       "to mean much; at least "
                       f"{FEW_DOCUMENTS} articles and {FEW_ENTITIES} entities.")
    else:
        parts.append("F1 not measured yet")
        tip.append("F1 is measured on the next articles you accept.")
    if status.get("training"):
        since = status.get("training_for")
        parts.append(f"training generation {generation + 1}…"
                     + (f" {int(since)} s" if since is not None else ""))
    elif not generation and int(status.get("accepted") or 0) < first_training:
        tip.append(f"The first training starts after {first_training} accepted articles.")
    for g, f in sorted(figures.items()):
        if g != generation and f.get("documents"):
            tip.append(f"{'Generation ' + str(g) if g else 'Before training'}: F1 "
                       f"{float(f.get('f1') or 0):.2f} on {f['documents']} articles.")
    if status.get("error"):
        parts.append("last training failed")
        tip.append(str(status["error"]))
    return " · ".join(parts), "\n".join(tip)


class LearningController(QObject):
    """The loop's side of the window (see the module docstring)."""

    pollRequested = Signal()

    def __init__(self, window: Any) -> None:
        super().__init__(window)
        self.window = window
        self.store: Store = window.store
        self.settings = LearningSettings.read(self.store)
        self.status: dict[str, Any] = {}
        self.label = QLabel("Learning: off (model off)")
        self.label.setObjectName("learningLabel")
        self._set_label(self.label.text(), "")
        self.workdir = tempfile.TemporaryDirectory(prefix="goldspan-loop-")
        self._training_since: float | None = None
        self.timer = QTimer(self)
        self.timer.setInterval(POLL_MS)
        self.timer.timeout.connect(self.pollRequested)
        self.worker: Any = None
        self.train: Any = None  # the TrainAction of Project → Train now…
        self.loop_labels: list[str] = []  # the label set the loop was started with

    @property
    def active(self) -> bool:
        return self.worker is not None

    # ----------------------------------------------------------- the thread
    def suggest_thread(self, model: str) -> "SuggestThread":
        """The window's suggester: through the loop when it is on."""
        from .suggest_worker import SuggestThread

        assert self.store.path is not None
        self.settings = LearningSettings.read(self.store)
        if self.worker is not None:  # the previous thread's worker hears no more
            try:
                self.pollRequested.disconnect(self.worker.poll)
            except (RuntimeError, TypeError):  # already gone
                pass
        self.status = {}
        self.loop_labels = [lab.name for lab in self.store.labels()]
        if not self.settings.enabled:
            self.worker = None
            self.timer.stop()
            self._set_label("Learning: off (Project → Learn while I annotate)", "")
            return SuggestThread(self.store.path, model)
        from .loop_worker import LoopWorker

        worker = self.worker = LoopWorker(self.store.path, model, self.settings.loop_config(model),
                                          self.workdir.name)
        thread = SuggestThread(self.store.path, model, worker)
        self.pollRequested.connect(worker.poll)
        worker.loopStatus.connect(self._show)
        worker.failed.connect(self._failed)
        worker.loopFailed.connect(self._loop_failed)
        self._set_label("Learning: starting…", "")
        return thread

    def restart(self) -> None:
        """Start the suggester (and the loop) afresh: a new label set or setting."""
        if self.window.model_name:
            self.window.switch_model(self.window.model_name)

    # ------------------------------------------------------------- learning
    def after_change(self, change: ChangeSet) -> None:
        """Every edit applied (undo and redo included), from its ChangeSet: a version
        that becomes done teaches the loop; one whose status becomes anything else is
        unlearnt (a no-op for one never taught); an edit of a done version teaches it
        again, replacing what it taught."""
        if not self.active:
            return
        doc = change.document_id
        if change.deleted or (change.status is not None and change.status != Status.DONE):
            self.worker.post("loop_unaccept", doc)  # undone accept, a later Skip, a deletion
            return
        if not (change.status == Status.DONE or change.added or change.removed
                or change.restored):
            return
        session = self.window.session
        if session is not None and session.doc_id == doc and session.status != Status.DONE:
            return  # an edit of a version not done: nothing to teach (and no copy of its spans)
        taught = self._version(doc)
        if taught is None:
            return
        status, text, spans = taught
        if status == Status.DONE and (change.status == Status.DONE or change.added
                                      or change.removed or change.restored):
            self.worker.post("loop_accept", doc, text, spans)

    def gold_changed(self, doc: int) -> None:
        """The review window edited ``doc``'s gold: the loop is taught the document's
        gold as export reads it (the adjudicated version once it is done), or unlearns
        the document when it has none (the gold reopened, annotators who disagree)."""
        if not self.active:
            return
        from ..core.dataset import gold_of  # (not needed to open the window)

        try:
            found = gold_of(self.store, doc)
        except GoldspanError:  # deleted meanwhile
            found = None
        if found is None:
            self.worker.post("loop_unaccept", doc)
        else:
            self.worker.post("loop_accept", doc, found.document.text, list(found.spans))

    def _version(self, doc: int) -> tuple[str, str, list[Span]] | None:
        """(status, text, spans) of this annotator's version of ``doc``: from the open
        session when it is that document, else from the database."""
        session = self.window.session
        if session is not None and session.doc_id == doc:
            return str(session.status), session.text, list(session.spans)
        try:
            ann = self.store.annotation(doc, self.window.annotator)
            if ann is None:
                return None
            return str(ann.status), self.store.document(doc).text, list(self.store.spans(ann.id))
        except GoldspanError:  # deleted meanwhile
            return None

    def map_changed(self) -> None:
        """The rule the user set changed in the database: the loop follows it."""
        if self.active:
            self.worker.post("loop_set_map", self.store.label_map())

    def labels_changed(self) -> None:
        """After Project → Labels: a new label set restarts the loop (its labels are
        the project's); a new rule alone is passed on."""
        if self.active and [lab.name for lab in self.store.labels()] != self.loop_labels:
            self.restart()
        else:
            self.map_changed()

    def learnt_map(self) -> dict[str, tuple[str | None, str]]:
        """Model label -> (shown as, "set" | "learnt" | "default"), as the loop last said."""
        return {k: (v[0], v[1]) for k, v in (self.status.get("label_map") or {}).items()}

    # --------------------------------------------------------------- status
    def _show(self, status: dict[str, Any]) -> None:
        if getattr(self.window, "_closed", False):
            return
        if status.get("training"):
            if self._training_since is None:
                self._training_since = time.monotonic()
            status = dict(status, training_for=time.monotonic() - self._training_since)
            self.timer.start()
        else:
            self._training_since = None
            self.timer.stop()
        self.status = status
        self._set_label(*status_text(status, self.settings.first_training))

    def _failed(self, message: str) -> None:
        if not self.status:  # the loop never started: the model could not load
            self._set_label("Learning: unavailable", message)

    def _loop_failed(self, message: str) -> None:
        """A learning call failed: said in the learning field (the model still
        suggests), and for a moment in the status bar."""
        if getattr(self.window, "_closed", False):
            return
        self._set_label("Learning: failed", message)
        self.window.statusBar().showMessage(f"Learning failed: {message}", 10000)

    def _set_label(self, text: str, tip: str) -> None:
        self.label.setText(text)
        self.label.setToolTip("\n".join(filter(None, (tip, self.settings.problem))))


def add_learning_actions(window: Any, menu: QMenu) -> None:
    """Project → Learn while I annotate (on/off), Train from (base or blank) and
    Train now…; the status-bar field after the model's (``window.learning``, made
    before the suggester starts)."""
    from .train_action import TrainAction

    controller: LearningController = window.learning
    sep = QFrame()
    sep.setFrameShape(QFrame.Shape.VLine)
    sep.setFrameShadow(QFrame.Shadow.Sunken)
    window.statusBar().addWidget(sep)
    window.statusBar().addWidget(controller.label, 1)  # stretches: the figures are never cut
    settings = controller.settings
    menu.addSeparator()
    toggle = QAction("Learn while I annotate", window)
    toggle.setCheckable(True)
    toggle.setChecked(settings.enabled)
    toggle.setToolTip("Suggestions learn your labels from every accepted article and a model "
                      "trains in the background (stored in the project file)")

    def set_enabled(on: bool) -> None:
        update_setting(controller.store, enabled=on)
        controller.restart()

    def set_base(base: str) -> None:
        update_setting(controller.store, base=base)
        controller.restart()

    toggle.toggled.connect(set_enabled)
    menu.addAction(toggle)
    carry = QAction("Carry corrections through the article", window)
    carry.setCheckable(True)
    carry.setChecked(settings.carry)
    carry.setToolTip("Deleting, relabelling or adding an entity does the same to the untouched "
                     "suggestions of the same text after it in the article, in one Ctrl+Z "
                     "(stored in the project file)")
    window.ctl.set_carry(settings.carry)

    def set_carry(on: bool) -> None:
        update_setting(controller.store, carry=on)
        window.ctl.set_carry(on)

    carry.toggled.connect(set_carry)
    menu.addAction(carry)
    sub = menu.addMenu("Train from")
    group = QActionGroup(window)
    for base in BASES:
        act = QAction(base if base != "blank" else "blank (nothing learnt before)", window)
        act.setCheckable(True)
        act.setChecked(settings.base == base)
        act.setData(base)
        act.triggered.connect(lambda _=False, b=base: set_base(b))
        group.addAction(act)
        sub.addAction(act)
    train = TrainAction(window, controller)
    menu.addAction(train.action)
    window.actions_by_name.update(learn=toggle, train=train.action, carry=carry)
    controller.train = train
    menu.setToolTipsVisible(True)
