"""Accept never takes a label outside the project's set into the gold unnoticed
(issue 13): before an article is accepted, a version holding such labels (a model's
DATE in a Person/Location project, an imported MISC) opens a box that says which, how
many, and offers:

- **Map and accept**: each such label becomes the project label chosen beside it
  (its spans are relabelled, as undoable edits) and the choice is stored as the
  project's labels rule (``Store.set_label_map``), so the model's output is shown so
  from now on; a label set to "(drop)" there has its spans deleted and no rule stored;
- **Drop and accept**: their spans are deleted (undoable), nothing stored;
- **Accept anyway**: accepted as it is (the labels stay, marked "not in set");
- **Cancel**: nothing changes, the article stays open.

The box is modal (``exec``): the accept waits for the answer. The edits and the
accept are one step on the undo stack (one Ctrl+Z takes both back).
"""

from __future__ import annotations

from collections import Counter
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QComboBox, QDialog, QFormLayout, QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget,
)

from ..core.types import Span
from .widgets import plain_tip

if TYPE_CHECKING:  # pragma: no cover
    from ..core.sessions.annotate import ArticleSession

DROP = "(drop)"
MAP, DROP_ALL, ANYWAY, CANCEL = "map", "drop", "anyway", "cancel"


def outside(spans: list[Span], project: list[str]) -> Counter[str]:
    """How many spans carry each label that is not the project's."""
    known = set(project)
    return Counter(s.label for s in spans if s.label not in known)


def guess(label: str, project: list[str], rule: dict[str, str | None]) -> str:
    """The combo's first choice: the rule the user set, else the project label equal
    up to case, else "(drop)"."""
    target = rule.get(label)
    if target in project:
        return str(target)
    return next((p for p in project if p.casefold() == label.casefold()), DROP)


class OutOfSetDialog(QDialog):
    """The box; ``choice`` is MAP, DROP_ALL, ANYWAY or CANCEL after it closes, and
    ``targets()`` the label -> project label (or None: drop) of MAP."""

    def __init__(self, counts: Counter[str], project: list[str], rule: dict[str, str | None],
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("outOfSetDialog")
        self.setWindowTitle("goldspan — labels outside the project's set")
        self.choice = CANCEL
        n = sum(counts.values())
        text = QLabel(
            f"This article holds {n} entit{'y' if n == 1 else 'ies'} with labels that are not "
            f"the project's: {', '.join(f'{k} ({v})' for k, v in sorted(counts.items()))}.\n"
            "Accepting puts them into the gold as they are. Map each to a project label "
            "(remembered for the model's suggestions), drop them, or accept anyway?")
        text.setWordWrap(True)
        text.setTextFormat(Qt.TextFormat.PlainText)  # a label is never markup
        form = QFormLayout()
        self.combos: dict[str, QComboBox] = {}
        for label in sorted(counts):
            box = QComboBox()
            box.setObjectName(f"mapTo:{label}")
            box.addItems([*project, DROP])
            box.setCurrentText(guess(label, project, rule))
            self.combos[label] = box
            form.addRow(f"{label} →", box)
        buttons = QHBoxLayout()
        for name, caption, tip in (
                (MAP, "Map and accept", "Relabel as chosen above and remember the mapping"),
                (DROP_ALL, "Drop and accept", "Delete these entities, then accept"),
                (ANYWAY, "Accept anyway", "Keep these labels in the gold"),
                (CANCEL, "Cancel", "Change nothing")):
            b = QPushButton(caption)
            b.setObjectName(f"outOfSet:{name}")
            b.setToolTip(plain_tip(tip))
            b.clicked.connect(lambda _=False, c=name: self._close(c))
            buttons.addWidget(b)
            if name == MAP:
                b.setDefault(True)
        lay = QVBoxLayout(self)
        lay.addWidget(text)
        lay.addLayout(form)
        lay.addLayout(buttons)

    def _close(self, choice: str) -> None:
        self.choice = choice
        if choice == CANCEL:
            self.reject()
        else:
            self.accept()

    def reject(self) -> None:  # Esc, the close button
        if self.result() != QDialog.DialogCode.Accepted:
            self.choice = CANCEL
        super().reject()

    def targets(self) -> dict[str, str | None]:
        return {label: (None if box.currentText() == DROP else box.currentText())
                for label, box in self.combos.items()}


def confirm_accept(window: Any, session: "ArticleSession") -> bool:
    """Ask (when there is anything to ask) and apply the answer; False: do not accept.
    The edits it makes are left open in an undo macro that the caller's accept
    closes (see :func:`end_accept`)."""
    project = [lab.name for lab in window.store.labels()]
    counts = outside(list(session.spans), project)
    if not counts:
        return True
    dialog = OutOfSetDialog(counts, project, window.store.label_map(), window)
    window.out_of_set_dialog = dialog  # for tests and screenshots
    dialog.exec()
    choice = dialog.choice
    dialog.deleteLater()
    if choice == CANCEL:
        return False
    if choice == ANYWAY:
        return True
    targets = dialog.targets() if choice == MAP else dict.fromkeys(counts)
    rule = {k: v for k, v in targets.items() if v is not None}
    if rule:
        window.store.set_label_map(rule)
        window.learning.map_changed()
    window.undo_stack.beginMacro(f"Accept with {sum(counts.values())} labels fixed")
    window._accept_macro = True
    fixed = [s for s in session.spans if s.label in targets]
    relabelled = [s._replace(label=str(targets[s.label])) for s in fixed
                  if targets[s.label] is not None]
    window.apply_edit(session.replace(fixed, relabelled, "Fix labels outside the set",
                                      select=False))
    return True


def end_accept(window: Any) -> None:
    """Close the undo macro :func:`confirm_accept` opened (after the accept)."""
    if getattr(window, "_accept_macro", False):
        window._accept_macro = False
        window.undo_stack.endMacro()
