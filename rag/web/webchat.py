"""The partner chat's logic, free of any web framework.

:func:`chat_steps` turns :func:`rag.answer.ask.stream_answer` into HTML states of the
assistant's message (streaming text, then the final answer with source cards);
:func:`rate` stores a 👍/👎; :func:`example_questions` picks questions from a
question set for the empty chat.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Iterator, Sequence
from contextlib import nullcontext
from dataclasses import dataclass
from pathlib import Path

from rag.answer.ask import stream_answer
from rag.data import Answer, Turn
from rag.errors import BackendError
from rag.index.index import Index
from rag.web.chat_html import answer_html, plain_text, streaming_html
from rag.web.feedback import FeedbackStore, Rating, config_snapshot
from rag.web.i18n import Lang
from rag.web.rwlock import RWLock

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class ChatStep:
    """One state of the assistant's message.

    Attributes:
        html: The message as HTML.
        answer: The final answer (only on the last step).
        plain: The final answer as plain text with its sources (for copying).
    """

    html: str
    answer: Answer | None = None
    plain: str = ""


@dataclass(frozen=True)
class Exchange:
    """A finished question and answer, with the turns before it (what feedback rates)."""

    question: str
    answer: Answer
    history: tuple[Turn, ...] = ()


def chat_steps(
    question: str,
    index: Index,
    history: Sequence[Turn],
    *,
    lang: Lang,
    key: str,
    lock: RWLock | None = None,
) -> Iterator[ChatStep]:
    """Stream an answer as HTML states of the assistant's message.

    Args:
        question: The partner's question.
        index: The open index.
        history: Earlier turns, oldest first.
        lang: Interface language of the cards.
        key: Unique id of this answer in the page.
        lock: The library's lock; index reads then never overlap a staff write.

    Yields:
        A thinking state, streamed text, then the final answer with its cards.

    Raises:
        InputError: The question is empty.
        BackendError: The answer stream ended without an answer.
    """
    yield ChatStep(streaming_html("", lang))
    items = stream_answer(question, index, tuple(history))
    text = ""
    for item in lock.guarded(items) if lock else items:
        if isinstance(item, Answer):
            with lock.read() if lock else nullcontext():
                html = answer_html(item, index.manifest.pages, question, lang, key)
            yield ChatStep(html, item, plain_text(item, lang))
            return
        text += item
        yield ChatStep(streaming_html(text, lang))
    raise BackendError("answer", "ไม่ได้รับคำตอบ", "the answer stream ended without an answer")


def rate(
    store: FeedbackStore, index: Index, exchange: Exchange, rating: Rating, comment: str = ""
) -> int:
    """Store a 👍/👎 for an exchange, with the configuration in force (no secrets)."""
    return store.add(
        rating,
        exchange.question,
        exchange.answer,
        history=exchange.history,
        comment=comment,
        config=config_snapshot(index.cfg),
    )


def example_questions(path: Path, count: int = 4) -> list[str]:
    """Up to ``count`` answerable, stand-alone questions of a question set, one per topic."""
    picked: list[str] = []
    topics: set[str] = set()
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except OSError:
        log.warning("no example questions: cannot read %s", path)
        return []
    for line in lines:
        if not line.strip():
            continue
        item = json.loads(line)
        topic = item.get("tags", {}).get("topic", "")
        if item.get("answerable") and not item.get("history") and topic not in topics:
            picked.append(item["question"])
            topics.add(topic)
        if len(picked) == count:
            break
    return picked
