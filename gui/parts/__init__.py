"""Widgets both windows are built from: the document header (title and status badge),
the label bar with its key actions, the hint line, the edit applier (the undo stack
adapter and what happens when the database refuses an edit), the entity menu, and
the focus keeper that gives the keys back to the work area after a menu."""
