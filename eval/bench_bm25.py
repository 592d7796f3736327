"""BM25 at archive size: build time, size on disk, load time, memory and query latency.

Every article of the news archive is cut into windows of ``--window`` characters
(about a 200-token chunk; sentence chunking, the slow part of a real ingest, is
left out here: this measures the keyword index, not the chunker), tokenised with
:func:`rag.index.bm25.tokenize_many` on ``--workers`` processes and added to the
SQLite BM25 store in batches (:meth:`rag.index.bm25_store.BM25Store.change`, as
an ingest does). Then the index is loaded (:func:`rag.index.bm25_saved.read_saved`)
and every question of ``eval/sets/*.jsonl`` is searched (``k = 50``, the retriever's
candidate depth), timed in wall and CPU seconds. An index already built under
``--work`` is reused.

Usage (from the repo root)::

    .venv/bin/python eval/bench_bm25.py [--shared ../shared] [--work /tmp/bm25-archive]

Writes ``eval/reports/bm25.json`` and ``eval/reports/bm25.md``.
"""

from __future__ import annotations

import argparse
import gzip
import json
import resource
import statistics
import time
from pathlib import Path
from typing import Any

from rag.data import Chunk
from rag.index.bm25 import tokenize_many
from rag.index.bm25_saved import read_saved
from rag.index.bm25_store import BM25Store
from rag.ingest.parallel import in_windows

ROOT = Path(__file__).resolve().parents[1]
ARCHIVE = "corpus/thaigov/health-news.jsonl.gz"
BATCH = 2048


def windows(shared: Path, size: int) -> list[Chunk]:
    """The archive's articles cut into windows of ``size`` characters."""
    chunks = []
    with gzip.open(shared / ARCHIVE, "rt", encoding="utf-8") as fh:
        for line in fh:
            row = json.loads(line)
            text = f"{row.get('title', '')}\n{row.get('text', '')}"
            for start in range(0, len(text), size):
                doc = str(row["id"])
                body = text[start : start + size]
                chunks.append(Chunk(f"{len(chunks):07d}", doc, 1, start, start + len(body), body))
    return chunks


def build(shared: Path, folder: Path, size: int, workers: int) -> dict[str, float]:
    """Tokenise and store every window; returns the build figures."""
    chunks = windows(shared, size)
    batches = [chunks[s : s + BATCH] for s in range(0, len(chunks), BATCH)]
    texts = [[c.text for c in b] for b in batches]
    store = BM25Store(folder)
    started, cpu = time.perf_counter(), time.process_time()
    last = 0.0
    for batch, tokens in zip(batches, in_windows(tokenize_many, texts, workers, True), strict=True):
        began = time.perf_counter()
        store.change([(c, {"doc_id": c.doc_id}) for c in batch], tokens)
        last = time.perf_counter() - began
    store.close()
    return {
        "chunks": len(chunks),
        "chars": sum(len(c.text) for c in chunks),
        "build_s": time.perf_counter() - started,
        "build_cpu_main_s": time.process_time() - cpu,
        "last_change_s": last,
        "last_change_chunks": len(batches[-1]) if batches else 0,
    }


def questions() -> list[str]:
    """Every question of the evaluation sets."""
    out = []
    for path in sorted((ROOT / "eval" / "sets").glob("*.jsonl")):
        for line in path.read_text(encoding="utf-8").splitlines():
            if line.strip():
                out.append(str(json.loads(line)["question"]))
    return out


def pct(values: list[float], q: float) -> float:
    """The ``q`` quantile (nearest rank) in milliseconds."""
    ranked = sorted(values)
    return round(1000 * ranked[min(len(ranked) - 1, int(q * len(ranked)))], 1)


def measure(folder: Path) -> dict[str, Any]:
    """Load time, memory, size on disk and query latency."""
    rss0 = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    began = time.perf_counter()
    bm = read_saved(folder)
    load_s = time.perf_counter() - began
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    asked = questions()
    bm.search(asked[0], 50)
    walls, cpus = [], []
    for q in asked:
        wall, cpu = time.perf_counter(), time.process_time()
        bm.search(q, 50)
        walls.append(time.perf_counter() - wall)
        cpus.append(time.process_time() - cpu)
    disk = sum(f.stat().st_size for f in folder.iterdir() if f.is_file())
    return {
        "indexed": len(bm),
        "vocabulary": len(bm.words),
        "disk_bytes": disk,
        "load_s": round(load_s, 2),
        "max_rss_mb_after_load": round(rss / 1024, 1),
        "rss_growth_mb": round((rss - rss0) / 1024, 1),
        "queries": len(asked),
        "wall_ms": {
            "p50": pct(walls, 0.5),
            "p95": pct(walls, 0.95),
            "mean": round(1000 * statistics.mean(walls), 1),
        },
        "cpu_ms": {"p50": pct(cpus, 0.5), "p95": pct(cpus, 0.95)},
    }


def main() -> None:
    """Build (or reuse) the index, measure it, write the reports."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--shared", type=Path, default=ROOT.parent / "shared")
    parser.add_argument("--work", type=Path, default=Path("/tmp/bm25-archive"))
    parser.add_argument("--window", type=int, default=600)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--out", type=Path, default=ROOT / "eval" / "reports")
    args = parser.parse_args()
    folder = args.work / "bm25"
    built = {} if folder.exists() else build(args.shared, folder, args.window, args.workers)
    data = {"build": built, "index": measure(folder)}
    args.out.mkdir(parents=True, exist_ok=True)
    (args.out / "bm25.json").write_text(json.dumps(data, indent=1), encoding="utf-8")
    idx = data["index"]
    lines = [
        "# BM25 at archive size",
        "",
        f"The news archive in windows of {args.window} characters: {idx['indexed']:,} chunks, "
        f"{idx['vocabulary']:,} distinct tokens, {idx['disk_bytes'] / 2**20:.0f} MiB on disk "
        "(SQLite). One run of `eval/bench_bm25.py` on this 2-core machine (shared with other "
        "work: CPU times are given too).",
        "",
        f"- load: {idx['load_s']} s, peak RSS after loading {idx['max_rss_mb_after_load']} MB",
        f"- {idx['queries']} questions (k = 50): wall p50 {idx['wall_ms']['p50']} ms, "
        f"p95 {idx['wall_ms']['p95']} ms; CPU p50 {idx['cpu_ms']['p50']} ms, "
        f"p95 {idx['cpu_ms']['p95']} ms",
    ]
    if built:
        lines.append(
            f"- build: {built['build_s']:.0f} s for {built['chunks']:,} chunks; the last change "
            f"({built['last_change_chunks']} chunks added to an index of "
            f"{built['chunks'] - built['last_change_chunks']:,}) "
            f"took {built['last_change_s']:.2f} s"
        )
    (args.out / "bm25.md").write_text("\n".join(lines) + "\n", encoding="utf-8")
    print("\n".join(lines))


if __name__ == "__main__":
    main()
