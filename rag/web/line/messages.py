"""The reply to a LINE question: answer text, sources, 👍/👎 and follow-up chips.

LINE's limits: a reply holds at most 5 messages, a text message at most 5,000
characters (UTF-16 code units: an emoji counts twice), a quick reply at most 13
chips, an action label at most 20 characters. The answer comes first (split at line
breaks or spaces when it is long), then the Flex carousel of sources
(:mod:`rag.web.line.flex`); the chips ride on the last message, where LINE shows them.

>>> split_text("สวัสดี ครับ", 8)
['สวัสดี', 'ครับ']
>>> feedback_data("up", 42), parse_feedback("fb=down&a=7"), parse_feedback("fb=meh&a=7")
('fb=up&a=42', ('down', 7), None)
>>> label("การเดินเร็ววันละ 30 นาทีช่วยลดความเสี่ยง")
'การเดินเร็ววันละ 30…'
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any
from urllib.parse import parse_qs

from rag.data import Answer
from rag.web.feedback import Rating
from rag.web.line.flex import sources_message

MAX_MESSAGES = 5
MAX_TEXT = 5000
MAX_CHIPS = 13
MAX_LABEL = 20
MAX_CHIP_TEXT = 300
MAX_FOLLOWUPS = 6
NOT_TEXT = (
    "ขออภัยค่ะ ตอนนี้ระบบตอบได้เฉพาะคำถามที่พิมพ์เป็นข้อความ "
    "ยังอ่านสติกเกอร์ รูปภาพ เสียง หรือไฟล์ไม่ได้ กรุณาพิมพ์คำถามเป็นตัวอักษรนะคะ 🙏"
)
FAILED = "ขออภัยค่ะ ตอนนี้ระบบตอบคำถามนี้ไม่ได้ กรุณาลองใหม่อีกครั้งในอีกสักครู่ 🙏"
THANKS = "ขอบคุณสำหรับความคิดเห็นค่ะ 🙏 เราจะนำไปปรับปรุงคำตอบให้ดีขึ้น"
WELCOME = "สวัสดีค่ะ 🙂 พิมพ์คำถามเรื่องสุขภาพได้เลย ระบบจะตอบจากเอกสารของ สสส. พร้อมบอกแหล่งที่มาและเลขหน้า"
NEW_TOPIC = "new=1"
NEW_TOPIC_LABEL = "🔄 เริ่มเรื่องใหม่"
NEW_TOPIC_DONE = "เริ่มเรื่องใหม่แล้วค่ะ ถามคำถามใหม่ได้เลย 🙂"
FEEDBACK_CHIPS: tuple[tuple[Rating, str], ...] = (("up", "👍 มีประโยชน์"), ("down", "👎 ไม่ตรงคำถาม"))


def units(text: str) -> int:
    """Length as LINE counts it, in UTF-16 code units.

    >>> units("ก"), units("👍")
    (1, 2)
    """
    return len(text.encode("utf-16-le")) // 2


def split_text(text: str, limit: int = MAX_TEXT) -> list[str]:
    """``text`` in pieces of at most ``limit`` units, cut at a line break or space if any."""
    pieces: list[str] = []
    rest = text.strip()
    while units(rest) > limit:
        cut = limit
        while units(rest[:cut]) > limit:
            cut -= 1
        space = max(rest.rfind("\n", 0, cut), rest.rfind(" ", 0, cut))
        cut = space if space > 0 else cut
        pieces.append(rest[:cut].rstrip())
        rest = rest[cut:].lstrip()
    return [*pieces, rest] if rest else pieces


def label(text: str) -> str:
    """A chip or button label: at most 20 characters, cut with ``…``."""
    text = " ".join(text.split())
    return text if len(text) <= MAX_LABEL else text[: MAX_LABEL - 1].rstrip() + "…"


def feedback_data(rating: Rating, answer_id: int) -> str:
    """The postback data of a 👍/👎 chip."""
    return f"fb={rating}&a={answer_id}"


def parse_feedback(data: str) -> tuple[Rating, int] | None:
    """The rating and answer id of a 👍/👎 postback, or ``None`` for other data."""
    fields = parse_qs(data)
    rating = fields.get("fb", [""])[0]
    answer = fields.get("a", [""])[0]
    if rating not in ("up", "down") or not answer.isdigit():
        return None
    return ("up" if rating == "up" else "down"), int(answer)


def followups(answer: Answer, examples: Sequence[str], question: str) -> list[str]:
    """Suggested next questions: one per cited document, then the example questions.

    >>> from rag.data import Citation
    >>> c = Citation(1, "d1", "การนอนของผู้สูงอายุ", "a.md", 1, "c1", "นอน 7 ชั่วโมง", 0, 9, 0.9)
    >>> followups(Answer("นอน 7 ชั่วโมง [1]", (c, c), 0.9, False), ["สสส. คืออะไร"], "นอน?")
    ['การนอนของผู้สูงอายุ มีสาระสำคัญอะไรบ้าง', 'สสส. คืออะไร']
    """
    picked: list[str] = []
    for candidate in [f"{c.title} มีสาระสำคัญอะไรบ้าง" for c in answer.citations] + [*examples]:
        text = candidate[:MAX_CHIP_TEXT]
        if text not in picked and text.strip() != question.strip():
            picked.append(text)
    return picked[:MAX_FOLLOWUPS]


def quick_reply(answer_id: int | None, suggestions: Sequence[str]) -> Any:
    """Chips: 👍/👎 (postbacks that rate answer ``answer_id``), a new topic, suggestions."""
    from linebot.v3.messaging import MessageAction, PostbackAction, QuickReply, QuickReplyItem

    items = []
    if answer_id is not None:
        for rating, text in FEEDBACK_CHIPS:
            data = feedback_data(rating, answer_id)
            items.append(PostbackAction(label=text, data=data, displayText=text))
        items.append(
            PostbackAction(label=NEW_TOPIC_LABEL, data=NEW_TOPIC, displayText=NEW_TOPIC_LABEL)
        )
    items += [MessageAction(label=label(s), text=s) for s in suggestions]
    return QuickReply(items=[QuickReplyItem(action=a) for a in items[:MAX_CHIPS]])


def text_message(text: str, chips: Any = None) -> Any:
    """One LINE text message (at most 5,000 units), with optional quick-reply chips."""
    from linebot.v3.messaging import TextMessage

    return TextMessage(text=split_text(text)[0] if text.strip() else "…", quickReply=chips)


def answer_messages(
    answer: Answer, public_base_url: str, answer_id: int, suggestions: Sequence[str]
) -> list[Any]:
    """The reply to a question: text (notice included), sources, chips on the last.

    Args:
        answer: The final answer.
        public_base_url: Start of the source links (see :func:`rag.web.line.flex.doc_link`).
        answer_id: Id of the stored exchange that 👍/👎 rate.
        suggestions: Follow-up questions for the chips.
    """
    text = answer.text + (f"\n\n{answer.notice}" if answer.notice else "")
    sources = sources_message(answer, public_base_url)
    room = MAX_MESSAGES - (sources is not None)
    pieces = split_text(text) or ["…"]
    if len(pieces) > room:
        pieces = [*pieces[: room - 1], split_text(" ".join(pieces[room - 1 :]), MAX_TEXT - 1)[0]]
        pieces[-1] += "…"
    messages = [text_message(p) for p in pieces] + ([sources] if sources is not None else [])
    messages[-1].quick_reply = quick_reply(answer_id, suggestions)
    return messages
