"""Shared helpers for the format, import and export tests (no tests of its own).

The CLI app is built from the import and export modules alone, so these tests do not
depend on the other sub-commands being present.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

import typer
from typer.testing import CliRunner

from goldspan.cli import export_cmd, import_cmd
from goldspan.core.storage import Store

DATA = Path(__file__).parent / "data"
PRODIGY = DATA / "prodigy" / "annotated_news_headlines-ORG-PERSON-LOCATION-ner.jsonl"
DOCCANO_SEQ = DATA / "doccano" / "doccano_export_sequence_labeling_example.jsonl"
DOCCANO_REL = DATA / "doccano" / "doccano_export_relation_extraction_example.jsonl"
DOCCANO_LABELS = DATA / "doccano" / "doccano-transformer_labeling_text_label.jsonl"
DOCCANO_OLD = DATA / "doccano" / "doccano-transformer_labeling.jsonl"
RE3D = DATA / "re3d" / "US_State_Department"
WIKIGOLD = DATA / "wikigold" / "wikigold.conll.txt"

# Edge texts: emoji and a flag before an entity, CRLF, tabs, right-to-left script,
# combining marks. Each entity is given by its surface string.
EDGE = [
    ("👍🏽 🇫🇷 Emmanuel Macron met Angela Merkel.", ["Emmanuel Macron", "Angela Merkel"]),
    ("Line one in London.\r\nLine two in Paris.\r\n", ["London", "Paris"]),
    ("Name:\tBarack Obama\tCity:\tChicago", ["Barack Obama", "Chicago"]),
    ("زار محمد عباس القاهرة أمس", ["محمد عباس", "القاهرة"]),
    ("Cafe\u0301 owner Zoe\u0308 Saldan\u0303a visited Sa\u0303o Paulo.", ["Zoe\u0308 Saldan\u0303a", "Sa\u0303o Paulo"]),
]


def app() -> typer.Typer:
    a = typer.Typer()
    import_cmd.register(a)
    export_cmd.register(a)
    return a


def run(*args: str) -> Any:
    """Run ``goldspan <args>`` in-process; returns click's Result."""
    return CliRunner().invoke(app(), [str(a) for a in args])


def spans_of(text: str, surfaces: list[str]) -> list[tuple[int, int]]:
    out = []
    for s in surfaces:
        i = text.index(s)
        out.append((i, i + len(s)))
    return out


def write_jsonl(path: Path, records: list[dict]) -> Path:
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records),
                    encoding="utf-8")
    return path


def read_jsonl(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line]


def db_state(db: Path) -> tuple[str, tuple[int, ...]]:
    """A checksum of the database file and its row counts (after checkpointing)."""
    with Store.open(db) as s:
        s.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        counts = tuple(s.conn.execute(f"SELECT count(*) FROM {t}").fetchone()[0]
                       for t in ("documents", "annotations", "spans", "suggestions", "labels",
                                 "settings"))
    return hashlib.sha256(db.read_bytes()).hexdigest(), counts


def fresh_db(tmp_path: Path, name: str = "g.db") -> Path:
    db = tmp_path / name
    Store.open(db).close()
    return db
