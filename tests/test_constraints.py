"""Question understanding for answers: places, asked figures, constraints, English terms."""

from __future__ import annotations

import pytest

from rag.answer.constraints import gap, place_gap, year_gap
from rag.answer.terms import evidence_terms, query_terms
from rag.data import Chunk
from rag.index.bm25 import ThaiBM25
from rag.thai.asks import asked_figure, gives_figure
from rag.thai.glossary import Glossary
from rag.thai.places import places_in


@pytest.mark.parametrize(
    ("text", "places"),
    [
        ("ผู้เสียชีวิตในจังหวัดเชียงรายลดลง", {"เชียงราย"}),
        ("ค่าฝุ่นที่เชียงใหม่สูงสุด", {"เชียงใหม่"}),
        ("คนกรุงเทพฯ และ กทม. เดินทาง", {"กรุงเทพมหานคร"}),
        ("ภาคตะวันออกเฉียงเหนือร้อยละ 31.0", {"ภาคตะวันออกเฉียงเหนือ"}),
        ("ภาคตะวันออกมีโรงงานมาก", {"ภาคตะวันออก"}),
        ("คนอีสานดื่มมากกว่า", {"ภาคตะวันออกเฉียงเหนือ"}),
        ("What about Khon Kaen and Bangkok?", {"ขอนแก่น", "กรุงเทพมหานคร"}),
        ("โรคแพร่ระบาดไปทั่ว ไม่ได้ผลเลย ตากแดด", set()),
        ("อัตราในจังหวัดเลยและ จ.น่าน", {"เลย", "น่าน"}),
        ("คนไทยทั่วประเทศ", set()),
    ],
)
def test_places_are_found_by_name_alias_or_english(text: str, places: set[str]) -> None:
    assert places_in(text) == places


@pytest.mark.parametrize(
    ("question", "kind"),
    [
        ("ปี 2567 คนไทยสูบบุหรี่ร้อยละเท่าไร", "percent"),
        ("What percentage of Thai adults smoked in 2024?", "percent"),
        ("มีผู้ลงทะเบียนกี่คน", "count"),
        ("งบประมาณเท่าไหร่", "count"),
        ("How many calls did the hotline get?", "count"),
        ("มหกรรมจัดวันไหน", "date"),
        ("When did the sugar tax start?", "date"),
        ("โครงการเริ่มเมื่อไร", "date"),
        ("Co-Learning Space คืออะไร", None),
        ("ทำไมต้องลดเค็ม", None),
    ],
)
def test_asked_figure(question: str, kind: str | None) -> None:
    assert asked_figure(question) == kind


def test_a_figure_is_a_number_the_question_does_not_give() -> None:
    question = "ปี 2567 นักเรียนอายุ 13–15 ปีใช้บุหรี่ไฟฟ้าร้อยละเท่าไร"
    assert gives_figure("percent", "นักเรียนอายุ 13–15 ปี ร้อยละ 17.6 ใช้บุหรี่ไฟฟ้า", question)
    assert not gives_figure("percent", "การสำรวจนักเรียนอายุ 13–15 ปีในปี 2567", question)
    assert not gives_figure("count", "ในปี 2567 นักเรียนอายุ 13–15 ปี", question)
    assert gives_figure("date", "เริ่มเก็บภาษีตั้งแต่วันที่ 16 กันยายน 2560", "เริ่มเมื่อไร")


def test_year_gap_only_when_the_evidence_names_other_years() -> None:
    assert "2567" in year_gap("ปี 2566 มีผู้ใช้กี่คน", "ในปี 2567 มีผู้ใช้ 61,000 คน")
    assert year_gap("In 2024 how many users?", "ในปี 2567 มีผู้ใช้ 61,000 คน") == ""
    assert year_gap("ปี 2566 มีผู้ใช้กี่คน", "มีผู้ใช้ 61,000 คน") == ""
    # one of two asked years is enough
    assert year_gap("ปี 2566 และ 2567 ต่างกันอย่างไร", "ปี 2567 มีผู้ใช้ 61,000 คน") == ""


def test_place_gap_names_what_the_documents_give() -> None:
    notice = place_gap("ปี 2567 เชียงรายมีวันที่ฝุ่นเกินมาตรฐานกี่วัน", "เชียงใหม่เกิน 78 วัน")
    assert "เชียงใหม่" in notice and "เชียงราย" in notice
    assert "อุดรธานี" in place_gap("อุดรธานีมี อสม. กี่คน", "อสม. ทั่วประเทศ 1.07 ล้านคน")
    assert place_gap("Chiang Mai PM2.5 days?", "เชียงใหม่เกินมาตรฐาน 78 วัน") == ""
    assert gap("คนไทยสูบบุหรี่ร้อยละเท่าไร", "ภาคใต้ร้อยละ 21.2") == ""


GLOSSARY = Glossary(
    (
        ("สูบบุหรี่", "smoking", "smokers"),
        ("นาที", "minute", "minutes"),
        ("กิจกรรมทางกาย", "physical activity", "exercise"),
    )
)


def test_english_words_match_the_glossary_by_stem() -> None:
    assert GLOSSARY.mentioned("How many Thais smoked?") == [("สูบบุหรี่", "smoking", "smokers")]
    terms = query_terms("How many adults smoked in 2024?", GLOSSARY)
    assert "สูบบุหรี่|smoking|smokers" in terms


def test_english_words_no_passage_holds_carry_no_evidence() -> None:
    bm = ThaiBM25()
    bm.add([(Chunk("c1", "d1", 1, 0, 40, "ผู้ใหญ่ควรมีกิจกรรมทางกาย 150 นาทีต่อสัปดาห์"), {})])
    weights = evidence_terms(bm, "How many minutes of exercise do adults need weekly?", GLOSSARY)
    assert set(weights) == {"นาที|minute|minutes", "กิจกรรมทางกาย|physical activity|exercise"}
    thai = evidence_terms(bm, "ผู้ใหญ่ควรออกกำลังกายกี่นาที วัคซีน", GLOSSARY)
    assert "วัคซีน" in thai  # a Thai word no passage holds still counts against the answer


def test_the_evidence_is_judged_on_the_best_unit_without_the_figure_bonus() -> None:
    from rag.answer.extractive import _plain_best, evidence
    from rag.answer.units import PARAMS, Scored, Unit
    from rag.data import Hit

    text = "โปโลเนียได้แชมป์ลีกสูงสุด ต่อมาในปี 2543 มีผู้ชม 12,000 คน"
    hit = Hit(Chunk("c1", "d1", 1, 0, len(text), text), "โปโลเนีย", 0.5, "both")
    matching = Scored(Unit(hit, 0, 0, 0, 26), 0.9, 0.9, 0.9, 3.0)
    with_figure = Scored(Unit(hit, 0, 1, 27, len(text)), 0.8, 0.2, 0.9, 3.0 + 0.1)
    question = "โปโลเนียได้แชมป์ลีกสูงสุดกี่ครั้ง"
    assert _plain_best([with_figure, matching], question, PARAMS) is matching
    assert evidence(matching) > evidence(with_figure)
