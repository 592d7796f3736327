"""The coverage rerank's weights, swept over the question sets' own evaluation indexes.

Each set's questions are retrieved as ``rag eval`` retrieves them (the answerer's
``retrieve``, depth 10). The BM25 and dense candidate lists of a question are
computed once; every ``(rerank_coverage, rerank_title)`` point then re-runs the
fusion, rerank and deduplication over them, so a point costs no embedding.

The point is chosen by mean MRR@10 over the odd-numbered questions (dev) of the
long-document sets, thaihealth-news and XQuAD-th; the even-numbered ones are held
out and reported beside it. The indexes are those ``rag eval`` and ``make eval``
build; a set whose index is absent is skipped with a message.

Usage (from the repo root)::

    .venv/bin/python eval/bench_rerank.py [--points 0/0,0.55/0.5] [--shared ../shared]

Writes ``eval/reports/rerank.json`` and ``eval/reports/rerank.md``.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import os
from pathlib import Path
from typing import Any

from rag.answer.answerer import retrieve
from rag.answer.followup import resolve
from rag.answer.services import Services
from rag.config import load_config
from rag.evaluation.metrics import hit_at_k, mean, mrr_at_k, ranked_labels, source_key
from rag.evaluation.qsets import load_set, missing_data
from rag.evaluation.score import DEPTH, DocNames
from rag.index.filters import Where
from rag.index.index import Index
from rag.search.fusion import Ranked
from rag.search.retriever import HybridRetriever
from rag.search.settings import RetrievalSettings

ROOT = Path(__file__).resolve().parents[1]
CACHE = Path(os.environ.get("RAG_EVAL_CACHE", Path.home() / ".cache" / "thaihealth-rag"))
SETS = ("thaihealth-news", "xquad-th", "news-hard", "demo", "english")
DEV_SETS = ("thaihealth-news", "xquad-th")
POINTS = "0/0,0.3/0.5,0.4/0.5,0.5/0.5,0.55/0,0.55/0.5,0.55/1,0.6/0.5,0.7/0.5"


class MemoRetriever(HybridRetriever):
    """A retriever that computes each query's candidate lists once."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.memo: dict[tuple[str, str], tuple[Ranked, Ranked]] = {}

    def candidate_lists(
        self,
        query: str,
        where: Where | None = None,
        embedding: list[float] | None = None,
        stats: dict[str, float] | None = None,
    ) -> tuple[Ranked, Ranked]:
        """The lists of :meth:`HybridRetriever.candidate_lists`, from the memo after once."""
        key = (query, repr(where))
        if key not in self.memo:
            self.memo[key] = super().candidate_lists(query, where, embedding, stats)
        return self.memo[key]


def index_dir(name: str) -> Path:
    """Where ``make eval`` (news sets) or ``rag eval`` (the others) keeps a set's index."""
    if name in ("thaihealth-news", "news-hard"):
        return CACHE / f"eval-{name}"
    return ROOT / "indexes" / f"eval-{name}"


def sweep_set(name: str, shared: Path, points: list[tuple[float, float]]) -> dict[str, Any]:
    """Per point: hit@1, hit@5 and MRR@10 over all, dev and held-out questions."""
    qset = load_set(
        name, sets_dir=ROOT / "eval" / "sets", corpus_dir=ROOT / "corpus", shared_dir=shared
    )
    cfg = load_config(None).with_(index_dir=index_dir(name))
    index = Index(cfg)
    try:
        names = DocNames(index)
        base = RetrievalSettings.from_config(cfg).deeper(DEPTH)
        memo = MemoRetriever(index.embedder, index.vectors, index.bm25, index.lookup, base)
        out: dict[str, Any] = {}
        questions = [q for q in qset.questions if q.answerable and q.gold]
        for coverage, title in points:
            memo.settings = dataclasses.replace(base, coverage=coverage, title_share=title)
            services = Services(memo, index.bm25, index.embeddings, index.source_of)
            rows = []
            for q in questions:
                history = list(q.history)
                hits, _ = retrieve(resolve(q.question, history), services, history)
                found = [(names.of(h.chunk.doc_id), h.chunk.page) for h in hits]
                labels = ranked_labels(found, list(q.gold))
                wanted = {source_key(g) for g in q.gold}
                rows.append(
                    (
                        hit_at_k(labels, wanted, 1),
                        hit_at_k(labels, wanted, 5),
                        mrr_at_k(labels, wanted, DEPTH),
                    )
                )
            parts = {"all": rows, "dev": rows[1::2], "held_out": rows[0::2]}
            out[f"{coverage}/{title}"] = {
                part: {
                    "hit_at_1": mean(r[0] for r in sel),
                    "hit_at_5": mean(r[1] for r in sel),
                    "mrr_at_10": mean(r[2] for r in sel),
                    "n": len(sel),
                }
                for part, sel in parts.items()
            }
        return out
    finally:
        index.close()


