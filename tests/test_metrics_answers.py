"""Answer, citation, refusal, groundedness and latency metrics against hand-computed values."""

import math

import pytest

from rag.answer.claims import split_claims, strip_markers
from rag.evaluation.answer_metrics import (
    containment,
    contains,
    false_refusal_rate,
    groundedness,
    refusal_accuracy,
    token_f1,
)
from rag.evaluation.metrics import (
    citation_precision,
    citation_recall,
    first_gold_rank,
    hit_at_k,
    latency_summary,
    matches,
    mean_defined,
    mrr_at_k,
    ndcg_at_k,
    ranked_labels,
    source_key,
)
from rag.thai.match import search_tokens

A2 = ({"h-a", "a.pdf"}, 2)  # chunk of a.pdf page 2, known by its id and its file name
A3 = ({"h-a", "a.pdf"}, 3)
B1 = ({"h-b", "b.pdf"}, 1)


def judge(sentence: str, passage: str) -> bool:
    """A transparent stand-in for rag.answer.verify.is_supported."""
    return sentence in passage


# --- matching and ranking with page-level gold ----------------------------------------


def test_match_by_file_name_or_doc_id_and_page():
    assert matches(A2, ("a.pdf", 2))
    assert matches(A2, ("h-a", 2))
    assert matches(A2, ("a.pdf", None))  # no page in the gold: any page
    assert not matches(A2, ("a.pdf", 3))
    assert not matches(B1, ("a.pdf", None))


def test_duplicate_hits_of_a_gold_page_count_once():
    # b#1, then two chunks of a#2, then a#3; gold a#2 and a#3
    hits = [B1, A2, A2, A3]
    gold = [("a.pdf", 2), ("a.pdf", 3)]
    labels = ranked_labels(hits, gold)
    assert labels == ["\x00b.pdf#1", "a.pdf#2", "a.pdf#2", "a.pdf#3"]
    wanted = {source_key(s) for s in gold}
    assert hit_at_k(labels, wanted, 1) == 0.0
    assert hit_at_k(labels, wanted, 2) == 1.0
    assert mrr_at_k(labels, wanted) == 0.5
    # distinct ids: x, a#2, a#3 -> DCG = 1/log2(3) + 1/log2(4); IDCG = 1 + 1/log2(3)
    dcg = 1 / math.log2(3) + 0.5
    assert ndcg_at_k(labels, wanted) == pytest.approx(dcg / (1 + 1 / math.log2(3)))
    assert first_gold_rank(labels, wanted) == 2


def test_wrong_pages_of_one_document_are_distinct_misses():
    labels = ranked_labels([A3, ({"h-a", "a.pdf"}, 4), A2], [("a.pdf", 2)])
    assert first_gold_rank(labels, {"a.pdf#2"}) == 3
    assert mrr_at_k(labels, {"a.pdf#2"}) == pytest.approx(1 / 3)


def test_no_gold_ranking():
    labels = ranked_labels([A2], [])
    assert hit_at_k(labels, set(), 5) == 0.0
    assert first_gold_rank(labels, set()) is None


# --- citations ----------------------------------------------------------------------


def test_citation_precision_and_recall_hand_computed():
    cited = [A2, A3, B1]
    gold = [("a.pdf", 2)]
    assert citation_precision(cited, gold) == pytest.approx(1 / 3)
    assert citation_recall(cited, gold) == 1.0


def test_alternative_pages_of_one_document_are_one_gold_document():
    gold = [("a.pdf", 2), ("a.pdf", 5)]
    assert citation_recall([({"a.pdf"}, 5)], gold) == 1.0
    assert citation_precision([({"a.pdf"}, 5)], gold) == 1.0


def test_multi_document_gold_needs_every_document():
    gold = [("a.pdf", None), ("b.pdf", 1)]
    assert citation_recall([({"a.pdf"}, 7)], gold) == 0.5
    assert citation_recall([({"a.pdf"}, 7), B1], gold) == 1.0


def test_citation_edge_cases():
    assert citation_precision([A2], []) is None  # unanswerable: no gold
    assert citation_recall([A2], []) is None
    assert citation_precision([], [("a.pdf", 2)]) is None  # nothing cited (e.g. refused)
    assert citation_recall([], [("a.pdf", 2)]) == 0.0
    # the same page cited twice is two correct citations; an extra wrong one is 1 of 3
    assert citation_precision([A2, A2], [("a.pdf", 2)]) == 1.0
    assert citation_precision([A2, A2, B1], [("a.pdf", 2)]) == pytest.approx(2 / 3)
    assert citation_recall([({"news-7"}, 1)], [("news-7", None)]) == 1.0


# --- answer text ----------------------------------------------------------------------


def test_token_f1_hand_computed():
    pred, ref = "สสส. ก่อตั้งปี ๒๕๔๔ [1]", "สสส. ก่อตั้งปี ๒๕๔๔ (WHO)"
    assert search_tokens(strip_markers(pred)) == ["สสส", "ก่อ", "ตั้งปี", "2544"]
    assert search_tokens(ref) == ["สสส", "ก่อ", "ตั้งปี", "2544", "who"]
    # overlap 4: P = 4/4, R = 4/5, F1 = 2 * 1 * 0.8 / 1.8
    assert token_f1(pred, ref) == pytest.approx(2 * 0.8 / 1.8)
    assert token_f1(ref, ref) == 1.0


