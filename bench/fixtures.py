"""Benchmark inputs, built once into bench/work: the seed article repeated, a queue of
100,000 articles, Prodigy files, paragraph corpora, agreement databases.

Rows go in with raw ``executemany`` into a schema made by goldspan's own Store, so the
fixtures are real goldspan databases and cheap to build.
"""

from __future__ import annotations

import json
import random
import sqlite3
from pathlib import Path

from common import CACHE, ROOT, cached, write_json
from goldspan.core.types import Span
from goldspan.core.storage import Store, non_overlapping
from goldspan.core.textio import first_line, read_text, text_hash

ANNOTATOR = "bench"
LABELS = ("PERSON", "ORG", "GPE", "DATE", "NORP", "CARDINAL", "LOC", "EVENT")


def seed_text() -> str:
    return read_text(min((ROOT / "seeds").glob("*.txt")))


def seed_spans() -> list[Span]:
    """The model's suggestions on the seed article (computed once, cached as JSON)."""
    def build(tmp: Path) -> None:
        from goldspan.core.suggesters.spacy_ner import SpacySuggester

        (found,) = list(SpacySuggester("en_core_web_sm").suggest([seed_text()]))
        write_json(tmp, [[s.start, s.end, s.label] for s in non_overlapping(found)])

    path = cached("seed_spans.json", build)
    return [Span(a, b, lab, "model") for a, b, lab in json.loads(path.read_text())]


def repeated(times: int) -> tuple[str, list[Span]]:
    text = seed_text()
    if not text.endswith("\n"):
        text += "\n"
    spans = seed_spans()
    n = len(text)
    out = [Span(s.start + i * n, s.end + i * n, s.label, "model") for i in range(times) for s in spans]
    return text * times, out


def _new_db(path: Path) -> sqlite3.Connection:
    Store.open(path).close()
    conn = sqlite3.connect(str(path), isolation_level=None)
    conn.execute("PRAGMA synchronous = OFF")
    conn.execute("PRAGMA foreign_keys = ON")
    conn.execute("BEGIN")
    conn.executemany("INSERT INTO labels (name, color, hotkey, position) VALUES (?, ?, ?, ?)",
                     [(lab, c, str(i + 1), i) for i, (lab, c) in enumerate(zip(LABELS, (
                         "#7aa6ff", "#ffb35c", "#6fd08c", "#c79bff", "#ff8fa3", "#8fd3ff",
                         "#d6c36b", "#b0b0b0"), strict=False))])
    return conn


def _doc(conn: sqlite3.Connection, text: str, title: str | None = None) -> int:
    cur = conn.execute(
        "INSERT INTO documents (text, text_hash, title, source) VALUES (?, ?, ?, 'bench')",
        (text, text_hash(text), title or first_line(text)))
    return int(cur.lastrowid)  # type: ignore[arg-type]


def _version(conn: sqlite3.Connection, doc_id: int, annotator: str, status: str,
             spans: list[Span], edited: int = 1) -> int:
    cur = conn.execute("INSERT INTO annotations (document_id, annotator, status, edited) "
                       "VALUES (?, ?, ?, ?)", (doc_id, annotator, status, edited))
    ann = int(cur.lastrowid)  # type: ignore[arg-type]
    conn.executemany('INSERT INTO spans (annotation_id, start, "end", label, origin) '
                     "VALUES (?, ?, ?, ?, ?)",
                     [(ann, s.start, s.end, s.label, s.origin) for s in spans])
    return ann


def article_db(times: int) -> Path:
    """One document: the seed repeated ``times`` times, with the annotator ``bench``'s
    version holding the seed's suggestions repeated (status in_progress)."""
    def build(tmp: Path) -> None:
        text, spans = repeated(times)
        conn = _new_db(tmp)
        doc = _doc(conn, text)
        _version(conn, doc, ANNOTATOR, "in_progress", spans)
        conn.execute("COMMIT")
        conn.close()

    return cached(f"article_x{times}.db", build)


