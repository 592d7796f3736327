"""Buddhist-Era and Common-Era years: one year, two spellings.

Thai documents date things in the Buddhist Era (พ.ศ., B.E. = C.E. + 543); people
asking in English, and many tables, use the Common Era (ค.ศ., C.E.). A question
about 2027 is about 2570, so keyword search and number matching must treat the two
as one. The rules here are the only place that knows the offset.

A four-digit number is a year of one era by its range: 1800-2299 is C.E. and
2343-2842 is B.E.; the ranges do not overlap, so no marker is needed (พ.ศ., ค.ศ.,
B.E. and C.E. only confirm what the range says). After พ.ศ., ปี, an abbreviated
month or สงกรานต์ a two-digit number is a short B.E. year (``ปี 67`` and
``1 ม.ค. 67`` are 2567, ``สงกรานต์ 66`` is 2566), as in chat Thai and news.

>>> sorted(year_equivalents("2027"))
['2027', '2570']
>>> expand_years("What is the target for 2027?")
'What is the target for 2027? 2570'
>>> expand_years("ปี ๖๗ คนไทยสูบบุหรี่ร้อยละเท่าไร")
'ปี ๖๗ คนไทยสูบบุหรี่ร้อยละเท่าไร 2567 2024'
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from rag.thai.normalize import fold_digits

BE_OFFSET = 543
#: Thai month names, full and abbreviated: a date "16 กันยายน 2560" names its year after one.
MONTHS = frozenset(
    {
        *("มกราคม", "กุมภาพันธ์", "มีนาคม", "เมษายน", "พฤษภาคม", "มิถุนายน", "กรกฎาคม"),
        *("สิงหาคม", "กันยายน", "ตุลาคม", "พฤศจิกายน", "ธันวาคม", "ม.ค.", "ก.พ.", "มี.ค."),
        *("เม.ย.", "พ.ค.", "มิ.ย.", "ก.ค.", "ส.ค.", "ก.ย.", "ต.ค.", "พ.ย.", "ธ.ค."),
    }
)
CE_YEARS = range(1800, 2300)
BE_YEARS = range(CE_YEARS.start + BE_OFFSET, CE_YEARS.stop + BE_OFFSET)

#: Words after which a two-digit number is a short B.E. year (ปี 67, 1 ม.ค. 67, สงกรานต์ 66).
SHORT_YEAR_WORDS = ("ปี", "สงกรานต์", *sorted(m for m in MONTHS if m.endswith(".")))
_SHORT_YEAR_MARK = rf"(?:พ\.?\s?ศ\.?|{'|'.join(map(re.escape, SHORT_YEAR_WORDS))})"
_YEAR = re.compile(
    rf"(?P<mark>{_SHORT_YEAR_MARK})?\s*"
    r"(?<!\d)(?<!\d[.,])(?P<num>\d{4}|\d{2})(?![\d]|[.,]\d)",
    re.IGNORECASE,
)

_WEEKDAYS = ("จันทร์", "อังคาร", "พุธ", "พฤหัสบดี", "ศุกร์", "เสาร์", "อาทิตย์")
_WEEKDAY = "|".join(_WEEKDAYS)
_DATE_WORD = re.compile(rf"[\d/.:-]+|(?:วัน)?(?:{_WEEKDAY})?(?:ที่)?|พ\.?ศ|ค\.?ศ|น")


def is_date_word(token: str) -> bool:
    """Whether a search token only dates something: a number, a month, a weekday.

    A news page's dateline ("วันอังคารที่ 9 กรกฎาคม 2567 09/07/2567") is made of them.
    An amount with a thousands separator ("5,130,000") dates nothing.

    >>> [is_date_word(t) for t in ("09/07/2567", "กรกฎาคม", "วันอังคาร", "ก.ค.", "ครม")]
    [True, True, True, True, False]
    >>> is_date_word("5,130,000"), is_date_word("2564")
    (False, True)
    """
    return token in MONTHS or token.rstrip(".") + "." in MONTHS or bool(_DATE_WORD.fullmatch(token))


@dataclass(frozen=True)
class Year:
    """A year mentioned in a text, in both eras.

    Attributes:
        start: Offset of its digits in the text.
        end: End offset of its digits.
        be: The Buddhist-Era year.
        ce: The Common-Era year.
    """

    start: int
    end: int
    be: int
    ce: int


def to_be(ce: int) -> int:
    """The Buddhist-Era spelling of a Common-Era year.

    >>> to_be(2024)
    2567
    """
    return ce + BE_OFFSET


def to_ce(be: int) -> int:
    """The Common-Era spelling of a Buddhist-Era year.

    >>> to_ce(2567)
    2024
    """
    return be - BE_OFFSET


def _year_of(match: re.Match[str]) -> Year | None:
    digits = match.group("num")
    value = int(digits)
    if len(digits) == 2:  # only after a mark: a short B.E. year (ปี 67 → 2567)
        if not match.group("mark") or value < 40:
            return None
        be = 2500 + value
    elif value in CE_YEARS:
        be = to_be(value)
    elif value in BE_YEARS:
        be = value
    else:
        return None
    return Year(match.start("num"), match.end("num"), be, to_ce(be))


def years_in(text: str) -> list[Year]:
    """The years mentioned in ``text`` (Thai digits too), in order.

    >>> [(y.be, y.ce) for y in years_in("ค.ศ. 2030 หรือ พ.ศ. ๒๕๗๓; ปี 67 คน 1,300")]
    [(2573, 2030), (2573, 2030), (2567, 2024)]
    >>> years_in("อายุ 67 ปี รหัส 12345 ราคา 2,500 บาท")
    []
    """
    found = (_year_of(m) for m in _YEAR.finditer(fold_digits(text)))
    return [y for y in found if y is not None]


def short_years(text: str) -> dict[str, str]:
    """The two-digit B.E. years of ``text`` (``ปี 67``), each with its four-digit spelling.

    >>> short_years("ปี 67 คนไทยดื่มเหล้าร้อยละเท่าไร"), short_years("อายุ 67 ปี")
    ({'67': '2567'}, {})
    >>> short_years("สงกรานต์ 66 เกิดอุบัติเหตุกี่ครั้ง"), short_years("ณ 1 ต.ค. 67")
    ({'66': '2566'}, {'67': '2567'})
    """
    return {str(y.be)[2:]: str(y.be) for y in years_in(text) if y.end - y.start == 2}


def is_year(token: str) -> bool:
    """Whether a token is a four-digit year of either era (Thai digits too).

    >>> is_year("2567"), is_year("๒๐๒๔"), is_year("1300"), is_year("67")
    (True, True, False, False)
    """
    return len(year_equivalents(token)) > 1


def year_equivalents(number: str) -> frozenset[str]:
    """A number and, when it reads as a four-digit year, its spelling in the other era.

    >>> sorted(year_equivalents("๒๕๖๗")), sorted(year_equivalents("1300"))
    (['2024', '2567'], ['1300'])
    """
    folded = fold_digits(number)
    if len(folded) == 4 and folded.isdigit():
        value = int(folded)
        if value in CE_YEARS:
            return frozenset({folded, str(to_be(value))})
        if value in BE_YEARS:
            return frozenset({folded, str(to_ce(value))})
    return frozenset({folded})


def expand_years(text: str) -> str:
    """``text`` followed by the years it mentions in the spellings it does not use.

    For keyword search: the question's year then matches documents dated in the
    other era. Text without years comes back unchanged.

    >>> expand_years("เป้าหมายปี พ.ศ. 2570")
    'เป้าหมายปี พ.ศ. 2570 2027'
    >>> expand_years("ลดเค็ม")
    'ลดเค็ม'
    """
    present = set(re.findall(r"\d+", fold_digits(text)))
    extra: list[str] = []
    for year in years_in(text):
        for spelling in (str(year.be), str(year.ce)):
            if spelling not in present and spelling not in extra:
                extra.append(spelling)
    return " ".join([text, *extra]) if extra else text


def missing_years(asked_in: str, evidence: str) -> tuple[list[int], list[int]]:
    """Years ``asked_in`` names that ``evidence`` lacks in both eras, and those it has.

    Both lists hold B.E. years in order of mention. The first list is empty when the
    evidence meets every year asked for (or none was asked).

    >>> missing_years("ปี 2024 สูบบุหรี่ร้อยละเท่าไร", "ปี 2567 ร้อยละ 16.9")
    ([], [2567])
    >>> missing_years("ปี 2566 มีผู้ใช้กี่คน", "ในปี 2567 มีผู้ใช้ 61,000 คน")
    ([2566], [2567])
    """
    have = list(dict.fromkeys(y.be for y in years_in(evidence)))
    asked = dict.fromkeys(y.be for y in years_in(asked_in))
    return [y for y in asked if y not in have], have
