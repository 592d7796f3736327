"""Coverage rerank: the head of the fused list, reordered by how much of the question it holds.

BM25 rewards a passage that repeats some of the question's words, and a dense vector
rewards the topic. Neither asks whether a passage holds *all* of the question's
specific terms: its year, its province, the programme's name. Across look-alike news
articles (the same campaign in another year, the same press release for another
province) that is the difference between the right article and its neighbour.

Each of the first :data:`DEPTH` fused chunks gains ``coverage`` times the best fused
score, times its :func:`field_coverage`: the IDF-weighted share of the question's
terms (:func:`rag.search.terms.evidence_terms`) it holds
(:func:`rag.search.terms.appears`). A term that only the
document's title holds counts ``title_share`` of its weight: the title is a field of
every chunk of its document, since a headline names the event that the body's
chunks then describe without repeating it.

The weights were chosen on the odd-numbered questions of thaihealth-news and
XQuAD-th and checked on the even ones (``eval/bench_rerank.py``, ``eval/reports/rerank.md``).
"""

from __future__ import annotations

from collections.abc import Mapping

from rag.data import Chunk
from rag.search.fusion import Ranked
from rag.search.terms import Terms, appears

DEPTH = 30  # fused chunks reordered; 20 and 50 ranked the same in the sweep


def field_coverage(terms: Terms, text: str, title: str = "", title_share: float = 0.0) -> float:
    """IDF-weighted share of ``terms`` in ``text``; one only in ``title`` counts ``title_share``.

    >>> terms = {"ฝุ่น": 1.0, "เชียงใหม่": 2.0, "2567": 1.0}
    >>> field_coverage(terms, "ค่าฝุ่นที่เชียงใหม่ ปี 2567 สูงสุด")
    1.0
    >>> field_coverage(terms, "ค่าฝุ่นปี 2567", title="ฝุ่นเชียงใหม่วิกฤต", title_share=0.5)
    0.75
    >>> field_coverage({}, "ข้อความใด ๆ")
    0.0
    """
    total = sum(terms.values())
    if total <= 0:
        return 0.0
    held = 0.0
    for term, weight in terms.items():
        if appears(term, text):
            held += weight
        elif title_share and title and appears(term, title):
            held += title_share * weight
    return held / total


def rerank(
    fused: Ranked,
    found: Mapping[str, tuple[Chunk, str]],
    terms: Terms,
    coverage: float,
    title_share: float,
) -> Ranked:
    """``fused`` with its first :data:`DEPTH` chunks rescored by their term coverage.

    Args:
        fused: Chunk ids and fused scores, best first.
        found: ``chunk id -> (Chunk, document title)``; an id it lacks keeps its score.
        terms: The question's terms and their IDF weights.
        coverage: The gain of a chunk holding every term, as a share of the best score.
        title_share: What a term in the title alone counts (see :func:`field_coverage`).

    >>> from rag.data import Chunk
    >>> found = {"a": (Chunk("a", "d1", 1, 0, 9, "ฝุ่นเกินมาตรฐาน"), "ข่าวฝุ่น"),
    ...          "b": (Chunk("b", "d2", 1, 0, 9, "ฝุ่นเชียงใหม่เกินมาตรฐาน"), "ข่าวฝุ่น")}
    >>> terms = {"ฝุ่น": 1.0, "เชียงใหม่": 3.0}
    >>> [cid for cid, _ in rerank([("a", 1.0), ("b", 0.8)], found, terms, 0.5, 0.5)]
    ['b', 'a']
    >>> rerank([("a", 1.0), ("b", 0.8)], found, terms, 0.0, 0.5)
    [('a', 1.0), ('b', 0.8)]
    """
    if coverage <= 0 or not fused or not terms:
        return fused
    gain = coverage * fused[0][1]

    def rescored(cid: str, score: float) -> float:
        if cid not in found:
            return score
        chunk, title = found[cid]
        return score + gain * field_coverage(terms, chunk.text, title, title_share)

    head = [(cid, rescored(cid, score)) for cid, score in fused[:DEPTH]]
    return sorted(head, key=lambda item: -item[1]) + fused[DEPTH:]
