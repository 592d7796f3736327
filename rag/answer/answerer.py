"""Public entry points: answer a question from the index, with citations.

Thin wrappers over the answerers of :mod:`rag.answer.answerers`, built from the
index's configuration (:class:`~rag.answer.settings.AnswerSettings`) and services
(:class:`~rag.answer.services.Services`): extractive by default, the LLM (with its
extractive fallback and :data:`LLM_DOWN_NOTICE`) when ``llm_base_url`` is set.

:func:`stream_answer` yields text pieces as they are ready and then exactly one
:class:`~rag.data.Answer`, whose ``text`` is authoritative (after a fallback it
replaces what was streamed). :func:`answer` returns only that final answer.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from rag.answer.answerers import LLM_DOWN_NOTICE, Answerer, make_answerer, retrieve
from rag.answer.prompts import REFUSAL
from rag.answer.services import Services
from rag.answer.settings import AnswerSettings
from rag.data import Answer
from rag.errors import BackendError, InputError
from rag.index.filters import Where
from rag.index.index import Index

__all__ = [
    "LLM_DOWN_NOTICE",
    "REFUSAL",
    "Turn",
    "answer",
    "answer_json",
    "answerer_for",
    "retrieve",
    "stream_answer",
]


@dataclass(frozen=True)
class Turn:
    """One earlier exchange of a conversation."""

    question: str
    answer: str


def answerer_for(index: Index) -> Answerer:
    """The answerer the index's configuration asks for."""
    settings = AnswerSettings.from_config(index.cfg)
    return make_answerer(settings, Services.of(index, settings.retrieval))


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
    yield from answerer_for(index).stream(question, history, where)


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
