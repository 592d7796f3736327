"""How wide Chroma's HNSW search must be for the dense top k to be exact.

Chroma's HNSW search is approximate, and it builds a different graph for the same
vectors each time. For each ``ef_search`` this benchmark measures, with the vectors of a
real evaluation index and with its question set's query vectors:

- recall@k: the share of the exact top k (numpy cosine over every stored vector)
  that the search returns;
- how many questions miss at least one of them;
- how many questions get another top k from a second build of the same vectors
  (inserted in the same order): what makes two builds of one corpus answer
  differently;
- the median and p95 time of one query.

Usage (from the repo root; the index is the one ``make eval`` builds)::

    .venv/bin/python eval/bench_dense.py [--index DIR] [--set thaihealth-news] [--efs 100,400]

Writes ``eval/reports/dense.json`` and ``eval/reports/dense.md``.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import tempfile
import time
from pathlib import Path
from typing import Any

import numpy as np

from rag.config import load_config
from rag.evaluation.qsets import load_set
from rag.index.index import Index

ROOT = Path(__file__).resolve().parents[1]
CACHE = Path(os.environ.get("RAG_EVAL_CACHE", Path.home() / ".cache" / "thaihealth-rag"))
BATCH = 1000  # vectors per insert, as an ingest adds them


def stored_vectors(index: Index) -> tuple[list[str], np.ndarray]:
    """Every chunk id and unit vector of an index's Chroma collection."""
    collection = index.vectors.collection
    ids: list[str] = []
    parts = []
    while True:
        page = collection.get(include=["embeddings"], limit=5000, offset=len(ids))
        ids += page["ids"]
        parts.append(np.asarray(page["embeddings"], dtype=np.float32))
        if len(page["ids"]) < 5000:
            break
    vectors = np.concatenate(parts)
    return ids, vectors / np.linalg.norm(vectors, axis=1, keepdims=True)


def build(ids: list[str], vectors: np.ndarray, ef: int) -> Any:
    """A new Chroma collection of the vectors, searched with breadth ``ef``."""
    import chromadb
    from chromadb.config import Settings

    client = chromadb.PersistentClient(
        tempfile.mkdtemp(prefix="bench-dense-"), settings=Settings(anonymized_telemetry=False)
    )
    config = {"hnsw": {"space": "cosine", "ef_search": ef}}
    collection = client.create_collection("chunks", configuration=config)  # type: ignore[arg-type]
    for start in range(0, len(ids), BATCH):
        end = start + BATCH
        collection.add(ids=ids[start:end], embeddings=vectors[start:end])
    return collection


def measure(
    ids: list[str], vectors: np.ndarray, queries: np.ndarray, ef: int, k: int
) -> dict[str, Any]:
    """Recall, misses, build-to-build differences and latency at breadth ``ef``."""
    exact = [{ids[i] for i in np.argsort(-(vectors @ q))[:k]} for q in queries]
    first, second = build(ids, vectors, ef), build(ids, vectors, ef)
    found, again, times = [], [], []
    for q in queries:
        t0 = time.perf_counter()
        found.append(first.query(query_embeddings=[q.tolist()], n_results=k, include=[])["ids"][0])
        times.append(time.perf_counter() - t0)
        again.append(second.query(query_embeddings=[q.tolist()], n_results=k, include=[])["ids"][0])
    recalls = [len(e & set(f)) / k for e, f in zip(exact, found, strict=True)]
    return {
        "ef_search": ef,
        "recall": round(statistics.mean(recalls), 4),
        "questions_missing": sum(r < 1 for r in recalls),
        "builds_differ": sum(a != b for a, b in zip(found, again, strict=True)),
        "query_ms_p50": round(1000 * statistics.median(times), 2),
        "query_ms_p95": round(1000 * sorted(times)[int(0.95 * (len(times) - 1))], 2),
    }


def query_vectors(index: Index, set_name: str, shared: Path) -> np.ndarray:
    """The query embeddings of a question set's answerable and unanswerable questions."""
    qset = load_set(
        set_name, sets_dir=ROOT / "eval" / "sets", corpus_dir=ROOT / "corpus", shared_dir=shared
    )
    out = np.asarray([index.embeddings.query(q.question) for q in qset.questions])
    unit: np.ndarray = out / np.linalg.norm(out, axis=1, keepdims=True)
    return unit


def markdown(rows: list[dict[str, Any]], meta: dict[str, Any]) -> str:
    """The report table."""
    lines = [
        "# Dense search breadth (HNSW ef_search)",
        "",
        f"{meta['vectors']:,} vectors of `{meta['index']}`, {meta['questions']} questions of "
        f"`{meta['set']}`, top {meta['k']}; each breadth builds the collection twice "
        f"(same vectors, same order). Reproduce: `.venv/bin/python eval/bench_dense.py`.",
        "",
        "| ef_search | recall@k | questions missing some | questions whose top k differs "
        "between two builds | query p50 ms | query p95 ms |",
        "|---|---|---|---|---|---|",
    ]
    for r in rows:
        lines.append(
            f"| {r['ef_search']} | {r['recall']:.4f} | {r['questions_missing']} | "
            f"{r['builds_differ']} | {r['query_ms_p50']} | {r['query_ms_p95']} |"
        )
    return "\n".join(lines) + "\n"


def main() -> None:
    """Measure each breadth and write the reports."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--index", type=Path, default=CACHE / "eval-thaihealth-news")
    parser.add_argument("--set", default="thaihealth-news")
    parser.add_argument("--shared", type=Path, default=ROOT.parent / "shared")
    parser.add_argument("--efs", default="50,100,200,400,800")
    parser.add_argument("--k", type=int, default=50)
    parser.add_argument("--out", type=Path, default=ROOT / "eval" / "reports")
    args = parser.parse_args()
    if not (args.index / "chroma").is_dir():
        print(f"bench_dense skipped: no index at {args.index} (`make eval` builds it)")
        return
    index = Index(load_config(None).with_(index_dir=args.index))
    ids, vectors = stored_vectors(index)
    queries = query_vectors(index, args.set, args.shared)
    rows = [measure(ids, vectors, queries, int(ef), args.k) for ef in args.efs.split(",")]
    meta = {
        "index": args.index.name,
        "set": args.set,
        "vectors": len(ids),
        "questions": len(queries),
        "k": args.k,
    }
    args.out.mkdir(parents=True, exist_ok=True)
    (args.out / "dense.json").write_text(json.dumps({**meta, "rows": rows}, indent=1) + "\n")
    (args.out / "dense.md").write_text(markdown(rows, meta), encoding="utf-8")
    print(markdown(rows, meta))


if __name__ == "__main__":
    main()
