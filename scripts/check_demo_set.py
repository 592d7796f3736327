"""Validate the demo question set (``eval/sets/demo.jsonl``) against the text the product indexes.

Everything goes through the product's own code, so a gold answer is checked against
exactly the text ``rag ingest`` stores:

* questions are parsed and validated by :func:`rag.evaluation.qsets.read_questions`
  (the schema of ``eval/sets/README.md``; the first bad line stops the check);
* page text comes from :func:`rag.ingest.loaders.load` (the ingest loaders, with the
  configuration ``rag eval`` would use: ``rag.toml`` / ``RAG_*``, or ``--config``);
* ``must_contain`` strings are matched by :func:`rag.evaluation.qsets.check_must_contain`
  (:func:`rag.evaluation.answer_metrics.contains`: whitespace, digit script and case
  ignored).

On top of the schema, the demo set's own rules: ``tags.type`` is a known type and
``tags.topic`` is set, follow-ups have history, answerable items have an answer and
1-2 ``must_contain`` strings, and gold entries are a corpus file plus an indexed page.

Usage::

    .venv/bin/python scripts/check_demo_set.py                 # validate, exit 1 on errors
    .venv/bin/python scripts/check_demo_set.py --where "17.6"  # list pages containing a string
"""

from __future__ import annotations

import argparse
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
TYPES = {"factoid", "number", "date", "list", "why", "multi-hop", "follow-up"}


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


def demo_rules(q: Question, texts: dict[Source, str]) -> list[str]:
    """Breaches of the demo set's own rules (beyond the common schema) by one question."""
    errors = []
    if q.tags.get("type") not in TYPES or not q.tags.get("topic"):
        errors.append(f"bad tags {q.tags}")
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


def validate(questions: list[Question], texts: dict[Source, str]) -> list[str]:
    """Every problem of the set, one line each."""
    errors = [f"{q.id}: {e}" for q in questions for e in demo_rules(q, texts)]
    gold = {q.id: q.gold for q in questions}
    errors += [
        f"{qid}: {needle!r} not found on gold page(s) {list(gold[qid])}"
        for qid, needle in check_must_contain(questions, texts)
    ]
    return errors


def main(argv: list[str] | None = None) -> int:
    """Check the set and print a summary; 1 when anything is wrong."""
    ap = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    ap.add_argument("path", nargs="?", type=Path, default=ROOT / "eval" / "sets" / "demo.jsonl")
    ap.add_argument("--corpus", type=Path, default=ROOT / "corpus", help="the demo documents")
    ap.add_argument("--config", type=Path, default=None, help="TOML config (default rag.toml)")
    ap.add_argument("--where", help="print the corpus pages whose text contains this string")
    args = ap.parse_args(argv)
    try:
        texts = indexed_pages(args.corpus, load_config(args.config))
        if args.where:
            for name, page in sorted(k for k, text in texts.items() if contains(text, args.where)):
                print(f"{name} page {page}")
            return 0
        questions = read_questions(args.path)
    except RagError as exc:
        print("ERROR", exc)
        return 1
    errors = validate(questions, texts)
    for e in errors:
        print("ERROR", e)
    types = Counter(q.tags.get("type", "") for q in questions)
    topics = Counter(q.tags.get("topic", "") for q in questions)
    gold_files = {name for q in questions for name, _ in q.gold}
    answerable = sum(q.answerable for q in questions)
    print(
        f"{len(questions)} questions: {answerable} answerable, "
        f"{len(questions) - answerable} unanswerable"
    )
    print("types:", dict(sorted(types.items())))
    print("topics:", dict(sorted(topics.items())))
    if missing := sorted({name for name, _ in texts} - gold_files):
        print("corpus files without questions:", missing)
    print("OK" if not errors else f"{len(errors)} errors")
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
