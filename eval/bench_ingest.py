"""Ingest throughput per stage, before and after keyword-first ingest, from one run.

The first ``--articles`` articles of the news archive go through each stage of the
ingest path; each stage is timed (wall and CPU seconds of this process) and
reported in characters and chunks per second:

- **load + repair**: :func:`rag.ingest.loaders.load` of a JSONL of the articles
  (parsing, PDF-glyph repair, normalisation);
- **sentences**: :func:`rag.thai.segment.sentence_spans` of every page;
- **chunking**: :func:`rag.ingest.chunking.chunk_pages` (sentences + token counts);
- **BM25 tokens**: :func:`rag.index.bm25.tokenize_many` of the chunks;
- **BM25 update, one upload at a time**: *before*, what the earlier index did per
  change (``bm25s`` re-indexes every chunk, then every token list is written as
  JSON); *after*, :meth:`rag.index.bm25_store.BM25Store.change` (only the new rows);
- **staff upload, load + chunk**: *before*, an upload loaded and chunked its file
  twice (once to embed ahead of the write lock, once to ingest); *after* once;
- **embedding + Chroma add** (the first ``--embed-articles`` articles): *before*, embed a
  batch then store it, in turn; *after*, :func:`rag.index.backfill.backfill`, which
  embeds the next batch in a thread while the last one is stored.

Usage (from the repo root; the machine's load shows in the wall times, so the CPU
times are reported too)::

    .venv/bin/python eval/bench_ingest.py [--shared ../shared] [--articles 100]

Writes ``eval/reports/ingest.json`` and ``eval/reports/ingest.md``.
"""

from __future__ import annotations

import argparse
import gzip
import json
import shutil
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from rag.config import Config
from rag.data import Page
from rag.index.bm25 import tokenize_many
from rag.index.bm25_store import BM25Store
from rag.index.embed_cache import embed_passages
from rag.index.embedders import count_tokens
from rag.index.index import Index
from rag.index.sync import store_vectors
from rag.ingest.chunking import chunk_pages
from rag.ingest.files import file_sha256
from rag.ingest.loaders import load
from rag.thai.segment import sentence_spans

ROOT = Path(__file__).resolve().parents[1]
ARCHIVE = "corpus/thaigov/health-news.jsonl.gz"
Stage = dict[str, float]


def timed(work: Callable[[], Any]) -> tuple[Any, float, float]:
    """``work()``, its wall seconds and the CPU seconds of this process meanwhile."""
    wall, cpu = time.perf_counter(), time.process_time()
    out = work()
    return out, time.perf_counter() - wall, time.process_time() - cpu


def old_bm25_per_upload(docs: list[list[tuple[Any, Any]]], folder: Path) -> None:
    """The earlier index's cost per upload: re-index every chunk, write every token list."""
    import bm25s

    tokens: dict[str, list[str]] = {}
    for doc in docs:
        for chunk, toks in doc:
            tokens[chunk.chunk_id] = toks
        engine = bm25s.BM25(k1=1.2, b=0.75)
        engine.index(list(tokens.values()), show_progress=False)
        payload = {"ids": list(tokens), "tokens": list(tokens.values())}
        (folder / "tokens.json").write_text(json.dumps(payload, ensure_ascii=False), "utf-8")
        engine.save(str(folder / "bm25s"), show_progress=False)


def new_bm25_per_upload(docs: list[list[tuple[Any, Any]]], folder: Path) -> None:
    """One :meth:`BM25Store.change` per upload."""
    store = BM25Store(folder)
    for doc in docs:
        store.change([(c, {"doc_id": c.doc_id}) for c, _ in doc], [t for _, t in doc])
    store.close()


