"""The schema a new database has, as the reference every file is compared with: its
objects' SQL (read at every read-write open, raw SQL: a few milliseconds), the
row-by-row checks ``goldspan check`` derives from it, and, through sqlite-utils'
introspection, what differs in an object that does not match."""

from __future__ import annotations

import re
import sqlite3
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from . import schema

if TYPE_CHECKING:
    import sqlite_utils


@dataclass(frozen=True)
class RowQuery:
    """One row-by-row check of the reference schema: its SQL selects (rowid, key,
    value) of the rows that break it; ``json`` names the column to parse, if any."""

    table: str
    key: str | None  # the declared primary key naming a row (None: the rowid)
    what: str
    sql: str
    json: str | None = None


_OBJECTS: dict[Any, dict[tuple[str, str], str]] = {}
_ROW_QUERIES: dict[Any, list[RowQuery]] = {}


def reference_objects() -> dict[tuple[str, str], str]:
    """(type, name) -> normalised SQL of every table, index and trigger of a new
    database, built once per process (about 2 ms; keyed by the schema scripts, so a
    migration added, or a test's, is part of it)."""
    key = schema.reference_key()
    if key not in _OBJECTS:
        with schema.SchemaMixin.memory() as ref:
            _OBJECTS[key] = objects(ref.conn)
    return _OBJECTS[key]


def objects(conn: sqlite3.Connection) -> dict[tuple[str, str], str]:
    """(type, name) -> normalised SQL of every table, index and trigger but SQLite's
    own: its internal tables and a virtual table's shadow tables (the search index's
    ``documents_fts_data``...), which SQLite writes as its version does (the virtual
    table's own statement is compared; ``goldspan check`` checks the index's data)."""
    shadows = _shadow_tables(conn)
    return {(r[0], r[1]): _normalise_sql(r[2]) for r in conn.execute(
        "SELECT type, name, sql FROM sqlite_master WHERE name NOT LIKE 'sqlite_%' "
        "AND sql IS NOT NULL") if r[1] not in shadows}


def row_queries() -> list[RowQuery]:
    """The reference schema's CHECK, NOT NULL and JSON columns as row-by-row checks.

    SQL built from goldspan's own schema (table and column names, as sqlite-utils
    reads them from a new database, through :func:`_ident`; CHECK expressions as
    :mod:`.schema` writes them), never from the file being checked. Virtual tables
    and their shadow tables (full-text search's index) hold nothing to check row by
    row: ``goldspan check`` compares the index with the texts instead."""
    key = schema.reference_key()
    if key not in _ROW_QUERIES:
        queries: list[RowQuery] = []
        with schema.SchemaMixin.memory() as ref:
            shadows = _shadow_tables(ref.conn)
            for table in sorted(ref.db.tables, key=lambda t: t.name):
                if table.virtual_table_using or table.name in shadows:
                    continue
                name, columns = table.name, table.columns
                pks = [col.name for col in columns if col.is_pk]
                pk = pks[0] if len(pks) == 1 else None
                for schema_expr in _check_expressions(table.schema):
                    queries.append(RowQuery(
                        name, pk, f"breaks CHECK ({schema_expr})",
                        f"SELECT rowid, {_ident(pk or 'rowid')}, NULL FROM {_ident(name)} "
                        f"WHERE NOT ({schema_expr})"))
                for col in columns:
                    col_name = col.name
                    if col.notnull and not col.is_pk:
                        queries.append(RowQuery(
                            name, pk, f"{col_name} is NULL",
                            f"SELECT rowid, {_ident(pk or 'rowid')}, NULL FROM {_ident(name)} "
                            f"WHERE {_ident(col_name)} IS NULL"))
                    if str(col.type).upper() == "JSON":
                        queries.append(RowQuery(
                            name, pk, f"valid JSON in {col_name}",
                            f"SELECT rowid, {_ident(pk or 'rowid')}, {_ident(col_name)} FROM "
                            f"{_ident(name)} WHERE {_ident(col_name)} IS NOT NULL",
                            json=col_name))
        _ROW_QUERIES[key] = queries
    return _ROW_QUERIES[key]


