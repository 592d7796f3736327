"""Question understanding for answers: places, asked figures, constraints, English terms."""

from __future__ import annotations

import pytest

from rag.answer.constraints import gap, measure_gap, place_gap, year_gap
from rag.data import Chunk
from rag.index.bm25 import ThaiBM25
from rag.search.terms import evidence_terms, query_terms
from rag.thai.asks import asked_figure, gives_figure
from rag.thai.glossary import Glossary
from rag.thai.measures import asked_measure, gives_measure
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
        ("โครงการอบรมครูที่ สสส. ร่วมจัดชื่อว่าอะไร", "name"),
        ("What is the teachers' training programme called?", "name"),
        ("พิธีเปิดเริ่มกี่โมง", "date"),
        ("อัตราการสวมหมวกนิรภัยเปลี่ยนไปอย่างไร", "count"),
        ("ค่าฝุ่นสูงสุดวัดได้ที่ตำบลใด", "place"),
        ("Which three provinces did the mission visit?", "place"),
        ("ครั้งที่ 11 จัดที่จังหวัดไหนอะ", "place"),
        ("ความคืบหน้าเกี่ยวกับอะไร", None),  # เกี่ยว holds กี่
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


@pytest.mark.parametrize(
    ("question", "evidence", "refused"),
    [
        # a how-many question in a measure the passage never counts in is a near miss
        ("ปี 2565 มีผู้โทรเข้าสายด่วนเลิกบุหรี่ 1600 กี่สาย", "บอร์ดเคาะสายด่วน 1600 ปี 2565", True),
        ("คนไทยดื่มเฉลี่ยกี่ลิตรต่อคนต่อปี", "ต้นทุนทางสังคมเฉลี่ยคนละ 498,196 บาท", True),
        ("โครงการครูแคร์ใจรุ่นที่ 1 ใช้งบประมาณเท่าไร", "นำร่องรุ่นที่ 1 ใน 4 จังหวัด", True),
        # the same measure, a word of its group, a multiplier or a Thai number word
        ("สายด่วน 1600 ได้รับกี่สาย", "ได้รับสายทั้งหมด 52,300 สาย", False),
        ("มีผู้เสียชีวิตกี่คน", "มีผู้เสียชีวิต 287 ราย", False),
        # people and places are loose: translated text often leaves them unsaid
        ("เครือข่ายรถไฟขนส่งผู้โดยสารปีละกี่คน", "ขนส่งผู้โดยสาร มากกว่า 37 ล้าน", False),
        ("มีคณะกรรมการสอบกี่แห่ง", "มีคณะกรรมการสอบ 30 คณะ", False),
        ("มูลนิธิได้รับเงินจำนวนเท่าไร", "ได้รับเงินสด 5 ล้านดอลลาร์", False),
        ("เหลือเวลาเท่าไรตอนที่ทีมครองบอล", "เหลือเวลาอีก 4:51 นาที", False),
        ("ทั่วประเทศมี อสม. กี่คน", "อสม. ทั่วประเทศประมาณ 1.07 ล้านคน", False),
        ("ภาษีมีกี่อัตรา", "ภาษีตามมูลค่าสองอัตรา", False),  # a noun: not checked
        ("แผนงานได้งบประมาณเท่าไร", "ได้รับจัดสรร 285 ล้านบาท", False),
        # a percentage or a standard's value is not money
        ("สสส. ได้รับเงินร้อยละเท่าไรของภาษี", "ร้อยละ 2 ของภาษีสุราและยาสูบ", False),
        ("ค่ามาตรฐาน PM2.5 คือเท่าไร", "37.5 ไมโครกรัมต่อลูกบาศก์เมตร", False),
        # "เกี่ยว" holds กี่ but asks nothing
        ("มีคดีเกี่ยวกับบุหรี่ไฟฟ้าไหม", "ไม่มีตัวเลข", False),
    ],
)
def test_measure_gap(question: str, evidence: str, refused: bool) -> None:
    assert bool(measure_gap(question, evidence)) is refused
    assert bool(gap(question, evidence)) is refused


def test_a_measure_is_an_amount_not_a_bare_word() -> None:
    people = asked_measure("มีผู้ใช้บริการกี่คน")
    assert gives_measure(people, "มีผู้ใช้บริการ 61,000 คน")
    assert not gives_measure(people, "ผู้ใช้บริการหลายคนพอใจ")  # คน without an amount
    assert not gives_measure(asked_measure("กี่ครั้ง"), "ได้รับ 52,300 สาย")  # calls ⊄ times


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
    bonus = PARAMS.w_figure  # the unit with the figure counts people, as the question
    with_figure = Scored(Unit(hit, 0, 1, 27, len(text)), 0.8, 0.2, 0.9, 3.0 + 0.1, bonus=bonus)
    assert _plain_best([with_figure, matching]) is matching
    assert evidence(matching) > evidence(with_figure)


def test_short_years_are_spelt_in_full_for_the_evidence() -> None:
    bm = ThaiBM25()
    bm.add([(Chunk("c1", "d1", 1, 0, 30, "ปี 2567 คนไทยดื่มร้อยละ 27.4"), {})])
    terms = evidence_terms(bm, "ปี 67 คนไทยดื่มเหล้าร้อยละเท่าไร", None)
    assert "2567" in terms and "67" not in terms
    assert "67" in evidence_terms(bm, "อายุ 67 ปีดื่มเหล้าร้อยละเท่าไร", None)  # an age stays


