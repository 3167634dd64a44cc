"""Every keyboard shortcut in one table: the actions, their tooltips and the
Help → Keyboard sheet are all made from it, so they cannot disagree."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Shortcut:
    name: str
    keys: tuple[str, ...]
    text: str
    help: str
    group: str


SHORTCUTS: tuple[Shortcut, ...] = (
    Shortcut("accept", ("Return", "Enter"), "Accept", "Accept the article (done) and open the next one not done", "Article"),
    Shortcut("skip", ("Space",), "Skip", "Skip the article and open the next one not done", "Article"),
    Shortcut("reject", ("Ctrl+R",), "Reject", "Reject the article (not usable) and open the next one", "Article"),
    Shortcut("next_doc", ("Ctrl+PgDown",), "Next article", "Open the next article in the queue", "Article"),
    Shortcut("prev_doc", ("Ctrl+PgUp",), "Previous article", "Open the previous article in the queue", "Article"),
    Shortcut("next_span", ("Tab",), "Next entity", "Select the next entity", "Entities"),
    Shortcut("prev_span", ("Shift+Tab",), "Previous entity", "Select the previous entity", "Entities"),
    Shortcut("delete_span", ("Delete", "Backspace"), "Delete entity", "Delete the selected entity", "Entities"),
    Shortcut("start_left", ("Ctrl+Left",), "Start one token left", "Move the selected entity's start one token left", "Entities"),
    Shortcut("start_right", ("Ctrl+Right",), "Start one token right", "Move the selected entity's start one token right", "Entities"),
    Shortcut("end_left", ("Shift+Left",), "End one token left", "Move the selected entity's end one token left", "Entities"),
    Shortcut("end_right", ("Shift+Right",), "End one token right", "Move the selected entity's end one token right", "Entities"),
    Shortcut("accept_offered", ("Shift+Return", "Shift+Enter"), "Accept offered", "Accept the model's offered suggestions that do not overlap your entities", "Entities"),
    Shortcut("dismiss_offered", ("Ctrl+Shift+D",), "Dismiss offered", "Hide the model's offered suggestions for this article", "Entities"),
    Shortcut("clear", ("Esc",), "Clear", "Clear the selection and the active label", "Entities"),
    Shortcut("undo", ("Ctrl+Z",), "Undo", "Undo the last edit (in the database too)", "Edit"),
    Shortcut("redo", ("Ctrl+Shift+Z", "Ctrl+Y"), "Redo", "Redo the edit undone last", "Edit"),
    Shortcut("find", ("Ctrl+F",), "Filter queue", "Filter the queue by text", "View"),
    Shortcut("zoom_in", ("Ctrl++", "Ctrl+="), "Zoom in", "Larger article text", "View"),
    Shortcut("zoom_out", ("Ctrl+-",), "Zoom out", "Smaller article text", "View"),
    Shortcut("zoom_reset", ("Ctrl+0",), "Actual size", "Article text at its normal size", "View"),
    Shortcut("dark", ("Ctrl+Shift+L",), "Dark mode", "Switch between light and dark colours", "View"),
    Shortcut("help_keys", ("F1",), "Keyboard shortcuts", "Show this sheet", "Help"),
    Shortcut("review", ("Ctrl+Shift+R",), "Review and adjudicate…", "Compare the annotators' done versions and settle the gold", "Project"),
    Shortcut("import", ("Ctrl+I",), "Import…", "Import documents and annotations from files or folders", "File"),
    Shortcut("export", ("Ctrl+E",), "Export…", "Export the gold (or chosen versions) as training data", "File"),
    Shortcut("quit", ("Ctrl+Q",), "Quit", "Close goldspan (everything is already saved)", "File"),
)

LABEL_HELP = (
    "1–9, then letters",
    "With text selected: label it. With an entity selected: relabel it. Otherwise: make "
    "it the active label, then every selection you make gets it.",
)
MOUSE_HELP = (
    ("Drag or double-click", "Select text; it snaps to whole tokens (hold Alt for exact characters)"),
    ("Click an entity", "Select it (then Delete, a label key, or the boundary keys)"),
    ("Click an offered suggestion", "Accept it"),
)


def by_name(name: str) -> Shortcut:
    for s in SHORTCUTS:
        if s.name == name:
            return s
    raise KeyError(name)
