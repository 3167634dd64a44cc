"""Readers and writers of the dataset formats goldspan speaks, one module per format.

Every reader is ``read(path) -> Iterator[Record]``, streaming and raising only
:class:`goldspan.core.errors.InputError` (file, line, reason). Every writer has
``write(record, doc_id) -> list[Problem]`` and ``close()``. :func:`reader` maps a
format name to its reader.
"""

from __future__ import annotations

from pathlib import Path
from typing import Callable, Iterator

from ..types import Record

ReadFn = Callable[[Path], Iterator[Record]]


def reader(name: str) -> ReadFn:
    from . import brat, conll, docbin, doccano, labelstudio, prodigy, text

    return {
        "txt": text.read,
        "prodigy": prodigy.read,
        "doccano": doccano.read,
        "conll": conll.read,
        "spacy": docbin.read,
        "brat": brat.read,
        "labelstudio": labelstudio.read,
    }[name]
