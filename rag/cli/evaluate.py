"""``rag eval``: answer a question set with the product, score it and write reports.

``rag eval --set demo [--config FILE] [--limit N] [--index DIR]`` ingests the set's
documents into its own index (``indexes/eval-<set>`` unless ``--index``), answers
every question, writes ``eval/reports/<UTC stamp>-<set>.{json,md,html}`` (per-question
records in ``.results.jsonl.gz``) and exits 1 when a metric misses its threshold in
``eval/thresholds.toml``. A set whose data
(``../shared``) is absent is skipped with a message and exit status 0.

Relative defaults (``eval/``, ``corpus/``, ``indexes/``) are taken from the current
folder (the repository checkout); ``../shared`` can be moved with ``--shared`` or
``RAG_SHARED_DIR``.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path
from typing import Any

from tqdm import tqdm

from rag.config import load_config
from rag.evaluation.evaluate import prepare_index, run_eval
from rag.evaluation.qsets import SET_NAMES, load_set, missing_data
from rag.evaluation.report import write_reports
from rag.evaluation.report_tables import HEADLINE
from rag.evaluation.thresholds import check_thresholds, load_thresholds


def default_shared_dir() -> Path:
    """``RAG_SHARED_DIR``, else ``shared`` beside the current folder (``../shared``)."""
    return Path(os.environ.get("RAG_SHARED_DIR", str(Path.cwd().parent / "shared")))


def cmd_eval(args: argparse.Namespace) -> int:
    """Run one question set; 1 when a threshold is missed."""
    name = args.set_name
    shared = args.shared or default_shared_dir()
    if reason := missing_data(name, shared):
        print(f"⏭️ skipped / ข้าม: {reason}", file=sys.stderr)
        return 0
    cfg = load_config(args.config)
    cfg = cfg.with_(index_dir=args.index or Path.cwd() / "indexes" / f"eval-{name}")
    qset = load_set(name, sets_dir=args.sets, corpus_dir=args.corpus, shared_dir=shared)
    limits = load_thresholds(args.thresholds).get(name, {})
    quiet = args.quiet
    with (
        tqdm(unit="file", desc="ingest", file=sys.stderr, disable=quiet) as files,
        tqdm(total=0, unit="chunk", desc="embed", file=sys.stderr, disable=quiet) as bar,
    ):

        def on_embed(done: int, total: int) -> None:
            bar.total = total
            bar.update(done - bar.n)

        ingest = prepare_index(qset, cfg, on_file=lambda _: files.update(), on_embed=on_embed)
    total = min(args.limit, len(qset.questions)) if args.limit else len(qset.questions)
    with tqdm(total=total, unit="q", desc=f"eval {name}", file=sys.stderr, disable=quiet) as bar:

        def tick(_: dict[str, Any]) -> None:
            bar.update()

        run = run_eval(
            qset,
            cfg,
            config_path=args.config,
            limit=args.limit,
            ingest=ingest,
            on_question=tick,
        )
    failed = check_thresholds(run.metrics, limits)
    paths = write_reports(run, args.reports, failed)
    print(f"{name}: {len(run.results)} questions, {run.seconds} s")
    for metric in (*HEADLINE, "latency_p50_s", "latency_p95_s"):
        value = run.metrics.get(metric)
        print(f"  {metric:<20} {'n/a' if value is None else f'{value:.4f}'}")
    for path in paths:
        print(f"📄 {path}")
    for line in failed:
        print(f"❌ {line}")
    if failed:
        print(f"❌ {name}: ไม่ผ่านเกณฑ์ / thresholds failed", file=sys.stderr)
    elif limits:
        print(f"✅ {name}: ผ่านทุกเกณฑ์ / all thresholds pass")
    return 1 if failed else 0


def add_eval_parser(sub: Any, common: argparse.ArgumentParser) -> None:
    """Register ``rag eval``."""
    p = sub.add_parser("eval", parents=[common], help="answer a question set and score it")
    p.add_argument("--set", dest="set_name", required=True, choices=SET_NAMES)
    p.add_argument("--limit", type=int, default=None, help="only the first N questions")
    here = Path.cwd()
    p.add_argument("--reports", type=Path, default=here / "eval" / "reports", help="report folder")
    p.add_argument(
        "--thresholds",
        type=Path,
        default=here / "eval" / "thresholds.toml",
        help="per-set minimum/maximum metric values",
    )
    p.add_argument("--sets", type=Path, default=here / "eval" / "sets", help="question files")
    p.add_argument("--corpus", type=Path, default=here / "corpus", help="demo set documents")
    p.add_argument(
        "--shared", type=Path, default=None, help="shared data (env RAG_SHARED_DIR, ../shared)"
    )
    p.add_argument("-q", "--quiet", action="store_true", help="no progress bars")
    p.set_defaults(func=cmd_eval)
