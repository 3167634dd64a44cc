"""The annotation window's actions and menus, made from the shortcut table
(gui/shortcuts.py), and what its Project and View menus open; kept out of the window
as the import, export and delete actions are."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from ..core.status import Status
from .dataset_actions import add_dataset_actions
from .delete_actions import add_delete_actions
from .help_dialog import KeyboardSheet
from .learning_status import add_learning_actions
from .parts.focus import FocusKeeper
from .shortcuts import SHORTCUTS, by_name
from .theme import apply_theme, is_dark
from .widgets import add_menu, follow_undo_stack, hand_back_focus, menu_action, shortcut_actions, undo_or_explain
from .window_settings import edit_settings


def build_actions(window: Any) -> None:
    """Every action of the window (``window.actions_by_name``) and its menu bar."""
    handlers = {
        "accept": lambda: window.finish(Status.DONE),
        "skip": lambda: window.finish(Status.SKIPPED),
        "reject": lambda: window.finish(Status.REJECTED),
        "next_doc": lambda: window._step_document(1),
        "prev_doc": lambda: window._step_document(-1),
        "next_span": lambda: window._step_span(1),
        "prev_span": lambda: window._step_span(-1),
        "delete_span": window.delete_selected,
        "start_left": lambda: window.move_boundary("start", -1),
        "start_right": lambda: window.move_boundary("start", 1),
        "end_left": lambda: window.move_boundary("end", -1),
        "end_right": lambda: window.move_boundary("end", 1),
        "entity_menu": window.open_entity_menu,
        "accept_offered": window.accept_all_offered,
        "dismiss_offered": window.dismiss_offered,
        "clear": window.clear_selection,
        "undo": lambda: undo_or_explain(window.undo_stack, window.statusBar()),
        "redo": window.undo_stack.redo,
        "find": window.queue_pane.focus_filter,
        "zoom_in": lambda: zoom(window, 1),
        "zoom_out": lambda: zoom(window, -1),
        "zoom_reset": lambda: zoom(window, -window.view.zoom_steps),
        "dark": toggle_dark,
        "help_keys": lambda: show_keyboard_sheet(window),
        "review": lambda: open_review(window),
        "quit": window.close,
    }
    acts = window.actions_by_name = shortcut_actions(
        window, SHORTCUTS, handlers, local_area=window.annotate_area)
    acts["labels"] = menu_action(window, "Labels…", "Edit the label set: names, colours, "
                                 "hotkeys, descriptions", lambda: edit_labels(window))
    acts["settings"] = menu_action(window, "Settings…", "Annotator name and the spaCy "
                                   "pipeline that suggests", lambda: edit_settings(window))
    acts["statistics"] = menu_action(window, "Statistics…", "How good the model's suggestions "
                                     "are against the gold, per label", lambda: show_statistics(window))
    follow_undo_stack(window.undo_stack, acts["undo"], acts["redo"])
    for button, name in ((window.accept_button, "accept"), (window.skip_button, "skip"),
                         (window.reject_button, "reject")):
        sc = by_name(name)
        button.setToolTip(f"{sc.help}  [{' / '.join(sc.keys)}]")
        button.clicked.connect(acts[name].trigger)

    mb = window.menuBar()
    m_file = add_menu(mb, "&File", acts, ("quit",))
    add_dataset_actions(window, m_file)
    add_menu(mb, "&Edit", acts, ("undo", "redo", None, "entity_menu", "delete_span", "start_left",
                                 "start_right", "end_left", "end_right", None, "accept_offered",
                                 "dismiss_offered", "clear"))
    m_art = add_menu(mb, "&Article", acts, ("accept", "skip", "reject", None, "next_doc",
                                            "prev_doc", None, "next_span", "prev_span"))
    add_delete_actions(window, m_art)
    add_menu(mb, "&View", acts, ("find", None, "zoom_in", "zoom_out", "zoom_reset", None, "dark"))
    m_project = add_menu(mb, "&Project", acts, ("labels", "settings", "review", "statistics"))
    add_learning_actions(window, m_project)  # the learning loop (gui/learning_status.py)
    add_menu(mb, "&Help", acts, ("help_keys",))
    window.focus_keeper = FocusKeeper(window, window.annotate_area, window.view)
    window.refresh_view_keys()



def zoom(window: Any, steps: int) -> None:
    from .settings import settings

    window.view.zoom(steps)
    settings().setValue("zoom", window.view.zoom_steps)


def toggle_dark() -> None:
    from .settings import settings

    dark = not is_dark()
    apply_theme(QApplication.instance(), dark)  # restyles every window
    settings().setValue("dark", dark)


def show_keyboard_sheet(window: Any) -> None:
    """F1: the sheet, with this project's label keys; opened, not exec()-ed."""
    sheet = KeyboardSheet(window, window.labels)
    sheet.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    hand_back_focus(sheet)
    sheet.open()
    window.keyboard_sheet = sheet


def open_review(window: Any) -> None:
    """Project → Review and adjudicate: the review window on this database."""
    from .review_window import open_review as open_window

    window.review_window = open_window(window, window.store, window.annotator)
    # the gold adjudicated there teaches this window's learning loop at once
    window.review_window.goldChanged.connect(window.learning.gold_changed)


def show_statistics(window: Any) -> None:
    from .stats_panel import StatsDialog

    StatsDialog(window.store, window).exec()


def edit_labels(window: Any) -> None:
    from .labels_dialog import LabelsDialog

    if LabelsDialog(window.store, window, learnt=window.learning.learnt_map()).exec():
        # Renames rewrote spans: edits on the undo stack name the old labels.
        window.undo_stack.clear()
        if window.session is not None:
            window.session.reload()
        window.reload_labels()
        window.learning.labels_changed()  # a new set restarts the loop; a new rule is passed on
