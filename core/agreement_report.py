"""Agreement figures for people: a plain-text table for the terminal and a
self-contained HTML page (inline CSS, no scripts, no external assets) a lead can mail.

Annotator names and labels come from users' files: every one is passed through
``html.escape`` before it reaches the page.
"""

from __future__ import annotations

import datetime as _dt
from html import escape

from .agreement import MISSED, AgreementResult, PairFigures
from .labels import listed


def fmt(value: float | None, digits: int = 3) -> str:
    """A figure, or ``n/a`` where it is undefined (see goldspan.core.agreement)."""
    return "n/a" if value is None else f"{value:.{digits}f}"


def confusion_matrix(pair: PairFigures) -> tuple[list[str], list[str], dict[tuple[str, str], int]]:
    """Rows (A's labels, then ``missed``), columns (B's labels, then ``missed``), cells."""
    rows = sorted({x for x, _ in pair.confusion if x != MISSED})
    cols = sorted({y for _, y in pair.confusion if y != MISSED})
    return rows + [MISSED], cols + [MISSED], pair.confusion


def all_labels(result: AgreementResult) -> list[str]:
    return sorted({label for p in result.pairs for label in p.labels})


def _grid(header: list[str], rows: list[list[str]]) -> list[str]:
    widths = [max(len(r[i]) for r in [header, *rows]) for i in range(len(header))]
    line = lambda r: "  ".join(  # noqa: E731
        c.ljust(w) if i == 0 else c.rjust(w) for i, (c, w) in enumerate(zip(r, widths, strict=True)))
    return [line(header), "  ".join("-" * w for w in widths), *map(line, rows)]


def text_report(result: AgreementResult) -> str:
    """The default output of ``goldspan agreement``."""
    out = [
        f"{len(result.annotators)} annotators ({listed(result.annotators)}), "
        f"{result.documents} documents done by two or more, {result.tokens} tokens",
        f"Krippendorff's alpha (tokens, nominal): {fmt(result.alpha_token)}",
        "",
    ]
    names = [f"{p.a} / {p.b}" for p in result.pairs]
    out += _grid(["pair", "docs", "F1 exact", "F1 partial", "kappa"], [
        [n, str(p.documents), fmt(p.f1_exact), fmt(p.f1_partial), fmt(p.kappa_token)]
        for n, p in zip(names, result.pairs, strict=True)])
    labels = all_labels(result)
    if labels:
        out += ["", "F1 exact per label"]
        out += _grid(["label", *names], [
            [lab, *(fmt(p.labels[lab].f1_exact) if lab in p.labels else "n/a"
                    for p in result.pairs)] for lab in labels])
    for name, p in zip(names, result.pairs, strict=True):
        rows, cols, cells = confusion_matrix(p)
        if len(rows) == 1 and len(cols) == 1 and not cells:
            continue
        out += ["", f"Confusion {name} (rows {p.a}, columns {p.b})"]
        out += _grid([p.a, *cols], [[r, *(str(cells.get((r, c), 0)) for c in cols)]
                                    for r in rows])
    return "\n".join(out) + "\n"


# ------------------------------------------------------------------ HTML
CSS = """
body{font-family:system-ui,-apple-system,"Segoe UI",sans-serif;margin:2em;color:#222}
h1{font-size:1.4em}h2{font-size:1.15em;margin-top:2em}
table{border-collapse:collapse;margin:.5em 0}
th,td{border:1px solid #ccc;padding:.3em .6em;text-align:right}
th{background:#f3f3f3}th.row{text-align:left}
td.na{color:#999}.note{color:#666;font-size:.9em}
"""


def _score_cell(value: float | None) -> str:
    """A figure coloured from red (0 or less) through yellow to green (1)."""
    if value is None:
        return '<td class="na">n/a</td>'
    hue = round(120 * max(0.0, min(1.0, value)))
    return f'<td style="background:hsl({hue},70%,80%)">{value:.3f}</td>'


