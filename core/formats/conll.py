"""CoNLL-2003 style column files: one token per line, its tag in the last column, a
blank line between sentences, ``-DOCSTART-`` between documents (a file without one is
one document). Columns between the token and the tag (CoNLL-2003's part of speech and
chunk) are kept per token in ``meta["conll_columns"]`` and written back with the same
tokens, so a corpus goes out with what it came in with, its entity tags corrected.

Reading decodes IOB1 (wikigold, the original CoNLL-2003), IOB2 (re3d), BILUO/IOBES and
bare IO tags (GUM) with one lenient decoder, and records which scheme each document
used in ``meta["conll_scheme"]``. The text is the tokens joined by single spaces,
sentences by newlines; the original tokens and sentences are kept as offset pairs
(``Record.tokens`` / ``Record.sentences``, stored in ``documents.meta``), so writing
the document again gives the same tokens and tags.

Writing is IOB2 unless another scheme is asked for (``scheme="source"`` writes each
document in the scheme it was read in). Documents that did not come from CoNLL are
tokenised with spaCy's blank English tokenizer, sentences broken at newlines a span
does not cross. A span that does not start and end on token boundaries, or that
crosses a sentence boundary, cannot be written: it is left out and reported.

Exact or refused: a document with a space in any column (a label such as ``CITY NAME``
makes the tag ``B-CITY NAME``) is written with tab-separated columns, which the reader
splits at tabs only. A label that breaks the naming rule, or one the bare IO scheme
cannot hold (``O``, or a second character ``-``), and a token that is literally
``-DOCSTART-`` (it would read back as a document separator) refuse the export, naming
the document (and the offset). In the IO scheme two touching entities of one label
cannot be told apart: the second is left out and reported.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import IO, Iterator, Sequence

from ..errors import InputError
from ..status import Status
from ..types import Record, Span
from ..labels import label_refusal
from .base import Problem, head_lines, iter_lines, off_tokens
from .tokenization import make_doc

DOCSTART = "-DOCSTART-"
SCHEMES = ("iob2", "iob1", "biluo", "io")
# An entity type in a tag column is a label (the naming rule: "WORK_OF_ART", GUM's
# "person", "CITY NAME" in a tab-separated file). Quotes, brackets and braces never are
# part of one in a CoNLL file: a last column such as '"alice"}' is JSON read as CoNLL.
JSON_MARKS = re.compile(r'["{}\[\]]')


def _split_tag(tag: str, path: Path, line: int) -> tuple[str, str | None]:
    """``"B-PER"`` -> ``("B", "PER")``; ``"O"`` -> ``("O", None)``; bare ``"person"`` ->
    ``("", "person")`` (IO). Anything else is refused with its line."""
    if tag == "O":
        return "O", None
    if len(tag) > 2 and tag[1] == "-" and tag[0] in "BIELSU":
        prefix = {"E": "L", "S": "U"}.get(tag[0], tag[0])
        typ = tag[2:]
    elif len(tag) >= 2 and tag[1] == "-":
        raise InputError(f"unreadable tag {tag!r}: expected O, B-, I-, L-, U-, E- or S- "
                         "followed by a type", path=path, line=line)
    else:
        prefix, typ = "", tag
    if JSON_MARKS.search(typ):
        raise InputError(f"unreadable tag {tag[:40]!r}: a tag is O, B-/I-/... and a type, or a "
                         "bare type, with no quotes, brackets or braces; is the file CoNLL?",
                         path=path, line=line)
    refusal = label_refusal(typ)
    if refusal:
        raise InputError(refusal, path=path, line=line)
    return prefix, typ


TAG = re.compile(r"^(O|[BIELSU]-\S+)$")


def looks_like(path: Path) -> bool:
    """``--format auto`` for a ``.txt`` or ``.tsv``: every one of the first lines holds
    two columns or more; in a ``.txt`` the last must also be a tag (``O``, ``B-X``...),
    so an article of two-word lines stays text."""
    strict = path.suffix.lower() != ".tsv"
    lines = [ln for ln in head_lines(path) if not ln.startswith(DOCSTART)]
    if not lines:
        return False
    for ln in lines:
        cols = ln.split("\t") if "\t" in ln else ln.split()
        if len(cols) < 2:
            return False
        if strict and not TAG.match(cols[-1].strip()):
            return False
    return True


def _columns(line: str) -> list[str]:
    """A line's columns: split at tabs when it holds one (spaces then belong to the
    columns: ``B-CITY NAME``), else at runs of spaces. Only ASCII space and tab
    separate: a no-break space inside ``10\u00a0000`` or a U+2028 inside a tag is part of
    the column (and the label rule then refuses such a tag), never a silent split."""
    if "\t" in line:
        return [c.strip(" ") for c in line.split("\t")]
    return [c for c in line.split(" ") if c]


def read(path: Path) -> Iterator[Record]:
    words: list[tuple[str, str, str | None, int]] = []  # token, prefix, type, line
    middle: list[list[str]] = []  # per token, the columns between token and tag
    sent_breaks: list[int] = []  # token indices where a sentence starts
    first_line: int | None = None
    width: tuple[int, int] | None = None  # columns of the first token line, and its number
    for number, line in iter_lines(path):
        stripped = line.strip()
        if not stripped:
            if words and (not sent_breaks or sent_breaks[-1] != len(words)):
                sent_breaks.append(len(words))
            continue
        cols = _columns(line)
        if cols[0] in (DOCSTART, "\ufeff" + DOCSTART):  # a concatenated file's own BOM
            if words:
                yield _document(words, middle, sent_breaks, path, first_line or number)
            words, middle, sent_breaks, first_line = [], [], [], number
            continue
        if len(cols) < 2 or not cols[0] or not cols[-1]:
            raise InputError("expected a token and a tag separated by a tab or spaces",
                             path=path, line=number)
        if width is None:
            width = (len(cols), number)
        elif len(cols) != width[0]:
            raise InputError(f"{len(cols)} columns where line {width[1]} has {width[0]}: a CoNLL "
                             "file has the same columns on every token line; is the file "
                             "CoNLL?", path=path, line=number)
        prefix, typ = _split_tag(cols[-1], path, number)
        if first_line is None:
            first_line = number
        words.append((cols[0], prefix, typ, number))
        middle.append(cols[1:-1])
    if words:
        yield _document(words, middle, sent_breaks, path, first_line or 1)


def _document(words: list[tuple[str, str, str | None, int]], middle: list[list[str]],
              breaks: list[int], path: Path, line: int) -> Record:
    starts = {0, *breaks}
    parts: list[str] = []
    tokens: list[tuple[int, int]] = []
    sentences: list[tuple[int, int]] = []
    pos = 0
    sent_start = 0
    for i, (tok, _, _, _) in enumerate(words):
        if i in starts and i:
            sentences.append((sent_start, pos))
            parts.append("\n")
            pos += 1
            sent_start = pos
        elif i:
            parts.append(" ")
            pos += 1
        parts.append(tok)
        tokens.append((pos, pos + len(tok)))
        pos += len(tok)
    sentences.append((sent_start, pos))
    spans, scheme = _decode([(p, t) for _, p, t, _ in words], tokens, starts)
    meta: dict[str, object] = {"conll_scheme": scheme}
    if any(middle):
        meta["conll_columns"] = middle
    return Record(text="".join(parts), spans=spans, status=Status.DONE, tokens=tokens,
                  sentences=sentences, meta=meta, line=line, source=str(path))


def _decode(tags: Sequence[tuple[str, str | None]], tokens: Sequence[tuple[int, int]],
            sent_starts: set[int]) -> tuple[list[Span], str]:
    """Tags to spans, leniently (an I- after O starts an entity, as in IOB1), and the
    scheme the tags were written in."""
    spans: list[Span] = []
    evidence: set[str] = set()
    cur: tuple[int, str] | None = None  # (first token, type)
    closed = True

    def close(i: int) -> None:
        nonlocal cur
        if cur is not None:
            spans.append(Span(tokens[cur[0]][0], tokens[i - 1][1], cur[1], "import"))
        cur = None

    for i, (prefix, typ) in enumerate(tags):
        if i in sent_starts:
            close(i)
            closed = True
        continues = cur is not None and cur[1] == typ and not closed
        if prefix == "O":
            close(i)
            closed = True
            continue
        assert typ is not None  # only "O" has no type
        if prefix == "":
            evidence.add("io")
            if not continues:
                close(i)
                cur = (i, typ)
            closed = False
            continue
        if prefix in "LU":
            evidence.add("biluo")
        if prefix in "BU" or not continues:
            if prefix == "I" and not continues:
                evidence.add("iob1")
            close(i)
            cur = (i, typ)
        closed = prefix in "LU"
        if closed:
            close(i + 1)
    close(len(tags))
    if "biluo" in evidence:
        scheme = "biluo"
    elif "io" in evidence:
        scheme = "io"
    elif "iob1" in evidence:
        scheme = "iob1"
    else:
        scheme = "iob2"
    return spans, scheme


def encode(spans_tokens: Sequence[tuple[int, int, str]], n: int, scheme: str,
           sent_starts: frozenset[int] | set[int] = frozenset()) -> list[str]:
    """Token-index spans ``(first, last_exclusive, label)`` to ``n`` tags. IOB1 needs the
    sentence starts: an entity right after another of its type takes ``B-`` only within
    one sentence."""
    tags = ["O"] * n
    prev_end, prev_label = -1, None
    for first, last, label in sorted(spans_tokens):
        length = last - first
        for k in range(first, last):
            if scheme == "io":
                tags[k] = label
            elif scheme == "iob1":
                touching = first == prev_end and label == prev_label \
                    and first not in sent_starts
                tags[k] = f"B-{label}" if k == first and touching else f"I-{label}"
            elif scheme == "biluo":
                if length == 1:
                    tags[k] = f"U-{label}"
                else:
                    tags[k] = (f"B-{label}" if k == first else
                               f"L-{label}" if k == last - 1 else f"I-{label}")
            else:
                tags[k] = f"B-{label}" if k == first else f"I-{label}"
        prev_end, prev_label = last, label
    return tags


def _spacy_tokens(record: Record) -> tuple[list[tuple[int, int]], list[tuple[int, int]]]:
    """Non-space spaCy tokens, and sentences broken where a newline lies between two
    tokens and no span crosses it."""
    tokens: list[tuple[int, int]] = []
    sentences: list[tuple[int, int]] = []
    spans = [(s.start, s.end) for s in record.spans]
    sent_start = 0
    for t in make_doc(record.text):
        if not t.text.strip():
            continue
        a, b = t.idx, t.idx + len(t.text)
        if tokens:
            prev_end = tokens[-1][1]
            gap_has_newline = "\n" in record.text[prev_end:a]
            crossed = any(s < a and e > prev_end for s, e in spans)
            if gap_has_newline and not crossed:
                sentences.append((sent_start, prev_end))
                sent_start = a
        else:
            sent_start = a
        tokens.append((a, b))
    if tokens:
        sentences.append((sent_start, tokens[-1][1]))
    return tokens, sentences


def source_tokens(record: Record) -> tuple[list[tuple[int, int]], list[tuple[int, int]]] | None:
    """The CoNLL tokens and sentences a document was read with, if it has them and they
    still fit its text."""
    meta = record.meta if isinstance(record.meta, dict) else {}
    toks = record.tokens or meta.get("tokens")
    sents = record.sentences or meta.get("sentences")
    if not toks or not sents:
        return None
    n = len(record.text)
    tokens = [(int(a), int(b)) for a, b in toks]
    sentences = [(int(a), int(b)) for a, b in sents]
    if any(not (0 <= a < b <= n) or not record.text[a:b].strip() for a, b in tokens):
        return None
    return tokens, sentences


def _middle_columns(record: Record, n: int) -> list[list[str]] | None:
    """The columns between token and tag the document was read with, one list per
    token, when there is one for each of its ``n`` source tokens."""
    meta = record.meta if isinstance(record.meta, dict) else {}
    cols = meta.get("conll_columns")
    if not isinstance(cols, list) or len(cols) != n:
        return None
    if not all(isinstance(c, list) and all(isinstance(x, str) for x in c) for c in cols):
        return None
    return cols


def _check_label(label: str, scheme: str, doc_id: int) -> None:
    """Refuse, naming the label and the document, a label the written tags could not
    give back exactly: one that breaks the naming rule (a tab or line break would split
    the line), one holding quotes, brackets or braces (the reader refuses them), or in the bare IO scheme ``O`` or one whose second character is ``-``
    (read back as outside, or as a B-/I- prefix)."""
    refusal = label_refusal(label)
    if refusal:
        raise InputError(f"document {doc_id}: CoNLL cannot hold the label: {refusal}; rename "
                         "it (Project -> Labels, or goldspan labels --rename OLD NEW)")
    if JSON_MARKS.search(label):
        raise InputError(f"document {doc_id}: CoNLL cannot hold the label {label!r}: its "
                         "reader takes quotes, brackets and braces in a tag for JSON read as "
                         "CoNLL; rename it (Project -> Labels, or goldspan labels --rename "
                         "OLD NEW)")
    if scheme == "io" and (label == "O" or label[1:2] == "-"):
        raise InputError(f"document {doc_id}: the IO tag scheme cannot hold the label "
                         f"{label!r} (it reads as {'outside' if label == 'O' else 'a prefix'});"
                         " export with --scheme iob2")


def _io_separable(placed: list[tuple[int, int, str]], sent_of: list[int],
                  tokens: Sequence[tuple[int, int]], doc_id: int, problems: list[Problem]
                  ) -> tuple[list[tuple[int, int, str]], list[Problem]]:
    """Bare IO tags cannot tell two touching entities of one label from one entity:
    the second is left out and reported rather than silently merged into the first."""
    kept: list[tuple[int, int, str]] = []
    for first, last, label in sorted(placed):
        if kept and kept[-1][1] == first and kept[-1][2] == label \
                and sent_of[first] == sent_of[first - 1]:
            problems.append(Problem(doc_id, tokens[first][0], tokens[last - 1][1], label,
                                    "touches another entity of its label, which IO tags "
                                    "cannot separate (use --scheme iob2)", True))
            continue
        kept.append((first, last, label))
    return kept, problems


class ConllWriter:
    """CoNLL-2003 style ``token tag`` lines, ``-DOCSTART- -X- O O`` before each document
    (the delimiter ``spacy convert --converter ner`` expects)."""

    def __init__(self, fh: IO[str], scheme: str = "iob2") -> None:
        if scheme not in SCHEMES + ("source",):
            raise InputError(f"unknown tag scheme {scheme!r}: use one of "
                             f"{', '.join(SCHEMES)} or source")
        self.fh = fh
        self.scheme = scheme

    def write(self, record: Record, doc_id: int) -> list[Problem]:
        src = source_tokens(record)
        tokens, sentences = src if src is not None else _spacy_tokens(record)
        scheme = self.scheme
        if scheme == "source":
            scheme = record.meta.get("conll_scheme", "iob2") if isinstance(record.meta, dict) \
                else "iob2"
            scheme = scheme if scheme in SCHEMES else "iob2"
        by_start = {a: i for i, (a, _) in enumerate(tokens)}
        by_end = {b: i for i, (_, b) in enumerate(tokens)}
        sent_of: list[int] = []
        si = 0
        for a, _ in tokens:
            while si + 1 < len(sentences) and a >= sentences[si + 1][0]:
                si += 1
            sent_of.append(si)
        problems: list[Problem] = []
        placed: list[tuple[int, int, str]] = []
        for s in record.spans:
            first, last = by_start.get(s.start), by_end.get(s.end)
            if first is None or last is None:
                problems += off_tokens(doc_id, [s], dropped=True,
                                       tokens="spaCy token" if src is None else "CoNLL token")
            elif sent_of[first] != sent_of[last]:
                problems.append(Problem(doc_id, s.start, s.end, s.label,
                                        "crosses a sentence boundary", True))
            else:
                placed.append((first, last + 1, s.label))
        for label in dict.fromkeys(label for _, _, label in placed):
            _check_label(label, scheme, doc_id)
        if scheme == "io":
            placed, problems = _io_separable(placed, sent_of, tokens, doc_id, problems)
        for a, b in tokens:
            if record.text[a:b] == DOCSTART:
                raise InputError(
                    f"document {doc_id}, offset {a}-{b}: the token {DOCSTART} would read back "
                    "as the start of a new document in CoNLL; export this document in "
                    "another format (prodigy, doccano, spacy...)")
        starts = {i for i in range(1, len(tokens)) if sent_of[i] != sent_of[i - 1]}
        tags = encode(placed, len(tokens), scheme, starts)
        middle = _middle_columns(record, len(tokens)) if src is not None else None
        rows = [[record.text[a:b], *(middle[i] if middle else ()), tags[i]]
                for i, (a, b) in enumerate(tokens)]
        # Columns are split at whitespace unless the line holds a tab: a document with a
        # space in any column (a token, a kept column, a tag such as "B-CITY NAME") is
        # written with tabs, which the reader splits at exactly.
        sep = "\t" if any(" " in col for row in rows for col in row) else " "
        out = [f"{DOCSTART} -X- O O", ""]
        for i, cols in enumerate(rows):
            if i and sent_of[i] != sent_of[i - 1]:
                out.append("")
            out.append(sep.join(cols))
        out.append("")
        self.fh.write("\n".join(out) + "\n")
        return problems

    def close(self) -> None:
        pass
