"""Validate the demo question set (``eval/sets/demo.jsonl``) against the rendered ``corpus/``.

Checks, for every line:

* it is a JSON object with the schema documented in ``eval/sets/README.md``;
* ids are unique, ``tags.type`` is a known type, ``history`` turns are well formed;
* answerable items have 1+ gold entries and 1-2 ``must_contain`` strings; unanswerable
  items have ``gold == []`` and ``must_contain == []``;
* every gold file exists in ``corpus/`` and every gold page is within the document
  (PDF: 1-based page index; other formats: page 1);
* every ``must_contain`` string occurs in the extracted text of at least one gold page.
  Text is extracted with pypdf (PDF), python-docx (DOCX), tag stripping (HTML) or read
  as UTF-8 (MD/TXT). A line break inside the string is tolerated (PDF lines wrap).

Usage::

    .venv/bin/python scripts/check_demo_set.py                 # validate, exit 1 on errors
    .venv/bin/python scripts/check_demo_set.py --where "17.6"  # list pages containing a string
"""

from __future__ import annotations

import argparse
import html
import json
import re
import sys
from collections import Counter
from functools import cache
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT / "corpus"
DEMO = ROOT / "eval" / "sets" / "demo.jsonl"
TYPES = {"factoid", "number", "date", "list", "why", "multi-hop", "follow-up"}
KEYS = {"id", "question", "answerable", "gold", "answer", "must_contain", "tags", "history"}


@cache
def _page_texts(path_str: str) -> tuple[str, ...]:
    path = Path(path_str)
    suffix = path.suffix.lower()
    if suffix == ".pdf":
        from pypdf import PdfReader

        return tuple(page.extract_text() or "" for page in PdfReader(path).pages)
    if suffix == ".docx":
        import docx

        d = docx.Document(str(path))
        parts = [p.text for p in d.paragraphs]
        for table in d.tables:
            for row in table.rows:
                parts.append(" ".join(cell.text for cell in row.cells))
        return ("\n".join(parts),)
    if suffix in (".html", ".htm"):
        raw = path.read_text(encoding="utf-8")
        raw = re.sub(r"(?is)<(script|style)\b.*?</\1>", " ", raw)
        return (html.unescape(re.sub(r"<[^>]+>", " ", raw)),)
    return (path.read_text(encoding="utf-8"),)


def page_texts(path: Path) -> list[str]:
    """Extracted text of each page (one entry for non-PDF formats)."""
    return list(_page_texts(str(path)))


def contains(text: str, needle: str) -> bool:
    """Substring test tolerant of PDF line wrapping (newline read as nothing or a space)."""
    if needle in text:
        return True
    if needle in text.replace("\n", " ") or needle in text.replace("\n", ""):
        return True
    squash = re.sub(r"\s+", " ", text)
    return needle in squash


def validate(path: Path) -> tuple[list[str], list[dict]]:
    errors: list[str] = []
    items: list[dict] = []
    seen: set[str] = set()
    for lineno, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip():
            continue
        where = f"line {lineno}"
        try:
            obj = json.loads(line)
        except json.JSONDecodeError as exc:
            errors.append(f"{where}: invalid JSON ({exc})")
            continue
        if not isinstance(obj, dict) or set(obj) != KEYS:
            errors.append(f"{where}: keys {sorted(obj) if isinstance(obj, dict) else type(obj)}")
            continue
        where = f"{obj['id']} (line {lineno})"
        items.append(obj)
        if obj["id"] in seen:
            errors.append(f"{where}: duplicate id")
        seen.add(obj["id"])
        if not isinstance(obj["question"], str) or not obj["question"].strip():
            errors.append(f"{where}: empty question")
        if not isinstance(obj["answer"], str) or not obj["answer"].strip():
            errors.append(f"{where}: empty answer")
        tags = obj["tags"]
        if not isinstance(tags, dict) or tags.get("type") not in TYPES or not tags.get("topic"):
            errors.append(f"{where}: bad tags {tags}")
        hist = obj["history"]
        if not isinstance(hist, list) or any(
            not isinstance(t, dict) or set(t) != {"question", "answer"} for t in hist
        ):
            errors.append(f"{where}: bad history")
        if tags.get("type") == "follow-up" and not hist:
            errors.append(f"{where}: follow-up without history")
        must = obj["must_contain"]
        gold = obj["gold"]
        if obj["answerable"] is True:
            if not gold:
                errors.append(f"{where}: answerable without gold")
            if not (isinstance(must, list) and 1 <= len(must) <= 2):
                errors.append(f"{where}: must_contain should hold 1-2 strings")
        elif obj["answerable"] is False:
            if gold or must:
                errors.append(f"{where}: unanswerable must have empty gold and must_contain")
        else:
            errors.append(f"{where}: answerable must be true/false")
        pages: list[str] = []
        for g in gold:
            if not isinstance(g, dict) or set(g) != {"file", "page"}:
                errors.append(f"{where}: bad gold entry {g}")
                continue
            f = CORPUS / g["file"]
            if not f.is_file():
                errors.append(f"{where}: gold file {g['file']} not in corpus/")
                continue
            texts = page_texts(f)
            if not (isinstance(g["page"], int) and 1 <= g["page"] <= len(texts)):
                errors.append(f"{where}: page {g['page']} out of range 1..{len(texts)}")
                continue
            pages.append(texts[g["page"] - 1])
        for s in must if isinstance(must, list) else []:
            if not isinstance(s, str) or not s:
                errors.append(f"{where}: bad must_contain {s!r}")
            elif pages and not any(contains(p, s) for p in pages):
                errors.append(f"{where}: {s!r} not found on gold page(s) {gold}")
    return errors, items


def where_is(needle: str) -> None:
    for f in sorted(CORPUS.iterdir()):
        if f.is_file():
            for i, text in enumerate(page_texts(f), 1):
                if contains(text, needle):
                    print(f"{f.name} page {i}")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("path", nargs="?", type=Path, default=DEMO)
    ap.add_argument("--where", help="print the corpus pages whose text contains this string")
    args = ap.parse_args(argv)
    if args.where:
        where_is(args.where)
        return 0
    errors, items = validate(args.path)
    for e in errors:
        print("ERROR", e)
    types = Counter(i["tags"]["type"] for i in items)
    topics = Counter(i["tags"]["topic"] for i in items)
    files = Counter(g["file"] for i in items for g in i["gold"])
    n_ans = sum(i["answerable"] for i in items)
    print(f"{len(items)} questions: {n_ans} answerable, {len(items) - n_ans} unanswerable")
    print("types:", dict(sorted(types.items())))
    print("topics:", dict(sorted(topics.items())))
    missing = sorted(p.name for p in CORPUS.iterdir() if p.is_file() and p.name not in files)
    if missing:
        print("corpus files without questions:", missing)
    print("OK" if not errors else f"{len(errors)} errors")
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
