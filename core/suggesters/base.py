"""What every suggester is: something that turns texts into entity suggestions,
stored under its name; and how a long text is cut for a model."""

from __future__ import annotations

from typing import Iterable, Iterator, Protocol, Sequence

from ..types import Suggestion

# NER needs about 1 GB of temporary memory per 100,000 characters and spaCy refuses
# texts over nlp.max_length: long articles are split at paragraph boundaries.
MAX_CHUNK = 50_000


class Suggester(Protocol):
    """Anything that turns texts into entity suggestions."""

    @property
    def model_id(self) -> str:
        """The name suggestions are stored under (``name@version``)."""
        ...

    @property
    def labels(self) -> Sequence[str]:
        ...

    def suggest(self, texts: Iterable[str]) -> Iterator[list[Suggestion]]:
        """One list of suggestions per text, in order."""
        ...


def split_text(text: str, limit: int | None = None) -> list[tuple[int, str]]:
    """Cut ``text`` into pieces of at most ``limit`` (default :data:`MAX_CHUNK`)
    characters, at paragraph breaks where possible (then line breaks, then spaces).
    Returns (offset, piece) pairs."""
    limit = MAX_CHUNK if limit is None else limit
    if len(text) <= limit:
        return [(0, text)]
    pieces: list[tuple[int, str]] = []
    pos = 0
    n = len(text)
    while pos < n:
        end = min(pos + limit, n)
        if end < n:
            cut = -1
            for sep in ("\n\n", "\n", " "):
                cut = text.rfind(sep, pos + 1, end)
                if cut > pos:
                    cut += len(sep)
                    break
            if cut > pos:
                end = cut
        pieces.append((pos, text[pos:end]))
        pos = end
    return pieces
