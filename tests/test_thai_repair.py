"""Thai PDF glyph repair and normalisation on hand-made strings."""

from __future__ import annotations

import unicodedata

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from rag.thai.normalize import PUA_MAP, normalize, repair_pdf_text

MAI_EK, MAI_THO, MAI_TRI, MAI_CHATTAWA = "\u0e48", "\u0e49", "\u0e4a", "\u0e4b"
THANTHAKHAT, NIKHAHIT, SARA_AA, SARA_AM = "\u0e4c", "\u0e4d", "\u0e32", "\u0e33"
SARA_I, SARA_II, SARA_UE, SARA_UEE = "\u0e34", "\u0e35", "\u0e36", "\u0e37"
SARA_U, SARA_UU, PHINTHU = "\u0e38", "\u0e39", "\u0e3a"
MAI_HAN_AKAT, MAITAIKHU = "\u0e31", "\u0e47"


# --- PUA glyph variants -----------------------------------------------------------

# (code point, Thai character) per HarfBuzz's Thai PUA fallback table, by range
WINDOWS_PUA = [
    # RD: consonants without their descender
    (0xF700, "ฐ"),
    (0xF70F, "ญ"),
    # SL: above vowels shifted left
    (0xF701, SARA_I),
    (0xF702, SARA_II),
    (0xF703, SARA_UE),
    (0xF704, SARA_UEE),
    (0xF710, MAI_HAN_AKAT),
    (0xF711, NIKHAHIT),
    (0xF712, MAITAIKHU),
    # SDL: tones shifted down-left
    (0xF705, MAI_EK),
    (0xF706, MAI_THO),
    (0xF707, MAI_TRI),
    (0xF708, MAI_CHATTAWA),
    (0xF709, THANTHAKHAT),
    # SD: tones shifted down
    (0xF70A, MAI_EK),
    (0xF70B, MAI_THO),
    (0xF70C, MAI_TRI),
    (0xF70D, MAI_CHATTAWA),
    (0xF70E, THANTHAKHAT),
    # SL: tones shifted left
    (0xF713, MAI_EK),
    (0xF714, MAI_THO),
    (0xF715, MAI_TRI),
    (0xF716, MAI_CHATTAWA),
    (0xF717, THANTHAKHAT),
    # SD: below vowels shifted down
    (0xF718, SARA_U),
    (0xF719, SARA_UU),
    (0xF71A, PHINTHU),
]
MAC_PUA = [
    (0xF884, MAI_HAN_AKAT),
    (0xF885, SARA_I),
    (0xF888, SARA_UEE),
    (0xF889, MAITAIKHU),
    (0xF88A, MAI_EK),
    (0xF88B, MAI_EK),
    (0xF88C, MAI_EK),
    (0xF88E, MAI_THO),
    (0xF897, THANTHAKHAT),
    (0xF899, NIKHAHIT),
    (0xF89A, "ญ"),
    (0xF89B, SARA_U),
    (0xF89E, "ฐ"),
]


def test_windows_pua_range_is_complete() -> None:
    assert {cp for cp in PUA_MAP if cp < 0xF800} == set(range(0xF700, 0xF71B))
    assert all(len(ch) == 1 and "\u0e01" <= ch <= "\u0e4e" for ch in PUA_MAP.values())


@pytest.mark.parametrize(("code", "char"), WINDOWS_PUA + MAC_PUA)
def test_pua_code_point_maps_to_thai(code: int, char: str) -> None:
    assert PUA_MAP[code] == char


@pytest.mark.parametrize(
    ("broken", "fixed"),
    [
        ("ร\uf70aาง", "ร่าง"),  # SD mai ek over a short consonant
        ("ต\uf70bน", "ต้น"),  # SD mai tho
        ("ศุกร\uf70e", "ศุกร์"),  # SD thanthakhat
        ("ฝ\uf710กใฝ\uf705", "ฝักใฝ่"),  # SL mai han-akat, SDL mai ek over a tall consonant
        ("เป\uf712น", "เป็น"),  # SL maitaikhu
        ("ป\uf701ด", "ปิด"),
        ("ป\uf702", "ปี"),
        ("ฝ\uf704น", "ฝืน"),  # SL above vowels
        ("ป\uf713า", "ป่า"),
        ("ป\uf714า", "ป้า"),  # SL tones
        ("ฟ\uf706อง", "ฟ้อง"),  # SDL mai tho
        ("ต\uf711\uf70bา", "ต้ำ"),  # SL nikhahit + SD mai tho + sara aa
        ("ฐ\uf718", "ฐุ"),
        ("\uf700าน", "ฐาน"),
        ("\uf70fาติ", "ญาติ"),  # SD below, RD
        ("ป\uf884น", "ปัน"),
        ("ก\uf88b", "ก่"),  # Mac code points
    ],
)
def test_pua_text_is_repaired(broken: str, fixed: str) -> None:
    assert repair_pdf_text(broken) == fixed


def test_replacement_character_is_dropped() -> None:
    assert repair_pdf_text("ประ\ufffdเทศ") == "ประเทศ"


