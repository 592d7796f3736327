"""Buddhist-Era / Common-Era years (rag.thai.years) and where they are used."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from rag.answer.ask import answer
from rag.answer.year_flag import flag_year
from rag.data import Answer, Citation
from rag.index.index import Index
from rag.search.terms import matches
from rag.thai.years import BE_OFFSET, expand_years, to_be, year_equivalents, years_in
from tests.test_answer import qa_dir, qa_index  # noqa: F401  (fixtures)

THAI_DIGITS = str.maketrans("0123456789", "๐๑๒๓๔๕๖๗๘๙")


@given(st.integers(1800, 2299), st.sampled_from(["ปี {}", "ค.ศ. {}", "in {}", "พ.ศ.{}"]))
def test_every_year_is_found_in_both_eras(ce: int, form: str) -> None:
    text = form.format(to_be(ce) if "พ.ศ" in form else ce)
    found = years_in(text)
    assert [(y.be, y.ce) for y in found] == [(ce + BE_OFFSET, ce)]
    assert text[found[0].start : found[0].end].isdigit()
    assert str(ce) in expand_years(text) and str(ce + BE_OFFSET) in expand_years(text)


@given(st.integers(2343, 2842))
def test_thai_digits_are_years_too(be: int) -> None:
    assert [y.ce for y in years_in(f"ปี {str(be).translate(THAI_DIGITS)}")] == [be - BE_OFFSET]


def test_amounts_codes_and_ages_are_not_years() -> None:
    for text in ("ราคา 2,500 บาท", "รหัส 12345", "อายุ 67 ปี", "ร้อยละ 20.25", "1.2567 เท่า"):
        assert years_in(text) == [], text
        assert expand_years(text) == text


def test_short_thai_years_follow_a_marker() -> None:
    assert [y.be for y in years_in("ปี 67 กับ พ.ศ. 66")] == [2567, 2566]
    assert years_in("ปี 39") == []  # 2539 is too far back to be written short here
    assert [y.be for y in years_in("สงกรานต์ 66 และ 1 ม.ค. 67, ธ.ค.64")] == [2566, 2567, 2564]
    assert years_in("เดือนมีนาคม 45 ราย") == []  # a full month name is followed by counts too


def test_only_years_have_an_other_era() -> None:
    assert year_equivalents("2570") == {"2570", "2027"}
    assert year_equivalents("๒๐๒๗") == {"2027", "2570"}
    assert year_equivalents("150") == {"150"}
    assert year_equivalents("2.5") == {"2.5"}


def test_answer_terms_match_a_year_in_either_era() -> None:
    text = "ตั้งเป้าหมายให้ลดลงเหลือร้อยละ 15 ภายในปี ๒๕๗๐"
    assert matches("2027", text) and matches("2570", text)
    assert not matches("2026", text) and not matches("2571", text)


def test_an_answer_about_another_year_says_so(qa_index: Index) -> None:  # noqa: F811
    # the document gives 2566 and 2567 participants; 2565 is a near miss
    near = answer("ปี 2565 มีผู้ร่วมงดเหล้าตลอดพรรษากี่คน", qa_index)
    assert near.refused or "ไม่ใช่ปี 2565" in near.notice
    same = answer("ปี 2024 มีผู้ร่วมงดเหล้าตลอดพรรษากี่คน", qa_index)  # 2024 C.E. is 2567
    assert not same.refused and "1.5" in same.text and "ไม่ใช่" not in same.notice


def test_the_year_notice_names_both_years() -> None:
    cite = Citation(1, "d", "ผลสำรวจ", "s", 1, "c", "ปี 2567 ผู้ใช้ 61,000 คน", 0, 24, 0.9)
    flagged = flag_year(Answer("ปี 2567 ผู้ใช้ 61,000 คน [1]", (cite,), 0.7, False), "ปี 2566")
    assert "2567" in flagged.notice and "2566" in flagged.notice
    kept = flag_year(Answer("ปี 2567 ผู้ใช้ 61,000 คน [1]", (cite,), 0.7, False), "ค.ศ. 2024")
    assert kept.notice == ""
    no_year = Citation(1, "d", "t", "s", 1, "c", "ผู้ใช้ 61,000 คน", 0, 16, 0.9)
    assert flag_year(Answer("… [1]", (no_year,), 0.7, False), "ปี 2566").notice == ""
