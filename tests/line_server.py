"""A stand-in for the LINE Messaging API on loopback (the real platform cannot be reached).

:class:`StandInLine` answers the two endpoints the bot calls, checks what LINE
checks (the bearer token, at most 5 messages, text of at most 5,000 UTF-16 units,
at most 13 quick-reply chips, labels of at most 20 characters) and records every
call, so a test can wait for the reply to a given reply token.
"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

REPLY = "/v2/bot/message/reply"
LOADING = "/v2/bot/chat/loading/start"
WAIT_S = 120.0


@dataclass(frozen=True)
class Call:
    """One request the bot made: path, JSON body and the HTTP status it got."""

    path: str
    body: dict[str, Any]
    status: int


def _units(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


def reply_problem(body: dict[str, Any]) -> str | None:
    """What LINE would refuse in a reply request, or ``None``."""
    messages = body.get("messages", [])
    if not body.get("replyToken") or not 1 <= len(messages) <= 5:
        return "a reply needs a token and 1 to 5 messages"
    for message in messages:
        if message["type"] == "text" and not 1 <= _units(message["text"]) <= 5000:
            return "text over 5000 characters"
        if message["type"] == "flex" and not message.get("altText"):
            return "flex without altText"
        items = (message.get("quickReply") or {}).get("items", [])
        if len(items) > 13 or any(len(i["action"].get("label", "")) > 20 for i in items):
            return "quick reply over its limits"
    return None


class StandInLine:
    """The recorded calls and a way to wait for a reply."""

    def __init__(self, token: str) -> None:
        self.token = token
        self.calls: list[Call] = []
        self._changed = threading.Condition()
        self.url = ""

    def record(self, call: Call) -> None:
        with self._changed:
            self.calls.append(call)
            self._changed.notify_all()

    def replies(self, reply_token: str) -> list[Call]:
        with self._changed:
            return [
                c for c in self.calls if c.path == REPLY and c.body["replyToken"] == reply_token
            ]

    def reply(self, reply_token: str) -> dict[str, Any]:
        """The first reply to ``reply_token``, waited for (bounded)."""
        deadline = time.monotonic() + WAIT_S
        with self._changed:
            while not (found := self._find(reply_token)):
                left = deadline - time.monotonic()
                assert left > 0, f"no reply to {reply_token} from the bot"
                self._changed.wait(left)
        assert found.status == 200, found.body
        return found.body

    def _find(self, reply_token: str) -> Call | None:
        return next(
            (c for c in self.calls if c.path == REPLY and c.body["replyToken"] == reply_token), None
        )

    def handler(self) -> type[BaseHTTPRequestHandler]:
        line = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = json.loads(self.rfile.read(int(self.headers["Content-Length"])) or b"{}")
                status, answer = 200, {}
                if self.headers.get("Authorization") != f"Bearer {line.token}":
                    status, answer = 401, {"message": "Authentication failed"}
                elif self.path == REPLY:
                    problem = reply_problem(body)
                    status = 400 if problem else 200
                    sent = [{"id": str(i), "quoteToken": "q"} for i in range(len(body["messages"]))]
                    answer = {"message": problem} if problem else {"sentMessages": sent}
                elif self.path == LOADING:
                    status = 202 if body.get("chatId") else 400
                else:
                    status, answer = 404, {"message": "Not found"}
                line.record(Call(self.path, body, status))
                data = json.dumps(answer).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def log_message(self, *args: Any) -> None:
                pass

        return Handler


@contextmanager
def stand_in_line(token: str) -> Iterator[StandInLine]:
    """A :class:`StandInLine` served on a free loopback port (its ``url`` set)."""
    line = StandInLine(token)
    server = ThreadingHTTPServer(("127.0.0.1", 0), line.handler())
    line.url = f"http://127.0.0.1:{server.server_address[1]}"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield line
    finally:
        server.shutdown()
        server.server_close()
        thread.join(10)
