"""Answer units, question terms and answer assembly (pure parts of the extractive answerer)."""

from __future__ import annotations

import itertools
import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from rag.answer.choose import choose
from rag.answer.compose import compose
from rag.answer.cuts import unit_spans
from rag.answer.extractive import Params, Scored, Unit, collect_units, evidence
from rag.data import Chunk, Hit, chunk_id
from rag.index.bm25 import ThaiBM25
from rag.search.terms import coverage, idf_weights, matches, query_terms
from rag.thai.clauses import ends_open

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


def test_a_long_sentence_keeps_a_number_with_its_measure() -> None:
    text = (
        "โดยส่งคณะผู้เชี่ยวชาญขององค์กรระหว่างประเทศมาปฏิบัติภารกิจประเมินประเทศไทยร่วมกับ"
        "คณะผู้เชี่ยวชาญไทย จำนวน 7 คน และผู้สังเกตการณ์ 3 คน รวมทั้งสิ้น 10 คน ได้ลงพื้นที่"
    )
    spans = unit_spans(text, 150, 0)
    assert len(spans) > 1  # the sentence is cut ...
    assert all(not text[s:e].rstrip()[-1].isdigit() for s, e in spans)  # ... never after a figure


def test_a_long_sentence_keeps_a_range_of_days_whole() -> None:
    text = (  # from a government news article of 10 April 2023
        'ภายใต้แนวคิด "ชีวิตวิถีใหม่ ขับขี่อย่างปลอดภัย ไร้อุบัติเหตุ" เพื่อให้ประชาชนเดินทางอย่างสุขใจ'
        "กับชีวิตวิถีใหม่ที่ห่างไกลอุบัติเหตุ โดยได้กำหนดช่วงควบคุมเข้มข้นระหว่างวันที่ 11 - 17 เมษายน 2566 "
        "มุ่งลด ปัจจัยเสี่ยงอุบัติเหตุทางถนน ด้วยการบังคับใช้กฎหมายอย่างเคร่งครัด"
    )
    spans = unit_spans(text, 150, 0)
    assert len(spans) > 1  # the sentence is cut ...
    assert any("11 - 17 เมษายน" in text[s:e] for s, e in spans)  # ... not inside the range


def test_a_unit_that_repeats_the_title_is_a_heading() -> None:
    from rag.answer.units import is_heading

    title = "ครม. มีมติอนุมัติหลักการร่างกฎกระทรวงกำหนดส่วนประกอบผลิตภัณฑ์ยาสูบ"
    text = f"วันอังคารที่ 9 กรกฎาคม 2567 09/07/2567 พิมพ์ {title} ใบรับรองให้มีอายุ 3 ปี"
    hit = Hit(Chunk("c1", "d1", 1, 0, len(text), text), title, 0.5, "both")
    cut = text.index(" ใบ")
    assert is_heading(Unit(hit, 0, 0, 0, cut))
    assert not is_heading(Unit(hit, 0, 1, cut + 1, len(text)))
    untitled = Hit(hit.chunk, "", 0.5, "both")
    assert not is_heading(Unit(untitled, 0, 0, 0, cut))


def test_a_sentence_of_amounts_under_a_like_title_is_no_heading() -> None:
    """Dates and the title's words make a heading; amounts ("5,130,000 โดส") do not."""
    from rag.answer.units import is_heading

    title = "สธ.แจงไทม์ไลน์การจัดหาวัคซีนแอสตร้าเซนเนก้า"
    text = (
        "และวันที่ 28 พฤษภาคม 2564 จำนวน 242,100 โดส รวม 359,400 โดส, "
        "สำหรับเดือนมิถุนายน 2564 ส่งมา 5,130,000 โดส ได้แก่ วันที่ 4 มิถุนายน 2564 จำนวน"
    )
    hit = Hit(Chunk("c1", "d1", 1, 0, len(text), text), title, 0.5, "both")
    assert not is_heading(Unit(hit, 0, 0, 0, len(text)))
    dated = "วันศุกร์ที่ 4 มิถุนายน 2564 04/06/2564 " + title
    dateline = Hit(Chunk("c2", "d1", 1, 0, len(dated), dated), title, 0.5, "both")
    assert is_heading(Unit(dateline, 0, 0, 0, len(dated)))


