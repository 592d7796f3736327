"""The LINE webhook over loopback: signed calls in, replies out to a stand-in LINE API.

The real LINE platform cannot be reached from here, so a stand-in Messaging API
(:mod:`tests.line_server`) runs on loopback and records what the bot posts. The real
app (index, embedder, FastAPI, uvicorn) serves ``/line/webhook`` with
``RAG_LINE_API_BASE`` pointed at the stand-in; the tests sign calls as LINE does.
Only five questions are really answered (each costs a second or two).
"""

from __future__ import annotations

import json
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import httpx
import pytest

from rag.config import Config
from rag.data import Answer, Citation
from rag.web.line.messages import NOT_TEXT, THANKS, answer_messages
from rag.web.line.webhook import sign
from tests.line_server import LOADING, StandInLine, reply_problem, stand_in_line
from tests.test_ui_api import PASSWORD, Running, free_port, serve, write_docs
from ui.app import open_services

SECRET = "line-channel-secret-for-tests"
TOKEN = "line-channel-token-for-tests"
SLEEP_QUESTION = "ผู้สูงอายุควรนอนหลับวันละกี่ชั่วโมง"
SLEEP_ANSWER = "7 ถึง 8 ชั่วโมง"
FOLLOW_UP = "ต้องนานเท่าไร"  # alone, nothing in the documents answers it


@dataclass(frozen=True)
class Bot:
    url: str
    line: StandInLine
    running: Running


@pytest.fixture(scope="module")
def bot(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Bot]:
    root = tmp_path_factory.mktemp("line")
    write_docs(root / "docs")
    with stand_in_line(TOKEN) as line:
        port = free_port()
        cfg = Config(
            index_dir=root / "index",
            staff_password=PASSWORD,
            line_channel_secret=SECRET,
            line_channel_token=TOKEN,
            line_api_base=line.url,
            public_base_url=f"http://127.0.0.1:{port}",
            ask_per_minute=1.0,  # each LINE chat: 3 questions at once, then one a minute
            ask_burst=3,
        )
        services = open_services(cfg)
        services.library.ensure_folder(root / "docs")
        with serve(services, port) as url:
            yield Bot(url, line, Running(url, services, root / "docs"))
        services.index.close()


def event(user: str, kind: str, **fields: Any) -> dict[str, Any]:
    """A webhook event as LINE sends it (a fresh id and reply token unless given)."""
    return {
        "type": kind,
        "mode": "active",
        "timestamp": int(time.time() * 1000),
        "source": {"type": "user", "userId": user},
        "webhookEventId": fields.pop("event_id", uuid.uuid4().hex),
        "deliveryContext": {"isRedelivery": fields.pop("redelivery", False)},
        "replyToken": fields.pop("token", uuid.uuid4().hex),
        **fields,
    }


def text(user: str, words: str, **fields: Any) -> dict[str, Any]:
    message = {"type": "text", "id": uuid.uuid4().hex[:12], "quoteToken": "q", "text": words}
    return event(user, "message", message=message, **fields)


def sticker(user: str) -> dict[str, Any]:
    message = {
        "type": "sticker", "id": "1", "quoteToken": "q", "packageId": "11537",
        "stickerId": "52002734", "stickerResourceType": "STATIC",
    }  # fmt: skip
    return event(user, "message", message=message)


def post(url: str, *events: dict[str, Any], secret: str | None = SECRET) -> httpx.Response:
    body = json.dumps({"destination": "Ubot", "events": list(events)}).encode()
    headers = {"Content-Type": "application/json"}
    if secret is not None:
        headers["X-Line-Signature"] = sign(body, secret)
    return httpx.post(f"{url}/line/webhook", content=body, headers=headers, timeout=30)


def texts(reply: dict[str, Any]) -> str:
    return "\n".join(m["text"] for m in reply["messages"] if m["type"] == "text")


def chips(reply: dict[str, Any]) -> list[dict[str, Any]]:
    return [item["action"] for item in reply["messages"][-1]["quickReply"]["items"]]


def ask(bot: Bot, user: str, words: str) -> dict[str, Any]:
    sent = text(user, words)
    assert post(bot.url, sent).status_code == 200
    return bot.line.reply(sent["replyToken"])


def test_a_signed_question_gets_a_thai_answer_with_sources_and_chips(bot: Bot) -> None:
    sent = text("U-alice", SLEEP_QUESTION)
    response = post(bot.url, sent)
    assert response.status_code == 200
    reply = bot.line.reply(sent["replyToken"])
    assert SLEEP_ANSWER in texts(reply) and "[1]" in texts(reply)
    calls = [c.body for c in bot.line.calls]
    shown = calls.index({"chatId": "U-alice", "loadingSeconds": 30})
    assert shown < calls.index(reply)  # the loading animation comes before the answer
    flex = next(m for m in reply["messages"] if m["type"] == "flex")
    cards = flex["contents"]["contents"]
    assert flex["contents"]["type"] == "carousel" and cards
    first = cards[0]["body"]["contents"]
    assert first[0]["text"].startswith("[1] หน้า ") and first[1]["text"] == "การนอนของผู้สูงอายุ"
    assert "ผู้สูงอายุควรนอนหลับ" in first[2]["text"]
    for card in cards:
        uri = card["footer"]["contents"][0]["action"]["uri"]
        assert uri.startswith(f"{bot.url}/doc/") and "#page=" in uri
        assert httpx.get(uri).status_code == 200
    actions = chips(reply)
    assert actions[0]["data"].startswith("fb=up&a=") and actions[1]["data"].startswith("fb=down&a=")
    follow_ups = [a["text"] for a in actions if a["type"] == "message"]
    assert "การนอนของผู้สูงอายุ มีสาระสำคัญอะไรบ้าง" in follow_ups


