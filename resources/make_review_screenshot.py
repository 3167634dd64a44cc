"""Make the README's review screenshot with the app itself: a demo database with the
seed article and four short news items, each done by three annotators (alice, bob,
carol) who agree on most entities and differ as real annotators do (a label, an
extent, an entity only some saw); the lead has started the gold of the seed article by
taking two of the disputed entities. Then the review window is rendered offscreen.

    QT_QPA_PLATFORM=offscreen .venv/bin/python resources/make_review_screenshot.py [OUT.png]
"""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "resources" / "review.png"

SHORT = [
    ("Apple opens first store in Mumbai\n\nTim Cook opened Apple's first retail store in "
     "India on Tuesday, in Mumbai's Bandra Kurla Complex, as the company courts buyers in "
     "the world's most populous country.\n"),
    ("Storm Ciarán batters Cornwall\n\nThe Met Office issued a red warning for Cornwall on "
     "Thursday as Storm Ciarán brought winds of 100 mph to the south-west of England.\n"),
    ("EU fines Google €2.4bn\n\nThe European Commission fined Google 2.4 billion euros on "
     "Tuesday for favouring its own shopping service, Margrethe Vestager said in Brussels.\n"),
    ("Messi joins Inter Miami\n\nLionel Messi signed a two-and-a-half-year contract with "
     "Inter Miami, the Major League Soccer club co-owned by David Beckham, on Saturday.\n"),
]

# What each annotator marked, as (text, label); an entry "text#2" is the 2nd occurrence.
# Shared entities come first; the differences are the kind a lead meets every day.
SEED_COMMON = [
    ("US", "GPE"), ("Morocco", "GPE"), ("Washington", "GPE"), ("Rabat", "GPE"),
    ("Africa", "LOC"), ("02 October, 2020", "DATE"), ("Mark Esper", "PERSON"),
    ("Morocco#3", "GPE"), ("Friday", "DATE"), ("Tunisia", "GPE"), ("Algeria", "GPE"),
    ("Abdeletif Loudyi", "PERSON"), ("David Fischer", "PERSON"), ("Mike Pompeo", "PERSON"),
]
PEOPLE = [("Nasser Bourita", "PERSON"), ("Abdelfattah Lourak", "PERSON")]
SEED = {
    "alice": SEED_COMMON + PEOPLE + [
        ("Maghreb Arab Press", "ORG"), ("AFP", "ORG"), ("North Africa", "LOC"),
        ("Moroccan", "NORP"), ("African Lion", "EVENT"), ("Libya", "GPE"), ("Mali", "GPE")],
    "bob": SEED_COMMON + PEOPLE + [
        ("Maghreb Arab Press", "PERSON"), ("AFP", "ORG"), ("North Africa", "GPE"),
        ("Moroccan", "NORP"), ("African Lion", "ORG"), ("Libya", "GPE")],
    "carol": SEED_COMMON + [
        ("Foreign Minister Nasser Bourita", "PERSON"), ("Army Chief Abdelfattah Lourak", "PERSON"),
        ("Maghreb Arab Press", "ORG"), ("North Africa", "LOC"), ("Moroccan capital", "GPE"),
        ("\"African Lion\" military exercise", "EVENT"), ("Libya", "GPE"), ("Mali", "GPE"),
        ("Covid-19", "EVENT")],
}
SHORT_SPANS = [
    {
        "alice": [("Apple", "ORG"), ("Tim Cook", "PERSON"), ("Apple#2", "ORG"), ("India", "GPE"),
                  ("Tuesday", "DATE"), ("Mumbai#2", "GPE"), ("Bandra Kurla Complex", "FAC")],
        "bob": [("Apple", "ORG"), ("Tim Cook", "PERSON"), ("Apple#2", "ORG"), ("India", "GPE"),
                ("Tuesday", "DATE"), ("Mumbai#2", "GPE"), ("Bandra Kurla Complex", "LOC")],
        "carol": [("Apple", "ORG"), ("Tim Cook", "PERSON"), ("Apple#2", "ORG"), ("India", "GPE"),
                  ("Tuesday", "DATE"), ("Mumbai#2", "GPE")],
    },
    {
        "alice": [("Cornwall", "GPE"), ("Met Office", "ORG"), ("Cornwall#2", "GPE"),
                  ("Thursday", "DATE"), ("Storm Ciarán#2", "EVENT"), ("100 mph", "QUANTITY"),
                  ("England", "GPE")],
        "bob": [("Cornwall", "GPE"), ("Met Office", "ORG"), ("Cornwall#2", "GPE"),
                ("Thursday", "DATE"), ("Storm Ciarán#2", "EVENT"), ("100 mph", "QUANTITY"),
                ("England", "GPE")],
        "carol": [("Cornwall", "GPE"), ("Met Office", "ORG"), ("Cornwall#2", "LOC"),
                  ("Thursday", "DATE"), ("Storm Ciarán#2", "EVENT"), ("England", "GPE")],
    },
    {
        "alice": [("EU", "ORG"), ("Google", "ORG"), ("The European Commission", "ORG"),
                  ("Google#2", "ORG"), ("2.4 billion euros", "MONEY"), ("Tuesday", "DATE"),
                  ("Margrethe Vestager", "PERSON"), ("Brussels", "GPE")],
        "bob": [("EU", "ORG"), ("Google", "ORG"), ("European Commission", "ORG"),
                ("Google#2", "ORG"), ("2.4 billion euros", "MONEY"), ("Tuesday", "DATE"),
                ("Margrethe Vestager", "PERSON"), ("Brussels", "GPE")],
        "carol": [("EU", "ORG"), ("Google", "ORG"), ("European Commission", "ORG"),
                  ("Google#2", "ORG"), ("2.4 billion euros", "MONEY"), ("Tuesday", "DATE"),
                  ("Margrethe Vestager", "PERSON"), ("Brussels", "GPE")],
    },
    {
        "alice": [("Messi", "PERSON"), ("Inter Miami", "ORG"), ("Lionel Messi", "PERSON"),
                  ("two-and-a-half-year", "DATE"), ("Inter Miami#2", "ORG"),
                  ("Major League Soccer", "ORG"), ("David Beckham", "PERSON"),
                  ("Saturday", "DATE")],
        "bob": [("Messi", "PERSON"), ("Inter Miami", "ORG"), ("Lionel Messi", "PERSON"),
                ("Inter Miami#2", "ORG"), ("Major League Soccer", "ORG"),
                ("David Beckham", "PERSON"), ("Saturday", "DATE")],
        "carol": [("Messi", "PERSON"), ("Inter Miami", "ORG"), ("Lionel Messi", "PERSON"),
                  ("Inter Miami#2", "ORG"), ("Major League Soccer", "EVENT"),
                  ("David Beckham", "PERSON"), ("Saturday", "DATE")],
    },
]


