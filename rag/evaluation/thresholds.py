"""Per-set metric thresholds (``eval/thresholds.toml``): reading them and checking a run.

Used by ``rag eval`` and by the staff area's evaluation button alike.
"""

from __future__ import annotations

import tomllib
from collections.abc import Mapping
from pathlib import Path

from rag.errors import ConfigError

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
