"""The self-contained HTML evaluation report, with plots.

Plots are PNG images embedded as base64 (matplotlib, imported only when the HTML
is written); their labels are ASCII so no Thai font is needed.
"""

from __future__ import annotations

import base64
import html
import io
import json
from collections.abc import Sequence
from typing import Any

from rag.evaluation.report_tables import (
    HEADLINE,
    TAG_COLUMNS,
    WORST,
    _fmt,
    _latency_rows,
    _tag_rows,
    regression_rows,
)


def _png(fig: Any) -> str:
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=90, bbox_inches="tight")
    return base64.b64encode(buf.getvalue()).decode("ascii")


def plots(data: dict[str, Any]) -> dict[str, str]:
    """Base64 PNGs: metric bars, rank of the first gold hit, latency per stage."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    out: dict[str, str] = {}
    names = [n for n in HEADLINE if data["metrics"].get(n) is not None]
    fig, ax = plt.subplots(figsize=(7, 0.35 * len(names) + 1))
    values = [data["metrics"][n] for n in names[::-1]]
    ax.barh(names[::-1], values, color="#2b7bb9")
    for y, value in enumerate(values):
        ax.text(min(value, 0.88) + 0.01, y, f"{value:.3f}", va="center", fontsize=8)
    ax.set_xlim(0, 1)
    ax.set_title("Metrics")
    out["metrics"] = _png(fig)
    ranks = [r["first_gold_rank"] for r in data["results"] if r["answerable"]]
    labels = [str(i) for i in range(1, 11)] + ["miss"]
    counts = [sum(1 for x in ranks if x == i) for i in range(1, 11)]
    counts.append(sum(1 for x in ranks if x is None or x > 10))
    fig, ax = plt.subplots(figsize=(7, 3))
    ax.bar(labels, counts, color="#4c9a2a")
    ax.set_xlabel("rank of the first gold passage")
    ax.set_ylabel("questions")
    out["ranks"] = _png(fig)
    stages = list(data["latency"])
    fig, ax = plt.subplots(figsize=(7, 3))
    ax.boxplot([[r["timings"].get(s, 0.0) for r in data["results"]] for s in stages])
    ax.set_xticks(range(1, len(stages) + 1), stages)
    ax.set_ylabel("seconds")
    ax.set_title("Latency per stage")
    out["latency"] = _png(fig)
    plt.close("all")
    return out


def _html_table(head: tuple[str, ...], rows: Sequence[tuple[str, ...]]) -> str:
    cells = "".join(f"<th>{html.escape(h)}</th>" for h in head)
    body = "".join(
        "<tr>" + "".join(f"<td>{html.escape(c)}</td>" for c in row) + "</tr>" for row in rows
    )
    return f"<table><tr>{cells}</tr>{body}</table>"


def html_page(data: dict[str, Any]) -> str:
    """The HTML report: the Markdown's tables plus embedded plots."""
    images = plots(data)
    esc = html.escape
    failed = data["thresholds_failed"]
    by_id = {r["id"]: r for r in data["results"]}
    worst = "".join(
        f"<h3>{esc(qid)}: {esc(by_id[qid]['question'])}</h3><p><b>reference</b> "
        f"{esc(by_id[qid]['reference'])}<br><b>answer</b> {esc(by_id[qid]['answer'])}</p>"
        + _html_table(
            ("n", "document", "page", "quote"),
            [(str(c["n"]), c["doc"], str(c["page"]), c["quote"]) for c in by_id[qid]["citations"]],
        )
        for qid in data["worst"]
    )
    rows = regression_rows(data)
    sections = [
        f"<h1>rag eval — {esc(data['set'])}</h1><p>started {esc(data['started'])}, "
        f"{data['seconds']} s, config {esc(json.dumps(data['config'], ensure_ascii=False))}</p>",
        "<h2>Thresholds</h2>"
        + ("".join(f"<p>❌ {esc(f)}</p>" for f in failed) or "<p>✅ all pass / ผ่านทุกเกณฑ์</p>"),
        "<h2>Metrics</h2>"
        + _html_table(("metric", "value"), [(n, _fmt(data["metrics"].get(n))) for n in HEADLINE])
        + f'<img src="data:image/png;base64,{images["metrics"]}">',
        "<h2>Comparison with the previous run</h2>"
        + (_html_table(("metric", "previous", "now", "delta"), rows) if rows else "<p>none</p>"),
        "<h2>Rank of the first gold passage</h2>"
        f'<img src="data:image/png;base64,{images["ranks"]}">',
        "<h2>Latency (seconds)</h2>"
        + _html_table(("stage", "n", "p50", "p95", "mean"), _latency_rows(data))
        + f'<img src="data:image/png;base64,{images["latency"]}">',
        "<h2>By tag</h2>" + _html_table(("tag", *TAG_COLUMNS), _tag_rows(data)),
        f"<h2>Worst {WORST} answerable questions</h2>{worst}",
        "<h2>Unanswerable questions answered anyway</h2>"
        + _html_table(
            ("id", "question", "answer"),
            [(i, by_id[i]["question"], by_id[i]["answer"]) for i in data["answered_unanswerable"]],
        ),
    ]
    style = (
        "body{font-family:sans-serif;max-width:60em;margin:auto}"
        "td,th{border:1px solid #ccc;padding:2px 6px}table{border-collapse:collapse}"
    )
    return (
        f'<!doctype html><html lang="th"><head><meta charset="utf-8"><title>rag eval '
        f"{esc(data['set'])}</title><style>{style}</style></head><body>"
        + "".join(sections)
        + "</body></html>\n"
    )
