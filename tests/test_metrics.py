"""Metrics against values computed by hand."""

import math

import pytest

from rag.evaluation.metrics import first_gold_rank, hit_at_k, mean, mrr_at_k, ndcg_at_k, percentile


def test_hand_computed_ranking():
    ranked = ["a", "g", "b", "h"]
    gold = {"g", "h"}
    assert hit_at_k(ranked, gold, 1) == 0.0
    assert hit_at_k(ranked, gold, 2) == 1.0
    assert mrr_at_k(ranked, gold) == 0.5
    # DCG = 1/log2(3) + 1/log2(5); IDCG = 1 + 1/log2(3)
    expected = (1 / math.log2(3) + 1 / math.log2(5)) / (1 + 1 / math.log2(3))
    assert ndcg_at_k(ranked, gold) == pytest.approx(expected)
    assert first_gold_rank(ranked, gold) == 2


def test_no_gold_scores_zero():
    assert hit_at_k(["a"], set(), 5) == 0.0
    assert mrr_at_k(["a"], set()) == 0.0
    assert ndcg_at_k(["a"], set()) == 0.0
    assert first_gold_rank(["a"], set()) is None


def test_duplicate_hits_count_once():
    # three chunks of the same wrong document must not push gold to rank 4
    ranked = ["x", "x", "x", "g"]
    assert mrr_at_k(ranked, {"g"}) == 0.5
    assert hit_at_k(ranked, {"g"}, 2) == 1.0
    assert ndcg_at_k(["g", "g"], {"g"}) == 1.0


def test_gold_beyond_cutoff():
    ranked = [f"d{i}" for i in range(20)] + ["g"]
    assert mrr_at_k(ranked, {"g"}, k=10) == 0.0
    assert ndcg_at_k(ranked, {"g"}, k=10) == 0.0


def test_empty_ranking_and_aggregates():
    assert mrr_at_k([], {"g"}) == 0.0
    assert mean([]) == 0.0 and mean([1.0, 0.0]) == 0.5
    assert percentile([], 95) == 0.0
    assert percentile([10.0], 95) == 10.0
    assert percentile([1.0, 2.0, 3.0, 4.0, 5.0], 95) == pytest.approx(4.8)
