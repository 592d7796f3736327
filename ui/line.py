"""``POST /line/webhook``: LINE's webhook calls, handed to :class:`rag.web.line.bot.LineBot`.

The route answers 200 as soon as the signature is checked and the events are queued
(LINE expects a fast answer; the replies go out from the bot's workers), 401 for a
missing or wrong ``X-Line-Signature`` (nothing is processed), 400 for a signed body
that is not a webhook payload, and 404 when no ``line_channel_secret`` is configured.
"""

from __future__ import annotations

from collections.abc import Callable

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse, PlainTextResponse, Response
from starlette.concurrency import run_in_threadpool

from rag.errors import InputError, SignatureError
from rag.web.line.bot import LineBot, LineSettings
from rag.web.line.store import LineStore
from rag.web.line.webhook import SIGNATURE_HEADER
from rag.web.ratelimit import RateLimiter
from rag.web.webchat import example_questions
from ui import Services

PATH = "/line/webhook"
OFF = "ไม่พบหน้านี้ / Not found"


def line_bot(services: Services) -> LineBot | None:
    """The bot of the configured LINE channel, or ``None`` when there is none."""
    settings = LineSettings.from_config(services.cfg)
    if settings is None:
        return None
    return LineBot(
        settings,
        services.index,
        LineStore.for_config(services.cfg),
        services.feedback,
        lock=services.library.lock,
        examples=example_questions(services.sets_dir / "demo.jsonl"),
        in_flight=services.in_flight,
        limiter=services.limiter or RateLimiter.from_config(services.cfg),
    )


def mount_line(app: FastAPI, services: Services) -> Callable[[], None]:
    """Add ``POST /line/webhook`` to ``app``; returns what closes the bot at shutdown."""
    bot = line_bot(services)

    @app.post(PATH)
    async def webhook(request: Request) -> Response:
        if bot is None:
            return PlainTextResponse(OFF, status_code=404)
        body = await request.body()
        try:
            await run_in_threadpool(bot.receive, body, request.headers.get(SIGNATURE_HEADER))
        except SignatureError as exc:
            return PlainTextResponse(f"{exc.thai} / {exc.english}", status_code=401)
        except InputError as exc:
            return PlainTextResponse(f"{exc.thai} / {exc.english}", status_code=400)
        return JSONResponse({})

    return bot.close if bot is not None else lambda: None
