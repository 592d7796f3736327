"""The scale benchmark's helpers: percentiles, targets, reports and shard files (no timing)."""

from __future__ import annotations

import gzip
import importlib
import json
from pathlib import Path
from types import ModuleType

import pytest

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture
def bench(monkeypatch: pytest.MonkeyPatch) -> tuple[ModuleType, ModuleType]:
    """``eval/bench_scale.py`` and ``eval/scale_report.py``, imported as the script does."""
    monkeypatch.syspath_prepend(str(ROOT / "eval"))
    return importlib.import_module("bench_scale"), importlib.import_module("scale_report")


def figures() -> dict[str, object]:
    size = {
        "mode": "hybrid",
        "chunks": 1200,
        "articles": 90,
        "pending": 0,
        "search": {"n": 4, "p50_ms": 40.0, "p95_ms": 180.0, "max_ms": 200.0},
        "answer_cold": {"n": 4, "p50_ms": 900.0, "p95_ms": 1400.0, "max_ms": 1500.0},
        "answer_warm": {"n": 4, "p50_ms": 90.0, "p95_ms": 120.0, "max_ms": 130.0},
        "app": {"bm25_load_s": 0.2, "model_load_s": 1.0, "rss_peak_gib": 0.6, "rss_gib": 0.5},
        "worker": {"rss_peak_gib": 0.7},
        "added": {"keyword_s": None, "dense_s": 3.5, "chunks": 12, "chars": 4000},
        "disk_mib": 40.0,
        "bm25_mib": 2.0,
    }
    keyword = {**size, "mode": "bm25", "search": {"n": 4, "p50_ms": 30.0, "p95_ms": 60.0}}
    rates = {"dense_chunks_per_s": 4.0, "archive_chunks": 99_000, "backfill_hours": 6.88}
    return {"hybrid": size, "keyword": keyword, "rates": rates, "keyword_first": False}


def test_summary_is_in_milliseconds_with_interpolated_percentiles(bench) -> None:
    _, report = bench
    s = report.summary([0.010, 0.020, 0.030, 0.040, 0.100])
    assert s == {"n": 5, "p50_ms": 30.0, "p95_ms": 88.0, "max_ms": 100.0}
    assert report.summary([])["n"] == 0


def test_targets_are_checked_and_missing_figures_are_not_guessed(bench) -> None:
    _, report = bench
    rows = {name: (measured, met) for name, _, measured, met in report.checks(figures())}
    assert rows["search p95, hybrid size"] == ("180 ms", False)
    assert rows["answer p95 cold, hybrid size"] == ("1400 ms", True)
    assert rows["BM25-only search p95, keyword size"] == ("60 ms", True)
    assert rows["app RSS, hybrid size"][1] is True
    assert all(met is None for _, _, _, met in report.checks({}))


def test_extrapolations(bench) -> None:
    _, report = bench
    assert report.archive_chunks(1400, 100) == round(1400 * 7084 / 100)
    assert report.archive_chunks(99_000, 7084) == 99_000  # measured, not extrapolated
    assert report.backfill_hours(36_000, 4.0) == 2.5
    assert report.backfill_hours(36_000, 0.0) is None


def test_reports_are_written(bench, tmp_path: Path) -> None:
    _, report = bench
    json_path, md_path = report.write_reports(figures(), tmp_path)
    assert json.loads(json_path.read_text(encoding="utf-8"))["rates"]["backfill_hours"] == 6.88
    md = md_path.read_text(encoding="utf-8")
    assert "| search p95, hybrid size | ≤ 150 ms | 180 ms | ❌ |" in md
    assert "6.88 h" in md and "a small run, not the verdict" in md
    assert "| hybrid size: answer, cold | 900 | 1400 | 4 |" in md


def test_shards_are_whole_stable_and_resumable(bench, tmp_path: Path) -> None:
    scale, _ = bench
    archive = tmp_path / "news.jsonl.gz"
    lines = [json.dumps({"id": f"a{i}", "text": f"ข่าว {i}"}, ensure_ascii=False) for i in range(7)]
    with gzip.open(archive, "wt", encoding="utf-8") as fh:
        fh.write("\n".join(lines) + "\n")
    first = scale.write_shards(archive, tmp_path / "s", 3, 6)
    assert [p.name for p in first] == ["part-0000.jsonl", "part-0001.jsonl"]
    stamp = first[0].stat().st_mtime_ns
    every = scale.write_shards(archive, tmp_path / "s", 3, 0)
    assert [p.name for p in every] == [p.name for p in first] + ["part-0002-1.jsonl"]
    assert every[0].stat().st_mtime_ns == stamp  # written once
    assert every[2].read_text(encoding="utf-8") == lines[6] + "\n"
