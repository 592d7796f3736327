"""Answer units, question terms and answer assembly (pure parts of the extractive answerer)."""

from __future__ import annotations

import itertools
import re

from hypothesis import given, settings
from hypothesis import strategies as st

from rag.answer.compose import choose, compose
from rag.answer.extractive import Params, Scored, Unit, collect_units, evidence
from rag.answer.terms import coverage, idf_weights, matches, query_terms, unit_spans
from rag.data import Chunk, Hit, chunk_id
from rag.index.bm25 import ThaiBM25

PAGE = (
    "สสส. ก่อตั้งขึ้นเมื่อปี 2544 ตามพระราชบัญญัติกองทุนสนับสนุนการสร้างเสริมสุขภาพ "
    "รายได้ของกองทุนมาจากภาษีสรรพสามิตที่เก็บเพิ่มร้อยละสองจากสุราและยาสูบ\n\n"
    "ในปี 2566 สสส. สนับสนุนโครงการกว่า 1,000 โครงการทั่วประเทศ\n\n"
    "โครงการเหล่านี้ครอบคลุมการลดปัจจัยเสี่ยงด้านบุหรี่ สุรา อุบัติเหตุ และการส่งเสริมกิจกรรมทางกาย"
)


def make_hit(
    doc_id: str, start: int, end: int, page_text: str = PAGE, rank_score: float = 1.0
) -> Hit:
    text = page_text[start:end]
    return Hit(
        Chunk(chunk_id(doc_id, 1, start, text), doc_id, 1, start, end, text),
        "ชื่อ",
        rank_score,
        "both",
    )


def scored(unit: Unit, score: float) -> Scored:
    return Scored(unit, 0.8, 0.5, 0.5, score)


def test_unit_spans_are_exact_ordered_and_bounded() -> None:
    spans = unit_spans(PAGE, 120, 20)
    assert spans
    assert all(PAGE[s:e] == PAGE[s:e].strip() and e - s <= 120 + 20 for s, e in spans)
    assert all(a[1] <= b[0] for a, b in itertools.pairwise(spans))
    assert re.sub(r"\s", "", "".join(PAGE[s:e] for s, e in spans)) == re.sub(r"\s", "", PAGE)


@settings(max_examples=25, deadline=None)
@given(
    st.lists(
        st.sampled_from(["สุขภาพ", "ดี", " ", "ปี 2566", "\n\n", "การออกกำลังกาย", "ทุกวัน"]), max_size=40
    ),
    st.integers(20, 120),
    st.integers(0, 30),
)
def test_unit_spans_never_overlap(parts: list[str], max_chars: int, min_chars: int) -> None:
    text = "".join(parts)
    spans = unit_spans(text, max_chars, min_chars)
    assert all(0 <= s < e <= len(text) for s, e in spans)
    assert all(a[1] <= b[0] for a, b in itertools.pairwise(spans))


def test_crumbs_join_the_next_unit() -> None:
    text = "ในขณะที่ จอช\n\nนอร์แมน ผู้เล่นคอร์เนอร์แบ็กทำอินเตอร์เซปไปสี่ครั้งในฤดูกาลนั้น"
    spans = unit_spans(text, 200, 40)
    assert len(spans) == 1 and text[spans[0][0] : spans[0][1]] == text


def test_query_terms_drop_question_words() -> None:
    assert query_terms("ใครเป็นผู้ก่อตั้ง สสส. ครับ") == ["เป็น", "ผู้ก่อตั้ง", "สสส"]
    assert "เท่าไร" not in query_terms("คะแนนเท่าไร")


def test_matches_and_coverage_fold_digits() -> None:
    assert matches("2566", "ในปี ๒๕๖๖")
    assert not matches("256", "ในปี 2566")
    assert coverage({"สสส": 2.0, "ฟุตบอล": 2.0}, PAGE) == 0.5
    assert coverage({}, PAGE) == 0.0


def test_idf_prefers_rare_terms() -> None:
    bm = ThaiBM25()
    chunks = [make_hit(f"d{i}", 0, len(PAGE)).chunk for i in range(3)]
    bm.add([(c, {"doc_id": c.doc_id}) for c in chunks])
    weights = idf_weights(bm, ["สสส", "ฟุตบอล"])
    assert weights["ฟุตบอล"] > weights["สสส"] > 0


def test_evidence_is_bounded_and_monotonic() -> None:
    unit = Unit(make_hit("d1", 0, 20), 0, 0, 0, 20)

    def ev(dense: float, cover: float, passage: float) -> float:
        return evidence(Scored(unit, dense, cover, passage, 0.0), Params())

    assert ev(0.0, 0.0, 0.0) == 0.0 and ev(1.0, 1.0, 1.0) == 1.0
    assert ev(0.85, 0.5, 0.5) < ev(0.85, 0.8, 0.5) < ev(0.9, 0.8, 0.5) < ev(0.9, 0.8, 0.9)


def test_overlapping_chunks_do_not_repeat_units() -> None:
    cut = PAGE.index("ในปี 2566")
    first, second = make_hit("d1", 0, len(PAGE)), make_hit("d1", cut, len(PAGE))
    units = collect_units([first, second], Params(max_unit=120, min_unit=20))
    assert units and all(u.hit is first for u in units)


def test_compose_quotes_page_offsets_and_merges_neighbours() -> None:
    cut = PAGE.index("ในปี 2566")
    hit = make_hit("d1", cut, len(PAGE))
    other = make_hit("d2", 0, 60)
    units = collect_units([hit, other], Params(max_unit=120, min_unit=20))
    a, b = [u for u in units if u.hit is hit][:2]
    c = next(u for u in units if u.hit is other)
    text, cits = compose(
        [scored(c, 0.5), scored(b, 0.9), scored(a, 0.8)], 1000, lambda d: f"{d}.md"
    )
    assert [x.n for x in cits] == [1, 2]
    assert cits[0].doc_id == "d2" and cits[1].doc_id == "d1"  # groups keep the order given
    merged = cits[1]
    assert (
        PAGE[merged.start : merged.end]
        == merged.quote
        == PAGE[hit.chunk.start + a.start : hit.chunk.start + b.end]
    )
    assert merged.source == "d1.md" and merged.score == 0.9
    assert text.endswith("[2]") and "[1]" in text


def test_choose_respects_the_budget_and_skips_repeats() -> None:
    hit = make_hit("d1", 0, len(PAGE))
    units = collect_units([hit], Params(max_unit=120, min_unit=20))
    ranked = [scored(u, 1.0 - i * 0.01) for i, u in enumerate(units)]
    chosen = choose(ranked, 130, Params())
    assert chosen[0] is ranked[0]
    assert sum(len(s.unit.text) + 5 for s in chosen) <= 130
    twin = make_hit("d2", 0, len(PAGE))
    copy = collect_units([twin], Params(max_unit=120, min_unit=20))[0]
    chosen = choose([ranked[0], scored(copy, 0.99)], 1000, Params())
    assert len(chosen) == 1
    text, cits = compose(chosen, 40)  # a unit longer than the budget is cut, still exact
    assert 0 < len(text) <= 40 and PAGE[cits[0].start : cits[0].end] == cits[0].quote
