"""``goldspan check`` and the schema guard every read-write open runs.

The schema guard (:meth:`IntegrityMixin.schema_problems`) compares the file's tables,
indexes and triggers with those of a new database, as SQL text (whitespace aside): one
read of ``sqlite_master``, a few milliseconds, so it runs at every read-write open.
Where an object differs, sqlite-utils' introspection (``table.columns``,
``table.foreign_keys``, ``table.indexes``, ``db.triggers``) says what differs: a
column's type or NOT NULL, a foreign key, an index's columns. It is the better tool
there (structured facts instead of parsed SQL), and paid for (its import, about
0.3 s) only by ``check`` and by a file that is already refused. The row-by-row checks
read the reference schema's columns through it too.
"""

from __future__ import annotations

import json
import re
import sqlite3
from dataclasses import dataclass, field
from typing import Any

from ..labels import annotator_refusal, color_problem, hotkey_problem, label_refusal
from ..textio import text_hash
from . import schema
from .labels import SETTING_TYPES
from .search import REBUILD_HINT, SEARCH_OBJECTS, SearchMixin
from .reference import RowQuery, difference, objects, reference_objects, row_queries, shapes

MAX_FINDINGS_PER_CHECK = 50


@dataclass
class CheckReport:
    """What ``goldspan check`` found: problems (exit 1) and notes (information)."""

    problems: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


class Limit:
    """Adds a check's findings to a report, at most MAX_FINDINGS_PER_CHECK lines and
    then one line saying how many more (a file with a million broken rows stays
    readable)."""

    def __init__(self, report: CheckReport, what: str) -> None:
        self.report, self.what, self.n = report, what, 0
        self.more_at: int | None = None

    def add(self, line: str) -> None:
        self.n += 1
        if self.n <= MAX_FINDINGS_PER_CHECK:
            self.report.problems.append(line)
            return
        if self.more_at is None:
            self.more_at = len(self.report.problems)
            self.report.problems.append("")
        self.report.problems[self.more_at] = (
            f"... and {self.n - MAX_FINDINGS_PER_CHECK} more {self.what}")


def json_problem(value: Any, want_object: bool = False) -> str | None:
    """Why a stored JSON value is not valid strict JSON (RFC 8259: NaN and Infinity,
    which Python's json writes by default, are not JSON), or None."""
    if isinstance(value, bytes):
        try:
            value = value.decode("utf-8")
        except UnicodeDecodeError:
            return "is not text"
    if isinstance(value, (int, float)):
        value = repr(value)

    def refuse(name: str) -> Any:
        raise ValueError(f"{name} is not valid JSON")

    try:
        parsed = json.loads(value, parse_constant=refuse)
    except ValueError as err:
        return f"is not valid JSON ({err})"
    if want_object and not isinstance(parsed, dict):
        return "is JSON but not an object"
    return None


