"""The review window's layout: the documents on the left, the work area (labels,
header, legend, the gold above the annotators' versions, hint and buttons) in the
middle, the agreement figures on the right, the status bar."""

from __future__ import annotations

from typing import Any

from PySide6.QtWidgets import QLabel, QPushButton, QScrollArea, QVBoxLayout, QWidget

from .parts.work_area import WorkArea, three_panes
from .review_dashboard import Dashboard
from .review_figures import NewVersionsWatch
from .review_panes import DocumentsPane, VersionStack
from .review_view import Legend
from .theme import app_style
from .widgets import heading


def build_layout(window: Any) -> None:
    # --- left: documents by disagreement, this document's figures
    window.documents = left = DocumentsPane()
    left.chosen.connect(window._doc_chosen)
    window.doc_model, window.doc_view = left.doc_model, left.doc_view
    window.progress_label, window.doc_pairs = left.progress_label, left.doc_pairs

    # --- centre: labels, title, legend, gold + versions, buttons
    window.legend = Legend()
    window.stack = VersionStack(window._connect_pane, window.take_all)
    window.prev_button = QPushButton("◂ Previous")
    window.next_button = QPushButton("Next ▸")
    window.accept_button = QPushButton("✓  Accept gold")
    window.accept_button.setObjectName("acceptButton")
    centre = window.review_area = WorkArea(
        "reviewArea", [(window.legend, 0), (window.stack, 1)],
        (window.prev_button, window.next_button, window.accept_button), button_height=32)
    window.label_bar, window.header, window.hint_label = centre.label_bar, centre.header, centre.hint_label
    window.title_label, window.status_badge = window.header.title_label, window.header.status_badge
    window.label_bar.labelClicked.connect(window.label_pressed)

    # --- right: the figures
    window.dashboard = Dashboard()
    scroll = QScrollArea()
    scroll.setWidgetResizable(True)
    scroll.setFrameShape(QScrollArea.Shape.NoFrame)
    inner = QWidget()
    iv = QVBoxLayout(inner)
    iv.setContentsMargins(4, 8, 8, 8)
    iv.addWidget(heading("Agreement · all documents"))
    iv.addWidget(window.dashboard)
    scroll.setWidget(inner)

    window.setCentralWidget(three_panes(left, centre, scroll, (320, 860, 460)))
    window.statusBar().addWidget(QLabel(f"Lead: {window.lead}"))
    window.news = NewVersionsWatch(window, window.store, window.refresh_figures)
    window.news_button, window.news_timer = window.news.button, window.news.timer
    window.statusBar().addPermanentWidget(window.news_button)
    window.statusBar().addPermanentWidget(window.saved_label)
    window.setStyleSheet(app_style())
