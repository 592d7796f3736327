"""The LINE bot: checks a webhook call, then answers its events in the background.

:meth:`LineBot.receive` runs inside the webhook request: it checks the signature,
drops events already seen (a redelivery has the same ``webhookEventId``) and queues
the rest, so LINE gets its 200 at once. Up to ``answer_workers`` events are
handled at a time (:func:`rag.web.answering.answer_workers`); a failure is logged.
Handling goes by event type (an explicit table): a text message is answered with
the chat's recent turns as history, after the loading indicator is shown; other
messages (stickers, images, audio, files) get a polite notice; a chat asking
faster than ``ask_per_minute``/``ask_burst`` is asked to wait; a 👍/👎 postback is
stored in the feedback store; a new follower is greeted with example questions.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any

from rag.answer.ask import stream_answer
from rag.config import Config
from rag.data import Answer, Turn
from rag.errors import BackendError, ConfigError, InputError, RagError, RateLimitedError
from rag.index.index import Index
from rag.web.answering import InFlight, answer_workers
from rag.web.feedback import FeedbackStore
from rag.web.line import messages as msg
from rag.web.line.client import LineApi
from rag.web.line.store import LineStore
from rag.web.line.webhook import parse_events
from rag.web.ratelimit import RateLimiter
from rag.web.rwlock import RWLock
from rag.web.webchat import rate

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class LineSettings:
    """The LINE channel and where links point.

    Attributes:
        channel_secret: Signs webhook calls.
        channel_token: Authorises replies.
        api_base: The Messaging API's address.
        public_base_url: Start of the links to ``/doc/{id}`` on the cards.
        workers: Events handled at once.
    """

    channel_secret: str
    channel_token: str
    api_base: str
    public_base_url: str
    workers: int

    @classmethod
    def from_config(cls, cfg: Config) -> LineSettings | None:
        """The settings, or ``None`` when no channel secret is configured (no bot).

        >>> LineSettings.from_config(Config()) is None
        True
        >>> channel = Config(line_channel_secret="s", line_channel_token="t")
        >>> LineSettings.from_config(channel).api_base
        'https://api.line.me'

        Raises:
            ConfigError: A secret without a token, or an API address that is not http(s).
        """
        if not cfg.line_channel_secret:
            return None
        if not cfg.line_channel_token:
            raise ConfigError(
                "line_channel_token", "ต้องตั้งค่า token ของช่อง LINE ด้วย", "a secret without a token"
            )
        if not cfg.line_api_base.startswith(("https://", "http://")):
            raise ConfigError(
                "line_api_base", "ที่อยู่ LINE API ต้องขึ้นต้นด้วย https://", repr(cfg.line_api_base)
            )
        if not cfg.public_base_url.startswith(("https://", "http://")):
            log.warning("public_base_url is not set: LINE source cards carry no link")
        return cls(
            cfg.line_channel_secret,
            cfg.line_channel_token,
            cfg.line_api_base,
            cfg.public_base_url,
            answer_workers(cfg),
        )


def chat_of(source: Any) -> tuple[str, bool]:
    """The chat an event comes from (user, group or room id) and whether it is one-to-one."""
    kind = getattr(source, "type", "")
    ids = {"user": "user_id", "group": "group_id", "room": "room_id"}
    return str(getattr(source, ids.get(kind, "user_id"), "") or ""), kind == "user"


class LineBot:
    """Answers LINE events from the index.

    Args:
        settings: The channel (see :meth:`LineSettings.from_config`).
        index: The open index.
        store: Chat histories and seen events.
        feedback: Where 👍/👎 go.
        lock: The library's lock; answers never read the index during a staff write.
        examples: Example questions offered as chips.
        in_flight: Counts answers in progress (shared with the web chat).
        limiter: Questions each chat may ask (``ask_per_minute``, ``ask_burst``).
    """

    def __init__(
        self,
        settings: LineSettings,
        index: Index,
        store: LineStore,
        feedback: FeedbackStore,
        *,
        lock: RWLock | None = None,
        examples: Sequence[str] = (),
        in_flight: InFlight | None = None,
        limiter: RateLimiter | None = None,
    ) -> None:
        self.settings = settings
        self.index = index
        self.store = store
        self.feedback = feedback
        self.lock = lock
        self.examples = tuple(examples)
        self.in_flight = in_flight or InFlight()
        self.limiter = limiter
        self.api = LineApi(settings.api_base, settings.channel_token, settings.workers)
        self._pool = ThreadPoolExecutor(settings.workers, thread_name_prefix="line-bot")
        self._by_type: dict[str, Callable[[Any], None]] = {
            "message": self._on_message,
            "postback": self._on_postback,
            "follow": self._on_follow,
        }

    def close(self) -> None:
        """Finish the events under way, drop the queued ones, close the connections."""
        self._pool.shutdown(wait=True, cancel_futures=True)
        self.api.close()
        self.store.close()

    def receive(self, body: bytes, signature: str | None) -> int:
        """Check a webhook call and queue its new events; returns how many were queued.

        Raises:
            SignatureError: The signature is missing or wrong (nothing is queued).
            InputError: A signed body that is not a webhook payload.
        """
        queued = 0
        for event in parse_events(body, signature, self.settings.channel_secret):
            if getattr(event, "mode", "active") == "standby":
                continue  # another channel answers this chat
            event_id = getattr(event, "webhook_event_id", None)
            if event_id and not self.store.first_sight(event_id):
                again = getattr(getattr(event, "delivery_context", None), "is_redelivery", None)
                log.info("LINE event %s seen already (redelivery: %s)", event_id, again)
                continue
            self._pool.submit(self._handle_logged, event)
            queued += 1
        return queued

    def _handle_logged(self, event: Any) -> None:
        try:
            self.handle(event)
        except Exception:
            log.exception("LINE event %s failed", getattr(event, "webhook_event_id", "?"))

    def handle(self, event: Any) -> None:
        """Handle one event now (in the caller's thread)."""
        handler = self._by_type.get(str(getattr(event, "type", "")))
        if handler is None:
            log.debug("LINE event of type %s ignored", getattr(event, "type", "?"))
            return
        handler(event)

    def _reply(self, event: Any, messages: Sequence[Any]) -> None:
        if event.reply_token:
            self.api.reply(event.reply_token, messages)

    def _on_message(self, event: Any) -> None:
        if getattr(event.message, "type", "") != "text":
            self._reply(event, [msg.text_message(msg.NOT_TEXT, self._chips(None))])
            return
        chat, one_to_one = chat_of(event.source)
        try:
            if self.limiter is not None:
                self.limiter.check(f"line:{chat}")
        except RateLimitedError as exc:
            self._reply(event, [msg.text_message(exc.thai)])
            return
        if one_to_one:
            try:
                self.api.loading(chat)
            except BackendError as exc:
                log.warning("LINE loading indicator failed: %s", exc)
        question = str(event.message.text)
        history = self.store.history(chat)
        try:
            found = self.answer(question, history)
        except InputError as exc:
            self._reply(event, [msg.text_message(exc.thai)])
            return
        except RagError as exc:
            log.warning("LINE answer failed: %s", exc)
            self._reply(event, [msg.text_message(msg.FAILED)])
            return
        answer_id = self.store.remember(chat, question, found, history)
        suggestions = msg.followups(found, self.examples, question)
        base = self.settings.public_base_url
        self._reply(event, msg.answer_messages(found, base, answer_id, suggestions))

    def answer(self, question: str, history: Sequence[Turn]) -> Answer:
        """The final answer to ``question`` after ``history``, read under the library's lock."""
        with self.in_flight.track():
            items = stream_answer(question, self.index, tuple(history))
            for item in self.lock.guarded(items) if self.lock else items:
                if isinstance(item, Answer):
                    return item
        raise BackendError("answer", "ไม่ได้รับคำตอบ", "the answer stream ended without an answer")

    def _on_postback(self, event: Any) -> None:
        chat, _ = chat_of(event.source)
        data = str(event.postback.data)
        if data == msg.NEW_TOPIC:
            self.store.forget(chat)
            self._reply(event, [msg.text_message(msg.NEW_TOPIC_DONE, self._chips(None))])
            return
        rating = msg.parse_feedback(data)
        exchange = self.store.exchange(chat, rating[1]) if rating else None
        if rating is None or exchange is None:
            log.info("LINE postback %r ignored (unknown, purged or another chat's)", data[:100])
            return
        rate(self.feedback, self.index, exchange, rating[0])
        self._reply(event, [msg.text_message(msg.THANKS)])

    def _on_follow(self, event: Any) -> None:
        self._reply(event, [msg.text_message(msg.WELCOME, self._chips(None))])

    def _chips(self, answer_id: int | None) -> Any:
        return msg.quick_reply(answer_id, self.examples[: msg.MAX_FOLLOWUPS])
