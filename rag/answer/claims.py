r"""Reading an answer: its ``[n]`` markers and its claims, in one place.

An answer cites passages with markers such as ``[1]``, ``[1][2]``, ``[1, 2]`` or
``[1-3]``, Thai digits too (``[๑]``); :data:`MARKER` is the one pattern, used by the
verifier, the answer metrics, the follow-up rule, the prompts and the chat renderer.
:func:`split_claims` cuts the answer into claims: a run of markers ends one, and so
does a line break; text carrying no marker is cut into sentences by
:func:`rag.thai.segment.sentence_spans`, fragments (``สสส.`` alone, a lone number)
joined to their neighbours. :func:`rag.answer.verify.verify_answer` then checks each
claim against what it cites, and the groundedness metric scores the same claims.

>>> strip_markers("ก่อตั้งปี 2544 [1][2, 3] และ [๔-๕]")
'ก่อตั้งปี 2544 และ'
>>> content_tokens("สสส. ได้รับเงินจากภาษีสุราและยาสูบ")
['สสส', 'รับเงิน', 'ภาษี', 'สุรา', 'ยาสูบ']
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from rag.thai.match import cached_search_tokens, is_number, is_stop_word
from rag.thai.normalize import fold_digits
from rag.thai.segment import sentence_spans

# claims and passage sentences shorter than this many content tokens are fragments
MIN_CLAIM_TOKENS = 2

# one citation marker: [1], [1, 3], [1-3], [๑]; ``\d`` matches Thai digits too
MARKER = re.compile(r"\[\s*\d+(?:\s*[-–,]\s*\d+)*\s*\]")
_MARKER_RUN = re.compile(rf"(?:\s*{MARKER.pattern})+")
_LINE = re.compile(r"[^\n]+")
_SPACES = re.compile(r"[ \t]+")
_MAX_RANGE = 20


def cited_numbers(marker: str) -> list[int]:
    """Passage numbers one marker cites, ranges expanded (up to 20 numbers).

    >>> cited_numbers("[1-3]"), cited_numbers("[๒, ๕]"), cited_numbers("[1-99]")
    ([1, 2, 3], [2, 5], [1, 99])
    """
    numbers: list[int] = []
    for part in fold_digits(marker.strip("[] \t")).split(","):
        ends = [int(x) for x in re.split(r"\s*[-–]\s*", part.strip()) if x]
        if len(ends) == 2 and 0 <= ends[1] - ends[0] <= _MAX_RANGE:
            numbers.extend(range(ends[0], ends[1] + 1))
        else:
            numbers.extend(ends)
    return numbers


def markers(text: str) -> Iterator[tuple[int, int, list[int]]]:
    """Each marker of ``text`` as ``(start, end, cited numbers)``.

    >>> list(markers("ก [1] ข [๒, 3]"))
    [(2, 5, [1]), (8, 14, [2, 3])]
    """
    for m in MARKER.finditer(text):
        yield m.start(), m.end(), cited_numbers(m.group())


def strip_markers(text: str) -> str:
    """``text`` without its markers and the whitespace before each, trimmed.

    >>> strip_markers("ร้อยละ 16.9 [1][2, 3]")
    'ร้อยละ 16.9'
    """
    return _MARKER_RUN.sub("", text).strip()


def split_at_markers(text: str) -> list[str]:
    """The pieces of ``text`` between runs of markers.

    >>> split_at_markers("ก่อตั้งปี 2544 [1][๒] มีรายได้ [3, 4] ")
    ['ก่อตั้งปี 2544', ' มีรายได้', ' ']
    """
    return _MARKER_RUN.split(text)


def content_tokens(text: str) -> list[str]:
    """Search tokens of ``text`` without stop words, numbers and one-character tokens."""
    return [
        t
        for t in cached_search_tokens(text)
        if len(t) > 1 and not is_stop_word(t) and not is_number(t)
    ]


def passage_units(passage: str) -> list[tuple[int, int]]:
    """Sentence spans of a passage, a fragment (``สสส.``) joined to the next sentence."""
    units: list[tuple[int, int]] = []
    pending: int | None = None
    for span_start, end in sentence_spans(passage):
        start = span_start if pending is None else pending
        if len(content_tokens(passage[start:end])) < MIN_CLAIM_TOKENS:
            pending = start
            continue
        units.append((start, end))
        pending = None
    if pending is not None:
        units.append((pending, len(passage.rstrip())))
    return units or [(0, len(passage))]


def _uncited_pieces(text: str) -> list[str]:
    """Sentences of text carrying no marker, fragments joined.

    A fragment under :data:`MIN_CLAIM_TOKENS` content tokens (``สสส.``, a lone
    number) is joined to the next sentence, or to the previous one at the end.
    """
    pieces: list[str] = []
    buffer = ""
    for start, end in sentence_spans(text):
        buffer = f"{buffer} {text[start:end]}".strip()
        if len(content_tokens(buffer)) >= MIN_CLAIM_TOKENS:
            pieces.append(buffer)
            buffer = ""
    if buffer and pieces:
        pieces[-1] = f"{pieces[-1]} {buffer}"
    elif any(ch.isalnum() for ch in buffer):
        pieces.append(buffer)
    return pieces


def split_claims(text: str) -> list[tuple[str, list[int], str]]:
    r"""Claims of an answer as ``(text without markers, cited numbers, separator)``.

    A run of ``[n]`` markers ends the claim before it, and so does a line break;
    markers opening a line belong to the claim before them. Text after the last
    marker of a line is cut into sentences by :func:`rag.thai.segment.sentence_spans`.

    >>> split_claims("สสส. ก่อตั้งในปี 2544 [1] มีรายได้จากภาษี [2]\n\nสุรา [๓]")[-1]
    ('สุรา', [3], '\n\n')
    >>> [c[:2] for c in split_claims("สสส. ก่อตั้งในปี 2544 [1] มีรายได้จากภาษี [2]")]
    [('สสส. ก่อตั้งในปี 2544', [1]), ('มีรายได้จากภาษี', [2])]
    """
    claims: list[tuple[str, list[int], str]] = []
    line_end = 0
    for line in _LINE.finditer(text):
        separator = text[line_end : line.start()] if claims else ""
        line_end = line.end()
        cursor = 0
        bodies: list[tuple[str, list[int]]] = []
        for run in _MARKER_RUN.finditer(line.group()):
            body = _clean(line.group()[cursor : run.start()])
            cited = [n for _, _, ns in markers(run.group()) for n in ns]
            cursor = run.end()
            if body:
                bodies.append((body, cited))
            elif bodies:
                bodies[-1] = (bodies[-1][0], bodies[-1][1] + cited)
            elif claims:
                claims[-1] = (claims[-1][0], claims[-1][1] + cited, claims[-1][2])
        bodies += [(piece, []) for piece in _uncited_pieces(_clean(line.group()[cursor:]))]
        for i, (body, cited) in enumerate(bodies):
            claims.append((body, cited, "" if not claims else separator if i == 0 else " "))
    return claims


def _clean(text: str) -> str:
    return _SPACES.sub(" ", text).strip().lstrip(",;:").strip()
