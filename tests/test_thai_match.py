"""The one matching layer: fold and its variants, stop words, numbers."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from rag.thai.match import (
    STOP_WORDS,
    compact,
    fold,
    has_number,
    is_number,
    numbers_in,
    search_tokens,
    text_key,
)

THAI_TEXT = st.text(alphabet="กขคสุ่้ำ\u0e4d\u0e32๑๒3 \n\tAbß.,", max_size=30)


@pytest.mark.parametrize("word", sorted(STOP_WORDS))
def test_every_stop_word_is_one_search_token(word: str) -> None:
    # the list is compared with search tokens, so an entry the tokenizer cuts is dead
    assert search_tokens(word) == [word]


@settings(max_examples=200, deadline=None)
@given(THAI_TEXT)
def test_fold_variants_compose_the_one_fold(text: str) -> None:
    assert fold(fold(text)) == fold(text)
    assert compact(text) == "".join(fold(text).split())
    assert text_key(text) == " ".join(fold(text).split())


def test_fold_matches_thai_and_arabic_digits_and_case() -> None:
    assert fold("ปี ๒๕๖๖ WHO") == fold("ปี 2566 who")
    assert fold("น\u0e49\u0e4d\u0e32") == "น้ำ"  # normalised
    assert compact("ร้อยละ ๑๖.๙") == "ร้อยละ16.9"
    assert text_key(" ก\n\nข ") == "ก ข"


@pytest.mark.parametrize(
    ("number", "text", "expected"),
    [
        ("2.5", "ฝุ่น PM2.5 เกินมาตรฐาน", True),
        ("2566", "ปี ๒๕๖๖", True),
        ("30", "300 คน", False),
        ("300", "1,300 คน", False),
        ("300", "1.300 คน", False),
        ("16.9", "ร้อยละ 16.9.", True),
    ],
)
def test_has_number(number: str, text: str, expected: bool) -> None:
    assert has_number(number, text) is expected


def test_numbers_in_and_is_number() -> None:
    assert numbers_in("ร้อยละ ๑๖.๙ ของ 1,300 คน") == {"16.9", "1300"}
    assert numbers_in("ไม่มีตัวเลข") == frozenset()
    assert is_number("๒๕๖๖") and is_number("1,300.5") and not is_number("PM2.5")
