"""The bare baseline of benchmark 1: a QPlainTextEdit and a per-block QSyntaxHighlighter
showing one document's spans, read straight from the database with sqlite3, rendered
offscreen and saved as a PNG, exactly as ``goldspan screenshot`` does for its window.

Nothing of goldspan is imported: this is what the same pixels cost with nothing else.

    python bench/baseline_view.py DB DOC_ID ANNOTATOR OUT.png
"""

from __future__ import annotations

import bisect
import sqlite3
import sys

from PySide6.QtGui import QColor, QSyntaxHighlighter, QTextCharFormat
from PySide6.QtWidgets import QApplication, QPlainTextEdit


class Highlighter(QSyntaxHighlighter):
    def __init__(self, document, spans, colors):  # type: ignore[no-untyped-def]
        super().__init__(document)
        self.spans = spans
        self.ends = [s[1] for s in spans]
        self.formats = {}
        for label, color in colors.items():
            fmt = QTextCharFormat()
            c = QColor(color)
            c.setAlpha(90)
            fmt.setBackground(c)
            self.formats[label] = fmt
        self.default = QTextCharFormat()
        self.default.setBackground(QColor(140, 140, 140, 90))

    def highlightBlock(self, text):  # type: ignore[no-untyped-def]
        pos = self.currentBlock().position()
        end = pos + len(text)
        i = bisect.bisect_right(self.ends, pos)
        while i < len(self.spans) and self.spans[i][0] < end:
            a, b, label = self.spans[i]
            a, b = max(a, pos), min(b, end)
            if a < b:
                self.setFormat(a - pos, b - a, self.formats.get(label, self.default))
            i += 1


def main() -> None:
    db, doc, annotator, out = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4]
    conn = sqlite3.connect(db)
    text = conn.execute("SELECT text FROM documents WHERE id = ?", (doc,)).fetchone()[0]
    spans = conn.execute(
        'SELECT s.start, s."end", s.label FROM spans s JOIN annotations a ON a.id = s.annotation_id '
        "WHERE a.document_id = ? AND a.annotator = ? ORDER BY s.start", (doc, annotator)).fetchall()
    colors = dict(conn.execute("SELECT name, color FROM labels").fetchall())
    conn.close()
    app = QApplication(sys.argv[:1])
    view = QPlainTextEdit()
    view.setReadOnly(True)
    view.setUndoRedoEnabled(False)
    view.setPlainText(text)  # this text has no astral characters: offsets need no mapping
    view.highlighter = Highlighter(view.document(), spans, colors)  # type: ignore[attr-defined]
    view.resize(1400, 860)
    view.show()
    for _ in range(5):
        app.processEvents()
    if not view.grab().save(out, "PNG"):
        raise SystemExit(f"cannot write {out}")
    print(f"baseline: {len(text)} characters, {len(spans)} spans -> {out}")


if __name__ == "__main__":
    main()