def paragraphs() -> list[str]:
    """The seed's longer paragraphs (20+ words): realistic news prose."""
    return [p.strip() for p in seed_text().split("\n") if len(p.split()) >= 20]


def queue_db(n: int) -> Path:
    """``n`` short articles (two seed paragraphs each, numbered so every text is
    unique); every third one has a ``bench`` version with a few spans."""
    def build(tmp: Path) -> None:
        paras = paragraphs()
        rng = random.Random(7)
        conn = _new_db(tmp)
        batch_docs = []
        for i in range(1, n + 1):
            a, b = rng.sample(paras, 2)
            title = f"Article {i}: {a[:60]}"
            text = f"{title}\n\n{a}\n\n{b}\n"
            batch_docs.append((i, text, text_hash(text), title))
        conn.executemany("INSERT INTO documents (id, text, text_hash, title, source) "
                         "VALUES (?, ?, ?, ?, 'bench')", batch_docs)
        statuses = ("done", "in_progress", "skipped")
        anns = [(i, i, ANNOTATOR, statuses[i % 3]) for i in range(1, n + 1, 3)]
        conn.executemany("INSERT INTO annotations (id, document_id, annotator, status, edited) "
                         "VALUES (?, ?, ?, ?, 1)", anns)
        spans = [(ann, k * 10, k * 10 + 7, LABELS[k % len(LABELS)], "manual")
                 for ann, *_ in anns for k in range(5)]
        conn.executemany('INSERT INTO spans (annotation_id, start, "end", label, origin) '
                         "VALUES (?, ?, ?, ?, ?)", spans)
        conn.execute("COMMIT")
        conn.close()

    return cached(f"queue_{n}.db", build)


def prodigy_jsonl(n_records: int, spans_per_record: int = 20, offset: int = 0) -> Path:
    """``n_records`` Prodigy ``ner_manual`` answers (accept), each the seed's opening
    with a numbered first line, ``spans_per_record`` spans from the seed's suggestions."""
    def build(tmp: Path) -> None:
        text = seed_text()
        spans = seed_spans()
        # the shortest prefix of the seed holding enough spans
        cut = spans[spans_per_record - 1].end + 1 if len(spans) >= spans_per_record else len(text)
        body = text[:cut]
        base = spans[:spans_per_record]
        with open(tmp, "w", encoding="utf-8") as fh:
            for i in range(offset, offset + n_records):
                head = f"Record {i}. "
                k = len(head)
                obj = {
                    "text": head + body,
                    "spans": [{"start": s.start + k, "end": s.end + k, "label": s.label}
                              for s in base],
                    "answer": "accept",
                    "_annotator_id": f"analyst{i % 3}",
                    "meta": {"source": "bench"},
                }
                fh.write(json.dumps(obj) + "\n")

    return cached(f"prodigy_{n_records}_{spans_per_record}_{offset}.jsonl", build)


def paragraph_db(n: int) -> Path:
    """``n`` documents, each one seed paragraph with a number in front (no suggestions)."""
    def build(tmp: Path) -> None:
        paras = paragraphs()
        conn = _new_db(tmp)
        for i in range(n):
            _doc(conn, f"({i + 1}) {paras[i % len(paras)]}")
        conn.execute("COMMIT")
        conn.close()

    return cached(f"paragraphs_{n}.db", build)


