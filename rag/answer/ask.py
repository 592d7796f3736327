"""Public entry points: answer a question from the index, with citations.

Thin wrappers over the answerers of :mod:`rag.answer.answerer`, built from the
index's configuration (:class:`~rag.answer.settings.AnswerSettings`) and services
(:class:`~rag.answer.services.Services`): extractive by default, the LLM (with its
extractive fallback and :data:`LLM_DOWN_NOTICE`) when ``llm_base_url`` is set.

:func:`stream_answer` yields text pieces as they are ready and then exactly one
:class:`~rag.data.Answer`, whose ``text`` is authoritative (after a fallback it
replaces what was streamed). :func:`answer` returns only that final answer.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence

from rag.answer.answerer import LLM_DOWN_NOTICE, Answerer, make_answerer, retrieve
from rag.answer.prompts import REFUSAL
from rag.answer.services import Services
from rag.answer.settings import AnswerSettings
from rag.answer.year_flag import flag_year
from rag.data import Answer, Turn
from rag.errors import BackendError
from rag.index.filters import Where
from rag.index.index import Index

__all__ = [
    "LLM_DOWN_NOTICE",
    "REFUSAL",
    "answer",
    "answerer_for",
    "retrieve",
    "stream_answer",
]


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
        Text pieces, then exactly one ``Answer`` (its ``text`` is the full text; its
        ``notice`` says when the cited passages give another year than the one asked,
        :mod:`rag.answer.year_flag`, and carries any health-safety referral line,
        :mod:`rag.answer.referral`).

    Raises:
        InputError: The question is empty, or too long (a ``TooLargeError``: over
            ``max_question_chars`` or the embedder's token window); control
            characters are removed first (:mod:`rag.answer.question`).
    """
    settings = AnswerSettings.from_config(index.cfg)
    answerer = make_answerer(settings, Services.of(index, settings.retrieval))
    for item in answerer.stream(question, history, where):
        if isinstance(item, Answer):
            yield settings.referrals.apply(flag_year(item, question), question)
        else:
            yield item


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
