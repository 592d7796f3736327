"""Questions that ask who or what acts get the subject before the matching unit
(rag.thai.roles, rag.thai.segment.word_tags, rag.answer.choose, rag.answer.cuts)."""

from __future__ import annotations

import functools

import pytest

from rag.answer.choose import choose
from rag.answer.compose import compose
from rag.answer.cuts import tail_start
from rag.answer.units import PARAMS, Scored, Unit
from rag.data import Chunk, Hit
from rag.thai.clauses import starts_open, starts_relative
from rag.thai.roles import asks_subject, opens_with_question_word
from rag.thai.segment import compound_parts, word_tags

LEAD = "ในการประกวดระดับประเทศปีนี้ โรงเรียนบ้านหนองบัว"
BODY = "โรงเรียนต้นแบบที่ได้รับรางวัลโรงเรียนปลอดบุหรี่ระดับประเทศประจำปี 2567"
PAGE = f"{LEAD} {BODY}"
HIT = Hit(Chunk("c1", "d1", 1, 0, len(PAGE), PAGE), "รางวัล", 0.5, "both")
BEFORE = Unit(HIT, 0, 0, 0, len(LEAD))
BEST = Unit(HIT, 0, 1, len(LEAD) + 1, len(PAGE))
ELSE = "การนอนหลับที่ดีช่วยให้ร่างกายฟื้นตัว"
OTHER = Unit(Hit(Chunk("c2", "d2", 1, 0, len(ELSE), ELSE), "การนอน", 0.4, "both"), 1, 0, 0, 16)


def ranked() -> list[Scored]:
    """The unit that matches the question best, another document's, then the one before."""
    return [
        Scored(BEST, 0.9, 0.8, 0.8, 2.0),
        Scored(OTHER, 0.7, 0.2, 0.2, 1.5),
        Scored(BEFORE, 0.5, 0.1, 0.8, 1.0),
    ]


@pytest.mark.parametrize(
    ("question", "asks"),
    [
        ("ใครชนะการแข่งขันปี 2000", True),
        ("โรงเรียนใดได้รับรางวัลโรงเรียนปลอดบุหรี่", True),
        ("ผู้ที่มีอำนาจแก้ไขกฎหมายคือใคร", False),  # its verb comes first
        ("รางวัลโรงเรียนปลอดบุหรี่มอบให้แก่ใคร", False),  # asks for the receiver
        ("ทีมบรอนคอสเอาชนะทีมใด", False),  # เอาชนะ: a compound verb
        ("โครงการจัดขึ้นที่ใด", False),  # where
        ("เหตุใดโรงเรียนจึงได้รับรางวัล", False),  # why
        ("", False),
    ],
)
def test_a_question_asks_for_its_subject_when_its_question_word_comes_before_its_verb(
    question: str, asks: bool
) -> None:
    assert asks_subject(question) is asks


def test_compound_verbs_are_tagged_as_verbs() -> None:
    assert compound_parts("มีอำนาจ") == ["มี", "อำนาจ"]
    assert word_tags(["มีอำนาจ", "ใน", "การ", "แก้ไข"])[0] == "VSTA"
    assert word_tags(["โรงเรียน", "ใน", "เมือง"])[0].startswith("N")  # โรง: a noun part
    assert starts_open("ส่งสัญญาณวิทยุข้ามมหาสมุทรเป็นครั้งแรก")
    assert not starts_open("สัญญาณวิทยุส่งข้ามมหาสมุทรเป็นครั้งแรก")


def test_the_unit_before_names_the_subject_a_who_question_asks_for() -> None:
    question = "โรงเรียนใดได้รับรางวัลโรงเรียนปลอดบุหรี่"
    assert opens_with_question_word(question, BEST.text)
    lacks = functools.partial(opens_with_question_word, question)
    picked = choose(ranked(), 300, PARAMS, None, lacks)
    assert [c.unit.position for c in picked] == [1, 0]
    text, citations = compose(picked, 300)
    assert text.startswith("ในการประกวดระดับประเทศปีนี้ โรงเรียนบ้านหนองบัว โรงเรียนต้นแบบ")
    assert all(c.quote == PAGE[c.start : c.end] for c in citations)


def test_without_a_subject_question_the_answer_opens_with_the_best_unit() -> None:
    picked = choose(ranked(), 300, PARAMS)
    assert [c.unit.position for c in picked] == [1]
    other = functools.partial(opens_with_question_word, "รางวัลระดับประเทศมอบให้แก่ใคร")
    assert not asks_subject("รางวัลระดับประเทศมอบให้แก่ใคร")
    assert not other("แอ่งนี้กินพื้นที่ 7,000,000 ตารางกิโลเมตร")


@pytest.mark.parametrize(
    ("text", "tail"),
    [
        # a name after a year: the number ends its clause, the name is the subject
        ("ตามด้วยคัมภีร์ไบเบิลทั้งเล่มในปี 1530 วิลเลียม ฟาเรล", "วิลเลียม ฟาเรล"),
        # a count and its measure stay together: the tail does not open with "ราย"
        ("รายงานผู้ป่วยจากทุกภูมิภาคทั่วประเทศ 28,503 ราย ในปี 2560 กรมควบคุมโรค", "กรมควบคุมโรค"),
    ],
)
def test_a_subject_tail_splits_a_number_from_a_name_but_not_from_its_measure(
    text: str, tail: str
) -> None:
    cut = tail_start(text, 36)
    assert text[cut:].endswith(tail) and not text[cut:].startswith("ราย")


def test_a_relative_clause_brings_the_noun_it_describes_whatever_ends_it() -> None:
    """ "…มีเพียงเภสัชกรเท่านั้น | ที่สามารถจ่ายยา…": the unit before ends on an adverb."""
    lead, body = "ตามกฎหมายยา มีเพียงเภสัชกรเท่านั้น", "ที่สามารถจ่ายยาอันตรายให้แก่ประชาชนในร้านขายยาได้"
    page = f"{lead} {body}"
    hit = Hit(Chunk("c3", "d3", 1, 0, len(page), page), "ยา", 0.5, "both")
    best, before = Unit(hit, 0, 1, len(lead) + 1, len(page)), Unit(hit, 0, 0, 0, len(lead))
    units = [Scored(best, 0.9, 0.8, 0.8, 2.0), ranked()[1], Scored(before, 0.5, 0.1, 0.8, 1.0)]
    assert [c.unit.position for c in choose(units, 300, PARAMS)] == [1, 0]
    plain = "ตามกฎหมายยา มีเพียงเภสัชกรเท่านั้น จ่ายยาอันตรายให้แก่ประชาชนในร้านขายยาได้"
    assert not starts_relative(plain[len(lead) + 1 :])  # a verb after an adverb: not pulled
