"""The measure a how-many question asks for, and whether a text gives one.

Thai counts with a measure word after the number, and asks with one after กี่:
"กี่สาย" (how many calls) is answered by "52,300 สาย", "กี่ลิตร" by litres. A passage
that gives a figure in another measure, or none, answers a neighbouring question.
"เท่าไร" about a budget, a price or a cost asks for money (baht, or another
currency). Only the measure words listed here are known; a question that counts a
noun ("กี่โรงเรียน", "กี่จังหวัด") asks for none, since its answer may count it with
any measure ("18 แห่ง", "ทุกจังหวัด").

People, places and classifiers that are nouns too ("ห้อง", "ทีม") are *loose*
measures (:func:`is_loose`): translated and informal text often drops them
("ขนส่งผู้โดยสารมากกว่า 37 ล้าน") or counts with another word ("30 คณะ"), so a text
without them may still answer; a text with them is still the better answer.

>>> sorted(asked_measure("ปี 2565 มีผู้โทรเข้าสายด่วนกี่สาย"))
['ครั้ง', 'สาย']
>>> asked_measure("มีคดีเกี่ยวกับบุหรี่ไฟฟ้ากี่คดี"), asked_measure("มีกี่โรงเรียน")
(None, None)
>>> gives_measure(asked_measure("มีกี่สาย"), "ได้รับสายทั้งหมด 52,300 สาย")
True
>>> gives_measure(asked_measure("ใช้งบประมาณเท่าไร"), "ขยายผลทั่วประเทศ 77 จังหวัด")
False
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import lru_cache

from rag.thai.match import NUMBER_WORDS, fold
from rag.thai.normalize import fold_digits
from rag.thai.segment import word_spans

_PEOPLE = frozenset({"คน", "ราย", "ท่าน"})
_PLACES = frozenset({"แห่ง", "จุด", "ที่"})
_MONEY = frozenset({"บาท", "ดอลลาร์", "ยูโร", "ปอนด์", "เยน", "หยวน", "รูปี", "ฟรังก์", "usd", "$"})
# Classifiers that are nouns too ("กี่ห้อง", "กี่ทีม"): a text may count the thing with
# another word or name it without one, so they are loose, as people and places are.
_CLASSIFIERS = frozenset(
    {
        *("ห้อง", "เม็ด", "ตำรับ", "หลักสูตร", "ทีม", "ชิ้น", "เตียง", "ขวด", "ซอง", "มวน"),
        *("ตัน", "ไร่", "อาการ", "ข้อ", "ปี", "เดือน", "รายการ", "โดส", "โด๊ส"),
    }
)
# Measure words that answer "กี่ <word>", each with the words that count the same thing.
_MEASURE_OF: dict[str, frozenset[str]] = {
    **dict.fromkeys(_PEOPLE, _PEOPLE),
    **dict.fromkeys(_PLACES, _PLACES),
    "สาย": frozenset({"สาย", "ครั้ง"}),
    "บาท": _MONEY,
    **{
        w: frozenset({w})
        for w in (
            *("ครั้ง", "ลิตร", "กิโลกรัม", "กรัม", "มิลลิกรัม", "กิโลเมตร", "เมตร"),
            *("ชั่วโมง", "นาที", "วินาที", "วัน", "สัปดาห์", "ชุด", "องค์กร"),
            *("ครัวเรือน", "หลังคาเรือน", "คัน"),
        )
    },
    **{w: frozenset({w}) for w in _CLASSIFIERS},
    **dict.fromkeys(("โดส", "โด๊ส"), frozenset({"โดส", "โด๊ส"})),
}
# English nouns counted after "how many" / units after "how much", "how long", "how heavy",
# each with the Thai measure words that answer it. People and places stay loose.
_ENGLISH_MEASURE: dict[str, str] = {
    **dict.fromkeys(("people", "persons", "patients", "cases", "deaths", "volunteers"), "คน"),
    **dict.fromkeys(("users", "workers", "participants", "residents", "members"), "คน"),
    **dict.fromkeys(("sites", "locations", "places", "centres", "centers", "clinics"), "แห่ง"),
    **dict.fromkeys(("calls",), "สาย"),
    **dict.fromkeys(("times", "sessions", "meetings", "rounds"), "ครั้ง"),
    **dict.fromkeys(("kits", "sets"), "ชุด"),
    **dict.fromkeys(("doses", "shots"), "โดส"),
    **dict.fromkeys(("tablets", "pills"), "เม็ด"),
    **dict.fromkeys(("rooms",), "ห้อง"),
    **dict.fromkeys(("formulas", "formulae", "recipes"), "ตำรับ"),
    **dict.fromkeys(("courses",), "หลักสูตร"),
    **dict.fromkeys(("teams",), "ทีม"),
    **dict.fromkeys(("beds",), "เตียง"),
    **dict.fromkeys(("households",), "ครัวเรือน"),
    **dict.fromkeys(("vehicles", "cars"), "คัน"),
    **dict.fromkeys(("ailments", "symptoms", "conditions"), "อาการ"),
    **dict.fromkeys(("litres", "liters"), "ลิตร"),
    **dict.fromkeys(("kilograms", "kg", "heavy"), "กิโลกรัม"),
    **dict.fromkeys(("kilometres", "kilometers", "km"), "กิโลเมตร"),
    **dict.fromkeys(("hours",), "ชั่วโมง"),
    **dict.fromkeys(("minutes",), "นาที"),
    **dict.fromkeys(("days",), "วัน"),
    **dict.fromkeys(("weeks",), "สัปดาห์"),
    **dict.fromkeys(("months",), "เดือน"),
    **dict.fromkeys(("years", "old"), "ปี"),
    **dict.fromkeys(("baht",), "บาท"),
}
_ENGLISH_ASK = re.compile(r"\bhow\s+(?:many|much|long|heavy|old)\s+(?:\w+\s+)?")
_METRIC_PREFIX = r"(?:กิกะ|เมกะ|กิโล|เซนติ|มิลลิ|ไมโคร|นาโน)?"  # 1.5 กิกะตัน is in ตัน
_MAGNITUDE = re.compile(r"^(?:ล้าน|แสน|หมื่น|พัน|ร้อย)+")  # กี่ล้านเม็ด counts in เม็ด
_HOW_MUCH = re.compile(r"เท่า\s*(ไร|ไหร่|ใด)|\bhow\s+much\b")
_MONEY_WORDS = (
    *("งบ", "เงิน", "ราคา", "ค่าใช้จ่าย", "ค่าตอบแทน", "มูลค่า", "ค่าธรรมเนียม", "ค่ารักษา"),
    *("ค่าปรับ", "ค่าบริการ", "ค่าจ้าง", "ค่าแรง", "ทุน", "รายได้", "วงเงิน"),
    *("budget", "cost", "price", "fee", "fund", "grant", "revenue", "spend", "spent"),
)
_PERCENT_ASK = re.compile(r"ร้อยละ\s*เท่า|เปอร์เซ็นต์|%|percent")
_NUMBER_WORDS = "|".join(NUMBER_WORDS)
_AMOUNT = rf"(?:\d[\d,]*(?:\.\d+)?|(?:{_NUMBER_WORDS})+)\s*(?:(?:{_NUMBER_WORDS})\s*)*"


def _is_money_word(token: str) -> bool:
    """Whether a token names money.

    It starts with a money word, or ends with one of three letters or more (the
    segmenter joins "มีราคา"; "สงบ" is not "งบ").

    >>> _is_money_word("งบประมาณ"), _is_money_word("มีราคา"), _is_money_word("สงบ")
    (True, True, False)
    """
    return token.startswith(_MONEY_WORDS) or token.endswith(
        tuple(w for w in _MONEY_WORDS if len(w) >= 3)
    )


@lru_cache(maxsize=1024)
def asked_measure(question: str) -> frozenset[str] | None:
    """The measure words that answer ``question``, or ``None`` when it asks for none known.

    >>> sorted(asked_measure("คนไทยดื่มเฉลี่ยกี่ลิตรต่อคนต่อปี"))
    ['ลิตร']
    >>> sorted(asked_measure("แพลตฟอร์มมีผู้ใช้บริการกี่คนในปี 2567"))
    ['คน', 'ท่าน', 'ราย']
    >>> asked_measure("สสส. ได้รับเงินบำรุงร้อยละเท่าไรของภาษี")  # a percentage
    >>> asked_measure("เหลือเวลาเท่าไรตอนที่ทีมครองบอล")  # ครองบอล holds งบ, not as a word
    >>> sorted(asked_measure("ยาเลิกบุหรี่ Cytisine มีราคาคอร์สละเท่าไร"))[:2]
    ['$', 'usd']
    >>> sorted(asked_measure("ใบรับรองมีอายุกี่ปี")), sorted(asked_measure("How many doses were sent?"))
    (['ปี'], ['โดส', 'โด๊ส'])
    """
    text = fold(question)
    spans = word_spans(text)
    words = [text[s:e] for s, e in spans]
    for i, word in enumerate(words[:-1]):
        if word != "กี่":
            continue
        rest = _MAGNITUDE.sub("", text[spans[i + 1][0] : spans[i + 1][0] + 16])
        for measure in sorted(_MEASURE_OF, key=len, reverse=True):
            if rest.startswith(measure):
                return _MEASURE_OF[measure]
        return None
    english = _english_measure(text)
    if english is not None:
        return english
    money = any(_is_money_word(w.lower()) for w in words)
    if money and _HOW_MUCH.search(text) and not _PERCENT_ASK.search(text):
        return _MONEY
    return None


def _english_measure(text: str) -> frozenset[str] | None:
    """The measure words of an English how-many question (``text`` folded), if known.

    The noun after "how many" (or the one after it: "how many relief kits"), or the
    adjective itself ("how heavy", "how old").

    >>> sorted(_english_measure("how many relief kits were handed out?"))
    ['ชุด']
    >>> _english_measure("how many provinces joined?"), _english_measure("what is km 3.0?")
    (None, None)
    """
    for m in _ENGLISH_ASK.finditer(text):
        ask = m.group().split()
        for word in (*ask[1:], *text[m.end() :].split()[:1]):
            measure = _ENGLISH_MEASURE.get(word.strip("?.,;:!()"))
            if measure is not None:
                return _MEASURE_OF[measure]
    return None


def is_loose(words: frozenset[str] | None) -> bool:
    """Whether ``words`` are people, places or noun classifiers, which a text may leave unsaid.

    >>> is_loose(asked_measure("มีผู้ใช้กี่คน")), is_loose(asked_measure("กี่ลิตร"))
    (True, False)
    >>> is_loose(asked_measure("มีหลักสูตรอบรมกี่หลักสูตร")), is_loose(None)
    (True, False)
    """
    return words in (_PEOPLE, _PLACES) or (words is not None and words <= _CLASSIFIERS)


def gives_measure(words: Iterable[str] | None, text: str) -> bool:
    """Whether ``text`` gives an amount in one of ``words`` (always, for ``None``).

    >>> gives_measure({"คน"}, "ผู้ลงทะเบียน 1.85 ล้านคน"), gives_measure({"คน"}, "สองคน")
    (True, True)
    >>> gives_measure({"บาท"}, "ค่าปรับ 2,000"), gives_measure(None, "")
    (False, True)
    >>> gives_measure(asked_measure("งบเท่าไร"), "ได้เงินสด 5 ล้านดอลลาร์")
    True
    >>> gives_measure({"ตัน"}, "ดูดซับไว้ราว 1.5 กิกะตัน")  # a metric prefix keeps the measure
    True
    """
    if words is None:
        return True
    measures = sorted(words, key=len, reverse=True)
    pattern = rf"{_AMOUNT}\s*{_METRIC_PREFIX}(?:{'|'.join(map(re.escape, measures))})"
    if "$" in measures:
        pattern += r"|\$\s*\d"
    return re.search(pattern, fold_digits(fold(text)).lower()) is not None
