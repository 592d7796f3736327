"""What kind of figure a question asks for, and whether a passage gives one.

"กี่คน", "ร้อยละเท่าไร", "เมื่อไร", "How many …" ask for a figure: a count or an
amount, a percentage, or a date; "ชื่อว่าอะไร" asks for a name, given in quotes,
in Latin capitals or after a naming verb; "จังหวัดใด", "ที่ไหน", "which provinces"
ask for a place. An answer to such a question should open
with the clause that holds the figure, not with the sentence that introduces it. The
question words are Thai (with chat spellings) and English; a figure is a number
other than those the question itself gives (its years, its ages).

>>> asked_figure("ปี 2567 คนไทยสูบบุหรี่ร้อยละเท่าไร"), asked_figure("อสม. มีกี่คน")
('percent', 'count')
>>> asked_figure("โครงการเริ่มเมื่อไหร่"), asked_figure("What is Active Break?")
('date', None)
>>> asked_figure("กฎหมายนี้มีขึ้นในปีอะไร"), asked_figure("เปลี่ยนภาพลักษณ์ในทศวรรษใด")
('date', 'date')
>>> asked_figure("อัตราการสวมหมวกเปลี่ยนไปอย่างไร"), asked_figure("ลดการสูบบุหรี่อย่างไร")
('count', None)
>>> asked_figure("ความคืบหน้าเกี่ยวกับอะไร")  # เกี่ยว holds กี่ and asks nothing

>>> asked_figure("โครงการอบรมครูชื่อว่าอะไร"), asked_figure("ค่าฝุ่นสูงสุดวัดได้ที่ตำบลใด")
('name', 'place')
>>> gives_figure("name", "จัดอบรมหลักสูตร “ครูแคร์ใจ” ให้ครู", "โครงการอบรมครูชื่อว่าอะไร")
True
>>> gives_figure("count", "ปี 2567 มีผู้ลงทะเบียน 18,900 คน", "ปี 2567 มีกี่คน")
True
>>> gives_figure("count", "ในปี 2567 โครงการขยายไปทั่วประเทศ", "ปี 2567 มีกี่คน")
False
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Literal

from rag.thai.match import fold
from rag.thai.measures import asked_measure, gives_measure
from rag.thai.normalize import fold_digits
from rag.thai.places import places_in
from rag.thai.years import MONTHS, years_in

Figure = Literal["count", "percent", "date", "name", "place"]

_PERCENT_ASK = re.compile(
    r"ร้อยละ\s*(เท่า|กี่)|กี่\s*(เปอร์เซ็นต์|%)|what\s+(percentage|share|proportion|percent)"
)
_DATE_ASK = re.compile(
    r"เมื่อ\s*(ไร|ไหร่|ใด)|วันที่\s*(เท่า|ไหน|ใด)|วัน\s*(ไหน|ใด|อะไร)|ปี\s*(ไหน|ใด|อะไร)|"
    r"เดือน\s*(ไหน|ใด|อะไร)|(ทศวรรษ|ศตวรรษ)\s*(ไหน|ใด|อะไร|ที่\s*เท่า)|"
    r"[พค]\.?ศ\.?\s*(ไหน|ใด|อะไร)|"
    r"\bwhen\b|what\s+(date|year|day)|which\s+(date|year|day)|"
    r"กี่โมง|เวลา\s*(ใด|ไหน)|\bwhat\s+time\b"
)
_NAME_ASK = re.compile(
    r"ชื่อ\s*(ว่า)?\s*(อะไร|อย่างไร|ใด)|\bwhat\s+(is|was)\s+the\s+name\b|"
    r"\bwhat\s+(is|was)\s+(it|the\s+[\w' -]{1,60}?)\s+called\b"
)
#: A quoted name: “…”, "…", «…» or ‘…’ (the question's programme, an answer's name).
QUOTED = re.compile(r"[“\"«‘]([^”\"»’\n]{2,60})[”\"»’]")
_PLACE_ASK = re.compile(
    r"(จังหวัด|อำเภอ|ตำบล|โรงพยาบาล|ภาค|พื้นที่)\s*(ใด|ไหน)|ที่\s*ไหน|"
    r"(?<!ปี)(?<!วัน)(?<!ครั้ง)(?<!ข้อ)(?<!อันดับ)(?<!ลำดับ)ที่\s*ใด|"
    r"\bwhich\s+(\w+\s+)?(provinces?|districts?|hospitals?|cit(y|ies)|regions?|sub-?districts?)\b|"
    r"\bwhere\b"
)
# A named place: a province or region (rag.thai.places), or a marker and the name after it.
_PLACE_NAME = re.compile(r"(?:จังหวัด|จ\.|อำเภอ|อ\.|ตำบล|ต\.|โรงพยาบาล|รพ\.|เขต)\s*([ก-๙]{2,})")
# Words after a place marker that name no place ("จังหวัดแรก", "พื้นที่นำร่อง").
_NOT_NAMES = ("แรก", "นี้", "นั้น", "ต่าง", "อื่น", "ทั้ง", "ละ", "ใด", "ไหน", "เดียว", "นำร่อง")
_LATIN_NAME = re.compile(r"\b[A-Z][A-Za-z0-9]*(?:\s+[A-Z][A-Za-z0-9]*)+")  # School Health Hero
_NAMING = re.compile(r"ชื่อว่า|ภายใต้ชื่อ|เรียกว่า|\bnamed\b|\bcalled\b")
# "เปลี่ยนไปอย่างไร" (how did it change) is answered with figures: from one to another.
_COUNT_ASK = re.compile(
    r"(?<!เ)กี่(?!ยว)|เท่า\s*(ไร|ไหร่|ใด)|\bhow\s+(many|much|long|old)\b|เปลี่ยน(แปลง)?\s*(ไป)?\s*อย่างไร"
)
# A year after its marker, any era and century: "ปี 1349", "ค.ศ. 800", "ศตวรรษที่ 19".
_MARKED_YEAR = re.compile(
    r"(?:ปี|ค\.\s?ศ\.|พ\.\s?ศ\.|ทศวรรษ(?:ที่)?|ศตวรรษ(?:ที่)?)\s*(\d{1,4})(?![\d,.]\d)"
)
_CLOCK = re.compile(r"\b\d{1,2}[.:]\d{2}\s*(น\.|นาฬิกา|[–-]\s*\d{1,2}[.:]\d{2})")

_NUMBER = re.compile(r"\d[\d,]*(?:\.\d+)?")
_ORDINAL_ASK = re.compile(r"(?<!อยู่)ที่\s*(?:เท่า|กี่)")  # สมัยที่เท่าไร: which one is the figure
_SLASH_DATE = re.compile(r"\b\d{1,2}/\d{1,2}/\d{2,4}\b")
_PERCENT = re.compile(r"(ร้อยละ|percent)\s*\d|\d\s*(%|เปอร์เซ็นต์)")


def asked_figure(question: str) -> Figure | None:
    """The kind of figure ``question`` asks for, or ``None`` (a what, who or how question)."""
    text = fold(question)
    if _PERCENT_ASK.search(text):
        return "percent"
    if _DATE_ASK.search(text):
        return "date"
    if _NAME_ASK.search(text):
        return "name"
    if _PLACE_ASK.search(text):
        return "place"
    if _COUNT_ASK.search(text):
        return "count"
    return None


def _new_numbers(text: str, question: str) -> list[str]:
    """Quantities of ``text`` that the question does not give itself.

    A year (``ปี 2554``) or an ordinal (``แห่งที่ 14``, ``ครั้งที่ 3``) names *which*
    one, not *how many*, so neither counts; nor do the question's own numbers.

    >>> _new_numbers("ในปี 2554 แห่งที่ 14 มีผู้เข้าร่วม 1,407 คน", "กี่คน")
    ['1,407']
    >>> _new_numbers("09/07/2567 พิมพ์", "กี่ปี")  # a dateline
    []
    >>> _new_numbers("ในการประชุมสมัยที่ 148", "การประชุมสมัยที่เท่าไร")  # asks which one
    ['148']
    """
    folded = fold_digits(text)
    given = set(_NUMBER.findall(fold_digits(question)))
    skip = {(y.start, y.end) for y in years_in(text)}
    dates = [m.span() for m in _SLASH_DATE.finditer(folded)]
    counts_ordinals = _ORDINAL_ASK.search(fold(question)) is not None
    found = []
    for m in _NUMBER.finditer(folded):
        ordinal = not counts_ordinals and folded[: m.start()].rstrip().endswith("ที่")
        dated = any(s <= m.start() < e for s, e in dates)
        if m.group() not in given and (m.start(), m.end()) not in skip and not (ordinal or dated):
            found.append(m.group())
    return found


def gives_figure(kind: Figure, text: str, question: str) -> bool:
    """Whether ``text`` gives a figure of ``kind`` that ``question`` does not already hold.

    >>> gives_figure("percent", "ร้อยละ 16.9 ของผู้ใหญ่", "สูบบุหรี่ร้อยละเท่าไร")
    True
    >>> gives_figure("date", "จัดขึ้นเมื่อวันที่ 14–15 สิงหาคม 2567", "จัดวันไหน")
    True
    >>> gives_figure(asked_figure("พิธีเปิดเริ่มกี่โมง"), "พิธีเปิดเวลา 06.15 น.", "กี่โมง")
    True
    >>> gives_figure("count", "ในปี 2566 มีเวที 12 ครั้ง", "พบคนไร้บ้านกี่คน")  # not in people
    False
    """
    return _GIVES[kind](text, question)


def _gives_name(text: str, question: str) -> bool:
    """A quoted or Latin-capital name the question does not give, or a naming verb."""
    names = [*QUOTED.findall(text), *_LATIN_NAME.findall(text)]
    return any(fold(n) not in fold(question) for n in names) or bool(_NAMING.search(fold(text)))


def _gives_place(text: str, question: str) -> bool:
    """A place the question does not name: a province or region, or one after a marker."""
    given = fold(question)
    named = [
        n
        for n in _PLACE_NAME.findall(fold(text))
        if n not in given and not n.startswith(_NOT_NAMES) and not places_in(n)
    ]
    return bool(named) or bool(places_in(text) - places_in(question))


def _gives_percent(text: str, question: str) -> bool:
    """A percentage the question does not give."""
    return bool(_PERCENT.search(fold_digits(text))) and bool(_new_numbers(text, question))


def _gives_date(text: str, question: str) -> bool:
    """A month, a year the question does not ask about, or a clock time.

    A year before 1800 needs its marker (``ปี 1349``, ``ศตวรรษที่ 19``).

    >>> _gives_date("ไปถึงอังกฤษในฤดูใบไม้ผลิปี 1349", "ระบาดไปถึงอังกฤษเมื่อใด")
    True
    >>> _gives_date("ผู้ป่วยอายุ 15 ปี จำนวน 1349 คน", "ระบาดไปถึงอังกฤษเมื่อใด")
    False
    """
    asked = {y.be for y in years_in(question)}
    dated = any(m in text for m in MONTHS) or any(y.be not in asked for y in years_in(text))
    given = set(_NUMBER.findall(fold_digits(question)))
    marked = any(n not in given for n in _MARKED_YEAR.findall(fold_digits(text)))
    return dated or marked or bool(_CLOCK.search(fold_digits(text)))


def _gives_count(text: str, question: str) -> bool:
    """A number the question does not give, in the measure it counts in (if any)."""
    return bool(_new_numbers(text, question)) and gives_measure(asked_measure(question), text)


_GIVES: dict[Figure, Callable[[str, str], bool]] = {
    "count": _gives_count,
    "percent": _gives_percent,
    "date": _gives_date,
    "name": _gives_name,
    "place": _gives_place,
}