def test_a_follow_up_uses_that_users_history_only(bot: Bot) -> None:
    ask(bot, "U-bob", SLEEP_QUESTION)
    assert SLEEP_ANSWER in texts(ask(bot, "U-bob", FOLLOW_UP))
    other = texts(ask(bot, "U-carol", FOLLOW_UP))
    assert SLEEP_ANSWER not in other and "ไม่พบข้อมูล" in other


def test_a_wrong_or_missing_signature_is_401_and_nothing_is_answered(bot: Bot) -> None:
    forged, unsigned = text("U-mallory", SLEEP_QUESTION), text("U-mallory", SLEEP_QUESTION)
    assert post(bot.url, forged, secret="not-the-secret").status_code == 401
    assert post(bot.url, unsigned, secret=None).status_code == 401
    marker = sticker("U-mallory")
    assert post(bot.url, marker).status_code == 200
    bot.line.reply(marker["replyToken"])  # events are queued in order: these came before
    assert not bot.line.replies(forged["replyToken"]) and not bot.line.replies(
        unsigned["replyToken"]
    )
    assert all(c.body.get("chatId") != "U-mallory" for c in bot.line.calls if c.path == LOADING)


def test_a_redelivered_event_is_answered_once(bot: Bot) -> None:
    first = sticker("U-dave")
    again = {**first, "deliveryContext": {"isRedelivery": True}}
    assert post(bot.url, first).status_code == 200
    assert post(bot.url, again).status_code == 200
    marker = sticker("U-dave")
    assert post(bot.url, marker).status_code == 200
    bot.line.reply(marker["replyToken"])
    assert len(bot.line.replies(first["replyToken"])) == 1


def test_a_sticker_gets_a_polite_thai_notice(bot: Bot) -> None:
    sent = sticker("U-erin")
    assert post(bot.url, sent).status_code == 200
    reply = bot.line.reply(sent["replyToken"])
    assert texts(reply) == NOT_TEXT and "สติกเกอร์" in texts(reply)


def test_a_thumbs_up_postback_is_stored_as_feedback(bot: Bot) -> None:
    up = chips(ask(bot, "U-grace", SLEEP_QUESTION))[0]["data"]
    stranger = event("U-stranger", "postback", postback={"data": up})
    assert post(bot.url, stranger).status_code == 200
    rated = event("U-grace", "postback", postback={"data": up})
    assert post(bot.url, rated).status_code == 200
    assert texts(bot.line.reply(rated["replyToken"])) == THANKS
    rows = bot.running.services.feedback.rows()
    assert [(r.rating, r.question) for r in rows] == [("up", SLEEP_QUESTION)]
    assert SLEEP_ANSWER in rows[0].answer and rows[0].citations
    assert not bot.line.replies(stranger["replyToken"])  # another chat's answer is not rated


def test_a_long_answer_is_split_within_lines_limits() -> None:
    cite = Citation(1, "d1", "การนอน", "a.md", 2, "c1", "นอน 7 ถึง 8 ชั่วโมง", 0, 18, 0.9)
    long = Answer("ผู้สูงอายุควรนอนหลับ 👍 " * 1500 + "[1]", (cite,), 0.9, False, notice="หมายเหตุ")
    sent = answer_messages(long, "https://rag.example.org", 7, ["สสส. คืออะไร"] * 3)
    body = {"replyToken": "t", "messages": [m.to_dict() for m in sent]}
    assert reply_problem(body) is None and len(sent) == 5
    assert [m["type"] for m in body["messages"]] == ["text"] * 4 + ["flex"]
    assert body["messages"][0]["text"].startswith("ผู้สูงอายุควรนอนหลับ 👍")
    assert "quickReply" in body["messages"][-1] and "quickReply" not in body["messages"][0]


def test_a_chat_asking_too_fast_is_asked_to_wait(bot: Bot) -> None:
    blanks = [text("U-flood", "   ") for _ in range(5)]  # refused as empty: no answer is computed
    assert post(bot.url, *blanks).status_code == 200
    said = sorted(texts(bot.line.reply(e["replyToken"])) for e in blanks)
    assert said[:3] == ["กรุณาพิมพ์คำถาม"] * 3
    assert all(s.startswith("ถามถี่เกินไป") for s in said[3:]), said
