"""Character error rate of PDF text extraction on real Thai PDFs.

For each constitution draft in ``../shared/pdfs`` this compares, against the
hand-cleaned ``*.cleaned.txt`` reference:

- ``raw``: pypdf ``page.extract_text()`` of every page, joined;
- ``repair-only``: the raw pages through :func:`rag.ingest.loaders.pdf.clean_page_text`
  (glyph repair and cleaning, but the running headers and page numbers that the
  PDF tags as pagination artifacts are kept);
- ``ours``: :func:`rag.ingest.loaders.pdf.extract_pdf` pages, joined;
- ``ours+headers``: ``ours`` after :func:`rag.ingest.headers.strip_running_lines`, the
  cross-page header/page-number removal that ingestion applies next.

CER = Levenshtein distance / reference length (rapidfuzz), after the same
normalisation of both sides: NFC, Thai digits to Arabic, ``ํา`` to ``ำ``, all
whitespace removed, dot leaders removed. Also counted in each output:
Private-Use-Area code points, U+FFFD, ``ํา`` and a consonant + space + ``า``.

Run from the repository root::

    .venv/bin/python eval/bench_extract.py [--shared ../shared]

Writes ``eval/reports/extract.json`` and ``eval/reports/extract.md``.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import time
import unicodedata
from collections import Counter
from pathlib import Path

from pypdf import PdfReader
from rapidfuzz.distance import Levenshtein

from rag.ingest.headers import strip_running_lines
from rag.ingest.loaders.pdf import clean_page_text, extract_pdf

ROOT = Path(__file__).resolve().parents[1]
FILES = ("constitution-draft-20160129", "constitution-draft-20160329")
TARGET_CER = 0.01
_THAI_DIGITS = str.maketrans("๐๑๒๓๔๕๖๗๘๙", "0123456789")
_WHITESPACE = re.compile(r"\s+")
_DOTS = re.compile(r"\.{2,}|…+")
_SPLIT_AM = re.compile("[ก-ฮ][\u0e48-\u0e4b]? \u0e32")


def bench_normalize(text: str) -> str:
    """The normalisation applied to both hypothesis and reference."""
    text = unicodedata.normalize("NFC", text).translate(_THAI_DIGITS)
    text = text.replace("\u0e4d\u0e32", "\u0e33")
    return _DOTS.sub("", _WHITESPACE.sub("", text))


def cer(hypothesis: str, reference: str) -> float:
    """Levenshtein distance over reference length, both normalised."""
    hyp, ref = bench_normalize(hypothesis), bench_normalize(reference)
    return Levenshtein.distance(hyp, ref) / max(len(ref), 1)


def defects(text: str) -> dict[str, int]:
    """Counts of the broken-Thai patterns the repair must remove."""
    return {
        "pua": sum(1 for ch in text if 0xE000 <= ord(ch) <= 0xF8FF),
        "fffd": text.count("\ufffd"),
        "nikhahit_aa": text.count("\u0e4d\u0e32"),
        "split_am": len(_SPLIT_AM.findall(text)),
    }


def top_edits(hypothesis: str, reference: str, n: int = 12) -> list[dict[str, object]]:
    """The most frequent edits turning the hypothesis into the reference."""
    hyp, ref = bench_normalize(hypothesis), bench_normalize(reference)
    counts: Counter[tuple[str, str, str]] = Counter()
    for op in Levenshtein.opcodes(hyp, ref):
        if op.tag != "equal":
            ours, theirs = hyp[op.src_start : op.src_end], ref[op.dest_start : op.dest_end]
            counts[(op.tag, ours[:40], theirs[:40])] += max(len(ours), len(theirs))
    return [
        {"op": op, "ours": a, "reference": b, "chars": c} for (op, a, b), c in counts.most_common(n)
    ]


def bench_file(pdf: Path, reference: str) -> dict[str, object]:
    """Measure raw pypdf, ours and ours + header removal on one PDF."""
    start = time.perf_counter()
    raw_pages = [page.extract_text() for page in PdfReader(pdf).pages]
    raw_s = time.perf_counter() - start
    raw = "\n".join(raw_pages)
    repaired = "\n".join(clean_page_text(page) for page in raw_pages)
    start = time.perf_counter()
    pages = extract_pdf(pdf, ocr="off").pages
    ours_s = time.perf_counter() - start
    ours = "\n".join(pages)
    stripped = "\n".join(strip_running_lines(pages))
    return {
        "file": pdf.name,
        "pages": len(pages),
        "reference_chars": len(bench_normalize(reference)),
        "cer": {
            "raw": cer(raw, reference),
            "repair-only": cer(repaired, reference),
            "ours": cer(ours, reference),
            "ours+headers": cer(stripped, reference),
        },
        "defects": {"raw": defects(raw), "ours": defects(ours)},
        "seconds": {"raw": round(raw_s, 2), "ours": round(ours_s, 2)},
        "top_residual_edits": top_edits(ours, reference),
    }


def markdown(results: list[dict[str, object]]) -> str:
    """The report as a Markdown table."""
    lines = [
        "# PDF extraction: character error rate on real Thai PDFs",
        "",
        "CER = Levenshtein distance / reference length; both sides NFC, Thai digits "
        "to Arabic, `ํา`→`ำ`, whitespace and dot leaders removed. "
        f"Target: ours ≤ {TARGET_CER:.1%}, 0 PUA, 0 `ํา`.",
        "",
        "| file | pages | ref chars | raw pypdf CER | repair-only CER | ours CER "
        "| ours+headers CER | PUA raw→ours | `ํา` raw→ours | split ำ raw→ours | s raw / ours |",
        "|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for r in results:
        c, d, s = r["cer"], r["defects"], r["seconds"]
        assert isinstance(c, dict) and isinstance(d, dict) and isinstance(s, dict)
        raw, ours = d["raw"], d["ours"]
        lines.append(
            f"| {r['file']} | {r['pages']} | {r['reference_chars']} | {c['raw']:.2%} "
            f"| {c['repair-only']:.2%} | {c['ours']:.2%} | {c['ours+headers']:.2%} "
            f"| {raw['pua']}→{ours['pua']} "
            f"| {raw['nikhahit_aa']}→{ours['nikhahit_aa']} "
            f"| {raw['split_am']}→{ours['split_am']} | {s['raw']} / {s['ours']} |"
        )
    lines += [
        "",
        "repair-only: our glyph repair and cleaning on pypdf's text, keeping the running "
        "header and page number (absent from the reference). ours: `extract_pdf`, which "
        "also leaves out text the PDF tags as pagination artifacts. ours+headers: then "
        "`rag.ingest.headers.strip_running_lines`, as ingestion does.",
        "",
        "## Largest residual edits (ours → reference)",
        "",
    ]
    for r in results:
        lines += [f"### {r['file']}", "", "| op | ours | reference | chars |", "|---|---|---|---|"]
        edits = r["top_residual_edits"]
        assert isinstance(edits, list)
        lines += [
            f"| {e['op']} | `{e['ours']}` | `{e['reference']}` | {e['chars']} |" for e in edits
        ]
        lines.append("")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    """Run the benchmark; exit status 1 when a file misses the target."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument(
        "--shared",
        type=Path,
        default=ROOT.parent / "shared",
        help="the shared data folder (default: ../shared)",
    )
    parser.add_argument("--out", type=Path, default=ROOT / "eval" / "reports")
    args = parser.parse_args(argv)
    folder = args.shared / "pdfs"
    if not folder.is_dir():
        sys.exit(
            f"bench_extract: {folder} not found; pass --shared PATH to the shared data "
            "folder (it holds pdfs/constitution-draft-*.pdf)"
        )
    results = []
    for stem in FILES:
        pdf, ref = folder / f"{stem}.pdf", folder / f"{stem}.cleaned.txt"
        if not pdf.is_file() or not ref.is_file():
            sys.exit(f"bench_extract: {pdf} or its .cleaned.txt reference is missing")
        results.append(bench_file(pdf, ref.read_text(encoding="utf-8")))
    args.out.mkdir(parents=True, exist_ok=True)
    (args.out / "extract.json").write_text(
        json.dumps({"target_cer": TARGET_CER, "results": results}, ensure_ascii=False, indent=2),
        encoding="utf-8",
    )
    report = markdown(results)
    (args.out / "extract.md").write_text(report + "\n", encoding="utf-8")
    print(report.split("\n## ")[0])
    print(f"written: {args.out / 'extract.json'}, {args.out / 'extract.md'}")
    ok = all(
        isinstance(r["cer"], dict)
        and r["cer"]["ours"] <= TARGET_CER
        and isinstance(r["defects"], dict)
        and r["defects"]["ours"]["pua"] == 0
        and r["defects"]["ours"]["nikhahit_aa"] == 0
        for r in results
    )
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