def report(results: dict[str, dict[str, Any]], default: str) -> str:
    """The Markdown report: the selection table, then every set's figures."""
    dev = [s for s in DEV_SETS if s in results]
    points = list(next(iter(results.values())))
    lines = [
        "# Coverage rerank sweep",
        "",
        "Reproduce: `.venv/bin/python eval/bench_rerank.py`.",
        "A point is `rerank_coverage/rerank_title`;",
        f"the configured default is **{default}**. Chosen by mean MRR@10 on the dev",
        f"(odd-numbered) questions of {', '.join(dev)}; held out = the even-numbered ones.",
        "",
        "| point | dev MRR@10 (mean) | " + " | ".join(f"{s} held-out MRR@10" for s in dev) + " |",
        "|---|---|" + "---|" * len(dev),
    ]
    for p in points:
        dev_mrr = mean(results[s][p]["dev"]["mrr_at_10"] for s in dev)
        held = " | ".join(f"{results[s][p]['held_out']['mrr_at_10']:.4f}" for s in dev)
        lines.append(f"| {p} | {dev_mrr:.4f} | {held} |")
    for name, by_point in results.items():
        n = next(iter(by_point.values()))["all"]["n"]
        lines += [
            "",
            f"## {name} ({n} answerable questions, all of them)",
            "",
            "| point | hit@1 | hit@5 | MRR@10 |",
            "|---|---|---|---|",
        ]
        for p, figures in by_point.items():
            a = figures["all"]
            lines.append(
                f"| {p} | {a['hit_at_1']:.4f} | {a['hit_at_5']:.4f} | {a['mrr_at_10']:.4f} |"
            )
    return "\n".join(lines) + "\n"


def main() -> None:
    """Sweep the points over every set with data and an index; write the reports."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--points", default=POINTS, help="coverage/title pairs, comma-separated")
    parser.add_argument("--shared", type=Path, default=ROOT.parent / "shared")
    parser.add_argument("--out", type=Path, default=ROOT / "eval" / "reports")
    args = parser.parse_args()
    points = [tuple(float(v) for v in p.split("/")) for p in args.points.split(",")]
    results: dict[str, dict[str, Any]] = {}
    for name in SETS:
        if reason := missing_data(name, args.shared):
            print(f"{name}: skipped ({reason})")
            continue
        if not (index_dir(name) / "manifest.sqlite3").exists():
            print(f"{name}: skipped (no index at {index_dir(name)}; run rag eval --set {name})")
            continue
        results[name] = sweep_set(name, args.shared, points)  # type: ignore[arg-type]
        print(f"{name}: {len(points)} points")
    cfg = load_config(None)
    default = f"{cfg.rerank_coverage}/{cfg.rerank_title}"
    args.out.mkdir(parents=True, exist_ok=True)
    (args.out / "rerank.json").write_text(json.dumps(results, indent=1), encoding="utf-8")
    (args.out / "rerank.md").write_text(report(results, default), encoding="utf-8")
    print(f"wrote {args.out / 'rerank.md'}")


if __name__ == "__main__":
    main()
