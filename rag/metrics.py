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
from collections.abc import Iterable, Sequence


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
