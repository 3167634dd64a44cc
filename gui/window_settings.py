"""Project → Settings… in the annotation window: the annotator name and the pipeline
that suggests, changed without a restart (kept out of the window, as the import,
export and delete actions are)."""

from __future__ import annotations

from typing import Any

from ..core.queue import Queue
from .settings import COMMAND_LINE, choice_for


def switch_annotator(window: Any, annotator: str) -> None:
    """Work as someone else from now on: their queue, their versions."""
    window.annotator = annotator
    window.ctl.annotator = annotator
    window.annotator_choice = choice_for(annotator)
    window.annotator_label.show_choice(window.annotator_choice)
    window._update_title()
    window.queue = Queue(window.store, annotator, window.queue.filter)
    window.queue_pane.set_queue(window.queue)
    window.undo_stack.clear()
    if window.session is not None:
        window.open_document(window.session.doc_id)


def edit_settings(window: Any) -> None:
    from .settings import save_annotator, settings
    from .settings_dialog import SettingsDialog

    choice = window.annotator_choice
    note = (f"This window works as {choice.name} for this run only (--annotator); the saved "
            f"annotator is {choice.saved or 'none'}. OK saves the name above for the next "
            "starts." if choice.source == COMMAND_LINE else "")
    dialog = SettingsDialog(window.annotator, window.model_name or "en_core_web_sm", window,
                            annotator_note=note)
    if not dialog.exec():
        return
    annotator, model = dialog.values()
    s = settings()
    save_annotator(annotator)  # the one place the saved annotator changes
    s.setValue("model", model)
    if annotator != window.annotator:
        switch_annotator(window, annotator)
    else:  # saved now: no longer "this run only"
        window.annotator_choice = choice_for(annotator)
        window.annotator_label.show_choice(window.annotator_choice)
        window._update_title()
    if model != window.model_name or window.suggester is None:
        window.switch_model(model)
