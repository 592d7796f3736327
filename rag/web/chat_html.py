"""Answers as safe HTML for the chat: ``[n]`` links, source cards, refusal and notice.

Every piece of document, question or answer text is HTML-escaped; only the markup
built here reaches the page. A source card shows the title, the page, a snippet
of the page with the cited passage marked (from the citation's exact offsets)
and the question's words in bold (:func:`rag.search.highlight.match_spans`, which works
for unspaced Thai), and a link to ``/doc/{doc_id}#page=N``.

>>> quote_html("สสส.สนับสนุนโครงการลดเหล้าเข้าพรรษา", 12, 26, "ลดเหล้า")
'สสส.สนับสนุน<mark class="rag-quote">โครงการ<b>ลดเหล้า</b></mark>เข้าพรรษา'
"""

from __future__ import annotations

import html
from collections.abc import Callable, Sequence
from itertools import pairwise
from urllib.parse import quote as urlquote

from rag.answer.claims import markers
from rag.data import Answer, Citation, Page
from rag.search.highlight import match_spans, snippet
from rag.web.i18n import Lang, t

CONTEXT = 90
MAX_QUOTE = 360

PagesOf = Callable[[str], Sequence[Page]]


def doc_url(doc_id: str, page: int) -> str:
    """The link that opens a document at a page (served by id, never by path).

    >>> doc_url("ab/../c", 3)
    '/doc/ab%2F..%2Fc#page=3'
    """
    return f"/doc/{urlquote(doc_id, safe='')}#page={page}"


def _esc(text: str) -> str:
    return html.escape(text, quote=True)


def _text_html(text: str) -> str:
    return "<br>".join(_esc(line) for line in text.split("\n"))


def cited_text(text: str, citations: Sequence[Citation], key: str) -> str:
    """Escaped answer text whose ``[n]`` markers link to the source cards of ``key``.

    A marker citing several passages (``[1, 3]``, ``[1-2]``, Thai digits too) becomes
    one ``[n]`` per cited number, linked when ``n`` is a known source; a marker citing
    no known source is left as it was.

    >>> c = Citation(1, "d", "t", "s", 1, "c", "q", 0, 1, 1.0)
    >>> cited_text("ก [๑, 3] ข [7]", [c], "k")
    'ก <a class="rag-ref" href="#cite-k-1">[1]</a>[3] ข [7]'
    """
    known = {c.n for c in citations}
    out, pos = [], 0
    for start, end, numbers in markers(text):
        if not known.intersection(numbers):
            continue
        out += [
            _text_html(text[pos:start]),
            *(
                f'<a class="rag-ref" href="#cite-{key}-{n}">[{n}]</a>' if n in known else f"[{n}]"
                for n in numbers
            ),
        ]
        pos = end
    return "".join([*out, _text_html(text[pos:])])


def _widen(text: str, start: int, end: int) -> tuple[int, int]:
    """``[start-CONTEXT, end+CONTEXT]``, moved to a nearby space when there is one."""
    lo, hi = max(0, start - CONTEXT), min(len(text), end + CONTEXT)
    if lo > 0:
        space = text.find(" ", lo, min(start, lo + 30))
        lo = space + 1 if space >= 0 else lo
    if hi < len(text):
        space = text.rfind(" ", max(end, hi - 30), hi)
        hi = space if space >= 0 else hi
    return lo, hi


def quote_html(text: str, start: int, end: int, question: str) -> str:
    """A snippet of ``text`` around ``[start, end)``: the passage marked, query words bold.

    Args:
        text: The page text.
        start: Offset of the cited passage.
        end: Offset one past it.
        question: The question, whose words are shown in bold.

    Returns:
        HTML (escaped text, ``<mark>`` and ``<b>`` only).
    """
    if end - start > MAX_QUOTE:
        inner_lo, inner_hi = snippet(text[start:end], question, MAX_QUOTE)
        lo, hi = start + inner_lo, start + inner_hi
    else:
        lo, hi = _widen(text, start, end)
    window = text[lo:hi]
    terms = [(s + lo, e + lo) for s, e in match_spans(window, question)]
    cuts = sorted(
        {lo, hi, max(lo, min(hi, start)), max(lo, min(hi, end))} | {x for s in terms for x in s}
    )
    parts = ["…" if lo > 0 else ""]
    for a, b in pairwise(cuts):
        if a == max(lo, start) and a < end:
            parts.append('<mark class="rag-quote">')
        piece = _esc(text[a:b].replace("\n", " "))
        parts.append(f"<b>{piece}</b>" if any(s <= a and b <= e for s, e in terms) else piece)
        if b == min(hi, end) and b > start:
            parts.append("</mark>")
    parts.append("…" if hi < len(text) else "")
    return "".join(parts)