def test_an_answer_goes_on_to_the_figure_its_sentence_introduces() -> None:
    from rag.thai.asks import gives_figure

    question = "ในปี 2566 ประเทศไทยมีผู้ป่วยโควิดเข้ารับการรักษาในโรงพยาบาลกี่ราย"
    page = "สหรัฐอเมริกามีผู้ป่วยเข้ารับการรักษาในโรงพยาบาล โดยในปีเดียวกันประเทศไทย มีผู้ป่วยเข้ารักษา 28,503 ราย"
    hit = make_hit("d1", 0, len(page), page)
    cut = page.index(" มี")
    lead = Unit(hit, 0, 0, 0, cut)
    figure = Unit(hit, 0, 1, cut + 1, len(page))
    other, far = collect_units([make_hit("d2", 0, len(PAGE))], Params(max_unit=120, min_unit=0))[:2]
    ranked = [scored(lead, 1.0), scored(other, 0.98), scored(far, 0.5), scored(figure, 0.45)]

    def gives(text: str) -> bool:
        return gives_figure("count", text, question)

    assert [c.unit for c in choose(ranked, 120, Params(), gives)][:2] == [lead, figure]
    assert choose(ranked, 120, Params())[1].unit == other  # without the rule: another document


def test_only_the_heading_that_opens_a_document_dates_it() -> None:
    from rag.answer.units import opens

    title = "ครม. มีมติอนุมัติหลักการร่างกฎกระทรวงกำหนดส่วนประกอบผลิตภัณฑ์ยาสูบ"
    text = f"วันอังคารที่ 9 กรกฎาคม 2567 {title} ใบรับรองให้มีอายุ 3 ปี"
    cut = text.index(" ใบ")
    opening = Hit(Chunk("c1", "d1", 1, 0, len(text), text), title, 0.5, "both")
    later = Hit(Chunk("c2", "d1", 1, 900, 900 + len(text), text), title, 0.5, "both")
    assert opens(Unit(opening, 0, 0, 0, cut), "d1")
    assert not opens(Unit(opening, 0, 0, 0, cut), "d2")  # another document's dateline
    assert not opens(Unit(later, 1, 0, 0, cut), "d1")  # a heading inside the document
    assert not opens(Unit(opening, 0, 1, cut + 1, len(text)), "d1")  # not a heading
    assert opens(Unit(opening, 0, 1, 0, cut), "d1")  # the dateline under a title line


def test_a_dateline_and_headline_split_off_the_first_sentence() -> None:
    title = "ครม. อนุมัติร่างกฎกระทรวงยาสูบ"
    text = f"9 กรกฎาคม 2567\nพิมพ์\n{title}\nใบรับรองมีอายุ 3 ปี นับแต่วันที่ออกใบรับรอง"
    hit = Hit(Chunk("c1", "d1", 1, 0, len(text), text), title, 0.5, "both")
    units = collect_units([hit], Params(max_unit=200, min_unit=40))
    assert [u.text for u in units] == [
        f"9 กรกฎาคม 2567\nพิมพ์\n{title}",
        "ใบรับรองมีอายุ 3 ปี นับแต่วันที่ออกใบรับรอง",
    ]
    assert [u.position for u in units] == [0, 1]
    untitled = Hit(hit.chunk, "", 0.5, "both")  # no title: the sentence cutter's unit stays
    assert len(collect_units([untitled], Params(max_unit=200, min_unit=40))) == 1


def two_units(page: str, cut: int) -> tuple[Unit, Unit, list[Scored]]:
    """``page[:cut]`` and ``page[cut + 1:]`` as units of one chunk, and a ranking in
    which the second is best, another document's units come next and the first is last.
    """
    hit = make_hit("d1", 0, len(page), page)
    before, after = Unit(hit, 0, 0, 0, cut), Unit(hit, 0, 1, cut + 1, len(page))
    other, far = collect_units([make_hit("d2", 0, len(PAGE))], Params(max_unit=120, min_unit=0))[:2]
    ranked = [scored(after, 1.0), scored(other, 0.98), scored(far, 0.5), scored(before, 0.45)]
    return before, after, ranked


