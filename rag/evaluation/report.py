"""Evaluation reports: JSON, Markdown and a self-contained HTML page with plots.

Reports are named ``<UTC stamp>-<key>.{json,md,html,results.jsonl.gz}``, where the
key is the set name, or ``<set>-limit<N>`` for a ``--limit`` run (so a quick partial
run never replaces the full one). Only the latest run of a key is kept: after writing a run, the
older files of that key are deleted, and the previous run's metrics are copied
into the new report (``previous``) for the regression table.

Plots are PNG images embedded as base64 (matplotlib, imported only when the HTML
is written); their labels are ASCII so no Thai font is needed.
"""

from __future__ import annotations

import base64
import gzip
import html
import io
import json
import re
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from rag.evaluation.evaluate import ANSWERABLE_METRICS, LOWER_IS_BETTER, EvalRun
from rag.evaluation.metrics import mean_defined

_NAME = re.compile(r"^(\d{8}T\d{6}Z)-(.+?)\.(json|md|html|results\.jsonl\.gz)$")
RESULTS_SUFFIX = ".results.jsonl.gz"
HEADLINE = (*ANSWERABLE_METRICS, "refusal_accuracy", "false_refusals", "groundedness")
TAG_COLUMNS: tuple[str, ...] = ("questions", "hit_at_5", "mrr_at_10", "answer_f1")
TAG_COLUMNS += ("containment", "citation_precision", "refusal_accuracy", "groundedness")
WORST = 10


def report_key(run: EvalRun) -> str:
    """File key of a run: the set name, with ``-limit<N>`` for partial runs."""
    return run.set_name + (f"-limit{run.limit}" if run.limit else "")


def find_previous(reports_dir: Path, key: str) -> tuple[Path, dict[str, Any]] | None:
    """The newest JSON report of ``key`` in ``reports_dir``, if any."""
    found = sorted(
        p for p in reports_dir.glob("*.json") if (m := _NAME.match(p.name)) and m.group(2) == key
    )
    if not found:
        return None
    return found[-1], json.loads(found[-1].read_text(encoding="utf-8"))


def results_path(report_json: Path) -> Path:
    """The per-question records that go with a JSON report."""
    return report_json.with_name(report_json.name.removesuffix(".json") + RESULTS_SUFFIX)


def read_results(report_json: Path) -> list[dict[str, Any]]:
    """The per-question records of a JSON report, in question order."""
    text = gzip.decompress(results_path(report_json).read_bytes()).decode("utf-8")
    return [json.loads(line) for line in text.splitlines()]


def _quality(result: dict[str, Any]) -> float:
    """Quality of an answerable question's answer, for picking the worst (0 is worst)."""
    m = result["metrics"]
    picked = (m.get(k) for k in ("containment", "answer_f1", "hit_at_5", "citation_recall"))
    return mean_defined(picked) or 0.0


def report_data(
    run: EvalRun, previous: tuple[Path, dict[str, Any]] | None, failed: list[str]
) -> dict[str, Any]:
    """The JSON document of a run."""
    prev = None
    if previous:
        path, data = previous
        prev = {"file": path.name, "started": data.get("started")}
        prev |= {"questions": data["metrics"].get("questions"), "metrics": data["metrics"]}
    answerable = [r for r in run.results if r["answerable"]]
    worst = sorted(answerable, key=lambda r: (_quality(r), r["id"]))[:WORST]
    return {
        "set": run.set_name,
        "key": report_key(run),
        "started": run.started.isoformat(timespec="seconds"),
        "seconds": run.seconds,
        "limit": run.limit,
        "config": run.config,
        "index": run.index_dir,
        "ingest": vars(run.ingest),
        "metrics": run.metrics,
        "latency": run.latency,
        "by_tag": run.by_tag,
        "thresholds_failed": failed,
        "previous": prev,
        "worst": [r["id"] for r in worst],
        "answered_unanswerable": [
            r["id"] for r in run.results if not r["answerable"] and not r["refused"]
        ],
        "results": run.results,
    }


def _fmt(value: float | None, digits: int = 4) -> str:
    return "n/a" if value is None else f"{value:.{digits}f}"


def regression_rows(data: dict[str, Any]) -> list[tuple[str, str, str, str]]:
    """``(metric, previous, now, delta)`` rows; a worse delta is marked ▼."""
    if not data["previous"]:
        return []
    before, now = data["previous"]["metrics"], data["metrics"]
    rows = []
    for name in (*HEADLINE, "latency_p50_s", "latency_p95_s"):
        a, b = before.get(name), now.get(name)
        delta = "n/a"
        if a is not None and b is not None:
            worse = b > a if name in LOWER_IS_BETTER else b < a
            delta = f"{b - a:+.4f}" + (" ▼" if worse and abs(b - a) > 1e-9 else "")
        rows.append((name, _fmt(a), _fmt(b), delta))
    return rows


