"""The processes of the scale benchmark: the ingest *worker* and the *app* probe.

:mod:`bench_scale` runs each as its own subprocess, so the RSS it reports is that
process's alone and a probe starts cold::

    python eval/scale_work.py ingest --index DIR --out w.json --files-from LIST [--until-chunks N]
    python eval/scale_work.py add --index DIR --out a.json --files-from LIST
    python eval/scale_work.py probe --index DIR --mode hybrid --questions Q.jsonl --out p.json

Everything goes through the library's public entry points (``Index``,
``Index.ingest`` (keyword-first), ``Index.backfill``, the retriever, and
:func:`rag.answer.ask.answer`).
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import os
import resource
import sqlite3
import sys
import time
from collections.abc import Sequence
from contextlib import closing
from pathlib import Path
from typing import Any

from rag.answer.ask import answer
from rag.answer.extractive import collect_units
from rag.answer.services import Services
from rag.answer.settings import AnswerSettings
from rag.answer.units import PARAMS
from rag.config import Config, load_config
from rag.data import Hit
from rag.index.embed_cache import CACHE_FILE, cache_key
from rag.index.index import Index
from rag.thai.match import cached_search_tokens

GIB = 2**30


def ingest_timed(index: Index, files: Sequence[Path], dense: bool) -> tuple[float, float]:
    """Ingest ``files`` keyword-first: (seconds until keyword-searchable, until dense).

    Both from the start; the second is the keyword time when ``dense`` is off (the
    chunks stay pending, as after ``rag ingest --keyword-only``).
    """
    started = time.perf_counter()
    index.ingest(list(files), dense=False)
    keyword = time.perf_counter() - started
    if dense:
        index.backfill()
    return keyword, time.perf_counter() - started


def config_for(index_dir: Path, mode: str = "hybrid") -> Config:
    """The default configuration (and ``RAG_*`` overrides) on ``index_dir`` in ``mode``."""
    env = {**os.environ, "RAG_INDEX_DIR": str(index_dir), "RAG_RETRIEVAL_MODE": mode}
    return load_config(env=env)


def rss() -> dict[str, float]:
    """This process's peak RSS and its RSS now, in GiB (Linux)."""
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
    now = 0
    with open("/proc/self/status", encoding="ascii") as fh:
        for line in fh:
            if line.startswith("VmRSS:"):
                now = int(line.split()[1]) * 1024
    return {"rss_peak_gib": round(peak / GIB, 3), "rss_gib": round(now / GIB, 3)}


def pending(index: Index) -> int:
    """Chunks whose vectors are not stored yet."""
    return len(index.pending())


def run_ingest(index_dir: Path, files: Sequence[Path], until: int, dense: bool) -> dict[str, Any]:
    """The worker: ingest shard files in order until the index has ``until`` chunks (0: all)."""
    index = Index(config_for(index_dir))
    index.embeddings.query("warm-up")  # the model load is not a cost of the ingest
    totals = {"files": 0, "new_chunks": 0, "keyword_s": 0.0, "dense_s": 0.0, "bytes": 0}
    for path in files:
        before = len(index.manifest.chunk_ids())
        if until and before >= until:
            break
        keyword, full = ingest_timed(index, [path], dense)
        new = len(index.manifest.chunk_ids()) - before
        totals["files"] += 1
        if new:
            totals["new_chunks"] += new
            totals["keyword_s"] += keyword
            totals["dense_s"] += full - keyword
            totals["bytes"] += path.stat().st_size
        print(f"{path.name}: +{new} chunks ({full:.1f} s)", file=sys.stderr, flush=True)
    result = {
        **totals,
        "chunks": len(index.manifest.chunk_ids()),
        "pending": pending(index),
        "articles": len(index.manifest.documents()),
        "keyword_first": True,
        **rss(),
    }
    index.close()
    return result


def run_add(index_dir: Path, path: Path, dense: bool = True) -> dict[str, Any]:
    """Cost of one more article in a long-running worker; the article is deleted after.

    Without ``dense`` (the keyword size, whose chunks all wait for vectors) only the
    keyword part is timed: a backfill there would embed the whole archive.
    """
    index = Index(config_for(index_dir))
    index.embeddings.query("warm-up")
    before = set(index.manifest.chunk_ids())
    keyword, full = ingest_timed(index, [path], dense=dense)
    added = index.manifest.chunks(set(index.manifest.chunk_ids()) - before)
    for doc_id in {c.doc_id for c in added}:
        index.delete(doc_id)
    index.close()
    chars = sum(len(c.text) for c in added)
    timed = {"keyword_s": keyword, "dense_s": full if dense else None}
    return {**timed, "chunks": len(added), "chars": chars, **rss()}