def source_card(c: Citation, pages_of: PagesOf, question: str, lang: Lang, key: str) -> str:
    """The card of one citation (its ``id`` is the target of the ``[n]`` links)."""
    page_text = next((p.text for p in pages_of(c.doc_id) if p.number == c.page), "")
    if page_text[c.start : c.end] == c.quote and c.quote:
        body = quote_html(page_text, c.start, c.end, question)
    else:  # the page changed since the answer: show the quote alone
        body = quote_html(c.quote, 0, len(c.quote), question)
    return (
        f'<div class="rag-card" id="cite-{key}-{c.n}">'
        f'<div class="rag-card-head"><span class="rag-n">[{c.n}]</span>'
        f'<span class="rag-card-title">{_esc(c.title)}</span>'
        f'<span class="rag-page">{t(lang, "page")} {c.page}</span></div>'
        f'<div class="rag-snippet">{body}</div>'
        f'<a class="rag-open" href="{_esc(doc_url(c.doc_id, c.page))}" target="_blank"'
        f' rel="noopener">📄 {_esc(t(lang, "open_doc").format(page=c.page))}</a></div>'
    )


def answer_html(ans: Answer, pages_of: PagesOf, question: str, lang: Lang, key: str) -> str:
    """The whole answer: text with links, notice, refusal state and source cards.

    Args:
        ans: The final answer.
        pages_of: ``index.manifest.pages``.
        question: The question (for highlighting).
        lang: Interface language.
        key: Unique id of this answer in the page (for the card anchors).
    """
    parts: list[str] = []
    if ans.notice:
        parts.append(
            f'<div class="rag-notice">ℹ️ <b>{t(lang, "notice_title")}:</b> {_esc(ans.notice)}</div>'
        )
    if ans.refused:
        parts.append(
            f'<div class="rag-refused"><div class="rag-refused-title">🔍 '
            f"{t(lang, 'refused_title')}</div>"
            f'<div class="rag-text">{cited_text(ans.text, ans.citations, key)}</div>'
            f'<div class="rag-hint">{t(lang, "refused_hint")}</div></div>'
        )
    else:
        parts.append(f'<div class="rag-text">{cited_text(ans.text, ans.citations, key)}</div>')
    if ans.citations:
        heading = t(lang, "closest" if ans.refused else "sources")
        cards = "".join(source_card(c, pages_of, question, lang, key) for c in ans.citations)
        parts.append(
            f'<div class="rag-sources"><div class="rag-sources-title">{heading}'
            f'<span class="rag-conf">{t(lang, "confidence")} {ans.confidence:.2f}</span>'
            f"</div>{cards}</div>"
        )
    kind = "rag-answer rag-final rag-answer-refused" if ans.refused else "rag-answer rag-final"
    return f'<div class="{kind}">{"".join(parts)}</div>'


def streaming_html(text: str, lang: Lang) -> str:
    """The answer while it streams in (plain escaped text and a typing cue)."""
    body = _text_html(text) if text else _esc(t(lang, "thinking"))
    return f'<div class="rag-answer rag-streaming"><div class="rag-text">{body}▍</div></div>'


def plain_text(ans: Answer, lang: Lang) -> str:
    """The answer as plain text with its sources listed, for the clipboard."""
    lines = [ans.text]
    if ans.citations:
        lines += ["", t(lang, "closest" if ans.refused else "sources") + ":"]
        lines += [f"[{c.n}] {c.title}, {t(lang, 'page')} {c.page}" for c in ans.citations]
    if ans.notice:
        lines += ["", ans.notice]
    return "\n".join(lines)
