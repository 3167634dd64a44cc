"""The annotation window's layout: the queue on the left, the work area (labels,
header, article, hint and buttons) in the middle, the entities on the right, the
status bar; each pane's signals go to the window."""

from __future__ import annotations

from typing import Any

from PySide6.QtWidgets import QFrame, QPushButton

from .annotator_field import AnnotatorField
from .article_view import ArticleView
from .entities_pane import EntitiesPane
from .parts.work_area import WorkArea, three_panes
from .queue_pane import QueuePane
from .theme import app_style
from .window_settings import edit_settings


def build_layout(window: Any) -> None:
    window.queue_pane = left = QueuePane(window.queue)
    left.chosen.connect(window._queue_chosen)
    left.filtered.connect(window._filtered)
    window.queue_model, window.queue_view = left.queue_model, left.queue_view
    window.filter_edit, window.status_filter = left.filter_edit, left.status_filter
    window.assigned_box, window.fewer_box = left.assigned_box, left.fewer_box
    window.progress_label, window.progress_bar = left.progress_label, left.progress_bar

    # --- article (centre): nothing around it depends on the length of a text
    window.view = ArticleView()
    window.view.selectionMade.connect(window._selection_made)
    window.view.clicked.connect(window._view_clicked)
    window.view.tooltip_for = window.ctl.tooltip
    window.view.menu_for = window._menu_at
    window.view.menu_chosen = window._menu_chosen
    window.accept_button = QPushButton("✓  Accept")
    window.skip_button = QPushButton("Skip")
    window.reject_button = QPushButton("✗  Reject")
    window.accept_button.setObjectName("acceptButton")
    centre = window.annotate_area = WorkArea(
        "annotateArea", [(window.view, 1)],
        (window.reject_button, window.skip_button, window.accept_button))
    window.label_bar, window.header, window.hint_label = centre.label_bar, centre.header, centre.hint_label
    window.title_label, window.status_badge = window.header.title_label, window.header.status_badge
    window.label_bar.labelClicked.connect(window.label_pressed)

    # --- entities (right)
    right = EntitiesPane(window.ctl.row_tooltip)
    right.chosen.connect(window._entity_clicked)
    right.menu.connect(window._entity_menu)
    window.entity_model, window.entity_view = right.entity_model, right.entity_view
    window.entity_count = right.entity_count
    window.entities = right

    window.setCentralWidget(three_panes(left, centre, right, (330, 800, 290)))

    # --- status bar
    window.annotator_label = AnnotatorField(lambda: edit_settings(window))
    window.annotator_label.show_choice(window.annotator_choice)
    sb = window.statusBar()
    sb.addWidget(window.annotator_label)
    separator = QFrame()
    separator.setFrameShape(QFrame.Shape.VLine)
    separator.setFrameShadow(QFrame.Shadow.Sunken)
    sb.addWidget(separator)
    sb.addWidget(window.model_label)
    sb.addPermanentWidget(window.saved_label)
    window.setStyleSheet(app_style())