def agreement_db(n_docs: int, annotators: int = 3) -> Path:
    """``n_docs`` one-paragraph documents, each ``done`` by ``annotators`` annotators whose
    spans mostly agree (a few labels and boundaries differ, seeded)."""
    def build(tmp: Path) -> None:
        from goldspan.core.agreement import spacy_tokens

        paras = paragraphs()
        toks = [spacy_tokens(p) for p in paras]
        rng = random.Random(11)
        conn = _new_db(tmp)
        for i in range(n_docs):
            j = i % len(paras)
            head = f"({i + 1}) "
            doc = _doc(conn, head + paras[j])
            k = len(head)
            base = [Span(a + k, b + k, LABELS[m % len(LABELS)], "manual")
                    for m, (a, b) in enumerate(toks[j][1::4])]
            for a in range(annotators):
                spans = []
                for s in base:
                    r = rng.random()
                    if r < 0.05:
                        continue
                    if r < 0.10:
                        s = Span(s.start, s.end, LABELS[(LABELS.index(s.label) + 1) % len(LABELS)], "manual")
                    spans.append(s)
                _version(conn, doc, f"annotator{a}", "done", spans)
        conn.execute("COMMIT")
        conn.close()

    return cached(f"agreement_{n_docs}x{annotators}.db", build)


__all__ = [
    "ANNOTATOR",
    "CACHE",
    "agreement_db",
    "article_db",
    "paragraph_db",
    "paragraphs",
    "prodigy_jsonl",
    "queue_db",
    "repeated",
    "seed_spans",
    "seed_text",
]


def export_db(n_records: int) -> Path:
    """A database holding ``n_records`` Prodigy answers (20 spans each), loaded the
    bare way (bench/probe_io.py) so building it costs seconds."""
    def build(tmp: Path) -> None:
        from probe_io import bare

        Store.open(tmp).close()
        bare(prodigy_jsonl(n_records), tmp)  # its last connection closed: checkpointed

    return cached(f"export_{n_records}.db", build)


SURNAMES = ["Esper", "Macron", "Merkel", "Biden", "Okonjo", "Nakamura", "Haddad", "Kowalski",
            "Moreau", "Lindqvist", "Osei", "Petrov", "Quispe", "Rahman", "Silva", "Tanaka"]
GIVEN = ["Mark", "Anna", "Joe", "Ngozi", "Yuki", "Omar", "Ewa", "Luc", "Ingrid", "Kofi",
         "Olga", "Rosa", "Aisha", "Pedro", "Ken", "Lea"]


def news_db(n: int) -> Path:
    """``n`` news-sized articles (about 3 KB: a headline and seed paragraphs in a random
    order, a dateline naming a person, a numbered reference), searchable through the
    full-text index the schema keeps; every tenth has a ``bench`` version labelling
    its person PERSON. Person names are drawn from 256 combinations, so a name is in
    about 400 articles; the seed's words are in nearly all."""
    def build(tmp: Path) -> None:
        paras = paragraphs()
        rng = random.Random(15)
        conn = _new_db(tmp)
        for start in range(1, n + 1, 10_000):
            docs, anns, spans = [], [], []
            for i in range(start, min(n, start + 9_999) + 1):
                person = f"{rng.choice(GIVEN)} {rng.choice(SURNAMES)}"
                head = f"Article {i}: {person} speaks (ref {i * 7919 % 1_000_003})"
                line = f"By our correspondent. {person} said on Monday:"
                body: list[str] = []
                while sum(len(p) for p in body) < 2_800:
                    body.append(rng.choice(paras))
                text = f"{head}\n\n{line}\n\n" + "\n\n".join(body) + "\n"
                docs.append((i, text, text_hash(text), head))
                if i % 10 == 0:
                    k = len(head) + 2 + len("By our correspondent. ")
                    anns.append((i, i, "bench", "done"))
                    spans.append((i, k, k + len(person), "PERSON", "manual"))
            conn.executemany("INSERT INTO documents (id, text, text_hash, title, source) "
                             "VALUES (?, ?, ?, ?, 'bench')", docs)
            conn.executemany("INSERT INTO annotations (id, document_id, annotator, status, "
                             "edited) VALUES (?, ?, ?, ?, 1)", anns)
            conn.executemany('INSERT INTO spans (annotation_id, start, "end", label, origin) '
                             "VALUES (?, ?, ?, ?, ?)", spans)
        conn.execute("COMMIT")
        conn.execute("VACUUM")
        conn.close()

    return cached(f"news_{n}.db", build)
