"""The project's own error type.

Every refusal a user can meet is a :class:`GoldspanError` with a stable code and one
line of text that says what is wrong, where (file, line, offset) and what to do. The
CLI prints ``str(error)`` and exits non-zero; nothing else reaches the user.
"""

from __future__ import annotations

from pathlib import Path


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
            parts.append(self.path)
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


class ClusterError(GoldspanError):
    """A Ray runtime or cluster that cannot run the bulk suggestions (``--ray``)."""

    code = "E500"
