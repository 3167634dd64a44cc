"""The project's label set (``labels``), its settings (``settings``), the names spans
and versions carry, and the labels rule the user set (model label -> project label,
kept in ``settings`` under ``label_map``)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from ..errors import StoreError
from ..labels import LabelFilter, extend_labels, project_labels_filter
from ..types import Label
from .connection import Connection
from .records import dumps, json_cell

# Settings goldspan reads, with the JSON type each must hold (``goldspan check`` too).
SETTING_TYPES: dict[str, type] = {"labels_locked": bool, "label_map": dict, "learning": dict}


class LabelsMixin(Connection):
    # ------------------------------------------------------------------- labels
    def labels(self) -> list[Label]:
        return [Label(*r) for r in self._rows(
            "SELECT name, color, hotkey, description FROM labels ORDER BY position, name")]

    def set_labels(self, labels: Sequence[Label]) -> None:
        """Replace the project's label set (names, colours, hotkeys, order)."""
        with self.transaction() as c:
            c.execute("DELETE FROM labels")
            c.executemany(
                "INSERT INTO labels (name, color, hotkey, description, position) VALUES (?, ?, ?, ?, ?)",
                [(lab.name, lab.color, lab.hotkey, lab.description, i) for i, lab in enumerate(labels)],
            )

    def add_labels(self, names: Iterable[str]) -> list[Label]:
        """Append labels not yet in the set, with the next free colour and hotkey."""
        current = self.labels()
        new = extend_labels(current, names)
        if len(new) != len(current):
            self.set_labels(new)
        return new

    def label_filter(self) -> LabelFilter:
        """The project's :func:`labels.project_labels_filter`: its label set, its lock
        and the labels rule the user set (:meth:`label_map`)."""
        names = self._column("SELECT name FROM labels")
        return project_labels_filter(names, bool(self.setting("labels_locked", False)),
                                     self.label_map())

    def relabel(self, old: str, new: str) -> tuple[int, int]:
        """Give every span and suggestion labelled ``old`` the label ``new`` (the label
        set is the caller's business), in the caller's transaction or one of its own. A
        suggestion that would then duplicate one already there under ``new`` is dropped.
        Returns (spans, suggestions) relabelled."""
        with self.transaction() as c:
            spans = c.execute("UPDATE spans SET label = ? WHERE label = ?", (new, old)).rowcount
            sugg = c.execute("UPDATE OR IGNORE suggestions SET label = ? WHERE label = ?",
                             (new, old)).rowcount
            c.execute("DELETE FROM suggestions WHERE label = ?", (old,))
        return spans, sugg

    def delete_label(self, name: str) -> int:
        """Remove a label from the project's set. Refused while a span of any version
        carries it (delete or relabel those first); suggestions may keep it, as after
        Project -> Labels. Returns how many suggestions still carry it."""
        with self.transaction() as c:
            if self._one("SELECT 1 FROM labels WHERE name = ?", (name,)) is None:
                raise StoreError(f"no label named {name!r} in the label set", path=self.path)
            used = self._one(
                "SELECT count(*), count(DISTINCT a.document_id), min(a.document_id) FROM spans s "
                "JOIN annotations a ON a.id = s.annotation_id WHERE s.label = ?", (name,))
            if used[0]:
                raise StoreError(
                    f"label {name!r} is on {used[0]} span{'s' if used[0] != 1 else ''} in "
                    f"{used[1]} document{'s' if used[1] != 1 else ''} (the first is document "
                    f"{used[2]}); delete or relabel those spans first", path=self.path)
            c.execute("DELETE FROM labels WHERE name = ?", (name,))
            return int(self._value("SELECT count(*) FROM suggestions WHERE label = ?", (name,)))

    def label_uses(self, name: str) -> tuple[int, int]:
        """How many spans and suggestions carry the label ``name``."""
        spans = self._value("SELECT count(*) FROM spans WHERE label = ?", (name,))
        sugg = self._value("SELECT count(*) FROM suggestions WHERE label = ?", (name,))
        return int(spans), int(sugg)

    def span_label_counts(self) -> dict[str, int]:
        """Every label spans carry, with how many spans carry it: most used first, then
        by name."""
        return dict(self._rows(
            "SELECT label, count(*) FROM spans GROUP BY label ORDER BY count(*) DESC, label"))

    def annotator_names(self) -> list[str]:
        """Every annotator name in the file: of versions and of assignments."""
        return self._column(
            "SELECT annotator FROM annotations UNION SELECT annotator FROM assignments")

    # ----------------------------------------------------------------- settings
    def setting(self, key: str, default: Any = None, *, kind: type | None = None) -> Any:
        """A project setting (``default`` when unset or NULL). A value that is not JSON,
        or not of ``kind`` (``labels_locked`` must be true or false, not ``"no"``), is
        one clear line naming the row and what to do, never a traceback or a guess."""
        raw = self._value("SELECT value FROM settings WHERE key = ?", (key,))
        if raw is None:
            return default
        value = json_cell(raw, "settings", "value", repr(key), self.path)
        if kind is not None and (not isinstance(value, kind)
                                 or (kind is int and isinstance(value, bool))):
            example = {bool: "true or false", int: "a whole number", str: "a string"}.get(
                kind, kind.__name__)
            raise StoreError(
                f"settings row {key!r}: value should be {example}, not {str(raw)[:40]}; "
                "correct that cell with any SQLite tool or restore a backup (goldspan "
                "restore BACKUP)", path=self.path)
        return value

    def set_setting(self, key: str, value: Any) -> None:
        with self.transaction() as c:
            c.execute("INSERT OR REPLACE INTO settings (key, value) VALUES (?, ?)",
                      (key, dumps(value)))

    # ---------------------------------------------------------------- label map
    LABEL_MAP_KEY = "label_map"

    def label_map(self) -> dict[str, str | None]:
        """The project's labels rule as the user set it: model label -> project label,
        or None (dropped). Kept in ``settings`` under ``label_map``; what the loop
        learns from corrections is derived, never stored here (issue 13)."""
        value = self.setting(self.LABEL_MAP_KEY, {}, kind=dict)
        return {str(k): (None if v is None else str(v)) for k, v in value.items()}

    def set_label_map(self, mapping: dict[str, str | None]) -> None:
        """Set the rule for some model labels (None drops one); a target must be one
        of the project's labels, so no label outside the set reaches anyone."""
        from ..errors import InputError
        from ..labels import check_label

        project = {lab.name for lab in self.labels()}
        clean: dict[str, str | None] = {}
        for source, target in mapping.items():
            check_label(source)
            if target is not None and target not in project:
                raise InputError(f"label map {source} -> {target}: {target!r} is not one of "
                                 "the project's labels; add it first or map to one of "
                                 f"{', '.join(sorted(project)) or '(none yet)'}")
            clean[source] = target
        current = self.label_map()
        current.update(clean)
        self.set_setting(self.LABEL_MAP_KEY, current)

    def clear_label_map(self, sources: Iterable[str] | None = None) -> None:
        """Forget the user's rule for these model labels (all when None): the loop
        learns them again from the corrections."""
        current = self.label_map()
        for source in list(current) if sources is None else sources:
            current.pop(source, None)
        self.set_setting(self.LABEL_MAP_KEY, current)
