"""The content of an evaluation report: its data, its tables and its Markdown.

:func:`report_data` builds the report's JSON-able summary of an
:class:`~rag.evaluation.evaluate.EvalRun`; the table-row builders serve both the
Markdown (:func:`markdown`) and the HTML page (:mod:`rag.evaluation.report_html`).
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

from rag.evaluation.evaluate import ANSWERABLE_METRICS, LOWER_IS_BETTER, EvalRun
from rag.evaluation.metrics import mean_defined

HEADLINE = (*ANSWERABLE_METRICS, "refusal_accuracy", "false_refusals", "groundedness")
TAG_COLUMNS: tuple[str, ...] = ("questions", "hit_at_5", "mrr_at_10", "answer_f1")
TAG_COLUMNS += ("containment", "citation_precision", "refusal_accuracy", "groundedness")
WORST = 10


def report_key(run: EvalRun) -> str:
    """File key of a run: the set name, with ``-limit<N>`` for partial runs."""
    return run.set_name + (f"-limit{run.limit}" if run.limit else "")


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
