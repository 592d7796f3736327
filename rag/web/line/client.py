"""Calls to the LINE Messaging API, through the official SDK's client.

``linebot.v3.messaging.MessagingApi`` is pointed at ``line_api_base`` through its
``Configuration(host=…)`` (which wins over the SDK's built-in ``https://api.line.me``);
tests point it at a loopback stand-in. Every failure, HTTP or network, becomes a
:class:`~rag.errors.BackendError` naming the call.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from typing import Any

from rag.errors import BackendError

log = logging.getLogger(__name__)
TIMEOUT = 10.0
LOADING_SECONDS = 30  # LINE takes 5…60 in steps of 5; a reply ends it sooner


class LineApi:
    """The reply and loading-indicator endpoints of one channel.

    Args:
        base: The API's address (``https://api.line.me``).
        token: The channel access token.
        connections: Connections kept open (the bot's answer workers).
        timeout: Seconds a call may take.
    """

    def __init__(self, base: str, token: str, connections: int = 4, timeout: float = TIMEOUT):
        from linebot.v3.messaging import ApiClient, Configuration, MessagingApi

        config = Configuration(host=base.rstrip("/"), access_token=token)
        config.connection_pool_maxsize = connections
        self.timeout = timeout
        self._client = ApiClient(config)
        self._api = MessagingApi(self._client)

    def close(self) -> None:
        """Close the connections."""
        self._client.close()

    def _call(self, what: str, call: Any, request: Any) -> None:
        import urllib3
        from linebot.v3.messaging.exceptions import ApiException, OpenApiException

        try:
            call(request, _request_timeout=self.timeout)
        except ApiException as exc:
            body = (exc.body or b"")[:500]
            raise BackendError(
                what, "ส่งข้อความทาง LINE ไม่สำเร็จ", f"HTTP {exc.status}: {body!r}"
            ) from exc
        except (OpenApiException, urllib3.exceptions.HTTPError, OSError) as exc:
            raise BackendError(what, "ติดต่อ LINE ไม่ได้", repr(exc)) from exc

    def reply(self, reply_token: str, messages: Sequence[Any]) -> None:
        """Post ``messages`` (at most 5) as the reply to an event.

        Raises:
            BackendError: LINE refused the reply (an expired token, a bad message)
                or could not be reached.
        """
        from linebot.v3.messaging import ReplyMessageRequest

        request = ReplyMessageRequest(replyToken=reply_token, messages=list(messages))
        self._call("reply", self._api.reply_message, request)

    def loading(self, chat_id: str, seconds: int = LOADING_SECONDS) -> None:
        """Show the loading animation in a one-to-one chat until the reply (or ``seconds``).

        Raises:
            BackendError: LINE refused it or could not be reached.
        """
        from linebot.v3.messaging import ShowLoadingAnimationRequest

        request = ShowLoadingAnimationRequest(chatId=chat_id, loadingSeconds=seconds)
        self._call("loading", self._api.show_loading_animation, request)