def run(shared: Path, articles: int, work: Path) -> dict[str, Any]:
    """Every stage, before and after."""
    source = work / "news.jsonl"
    with gzip.open(shared / ARCHIVE, "rt", encoding="utf-8") as fh:
        source.write_text("".join(next(fh) for _ in range(articles)), encoding="utf-8")
    cfg = Config(index_dir=work / "index", max_unpacked_mb=1000)
    index = Index(cfg)
    counter = count_tokens(index.embedder)
    counter("โหลด")  # load the tokenizer, the sentence and word models outside the timings
    chunk_pages([Page("w", 1, "ทดสอบการตัดประโยค ภาษาไทย")], counter, 200, 40)
    tokenize_many(["ทดสอบ"])
    stages: dict[str, dict[str, Stage]] = {}

    def chunk_all(docs: list[Any]) -> list[Any]:
        return [chunk_pages(d.pages, counter, cfg.chunk_tokens, cfg.chunk_overlap) for d in docs]

    sha = file_sha256(source)
    docs, wall, cpu = timed(lambda: load(source, sha, cfg))
    chars = sum(len(p.text) for d in docs for p in d.pages)
    per_doc, c_wall, c_cpu = timed(lambda: chunk_all(docs))
    chunks = [c for doc in per_doc for c in doc]
    n = len(chunks)
    same = {"wall": wall, "cpu": cpu}
    stages["load + repair"] = {"before": same, "after": same}
    _, s_wall, s_cpu = timed(lambda: [sentence_spans(p.text) for d in docs for p in d.pages])
    stages["sentences"] = {"before": {"wall": s_wall, "cpu": s_cpu}}
    stages["sentences"]["after"] = stages["sentences"]["before"]
    stages["chunking (sentences + token counts)"] = {"before": {"wall": c_wall, "cpu": c_cpu}}
    stages["chunking (sentences + token counts)"]["after"] = {"wall": c_wall, "cpu": c_cpu}
    toks, t_wall, t_cpu = timed(lambda: tokenize_many(c.text for c in chunks))
    stages["BM25 tokens"] = {"before": {"wall": t_wall, "cpu": t_cpu}}
    stages["BM25 tokens"]["after"] = stages["BM25 tokens"]["before"]
    by_doc, at = [], 0
    for doc in per_doc:
        by_doc.append(list(zip(doc, toks[at : at + len(doc)], strict=True)))
        at += len(doc)
    (work / "old").mkdir()
    _, o_wall, o_cpu = timed(lambda: old_bm25_per_upload(by_doc, work / "old"))
    _, i_wall, i_cpu = timed(lambda: new_bm25_per_upload(by_doc, work / "new"))
    stages["BM25 update, one upload at a time"] = {
        "before": {"wall": o_wall, "cpu": o_cpu},
        "after": {"wall": i_wall, "cpu": i_cpu},
    }
    stages["staff upload, load + chunk"] = {
        "before": {"wall": 2 * (wall + c_wall), "cpu": 2 * (cpu + c_cpu)},
        "after": {"wall": wall + c_wall, "cpu": cpu + c_cpu},
    }
    index.close()
    sizes = {"articles": articles, "chars": chars, "chunks": n}
    return {"sizes": sizes, "stages": stages, "bm25": disk_sizes(work)}


def embedding(cfg: Config, source: Path, articles: int) -> dict[str, dict[str, Stage]]:
    """Embedding + Chroma add of the first ``articles``' chunks, before and after.

    They are ingested keyword-only into a fresh index. *Before*: embed a batch, then
    store it, in turn (no cache). *After*: :meth:`Index.backfill` on an empty cache.
    """
    small = source.with_name("embed.jsonl")
    lines = source.read_text(encoding="utf-8").splitlines(keepends=True)[:articles]
    small.write_text("".join(lines), encoding="utf-8")
    index = Index(cfg.with_(index_dir=cfg.index_dir.with_name("embed-index")))
    try:
        index.ingest([small], dense=False)
        chunks = index.manifest.chunks(index.manifest.pending_ids())
        index.embedder.get_text_embedding("warm up")

        def serial() -> None:
            for start in range(0, len(chunks), 256):
                part = chunks[start : start + 256]
                vectors = embed_passages(index.embedder, [c.text for c in part], None, 32)
                with index.writing():
                    store_vectors(index.manifest, index.vectors, part, vectors)

        _, b_wall, b_cpu = timed(serial)
        index.vectors.delete(index.vectors.ids())
        index.manifest.set_pending(c.chunk_id for c in chunks)
        (index.cfg.index_dir / "embed_cache.sqlite3").unlink(missing_ok=True)
        filled, a_wall, a_cpu = timed(index.backfill)
        assert filled.stored == len(chunks) and filled.embedded == len(chunks)
    finally:
        index.close()
    return {
        "embedding + Chroma add": {
            "before": {"wall": b_wall, "cpu": b_cpu, "chunks": len(chunks)},
            "after": {"wall": a_wall, "cpu": a_cpu, "chunks": len(chunks)},
        }
    }


