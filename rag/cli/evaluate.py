"""``rag eval``: answer a question set with the product, score it and write reports.

``rag eval --set demo [--config FILE] [--limit N] [--index DIR]`` ingests the set's
documents into its own index (``indexes/eval-<set>`` unless ``--index``), answers
every question, writes ``eval/reports/<UTC stamp>-<set>.{json,md,html}`` (per-question
records in ``.results.jsonl.gz``) and exits 1 when a metric misses its threshold in
``eval/thresholds.toml``. A set whose data
(``../shared``) is absent is skipped with a message and exit status 0.
"""

from __future__ import annotations

import argparse
import sys
import tomllib
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from tqdm import tqdm

from rag.config import load_config
from rag.errors import ConfigError
from rag.evaluation.evaluate import prepare_index, run_eval
from rag.evaluation.qsets import ROOT, SET_NAMES, load_set, missing_data
from rag.evaluation.report import write_reports
from rag.evaluation.report_tables import HEADLINE

Limits = dict[str, dict[str, float]]


def load_thresholds(path: Path) -> dict[str, Limits]:
    """``{set: {"min": {metric: value}, "max": {metric: value}}}`` from a TOML file.

    A missing file means no thresholds.

    Raises:
        ConfigError: The file is not TOML or holds something else than numbers.
    """
    if not path.is_file():
        return {}
    try:
        raw = tomllib.loads(path.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(path.name, "อ่านไฟล์เกณฑ์ไม่ได้", str(exc)) from exc
    out: dict[str, Limits] = {}
    for name, table in raw.items():
        if not isinstance(table, dict) or set(table) - {"min", "max"}:
            raise ConfigError(
                f"{path.name}: {name}",
                "เกณฑ์ต้องอยู่ใน [ชุด.min] หรือ [ชุด.max]",
                "use [set.min]/[set.max]",
            )
        out[name] = {}
        for kind, values in table.items():
            if not isinstance(values, dict) or not all(
                isinstance(v, int | float) and not isinstance(v, bool) for v in values.values()
            ):
                raise ConfigError(
                    f"{path.name}: {name}.{kind}", "ค่าเกณฑ์ต้องเป็นตัวเลข", "thresholds are numbers"
                )
            out[name][kind] = {k: float(v) for k, v in values.items()}
    return out


def check_thresholds(metrics: Mapping[str, float | None], limits: Limits) -> list[str]:
    """Metrics that miss their thresholds, as Thai + English lines (empty: all pass).

    A metric that is undefined in this run (``None``: e.g. no unanswerable question
    among the first ``--limit`` ones) is not checked; an unknown metric name fails.

    >>> check_thresholds({"hit_at_5": 0.8, "false_refusals": 0.1},
    ...                  {"min": {"hit_at_5": 0.9}, "max": {"false_refusals": 0.2}})
    ['hit_at_5 = 0.8000 < 0.9000 (ต่ำกว่าเกณฑ์ / below threshold)']
    """
    failed = []
    for kind, sign, words in (
        ("min", "<", "ต่ำกว่าเกณฑ์ / below threshold"),
        ("max", ">", "เกินเกณฑ์ / above threshold"),
    ):
        for name, bound in limits.get(kind, {}).items():
            if name not in metrics:
                failed.append(f"{name}: ไม่รู้จักตัวชี้วัดนี้ / unknown metric")
                continue
            value = metrics[name]
            if value is not None and (value < bound if kind == "min" else value > bound):
                failed.append(f"{name} = {value:.4f} {sign} {bound:.4f} ({words})")
    return failed


def cmd_eval(args: argparse.Namespace) -> int:
    """Run one question set; 1 when a threshold is missed."""
    name = args.set_name
    if reason := missing_data(name):
        print(f"⏭️ skipped / ข้าม: {reason}", file=sys.stderr)
        return 0
    cfg = load_config(args.config)
    cfg = cfg.with_(index_dir=args.index or ROOT / "indexes" / f"eval-{name}")
    qset = load_set(name)
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
    p.add_argument("--reports", type=Path, default=ROOT / "eval" / "reports", help="report folder")
    p.add_argument(
        "--thresholds",
        type=Path,
        default=ROOT / "eval" / "thresholds.toml",
        help="per-set minimum/maximum metric values",
    )
    p.add_argument("-q", "--quiet", action="store_true", help="no progress bars")
    p.set_defaults(func=cmd_eval)
