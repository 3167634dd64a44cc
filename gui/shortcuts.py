"""Every keyboard shortcut of every window in one place: the annotation window's
table (:data:`SHORTCUTS`) and the review window's (:data:`REVIEW_SHORTCUTS`). The
actions, their tooltips and the Help → Keyboard sheet are all made from them, so they
cannot disagree. ``local`` keys work only while the focus is in the window's work area
(the article and what is around it): typing in a filter box never edits."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Shortcut:
    name: str
    keys: tuple[str, ...]
    text: str
    help: str
    group: str
    local: bool = False


SHORTCUTS: tuple[Shortcut, ...] = (
    Shortcut("accept", ("Return", "Enter"), "Accept", "Accept the article (done) and open the next one not done", "Article", local=True),
    Shortcut("skip", ("Space",), "Skip", "Skip the article and open the next one not done", "Article", local=True),
    Shortcut("reject", ("Ctrl+R",), "Reject", "Reject the article (not usable) and open the next one", "Article", local=True),
    Shortcut("next_doc", ("Ctrl+PgDown",), "Next article", "Open the next article in the queue", "Article"),
    Shortcut("prev_doc", ("Ctrl+PgUp",), "Previous article", "Open the previous article in the queue", "Article"),
    Shortcut("next_span", ("Tab",), "Next entity", "Select the next entity", "Entities", local=True),
    Shortcut("prev_span", ("Shift+Tab",), "Previous entity", "Select the previous entity", "Entities", local=True),
    Shortcut("delete_span", ("Delete", "Backspace"), "Delete entity", "Delete the selected entity (and its untouched repeats after it)", "Entities", local=True),
    Shortcut("start_left", ("Ctrl+Left",), "Start one token left", "Move the selected entity's start one token left", "Entities", local=True),
    Shortcut("start_right", ("Ctrl+Right",), "Start one token right", "Move the selected entity's start one token right", "Entities", local=True),
    Shortcut("end_left", ("Shift+Left",), "End one token left", "Move the selected entity's end one token left", "Entities", local=True),
    Shortcut("end_right", ("Shift+Right",), "End one token right", "Move the selected entity's end one token right", "Entities", local=True),
    Shortcut("entity_menu", ("Menu", "Shift+F10"), "Entity menu…", "Open the selected entity's menu (relabel, delete, all of its label or text here)", "Entities", local=True),
    Shortcut("accept_offered", ("Shift+Return", "Shift+Enter"), "Accept offered", "Accept the model's offered suggestions that do not overlap your entities", "Entities", local=True),
    Shortcut("dismiss_offered", ("Ctrl+Shift+D",), "Dismiss offered", "Hide the model's offered suggestions for this article", "Entities"),
    Shortcut("clear", ("Esc",), "Clear", "Clear the selection and the active label", "Entities", local=True),
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

# The review window (the keys a lead presses most: Tab, Space, Enter).
REVIEW_SHORTCUTS: tuple[Shortcut, ...] = (
    Shortcut("accept", ("Return", "Enter"), "Accept gold",
             "Accept the gold (done) and open the next document not adjudicated", "Review", True),
    Shortcut("next_doc", ("Alt+Down", "Ctrl+PgDown"), "Next document",
             "Open the next document in the list (less disagreement)", "Review"),
    Shortcut("prev_doc", ("Alt+Up", "Ctrl+PgUp"), "Previous document",
             "Open the previous document in the list (more disagreement)", "Review"),
    Shortcut("next_item", ("Tab",), "Next difference",
             "Select the next entity the annotators differ on (disagree, only some)", "Review", True),
    Shortcut("prev_item", ("Shift+Tab",), "Previous difference",
             "Select the previous entity the annotators differ on", "Review", True),
    Shortcut("take", ("Space",), "Take into gold",
             "Take the selected annotator's entity into the gold (replaces what it overlaps)",
             "Review", True),
    Shortcut("delete", ("Delete", "Backspace"), "Delete from gold",
             "Delete the selected gold entity", "Review", True),
    Shortcut("start_left", ("Ctrl+Left",), "Start one token left",
             "Move the selected gold entity's start one token left", "Review", True),
    Shortcut("start_right", ("Ctrl+Right",), "Start one token right",
             "Move the selected gold entity's start one token right", "Review", True),
    Shortcut("end_left", ("Shift+Left",), "End one token left",
             "Move the selected gold entity's end one token left", "Review", True),
    Shortcut("end_right", ("Shift+Right",), "End one token right",
             "Move the selected gold entity's end one token right", "Review", True),
    Shortcut("clear", ("Esc",), "Clear", "Clear the selection", "Review", True),
    Shortcut("undo", ("Ctrl+Z",), "Undo", "Undo the last change (in the database too)", "Edit"),
    Shortcut("redo", ("Ctrl+Shift+Z", "Ctrl+Y"), "Redo", "Redo the change undone last", "Edit"),
    Shortcut("refresh", ("F5",), "Refresh figures",
             "Re-read the versions and recompute the agreement figures", "View"),
    Shortcut("close", ("Ctrl+W",), "Close review", "Close the review window (all is saved)", "File"),
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
    ("Right-click an entity (or the Menu key)",
     "Its menu: relabel to…, delete, delete or relabel every one of its label or text here, "
     "take a suggestion, accept all offered; each one undo step"),
)


def by_name(name: str) -> Shortcut:
    for s in SHORTCUTS:
        if s.name == name:
            return s
    raise KeyError(name)
