"""The reports of the load benchmark (:mod:`bench_load`): ``load.json`` and ``load.md``."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from rag.config import Config
from rag.web.answering import answer_workers

P95_TARGET_S = 2.5  # at 16 clients, also during staff jobs
HUGE_TARGET_S = 1.0  # what a 100k-character question may add to the others' p95
ANSWERABLE_TARGET_S = 60.0  # upload finished -> answered from the new document


def workers_label(workers: int, cpus: int) -> str:
    """``4`` or ``0 (default: 4)``.

    >>> workers_label(0, 2), workers_label(1, 2)
    ('0 (default: 4)', '1')
    """
    if workers:
        return str(workers)
    return f"0 (default: {answer_workers(Config(), cpus=cpus)})"


def run_named(config: dict[str, Any], prefix: str) -> dict[str, Any] | None:
    """The run of a configuration whose name starts with ``prefix``."""
    return next((r for r in config["runs"] if r["name"].startswith(prefix)), None)


def checks(config: dict[str, Any]) -> list[tuple[str, str, bool | None]]:
    """(target, measured, met) of one configuration; ``None``: not measured."""
    runs = config["runs"]
    errors = sum(r["errors"] for r in runs)
    plain16, staff, huge = (run_named(config, p) for p in ("16 clients", "16 + staff", "16 + 100k"))
    out: list[tuple[str, str, bool | None]] = [("0 errors", str(errors), errors == 0)]
    if plain16:
        p95 = plain16["p95_s"]
        met = plain16["answers"] > 0 and p95 <= P95_TARGET_S
        out.append((f"p95 at 16 clients <= {P95_TARGET_S} s", f"{p95:.2f} s", met))
    if staff:
        p95 = staff["p95_s"]
        met = staff["answers"] > 0 and p95 <= P95_TARGET_S
        out.append((f"p95 at 16 during staff jobs <= {P95_TARGET_S} s", f"{p95:.2f} s", met))
        wait = staff["staff"]["answerable_after_s"]
        shown = "never" if wait is None else f"{wait:.1f} s"
        met_wait = None if wait is None else wait <= ANSWERABLE_TARGET_S
        out.append((f"answerable <= {ANSWERABLE_TARGET_S:.0f} s after upload", shown, met_wait))
    if plain16 and huge:
        added = huge["p95_s"] - plain16["p95_s"]
        met = added <= HUGE_TARGET_S and huge["huge"]["answered"] == 0
        out.append((f"100k question adds <= {HUGE_TARGET_S} s to p95", f"{added:+.2f} s", met))
    return out


def markdown(result: dict[str, Any]) -> str:
    """The Markdown report."""
    cpus = result["cpu_count"]
    args = result.get("args", [])
    title = "# Load: concurrent partners, staff jobs, oversized questions"
    lines = [
        title + (" (API)" if "/v1/" in result.get("via", "") else ""),
        "",
        f"The real app (`python -m ui.app`, loopback) on a fresh index of `corpus/`; "
        f"{result['questions']} answerable demo questions asked in turn through "
        f"{result.get('via', 'the Gradio API `/ask`')} by each partner thread, "
        f"{result['duration_s']:.0f} s per run. Rate limit "
        f"{result['rate_limit']}. {cpus} CPUs; load average at start "
        f"{', '.join(str(x) for x in result['load_avg_start'])} (the machine is shared). "
        "Reproduce: "
        + (
            f"`.venv/bin/python eval/bench_load.py {' '.join(args)}`."
            if args
            else "`make bench-load`."
        ),
        "",
        "Latency is one call, POST to the whole answer; errors are any `error` event, HTTP "
        "failure or empty answer. The demo questions repeat, so after the first round their "
        "query vectors come from the in-memory LRU. A staff upload holds the library's write "
        "lock while it indexes, and answers wait for it. The last column is the 1-minute load "
        "average at the end of each run: other processes on the machine show there, so "
        "compare configurations within one report rather than across reports.",
        "",
    ]
    for config in result["configs"]:
        lines += [
            f"## answer_workers = {workers_label(config['workers'], cpus)}",
            "",
            "| run | answers | errors | answers/s | p50 s | p95 s | max s | load avg (1 min) |",
            "|---|---|---|---|---|---|---|---|",
        ]
        for r in config["runs"]:
            lines.append(
                f"| {r['name']} | {r['answers']} | {r['errors']} | {r['throughput_per_s']} "
                f"| {r['p50_s']:.2f} | {r['p95_s']:.2f} | {r['max_s']:.2f} "
                f"| {r['load_avg_end'][0]} |"
            )
        lines.append("")
        for r in config["runs"]:
            if "staff" in r:
                s = r["staff"]
                lines.append(
                    f"Staff: upload {s['upload_s']} s, answerable {s['answerable_after_s']} s "
                    f"after it, delete {s['delete_s']} s; errors: {s['errors'] or 'none'}."
                )
            if "huge" in r:
                h = r["huge"]
                lines.append(
                    f"100k-character questions: {h['sent']} sent, {h['answered']} answered "
                    f"(refused with: {'; '.join(h['samples']) or '-'})."
                )
            if r["error_samples"]:
                lines.append(f"Errors of {r['name']}: {'; '.join(r['error_samples'])}.")
        lines += ["", "| target | measured | met |", "|---|---|---|"]
        for target, measured, met in checks(config):
            mark = "n/a" if met is None else ("yes" if met else "**no**")
            lines.append(f"| {target} | {measured} | {mark} |")
        lines.append("")
    return "\n".join(lines)


def write_reports(result: dict[str, Any], out: Path, name: str = "load") -> None:
    """Write ``<name>.json`` and ``<name>.md`` into ``out``."""
    out.mkdir(parents=True, exist_ok=True)
    for config in result["configs"]:
        config["targets"] = [{"target": t, "measured": m, "met": ok} for t, m, ok in checks(config)]
    (out / f"{name}.json").write_text(
        json.dumps(result, ensure_ascii=False, indent=1) + "\n", encoding="utf-8"
    )
    (out / f"{name}.md").write_text(markdown(result), encoding="utf-8")
