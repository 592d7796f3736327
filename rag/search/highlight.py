"""Query-term highlighting and snippets that work for unspaced Thai.

Matching is done on words from :func:`rag.thai.segment.word_spans`, compared through the
same folding as keyword search, so ``๒๕๖๖`` matches ``2566`` and a word inside
an unspaced Thai run is found.

>>> text = "ในปี ๒๕๖๖ สสส.สนับสนุนโครงการลดเหล้าเข้าพรรษา"
>>> [text[s:e] for s, e in match_spans(text, "ลดเหล้า ปี 2566")]
['ปี', '๒๕๖๖', 'ลดเหล้า']
>>> mark(text, "เข้าพรรษา", "[", "]")
'ในปี ๒๕๖๖ สสส.สนับสนุนโครงการลดเหล้า[เข้าพรรษา]'
"""

from __future__ import annotations

from rag.thai.match import search_tokens
from rag.thai.segment import word_spans


def match_spans(text: str, query: str) -> list[tuple[int, int]]:
    """Spans of the words of ``text`` that occur among the query's search tokens.

    Args:
        text: The passage.
        query: The question.

    Returns:
        Word spans in order, adjacent matches merged.
    """
    wanted = set(search_tokens(query))
    spans: list[tuple[int, int]] = []
    for start, end in word_spans(text):
        tokens = search_tokens(text[start:end])
        if tokens and all(t in wanted for t in tokens):
            if spans and spans[-1][1] == start:
                spans[-1] = (spans[-1][0], end)
            else:
                spans.append((start, end))
    return spans


def mark(text: str, query: str, before: str = "**", after: str = "**") -> str:
    """``text`` with query words wrapped in ``before``/``after`` markers."""
    out, pos = [], 0
    for start, end in match_spans(text, query):
        out += [text[pos:start], before, text[start:end], after]
        pos = end
    return "".join([*out, text[pos:]])


def snippet(text: str, query: str, width: int = 240) -> tuple[int, int]:
    """The ``width``-character window of ``text`` holding the most matched words.

    Returns:
        ``(start, end)`` offsets into ``text``.
    """
    if len(text) <= width:
        return 0, len(text)
    spans = match_spans(text, query)
    best_start, best_count = 0, -1
    for start, _ in spans:
        begin = max(0, start - width // 4)
        count = sum(1 for s, e in spans if s >= begin and e <= begin + width)
        if count > best_count:
            best_start, best_count = begin, count
    return best_start, min(len(text), best_start + width)
