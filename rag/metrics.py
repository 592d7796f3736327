"""Pure evaluation metrics over ranked ids and answers.

Ranked lists may repeat an id (several chunks of one document); a repeated id
counts once, at its first rank, so duplicates never inflate a score.

>>> hit_at_k(["d3", "d1", "d9"], {"d1"}, k=1), hit_at_k(["d3", "d1"], {"d1"}, k=2)
(0.0, 1.0)
>>> mrr_at_k(["d3", "d3", "d1"], {"d1"})
0.5
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Callable, Collection, Iterable, Mapping, Sequence

from rag.thai import fold_digits, normalize, search_tokens, sentence_spans


def dedupe(ranked: Iterable[str]) -> list[str]:
    """Ids in first-seen order, repeats dropped.

    >>> dedupe(["a", "b", "a", "c"])
    ['a', 'b', 'c']
    """
    return list(dict.fromkeys(ranked))


def hit_at_k(ranked: Sequence[str], gold: set[str], k: int) -> float:
    """1.0 when a gold id is among the first ``k`` distinct ids (0.0 with no gold)."""
    return 1.0 if gold and set(dedupe(ranked)[:k]) & gold else 0.0


def mrr_at_k(ranked: Sequence[str], gold: set[str], k: int = 10) -> float:
    """Reciprocal rank of the first gold id within the first ``k`` distinct ids."""
    for rank, item in enumerate(dedupe(ranked)[:k], start=1):
        if item in gold:
            return 1.0 / rank
    return 0.0


def ndcg_at_k(ranked: Sequence[str], gold: set[str], k: int = 10) -> float:
    """nDCG@k with binary gains; the ideal DCG puts every gold id first.

    >>> round(ndcg_at_k(["x", "g1", "g2"], {"g1", "g2"}, k=10), 4)
    0.6934
    >>> ndcg_at_k(["g"], set())
    0.0
    """
    if not gold:
        return 0.0
    dcg = sum(
        1.0 / math.log2(r + 1) for r, item in enumerate(dedupe(ranked)[:k], start=1) if item in gold
    )
    ideal = sum(1.0 / math.log2(r + 1) for r in range(1, min(len(gold), k) + 1))
    return dcg / ideal


def first_gold_rank(ranked: Sequence[str], gold: set[str]) -> int | None:
    """1-based rank of the first gold id among distinct ids, or None."""
    for rank, item in enumerate(dedupe(ranked), start=1):
        if item in gold:
            return rank
    return None


def mean(values: Iterable[float]) -> float:
    """Arithmetic mean; 0.0 for no values."""
    items = list(values)
    return sum(items) / len(items) if items else 0.0


def percentile(values: Sequence[float], q: float) -> float:
    """The ``q``-th percentile (0–100) by linear interpolation; 0.0 for no values.

    >>> percentile([1.0, 2.0, 3.0, 4.0], 50)
    2.5
    """
    if not values:
        return 0.0
    ordered = sorted(values)
    pos = (len(ordered) - 1) * q / 100
    low = math.floor(pos)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (pos - low)


# --- answers and citations ----------------------------------------------------------
#
# A *source* is where an answer is: ``(document, page)``. The document is a file name
# (``tobacco-control-2567.pdf``) or a document id (a JSONL article's id); the page is
# ``None`` when any page of the document will do. A *location* is what the system
# retrieved or cited: the names it is known by (its doc id and its file name) and a page.

Source = tuple[str, int | None]
Location = tuple[Collection[str], int]
Judge = Callable[[str, str], bool]

_MARKER = re.compile(r"\[\s*\d+(?:\s*[-–,]\s*\d+)*\s*\]")
_LEADING_MARKERS = re.compile(r"^(?:\s*\[\s*\d+(?:\s*[-–,]\s*\d+)*\s*\])+")
_MARKER_NUMBER = re.compile(r"\d+")


def mean_defined(values: Iterable[float | None]) -> float | None:
    """Mean of the values that are not ``None``; ``None`` when there are none.

    >>> mean_defined([1.0, None, 0.0]), mean_defined([None])
    (0.5, None)
    """
    items = [v for v in values if v is not None]
    return sum(items) / len(items) if items else None


def matches(location: Location, source: Source) -> bool:
    """Whether a retrieved or cited location is the gold source.

    >>> matches(({"a1b2", "report.pdf"}, 3), ("report.pdf", 3))
    True
    >>> matches(({"a1b2", "report.pdf"}, 2), ("report.pdf", 3))
    False
    >>> matches(({"news-17"}, 1), ("news-17", None))
    True
    """
    names, page = location
    doc, gold_page = source
    return doc in names and (gold_page is None or gold_page == page)


def source_key(source: Source) -> str:
    """A label for a gold source: ``doc#page``, or ``doc`` when any page will do."""
    doc, page = source
    return doc if page is None else f"{doc}#{page}"


