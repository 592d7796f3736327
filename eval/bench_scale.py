"""Scale benchmark: the news archive at two sizes, against the targets of issue 12.

- **hybrid size**: an index of the archive's first articles until it holds
  ``--dense-chunks`` chunks (30,000 by default), fully dense and BM25; searched in
  ``hybrid`` mode.
- **keyword size**: an index of ``--articles`` articles (0: the whole archive, 7,084),
  ingested keyword-first (vectors left pending) where the code base can; searched in
  ``bm25`` mode.

For each: p50/p95 search latency, extractive answer latency cold and warm, the RSS
of the app (the probe process) and of the worker (the ingest process), the index
size on disk, the BM25 load time, and the cost of one more article (keyword-searchable
after, dense after). The whole archive's dense backfill time is extrapolated from the
measured embedding rate. The processes are :mod:`scale_work`.

Indexes are built outside the clone (``--work``, default
``~/.cache/thaihealth-rag/scale``, env ``BENCH_SCALE_DIR``) from the archive cut into
shard files of ``--shard-size`` articles, one ``Index.ingest`` each: a rerun skips the
shards already ingested (and the embedding cache keeps what an interrupted shard
embedded), so a long build resumes.

Usage (from the repo root)::

    .venv/bin/python eval/bench_scale.py                      # at size (hours the first time)
    .venv/bin/python eval/bench_scale.py --articles 300 --dense-chunks 1000 --out /tmp/s

Writes ``scale.json`` and ``scale.md`` to ``--out`` (``eval/reports``).
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import platform
import shutil
import sqlite3
import subprocess
import sys
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from scale_report import archive_chunks, backfill_hours, summary, write_reports

from rag.index.embed_cache import CACHE_FILE

ROOT = Path(__file__).resolve().parents[1]
WORK = Path("~/.cache/thaihealth-rag/scale").expanduser()
ARCHIVE = Path("corpus/thaigov/health-news.jsonl.gz")
MIB = 2**20
APP_KEYS = ("bm25_load_s", "model_load_s", "first_search_s", "rss_peak_gib", "rss_gib")
CHUNKS_PER_ARTICLE_LOW = 3  # fewest chunks per article assumed when cutting shards


def write_shards(archive: Path, folder: Path, size: int, articles: int) -> list[Path]:
    """Cut the first ``articles`` (0: all; a multiple of ``size``) articles into shard files.

    A shard is written only when missing (atomically), so its bytes, and the index's
    record of it, stay the same across runs. Only the archive's last shard may hold
    fewer articles (its name says how many).
    """
    folder.mkdir(parents=True, exist_ok=True)
    shards: list[Path] = []
    with gzip.open(archive, "rt", encoding="utf-8") as fh:
        batch: list[str] = []
        for number, line in enumerate(fh):
            if articles and number >= articles:
                break
            batch.append(line if line.endswith("\n") else line + "\n")
            if len(batch) == size:
                shards.append(_shard(folder, len(shards), batch))
                batch = []
        if batch:
            shards.append(_shard(folder, len(shards), batch, partial=True))
    return shards


def _shard(folder: Path, number: int, lines: list[str], partial: bool = False) -> Path:
    path = folder / f"part-{number:04d}{f'-{len(lines)}' if partial else ''}.jsonl"
    if not path.exists():
        tmp = path.with_suffix(".tmp")
        tmp.write_text("".join(lines), encoding="utf-8")
        tmp.replace(path)
    return path


def added_article(archive: Path, folder: Path) -> Path:
    """One new article: the archive's last one, its id and every line made unique.

    Unique text, so nothing of it is in the embedding cache: the measured cost is
    a real first ingest.
    """
    with gzip.open(archive, "rt", encoding="utf-8") as fh:
        last = ""
        for last in fh:  # noqa: B007
            pass
    item = json.loads(last)
    tag = time.strftime("%Y%m%dT%H%M%S")
    item["id"] = f"bench-added/{tag}/{item['id']}"
    lines = item["text"].split("\n")
    item["text"] = "\n".join(f"{line} ({tag})" if line.strip() else line for line in lines)
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"added-{tag}.jsonl"
    path.write_text(json.dumps(item, ensure_ascii=False) + "\n", encoding="utf-8")
    return path


def work(what: str, out: Path, args: Sequence[str], files: Sequence[Path] = ()) -> dict[str, Any]:
    """Run one :mod:`scale_work` process on ``files`` and return its JSON."""
    listing = out.with_suffix(".files")
    listing.write_text("".join(f"{p}\n" for p in files), encoding="utf-8")
    cmd = [sys.executable, str(ROOT / "eval" / "scale_work.py"), what, "--out", str(out), *args]
    cmd += ["--files-from", str(listing)]
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    subprocess.run(cmd, check=True, cwd=ROOT, env=env)
    data: dict[str, Any] = json.loads(out.read_text(encoding="utf-8"))
    return data


def disk_mib(folder: Path) -> float:
    """Size of the files under ``folder`` in MiB."""
    return round(sum(p.stat().st_size for p in folder.rglob("*") if p.is_file()) / MIB, 1)


def seed_cache(source: Path, target: Path) -> None:
    """Copy the vectors of one index's embedding cache into another's: nothing is embedded twice.

    A new cache is a SQLite backup of the source; an existing one gets the rows it lacks.
    """
    if not (source / CACHE_FILE).exists():
        return
    target.mkdir(parents=True, exist_ok=True)
    if not (target / CACHE_FILE).exists():
        with (
            sqlite3.connect(source / CACHE_FILE) as src,
            sqlite3.connect(target / CACHE_FILE) as dst,
        ):
            src.backup(dst)
        return
    with sqlite3.connect(target / CACHE_FILE) as dst:
        dst.execute("ATTACH DATABASE ? AS src", (str(source / CACHE_FILE),))
        dst.execute("INSERT OR IGNORE INTO vectors SELECT * FROM src.vectors")
        dst.commit()
        dst.execute("DETACH DATABASE src")


def measure_size(
    name: str, index_dir: Path, mode: str, built: dict[str, Any], opts: argparse.Namespace
) -> dict[str, Any]:
    """Probe one built index, add one article to it, and collect its figures."""
    tmp = opts.work / "runs"
    tmp.mkdir(parents=True, exist_ok=True)
    probe = work(
        "probe",
        tmp / f"{name}-probe.json",
        [
            *("--index", str(index_dir), "--mode", mode),
            *("--questions", str(opts.questions), "--limit", str(opts.limit_questions)),
        ],
    )
    added = work(
        "add",
        tmp / f"{name}-add.json",
        ["--index", str(index_dir), *(["--keyword-only"] if mode == "bm25" else [])],
        [added_article(opts.archive, opts.work / "added")],
    )
    return {
        "mode": mode,
        "chunks": built["chunks"],
        "articles": built["articles"],
        "pending": probe["pending"],
        "search": summary(probe["search_s"]),
        "answer_cold": summary(probe["cold_s"]),
        "answer_warm": summary(probe["warm_s"]),
        "app": {k: probe[k] for k in APP_KEYS},
        "worker": {"rss_peak_gib": built["rss_peak_gib"], "build": built},
        "added": added,
        "disk_mib": disk_mib(index_dir),
        "bm25_mib": disk_mib(index_dir / "bm25"),
    }


def rates(hybrid: dict[str, Any], keyword: dict[str, Any], saved: Path) -> dict[str, Any]:
    """Embedding and keyword ingest rates of this run, or of the last run that measured them."""
    old = json.loads(saved.read_text(encoding="utf-8")) if saved.exists() else {}
    found = dict(old)
    if hybrid["new_chunks"] and hybrid["dense_s"] > 0:
        found["dense_chunks_per_s"] = round(hybrid["new_chunks"] / hybrid["dense_s"], 3)
    if keyword["new_chunks"] and keyword["keyword_s"] > 0 and keyword["keyword_first"]:
        found["keyword_chunks_per_s"] = round(keyword["new_chunks"] / keyword["keyword_s"], 2)
    saved.write_text(json.dumps(found), encoding="utf-8")
    return found


def main(argv: Sequence[str] | None = None) -> int:
    """Build or resume both indexes, measure them and write the reports."""
    shared = Path(os.environ.get("RAG_SHARED_DIR", ROOT.parent / "shared"))
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--archive", type=Path, default=shared / ARCHIVE)
    parser.add_argument("--work", type=Path, default=Path(os.environ.get("BENCH_SCALE_DIR", WORK)))
    parser.add_argument("--dense-chunks", type=int, default=30_000)
    parser.add_argument("--articles", type=int, default=0, help="keyword size (0: all)")
    parser.add_argument("--shard-size", type=int, default=50)
    parser.add_argument("--questions", type=Path, default=ROOT / "eval/sets/thaihealth-news.jsonl")
    parser.add_argument("--limit-questions", type=int, default=80)
    parser.add_argument("--out", type=Path, default=ROOT / "eval" / "reports")
    opts = parser.parse_args(argv)
    wanted = max(opts.dense_chunks // CHUNKS_PER_ARTICLE_LOW, opts.articles) if opts.articles else 0
    wanted = -(-wanted // opts.shard_size) * opts.shard_size  # whole shards: stable files
    folder = opts.work / f"shards-{opts.shard_size}"
    shards = write_shards(opts.archive, folder, opts.shard_size, wanted)
    runs = opts.work / "runs"
    runs.mkdir(parents=True, exist_ok=True)
    hybrid_dir, keyword_dir = opts.work / "hybrid", opts.work / "keyword"
    print(f"hybrid size: {opts.dense_chunks:,} chunks in {hybrid_dir}", file=sys.stderr)
    hybrid = work(
        "ingest",
        runs / "hybrid-build.json",
        ["--index", str(hybrid_dir), "--until-chunks", str(opts.dense_chunks)],
        shards,
    )
    keep = -(-opts.articles // opts.shard_size) if opts.articles else len(shards)
    print(f"keyword size: {keep} shards in {keyword_dir}", file=sys.stderr)
    seed_cache(hybrid_dir, keyword_dir)
    keyword = work(
        "ingest",
        runs / "keyword-build.json",
        ["--index", str(keyword_dir), "--keyword-only"],
        shards[:keep],
    )
    found = rates(hybrid, keyword, opts.work / "rates.json")
    total = archive_chunks(keyword["chunks"], keyword["articles"])
    found["archive_chunks"] = total
    found["backfill_hours"] = backfill_hours(total, found.get("dense_chunks_per_s", 0.0))
    data = {
        "when": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()),
        "machine": f"{platform.node()}, {os.cpu_count()} CPUs, load {os.getloadavg()[0]:.1f}",
        "archive": str(opts.archive),
        "work": str(opts.work),
        "keyword_first": keyword["keyword_first"],
        "args": {
            "dense_chunks": opts.dense_chunks,
            "articles": opts.articles,
            "shard_size": opts.shard_size,
            "questions": opts.limit_questions,
        },
        "hybrid": measure_size("hybrid", hybrid_dir, "hybrid", hybrid, opts),
        "keyword": measure_size("keyword", keyword_dir, "bm25", keyword, opts),
        "rates": found,
    }
    for path in write_reports(data, opts.out):
        print(path)
    shutil.rmtree(opts.work / "added", ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