# --- sara am ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("broken", "fixed"),
    [
        ("ก" + NIKHAHIT + SARA_AA + "หนด", "กำหนด"),  # nikhahit + sara aa
        ("น" + MAI_THO + NIKHAHIT + SARA_AA, "น้ำ"),  # tone first
        ("น" + NIKHAHIT + MAI_THO + SARA_AA, "น้ำ"),  # nikhahit before the tone
        ("ต" + NIKHAHIT + MAI_EK + SARA_AA, "ต่ำ"),
        ("น" + SARA_AM + MAI_THO, "น้ำ"),  # tone typed after sara am
        ("ก าหนด", "กำหนด"),  # nikhahit lost to a space
        ("ด าเนินการ", "ดำเนินการ"),
        ("น ้ า", "น้ำ"),
        ("น้ า", "น้ำ"),
        ("(ค ำแปล)", "(คำแปล)"),  # space before sara am
        ("กระท า", "กระทำ"),
    ],
)
def test_sara_am_is_joined(broken: str, fixed: str) -> None:
    assert repair_pdf_text(broken) == fixed


def test_normalize_joins_nikhahit_aa_but_keeps_spaces() -> None:
    assert normalize("ก" + NIKHAHIT + SARA_AA + "หนด การ") == "กำหนด การ"
    assert normalize("ก าหนด") == "ก าหนด"  # only repair_pdf_text re-joins split sara am


def test_separate_words_are_not_joined() -> None:
    assert repair_pdf_text("ประเทศไทย มีการปกครอง") == "ประเทศไทย มีการปกครอง"
    assert repair_pdf_text("ตา ยาย") == "ตา ยาย"


# --- mark ordering ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("broken", "fixed"),
    [
        ("ก" + MAI_EK + SARA_I + "น", "กิ่น"),  # tone before the above vowel
        ("ท" + MAI_THO + MAI_HAN_AKAT + "ง", "ทั้ง"),  # tone before mai han-akat
        ("ผ" + MAI_THO + SARA_UU, "ผู้"),  # tone before the below vowel
        ("ส" + SARA_I + "ทธ" + THANTHAKHAT + SARA_I, "สิทธิ์"),  # thanthakhat before sara i
        ("ที" + MAI_EK + MAI_EK, "ที่"),  # doubled mark
        ("ที" + SARA_II + MAI_EK, "ที่"),  # doubled vowel
    ],
)
def test_marks_are_reordered(broken: str, fixed: str) -> None:
    assert normalize(broken) == fixed
    assert repair_pdf_text(broken) == fixed


@pytest.mark.parametrize(
    ("broken", "fixed"),
    [
        ("ปั จจุบัน", "ปัจจุบัน"),  # space after mai han-akat
        ("แบ่งปั น", "แบ่งปัน"),
        ("กั้ น", "กั้น"),
        ("ที ่", "ที่"),  # space before a tone
        ("ก ุ", "กุ"),  # space before a below vowel
        ("\u0e49หนา ๑", "หน้า ๑"),  # tone stored in front of its word (visual order)
        ("\u0e48เลม ๑๔๐", "เล่ม ๑๔๐"),
    ],
)
def test_spacing_and_visual_order_artefacts(broken: str, fixed: str) -> None:
    assert repair_pdf_text(broken) == fixed


def test_orphan_mark_without_a_dictionary_fix_is_kept() -> None:
    assert repair_pdf_text("\u0e49xyz") == "\u0e49xyz"


# --- zero width ---------------------------------------------------------------------


@pytest.mark.parametrize("invisible", ["\u200b", "\u200c", "\u200d", "\u2060", "\ufeff", "\u00ad"])
def test_zero_width_characters_are_removed(invisible: str) -> None:
    assert normalize(f"สุข{invisible}ภาพ") == "สุขภาพ"
    assert repair_pdf_text(f"{invisible}สุขภาพ") == "สุขภาพ"


def test_zero_width_between_tone_and_vowel_is_reordered() -> None:
    assert normalize("ก" + MAI_EK + "\u200b" + SARA_I) == "ก" + SARA_I + MAI_EK


def test_clean_text_is_unchanged() -> None:
    text = "สสส. สนับสนุนการลดการบริโภคยาสูบ น้ำตาล และเครื่องดื่มแอลกอฮอล์ ปี 2566\nบรรทัดใหม่"
    assert normalize(text) == text
    assert repair_pdf_text(text) == text


# --- properties -----------------------------------------------------------------------

THAI_ALPHABET = [chr(c) for c in range(0x0E01, 0x0E5C) if unicodedata.name(chr(c), "")]
PUA_CHARS = [chr(code) for code in sorted(PUA_MAP)]
OTHER = [" ", "\n", "\t", "\u200b", "\ufffd", "a", "1", "."]
thai_text = st.text(alphabet=st.sampled_from(THAI_ALPHABET + PUA_CHARS + OTHER), max_size=40)


@settings(max_examples=400, deadline=None)
@given(thai_text)
def test_repair_is_idempotent(text: str) -> None:
    once = repair_pdf_text(text)
    assert repair_pdf_text(once) == once


@settings(max_examples=400, deadline=None)
@given(thai_text)
def test_normalize_is_idempotent_and_nfc_stable(text: str) -> None:
    once = normalize(text)
    assert normalize(once) == once
    assert unicodedata.normalize("NFC", once) == once


@settings(max_examples=200, deadline=None)
@given(thai_text)
def test_repair_leaves_no_pua_or_replacement_character(text: str) -> None:
    out = repair_pdf_text(text)
    assert not any(0xF700 <= ord(ch) <= 0xF8FF for ch in out)
    assert "\ufffd" not in out
    assert NIKHAHIT + SARA_AA not in out
