"""Answers for API clients: text with ``[n]`` markers, closed by a numbered source list.

Clients that read only the text still see where each ``[n]`` comes from: the text
ends with ``ที่มา / Sources:`` and one line per source (title, page, link). The
structured sources (document id, title, page, quote, link) travel beside the text.
Links open ``/doc/{id}`` at the page, on ``public_base_url`` when it is set.

>>> from rag.data import Answer, Citation
>>> c = Citation(1, "d1", "รายงานยาสูบ", "a.pdf", 2, "c1", "ร้อยละ 17.6", 0, 11, 0.9)
>>> ans = Answer("ร้อยละ 17.6 [1]", (c,), 0.8, False)
>>> print(ans.text + closing(ans, "https://rag.example.org/"))
ร้อยละ 17.6 [1]
<BLANKLINE>
ที่มา / Sources:
[1] รายงานยาสูบ, หน้า 2 — https://rag.example.org/doc/d1#page=2
>>> without_closing(ans.text + closing(ans, ""))
'ร้อยละ 17.6 [1]'
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Any

from rag.answer.ask import stream_answer
from rag.data import Answer, Turn
from rag.errors import BackendError, InputError
from rag.index.index import Index
from rag.web.chat_html import doc_url
from rag.web.rwlock import RWLock

SOURCES_HEAD = "ที่มา / Sources:"
CLOSEST_HEAD = "เอกสารที่ใกล้เคียงที่สุด / Closest passages:"


def link(doc_id: str, page: int, base_url: str) -> str:
    """The link that opens a document at a page, absolute when ``base_url`` is set.

    >>> link("d1", 3, ""), link("d1", 3, "https://rag.example.org")
    ('/doc/d1#page=3', 'https://rag.example.org/doc/d1#page=3')
    """
    return base_url.rstrip("/") + doc_url(doc_id, page)


def sources(answer: Answer, base_url: str) -> list[dict[str, Any]]:
    """The structured sources of an answer, numbered as its ``[n]`` markers."""
    return [
        {
            "n": c.n,
            "doc_id": c.doc_id,
            "title": c.title,
            "page": c.page,
            "quote": c.quote,
            "link": link(c.doc_id, c.page, base_url),
        }
        for c in answer.citations
    ]


def closing(answer: Answer, base_url: str) -> str:
    """What closes the text: the numbered source list, then the answer's notice."""
    lines: list[str] = []
    if answer.citations:
        lines += ["", CLOSEST_HEAD if answer.refused else SOURCES_HEAD]
        lines += [
            f"[{c.n}] {c.title}, หน้า {c.page} — {link(c.doc_id, c.page, base_url)}"
            for c in answer.citations
        ]
    if answer.notice:
        lines += ["", answer.notice]
    return "\n" + "\n".join(lines) if lines else ""


def without_closing(text: str) -> str:
    """An earlier answer of ours without its source list (for the history)."""
    for head in (SOURCES_HEAD, CLOSEST_HEAD):
        text = text.split("\n\n" + head, 1)[0]
    return text.strip()


def answer_items(
    question: str, index: Index, history: Sequence[Turn], lock: RWLock | None = None
) -> Iterator[str | Answer]:
    """The answer's text pieces, then the :class:`Answer`; index reads under ``lock``."""
    items = stream_answer(question, index, tuple(history))
    return lock.guarded(items) if lock else items


def deltas(items: Iterator[str | Answer], base_url: str) -> Iterator[str | Answer]:
    """The text to send, piece by piece (source list last), then the :class:`Answer`.

    The final answer's text is authoritative: what it adds to the streamed text is
    sent; when it replaced the streamed text (an LLM fallback), it is sent whole.

    Raises:
        BackendError: The stream ended without an answer.
    """
    streamed = ""
    for item in items:
        if isinstance(item, Answer):
            rest = item.text.removeprefix(streamed)
            if rest == item.text and streamed:
                rest = "\n\n" + item.text
            if rest:
                yield rest
            yield closing(item, base_url)
            yield item
            return
        streamed += item
        yield item
    raise BackendError("answer", "ไม่ได้รับคำตอบ", "the answer stream ended without an answer")


def final_answer(items: Iterator[str | Answer]) -> Answer:
    """The :class:`Answer` at the end of ``items``.

    Raises:
        BackendError: The stream ended without an answer.
    """
    for item in items:
        if isinstance(item, Answer):
            return item
    raise BackendError("answer", "ไม่ได้รับคำตอบ", "the answer stream ended without an answer")


def conversation(messages: Sequence[tuple[str, str]]) -> tuple[str, tuple[Turn, ...]]:
    r"""The question (the last user message) and the turns before it.

    Each earlier user message and the assistant message after it make a turn (our
    source list is taken off the answer); system messages are ignored.

    >>> conversation([("system", "ตอบสั้น ๆ"), ("user", "ปี 2567 ล่ะ"), ("assistant",
    ...     "ร้อยละ 27.4 [1]\n\nที่มา / Sources:\n[1] …"), ("user", "แล้วปี 2564 ล่ะ")])
    ('แล้วปี 2564 ล่ะ', (Turn(question='ปี 2567 ล่ะ', answer='ร้อยละ 27.4 [1]'),))

    Raises:
        InputError: There is no user message, or the last message is not one.
    """
    talk = [(role, text) for role, text in messages if role in ("user", "assistant")]
    if not talk or talk[-1][0] != "user" or not talk[-1][1].strip():
        raise InputError(
            "messages",
            "ข้อความสุดท้ายต้องเป็นคำถามของผู้ใช้ (role user)",
            "the last message must be the user's question (role user)",
        )
    turns: list[Turn] = []
    pending: str | None = None
    for role, text in talk[:-1]:
        if role == "user":
            pending = text
        elif pending is not None:
            turns.append(Turn(pending, without_closing(text)))
            pending = None
    return talk[-1][1].strip(), tuple(turns)
