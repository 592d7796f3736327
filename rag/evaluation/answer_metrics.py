"""Pure metrics of answer text: token F1, containment, refusals and groundedness.

All Thai handling goes through :mod:`rag.thai` (tokens, the matching fold); ``[n]``
markers and claims are read by :mod:`rag.answer.claims`, so groundedness scores the
claims the verifier checks.

>>> round(token_f1("สสส. ก่อตั้งปี 2544 [1]", "ก่อตั้งปี 2544"), 2)
0.86
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Mapping, Sequence

from rag.answer.claims import split_claims, strip_markers
from rag.thai.clauses import ends_open
from rag.thai.match import compact, search_tokens

Judge = Callable[[str, str], bool]


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


def contains(answer: str, needle: str) -> bool:
    """Whether ``needle`` occurs in the answer, ignoring whitespace, digit script and case.

    >>> contains("ร้อยละ ๑๖.๙ [1]", "16.9"), contains("78,7 42 คน", "78,742")
    (True, True)
    >>> contains("ข้อ [1] ระบุ", "1")  # markers are not part of the answer
    False
    """
    # casefold on top of the matching fold: only letters such as ß differ from lower()
    return compact(needle).casefold() in compact(strip_markers(answer)).casefold()


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


def mid_clause(quotes: Sequence[str]) -> float | None:
    """1.0 when a cited passage of an answer stops inside a clause, else 0.0.

    "Inside a clause" is :func:`rag.thai.clauses.ends_open`: on a word that opens
    what follows (``…ลดลงจากร้อยละ``). ``None`` for an answer without citations.

    >>> mid_clause(["อัตราการสูบบุหรี่ลดลงจากร้อยละ"]), mid_clause(["ลดลงเหลือร้อยละ 15"])
    (1.0, 0.0)
    """
    if not quotes:
        return None
    return float(any(ends_open(q) for q in quotes))


def groundedness(text: str, passages: Mapping[int, str], judge: Judge) -> float | None:
    r"""Share of the answer's claims supported by a passage they cite.

    The claims are those :func:`rag.answer.verify.verify_answer` checks
    (:func:`rag.answer.claims.split_claims`): a run of markers or a line break ends
    one, and text carrying no marker is cut into sentences.

    Args:
        text: The answer with ``[n]`` markers.
        passages: Citation number to the cited passage text.
        judge: ``judge(sentence, passage)``: whether the passage supports the sentence
            (the evaluator passes :func:`rag.answer.verify.is_supported`).

    Returns:
        The share in ``[0, 1]``; a claim citing nothing, or only numbers that are not
        in ``passages``, is unsupported. ``None`` for an answer without claims.

    >>> groundedness("ก [1]\n\nข [2]\n\nง", {1: "ก", 2: "ค"}, lambda s, p: s in p)
    0.3333333333333333
    """
    claims = split_claims(text)
    if not claims:
        return None
    supported = sum(
        any(judge(body, passages[n]) for n in dict.fromkeys(cited) if n in passages)
        for body, cited, _ in claims
    )
    return supported / len(claims)
