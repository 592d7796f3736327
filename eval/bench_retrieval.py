"""XQuAD-th retrieval benchmark: BM25 vs dense vs hybrid, closed pool and with distractors.

Everything goes through the product: ``rag ingest`` builds the index (one
document per paragraph, id = ``pid``) and ``rag search --batch`` answers all
1,190 questions per mode. Fusion parameters are swept in-process on the odd
questions (dev) and reported on the even ones (held out) to avoid tuning on the
test figures.

Usage (from the repo root)::

    .venv/bin/python eval/bench_retrieval.py [--shared ../shared] [--distractors 1000]

Writes ``eval/reports/retrieval.json`` and ``eval/reports/retrieval.md``.
"""

from __future__ import annotations

import argparse
import dataclasses
import gzip
import json
import shutil
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from rag.config import load_config
from rag.evaluation.metrics import hit_at_k, mean, mrr_at_k
from rag.index.index import Index
from rag.search.fusion import rrf, weighted
from rag.search.retriever import retriever_for
from rag.search.settings import RetrievalSettings

ROOT = Path(__file__).resolve().parents[1]
RAG = [sys.executable, "-m", "rag.cli.main"]
MODES = ("bm25", "dense", "hybrid")


def run(cmd: list[str]) -> float:
    """Run a product command, failing loudly; returns its wall time."""
    return run_out(cmd)[0]


def run_out(cmd: list[str]) -> tuple[float, str]:
    """Run a product command; returns its wall time and the last line it printed."""
    started = time.perf_counter()
    done = subprocess.run(cmd, check=True, cwd=ROOT, capture_output=True, text=True)
    lines = done.stdout.strip().splitlines()
    return time.perf_counter() - started, lines[-1] if lines else ""


def scores(
    results: dict[str, list[str]], gold: dict[str, str], qids: list[str]
) -> dict[str, float]:
    """R@1, R@5 and MRR@10 in percent over ``qids`` (document level)."""
    return {
        "R@1": 100 * mean(hit_at_k(results[q], {gold[q]}, 1) for q in qids),
        "R@5": 100 * mean(hit_at_k(results[q], {gold[q]}, 5) for q in qids),
        "MRR@10": 100 * mean(mrr_at_k(results[q], {gold[q]}, 10) for q in qids),
    }


def batch_search(index_dir: Path, queries: Path, mode: str, out: Path) -> dict[str, list[str]]:
    """``rag search --batch`` for one mode; returns qid -> ranked doc ids."""
    run(
        [
            *RAG,
            "search",
            "--index",
            str(index_dir),
            "--batch",
            str(queries),
            "--mode",
            mode,
            "--k",
            "10",
            "--json",
            "--out",
            str(out),
        ]
    )
    rows = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    return {r["qid"]: [h["doc_id"] for h in r["hits"]] for r in rows}


def sweep(
    index_dir: Path, questions: list[dict[str, Any]], gold: dict[str, str], dev: list[str]
) -> list[dict[str, Any]]:
    """MRR@10 on the dev questions for fusion settings, from one pass of each retriever."""
    cfg = load_config(env={}).with_(index_dir=index_dir)
    index = Index(cfg)
    settings = RetrievalSettings.from_config(cfg)
    retriever = retriever_for(index, dataclasses.replace(settings, mode="hybrid", candidates=50))
    lists = {}
    for q in questions:
        if q["qid"] in dev:
            lists[q["qid"]] = retriever.candidate_lists(q["question"])
    doc_of = {c.chunk_id: c.doc_id for c in index.manifest.chunks()}
    index.close()
    settings: list[tuple[str, Any]] = [
        ("rrf", (k, w))
        for k in (10, 30, 60, 100)
        for w in ((1.0, 1.0), (1.0, 0.7), (0.7, 1.0), (1.0, 0.5))
    ]
    settings += [("weighted", w) for w in ((1.0, 1.0), (1.0, 0.7), (0.7, 1.0), (0.6, 0.4))]
    table = []
    for fusion, param in settings:
        ranked = {}
        for qid, (sparse, dense) in lists.items():
            fused = (
                rrf([sparse, dense], param[1], param[0])
                if fusion == "rrf"
                else weighted([sparse, dense], param)
            )
            ranked[qid] = [doc_of[c] for c, _ in fused]
        row = {"fusion": fusion, "param": param, **scores(ranked, gold, dev)}
        table.append(row)
    return sorted(table, key=lambda r: (-r["MRR@10"], -r["R@1"]))


def distractor_file(shared: Path, target_chunks: int, out: Path, chars_per_chunk: int) -> int:
    """Write health-news articles totalling about ``target_chunks`` chunks; returns articles."""
    written, budget = 0, target_chunks * chars_per_chunk
    with (
        gzip.open(shared / "corpus/thaigov/health-news.jsonl.gz", "rt", encoding="utf-8") as src,
        out.open("w", encoding="utf-8") as dst,
    ):
        for line in src:
            row = json.loads(line)
            dst.write(
                json.dumps(
                    {
                        "id": f"news-{row['id']}",
                        "title": row["title"],
                        "date": row.get("date", ""),
                        "text": row["text"],
                    },
                    ensure_ascii=False,
                )
                + "\n"
            )
            written += 1
            budget -= len(row["text"])
            if budget <= 0:
                break
    return written


