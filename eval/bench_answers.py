"""XQuAD-th answer benchmark: extractive answers, citations, latency and refusals.

Everything goes through the product: ``rag ingest`` builds a fresh closed-pool
index (one document per paragraph, id = ``pid``; a cold start, so the latencies
include embedding sentences never seen before) and :func:`rag.answer.ask.answer`
answers all 1,190 questions with the default configuration, except that refusal
is applied afterwards: the product refuses exactly when ``confidence <
refuse_threshold`` and the text does not depend on the threshold, so one run gives
the figures at the configured threshold and at the one chosen on dev.

- **containment@N**: the answer text contains a gold answer string (both sides
  :func:`rag.thai.normalize.normalize` + :func:`~rag.thai.normalize.fold_digits`,
  whitespace removed)
  with ``answer_max_chars = N`` (300, the default, and 500). A refusal is a miss.
- **citation precision**: the first citation's document is the gold paragraph
  (over answered questions, and over all).
- **latency**: wall time of ``answer()`` per question (median, p95) on this machine.
- **refusals**: 200 questions (100 of each half) are asked against the pool without
  their gold paragraph: retrieval is run deeper and the gold document's hits are
  dropped before :func:`rag.answer.extractive.extract` (the code path of ``answer()``).
  BM25 IDF still counts the removed paragraph (1 of 240; negligible). The threshold
  is chosen on the dev half (odd questions: the Wilson 95 % upper bound of the
  false-refusal rate <= 5 %, then the highest refusal rate) and reported on the
  held-out half (even questions).

Usage (from the repo root)::

    .venv/bin/python eval/bench_answers.py [--shared ../shared] [--limit N]
    .venv/bin/python eval/bench_answers.py --from-raw   # re-report from the saved outcomes

The per-question outcomes are kept in ``indexes/bench-answers/raw.json``.

Writes ``eval/reports/answers.json`` and ``eval/reports/answers.md``.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from before_after import END, START
from scipy.stats import binomtest

from rag.answer.ask import answer
from rag.answer.extractive import extract
from rag.answer.services import Services
from rag.answer.settings import AnswerSettings
from rag.config import load_config
from rag.evaluation.metrics import mean, percentile
from rag.index.index import Index
from rag.thai.normalize import fold_digits, normalize

ROOT = Path(__file__).resolve().parents[1]
RAG = [sys.executable, "-m", "rag.cli.main"]
MAX_FRR = 0.05
UNANSWERABLE_PER_HALF = 100
THRESHOLDS = [round(i * 0.01, 2) for i in range(0, 101)]


def key(text: str) -> str:
    """Matching form: normalised, Thai digits folded, no whitespace."""
    return re.sub(r"\s+", "", fold_digits(normalize(text)))


def contains(text: str, golds: list[str]) -> bool:
    """Whether ``text`` contains any gold answer string."""
    k = key(text)
    return any(key(g) in k for g in golds)


def run_answers(index: Index, questions: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    """``answer()`` for every question (refusals off): qid -> outcome."""
    out = {}
    for q in questions:
        started = time.perf_counter()
        ans = answer(q["question"], index)
        seconds = time.perf_counter() - started
        out[q["qid"]] = {
            "contains": contains(ans.text, [a["text"] for a in q["answers"]]),
            "confidence": ans.confidence,
            "first_doc": ans.citations[0].doc_id if ans.citations else None,
            "chars": len(ans.text),
            "seconds": seconds,
        }
    return out


def unanswerable(index: Index, questions: list[dict[str, Any]]) -> dict[str, float]:
    """Evidence (confidence) of each question asked without its gold paragraph."""
    settings = AnswerSettings.from_config(index.cfg)
    k = settings.retrieval.k
    services = Services.of(index, settings.retrieval)
    out = {}
    for q in questions:
        vector = index.embedder.get_query_embedding(q["question"])
        hits = services.retriever.search(q["question"], k + 20, None, embedding=vector)
        hits = [h for h in hits if h.chunk.doc_id != q["gold_pid"]][:k]
        out[q["qid"]] = extract(q["question"], hits, vector, services, settings).confidence
    return out


def curve(answerable: list[float], unanswered: list[float]) -> list[dict[str, float]]:
    """Refusal rate (unanswerable) and false-refusal rate (answerable) per threshold.

    ``false_refusal_upper`` is the Wilson 95 % upper bound of the false-refusal rate,
    so that a threshold chosen on one half still holds on unseen questions.
    """
    points = []
    for t in THRESHOLDS:
        false = sum(1 for c in answerable if c < t)
        ci = binomtest(false, len(answerable)).proportion_ci(0.95, method="wilson")
        points.append(
            {
                "threshold": t,
                "refusal": 100 * mean(1.0 if c < t else 0.0 for c in unanswered),
                "false_refusal": 100 * false / len(answerable),
                "false_refusal_upper": 100 * ci.high,
            }
        )
    return points


def operating_point(points: list[dict[str, float]]) -> dict[str, float]:
    """The highest-refusal point whose false-refusal upper bound is <= 5 %."""
    ok = [p for p in points if p["false_refusal_upper"] <= 100 * MAX_FRR]
    return max(ok, key=lambda p: (p["refusal"], -p["false_refusal"]))


def summary(
    rows: dict[str, dict[str, Any]], gold: dict[str, str], qids: list[str], threshold: float
) -> dict[str, float]:
    """Containment, citation precision and refusals over ``qids`` (percent) at a threshold."""
    answered = [q for q in qids if rows[q]["confidence"] >= threshold]
    right = {q for q in qids if rows[q]["first_doc"] == gold[q]}
    return {
        "containment": 100 * sum(1 for q in answered if rows[q]["contains"]) / len(qids),
        "containment_no_refusal": 100 * mean(1.0 if rows[q]["contains"] else 0.0 for q in qids),
        "citation_precision": 100 * mean(1.0 if q in right else 0.0 for q in answered),
        "citation_precision_all": 100 * mean(1.0 if q in right else 0.0 for q in qids),
        "refused": 100 * (1 - len(answered) / len(qids)),
        "mean_chars": mean(rows[q]["chars"] for q in qids),
        "max_chars": max(rows[q]["chars"] for q in qids),
    }


def halves(
    rows: dict[str, dict[str, Any]],
    gold: dict[str, str],
    splits: dict[str, list[str]],
    threshold: float,
) -> dict[str, dict[str, float]]:
    """:func:`summary` for all questions and each half."""
    return {name: summary(rows, gold, ids, threshold) for name, ids in splits.items()}


def collect(data: Path, work: Path, questions: list[dict[str, Any]]) -> dict[str, Any]:
    """Build a fresh index and answer everything; the per-question outcomes."""
    closed = work / "closed"
    shutil.rmtree(closed, ignore_errors=True)
    subprocess.run(
        [*RAG, "ingest", "-q", "--index", str(closed), str(data / "corpus.jsonl")],
        check=True,
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
    )
    cfg = load_config(env={}).with_(index_dir=closed, refuse_threshold=0.0)
    qids = [q["qid"] for q in questions]
    by_qid = {q["qid"]: q for q in questions}
    picks = [
        ids[int(i * len(ids) / UNANSWERABLE_PER_HALF)]
        for ids in (qids[1::2], qids[0::2])
        for i in range(UNANSWERABLE_PER_HALF)
    ]
    raw: dict[str, Any] = {"load_avg": os.getloadavg(), "retrieval_k": cfg.retrieval_k}
    index = Index(cfg)
    try:
        index.embedder.get_query_embedding("อุ่นเครื่อง")  # load the model outside the timings
        raw["rows"] = run_answers(index, questions)
        raw["unanswerable"] = unanswerable(index, [by_qid[q] for q in picks])
    finally:
        index.close()
    index = Index(cfg.with_(answer_max_chars=500))
    try:
        raw["rows500"] = run_answers(index, questions)
    finally:
        index.close()
    return raw


def build_report(raw: dict[str, Any], gold: dict[str, str], configured: float) -> dict[str, Any]:
    """Every figure of the report from the per-question outcomes."""
    qids = list(gold)
    dev, held_out = qids[1::2], qids[0::2]
    rows, rows500 = raw["rows"], raw["rows500"]
    refusal = refusal_report(rows, raw["unanswerable"], dev, held_out, configured)
    chosen = refusal["chosen_on_dev"]["threshold"]
    splits = {"all": qids, "dev": dev, "held_out": held_out}
    return {
        "questions": len(qids),
        "load_avg": raw["load_avg"],
        "config": {"retrieval_k": raw["retrieval_k"], "refuse_threshold": configured},
        "latency_s": {
            name: {"p50": percentile(sec, 50), "p95": percentile(sec, 95)}
            for name, sec in (
                ("cold", [r["seconds"] for r in rows.values()]),
                ("warm", [r["seconds"] for r in rows500.values()]),
            )
        },
        "at_300": halves(rows, gold, splits, configured),
        "at_500": halves(rows500, gold, splits, configured),
        "at_300_chosen": halves(rows, gold, splits, chosen),
        "refusal": refusal,
    }


def main() -> int:
    """Run the benchmark (or re-read its outcomes) and write the reports."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--shared", type=Path, default=ROOT.parent / "shared")
    parser.add_argument("--work", type=Path, default=ROOT / "indexes" / "bench-answers")
    parser.add_argument("--limit", type=int, default=0, help="first N questions (smoke test)")
    parser.add_argument(
        "--from-raw",
        action="store_true",
        help="rebuild the report from WORK/raw.json (e.g. after changing refuse_threshold)",
    )
    args = parser.parse_args()
    data = args.shared / "datasets" / "xquad-th"
    if not data.exists():
        print(f"{data} not found: this benchmark needs ../shared (see README)", file=sys.stderr)
        return 2
    questions = [
        json.loads(x) for x in (data / "queries.jsonl").read_text(encoding="utf-8").splitlines()
    ][: args.limit or None]
    gold = {q["qid"]: q["gold_pid"] for q in questions}
    raw_file = args.work / "raw.json"
    if args.from_raw:
        raw = json.loads(raw_file.read_text(encoding="utf-8"))
    else:
        raw = collect(data, args.work, questions)
        raw_file.write_text(json.dumps(raw, ensure_ascii=False), encoding="utf-8")
    write_reports(build_report(raw, gold, load_config(env={}).refuse_threshold))
    return 0


