"""Public entry points: answer a question from the index, with citations.

Two modes, picked by the configuration:

- **extractive** (default, ``llm_base_url`` empty): the best sentences of the
  retrieved passages (:mod:`rag.answer.extractive`); follow-ups are resolved by a rule
  (:mod:`rag.answer.followup`). ``rag.answer.llm`` is never imported.
- **LLM** (``llm_base_url`` set): ``rag.answer.llm`` rewrites follow-ups and generates a
  cited answer from the retrieved passages. When the endpoint fails, before or
  while streaming, the extractive answer from the same passages is given instead,
  with :data:`LLM_DOWN_NOTICE`.

:func:`stream_answer` yields text pieces as they are ready and then exactly one
:class:`~rag.data.Answer`, whose ``text`` is authoritative (after a fallback it
replaces what was streamed). :func:`answer` returns only that final answer.
"""

from __future__ import annotations

import dataclasses
import logging
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from rag.answer.extractive import extract
from rag.answer.followup import Resolved, prefer, quoted_docs, resolve, rewrite
from rag.answer.prompts import REFUSAL
from rag.data import Answer, Hit
from rag.errors import BackendError, InputError
from rag.index.filters import Where
from rag.index.index import Index
from rag.search.retriever import retriever_for
from rag.search.settings import RetrievalSettings

logger = logging.getLogger(__name__)

LLM_DOWN_NOTICE = (
    "⚠️ ระบบ LLM ไม่ตอบสนอง จึงแสดงคำตอบจากการสกัดข้อความแทน / "
    "LLM endpoint unavailable; showing the extractive answer"
)
FOLLOWUP_DEPTH = 3

__all__ = [
    "LLM_DOWN_NOTICE",
    "REFUSAL",
    "Turn",
    "answer",
    "answer_json",
    "retrieve",
    "stream_answer",
]


@dataclass(frozen=True)
class Turn:
    """One earlier exchange of a conversation."""

    question: str
    answer: str


def retrieve(
    resolved: Resolved,
    index: Index,
    history: Sequence[Turn] = (),
    where: Where | None = None,
) -> tuple[list[Hit], list[float]]:
    """Retrieve the passages for a resolved question.

    The query is embedded once and the vector reused for scoring sentences. For a
    follow-up, a deeper list is fetched and the documents the previous answer
    quoted come first.

    Returns:
        ``cfg.retrieval_k`` hits and the query embedding.
    """
    settings = RetrievalSettings.from_config(index.cfg)
    k = settings.k
    vector = index.embedder.get_query_embedding(resolved.query)
    retriever = retriever_for(index, settings)
    if not (resolved.followup and history):
        return retriever.search(resolved.query, k, where, embedding=vector), vector
    hits = retriever.search(resolved.query, k * FOLLOWUP_DEPTH, where, embedding=vector)
    return prefer(hits, quoted_docs(history[-1].answer, index.bm25), k), vector


def _extractive(
    resolved: Resolved,
    index: Index,
    *,
    history: Sequence[Turn],
    where: Where | None,
    timings: dict[str, float],
) -> Answer:
    started = time.perf_counter()
    hits, vector = retrieve(resolved, index, history, where)
    timings["retrieve"] = time.perf_counter() - started
    started = time.perf_counter()
    ans = extract(resolved.query, hits, index, vector)
    timings["answer"] = time.perf_counter() - started
    logger.debug("extractive answer via %r", resolved.query)
    return ans


def _finish(ans: Answer, timings: dict[str, float], started: float) -> Answer:
    timings["total"] = time.perf_counter() - started
    merged = {name: round(value, 4) for name, value in timings.items()}
    return dataclasses.replace(ans, timings={**merged, **ans.timings})