@pytest.mark.parametrize(
    ("question", "measure"),
    [
        ("ร่างกฎกระทรวงกำหนดค่าธรรมเนียมใบรับรองฉบับละเท่าไร", "บาท"),
        ("มูลค่าความสูญเสียทางเศรษฐกิจปี 2564 เท่าไร", "บาท"),
        ("สสส. รับทุนจากธนาคารโลกเท่าไร", "บาท"),
        ("ใบรับรองมีอายุกี่ปี", "ปี"),
        ("จัดทำห้องปลอดฝุ่นกี่ห้อง", "ห้อง"),
        ("กระจายยาไปกี่ล้านเม็ด", "เม็ด"),  # a magnitude between กี่ and the measure
        ("How many relief kits were handed out?", "ชุด"),
        ("How many AstraZeneca doses arrived?", "โดส"),
        ("How heavy must an obese person be?", "กิโลกรัม"),
        ("Within how many days does a psychologist call back?", "วัน"),
        ("How many COPD patients were tracked?", "คน"),
        ("How much did the cabinet approve for the project?", None),
        ("How much was the budget of the project?", "บาท"),
        ("How many provinces joined the pilot?", None),  # a counted noun, as กี่จังหวัด
    ],
)
def test_asked_measure_in_thai_and_english(question: str, measure: str | None) -> None:
    words = asked_measure(question)
    assert (words is None) if measure is None else (words is not None and measure in words)


def test_a_dateline_is_no_figure() -> None:
    dateline = "วันอังคารที่ 9 กรกฎาคม 2567 09/07/2567 พิมพ์ ครม. มีมติอนุมัติหลักการร่างกฎกระทรวง"
    assert not gives_figure("count", dateline, "ใบรับรองมีอายุกี่ปี")
    assert gives_figure("count", "ใบรับรองมีอายุ 3 ปี นับแต่วันที่ออก", "ใบรับรองมีอายุกี่ปี")


def test_a_classifier_picks_the_figure_but_refuses_nothing() -> None:
    question = "งานมหกรรมสมุนไพรมีหลักสูตรอบรมฟรีกี่หลักสูตร"
    assert gives_figure("count", "อบรมวิชาชีพฟรี จำนวน 27 หลักสูตร", question)
    assert not gives_figure("count", "แจกกล้าไม้ฟรีวันละ 300 ต้น", question)
    assert not measure_gap(question, "แจกกล้าไม้ฟรีวันละ 300 ต้น")  # loose: may say it otherwise
    assert measure_gap("ค่าธรรมเนียมใบรับรองฉบับละเท่าไร", "ใบรับรองมีอายุ 3 ปี")  # money is strict


def test_lower_case_english_words_no_thai_passage_holds_carry_no_evidence() -> None:
    bm = ThaiBM25()
    bm.add(
        [
            (Chunk("c1", "d1", 1, 0, 40, "ชา Bye DM จากสมุนไพรของโรงพยาบาลหล่มเก่า"), {}),
            (Chunk("c2", "d2", 1, 0, 40, "free hospital tea herbal"), {}),  # English elsewhere
        ]
    )
    question = "Which hospital makes the Bye DM herbal tea?"
    everywhere = evidence_terms(bm, question, GLOSSARY)
    assert {"hospital", "herbal", "bye", "dm"} <= set(everywhere)
    thai = evidence_terms(bm, question, GLOSSARY, thai_passages="ชา Bye DM จากสมุนไพร")
    assert set(thai) == {"bye", "dm"}  # names stay; common words a Thai text translates go


def test_a_quoted_programme_must_be_in_the_evidence() -> None:
    question = "โครงการ “เดินดีไปด้วยกัน” ได้รับงบสนับสนุนจาก สสส. เท่าไร"
    other = "ธนาคารโลกเคยให้ทุน สสส. เพื่อเป็นโครงการต้นแบบ จำนวน 3.5 ล้านบาท"
    assert "เดินดีไปด้วยกัน" in gap(question, other)
    assert not gap(question, "หนุนโครงการ “เดินดีไปด้วยกัน” งบ 12 ล้านบาท")
    assert not gap("โครงการนี้ได้งบเท่าไร", other)  # nothing quoted: nothing to check


def test_a_place_is_one_the_question_does_not_name() -> None:
    question = "Besides Nonthaburi, which provinces are in the Test and Treat pilot?"
    assert gives_figure("place", "ขยายไปยัง จ.อุดรธานี และนครศรีธรรมราช", question)
    assert not gives_figure("place", "เริ่มที่ จ.นนทบุรี เป็นจังหวัดแรก", question)
    assert gives_figure("place", "จัดที่โรงพยาบาลหล่มเก่า", "ชาสมุนไพรผลิตที่โรงพยาบาลใด")


def test_english_function_words_carry_no_evidence() -> None:
    """'be' in "to be certified" is no content, though a passage holds "TO BE NUMBER ONE"."""
    bm = ThaiBM25()
    bm.add([(Chunk("c1", "d1", 1, 0, 44, "ชมรม TO BE NUMBER ONE ได้รับ 7 รางวัล ใน 163 อำเภอ"), {})])
    glossary = Glossary((("อำเภอ", "district", "districts"),))
    weights = evidence_terms(bm, "How many districts will be certified in 2024?", glossary)
    assert set(weights) == {"อำเภอ|district|districts", "2024"}