def refusal_report(
    rows: dict[str, dict[str, Any]],
    none: dict[str, float],
    dev: list[str],
    held_out: list[str],
    configured: float,
) -> dict[str, Any]:
    """Curves per half, the dev operating point, and both thresholds on held-out."""
    curves = {}
    for name, ids in (("dev", dev), ("held_out", held_out)):
        wanted = set(ids)
        curves[name] = curve(
            [rows[q]["confidence"] for q in ids], [c for q, c in none.items() if q in wanted]
        )
    chosen = operating_point(curves["dev"])
    at = {p["threshold"]: p for p in curves["held_out"]}
    return {
        "unanswerable": len(none),
        "curves": curves,
        "chosen_on_dev": chosen,
        "held_out_at_chosen": at[chosen["threshold"]],
        "configured": configured,
        "held_out_at_configured": at.get(round(configured, 2)),
    }


def _table(title: str, blocks: dict[str, dict[str, dict[str, float]]]) -> list[str]:
    lines = [
        f"## {title}",
        "",
        "| | containment | containment, no refusal | citation precision (answered) | "
        "citation precision (all) | refused | mean chars | max chars |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for label, rows in blocks.items():
        for name, row in rows.items():
            lines.append(
                f"| {label} {name} | {row['containment']:.2f} | "
                f"{row['containment_no_refusal']:.2f} | {row['citation_precision']:.2f} | "
                f"{row['citation_precision_all']:.2f} | {row['refused']:.2f} | "
                f"{row['mean_chars']:.0f} | {row['max_chars']} |"
            )
    return [*lines, ""]


def write_reports(report: dict[str, Any]) -> None:
    """JSON and Markdown under eval/reports/."""
    out = ROOT / "eval" / "reports"
    out.mkdir(parents=True, exist_ok=True)
    (out / "answers.json").write_text(
        json.dumps(report, ensure_ascii=False, indent=1), encoding="utf-8"
    )
    cfg, lat, ref = report["config"], report["latency_s"], report["refusal"]
    chosen, held = ref["chosen_on_dev"], ref["held_out_at_chosen"]
    lines = [
        "# XQuAD-th extractive answers",
        "",
        f"{report['questions']} questions, closed pool of 240 paragraphs, extractive mode, "
        f"k={cfg['retrieval_k']}. Dev = odd questions, held-out = even ones. "
        "Reproduce: `.venv/bin/python eval/bench_answers.py`.",
        "",
        *_table(
            f"At the configured refuse_threshold = {cfg['refuse_threshold']}",
            {"@300": report["at_300"], "@500": report["at_500"]},
        ),
        *_table(
            f"At the threshold chosen on dev ({chosen['threshold']})",
            {"@300": report["at_300_chosen"]},
        ),
        f"Latency of `answer()` (@300, cold: fresh index, sentences embedded on first use): "
        f"median {lat['cold']['p50'] * 1000:.0f} ms, p95 {lat['cold']['p95'] * 1000:.0f} ms; "
        f"warm (@500 pass, sentence vectors cached): median {lat['warm']['p50'] * 1000:.0f} ms, "
        f"p95 {lat['warm']['p95'] * 1000:.0f} ms. Shared 2-core machine, load average "
        f"{report['load_avg'][0]:.1f} at start.",
        "",
        f"## Refusal ({ref['unanswerable']} unanswerable questions: gold paragraph removed)",
        "",
        "Evidence = 0.4 × IDF coverage of the question's terms by the best unit + 0.2 × by "
        "its chunk + 0.4 × its cosine scaled from [0.75, 0.92] to [0, 1], halved when a "
        "number of the question is missing from the chunk and its document's title (a "
        "year may also be in the first 300 characters of the document: a news dateline). The "
        "200 questions are 100 evenly spaced dev questions and 100 held-out ones, asked "
        "with their gold paragraph's hits dropped from a deeper retrieval; BM25 IDF still "
        "counts the removed paragraph (1 of 240 documents; negligible).",
        "",
        f"Chosen on dev: threshold {chosen['threshold']} (Wilson 95 % upper bound of false "
        f"refusals <= 5 %, then the highest refusal): refusal {chosen['refusal']:.1f} %, false "
        f"refusal {chosen['false_refusal']:.1f} % (upper bound "
        f"{chosen['false_refusal_upper']:.1f} %). Held-out at that threshold: refusal "
        f"{held['refusal']:.1f} %, false refusal {held['false_refusal']:.1f} %.",
        "",
        "| threshold | dev refusal | dev false refusal | held-out refusal | "
        "held-out false refusal |",
        "|---|---|---|---|---|",
    ]
    for d, h in zip(ref["curves"]["dev"], ref["curves"]["held_out"], strict=True):
        if round(d["threshold"] * 100) % 5 == 0 and 0.1 <= d["threshold"] <= 0.8:
            lines.append(
                f"| {d['threshold']:.2f} | {d['refusal']:.1f} | {d['false_refusal']:.1f} | "
                f"{h['refusal']:.1f} | {h['false_refusal']:.1f} |"
            )
    text = "\n".join(lines) + "\n"
    md = out / "answers.md"
    old = md.read_text(encoding="utf-8") if md.exists() else ""
    if START in old and END in old:  # keep the before/after section (eval/before_after.py)
        text += "\n" + START + old.split(START, 1)[1].split(END, 1)[0] + END + "\n"
    md.write_text(text, encoding="utf-8")
    print("\n".join(lines))


if __name__ == "__main__":
    sys.exit(main())
