"""Make the README's screenshot with the app itself: import the seed article, let the
model suggest, correct two entities (Rabat is a city, North Africa a region) as an analyst would, then `goldspan screenshot`."""

from __future__ import annotations

import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def main() -> None:
    from goldspan.core.sessions.annotate import ArticleSession
    from goldspan.core.storage import Store

    with tempfile.TemporaryDirectory() as tmp:
        db = Path(tmp) / "demo.db"
        goldspan = [sys.executable, "-m", "goldspan.cli.main"]
        subprocess.run([*goldspan, "import", str(ROOT / "seeds"), "--db", str(db)], check=True)
        subprocess.run([*goldspan, "suggest", "--db", str(db)], check=True)
        store = Store.open(db)
        s = ArticleSession(store, 1, "analyst")
        text = s.text
        rabat = text.index("Rabat")  # the model calls it a PERSON: fix it
        s.apply(s.relabel(s.span_at(rabat), "GPE"))
        africa = text.index("North Africa")  # a region, not a country
        s.apply(s.relabel(s.span_at(africa), "LOC"))
        store.close()
        subprocess.run([*goldspan, "screenshot", "--db", str(db), "--doc", "1",
                        "--annotator", "analyst", "--out", str(ROOT / "resources" / "screenshot.png")],
                       check=True)


if __name__ == "__main__":
    main()