class IntegrityMixin(SearchMixin, schema.SchemaMixin):
    def integrity_problems(self) -> list[str]:
        """SQLite's integrity and foreign-key checks plus goldspan's own invariants
        (the problems of :meth:`check`)."""
        return self.check().problems

    def check(self) -> CheckReport:
        """Everything ``goldspan check`` looks at, each finding naming its table and
        row: SQLite's ``integrity_check`` and ``foreign_key_check``; the schema objects
        against :mod:`.schema` (:meth:`schema_problems`); every CHECK and NOT NULL
        constraint of the schema evaluated again row by row (a tool that wrote with
        ``ignore_check_constraints`` or an edited schema is caught); spans and
        suggestions within their text; spans of one version not overlapping;
        ``text_hash`` against the text; the full-text index against the texts
        (:meth:`search_index_problems`); JSON columns holding valid, strict JSON (no
        NaN); known settings of the right type. Labels used by spans but missing from
        the label set are notes, not problems (the set is a palette; the spans are
        still valid data)."""
        report = CheckReport()
        try:
            self._check(report)
        except sqlite3.DatabaseError as err:  # too damaged to finish the checks
            report.problems.append(
                f"the database is damaged ({err}); restore a backup (goldspan restore "
                "BACKUP: one of goldspan backup's, or the daily copies)")
        return report

    def schema_problems(self, notes: list[str] | None = None) -> list[str]:
        """Tables, indexes and triggers missing or different from the schema goldspan
        creates (whitespace aside); objects a user added are listed in ``notes``.
        Costs one read of ``sqlite_master``: run at every read-write open. What
        differs in an object that differs is said in words (:func:`.reference.difference`)."""
        ref = reference_objects()
        actual = objects(self.conn)
        problems = []
        differing = []
        for (kind, name), sql in ref.items():
            if (kind, name) not in actual:
                problems.append(f"{kind} {name} is missing")
            elif actual[(kind, name)] != sql:
                differing.append(len(problems))
                problems.append(f"{kind} {name} differs from goldspan's schema")
        if differing:
            self._say_what_differs(problems, differing)
        if notes is not None:
            notes.extend(f"{kind} {name} is not goldspan's (left as it is)"
                         for kind, name in sorted(set(actual) - set(ref)))
        return problems

    def _say_what_differs(self, problems: list[str], at: list[int]) -> None:
        with schema.SchemaMixin.memory() as ref:
            ours = shapes(ref.db)
        mine = shapes(self.db)
        for i in at:
            kind, name = problems[i].split(" ", 2)[:2]
            detail = difference(kind, mine.get((kind, name)), ours.get((kind, name)))
            if detail:
                problems[i] += f": {detail}"

    def name_problems(self) -> list[str]:
        """Labels and annotator names that break the naming rule (a database written
        before the rule was enforced may hold them), each with where it is used and how
        to fix it. Distinct names only: a handful of queries whatever the size."""
        out: list[str] = []
        used: dict[str, list[str]] = {}
        queries = (
            ("in the label set", "SELECT name, count(*) FROM labels GROUP BY name"),
            ("spans", "SELECT label, count(*) FROM spans GROUP BY label"),
            ("suggestions", "SELECT label, count(*) FROM suggestions GROUP BY label"),
        )
        for what, sql in queries:
            for name, n in self.conn.execute(sql):
                if label_refusal(name):
                    where = what if what.startswith("in ") else f"{n} {what}"
                    used.setdefault(name, []).append(where)
        for name, places in used.items():
            out.append(f"{label_refusal(name)} ({', '.join(places)}); rename it: Project -> "
                       "Labels, or goldspan labels --rename OLD NEW")
        who: dict[str, list[str]] = {}
        for what, sql in (
            ("versions", "SELECT annotator, count(*) FROM annotations GROUP BY annotator"),
            ("assignments", "SELECT annotator, count(*) FROM assignments GROUP BY annotator"),
        ):
            for name, n in self.conn.execute(sql):
                if annotator_refusal(name):
                    who.setdefault(name, []).append(f"{n} {what}")
        for name, places in who.items():
            out.append(f"{annotator_refusal(name)} ({', '.join(places)})")
        return out

    def label_set_problems(self) -> list[str]:
        """Colours and keys of the label set that are not a colour and a key, or a key
        two labels share (the window puts them in a style sheet and in shortcuts; a
        file made by another tool or edited by hand may hold anything)."""
        out: list[str] = []
        keys: dict[str, str] = {}
        try:
            rows = self.conn.execute("SELECT name, color, hotkey FROM labels ORDER BY position")
            for name, color, hotkey in rows:
                for problem in (color_problem(color), hotkey_problem(hotkey or None)):
                    if problem:
                        out.append(f"label {str(name)[:40]!r}: {problem}; set it in "
                                   "Project -> Labels")
                if hotkey and not hotkey_problem(hotkey):
                    other = keys.setdefault(hotkey.lower(), name)
                    if other != name:
                        out.append(f"labels {str(other)[:40]!r} and {str(name)[:40]!r} share the "
                                   f"hotkey {hotkey!r}; set another in Project -> Labels")
        except sqlite3.OperationalError:
            pass  # a missing table or column is reported by schema_problems
        return out

    def _check(self, report: CheckReport) -> None:
        c = self.conn
        problems = report.problems
        checks = row_queries()
        # integrity_check's "CHECK constraint failed in spans" and "NULL value in
        # spans.label" name no row: goldspan's tables are checked again below, row by row
        ours = {q.table for q in checks}
        for (line,) in c.execute("PRAGMA integrity_check"):
            m = re.fullmatch(r"(?:CHECK constraint failed in |NULL value in )(\w+)(?:\.\w+)?",
                             line)
            if line != "ok" and not (m and m.group(1) in ours):
                problems.append(line)
        for r in c.execute("PRAGMA foreign_key_check"):
            problems.append(f"foreign key: table {r[0]} row {r[1]} points to missing {r[2]}")
        problems.extend(x + (f" ({REBUILD_HINT})" if x.split(" ", 2)[1] in SEARCH_OBJECTS
                             else "") for x in self.schema_problems(report.notes))
        problems.extend(self.search_index_problems(notes=report.notes))
        problems.extend(self.name_problems())
        problems.extend(self.label_set_problems())
        for query in checks:
            self._rows_breaking(report, query)
        self._check_settings(report)
        limit = Limit(report, "spans past the end of their text")
        for r in c.execute(
                'SELECT s.id, s.annotation_id, s."end", length(d.text) FROM spans s '
                "JOIN annotations a ON a.id = s.annotation_id "
                'JOIN documents d ON d.id = a.document_id WHERE s."end" > length(d.text)'):
            limit.add(f"span {r[0]} of annotation {r[1]} ends at {r[2]}, past the text ({r[3]})")
        limit = Limit(report, "suggestions past the end of their text")
        for r in c.execute(
                'SELECT s.id, s.document_id, s.model, s."end", length(d.text) FROM suggestions s '
                'JOIN documents d ON d.id = s.document_id WHERE s."end" > length(d.text)'):
            limit.add(f"suggestion {r[0]} of document {r[1]} by {r[2]} ends at {r[3]}, "
                      f"past the text ({r[4]})")
        limit = Limit(report, "overlapping spans")
        last_ann, max_end, max_id = None, 0, 0
        for span_id, ann, start, end in c.execute(
                'SELECT id, annotation_id, start, "end" FROM spans '
                'ORDER BY annotation_id, start, "end", id'):
            if ann != last_ann:
                last_ann, max_end, max_id = ann, end, span_id
                continue
            if start < max_end:
                limit.add(f"spans {max_id} and {span_id} of annotation {ann} overlap")
            if end > max_end:
                max_end, max_id = end, span_id
        limit = Limit(report, "documents whose text_hash does not match their text")
        for doc_id, text, stored in c.execute("SELECT id, text, text_hash FROM documents"):
            if not isinstance(text, str):
                continue  # NOT NULL and the type are reported above
            if stored != text_hash(text):
                limit.add(f"document {doc_id}: text_hash "
                          + ("is missing" if stored is None else "does not match its text")
                          + " (the text was changed outside goldspan; duplicates of it "
                          "would no longer be recognised)")
        for label, n in c.execute(
                "SELECT label, count(*) FROM spans WHERE label NOT IN (SELECT name FROM labels) "
                "GROUP BY label ORDER BY label"):
            report.notes.append(f"label {label!r} is used by {n} span(s) but is not in the "
                                "label set")

    def _rows_breaking(self, report: CheckReport, q: RowQuery) -> None:
        """Run one of the reference's row checks; each row it finds is a problem."""
        limit = Limit(report, f"rows of {q.table} like these ({q.what})")
        try:
            for rowid, key, value in self.conn.execute(q.sql):
                name = (f"row {rowid}" if q.key is None else f"{q.key} {key}"
                        if q.key == "id" else f"row {rowid} ({q.key} {key!r})")
                if q.json is None:
                    limit.add(f"table {q.table}, {name}: {q.what}")
                    continue
                why = json_problem(value, want_object=(q.table, q.json) == ("documents", "meta"))
                if why:
                    limit.add(f"table {q.table}, {name}: {q.json} {why}")
        except sqlite3.OperationalError as err:  # a column or table is missing
            report.problems.append(f"table {q.table}: cannot check {q.what} ({err})")

    def _check_settings(self, report: CheckReport) -> None:
        for key, kind in SETTING_TYPES.items():
            try:
                row = self.conn.execute("SELECT value FROM settings WHERE key = ?",
                                        (key,)).fetchone()
            except sqlite3.OperationalError:
                return  # the missing table is reported by schema_problems
            if row is None or json_problem(row[0]):
                continue  # absent is the default; invalid JSON is reported already
            if not isinstance(json.loads(row[0]), kind):
                report.problems.append(f"table settings, key {key!r}: value {row[0][:40]!r} "
                                       f"is not a {kind.__name__}")


