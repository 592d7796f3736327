"""Answers never stop inside a clause (rag.thai.clauses, rag.answer.compose)."""

from __future__ import annotations

import pytest

from rag.answer.choose import choose
from rag.answer.compose import compose
from rag.answer.units import PARAMS, Scored, Unit
from rag.data import Chunk, Hit
from rag.thai.clauses import closed_end, ends_open

TEXT = "ก้าวท้าใจชวนคนไทยเดินวันละ 8,000 ก้าว ต่อเนื่อง 60 วัน ในปี 2567 มีผู้ลงทะเบียน 1.85 ล้านคน"
CUT = TEXT.index("2567")


HIT = Hit(Chunk("c1", "d1", 1, 0, len(TEXT), TEXT), "ก้าวท้าใจ", 0.5, "both")
OTHER = "การนอนหลับที่ดีช่วยให้ร่างกายฟื้นตัว"
OTHER_HIT = Hit(Chunk("c2", "d2", 1, 0, len(OTHER), OTHER), "การนอน", 0.4, "both")


def scored(position: int, start: int, end: int, score: float, hit: Hit = HIT) -> Scored:
    return Scored(Unit(hit, 0, position, start, end), 0.8, 0.5, 0.5, score)


@pytest.mark.parametrize(
    ("text", "is_open"),
    [
        ("ลดลงจากร้อยละ", True),
        ("ต่อเนื่อง 60 วัน ในปี", True),
        ("เยาวชนและ", True),
        ("ภายในปี 2570", False),
        ("เยาวชนอายุ 15 ปี", False),
        ("มีผู้ลงทะเบียน 1.85 ล้านคน", False),
        ("โครงการ (", True),
        # what a figure changed from, before what it changed to
        ("ปรับค่ามาตรฐาน PM2.5 เฉลี่ย 24 ชั่วโมงจาก 50", True),
        ("ลดลงจากร้อยละ 19.1", True),
        ("ปรับจาก 50 เป็น 37.5 ไมโครกรัมต่อลูกบาศก์เมตร", False),
        ("ลดลงจาก 18,218 รายในปี 2564", False),
        ("ผลิตชุดความรู้จากเวทีทั้งหมด 42 ชุด", False),  # จาก names a source here
        ('สิ่งที่เราเรียกว่า "แรงโน้มถ่วง"', False),  # a straight quote that closes
        ('สิ่งที่เราเรียกว่า "', True),  # and one that opens
        ('ยังไม่เพียงพอสำหรับการลดความยากจน"', False),  # closes a quotation begun before it
        ("การคูณเลขสองจำนวน", False),  # จำนวน counts after a number word
    ],
)
def test_open_endings(text: str, is_open: bool) -> None:
    assert ends_open(text) is is_open


def test_the_unit_that_finishes_an_open_clause_is_chosen_next() -> None:
    first, rest = scored(0, 0, CUT - 1, 1.0), scored(1, CUT, len(TEXT), 0.0)
    # other passages score so that the floor sits above `rest`, which has no score of its own
    median_pad = [scored(i, 0, len(OTHER), 0.9, OTHER_HIT) for i in range(3)]
    chosen = choose([first, *median_pad, rest], 300, PARAMS)
    assert rest in chosen
    text, _ = compose(chosen, 300)
    assert "ในปี 2567 มีผู้ลงทะเบียน 1.85 ล้านคน" in text


def test_a_run_left_open_by_the_budget_is_trimmed_to_its_last_clause() -> None:
    first = scored(0, 0, CUT - 1, 1.0)
    text, citations = compose([first], 300)
    assert text.endswith("ต่อเนื่อง 60 วัน [1]")
    assert TEXT[citations[0].start : citations[0].end] == citations[0].quote
    assert not ends_open(citations[0].quote)


def test_trimming_never_cuts_most_of_the_text() -> None:
    t = "จาก ร้อยละ"
    assert closed_end(t) == len(t)  # nothing closed is left: kept whole


def test_a_from_figure_is_followed_by_what_it_changed_to() -> None:
    text = "ประเทศไทยปรับค่ามาตรฐาน PM2.5 เฉลี่ย 24 ชั่วโมงจาก 50\nเป็น\n37.5 ไมโครกรัมต่อลูกบาศก์เมตร"
    hit = Hit(Chunk("c3", "d3", 2, 0, len(text), text), "ฝุ่น", 0.5, "both")
    cut = text.index("เป็น")
    first, rest = scored(0, 0, cut - 1, 1.0, hit), scored(1, cut, len(text), 0.0, hit)
    median_pad = [scored(i, 0, len(OTHER), 0.9, OTHER_HIT) for i in range(3)]
    chosen = choose([first, *median_pad, rest], 300, PARAMS)
    assert rest in chosen
    answer, _ = compose(chosen, 300)
    assert "37.5" in answer


def test_a_later_passage_that_stops_mid_clause_is_left_out() -> None:
    fragment = "ของปั๊มน้ำมันในประเทศลดลงเหลือ"
    hit = Hit(Chunk("c4", "d4", 1, 0, len(fragment), fragment), "น้ำมัน", 0.4, "both")
    answer = scored(0, 0, len(OTHER), 1.0, OTHER_HIT)
    text, citations = compose([answer, scored(0, 0, len(fragment), 0.9, hit)], 300)
    assert [c.doc_id for c in citations] == ["d2"]
    assert fragment not in text
    closed = "ปั๊มน้ำมันในประเทศลดลงเหลือ 20 แห่ง"
    hit = Hit(Chunk("c5", "d5", 1, 0, len(closed), closed), "น้ำมัน", 0.4, "both")
    _, citations = compose([answer, scored(0, 0, len(closed), 0.9, hit)], 300)
    assert [c.doc_id for c in citations] == ["d2", "d5"]  # a closed one stays


def test_a_clause_that_bridges_to_the_best_unit_must_fit_or_the_best_would_be_cut() -> None:
    """compose cuts a run at its end to fit; the best unit must not be that end."""
    opener = "ผลการสำรวจของกรมควบคุมโรคพบว่า"
    bridge = "ผู้ตอบแบบสอบถามส่วนใหญ่เห็นด้วยกับมาตรการควบคุมการโฆษณาเครื่องดื่มแอลกอฮอล์ " * 2
    best = "ในปี 2566 อัตราการดื่มสุราของเยาวชนอายุ 15-19 ปี ลดลงเหลือร้อยละ 12.1 จากร้อยละ 13.6 ในปี 2564"
    page = f"{opener} {bridge.strip()} {best}"
    hit = Hit(Chunk("c9", "d9", 1, 0, len(page), page), "สำรวจ", 0.5, "both")
    at = page.index(best)
    units = [
        Scored(Unit(hit, 0, 2, at, len(page)), 0.9, 0.9, 0.8, 2.0),
        Scored(Unit(hit, 0, 0, 0, len(opener)), 0.8, 0.7, 0.8, 1.9),
        scored(0, 0, 10, 1.5, OTHER_HIT),
        Scored(Unit(hit, 0, 1, len(opener) + 1, at - 1), 0.5, 0.1, 0.8, 1.0),
    ]
    budget = len(best) + len(bridge) // 2 + 20  # the bridge does not fit beside the best
    text, _ = compose(choose(units, budget, PARAMS), budget)
    assert best in text and len(text) <= budget