def evaluate(
    index_dir: Path,
    queries: Path,
    gold: dict[str, str],
    *,
    qids: list[str],
    held_out: list[str],
    work: Path,
) -> dict[str, Any]:
    """Scores of the three modes on all questions and on the held-out half."""
    out: dict[str, Any] = {}
    for mode in MODES:
        started = time.perf_counter()
        results = batch_search(index_dir, queries, mode, work / f"{mode}.jsonl")
        out[mode] = {
            "all": scores(results, gold, qids),
            "held_out": scores(results, gold, held_out),
            "seconds": round(time.perf_counter() - started, 1),
        }
    return out


def main() -> int:
    """Run the benchmark and write the reports."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--shared", type=Path, default=ROOT.parent / "shared")
    parser.add_argument("--distractors", type=int, default=1000, help="distractor chunks")
    parser.add_argument("--work", type=Path, default=ROOT / "indexes" / "bench-xquad")
    args = parser.parse_args()
    data = args.shared / "datasets" / "xquad-th"
    if not data.exists():
        print(f"{data} not found: this benchmark needs ../shared (see README)", file=sys.stderr)
        return 2
    args.work.mkdir(parents=True, exist_ok=True)
    questions = [
        json.loads(x) for x in (data / "queries.jsonl").read_text(encoding="utf-8").splitlines()
    ]
    gold = {q["qid"]: q["gold_pid"] for q in questions}
    qids = [q["qid"] for q in questions]
    dev, held_out = qids[1::2], qids[0::2]
    report: dict[str, Any] = {"questions": len(qids)}

    closed = args.work / "closed"
    noisy = args.work / "distractors"
    for stale in (closed, noisy):  # cold start: the ingest timings include embedding
        shutil.rmtree(stale, ignore_errors=True)
    report["ingest_seconds"] = round(
        run([*RAG, "ingest", "-q", "--index", str(closed), str(data / "corpus.jsonl")]), 1
    )
    report["rerun_seconds"] = round(
        run([*RAG, "ingest", "-q", "--index", str(closed), str(data / "corpus.jsonl")]), 1
    )
    report["sweep"] = sweep(closed, questions, gold, set(dev))[:8]
    report["closed"] = evaluate(
        closed, data / "queries.jsonl", gold, qids=qids, held_out=held_out, work=args.work
    )

    news = args.work / "distractors.jsonl"
    index = Index(load_config(env={}).with_(index_dir=closed))
    per_chunk = sum(len(c.text) for c in index.manifest.chunks()) // max(
        1, len(index.manifest.chunk_ids())
    )
    index.close()
    report["distractor_articles"] = distractor_file(args.shared, args.distractors, news, per_chunk)
    run([*RAG, "ingest", "-q", "--index", str(noisy), str(data / "corpus.jsonl")])
    report["distractor_embed_seconds"] = round(
        run([*RAG, "ingest", "-q", "--index", str(noisy), str(news)]), 1
    )
    index = Index(load_config(env={}).with_(index_dir=noisy))
    report["distractor_chunks"] = sum(
        1 for c in index.manifest.chunks() if c.doc_id.startswith("news-")
    )
    report["total_chunks"] = len(index.manifest.chunk_ids())
    index.close()
    report["distractors"] = evaluate(
        noisy, data / "queries.jsonl", gold, qids=qids, held_out=held_out, work=args.work
    )
    write_reports(report)
    return 0


def write_reports(report: dict[str, Any]) -> None:
    """JSON and Markdown under eval/reports/."""
    out = ROOT / "eval" / "reports"
    out.mkdir(parents=True, exist_ok=True)
    (out / "retrieval.json").write_text(
        json.dumps(report, ensure_ascii=False, indent=1), encoding="utf-8"
    )
    lines = [
        "# XQuAD-th retrieval (document level)",
        "",
        f"{report['questions']} questions. Reproduce: `.venv/bin/python eval/bench_retrieval.py`.",
        "",
    ]
    for name in ("closed", "distractors"):
        lines += [
            f"## {name}",
            "",
            "| mode | R@1 | R@5 | MRR@10 | held-out R@1 | held-out MRR@10 |",
            "|---|---|---|---|---|---|",
        ]
        for mode, row in report[name].items():
            a, h = row["all"], row["held_out"]
            lines.append(
                f"| {mode} | {a['R@1']:.2f} | {a['R@5']:.2f} | {a['MRR@10']:.2f} | "
                f"{h['R@1']:.2f} | {h['MRR@10']:.2f} |"
            )
        lines.append("")
    lines += [
        f"Distractors: {report['distractor_chunks']} chunks from {report['distractor_articles']} "
        f"health-news articles, embedded in {report['distractor_embed_seconds']} s; "
        f"closed-pool ingest {report['ingest_seconds']} s, re-run {report['rerun_seconds']} s.",
        "",
        "## Fusion sweep (dev = odd questions, MRR@10)",
        "",
        "| fusion | param | R@1 | MRR@10 |",
        "|---|---|---|---|",
    ]
    lines += [
        f"| {r['fusion']} | {r['param']} | {r['R@1']:.2f} | {r['MRR@10']:.2f} |"
        for r in report["sweep"]
    ]
    (out / "retrieval.md").write_text("\n".join(lines) + "\n", encoding="utf-8")
    print("\n".join(lines))


if __name__ == "__main__":
    sys.exit(main())