def test_token_f1_counts_a_multiset():
    assert search_tokens("ลด ลด ลด") == ["ลด", "ลด", "ลด"]
    # overlap min(3, 1) = 1: P = 1/3, R = 1, F1 = 2 * (1/3) / (4/3) = 0.5
    assert token_f1("ลด ลด ลด", "ลด") == pytest.approx(0.5)


def test_token_f1_empty_answers():
    assert token_f1("", "") == 1.0
    assert token_f1("", "ร้อยละ 16.9") == 0.0
    assert token_f1("ร้อยละ 16.9", "") == 0.0
    assert token_f1("[1] [2]", "ร้อยละ") == 0.0  # only markers is an empty answer
    assert token_f1("สุรา", "ยาสูบ") == 0.0


def test_containment_ignores_whitespace_digit_script_case_and_markers():
    assert contains("พบ 78,7 42 คน", "78,742")  # a space inside the figure in the source
    assert contains("ร้อยละ ๑๗.๖", "17.6")
    assert contains("ยา cytisine", "Cytisine")
    assert contains("น\u0e49\u0e4d\u0e32ดื่ม", "น้ำดื่ม")  # decomposed sara am is normalised
    assert not contains("ตาม [1] ข้อ", "1")
    assert not contains("", "16.9")
    assert containment("เริ่มปี 2565 ใน 120 โรงเรียน", ["2565", "1,250"]) == 0.5
    assert containment("อะไรก็ได้", []) is None
    assert containment("", ["16.9"]) == 0.0


def test_refusals_hand_computed():
    assert refusal_accuracy([True, False, True, True]) == 0.75
    assert false_refusal_rate([False, False, True, False]) == 0.25
    # all refused: perfect on unanswerables, every answerable a false refusal
    assert refusal_accuracy([True, True, True]) == 1.0
    assert false_refusal_rate([True, True]) == 1.0
    assert refusal_accuracy([]) is None and false_refusal_rate([]) is None


# --- groundedness ---------------------------------------------------------------------


def test_groundedness_hand_computed():
    text = "ก [1]\n\nข [2]\n\nง"
    assert [c[:2] for c in split_claims(text)] == [("ก", [1]), ("ข", [2]), ("ง", [])]
    # ก is in passage 1; ข is not in passage 2; ง cites nothing
    assert groundedness(text, {1: "ก", 2: "ค"}, judge) == pytest.approx(1 / 3)
    assert groundedness(text, {1: "ก", 2: "ขค"}, judge) == pytest.approx(2 / 3)


def test_groundedness_edge_cases():
    assert groundedness("", {1: "ก"}, judge) is None  # empty answer
    assert groundedness("[1]", {1: "ก"}, judge) is None  # markers only
    assert groundedness("ก [9]", {1: "ก"}, judge) == 0.0  # cites a passage that is not there
    # a marker opening a line belongs to the claim before it
    assert [c[:2] for c in split_claims("ก\n\n[1] ข")] == [("ก", [1]), ("ข", [])]
    assert groundedness("ก\n\n[1] ข", {1: "ก"}, judge) == 0.5


def test_groundedness_scores_the_claims_the_verifier_checks():
    # text before a marker is one claim, as verify_answer reads it, even where the
    # sentence segmenter sees two sentences (it did: each was scored on its own)
    text = "วันนี้ฝนตก พรุ่งนี้แดดออก [2]"
    assert [c[:2] for c in split_claims(text)] == [("วันนี้ฝนตก พรุ่งนี้แดดออก", [2])]
    assert groundedness(text, {2: "วันนี้ฝนตก และพรุ่งนี้แดดออก"}, judge) == 0.0
    assert groundedness(text, {2: "วันนี้ฝนตก พรุ่งนี้แดดออก"}, judge) == 1.0
    # a line break ends a claim: the unmarked first paragraph cites nothing
    text = "วันนี้ฝนตก\n\nพรุ่งนี้แดดออก [2]"
    assert groundedness(text, {2: "วันนี้ฝนตก พรุ่งนี้แดดออก"}, judge) == 0.5


def test_thai_digit_markers_in_the_metrics():
    assert strip_markers("ร้อยละ ๑๖.๙ [๑][๒, ๓]") == "ร้อยละ ๑๖.๙"
    assert not contains("ตาม [๑] ข้อ", "1")
    assert token_f1("ลดการดื่มสุรา [๑]", "ลดการดื่มสุรา") == 1.0
    assert groundedness("ก [๑]\n\nข [๒-๓]", {1: "ก", 3: "ข"}, judge) == 1.0


# --- latency and aggregation ----------------------------------------------------------


def test_latency_summary_hand_computed():
    timings = [{"retrieve": 1.0, "total": 2.0}, {"retrieve": 3.0, "total": 4.0}, {"total": 6.0}]
    summary = latency_summary(timings)
    assert list(summary) == ["retrieve", "total"]
    assert summary["retrieve"] == {"n": 2.0, "p50": 2.0, "p95": pytest.approx(2.9), "mean": 2.0}
    # total: sorted 2, 4, 6; p95 at position 1.9 -> 4 + 0.9 * 2
    assert summary["total"]["p50"] == 4.0
    assert summary["total"]["p95"] == pytest.approx(5.8)
    assert latency_summary([]) == {}


def test_mean_defined():
    assert mean_defined([1.0, None, 0.0, None]) == 0.5
    assert mean_defined([None, None]) is None
    assert mean_defined([]) is None
