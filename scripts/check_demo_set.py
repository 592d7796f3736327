"""Validate the question sets over the demo corpus (``demo``, ``english``) against the indexed text.

Everything goes through the product's own code, so a gold answer is checked against
exactly the text ``rag ingest`` stores:

* questions are parsed and validated by :func:`rag.evaluation.qsets.read_questions`
  (the schema of ``eval/sets/README.md``; the first bad line stops the check);
* page text comes from :func:`rag.ingest.loaders.load` (the ingest loaders, with the
  configuration ``rag eval`` would use: ``rag.toml`` / ``RAG_*``, or ``--config``);
* ``must_contain`` strings are matched by :func:`rag.evaluation.qsets.check_must_contain`
  (:func:`rag.evaluation.answer_metrics.contains`: whitespace, digit script and case
  ignored).

On top of the schema, the rules of these sets: ``tags.type`` is a known type and
``tags.topic`` is set, follow-ups have history, answerable items have an answer and
1-2 ``must_contain`` strings, gold entries are a corpus file plus an indexed page,
``near-miss`` items are unanswerable and say in ``tags.near`` what the near fact is,
``year`` items are answerable, and every item of ``english.jsonl`` is tagged
``lang: en`` and asked with Latin letters.

Usage::

    .venv/bin/python scripts/check_demo_set.py                 # validate demo and english
    .venv/bin/python scripts/check_demo_set.py eval/sets/english.jsonl   # one set
    .venv/bin/python scripts/check_demo_set.py --where "17.6"  # list pages containing a string
"""

from __future__ import annotations

import argparse
import re
import sys
from collections import Counter
from pathlib import Path

from rag.config import Config, load_config
from rag.errors import RagError
from rag.evaluation.answer_metrics import contains
from rag.evaluation.metrics import Source
from rag.evaluation.qsets import Question, check_must_contain, read_questions
from rag.ingest.files import file_sha256
from rag.ingest.loaders import load

ROOT = Path(__file__).resolve().parents[1]
SETS = ("demo.jsonl", "english.jsonl")
TYPES = {
    "factoid",
    "number",
    "date",
    "list",
    "why",
    "multi-hop",
    "follow-up",
    "what-is",
    "year",
    "near-miss",
}


def page_texts(path: Path, cfg: Config | None = None) -> list[str]:
    """The indexed text of each page of a file, as the ingest loaders read it.

    Also used by ``scripts/corpus_src/demo_questions.py`` to place gold pages.
    """
    docs = load(path, file_sha256(path), cfg or load_config())
    return [page.text for doc in docs for page in doc.pages]


def indexed_pages(corpus: Path, cfg: Config) -> dict[Source, str]:
    """``{(file name, page): text}`` of every corpus file, as the ingest loaders read it."""
    texts: dict[Source, str] = {}
    for path in sorted(p for p in corpus.iterdir() if p.is_file()):
        texts.update({(path.name, n): t for n, t in enumerate(page_texts(path, cfg), start=1)})
    return texts


def demo_rules(q: Question, texts: dict[Source, str], lang: str = "") -> list[str]:
    """Breaches of the set's own rules (beyond the common schema) by one question.

    ``lang`` is the language every question of the set is tagged with (``en`` for
    ``english.jsonl``), or ``""`` when the set does not tag it.
    """
    errors = []
    kind = q.tags.get("type")
    if kind not in TYPES or not q.tags.get("topic"):
        errors.append(f"bad tags {q.tags}")
    if kind == "near-miss" and (q.answerable or not q.tags.get("near", "").strip()):
        errors.append("a near-miss is unanswerable and names its near fact in tags.near")
    if kind == "year" and not q.answerable:
        errors.append("a year question is answerable")
    if lang and q.tags.get("lang") != lang:
        errors.append(f"tags.lang should be {lang!r}")
    if lang == "en" and not re.search("[A-Za-z]{3}", q.question):
        errors.append("an English question has no English words")
    if q.tags.get("type") == "follow-up" and not q.history:
        errors.append("follow-up without history")
    if q.answerable and not q.answer.strip():
        errors.append("empty answer")
    if q.answerable and not 1 <= len(q.must_contain) <= 2:
        errors.append("must_contain should hold 1-2 strings")
    files = {name for name, _ in texts}
    for name, page in q.gold:
        if name not in files:
            errors.append(f"gold file {name} not in the corpus")
        elif page is None or (name, page) not in texts:
            pages = sum(f == name for f, _ in texts)
            errors.append(f"gold {name} page {page} is not an indexed page (1..{pages})")
    return errors


def validate(questions: list[Question], texts: dict[Source, str], lang: str = "") -> list[str]:
    """Every problem of the set, one line each (``lang``: see :func:`demo_rules`)."""
    errors = [f"{q.id}: {e}" for q in questions for e in demo_rules(q, texts, lang)]
    gold = {q.id: q.gold for q in questions}
    errors += [
        f"{qid}: {needle!r} not found on gold page(s) {list(gold[qid])}"
        for qid, needle in check_must_contain(questions, texts)
    ]
    return errors


def summary(questions: list[Question], files: set[str]) -> list[str]:
    """Counts by answerability, type and topic, and corpus files without questions."""
    types = Counter(q.tags.get("type", "") for q in questions)
    topics = Counter(q.tags.get("topic", "") for q in questions)
    gold_files = {name for q in questions for name, _ in q.gold}
    answerable = sum(q.answerable for q in questions)
    lines = [
        f"{len(questions)} questions: {answerable} answerable, "
        f"{len(questions) - answerable} unanswerable",
        f"types: {dict(sorted(types.items()))}",
        f"topics: {dict(sorted(topics.items()))}",
    ]
    if missing := sorted(files - gold_files):
        lines.append(f"corpus files without questions: {missing}")
    return lines


def check_file(path: Path, texts: dict[Source, str]) -> int:
    """Check one set file and print its summary; the number of errors."""
    print(f"== {path.name}")
    try:
        questions = read_questions(path)
    except (RagError, OSError) as exc:
        print("ERROR", exc)
        return 1
    errors = validate(questions, texts, "en" if path.stem == "english" else "")
    for e in errors:
        print("ERROR", e)
    print(*summary(questions, {name for name, _ in texts}), sep="\n")
    print("OK" if not errors else f"{len(errors)} errors")
    return len(errors)


def main(argv: list[str] | None = None) -> int:
    """Check the sets and print a summary of each; 1 when anything is wrong."""
    ap = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    ap.add_argument(
        "paths",
        nargs="*",
        type=Path,
        default=[ROOT / "eval" / "sets" / name for name in SETS],
        help="question files (default: demo.jsonl and english.jsonl)",
    )
    ap.add_argument("--corpus", type=Path, default=ROOT / "corpus", help="the demo documents")
    ap.add_argument("--config", type=Path, default=None, help="TOML config (default rag.toml)")
    ap.add_argument("--where", help="print the corpus pages whose text contains this string")
    args = ap.parse_args(argv)
    try:
        texts = indexed_pages(args.corpus, load_config(args.config))
    except RagError as exc:
        print("ERROR", exc)
        return 1
    if args.where:
        for name, page in sorted(k for k, text in texts.items() if contains(text, args.where)):
            print(f"{name} page {page}")
        return 0
    errors = sum(check_file(path, texts) for path in args.paths)
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
