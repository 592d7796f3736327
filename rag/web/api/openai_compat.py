"""The OpenAI chat-completions convention: request, response and stream-chunk bodies.

``POST /v1/chat/completions`` takes ``model``, ``messages`` and ``stream`` (other
OpenAI parameters are accepted and ignored: the answer is grounded, not sampled).
Besides the standard fields, the response and the last stream chunk carry
``sources``: a list of ``{n, doc_id, title, page, quote, link}``, one per ``[n]``.

>>> body = ChatRequest(messages=[{"role": "user", "content": [{"type": "text", "text": "สวัสดี"}]}])
>>> [(m.role, message_text(m.content)) for m in body.messages]
[('user', 'สวัสดี')]
>>> chunk("chatcmpl-1", 0, {"content": "ก"})["choices"][0]
{'index': 0, 'delta': {'content': 'ก'}, 'finish_reason': None}
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field

MODEL_ID = "thaihealth-rag"
OWNER = "thaihealth"


class ChatMessage(BaseModel):
    """One message: ``system``, ``user`` or ``assistant`` (others are ignored)."""

    model_config = ConfigDict(extra="allow")
    role: str
    content: str | list[dict[str, Any]] | None = None


class ChatRequest(BaseModel):
    """A chat-completions request (OpenAI's parameters beyond these are ignored)."""

    model_config = ConfigDict(extra="allow")
    model: str = MODEL_ID
    messages: list[ChatMessage] = Field(min_length=1)
    stream: bool = False


def message_text(content: str | list[dict[str, Any]] | None) -> str:
    r"""The text of a message: a string, or the ``text`` parts of a list of parts.

    >>> message_text([{"type": "text", "text": "ก"}, {"type": "image_url"}, {"text": "ข"}])
    'ก\nข'
    """
    if content is None:
        return ""
    if isinstance(content, str):
        return content
    return "\n".join(str(p.get("text", "")) for p in content if p.get("type", "text") == "text")


def models_list(created: int) -> dict[str, Any]:
    """``GET /v1/models``: the one model this service answers as."""
    model = {"id": MODEL_ID, "object": "model", "created": created, "owned_by": OWNER}
    return {"object": "list", "data": [model]}


def completion(
    completion_id: str, created: int, text: str, sources: list[dict[str, Any]]
) -> dict[str, Any]:
    """A non-streamed response: the whole text, and the sources beside it."""
    return {
        "id": completion_id,
        "object": "chat.completion",
        "created": created,
        "model": MODEL_ID,
        "choices": [
            {
                "index": 0,
                "message": {"role": "assistant", "content": text},
                "finish_reason": "stop",
            }
        ],
        "usage": {"prompt_tokens": 0, "completion_tokens": 0, "total_tokens": 0},
        "sources": sources,
    }


def chunk(
    completion_id: str,
    created: int,
    delta: dict[str, Any],
    finish_reason: str | None = None,
    sources: list[dict[str, Any]] | None = None,
) -> dict[str, Any]:
    """A stream chunk; the last one has ``finish_reason`` ``stop`` and the sources."""
    body: dict[str, Any] = {
        "id": completion_id,
        "object": "chat.completion.chunk",
        "created": created,
        "model": MODEL_ID,
        "choices": [{"index": 0, "delta": delta, "finish_reason": finish_reason}],
    }
    if sources is not None:
        body["sources"] = sources
    return body