def unit_texts(hits: Sequence[Hit], settings: AnswerSettings) -> set[str]:
    """The sentence units the extractive answerer makes of ``hits`` (as :func:`extract` cuts)."""
    room = settings.max_chars - 6 - PARAMS.min_unit
    fit = dataclasses.replace(PARAMS, max_unit=max(1, min(PARAMS.max_unit, room)))
    chunks = {h.chunk.text for h in hits}
    return {u.text for u in collect_units(hits, fit)} - chunks


def evict(index_dir: Path, embedder_id: str, texts: set[str]) -> int:
    """Remove the passage vectors of ``texts`` from the index's embedding cache."""
    keys = [(cache_key(embedder_id, "passage", t),) for t in texts]
    with closing(sqlite3.connect(index_dir / CACHE_FILE)) as db, db:
        if not db.execute("SELECT 1 FROM sqlite_master WHERE name = 'vectors'").fetchone():
            return 0  # nothing was ever embedded here (a keyword-only index)
        db.executemany("DELETE FROM vectors WHERE key = ?", keys)
        return db.total_changes


def run_probe(index_dir: Path, mode: str, questions: Sequence[str]) -> dict[str, Any]:
    """The app: BM25 load, search latency, answers cold then warm, RSS.

    Loading the model and the first search (which opens the stores) happen once per
    process and are reported apart from the timed questions.
    """
    cfg = config_for(index_dir, mode)
    started = time.perf_counter()
    index = Index(cfg)
    bm25_chunks = len(index.bm25.ids())
    bm25_load = time.perf_counter() - started
    started = time.perf_counter()
    index.embeddings.query("warm-up")
    model_load = time.perf_counter() - started
    settings = AnswerSettings.from_config(cfg)
    services = Services.of(index, settings.retrieval)
    started = time.perf_counter()
    services.retriever.search("การเตรียมระบบ warm-up")  # opens the vector store
    first_search = time.perf_counter() - started
    search_s: list[float] = []
    units: set[str] = set()
    for q in questions:
        started = time.perf_counter()
        hits = services.retriever.search(q)
        search_s.append(time.perf_counter() - started)
        units |= unit_texts(hits, settings)
    evicted = evict(index_dir, index.embedder_id, units)
    index.embeddings.forget_queries()  # cold: the query is embedded again too,
    cached_search_tokens.cache_clear()  # and the passages segmented again
    passes: dict[str, list[float]] = {"cold": [], "warm": []}
    for seconds in passes.values():
        for q in questions:
            started = time.perf_counter()
            answer(q, index)
            seconds.append(time.perf_counter() - started)
    result = {
        "mode": mode,
        "bm25_chunks": bm25_chunks,
        "bm25_load_s": round(bm25_load, 3),
        "model_load_s": round(model_load, 3),
        "first_search_s": round(first_search, 3),
        "search_s": search_s,
        "cold_s": passes["cold"],
        "warm_s": passes["warm"],
        "evicted_units": evicted,
        "pending": pending(index),
        **rss(),
    }
    index.close()
    return result


def read_questions(path: Path, limit: int) -> list[str]:
    """The stand-alone questions of a question set (first ``limit``; 0: all)."""
    items = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line]
    found = [q["question"] for q in items if not q.get("history")]
    return found[:limit] if limit else found


def main(argv: Sequence[str] | None = None) -> int:
    """Run one worker or probe and write its JSON."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("what", choices=["ingest", "add", "probe"])
    parser.add_argument("--index", type=Path, required=True)
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--until-chunks", type=int, default=0)
    parser.add_argument("--keyword-only", action="store_true")
    parser.add_argument("--mode", default="hybrid")
    parser.add_argument("--questions", type=Path)
    parser.add_argument("--limit", type=int, default=0)
    parser.add_argument("--files-from", type=Path, help="a file naming one input file a line")
    args = parser.parse_args(argv)
    listed = args.files_from.read_text(encoding="utf-8").splitlines() if args.files_from else []
    args.files = [Path(line) for line in listed if line]
    if args.what == "ingest":
        result = run_ingest(args.index, args.files, args.until_chunks, not args.keyword_only)
    elif args.what == "add":
        result = run_add(args.index, args.files[0], not args.keyword_only)
    else:
        result = run_probe(args.index, args.mode, read_questions(args.questions, args.limit))
    args.out.write_text(json.dumps(result, ensure_ascii=False), encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
