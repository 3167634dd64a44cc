"""Readers and writers of the dataset formats goldspan speaks, one module per format,
each described once in :mod:`.registry` (name, extensions, reader, writer factory,
what its files can hold).

Every reader is ``read(path) -> Iterator[Record]``, streaming and raising only
:class:`goldspan.core.errors.InputError` (file, line, reason). Every writer has
``write(record, doc_id) -> list[Problem]`` and ``close()``. :func:`reader` maps a
format name to its reader.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..errors import InputError

if TYPE_CHECKING:  # pragma: no cover
    from .registry import ReadFn


def reader(name: str) -> ReadFn:
    from . import registry

    read = registry.get(name).read
    if read is None:
        raise InputError(f"goldspan cannot read {name} files")
    return read
