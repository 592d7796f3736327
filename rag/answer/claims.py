r"""Reading a generated answer: its claims, their ``[n]`` markers, their words and numbers.

An LLM answer cites passages with markers such as ``[1]``, ``[1][2]``, ``[1, 2]`` or
``[1-3]`` (Thai digits too). :func:`split_claims` cuts the answer into claims: a run
of markers ends one, and so does a line break; text carrying no marker is cut into
sentences by :func:`rag.thai.segment.sentence_spans`, fragments (``สสส.`` alone, a lone
number) joined to their neighbours. :func:`rag.answer.verify.verify_answer` then checks each
claim against what it cites.

>>> sorted(numbers_of("ร้อยละ ๒ ของ 1,000 คน ปี 2544"))
['1000', '2', '2544']
>>> content_tokens("สสส. ได้รับเงินจากภาษีสุราและยาสูบ")
['สสส', 'รับเงิน', 'ภาษี', 'สุรา', 'ยาสูบ']
"""

from __future__ import annotations

import re
from functools import lru_cache

from rag.thai.match import search_tokens
from rag.thai.normalize import fold_digits
from rag.thai.segment import sentence_spans

# Function words found in at least 30% of 2,910 windows of 600 characters of real Thai
# text (XQuAD-th paragraphs and thaigov news, shared/); the negation ไม่ (29%) and
# digits are deliberately not in the set. A few English ones for mixed text.
STOPWORDS = frozenset(
    {
        *("และ", "การ", "ที่", "ใน", "ของ", "ให้", "มี", "ได้", "โดย", "เพื่อ", "เป็น", "จาก"),
        *("กับ", "ซึ่ง", "ตาม", "หรือ"),
        *("the", "a", "an", "of", "and", "or", "in", "on", "to", "is", "are", "for", "by"),
    }
)
# claims and passage sentences shorter than this many content tokens are fragments
MIN_CLAIM_TOKENS = 2

_NUMBER = re.compile(r"\d+(?:[.,]\d+)*")
_MARKER = re.compile(r"\[\s*(\d+(?:\s*[-–,]\s*\d+)*)\s*\]")
_MARKER_RUN = re.compile(r"(?:\s*\[\s*\d+(?:\s*[-–,]\s*\d+)*\s*\])+")
_LINE = re.compile(r"[^\n]+")
_SPACES = re.compile(r"[ \t]+")
_MAX_RANGE = 20


def numbers_of(text: str) -> frozenset[str]:
    """Numbers in ``text``, Thai digits folded and thousands separators removed."""
    return frozenset(m.replace(",", "") for m in _NUMBER.findall(fold_digits(text)))


@lru_cache(maxsize=4096)
def tokens_of(text: str) -> tuple[str, ...]:
    """:func:`rag.thai.match.search_tokens` of ``text``, cached (passages are read per claim)."""
    return tuple(search_tokens(text))


def content_tokens(text: str) -> list[str]:
    """Search tokens of ``text`` without stopwords, numbers and one-character tokens."""
    return [
        t for t in tokens_of(text) if len(t) > 1 and t not in STOPWORDS and not _NUMBER.fullmatch(t)
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


def _cited_numbers(markers: list[str]) -> list[int]:
    numbers: list[int] = []
    for body in markers:
        for part in fold_digits(body).split(","):
            ends = [int(x) for x in re.split(r"\s*[-–]\s*", part.strip()) if x]
            if len(ends) == 2 and 0 <= ends[1] - ends[0] <= _MAX_RANGE:
                numbers.extend(range(ends[0], ends[1] + 1))
            else:
                numbers.extend(ends)
    return numbers


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
            cited = _cited_numbers(_MARKER.findall(run.group()))
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