def _table(head: tuple[str, ...], rows: Sequence[tuple[str, ...]]) -> list[str]:
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    return lines + ["| " + " | ".join(r) + " |" for r in rows]


def _tag_rows(data: dict[str, Any]) -> list[tuple[str, ...]]:
    return [
        (tag, *(_fmt(m.get(c), 0 if c == "questions" else 3) for c in TAG_COLUMNS))
        for tag, m in data["by_tag"].items()
    ]


def _latency_rows(data: dict[str, Any]) -> list[tuple[str, ...]]:
    return [
        (stage, str(int(s["n"])), _fmt(s["p50"], 3), _fmt(s["p95"], 3), _fmt(s["mean"], 3))
        for stage, s in data["latency"].items()
    ]


def _cited(result: dict[str, Any]) -> str:
    return "; ".join(f"[{c['n']}] {c['doc']} p.{c['page']}" for c in result["citations"])


def markdown(data: dict[str, Any]) -> str:
    """The Markdown report."""
    m, cfg = data["metrics"], data["config"]
    lines = [
        f"# rag eval — {data['set']}",
        "",
        f"{int(m['questions'] or 0)} questions ({int(m['answerable'] or 0)} answerable), "
        f"started {data['started']}, {data['seconds']} s; config "
        f"`{cfg['file'] or 'defaults'}` (mode {cfg['retrieval_mode']}, k {cfg['retrieval_k']}, "
        f"{'LLM ' + cfg['llm_model'] if cfg['llm'] else 'extractive'}).",
        "",
        "## Metrics",
        "",
        *_table(("metric", "value"), [(n, _fmt(m.get(n))) for n in HEADLINE]),
        "",
        "## Thresholds",
        "",
        *([f"- ❌ {f}" for f in data["thresholds_failed"]] or ["- ✅ all pass / ผ่านทุกเกณฑ์"]),
        "",
        "## Comparison with the previous run",
        "",
    ]
    if rows := regression_rows(data):
        prev = data["previous"]
        lines += [f"Previous: `{prev['file']}` ({int(prev['questions'] or 0)} questions).", ""]
        lines += _table(("metric", "previous", "now", "delta"), rows)
    else:
        lines.append("No previous report of this set.")
    lines += ["", "## Latency (seconds)", ""]
    lines += _table(("stage", "n", "p50", "p95", "mean"), _latency_rows(data))
    lines += ["", "## By tag", "", *_table(("tag", *TAG_COLUMNS), _tag_rows(data))]
    lines += ["", f"## Worst {WORST} answerable questions", ""]
    by_id = {r["id"]: r for r in data["results"]}
    for qid in data["worst"]:
        r = by_id[qid]
        lines += [
            f"- **{qid}** {r['question']}",
            f"  - reference: {r['reference']}",
            f"  - answer: {' '.join(r['answer'].split())}",
            f"  - citations: {_cited(r) or '—'}; gold: {', '.join(r['gold']) or '—'}",
        ]
    if ids := data["answered_unanswerable"]:
        lines += ["", f"## Unanswerable questions answered anyway ({len(ids)})", ""]
        lines += [f"- {qid}: {' '.join(by_id[qid]['answer'].split())[:160]}" for qid in ids]
    return "\n".join(lines) + "\n"


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


def write_reports(run: EvalRun, reports_dir: Path, failed: list[str]) -> list[Path]:
    """Write the JSON, Markdown and HTML of a run; delete older reports of its key.

    The JSON holds the summary; the per-question records go beside it, one JSON line
    each, gzip-compressed (:func:`read_results`): for XQuAD-th they are megabytes of
    Thai answers and quotes that compress about tenfold.

    Returns:
        The JSON, Markdown, HTML and per-question files written.
    """
    reports_dir.mkdir(parents=True, exist_ok=True)
    key = report_key(run)
    data = report_data(run, find_previous(reports_dir, key), failed)
    stem = f"{run.started.strftime('%Y%m%dT%H%M%SZ')}-{key}"
    written = [reports_dir / f"{stem}.{ext}" for ext in ("json", "md", "html")]
    written.append(results_path(written[0]))
    summary = {k: v for k, v in data.items() if k != "results"}
    summary["results_file"] = written[3].name
    written[0].write_text(json.dumps(summary, ensure_ascii=False), encoding="utf-8")
    written[1].write_text(markdown(data), encoding="utf-8")
    written[2].write_text(html_page(data), encoding="utf-8")
    lines = "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in data["results"])
    written[3].write_bytes(gzip.compress(lines.encode("utf-8"), mtime=0))
    for path in reports_dir.iterdir():
        m = _NAME.match(path.name)
        if m and m.group(2) == key and path not in written:
            path.unlink()
    return written
