"""Fusing the BM25 and dense candidate lists into one ranking.

Two methods, picked explicitly by :func:`fuse`: reciprocal rank fusion
(:func:`rrf`) and a weighted sum of min-max normalised scores (:func:`weighted`).
"""

from __future__ import annotations

from collections.abc import Collection, Sequence

from rag.search.settings import RetrievalSettings

Ranked = list[tuple[str, float]]


def rrf(lists: Sequence[Ranked], weights: Sequence[float], rrf_k: float = 60.0) -> Ranked:
    """Reciprocal rank fusion: ``sum(w / (rrf_k + rank))`` with 1-based ranks.

    >>> rrf([[("a", 9.0), ("b", 1.0)], [("b", 0.9)]], [1.0, 1.0], rrf_k=60)[0][0]
    'b'
    """
    fused: dict[str, float] = {}
    for ranked, weight in zip(lists, weights, strict=True):
        for rank, (cid, _) in enumerate(ranked, start=1):
            fused[cid] = fused.get(cid, 0.0) + weight / (rrf_k + rank)
    return sorted(fused.items(), key=lambda item: -item[1])


def weighted(lists: Sequence[Ranked], weights: Sequence[float]) -> Ranked:
    """Weighted sum of min-max normalised scores (a chunk absent from a list gets 0).

    Each list's best score maps to 1 and its worst to 0 (a one-item list maps to 1),
    so BM25's unbounded scores and cosine similarities become comparable.

    >>> weighted([[("a", 10.0), ("b", 5.0)], [("b", 0.9), ("a", 0.8)]], [1.0, 2.0])
    [('b', 2.0), ('a', 1.0)]
    """
    fused: dict[str, float] = {}
    for ranked, weight in zip(lists, weights, strict=True):
        if not ranked:
            continue
        top, low = ranked[0][1], ranked[-1][1]
        span = top - low
        for cid, score in ranked:
            norm = 1.0 if span <= 0 else (score - low) / span
            fused[cid] = fused.get(cid, 0.0) + weight * norm
    return sorted(fused.items(), key=lambda item: -item[1])


def fuse(
    sparse: Ranked,
    dense: Ranked,
    settings: RetrievalSettings,
    pending: Collection[str] = frozenset(),
) -> Ranked:
    """One ranking from the BM25 and dense lists, as ``settings`` say.

    A single mode returns its own list unchanged; ``hybrid`` fuses both. A chunk
    in ``pending`` has no vector yet (keyword-first ingest): it is ranked by its
    keyword score alone, scaled by ``(bm25_weight + dense_weight) / bm25_weight``,
    as if its dense score matched its keyword one, so it is not sunk for lacking one.

    >>> from rag.config import Config
    >>> s = RetrievalSettings.from_config(Config(fusion="rrf", bm25_weight=1.0, dense_weight=1.0))
    >>> [cid for cid, _ in fuse([("ก", 3.0), ("ข", 1.0)], [("ข", 0.9)], s)]
    ['ข', 'ก']
    """
    if settings.mode == "bm25":
        return sparse
    if settings.mode == "dense":
        return dense
    if settings.fusion == "rrf":
        fused = rrf([sparse, dense], settings.weights, settings.rrf_k)
    else:
        fused = weighted([sparse, dense], settings.weights)
    bm25_weight = settings.weights[0]
    if not pending or bm25_weight <= 0:
        return fused
    scale = sum(settings.weights) / bm25_weight
    rescored = [(cid, score * scale if cid in pending else score) for cid, score in fused]
    return sorted(rescored, key=lambda item: -item[1])
