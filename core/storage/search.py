"""Searching the documents: words and phrases through the full-text index
(``documents_fts``, schema version 3), and entities (a string labelled with a label, by
any or a given annotator).

What a user types becomes a :class:`Search` (:func:`parse`); what the database is asked
is built here from it, never from the typed text: every word and phrase goes into the
FTS5 query as a quoted string, so no typed text is FTS5 syntax (``AND``, ``NEAR``,
``-``, ``:``, ``*``, a lone quote are searched for, never obeyed, and never an error).

The syntax (README "Searching"), the same in the queue's filter box and in
``goldspan search``:

- ``Mark Esper``: documents holding both words, in the title or the text, in any
  case and with or without accents. The word being typed (the last one, with no space
  after it) matches as a prefix from its third letter: ``Mark Esp`` already finds
  "Esper". ``esp*`` is a prefix anywhere (and on the command line, where words are
  whole: ``goldspan search`` is not typed live).
- ``"Mark Esper"``: the phrase, words in this order (an unclosed quote: the phrase
  so far, its last word a prefix).
- ``label:PERSON``, ``annotator:alice`` (or ``by:alice``), ``entity:"Mark Esper"``: an
  entity search: documents where a version (of that annotator, else anyone's) has a
  span (with that label, else any) whose text is the rest of what was typed (in any
  case; nothing typed: any span). ``label:PERSON Mark Esper`` and ``entity:"Mark
  Esper" label:PERSON`` are the same search.
- Text with no word in it (``%``, ``--``): the plain substring search it replaces.
"""

from __future__ import annotations

import os
import re
import sqlite3
import unicodedata
from dataclasses import dataclass
from typing import Any

from ..errors import StoreError
from . import schema
from .connection import Connection, _fold, connect

PREFIX_FROM = 3  # the word being typed is a prefix from this many characters on
_KEYS = {"label": "label", "annotator": "annotator", "by": "annotator", "entity": "entity"}
# a key, then a quoted value (closed or not) or a bare one; a phrase; a bare word
_TOKEN = re.compile(r'(?P<key>[A-Za-z]+):(?:"(?P<qv>[^"]*)"?|(?P<v>\S*))'
                    r'|"(?P<phrase>[^"]*)(?P<closed>"?)|(?P<word>[^\s"]+)')


@dataclass(frozen=True)
class Search:
    """A parsed search. ``match``: the FTS5 query of the words and phrases ("" when
    there are none); ``substring``: text with no word in it, searched as a substring;
    ``entity``/``label``/``annotator``: an entity search (:attr:`is_entity`)."""

    match: str = ""
    substring: str = ""
    entity: str | None = None
    label: str | None = None
    annotator: str | None = None

    @property
    def is_entity(self) -> bool:
        return self.entity is not None or self.label is not None or self.annotator is not None

    @property
    def empty(self) -> bool:
        return not (self.match or self.substring or self.is_entity)


def _clean(text: str) -> str:
    """Control characters (a NUL ends an FTS5 string: "unterminated string") and lone
    surrogates (undecodable bytes of a command line: SQLite cannot take them) become
    spaces."""
    return "".join(" " if unicodedata.category(ch) in ("Cc", "Cs") else ch for ch in text)


def has_word(text: str) -> bool:
    """Whether the index's tokenizer (unicode61: letters, digits, private use) finds a
    word in ``text``; a phrase of none matches nothing."""
    return any(unicodedata.category(ch)[0] in "LN" or unicodedata.category(ch) == "Co"
               for ch in text)


def _quoted(text: str) -> str:
    return '"' + text.replace('"', '""') + '"'