@pytest.mark.parametrize(
    ("page", "cut_at", "joined"),
    [
        # "รางวัลดังกล่าว" (that award) refers back to the sentence that names it
        (
            "สสส. ได้รับรางวัล Nelson Mandela Award for Health Promotion "
            "ที่ประชุมประกาศรับรองให้ สสส. ได้รับรางวัลดังกล่าว",
            " ที่ประชุม",
            "Promotion ที่ประชุม",
        ),
        # "…คณะรัฐมนตรี | อนุมัติร่าง…": who approved is at the end of the unit before
        (
            "ในการประชุมเมื่อวันที่ 9 กรกฎาคม 2567 คณะรัฐมนตรี "
            "อนุมัติร่างกฎกระทรวงควบคุมผลิตภัณฑ์ยาสูบตามที่กระทรวงสาธารณสุขเสนอ",
            " อนุมัติ",
            "คณะรัฐมนตรี อนุมัติ",
        ),
    ],
)
def test_a_unit_brings_the_one_before_that_it_cannot_be_read_without(
    page: str, cut_at: str, joined: str
) -> None:
    before, best, ranked = two_units(page, page.index(cut_at))
    assert [c.unit for c in choose(ranked, 300, Params())][:2] == [best, before]
    text, _ = compose(choose(ranked, 300, Params()), 300)
    assert text.startswith(page[:10]) and joined in text  # in document order


def test_only_the_end_of_a_long_unit_is_quoted_as_the_subject() -> None:
    """The subject is the end of the unit before, not the whole of its sentence."""
    lead = (
        "สำนักงานกองทุนสนับสนุนการสร้างเสริมสุขภาพจัดเวทีรับฟังความคิดเห็นจากภาคีเครือข่าย"
        "ทั่วประเทศตลอดปี 2566 และเมื่อวันที่ 9 กรกฎาคม 2567 คณะรัฐมนตรี"
    )
    page = lead + " อนุมัติร่างกฎกระทรวงควบคุมผลิตภัณฑ์ยาสูบตามที่กระทรวงสาธารณสุขเสนอ"
    cut = len(lead)
    _, _, ranked = two_units(page, cut)
    params = Params(subject_chars=50)
    picked = choose(ranked, 300, params)
    assert picked[1].unit.position == 0 and picked[1].unit.end == cut
    assert len(picked[1].unit.text) <= 50 and picked[1].unit.text.endswith("คณะรัฐมนตรี")
    text, citations = compose(picked, 300)
    assert text.startswith(picked[1].unit.text) and "สำนักงานกองทุน" not in text
    assert citations[0].quote == page[citations[0].start : citations[0].end]  # exact offsets


def test_a_finished_clause_before_a_predicate_is_not_pulled_in() -> None:
    """Thai drops a known subject: a unit before that ends on a verb is not its subject."""
    page = "การประชุมเสร็จสิ้นลงด้วยดี อนุมัติร่างกฎกระทรวงควบคุมผลิตภัณฑ์ยาสูบตามที่เสนอ"
    _, _, ranked = two_units(page, page.index(" อนุมัติ"))
    assert [c.unit for c in choose(ranked, 300, Params())][1] == ranked[1].unit  # not before


def test_a_quote_cut_by_its_chunk_mid_clause_goes_on_from_the_page() -> None:
    """A PDF line break put the figure in the next chunk: the page text finishes it."""
    page = (
        "ปริมาณน้ำตาลเฉลี่ยในเครื่องดื่มลดลงจาก 8.9 กรัมต่อ\n"
        "100 มิลลิลิตร ในปี 2560 เหลือ 6.1 กรัมต่อ 100 มิลลิลิตร ในปี 2566"
    )
    end = page.index("\n")
    hit = make_hit("d1", 0, end, page)  # the chunk stops at the line break
    unit = Unit(hit, 0, 0, 0, end)
    inside, cited = compose([scored(unit, 1.0)], 300)
    assert inside.startswith("ปริมาณน้ำตาล") and cited[0].end == end  # no page: the chunk only

    def page_text(doc_id: str, number: int) -> str:
        return page if (doc_id, number) == ("d1", 1) else ""

    text, citations = compose([scored(unit, 1.0)], 300, page_text=page_text)
    quote = citations[0].quote
    assert "100 มิลลิลิตร" in text and citations[0].end > end
    assert quote == page[citations[0].start : citations[0].end]  # exact page offsets
    assert not ends_open(quote)


def test_a_range_of_years_in_a_question_is_two_terms() -> None:
    terms = query_terms("ช่วง 10 ปี (2557-2566) มีผู้เสียชีวิตจากการจมน้ำกี่คน")
    assert "2557" in terms and "2566" in terms and "2557-2566" not in terms
    assert matches("2557", "ในช่วงปี 2557 - 2566 พบผู้เสียชีวิต 36,503 คน")
