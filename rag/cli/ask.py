"""``rag ask``: answer one question with numbered sources, or a JSONL batch.

Plain output shows the answer (a refusal is marked 🚫), the confidence, any
notice, and the numbered sources with title, page and quote. ``--json`` prints
:func:`answer_json`. ``--batch FILE.jsonl`` answers
``{"qid", "question", "history"?}`` lines (``history``: a list of
``{"question", "answer"}``, oldest first) with the models loaded once, one JSON
answer per line.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any, TextIO

from rag.answer.ask import answer, stream_answer
from rag.cli.common import add_filter_argument, config_from_args, parse_filters
from rag.cli.search import read_queries
from rag.cli.terminal import safe
from rag.data import Answer, Turn
from rag.errors import InputError
from rag.index.filters import Where
from rag.index.index import Index

QUOTE_CHARS = 200


def parse_history(row: dict[str, Any], where: str) -> list[Turn]:
    """The ``history`` of a batch line as turns.

    >>> parse_history({"history": [{"question": "ถาม", "answer": "ตอบ"}]}, "q1")
    [Turn(question='ถาม', answer='ตอบ')]

    Raises:
        InputError: ``history`` is not a list of ``{"question", "answer"}``.
    """
    raw = row.get("history") or []
    try:
        return [Turn.from_json(t) for t in raw]
    except (KeyError, TypeError) as exc:
        raise InputError(
            where,
            "history ต้องเป็นรายการของ {question, answer}",
            f"history must be a list of {{question, answer}} objects ({exc})",
        ) from exc


def answer_json(ans: Answer, qid: str | None = None) -> dict[str, Any]:
    """The JSON form of an answer for ``--json`` and batch lines: ``qid``, then the answer's.

    >>> answer_json(Answer("ไม่พบข้อมูล", (), 0.12345, True), "q1")["confidence"]
    0.1235
    """
    return {"qid": qid, **ans.to_json()}


def _batch(index: Index, rows: list[dict[str, Any]], where: Where | None, out: TextIO) -> None:
    for row in rows:
        history = parse_history(row, row["qid"])
        ans = answer(row["question"], index, history, where)
        out.write(json.dumps(answer_json(ans, row["qid"]), ensure_ascii=False) + "\n")
        out.flush()


def _flat(text: str, limit: int = QUOTE_CHARS) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= limit else flat[: limit - 1] + "…"


def render(ans: Answer, streamed: str = "") -> list[str]:
    """Plain-text lines of an answer; ``streamed`` is what was already printed live."""
    lines: list[str] = []
    if ans.refused:
        lines.append(f"🚫 {ans.text} / no answer found in the documents")
    elif streamed != ans.text:
        lines.append(ans.text)
    if ans.notice:
        lines.append(ans.notice)
    lines.append(f"(ความมั่นใจ / confidence {ans.confidence:.2f})")
    if ans.citations:
        heading = "แหล่งที่ใกล้เคียงที่สุด / closest sources" if ans.refused else "แหล่งที่มา / sources"
        lines += ["", f"{heading}:"]
        for c in ans.citations:
            lines.append(f"[{c.n}] {c.title} — หน้า/page {c.page}")
            lines.append(f"    “{_flat(c.quote)}”")
    return lines


def _ask_one(index: Index, question: str, where: Where | None, as_json: bool) -> None:
    if as_json or not index.cfg.llm_base_url:
        ans = answer(question, index, where=where)
        if as_json:
            print(json.dumps(answer_json(ans), ensure_ascii=False, indent=1))
            return
        print(safe("\n".join(render(ans))))
        return
    shown: list[str] = []
    final: Answer | None = None
    for item in stream_answer(question, index, where=where):
        if isinstance(item, Answer):
            final = item
        else:
            print(safe(item), end="", flush=True)
            shown.append(item)
    print()
    if final is not None:
        print(safe("\n".join(render(final, "".join(shown)))))


def cmd_ask(args: argparse.Namespace) -> int:
    """Answer one question or a batch."""
    cfg = config_from_args(args)
    if args.llm:
        cfg = cfg.with_(llm_base_url=args.llm)
    if args.k is not None:
        cfg = cfg.with_(retrieval_k=args.k)
    where = parse_filters(args.filter)
    index = Index(cfg)
    try:
        if args.batch:
            rows = read_queries(Path(args.batch))
            if args.out:
                with open(args.out, "w", encoding="utf-8") as out:
                    _batch(index, rows, where, out)
            else:
                _batch(index, rows, where, sys.stdout)
            return 0
        if not args.question or not args.question.strip():
            raise InputError("question", "กรุณาพิมพ์คำถาม", "give a question or --batch FILE")
        _ask_one(index, args.question, where, args.json)
    finally:
        index.close()
    return 0


def add_ask_parser(sub: Any, common: argparse.ArgumentParser) -> None:
    """Register ``rag ask``."""
    p = sub.add_parser("ask", parents=[common], help="answer a question with cited sources")
    p.add_argument("question", nargs="?", help="the question (Thai or English)")
    p.add_argument("--llm", metavar="URL", help="OpenAI-compatible endpoint for this call")
    p.add_argument("--k", type=int, default=None, help="passages retrieved (default retrieval_k)")
    add_filter_argument(p)
    p.add_argument("--batch", metavar="FILE.jsonl", help='{"qid", "question", "history"?} lines')
    p.add_argument("--out", help="write batch answers here instead of stdout")
    p.add_argument("--json", action="store_true", help="JSON output (batches always are)")
    p.set_defaults(func=cmd_ask)
