"""Pure metrics of answer text: token F1, containment, refusals and groundedness.

All Thai handling goes through :mod:`rag.thai` (segmentation, normalisation, digit
folding). ``[n]`` citation markers are parsed here for groundedness.

>>> round(token_f1("สสส. ก่อตั้งปี 2544 [1]", "ก่อตั้งปี 2544"), 2)
0.86
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Mapping, Sequence

from rag.thai.match import search_tokens
from rag.thai.normalize import fold_digits, normalize
from rag.thai.segment import sentence_spans

Judge = Callable[[str, str], bool]

_MARKER = re.compile(r"\[\s*\d+(?:\s*[-–,]\s*\d+)*\s*\]")
_LEADING_MARKERS = re.compile(r"^(?:\s*\[\s*\d+(?:\s*[-–,]\s*\d+)*\s*\])+")
_MARKER_NUMBER = re.compile(r"\d+")


def strip_markers(text: str) -> str:
    """The answer without its ``[n]`` citation markers.

    >>> strip_markers("ร้อยละ 16.9 [1][2, 3]")
    'ร้อยละ 16.9 '
    """
    return _MARKER.sub("", text)


def token_f1(prediction: str, reference: str) -> float:
    """SQuAD-style token F1 with Thai segmentation (:func:`rag.thai.match.search_tokens`).

    Tokens are normalised, digits folded and lower-cased; the overlap is a multiset
    intersection. Markers are stripped from the prediction. Two empty texts score 1.0,
    one empty text 0.0.

    >>> token_f1("ลดการดื่มสุรา [1]", "ลดการดื่มสุรา")
    1.0
    >>> round(token_f1("ลดการดื่ม", "ลดการดื่มสุรา"), 4)  # P 3/3, R 3/4
    0.8571
    """
    pred = search_tokens(strip_markers(prediction))
    ref = search_tokens(reference)
    if not pred or not ref:
        return float(pred == ref)
    same = sum((Counter(pred) & Counter(ref)).values())
    if not same:
        return 0.0
    precision, recall = same / len(pred), same / len(ref)
    return 2 * precision * recall / (precision + recall)


def _squash(text: str) -> str:
    """Normalised, digits folded, case-folded, with all whitespace removed."""
    return "".join(fold_digits(normalize(text)).casefold().split())


def contains(answer: str, needle: str) -> bool:
    """Whether ``needle`` occurs in the answer, ignoring whitespace, digit script and case.

    >>> contains("ร้อยละ ๑๖.๙ [1]", "16.9"), contains("78,7 42 คน", "78,742")
    (True, True)
    >>> contains("ข้อ [1] ระบุ", "1")  # markers are not part of the answer
    False
    """
    return _squash(needle) in _squash(strip_markers(answer))


def containment(answer: str, must_contain: Sequence[str]) -> float | None:
    """Share of the required strings found in the answer; ``None`` when none are required.

    >>> containment("ปี 2565 ใน 120 โรงเรียน", ["2565", "1,250"])
    0.5
    """
    if not must_contain:
        return None
    return sum(contains(answer, s) for s in must_contain) / len(must_contain)


def refusal_accuracy(refused: Sequence[bool]) -> float | None:
    """Share of *unanswerable* questions the system declined; ``None`` for none.

    >>> refusal_accuracy([True, True, False, True])
    0.75
    """
    return sum(refused) / len(refused) if refused else None


def false_refusal_rate(refused: Sequence[bool]) -> float | None:
    """Share of *answerable* questions the system declined (lower is better)."""
    return sum(refused) / len(refused) if refused else None


def answer_claims(text: str) -> list[tuple[str, tuple[int, ...]]]:
    r"""Sentences of an answer (:func:`rag.thai.segment.sentence_spans`) and the markers they carry.

    Marker text is removed from each sentence; markers that open a sentence belong to
    the one before it (``… 2544. [1] ต่อมา …``). A sentence without markers takes those
    of the next marked sentence of its paragraph (one citation closing a statement of
    several sentences). Sentences left empty are dropped.

    >>> answer_claims("สสส. ก่อตั้งในปี 2544 [1]\n\nได้รับเงินจากภาษีสุรา [2, 3]")
    [('สสส.', (1,)), ('ก่อตั้งในปี 2544', (1,)), ('ได้รับเงินจากภาษีสุรา', (2, 3))]
    """
    claims: list[tuple[str, tuple[int, ...], int]] = []
    paragraph, previous_end = 0, 0
    for start, end in sentence_spans(text):
        piece = text[start:end]
        paragraph += "\n\n" in text[previous_end:start].replace(" ", "")
        previous_end = end
        leading = _LEADING_MARKERS.match(piece)
        if leading and claims:
            extra = tuple(int(n) for n in _MARKER_NUMBER.findall(fold_digits(leading.group())))
            body, cited, where = claims[-1]
            claims[-1] = (body, cited + extra, where)
            piece = piece[leading.end() :]
        cited = tuple(
            int(n)
            for marker in _MARKER.findall(piece)
            for n in _MARKER_NUMBER.findall(fold_digits(marker))
        )
        body = " ".join(strip_markers(piece).split())
        if body:
            claims.append((body, cited, paragraph))
    out: list[tuple[str, tuple[int, ...]]] = []
    for i, (body, cited, where) in enumerate(claims):
        later = (c for _, c, w in claims[i + 1 :] if w == where and c)
        out.append((body, cited or next(later, ())))
    return out


def groundedness(text: str, passages: Mapping[int, str], judge: Judge) -> float | None:
    r"""Share of the answer's sentences supported by a passage they cite.

    Args:
        text: The answer with ``[n]`` markers.
        passages: Citation number to the cited passage text.
        judge: ``judge(sentence, passage)``: whether the passage supports the sentence
            (the evaluator passes :func:`rag.answer.verify.is_supported`).

    Returns:
        The share in ``[0, 1]``; a sentence citing nothing, or only numbers that are not
        in ``passages``, is unsupported. ``None`` for an answer without sentences.

    >>> groundedness("ก [1]\n\nข [2]\n\nง", {1: "ก", 2: "ค"}, lambda s, p: s in p)
    0.3333333333333333
    """
    claims = answer_claims(text)
    if not claims:
        return None
    supported = sum(
        any(judge(body, passages[n]) for n in dict.fromkeys(cited) if n in passages)
        for body, cited in claims
    )
    return supported / len(claims)