def _count_cell(count: int, top: int, agree: bool) -> str:
    if not count:
        return "<td>0</td>"
    hue = 120 if agree else 0
    light = round(95 - 40 * count / max(top, 1))
    return f'<td style="background:hsl({hue},65%,{light}%)">{count}</td>'


def _pair_matrix(result: AgreementResult, attr: str) -> str:
    names = result.annotators
    head = "".join(f"<th>{escape(n)}</th>" for n in names)
    body = []
    for x in names:
        cells = []
        for y in names:
            if x == y:
                cells.append('<td class="na">&#8212;</td>')
            else:
                try:
                    cells.append(_score_cell(getattr(result.pair(x, y), attr)))
                except KeyError:
                    cells.append('<td class="na">n/a</td>')
        body.append(f'<tr><th class="row">{escape(x)}</th>{"".join(cells)}</tr>')
    return f"<table><tr><th></th>{head}</tr>{''.join(body)}</table>"


def _label_table(result: AgreementResult) -> str:
    head = "".join(f"<th>{escape(p.a)} / {escape(p.b)}</th>" for p in result.pairs)
    rows = []
    for lab in all_labels(result):
        cells = "".join(_score_cell(p.labels[lab].f1_exact) if lab in p.labels
                        else '<td class="na">n/a</td>' for p in result.pairs)
        rows.append(f'<tr><th class="row">{escape(lab)}</th>{cells}</tr>')
    return f"<table><tr><th>label</th>{head}</tr>{''.join(rows)}</table>"


def _confusion_table(pair: PairFigures) -> str:
    rows, cols, cells = confusion_matrix(pair)
    top = max(cells.values(), default=0)
    head = "".join(f"<th>{escape(c)}</th>" for c in cols)
    body = []
    for r in rows:
        tds = "".join(_count_cell(cells.get((r, c), 0), top, r == c and r != MISSED)
                      for c in cols)
        body.append(f'<tr><th class="row">{escape(r)}</th>{tds}</tr>')
    corner = f"{escape(pair.a)} &#8595; / {escape(pair.b)} &#8594;"
    return f"<table><tr><th>{corner}</th>{head}</tr>{''.join(body)}</table>"


def html_report(result: AgreementResult, title: str = "Inter-annotator agreement") -> str:
    """One HTML page with the pairwise matrices, per-label F1 and confusion tables."""
    when = _dt.datetime.now().strftime("%Y-%m-%d %H:%M")
    parts = [
        "<!DOCTYPE html>", '<html lang="en"><head><meta charset="utf-8">',
        f"<title>{escape(title)}</title><style>{CSS}</style></head><body>",
        f"<h1>{escape(title)}</h1>",
        f'<p class="note">{len(result.annotators)} annotators, {result.documents} documents '
        f"done by two or more, {result.tokens} tokens; generated {when} by goldspan.</p>",
        f"<p>Krippendorff's alpha (tokens, nominal): <b>{fmt(result.alpha_token)}</b></p>",
        "<h2>Pairwise F1 (exact spans)</h2>", _pair_matrix(result, "f1_exact"),
        "<h2>Pairwise F1 (overlapping spans)</h2>", _pair_matrix(result, "f1_partial"),
        "<h2>Pairwise Cohen's kappa (tokens)</h2>", _pair_matrix(result, "kappa_token"),
        "<h2>F1 exact per label</h2>", _label_table(result),
        "<h2>Label confusion over overlapping spans</h2>",
        '<p class="note">Rows: the first annotator\'s label; columns: the second\'s. '
        "&#8220;missed&#8221; means the other side has no overlapping span.</p>",
    ]
    for p in result.pairs:
        parts += [f"<h3>{escape(p.a)} / {escape(p.b)} ({p.documents} documents)</h3>",
                  _confusion_table(p)]
    parts.append('<p class="note">n/a: undefined (no shared documents, no spans, or '
                 "a single label everywhere).</p></body></html>")
    return "\n".join(parts) + "\n"
