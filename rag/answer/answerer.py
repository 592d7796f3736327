"""The two answerers behind one interface: extractive, and an LLM that falls back to it.

Both implement :class:`Answerer`: :meth:`Answerer.stream` yields text pieces as they
are ready and then exactly one :class:`~rag.data.Answer`, whose ``text`` is
authoritative. They get their :class:`~rag.answer.settings.AnswerSettings` and
:class:`~rag.answer.services.Services` explicitly (nothing reads the index's config).

- :class:`ExtractiveAnswerer`: the best sentences of the retrieved passages
  (:mod:`rag.answer.extractive`); follow-ups are resolved by a rule
  (:mod:`rag.answer.followup`). ``rag.answer.llm`` is never imported.
- :class:`LlmAnswerer`: ``rag.answer.llm`` rewrites follow-ups and generates a
  cited answer. It wraps an extractive answerer: when the endpoint fails, before
  or while streaming, that one answers from the same passages, with
  :data:`LLM_DOWN_NOTICE`.
"""

from __future__ import annotations

import dataclasses
import logging
import time
from collections.abc import Iterator, Sequence
from typing import TYPE_CHECKING, Protocol

import numpy as np

from rag.answer.extractive import extract
from rag.answer.followup import Resolved, prefer, quoted_docs, resolve, rewrite
from rag.answer.question import checked_question
from rag.answer.services import Services
from rag.answer.settings import AnswerSettings
from rag.data import Answer, Hit
from rag.errors import BackendError
from rag.index.filters import Where

if TYPE_CHECKING:
    from rag.data import Turn

logger = logging.getLogger(__name__)

LLM_DOWN_NOTICE = (
    "⚠️ ระบบ LLM ไม่ตอบสนอง จึงแสดงคำตอบจากการสกัดข้อความแทน / "
    "LLM endpoint unavailable; showing the extractive answer"
)
FOLLOWUP_DEPTH = 3


class Answerer(Protocol):
    """Answers questions from an index, streaming."""

    def stream(
        self, question: str, history: Sequence[Turn] = (), where: Where | None = None
    ) -> Iterator[str | Answer]:
        """Yield text pieces, then exactly one ``Answer`` (its ``text`` is the full text).

        Args:
            question: The user's question (Thai or English).
            history: Earlier turns of the conversation, oldest first.
            where: Metadata filter for retrieval (see :func:`rag.index.filters.check_where`).

        Raises:
            InputError: The question is empty once control characters are removed.
            TooLargeError: It is over ``max_question_chars`` or the embedder's window
                (see :mod:`rag.answer.question`).
        """
        ...


def retrieve(
    resolved: Resolved,
    services: Services,
    history: Sequence[Turn] = (),
    where: Where | None = None,
) -> tuple[list[Hit], np.ndarray]:
    """Retrieve the passages for a resolved question.

    The query is embedded once and the vector reused for scoring sentences. For a
    follow-up, a deeper list is fetched and the documents the previous answer
    quoted come first.

    Returns:
        The retriever's ``k`` hits and the query embedding.
    """
    retriever = services.retriever
    k = retriever.settings.k
    vector = services.embeddings.query(resolved.query)
    embedding = [float(x) for x in vector]
    if not (resolved.followup and history):
        return retriever.search(resolved.query, k, where, embedding=embedding), vector
    hits = retriever.search(resolved.query, k * FOLLOWUP_DEPTH, where, embedding=embedding)
    return prefer(hits, quoted_docs(history[-1].answer, services.bm25), k), vector


def _finish(ans: Answer, timings: dict[str, float], started: float) -> Answer:
    timings["total"] = time.perf_counter() - started
    merged = {name: round(value, 4) for name, value in timings.items()}
    return dataclasses.replace(ans, timings={**merged, **ans.timings})


class ExtractiveAnswerer:
    """Extractive answers (see the module doc).

    Args:
        settings: Length budget, refusal threshold, retrieval.
        services: Retriever, BM25, embeddings and source files of the index.
    """

    def __init__(self, settings: AnswerSettings, services: Services) -> None:
        self.settings = settings
        self.services = services

    def answer_from(
        self, query: str, hits: Sequence[Hit], vector: Sequence[float] | np.ndarray
    ) -> Answer:
        """The extractive answer to ``query`` from passages already retrieved."""
        return extract(query, hits, vector, self.services, self.settings)

    def stream(
        self, question: str, history: Sequence[Turn] = (), where: Where | None = None
    ) -> Iterator[str | Answer]:
        """See :meth:`Answerer.stream`."""
        question = checked_question(
            question, self.settings.max_question_chars, self.services.embeddings
        )
        started = time.perf_counter()
        timings: dict[str, float] = {}
        resolved = resolve(question, history)
        began = time.perf_counter()
        hits, vector = retrieve(resolved, self.services, history, where)
        timings["retrieve"] = time.perf_counter() - began
        began = time.perf_counter()
        ans = self.answer_from(resolved.query, hits, vector)
        timings["answer"] = time.perf_counter() - began
        logger.debug("extractive answer via %r", resolved.query)
        yield ans.text
        yield _finish(ans, timings, started)


class LlmAnswerer:
    """Generated answers, the extractive one when the endpoint fails (see the module doc).

    Args:
        settings: The endpoint and retrieval.
        services: Retriever, BM25, embeddings and source files of the index.
        fallback: Answers when the endpoint fails, from the same passages.
    """

    def __init__(
        self, settings: AnswerSettings, services: Services, fallback: ExtractiveAnswerer
    ) -> None:
        self.settings = settings
        self.services = services
        self.fallback = fallback

    def stream(
        self, question: str, history: Sequence[Turn] = (), where: Where | None = None
    ) -> Iterator[str | Answer]:
        """See :meth:`Answerer.stream`."""
        from rag.answer.llm import llm_stream

        question = checked_question(
            question, self.settings.max_question_chars, self.services.embeddings
        )
        started = time.perf_counter()
        llm, services = self.settings.llm, self.services
        timings: dict[str, float] = {}
        resolved = rewrite(question, history, llm)
        timings["rewrite"] = time.perf_counter() - started
        began = time.perf_counter()
        hits, vector = retrieve(resolved, services, history, where)
        timings["retrieve"] = time.perf_counter() - began
        began = time.perf_counter()
        try:
            for item in llm_stream(question, hits, llm, services.embeddings, history):
                if isinstance(item, Answer):
                    timings["answer"] = time.perf_counter() - began
                    cited = tuple(
                        dataclasses.replace(c, source=services.source_of(c.doc_id))
                        for c in item.citations
                    )
                    yield _finish(dataclasses.replace(item, citations=cited), timings, started)
                    return
                yield item
            raise BackendError(llm.base_url, "ระบบ LLM ไม่ส่งคำตอบ", "no final answer")
        except BackendError as exc:
            logger.warning("LLM failed, falling back to the extractive answer: %s", exc)
        began = time.perf_counter()
        ans = self.fallback.answer_from(resolved.query, hits, vector)
        ans = dataclasses.replace(ans, notice=LLM_DOWN_NOTICE)
        timings["answer"] = time.perf_counter() - began
        yield ans.text
        yield _finish(ans, timings, started)


def make_answerer(settings: AnswerSettings, services: Services) -> Answerer:
    """The extractive answerer, wrapped by the LLM one when an endpoint is configured."""
    extractive = ExtractiveAnswerer(settings, services)
    if not settings.llm.base_url:
        return extractive
    return LlmAnswerer(settings, services, extractive)