def parse(typed: str, *, label: str | None = None, annotator: str | None = None,
          entity: bool = False, typing: bool = True) -> Search:
    """What ``typed`` asks for (module docstring). ``label``, ``annotator`` and
    ``entity`` are the command line's options: they make it an entity search too, and
    win over the same keys typed. ``typing``: the text is being typed (the filter
    box), so its last word is a prefix unless a space follows; the command line says
    False (whole words; ``esp*`` asks for a prefix anywhere)."""
    text = _clean(typed)
    typing = typing and bool(text) and not text[-1].isspace()
    terms: list[tuple[str, bool]] = []  # (words, a prefix may follow)
    keys: dict[str, str] = {}
    rest: list[str] = []
    matches = list(_TOKEN.finditer(text))
    for i, m in enumerate(matches):
        last = i == len(matches) - 1 and typing
        key = (m.group("key") or "").lower()
        if m.group("key") is not None and key in _KEYS:
            value = m.group("qv") if m.group("qv") is not None else m.group("v") or ""
            keys[_KEYS[key]] = value
        elif m.group("phrase") is not None:
            rest.append(m.group("phrase"))
            terms.append((m.group("phrase"), last and not m.group("closed")))
        else:
            words = m.group(0)  # a bare word, or "key:value" with a key of no meaning
            asked = words.endswith("*")  # "esp*": a prefix, wherever it is
            words = words.rstrip("*") if asked else words
            rest.append(words)
            # from its third letter: one or two letters match too many words to be
            # worth a keystroke (and the index keeps 3-letter prefixes: schema.py)
            terms.append((words, asked or (last and len(words) >= PREFIX_FROM)))
    if label is not None:
        keys["label"] = label
    if annotator is not None:
        keys["annotator"] = annotator
    if entity or keys:
        said = keys.get("entity", "")
        string = " ".join(x for x in (said, *rest) if x.strip()).strip()
        return Search(entity=" ".join(string.split()), label=keys.get("label") or None,
                      annotator=keys.get("annotator") or None)
    parts = [_quoted(" ".join(t.split())) + ("*" if prefix else "")
             for t, prefix in terms if has_word(t)]
    if parts:
        return Search(match=" ".join(parts))
    return Search(substring=text.strip())


fold = _fold  # how entity strings are compared (registered on every connection)


def matching_ids(search: Search) -> tuple[str, list[Any]] | None:
    """A subquery selecting the ``id`` of every document ``search`` finds (words
    through the index; entities through the spans, narrowed by the index first when
    the string has words), and its parameters; None for a substring search, which is
    a condition on the texts (:func:`document_clause`). The one place a search
    becomes SQL. The caller reads ``documents`` for the ids it shows only: counting
    95,000 matches then never reads 95,000 texts (bench/bench_search.py)."""
    if search.is_entity:
        where: list[str] = []
        params: list[Any] = []
        join = ""
        if search.label is not None:
            where.append("es.label = ? COLLATE NOCASE")
            params.append(search.label)
        if search.annotator is not None:
            where.append("ea.annotator = ?")
            params.append(search.annotator)
        if search.entity:
            join = " JOIN documents et ON et.id = ea.document_id"
            where.append('goldspan_fold(substr(et.text, es.start + 1, es."end" - es.start)) = ?')
            params.append(fold(search.entity))
            if has_word(search.entity):  # the index narrows the texts to look at first
                where.append("ea.document_id IN (SELECT rowid FROM documents_fts WHERE "
                             "documents_fts MATCH ?)")
                params.append(_quoted(" ".join(search.entity.split())))
        return ("(SELECT DISTINCT ea.document_id AS id FROM annotations ea JOIN spans es ON "
                "es.annotation_id = ea.id" + join + " WHERE " + (" AND ".join(where) or "1")
                + " ORDER BY ea.document_id)", params)
    if search.match:
        # no ORDER BY here: the subquery is then flattened into the caller's query,
        # whose ORDER BY id the index answers in its own order (a LIMIT stops early)
        return ("(SELECT rowid AS id FROM documents_fts WHERE documents_fts MATCH ?)",
                [search.match])
    return None


def document_clause(search: Search) -> tuple[str, list[Any]]:
    """An SQL condition on ``documents`` (as ``d``) selecting what ``search`` finds,
    and its parameters."""
    ids = matching_ids(search)
    if ids is not None:
        return "d.id IN " + ids[0], ids[1]
    if search.substring:
        pattern = "%" + search.substring.replace("\\", "\\\\").replace(
            "%", "\\%").replace("_", "\\_") + "%"
        return ("(d.title LIKE ? ESCAPE '\\' OR d.text LIKE ? ESCAPE '\\')",
                [pattern, pattern])
    return "1", []


def _fts_integrity(c: sqlite3.Connection) -> str | None:
    """FTS5's 'integrity-check' of the index against the texts, in a savepoint rolled
    back: a problem, None, "read-only" when this connection may not run it, "busy"
    when another process holds the write lock."""
    try:
        c.execute("SAVEPOINT search_check")
    except sqlite3.OperationalError as err:
        return f"the search index cannot be checked ({err})"
    try:
        c.execute("INSERT INTO documents_fts (documents_fts, rank) VALUES ('integrity-check', 1)")
    except sqlite3.OperationalError as err:
        if "readonly" in str(err) or "read-only" in str(err):
            return "read-only"
        if "locked" in str(err) or "busy" in str(err):
            return "busy"
        return f"the search index cannot be checked ({err})"
    except sqlite3.DatabaseError:  # SQLITE_CORRUPT_VTAB: the index is not the texts'
        return ("the search index does not match the texts of the documents; rebuild it: "
                "goldspan search --rebuild-index")
    finally:
        c.execute("ROLLBACK TO search_check")
        c.execute("RELEASE search_check")
    return None


