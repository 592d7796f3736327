"""Before/after table of answer quality, from `rag eval` reports of code versions.

Run `rag eval` for each set with the old code and with the new one (same indexes,
same question files, same machine, one session), then:

    .venv/bin/python eval/before_after.py --column "before (abc123)=DIR" --column "after=DIR"

Each DIR holds the reports (``*-<set>.json``) of one version, one column each, in
order; the newest report of each set is used. The table replaces the section between the markers in
``eval/reports/answers.md`` (``eval/bench_answers.py`` keeps that section when it
rewrites the file).
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
START = "<!-- before-after: start -->"
END = "<!-- before-after: end -->"
ROWS = (
    ("containment", "answer contains the gold strings", False),
    ("containment_cited", "… and cites a gold page", False),
    ("hit_at_5", "retrieval hit@5", False),
    ("mrr_at_10", "retrieval MRR@10", False),
    ("citation_precision", "citation precision", False),
    ("false_refusals", "false refusals (answerable)", True),
    ("refusal_accuracy", "unanswerable refused", False),
)
TAG_ROWS = (("type=year", "containment", "year-form items: containment"),)
NEAR = ("type=near-miss", "refusal_accuracy", "near-miss items refused")


def newest(folder: Path, set_name: str) -> dict[str, Any] | None:
    """The newest report JSON of ``set_name`` under ``folder`` (searched recursively)."""
    found = sorted(folder.rglob(f"*-{set_name}.json"))
    return json.loads(found[-1].read_text(encoding="utf-8")) if found else None


def cell(report: dict[str, Any] | None, metric: str, tag: str | None = None) -> str:
    """A metric of a report as a percentage, ``–`` when undefined.

    >>> cell({"metrics": {"containment": 0.5}}, "containment"), cell(None, "x")
    ('50.0 %', '–')
    """
    if report is None:
        return "–"
    values = report.get("by_tag", {}).get(tag, {}) if tag else report.get("metrics", {})
    value = values.get(metric)
    return "–" if value is None else f"{100 * value:.1f} %"


def table(sets: list[str], columns: list[tuple[str, Path]], note: str = "") -> list[str]:
    """Markdown lines: one block per set, rows = metrics, one column per ``(label, dir)``."""
    lines = [START, "## Before / after (answers issue)", "", *([note, ""] if note else [])]
    for name in sets:
        reports = [newest(folder, name) for _, folder in columns]
        if all(r is None for r in reports):
            continue
        first = next(r for r in reversed(reports) if r is not None)
        count = int(first.get("metrics", {}).get("questions", 0))
        lines += [f"### {name} ({count} questions)", ""]
        lines += ["| | " + " | ".join(label for label, _ in columns) + " |"]
        lines.append("|---|" + "---|" * len(columns))
        for metric, label, _ in ROWS:
            lines.append(f"| {label} | " + " | ".join(cell(r, metric) for r in reports) + " |")
        for tag, metric, label in (*TAG_ROWS, NEAR):
            if any(r and tag in r.get("by_tag", {}) for r in reports):
                cells = " | ".join(cell(r, metric, tag) for r in reports)
                lines.append(f"| {label} | {cells} |")
        lines.append("")
    return [*lines, END]


def column(spec: str) -> tuple[str, Path]:
    """``LABEL=DIR`` as ``(label, Path(dir))``.

    >>> column("before (532a883)=/tmp/old")
    ('before (532a883)', PosixPath('/tmp/old'))
    """
    label, sep, folder = spec.rpartition("=")
    if not sep or not label:
        raise argparse.ArgumentTypeError(f"expected LABEL=DIR, got {spec!r}")
    return label, Path(folder)


def replace_section(text: str, section: list[str]) -> str:
    r"""``text`` with the marked section replaced (or appended).

    >>> replace_section("a" + START + "old" + END + "b", [START, "new", END])
    'a<!-- before-after: start -->\nnew\n<!-- before-after: end -->b'
    """
    block = "\n".join(section)
    if START in text and END in text:
        head, rest = text.split(START, 1)
        return head + block + rest.split(END, 1)[1]
    return text.rstrip("\n") + "\n\n" + block + "\n"


def main() -> int:
    """Write the before/after section of ``eval/reports/answers.md``."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--column", type=column, action="append", required=True)
    parser.add_argument("--sets", default="demo,english,thaihealth-news,news-hard")
    parser.add_argument("--note", default="", help="a paragraph under the heading")
    parser.add_argument("--out", type=Path, default=ROOT / "eval" / "reports" / "answers.md")
    args = parser.parse_args()
    section = table(args.sets.split(","), args.column, args.note)
    text = args.out.read_text(encoding="utf-8") if args.out.exists() else ""
    args.out.write_text(replace_section(text, section), encoding="utf-8")
    print("\n".join(section))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