def disk_sizes(work: Path) -> dict[str, int]:
    """Bytes on disk of the earlier BM25 format and of the SQLite one, for these articles."""

    def size(folder: Path) -> int:
        return sum(f.stat().st_size for f in folder.rglob("*") if f.is_file())

    return {"before": size(work / "old"), "after": size(work / "new")}


def rate(amount: float, seconds: float) -> float:
    """Per second (0 when no time was measured)."""
    return round(amount / seconds, 1) if seconds > 0 else 0.0


def report(data: dict[str, Any]) -> str:
    """The Markdown table of the stages."""
    sizes = data["sizes"]
    lines = [
        "# Ingest throughput per stage",
        "",
        f"{sizes['articles']} articles of the news archive, {sizes['chars']:,} characters, "
        f"{sizes['chunks']:,} chunks (embedding: the first {sizes['embed_articles']} articles, "
        f"{data['stages']['embedding + Chroma add']['after']['chunks']} chunks). One run of "
        "`eval/bench_ingest.py`; rates use wall seconds, CPU seconds of this process in "
        "brackets. The machine's load varies, so compare the ratios.",
        "",
        "| stage | before chars/s | before chunks/s | after chars/s | after chunks/s "
        "| speed-up (wall) | speed-up (CPU) |",
        "|---|---:|---:|---:|---:|---:|---:|",
    ]
    for name, both in data["stages"].items():
        chunks = both["after"].get("chunks", sizes["chunks"])
        chars = sizes["chars"] * chunks / sizes["chunks"]
        cells = []
        for side in (both["before"], both["after"]):
            cells += [
                f"{rate(chars, side['wall']):,}",
                f"{rate(chunks, side['wall']):,} ({rate(chunks, side['cpu']):,})",
            ]
        b, a = both["before"], both["after"]
        cells += [
            f"{b['wall'] / max(a['wall'], 1e-9):.2f}×",
            f"{b['cpu'] / max(a['cpu'], 1e-9):.2f}×",
        ]
        lines.append(f"| {name} | " + " | ".join(cells) + " |")
    disk = data["bm25"]
    lines += [
        "",
        f"BM25 on disk for these chunks: {disk['before']:,} bytes before (JSON + bm25s), "
        f"{disk['after']:,} bytes after (SQLite).",
        "",
    ]
    return "\n".join(lines)


def main() -> None:
    """Run the stages and write the reports."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--shared", type=Path, default=ROOT.parent / "shared")
    parser.add_argument("--articles", type=int, default=100)
    parser.add_argument("--embed-articles", type=int, default=8)
    parser.add_argument("--out", type=Path, default=ROOT / "eval" / "reports")
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="bench-ingest-"))
    try:
        data = run(args.shared, args.articles, work)
        data["stages"] |= embedding(
            Config(index_dir=work / "index", max_unpacked_mb=1000),
            work / "news.jsonl",
            args.embed_articles,
        )
        data["sizes"]["embed_articles"] = args.embed_articles
    finally:
        shutil.rmtree(work, ignore_errors=True)
    args.out.mkdir(parents=True, exist_ok=True)
    (args.out / "ingest.json").write_text(json.dumps(data, indent=1), encoding="utf-8")
    (args.out / "ingest.md").write_text(report(data), encoding="utf-8")
    print(report(data))


if __name__ == "__main__":
    main()