def stream_answer(
    question: str,
    index: Index,
    history: Sequence[Turn] = (),
    where: Where | None = None,
) -> Iterator[str | Answer]:
    """Answer ``question``, yielding text pieces and then the final :class:`Answer`.

    Args:
        question: The user's question (Thai or English).
        index: An open index.
        history: Earlier turns of the conversation, oldest first.
        where: Metadata filter for retrieval (see :func:`rag.index.filters.check_where`).

    Yields:
        Text pieces, then exactly one ``Answer`` (its ``text`` is the full text).

    Raises:
        InputError: The question is empty.
    """
    if not question.strip():
        raise InputError("question", "กรุณาพิมพ์คำถาม", "the question is empty")
    started = time.perf_counter()
    if not index.cfg.llm_base_url:
        timings: dict[str, float] = {}
        resolved = resolve(question, history)
        ans = _extractive(resolved, index, history=history, where=where, timings=timings)
        yield ans.text
        yield _finish(ans, timings, started)
        return
    yield from _stream_llm(question, index, history=history, where=where, started=started)


def _stream_llm(
    question: str,
    index: Index,
    *,
    history: Sequence[Turn],
    where: Where | None,
    started: float,
) -> Iterator[str | Answer]:
    from rag.answer.llm import llm_stream

    timings: dict[str, float] = {}
    resolved = rewrite(question, history, index.cfg)
    timings["rewrite"] = time.perf_counter() - started
    began = time.perf_counter()
    hits, vector = retrieve(resolved, index, history, where)
    timings["retrieve"] = time.perf_counter() - began
    began = time.perf_counter()
    try:
        for item in llm_stream(question, hits, index.cfg, index.embeddings, history):
            if isinstance(item, Answer):
                timings["answer"] = time.perf_counter() - began
                cited = tuple(
                    dataclasses.replace(c, source=index.source_of(c.doc_id)) for c in item.citations
                )
                yield _finish(dataclasses.replace(item, citations=cited), timings, started)
                return
            yield item
        raise BackendError(index.cfg.llm_base_url, "ระบบ LLM ไม่ส่งคำตอบ", "no final answer")
    except BackendError as exc:
        logger.warning("LLM failed, falling back to the extractive answer: %s", exc)
    began = time.perf_counter()
    ans = dataclasses.replace(extract(resolved.query, hits, index, vector), notice=LLM_DOWN_NOTICE)
    timings["answer"] = time.perf_counter() - began
    yield ans.text
    yield _finish(ans, timings, started)


def answer(
    question: str,
    index: Index,
    history: Sequence[Turn] = (),
    where: Where | None = None,
) -> Answer:
    """The final answer of :func:`stream_answer`.

    >>> REFUSAL
    'ไม่พบข้อมูลนี้ในเอกสารที่มีอยู่'
    """
    final: Answer | None = None
    for item in stream_answer(question, index, history, where):
        if isinstance(item, Answer):
            final = item
    if final is None:  # stream_answer always ends with an Answer
        raise BackendError("answer", "ไม่ได้รับคำตอบ", "the answer stream ended without an answer")
    return final


def answer_json(ans: Answer, qid: str | None = None) -> dict[str, Any]:
    """The JSON form of an answer (CLI ``--json``, batch lines, the web API).

    >>> from rag.data import Citation
    >>> c = Citation(1, "d1", "ประวัติ", "a.md", 1, "c1", "สสส. ก่อตั้งปี 2544", 0, 19, 0.9)
    >>> row = answer_json(Answer("สสส. ก่อตั้งปี 2544 [1]", (c,), 0.8, False), "q1")
    >>> row["citations"][0]["quote"], row["refused"]
    ('สสส. ก่อตั้งปี 2544', False)
    """
    return {
        "qid": qid,
        "text": ans.text,
        "refused": ans.refused,
        "confidence": round(ans.confidence, 4),
        "notice": ans.notice,
        "timings": dict(ans.timings),
        "citations": [
            {
                "n": c.n,
                "doc_id": c.doc_id,
                "title": c.title,
                "page": c.page,
                "chunk_id": c.chunk_id,
                "quote": c.quote,
                "start": c.start,
                "end": c.end,
                "score": round(c.score, 6),
                "source": c.source,
            }
            for c in ans.citations
        ],
    }
