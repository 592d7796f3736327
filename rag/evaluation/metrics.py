"""Pure evaluation metrics: retrieval ranks, citations against gold sources, latency.

Answer-text metrics (F1, containment, refusals, groundedness) are in
:mod:`rag.evaluation.answer_metrics`.

Ranked lists may repeat an id (several chunks of one document); a repeated id
counts once, at its first rank, so duplicates never inflate a score.

>>> hit_at_k(["d3", "d1", "d9"], {"d1"}, k=1), hit_at_k(["d3", "d1"], {"d1"}, k=2)
(0.0, 1.0)
>>> mrr_at_k(["d3", "d3", "d1"], {"d1"})
0.5
"""

from __future__ import annotations

import math
from collections.abc import Collection, Iterable, Mapping, Sequence


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
