"""The review's stack of versions: the gold on top, then one read-only pane per
annotator, each with its header line and (for an annotator) its "Take all" button;
scrolling one scrolls the others to the same place in the text."""

from __future__ import annotations

from typing import Callable, Sequence

from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import QHBoxLayout, QPushButton, QSplitter, QVBoxLayout, QWidget

from ..core.types import GOLD
from .parts.elided import ElidedLabel
from .review_view import ReviewArticleView


class VersionStack(QSplitter):
    """The panes, by version name (``GOLD`` first). The window connects each view's
    signals through ``on_pane(name, view)`` when the pane is made."""

    def __init__(self, on_pane: Callable[[str, ReviewArticleView], None],
                 take_all: Callable[[str], None]) -> None:
        super().__init__(Qt.Orientation.Vertical)
        self.setObjectName("versionStack")
        self.setChildrenCollapsible(False)
        self.views: dict[str, ReviewArticleView] = {}
        self.headers: dict[str, ElidedLabel] = {}
        self._on_pane = on_pane
        self._take_all = take_all
        self._syncing = False

    def rebuild(self, names: Sequence[str], colors: dict[str, str],
                keys: list[QKeySequence]) -> None:
        """One pane per version of ``names`` (the gold first), kept when they are the
        same as before; colours and the window's keys for every view."""
        wanted = [GOLD, *names]
        if list(self.views) != wanted:
            for v in self.views.values():
                pane = v.parentWidget()
                assert pane is not None  # every view sits in its pane
                pane.hide()
                pane.setParent(None)
                pane.deleteLater()
            self.views.clear()
            self.headers.clear()
            for name in wanted:
                self._add_pane(name, colors)
            sizes = [2] + [1] * len(names)
            total = max(1, self.height())
            self.setSizes([total * k // sum(sizes) for k in sizes])
        for v in self.views.values():
            v.set_colors(colors)
            v.set_shortcut_keys(keys)

    def _add_pane(self, name: str, colors: dict[str, str]) -> None:
        view = ReviewArticleView(name)
        font = view.font()
        font.setPointSizeF(font.pointSizeF() * 0.85)  # four versions must fit on one screen
        view.setFont(font)
        view.document().setDocumentMargin(10)
        view.set_colors(colors)
        header = ElidedLabel()
        header.setObjectName("goldHeader" if name == GOLD else "versionHeader")
        pane = QWidget()
        pv = QVBoxLayout(pane)
        pv.setContentsMargins(0, 4, 0, 0)
        pv.setSpacing(2)
        row = QHBoxLayout()
        row.addWidget(header, 1)
        if name != GOLD:
            take_all = QPushButton(f"Take all of {name}")
            take_all.setObjectName("takeAll")
            take_all.setFocusPolicy(Qt.FocusPolicy.NoFocus)
            take_all.setToolTip(f"Take every entity of {name} that overlaps nothing in the gold "
                                "(one undo step)")
            take_all.clicked.connect(lambda _=False, n=name: self._take_all(n))
            row.addWidget(take_all)
        pv.addLayout(row)
        pv.addWidget(view, 1)
        self.addWidget(pane)
        self.views[name] = view
        self.headers[name] = header
        view.verticalScrollBar().valueChanged.connect(lambda _v, n=name: self.sync_scroll(n))
        self._on_pane(name, view)

    def sync_scroll(self, source: str) -> None:
        """Keep every version at the same place in the text: the character at the top
        of the scrolled view goes to the top of the others (their wrapping differs a
        little, label chips take room, so lines are matched by text position)."""
        if self._syncing or source not in self.views:
            return
        self._syncing = True
        try:
            src = self.views[source]
            cp = src.map.from_qt(src.top_position())
            for name, view in self.views.items():
                if name != source:
                    view.scroll_to(view.map.to_qt(cp))
        finally:
            self._syncing = False