def _shadow_tables(conn: sqlite3.Connection) -> set[str]:
    """The tables a virtual table keeps its data in (``documents_fts_data``...):
    ``PRAGMA table_list`` (SQLite 3.37) says "shadow"; before it, the FTS5 names."""
    try:
        return {r[1] for r in conn.execute("PRAGMA table_list") if r[2] == "shadow"}
    except sqlite3.OperationalError:
        virtual = [r[0] for r in conn.execute(
            "SELECT name FROM sqlite_master WHERE sql LIKE 'CREATE VIRTUAL TABLE%'")]
        return {f"{v}_{suffix}" for v in virtual
                for suffix in ("data", "idx", "docsize", "config", "content")}


def shapes(db: sqlite_utils.Database) -> dict[tuple[str, str], Any]:
    """What sqlite-utils reads of each table, index and trigger: a table's columns
    (name, type, NOT NULL, default, primary key) and foreign keys, an index's table,
    uniqueness and columns, a trigger's table."""
    out: dict[tuple[str, str], Any] = {}
    for table in db.tables:
        out[("table", table.name)] = (
            {c.name: (c.type, bool(c.notnull), c.default_value, bool(c.is_pk))
             for c in table.columns},
            sorted((fk.column, fk.other_table, fk.other_column, fk.on_delete)
                   for fk in table.foreign_keys))
        for index in table.indexes:
            out[("index", index.name)] = (table.name, bool(index.unique), list(index.columns))
    for trigger in db.triggers:
        out[("trigger", trigger.name)] = trigger.table
    return out


def _column_text(shape: tuple[str, bool, Any, bool]) -> str:
    col_type, notnull, default, _pk = shape
    return " ".join(x for x in (col_type or "untyped", "NOT NULL" if notnull else "",
                                f"DEFAULT {default}" if default is not None else "") if x)


def difference(kind: str, mine: Any, ours: Any) -> str:
    """What differs between the file's object and goldspan's, in words ("" when
    sqlite-utils sees no difference: a CHECK, a UNIQUE, a trigger's body)."""
    if mine is None or ours is None:
        return ""
    if kind == "table":
        (cols, fks), (want, want_fks) = mine, ours
        for name in want:
            if name not in cols:
                return f"column {name} is missing"
            if cols[name] != want[name]:
                return (f"column {name} is {_column_text(cols[name])}, goldspan's is "
                        f"{_column_text(want[name])}")
        extra = [name for name in cols if name not in want]
        if extra:
            return f"column {extra[0]} is not goldspan's"
        return "its foreign keys differ" if fks != want_fks else ""
    if kind == "index":
        if mine[0] != ours[0]:
            return f"it is on table {mine[0]}, goldspan's on {ours[0]}"
        if mine[2] != ours[2]:
            return f"it is on ({', '.join(mine[2])}), goldspan's on ({', '.join(ours[2])})"
        return "" if mine[1] == ours[1] else ("it is not unique" if ours[1] else "it is unique")
    if kind == "trigger" and mine != ours:
        return f"it is on table {mine}, goldspan's on {ours}"
    return ""


def _ident(name: str) -> str:
    """A table or column name of goldspan's own schema, quoted for SQL. Anything but a
    plain identifier is refused: these names come from :mod:`.schema`, never a file."""
    if not re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", name):
        raise ValueError(f"not a plain SQL identifier: {name!r}")
    return f'"{name}"'


def _normalise_sql(sql: str | None) -> str:
    return " ".join((sql or "").split())


def _check_expressions(sql: str) -> list[str]:
    """The expressions of the CHECK constraints in a CREATE TABLE statement (balanced
    parentheses, string literals skipped)."""
    out = []
    for m in re.finditer(r"\bCHECK\s*\(", sql, flags=re.IGNORECASE):
        depth, i, quote = 1, m.end(), None
        while i < len(sql) and depth:
            ch = sql[i]
            if quote:
                quote = None if ch == quote else quote
            elif ch in "'\"":
                quote = ch
            elif ch == "(":
                depth += 1
            elif ch == ")":
                depth -= 1
            i += 1
        out.append(" ".join(sql[m.end():i - 1].split()))
    return out
