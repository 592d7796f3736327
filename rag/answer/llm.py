"""Generative answers from an OpenAI-compatible endpoint, verified before they are shown.

Any server speaking the OpenAI chat API works (Typhoon, vLLM, Ollama, llama.cpp):
llama-index's :class:`~llama_index.llms.openai_like.OpenAILike` talks to it, built
per call from the :class:`~rag.answer.settings.LlmSettings` (the llama-index global ``Settings``
are never touched). :func:`llm_stream` yields the model's text as it arrives and
then one :class:`~rag.data.Answer` checked by :func:`rag.answer.verify.verify_answer`:
unsupported sentences are removed, markers are renumbered ``1..m`` in order of first
use and each citation quotes the chunk sentence that best supports its claim. When
nothing verified remains the answer is the refusal :data:`rag.answer.prompts.REFUSAL`.

Every failure of the endpoint (refused connection, timeout, HTTP error, a stream cut
off before the model finished) raises :class:`~rag.errors.BackendError`, before or
during streaming, so the caller can fall back to the extractive answerer.

>>> api_base("http://127.0.0.1:8080")
'http://127.0.0.1:8080/v1'
>>> api_base("https://api.opentyphoon.ai/v1/")
'https://api.opentyphoon.ai/v1'
"""

from __future__ import annotations

import logging
import time
from collections.abc import Iterator, Sequence
from urllib.parse import urlsplit

import httpx
import openai
from llama_index.core.base.llms.types import ChatMessage, MessageRole
from llama_index.llms.openai_like import OpenAILike

from rag.answer.claims import strip_markers
from rag.answer.prompts import (
    ANSWER_SYSTEM,
    HISTORY_CHARS,
    REFUSAL,
    REWRITE_SYSTEM,
    answer_user_message,
    rewrite_user_message,
)
from rag.answer.settings import LlmSettings
from rag.answer.verify import VerifiedText, render, verify_answer
from rag.data import Answer, Citation, Hit, Turn
from rag.errors import BackendError
from rag.index.embedding import Embeddings

logger = logging.getLogger(__name__)

DEFAULT_MODEL = "typhoon-v2.1-12b-instruct"
HISTORY_TURNS = 3  # earlier turns sent with a question
MAX_RETRIES = 1  # one quick retry of a failed request, none of a broken stream
REWRITE_MAX_CHARS = 300
_FAILURES = (openai.OpenAIError, httpx.HTTPError, httpx.StreamError)


def api_base(url: str) -> str:
    """The endpoint's API root: ``/v1`` added to a bare ``scheme://host:port``."""
    url = url.strip().rstrip("/")
    return f"{url}/v1" if urlsplit(url).path in ("", "/") else url


def make_llm(settings: LlmSettings) -> OpenAILike:
    """The chat client for ``settings.base_url`` (no request is made here)."""
    return OpenAILike(
        api_base=api_base(settings.base_url),
        model=settings.model or DEFAULT_MODEL,
        api_key=settings.api_key or "not-needed",
        temperature=settings.temperature,
        timeout=settings.timeout,
        max_tokens=settings.max_tokens,
        max_retries=MAX_RETRIES,
        is_chat_model=True,
        is_function_calling_model=False,
    )


def backend_error(settings: LlmSettings, exc: BaseException | str) -> BackendError:
    """A :class:`BackendError` naming the endpoint, in Thai and English.

    >>> from rag.config import Config
    >>> print(backend_error(LlmSettings.from_config(Config(llm_base_url="http://x:1/v1")), "boom"))
    http://x:1/v1: LLM endpoint http://x:1/v1 failed: boom / \
เรียกใช้โมเดลภาษาที่ http://x:1/v1 ไม่สำเร็จ (boom)
    """
    reason = exc if isinstance(exc, str) else f"{type(exc).__name__}: {exc}"
    url = settings.base_url
    return BackendError(
        url,
        f"เรียกใช้โมเดลภาษาที่ {url} ไม่สำเร็จ ({reason})",
        f"LLM endpoint {url} failed: {reason}",
    )


def _history_messages(history: Sequence[Turn]) -> list[ChatMessage]:
    messages: list[ChatMessage] = []
    for turn in list(history)[-HISTORY_TURNS:]:
        messages.append(ChatMessage(role=MessageRole.USER, content=turn.question.strip()))
        answer = strip_markers(turn.answer)[:HISTORY_CHARS]
        messages.append(ChatMessage(role=MessageRole.ASSISTANT, content=answer))
    return messages


def answer_messages(
    question: str, hits: Sequence[Hit], history: Sequence[Turn]
) -> list[ChatMessage]:
    """System rules, the last turns (markers stripped), then passages and question."""
    return [
        ChatMessage(role=MessageRole.SYSTEM, content=ANSWER_SYSTEM),
        *_history_messages(history),
        ChatMessage(role=MessageRole.USER, content=answer_user_message(question, hits)),
    ]


def _citations(verified: VerifiedText, hits: Sequence[Hit]) -> tuple[Citation, ...]:
    """One citation per passage shown, numbered by first use, quoting its best sentence."""
    citations: list[Citation] = []
    for shown, n in enumerate(verified.used, start=1):
        best = max(
            (e for c in verified.kept for e in c.evidence if e.n == n), key=lambda e: e.score
        )
        hit = hits[n - 1]
        chunk = hit.chunk
        citations.append(
            Citation(
                n=shown,
                doc_id=chunk.doc_id,
                title=hit.title,
                source="",
                page=chunk.page,
                chunk_id=chunk.chunk_id,
                quote=chunk.text[best.start : best.end],
                start=chunk.start + best.start,
                end=chunk.start + best.end,
                score=hit.score,
            )
        )
    return tuple(citations)