def ranked_labels(found: Sequence[Location], gold: Sequence[Source]) -> list[str]:
    r"""Labels of ranked locations for the ranking metrics above.

    A location that matches a gold source takes that source's :func:`source_key`, so
    several chunks of one gold page count once; any other location gets a label of
    its own page (``\x00`` prefixed, so it never equals a gold key).

    >>> ranked_labels([({"x", "a.pdf"}, 2), ({"y", "b.pdf"}, 1)], [("b.pdf", None)])
    ['\x00a.pdf#2', 'b.pdf']
    """
    labels = []
    for names, page in found:
        hit = next((s for s in gold if matches((names, page), s)), None)
        labels.append(source_key(hit) if hit else f"\x00{min(names)}#{page}")
    return labels


def citation_precision(cited: Sequence[Location], gold: Sequence[Source]) -> float | None:
    """Share of the citations that point at a gold source.

    ``None`` (left out of averages) when there is no gold or no citation.

    >>> citation_precision([({"a.pdf"}, 2), ({"b.pdf"}, 1)], [("a.pdf", 2)])
    0.5
    """
    if not gold or not cited:
        return None
    return sum(any(matches(c, s) for s in gold) for c in cited) / len(cited)


def citation_recall(cited: Sequence[Location], gold: Sequence[Source]) -> float | None:
    """Share of the gold *documents* that some citation points at.

    Gold entries of one document are alternatives (the same fact on two pages), so a
    document counts as found when any of its gold pages is cited. ``None`` without gold;
    0.0 when nothing is cited.

    >>> citation_recall([({"a.pdf"}, 3)], [("a.pdf", 2), ("a.pdf", 3), ("b.pdf", 1)])
    0.5
    """
    if not gold:
        return None
    docs: dict[str, list[Source]] = {}
    for source in gold:
        docs.setdefault(source[0], []).append(source)
    found = sum(any(matches(c, s) for c in cited for s in group) for group in docs.values())
    return found / len(docs)


def strip_markers(text: str) -> str:
    """The answer without its ``[n]`` citation markers.

    >>> strip_markers("ร้อยละ 16.9 [1][2, 3]")
    'ร้อยละ 16.9 '
    """
    return _MARKER.sub("", text)


def token_f1(prediction: str, reference: str) -> float:
    """SQuAD-style token F1 with Thai segmentation (:func:`rag.thai.search_tokens`).

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
    r"""Sentences of an answer (:func:`rag.thai.sentence_spans`) and the markers they carry.

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
            (the evaluator passes :func:`rag.verify.is_supported`).

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


def latency_summary(timings: Sequence[Mapping[str, float]]) -> dict[str, dict[str, float]]:
    """p50, p95 and mean seconds per stage, stages in first-seen order.

    A stage missing from some questions is summarised over the questions that have it.

    >>> latency_summary([{"retrieve": 1.0}, {"retrieve": 3.0}])["retrieve"]
    {'n': 2.0, 'p50': 2.0, 'p95': 2.9, 'mean': 2.0}
    """
    stages: dict[str, list[float]] = {}
    for row in timings:
        for stage, seconds in row.items():
            stages.setdefault(stage, []).append(float(seconds))
    return {
        stage: {
            "n": float(len(values)),
            "p50": percentile(values, 50),
            "p95": percentile(values, 95),
            "mean": mean(values),
        }
        for stage, values in stages.items()
    }
