"""Who the window annotates as, made visible, and changed only on purpose.

- :class:`AnnotatorField`: the status bar's annotator, drawn as a badge with a tooltip
  saying where the name came from (``--annotator`` for this run only, Project →
  Settings, or the system's user name); a click opens Project → Settings, the one place
  the saved annotator changes. A name given for this run only is drawn in amber.
- :class:`ImportedVersionGuard`: the first edit of a version whose entities came from an
  import (``goldspan import --annotator re3d`` made re3d's versions) asks once whether
  to edit it under that name: working as someone else's imported name is legitimate
  (correcting an imported corpus) but must never happen by accident.
"""

from __future__ import annotations

from typing import Callable

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox, QToolButton, QWidget

from ..core.sessions.annotate import ArticleSession
from .settings import COMMAND_LINE, AnnotatorChoice
from .widgets import hand_back_focus, plain_tip

NORMAL = "#3f6fb5"
THIS_RUN_ONLY = "#b86e00"


class AnnotatorField(QToolButton):
    """``Annotator: NAME`` in the status bar; click: Project → Settings."""

    def __init__(self, open_settings: Callable[[], object], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("annotatorField")
        self.setAutoRaise(True)
        self.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.setCursor(Qt.CursorShape.PointingHandCursor)
        self.clicked.connect(lambda _=False: open_settings())
        self.choice: AnnotatorChoice | None = None

    def show_choice(self, choice: AnnotatorChoice) -> None:
        self.choice = choice
        self.setText(f"Annotator: {choice.name}")
        color = THIS_RUN_ONLY if choice.source == COMMAND_LINE else NORMAL
        self.setStyleSheet(
            f"QToolButton#annotatorField {{ background: {color}; color: white; font-weight: 700;"
            " border-radius: 8px; padding: 1px 10px; margin: 1px 4px; }")
        self.setToolTip(plain_tip(choice.explain()))


class ImportedVersionGuard:
    """Asks once per annotator name and window before the first edit of an imported
    version; ``ask`` is the question (a modal box, asked from a key or a click, never
    from a worker's signal) and returns True to go on."""

    def __init__(self, parent: QWidget, ask: Callable[[str, int], bool] | None = None) -> None:
        self.parent = parent
        self.ask = ask or self._ask
        self.confirmed: set[str] = set()

    def allows(self, session: ArticleSession) -> bool:
        name = session.annotator
        if name in self.confirmed or session.version is None:
            return True
        # kept by the span index: no count of every span at each key press (3 ms at
        # 29,000 spans), and right again after an import replaced the version
        imported = session.spans.origin_count("import")
        if not imported:
            return True
        if not self.ask(name, imported):
            return False
        self.confirmed.add(name)
        return True

    def _ask(self, name: str, imported: int) -> bool:
        box = QMessageBox(QMessageBox.Icon.Warning, "Edit an imported version?",
                          f"You are working as “{name}”, and this article's version under that "
                          f"name was imported ({imported} imported entit"
                          f"{'y' if imported == 1 else 'ies'}). Your edits will change "
                          f"{name}'s imported annotations.",
                          QMessageBox.StandardButton.NoButton, self.parent)
        box.setObjectName("importedVersionWarning")
        box.setTextFormat(Qt.TextFormat.PlainText)
        box.setInformativeText("To keep it as it was, cancel and choose your own name in "
                               "Project → Settings. Asked once per name while the window "
                               "is open.")
        go = box.addButton(f"Edit as {name}", QMessageBox.ButtonRole.AcceptRole)
        box.addButton(QMessageBox.StandardButton.Cancel)
        box.setDefaultButton(QMessageBox.StandardButton.Cancel)
        hand_back_focus(box)
        box.exec()
        return box.clickedButton() is go