def build_answer(
    text: str, hits: Sequence[Hit], embeddings: Embeddings, timings: dict[str, float]
) -> Answer:
    """Verify a generated ``text`` against the numbered ``hits`` and make the answer.

    ``confidence`` is the mean support of the kept sentences times the share of
    sentences kept. ``Citation.source`` is left empty: the caller has the manifest.
    """
    started = time.perf_counter()
    passages = {i: hit.chunk.text for i, hit in enumerate(hits, start=1)}
    verified = verify_answer(text, passages, embeddings)
    timings = {**timings, "verify": time.perf_counter() - started}
    kept = verified.kept
    dropped = [c for c in verified.claims if not c.supported]
    if dropped:
        logger.info("verification removed %d of %d sentences", len(dropped), len(verified.claims))
    if not kept:
        return Answer(REFUSAL, (), 0.0, True, timings)
    numbering = {n: i for i, n in enumerate(verified.used, start=1)}
    mean = sum(c.score for c in kept) / len(kept)
    confidence = round(mean * len(kept) / len(verified.claims), 4)
    return Answer(
        render(verified.claims, numbering), _citations(verified, hits), confidence, False, timings
    )


def llm_stream(
    question: str,
    hits: Sequence[Hit],
    settings: LlmSettings,
    embeddings: Embeddings,
    history: Sequence[Turn],
) -> Iterator[str | Answer]:
    """Stream a generated answer, then yield the verified :class:`Answer`.

    Args:
        question: The (standalone) question.
        hits: Retrieved passages, numbered 1.. in this order in the prompt.
        settings: The endpoint.
        embeddings: For verification (the index's embedding service).
        history: Earlier turns of the conversation, oldest first.

    Yields:
        Text deltas as the model produces them (unverified), then exactly one
        ``Answer`` whose text is authoritative. ``timings`` has ``llm_first_token``,
        ``llm_generate`` (seconds from the request) and ``verify``.

    Raises:
        BackendError: The endpoint is unreachable, errs, times out or stops early.
    """
    if not hits:
        yield Answer(REFUSAL, (), 0.0, True)
        return
    llm = make_llm(settings)
    messages = answer_messages(question, hits, history)
    started = time.perf_counter()
    timings: dict[str, float] = {}
    parts: list[str] = []
    finish: str | None = None
    stream = None
    try:
        stream = llm.stream_chat(messages)
        for chunk in stream:
            choices = getattr(chunk.raw, "choices", None) or []
            finish = finish or (choices[0].finish_reason if choices else None)
            if chunk.delta:
                timings.setdefault("llm_first_token", time.perf_counter() - started)
                parts.append(chunk.delta)
                yield chunk.delta
    except _FAILURES as exc:
        raise backend_error(settings, exc) from exc
    finally:
        if stream is not None:
            stream.close()
    timings["llm_generate"] = time.perf_counter() - started
    if finish is None:
        raise backend_error(settings, "the stream ended before the model finished")
    logger.info(
        "llm answered %d chars (%s) in %.2f s", len("".join(parts)), finish, timings["llm_generate"]
    )
    yield build_answer("".join(parts), hits, embeddings, timings)


def _clean_rewrite(text: str, question: str) -> str:
    r"""First non-empty line, label and quotes removed; the question when unusable.

    >>> _clean_rewrite("คำถามที่เขียนใหม่: \"สสส. ก่อตั้งเมื่อไร\"\nอธิบาย", "q")
    'สสส. ก่อตั้งเมื่อไร'
    >>> _clean_rewrite("", "แล้วก่อตั้งเมื่อไร")
    'แล้วก่อตั้งเมื่อไร'
    """
    line = next((ln.strip() for ln in text.splitlines() if ln.strip()), "")
    line = line.removeprefix("คำถามที่เขียนใหม่:").strip().strip("\"'“”")
    if not line or len(line) > REWRITE_MAX_CHARS:
        return question
    return line


def rewrite_query(question: str, history: Sequence[Turn], settings: LlmSettings) -> str:
    """A standalone Thai question for a follow-up (the question itself without history).

    Args:
        question: The latest question.
        history: Earlier turns, oldest first; only the last few are sent.
        settings: The endpoint.

    Returns:
        The rewritten question, or ``question`` when the model's reply is unusable.

    Raises:
        BackendError: The endpoint is unreachable, errs or times out.
    """
    if not history:
        return question
    turns = [(t.question, t.answer) for t in list(history)[-HISTORY_TURNS:]]
    messages = [
        ChatMessage(role=MessageRole.SYSTEM, content=REWRITE_SYSTEM),
        ChatMessage(role=MessageRole.USER, content=rewrite_user_message(question, turns)),
    ]
    try:
        reply = make_llm(settings).chat(messages)
    except _FAILURES as exc:
        raise backend_error(settings, exc) from exc
    rewritten = _clean_rewrite(reply.message.content or "", question)
    logger.info("rewrote follow-up %r as %r", question, rewritten)
    return rewritten
