"""Evaluation report files: JSON, Markdown, HTML and the per-question records.

Reports are named ``<UTC stamp>-<key>.{json,md,html,results.jsonl.gz}``, where the
key is the set name, or ``<set>-limit<N>`` for a ``--limit`` run (so a quick partial
run never replaces the full one). Only the latest run of a key is kept: after writing a run, the
older files of that key are deleted, and the previous run's metrics are copied
into the new report (``previous``) for the regression table. The content comes
from :mod:`rag.evaluation.report_tables` and :mod:`rag.evaluation.report_html`.
"""

from __future__ import annotations

import gzip
import json
import re
from pathlib import Path
from typing import Any

from rag.evaluation.evaluate import EvalRun
from rag.evaluation.report_html import html_page
from rag.evaluation.report_tables import markdown, report_data, report_key

_NAME = re.compile(r"^(\d{8}T\d{6}Z)-(.+?)\.(json|md|html|results\.jsonl\.gz)$")
RESULTS_SUFFIX = ".results.jsonl.gz"


def find_previous(reports_dir: Path, key: str) -> tuple[Path, dict[str, Any]] | None:
    """The newest JSON report of ``key`` in ``reports_dir``, if any."""
    found = sorted(
        p for p in reports_dir.glob("*.json") if (m := _NAME.match(p.name)) and m.group(2) == key
    )
    if not found:
        return None
    return found[-1], json.loads(found[-1].read_text(encoding="utf-8"))


def results_path(report_json: Path) -> Path:
    """The per-question records that go with a JSON report."""
    return report_json.with_name(report_json.name.removesuffix(".json") + RESULTS_SUFFIX)


def read_results(report_json: Path) -> list[dict[str, Any]]:
    """The per-question records of a JSON report, in question order."""
    text = gzip.decompress(results_path(report_json).read_bytes()).decode("utf-8")
    return [json.loads(line) for line in text.splitlines()]


def write_reports(run: EvalRun, reports_dir: Path, failed: list[str]) -> list[Path]:
    """Write the JSON, Markdown and HTML of a run; delete older reports of its key.

    The JSON holds the summary; the per-question records go beside it, one JSON line
    each, gzip-compressed (:func:`read_results`): for XQuAD-th they are megabytes of
    Thai answers and quotes that compress about tenfold.

    Returns:
        The JSON, Markdown, HTML and per-question files written.
    """
    reports_dir.mkdir(parents=True, exist_ok=True)
    key = report_key(run)
    data = report_data(run, find_previous(reports_dir, key), failed)
    stem = f"{run.started.strftime('%Y%m%dT%H%M%SZ')}-{key}"
    written = [reports_dir / f"{stem}.{ext}" for ext in ("json", "md", "html")]
    written.append(results_path(written[0]))
    summary = {k: v for k, v in data.items() if k != "results"}
    summary["results_file"] = written[3].name
    written[0].write_text(json.dumps(summary, ensure_ascii=False), encoding="utf-8")
    written[1].write_text(markdown(data), encoding="utf-8")
    written[2].write_text(html_page(data), encoding="utf-8")
    lines = "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in data["results"])
    written[3].write_bytes(gzip.compress(lines.encode("utf-8"), mtime=0))
    for path in reports_dir.iterdir():
        m = _NAME.match(path.name)
        if m and m.group(2) == key and path not in written:
            path.unlink()
    return written