def find(text: str, ref: str, after: int = 0) -> tuple[int, int]:
    """Code point offsets of ``ref`` ("text" or "text#n", the n-th occurrence)."""
    needle, _, nth = ref.partition("#")
    start = -1
    for _ in range(int(nth or 1)):
        start = text.index(needle, start + 1)
    return start, start + len(needle)


def build_demo(db: Path) -> None:
    """The demo database: five documents, three annotators' done versions of each."""
    from goldspan.core.labels import default_labels
    from goldspan.core.types import Span
    from goldspan.core.seeds import seed_texts
    from goldspan.core.storage import Store

    store = Store.open(db)
    texts = [seed_texts()[0][1], *SHORT]
    plans = [SEED, *SHORT_SPANS]
    labels: set[str] = set()
    for text, plan in zip(texts, plans, strict=True):
        doc, _ = store.add_document(text)
        for annotator, refs in plan.items():
            spans = sorted((Span(*find(text, ref), label, "manual") for ref, label in refs),
                           key=lambda s: s.start)
            labels.update(s.label for s in spans)
            store.put_version(doc, annotator, "done", spans)
    store.set_labels(default_labels(sorted(labels)))
    store.close()


def render(db: Path, out: Path, width: int = 1680, height: int = 1050) -> Path:
    from goldspan.core.outputs import Outputs, database_files

    # Written like every goldspan output: checked first, replaced only once complete.
    with Outputs(protect=database_files(db)) as outputs:
        tmp = outputs.path(out)
        _draw(tmp, db, width, height)
    return out


def _draw(tmp: Path, db: Path, width: int, height: int) -> None:
    from goldspan.core.types import Span
    from goldspan.core.storage import Store
    from goldspan.gui.app import make_app
    from goldspan.gui.review_window import open_review

    app = make_app()
    store = Store.open(db)
    window = open_review(None, store, "lead")
    window.resize(width, height)
    s = window.session
    assert s is not None and s.doc_id == 1, "the seed article has the most disagreement"
    # The lead has settled two disputes: North Africa is a region, African Lion an event.
    africa = find(s.text, "North Africa")
    window.push(s.take(Span(*africa, "LOC"), "alice"))
    lion = find(s.text, "African Lion")
    window.push(s.take(Span(*lion, "EVENT"), "alice"))
    window.step_item(1)  # Tab, Tab: the second difference left is selected
    window.step_item(1)
    import time

    deadline = time.monotonic() + 60  # the figures are computed on a worker thread
    while window.dashboard.result is None and time.monotonic() < deadline:
        app.processEvents()
        time.sleep(0.02)
    for _ in range(10):
        app.processEvents()
    saved = window.grab().save(str(tmp), "PNG")
    window.close()
    store.close()
    if not saved:
        raise OSError(0, "Qt could not write the PNG (is the disk full?)", str(tmp))


def main() -> None:
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    if len(sys.argv) > 2 or (len(sys.argv) == 2 and sys.argv[1].startswith("-")):
        # "--help" was written as a PNG named "--help": an option is never a path here
        sys.exit(f"usage: {Path(sys.argv[0]).name} [OUT.png]  (default: {OUT})")
    out = Path(sys.argv[1]) if len(sys.argv) > 1 else OUT
    from goldspan.core.errors import GoldspanError

    with tempfile.TemporaryDirectory() as tmp:
        db = Path(tmp) / "review-demo.db"
        build_demo(db)
        try:
            print(render(db, out))
        except (GoldspanError, OSError) as err:  # one line, nothing replaced
            sys.exit(f"make_review_screenshot.py: {err}")


if __name__ == "__main__":
    main()