class SearchMixin(Connection):
    def search(self, search: Search, *, limit: int | None = None) -> list[tuple[int, str | None]]:
        """(id, title) of the documents ``search`` finds, in id order."""
        self._require_index()
        ids = matching_ids(search)
        if ids is not None:
            sql = "SELECT d.id, d.title FROM " + ids[0] + " m JOIN documents d ON d.id = m.id"
            params = list(ids[1])
        else:
            where, params = document_clause(search)
            sql = "SELECT d.id, d.title FROM documents d WHERE " + where
        sql += " ORDER BY d.id"
        if limit is not None:
            sql += " LIMIT ?"
            params.append(limit)
        return self._rows(sql, params).fetchall()

    def search_count(self, search: Search) -> int:
        self._require_index()
        ids = matching_ids(search)
        if ids is not None:
            return int(self._value("SELECT count(*) FROM " + ids[0], ids[1]))
        where, params = document_clause(search)
        return int(self._value("SELECT count(*) FROM documents d WHERE " + where, params))

    # ------------------------------------------------------------ the index itself
    def _require_index(self) -> None:
        """A file of schema 2 opened read-only (not migrated) has no index: say so in
        one line rather than "no such table"."""
        if self._one("SELECT 1 FROM sqlite_master WHERE name = 'documents_fts'") is None:
            raise StoreError("this database has no search index yet (schema "
                             f"{self._value('PRAGMA user_version')}): open it once with "
                             "write access (any goldspan command that writes) to add it",
                             path=self.path)

    def search_index_problems(self, *, full: bool = True,
                              notes: list[str] | None = None) -> list[str]:
        """Where the full-text index disagrees with the documents: a document not
        indexed, or indexed but gone (read-only: the index's row table), and, with
        ``full`` and a writable file, FTS5's own 'integrity-check' against the texts
        (every text tokenised again; SQLite before 3.44 runs it as an INSERT, which
        a read-only connection may not)."""
        c = self.conn
        if c.execute("SELECT 1 FROM sqlite_master WHERE name = 'documents_fts'").fetchone() \
                is None:
            return []  # reported as missing by the schema comparison
        fix = "; rebuild it: goldspan search --rebuild-index"
        try:
            c.execute("SELECT count(*) FROM documents_fts_docsize").fetchone()
        except sqlite3.DatabaseError as err:
            return [f"the search index is damaged ({err}){fix}"]
        out = []
        missing = c.execute("SELECT count(*), min(id) FROM documents WHERE id NOT IN "
                            "(SELECT id FROM documents_fts_docsize)").fetchone()
        if missing[0]:
            out.append(f"the search index lacks {missing[0]} document(s) (the first: "
                       f"{missing[1]}){fix}")
        extra = c.execute("SELECT count(*), min(id) FROM documents_fts_docsize WHERE id NOT IN "
                          "(SELECT id FROM documents)").fetchone()
        if extra[0]:
            out.append(f"the search index holds {extra[0]} document(s) that are gone (the "
                       f"first: {extra[1]}){fix}")
        if out or not full:
            return out
        problem = _fts_integrity(c)
        if problem == "read-only" and self.path is not None and os.access(self.path, os.W_OK):
            other = connect(self.path)  # the check is an INSERT before SQLite 3.44
            try:
                other.execute("PRAGMA busy_timeout = 0")  # a reader never waits for a writer
                problem = _fts_integrity(other)
            finally:
                other.close()
        if problem in ("read-only", "busy"):
            if notes is not None:
                why = ("a read-only file: SQLite's full check of it is a write" if
                       problem == "read-only" else "another process is writing")
                notes.append("the search index was compared with the documents row by row "
                             f"only ({why})")
        elif problem:
            out.append(problem)
        return out

    def rebuild_search_index(self) -> None:
        """Make the index again from the texts: its table and its triggers dropped
        and created as schema 3 makes them, every text indexed (a file whose index
        a tool damaged, wrote around, or whose triggers it dropped)."""
        with self.transaction() as c:
            for sql in _DROP_INDEX:
                c.execute(sql)
            for sql in schema.statements(schema.SCHEMA_V3_SEARCH):
                c.execute(sql)


# the schema objects of the index: what --rebuild-index makes again
SEARCH_OBJECTS = frozenset({"documents_fts", "documents_ai", "documents_ad", "documents_au"})
REBUILD_HINT = "goldspan search --rebuild-index makes the search index again"

_DROP_INDEX = (
    "DROP TRIGGER IF EXISTS documents_ai",
    "DROP TRIGGER IF EXISTS documents_ad",
    "DROP TRIGGER IF EXISTS documents_au",
    "DROP TABLE IF EXISTS documents_fts",
)
