"""``rag search``: one query with highlighted snippets, or a JSONL batch."""

from __future__ import annotations

import argparse
import dataclasses
import json
import sys
from pathlib import Path
from typing import Any, TextIO, get_args

from rag.cli.common import add_filter_argument, config_from_args, parse_filters
from rag.cli.terminal import safe
from rag.config import RetrievalMode
from rag.errors import InputError
from rag.index.filters import Where
from rag.index.index import Index
from rag.search.highlight import mark, snippet
from rag.search.retriever import HybridRetriever, retriever_for
from rag.search.settings import RetrievalSettings


def read_queries(path: Path) -> list[dict[str, Any]]:
    """``{"qid", "question"}`` lines of a JSONL file.

    Raises:
        InputError: A line is not JSON or lacks ``qid``/``question``.
    """
    rows = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip():
            continue
        try:
            row = json.loads(line)
            rows.append({"qid": str(row["qid"]), "question": str(row["question"]), **row})
        except (json.JSONDecodeError, KeyError, TypeError) as exc:
            raise InputError(
                f"{path.name}:{number}",
                "บรรทัดคำถามต้องมี qid และ question",
                f"line {number} needs JSON with qid and question ({exc})",
            ) from exc
    return rows


def _write_batch(
    retriever: HybridRetriever, rows: list[dict[str, Any]], k: int, where: Where | None, out: TextIO
) -> None:
    for row in rows:
        hits = retriever.search(row["question"], k, where)
        out.write(
            json.dumps({"qid": row["qid"], "hits": [h.to_json() for h in hits]}, ensure_ascii=False)
            + "\n"
        )


def cmd_search(args: argparse.Namespace) -> int:
    """Run one query or a batch."""
    cfg = config_from_args(args)
    where = parse_filters(args.filter)
    index = Index(cfg)
    try:
        settings = RetrievalSettings.from_config(cfg)
        retriever = retriever_for(index, dataclasses.replace(settings, mode=args.mode, k=args.k))
        if args.batch:
            rows = read_queries(Path(args.batch))
            if args.out:
                with open(args.out, "w", encoding="utf-8") as out:
                    _write_batch(retriever, rows, args.k, where, out)
            else:
                _write_batch(retriever, rows, args.k, where, sys.stdout)
            return 0
        if not args.query:
            raise InputError("query", "กรุณาพิมพ์คำค้น", "give a query or --batch FILE")
        hits = retriever.search(args.query, args.k, where)
    finally:
        index.close()
    if args.json:
        print(json.dumps([h.to_json() for h in hits], ensure_ascii=False, indent=1))
        return 0
    if not hits:
        print("ไม่พบผลลัพธ์ / no results")
    tty = sys.stdout.isatty()
    for rank, hit in enumerate(hits, start=1):
        start, end = snippet(hit.chunk.text, args.query)
        text = safe(hit.chunk.text[start:end]).replace("\n", " ")
        shown = mark(text, args.query, "\033[1;33m", "\033[0m") if tty else mark(text, args.query)
        print(f"{rank}. {safe(hit.title)} — หน้า/page {hit.chunk.page}  [{hit.via} {hit.score:.4f}]")
        print(f"   {'…' if start else ''}{shown}{'…' if end < len(hit.chunk.text) else ''}")
    return 0


def add_search_parser(sub: Any, common: argparse.ArgumentParser) -> None:
    """Register ``rag search``."""
    p = sub.add_parser("search", parents=[common], help="ranked passages for a query")
    p.add_argument("query", nargs="?", help="the question (Thai or English)")
    p.add_argument("--k", type=int, default=5, help="number of hits (default 5)")
    p.add_argument("--mode", choices=get_args(RetrievalMode), default="hybrid")
    add_filter_argument(p)
    p.add_argument("--batch", metavar="FILE.jsonl", help='{"qid", "question"} lines')
    p.add_argument("--out", help="write batch results here instead of stdout")
    p.add_argument("--json", action="store_true", help="JSON output")
    p.set_defaults(func=cmd_search)
