"""OpenAI-compatible endpoints: ``POST /v1/chat/completions`` and ``GET /v1/models``.

Any OpenAI client (the ``openai`` SDK, Open WebUI, LibreChat) can talk to the
service with a partner API key as its ``api_key``. The last user message is the
question; earlier user/assistant messages are the history that resolves follow-ups.
``stream: true`` answers as server-sent events (``data: {chunk}`` … ``data: [DONE]``).
The text carries ``[n]`` markers and ends with a numbered source list; the extra
field ``sources`` (on the response, and on the last chunk) lists ``{n, doc_id,
title, page, quote, link}``. A refusal is a normal answer with the refusal text.
"""

from __future__ import annotations

import json
import time
import uuid
from collections.abc import AsyncIterator
from typing import Any

from fastapi import APIRouter, FastAPI, Response
from fastapi.responses import JSONResponse, StreamingResponse

from rag.data import Answer
from rag.errors import RagError
from rag.web.answering import answer_workers
from rag.web.api.answers import answer_items, conversation, deltas, sources
from rag.web.api.errors import error_response
from rag.web.api.gate import KeyGate
from rag.web.api.openai_compat import (
    ChatRequest,
    chunk,
    completion,
    message_text,
    models_list,
)
from rag.web.api.slots import AnswerSlots
from ui import Services
from ui.api import api_router, gated_route

PREFIX = "/v1"


def sse(data: dict[str, Any] | str) -> bytes:
    r"""One server-sent event.

    >>> sse("[DONE]")
    b'data: [DONE]\n\n'
    """
    text = data if isinstance(data, str) else json.dumps(data, ensure_ascii=False)
    return f"data: {text}\n\n".encode()


def openai_router(services: Services, gate: KeyGate, slots: AnswerSlots) -> APIRouter:
    """The ``/v1`` routes (partner keys; staff keys may call them too)."""
    cfg, library = services.cfg, services.library
    base = cfg.public_base_url
    router = APIRouter(
        prefix=PREFIX, route_class=gated_route(gate, "partner", cfg.max_file_mb)
    )  # fmt: skip

    @router.get("/models")
    async def models() -> JSONResponse:
        return JSONResponse(models_list(int(time.time())))

    @router.post("/chat/completions", response_model=None)
    async def chat(body: ChatRequest) -> Response:
        said = [(m.role, message_text(m.content)) for m in body.messages]
        question, history = conversation(said)
        items = deltas(answer_items(question, services.index, history, library.lock), base)
        pieces = slots.stream(items)
        cid, created = f"chatcmpl-{uuid.uuid4().hex}", int(time.time())
        first = await anext(pieces)  # errors (empty, too long) answer as JSON, before streaming
        if not body.stream:
            try:
                text, piece = "", first
                while not isinstance(piece, Answer):
                    text, piece = text + piece, await anext(pieces)
            finally:
                await pieces.aclose()
            return JSONResponse(completion(cid, created, text, sources(piece, base)))

        async def events() -> AsyncIterator[bytes]:
            try:
                yield sse(chunk(cid, created, {"role": "assistant", "content": ""}))
                piece = first
                while not isinstance(piece, Answer):
                    if piece:
                        yield sse(chunk(cid, created, {"content": piece}))
                    piece = await anext(pieces)
                yield sse(chunk(cid, created, {}, "stop", sources(piece, base)))
                yield sse("[DONE]")
            except RagError as exc:  # after the stream began: an error event, as OpenAI sends
                yield sse(error_response(exc)[1])
            finally:
                await pieces.aclose()

        return StreamingResponse(events(), media_type="text/event-stream")

    return router


def include_apis(app: FastAPI, services: Services) -> None:
    """Add the REST API (``/api/v1``) and the OpenAI-compatible one (``/v1``) to ``app``.

    Both share one key gate (per-key rate limits, audit) and ``answer_workers`` slots.
    """
    gate = KeyGate.for_config(services.cfg, services.audit)
    slots = AnswerSlots(answer_workers(services.cfg), services.in_flight)
    app.include_router(api_router(services, gate, slots))
    app.include_router(openai_router(services, gate, slots))
