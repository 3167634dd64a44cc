"""A merge reads each source as one snapshot (found red-teaming issue 11, family
"data that changes under goldspan"): an analyst's window may write to the source file
while the lead merges it.

``merge_store`` checks the source's span labels (``_check_names``) and copies its
label set in statements of their own, then opens the cursor over its documents: an
edit committed in between is merged without having been checked. Into a target with
a locked label set, a span with a label outside the set gets in. Fixed by one read
transaction on the source around the whole merge (``Store.snapshot()``).
"""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Iterable

from goldspan.core.merge import merge_files
from goldspan.core.storage import Store
from goldspan.core.types import Span

TEXT = "Mark Esper met Acme officials in Rabat."


def test_an_edit_of_the_source_during_a_merge_never_bypasses_the_locked_set(
        tmp_path: Path) -> None:
    source, team = tmp_path / "laptop.db", tmp_path / "team.db"
    with Store.open(source) as s:
        s.add_document(TEXT)
        s.add_labels(["PERSON"])
        s.put_version(1, "alice", "done", [Span(0, 10, "PERSON")])
    with Store.open(team) as t:
        t.add_labels(["PERSON"])
        t.set_setting("labels_locked", True)

    def analyst_edits_meanwhile(docs: Iterable, total: int, name: str) -> Iterable:
        # the analyst's window commits an edit after the checks, before the documents
        # are read: as another process, through a connection of its own
        conn = sqlite3.connect(source)
        with conn:
            conn.execute("INSERT INTO labels (name, color, position) VALUES ('ORG', "
                         "'#123456', 9)")
            conn.execute("INSERT INTO spans (annotation_id, start, \"end\", label, origin) "
                         "VALUES (1, 15, 19, 'ORG', 'manual')")
        conn.close()
        return docs

    merge_files(team, [source], progress=analyst_edits_meanwhile)
    with Store.open(team, readonly=True) as t:
        labels = {r[0] for r in t.conn.execute("SELECT label FROM spans")}
    assert labels <= {"PERSON"}, labels  # the locked set holds
