"""The sources of an answer as a LINE Flex carousel, one card per citation.

A card shows ``[n]``, the document's title, the page, a short quote of the cited
passage and a button that opens the document at that page:
``{public_base_url}/doc/{id}#page=N`` (:func:`rag.web.chat_html.doc_url`). LINE
accepts only absolute ``https``/``http`` links, so without ``public_base_url`` the
cards have no button.

>>> doc_link("https://rag.example.org/", "ab 1", 3)
'https://rag.example.org/doc/ab%201#page=3'
>>> doc_link("", "ab", 3) is None
True
>>> short_quote("  สสส.  สนับสนุน   โครงการ ", 12)
'สสส. สนับสน…'
"""

from __future__ import annotations

from typing import Any

from rag.data import Answer, Citation
from rag.web.chat_html import doc_url

MAX_CARDS = 12  # LINE's limit of bubbles in a carousel
MAX_QUOTE = 120
MAX_ALT = 400
TITLE_LINES = 3
QUOTE_LINES = 5
MUTED = "#6B7280"
ACCENT = "#0E7C66"


def doc_link(public_base_url: str, doc_id: str, page: int) -> str | None:
    """The absolute link to a document page, or ``None`` without a public address."""
    if not public_base_url.startswith(("https://", "http://")):
        return None
    return public_base_url.rstrip("/") + doc_url(doc_id, page)


def short_quote(text: str, limit: int = MAX_QUOTE) -> str:
    """The quote on one line, cut to ``limit`` characters with ``…``."""
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def source_card(c: Citation, public_base_url: str) -> Any:
    """One Flex bubble for a citation."""
    from linebot.v3.messaging import FlexBox, FlexBubble, FlexButton, FlexText, URIAction

    body = FlexBox(
        layout="vertical",
        spacing="sm",
        contents=[
            FlexText(text=f"[{c.n}] หน้า {c.page}", size="xs", color=ACCENT, weight="bold"),
            FlexText(text=c.title or c.source, weight="bold", wrap=True, maxLines=TITLE_LINES),
            FlexText(
                text=f"“{short_quote(c.quote)}”", size="sm", color=MUTED, wrap=True,
                maxLines=QUOTE_LINES,
            ),
        ],
    )  # fmt: skip
    link = doc_link(public_base_url, c.doc_id, c.page)
    footer = None
    if link is not None:
        action = URIAction(label=f"เปิดเอกสาร หน้า {c.page}"[:20], uri=link)
        footer = FlexBox(
            layout="vertical",
            contents=[FlexButton(action=action, style="link", height="sm", color=ACCENT)],
        )
    return FlexBubble(size="kilo", body=body, footer=footer)


def alt_text(answer: Answer) -> str:
    """What LINE shows where the carousel cannot be (notifications, old clients)."""
    head = "แหล่งที่ใกล้เคียงที่สุด" if answer.refused else "แหล่งที่มา"
    cited = "; ".join(f"[{c.n}] {c.title} หน้า {c.page}" for c in answer.citations)
    return short_quote(f"{head}: {cited}", MAX_ALT)


def sources_message(answer: Answer, public_base_url: str) -> Any | None:
    """The Flex carousel of an answer's sources, or ``None`` when it cites none."""
    from linebot.v3.messaging import FlexCarousel, FlexMessage

    if not answer.citations:
        return None
    cards = [source_card(c, public_base_url) for c in answer.citations[:MAX_CARDS]]
    return FlexMessage(altText=alt_text(answer), contents=FlexCarousel(contents=cards))
