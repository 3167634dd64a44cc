"""The project's own error type.

Every refusal a user can meet is a :class:`GoldspanError` with a stable code and one
line of text that says what is wrong, where (file, line, offset) and what to do. The
CLI prints ``str(error)`` and exits non-zero; nothing else reaches the user.
"""

from __future__ import annotations

from pathlib import Path


def shown(path: str | Path) -> str:
    """A path as a message line shows it: as it is, or quoted with Python's escapes
    when it holds a line break or another character that is not printable (a file
    named with a newline split the one-line refusal in two)."""
    text = str(path)
    return text if text.isprintable() else repr(text)


class GoldspanError(Exception):
    """A refusal with a stable code (``E001``...) and a one-line message."""

    code = "E000"

    def __init__(
        self,
        message: str,
        *,
        path: str | Path | None = None,
        line: int | None = None,
        offset: int | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.path = str(path) if path is not None else None
        self.line = line
        self.offset = offset

    def where(self) -> str:
        parts = []
        if self.path is not None:
            parts.append(shown(self.path))
        if self.line is not None:
            parts.append(f"line {self.line}")
        if self.offset is not None:
            parts.append(f"offset {self.offset}")
        return ", ".join(parts)

    def __str__(self) -> str:
        where = self.where()
        prefix = f"{where}: " if where else ""
        return f"[{self.code}] {prefix}{self.message}"


class InputError(GoldspanError):
    """Input file or record that cannot be read as it stands."""

    code = "E100"


class StoreError(GoldspanError):
    """A database that goldspan cannot or must not open or change."""

    code = "E200"


class EditError(GoldspanError):
    """An edit that would break the data contract (overlap, bad offsets...)."""

    code = "E300"


class ModelError(GoldspanError):
    """A spaCy pipeline that cannot be found or loaded."""

    code = "E400"


class DatabaseLockedError(StoreError):
    """Another process held the write lock for longer than goldspan waits."""

    code = "E210"


class ReadOnlyDatabaseError(StoreError):
    """A database (or its folder) that this process may not write."""

    code = "E220"


class DiskError(StoreError):
    """The disk is full or failed under a write; the transaction was rolled back."""

    code = "E230"


class DamagedDatabaseError(StoreError):
    """A database whose pages, schema or rows break what goldspan wrote."""

    code = "E240"


class OutputError(GoldspanError):
    """An output path goldspan must not or cannot write (the database itself, a device,
    someone's folder, a full disk): refused before anything is replaced."""

    code = "E600"


class ClusterError(GoldspanError):
    """A Ray runtime or cluster that cannot run the bulk suggestions (``--ray``)."""

    code = "E700"
