"""A question's specific constraints, which the evidence of an answer must meet.

A near miss asks about a year or a place the documents do not cover ("ปี 2566 …"
when they give 2567, "เชียงราย …" when they give เชียงใหม่). Retrieval finds the
neighbouring passage and its figure reads like an answer, but it answers another
question. So before answering, the passage around the best unit (its *window*:
the document title and the text just before and after the unit in the retrieved
chunks that hold it) must
name a year the question asks for, when it names any year, a place the
question asks for, when the question names one, and an amount in the measure a
how-many question counts in ("กี่สาย", "งบเท่าไร": :mod:`rag.thai.measures`), and a
name the question quotes (โครงการ “เดินดีไปด้วยกัน”).
Otherwise the answer is a refusal whose notice says what the documents give instead.

Years are compared in both eras (:mod:`rag.thai.years`), places by canonical name
(:mod:`rag.thai.places`), so "Chiang Mai in 2024" is met by "เชียงใหม่ ปี 2567".

>>> gap("ปี 2566 เชียงใหม่มีวันที่ฝุ่นเกินมาตรฐานกี่วัน", "ปี 2567 เชียงใหม่เกิน 78 วัน")
'เอกสารมีข้อมูลปี 2567 ไม่ใช่ปี 2566 / The documents give 2567, not 2566.'
>>> gap("ปี 2567 เชียงรายมีวันที่ฝุ่นเกินมาตรฐานกี่วัน", "ปี 2567 เชียงใหม่เกิน 78 วัน")
'เอกสารมีข้อมูลของเชียงใหม่ ไม่ใช่เชียงราย / The documents give เชียงใหม่, not เชียงราย.'
>>> gap("How many days did Chiang Mai exceed the standard in 2024?", "ปี 2567 เชียงใหม่เกิน 78 วัน")
''
"""

from __future__ import annotations

from collections.abc import Sequence

from rag.answer.units import Scored
from rag.data import Chunk
from rag.thai.asks import QUOTED
from rag.thai.match import compact
from rag.thai.measures import asked_measure, gives_measure, is_loose
from rag.thai.places import places_in
from rag.thai.years import missing_years, years_in

#: Characters of the chunk before and after the best unit that belong to its window.
BEFORE = 240
AFTER = 120


def window(best: Scored, holders: Sequence[Chunk] = ()) -> str:
    """The best unit's document title and the text around the unit.

    ``holders`` are the retrieved chunks that hold the unit's text (chunks overlap;
    :func:`rag.answer.units.holders`, its own chunk when empty): the text before the
    unit comes from the one that starts earliest, the text after it from the one
    that ends last.
    """
    unit = best.unit
    own = unit.hit.chunk
    start, end = own.start + unit.start, own.start + unit.end
    first = min(holders or (own,), key=lambda c: c.start)
    last = max(holders or (own,), key=lambda c: c.end)
    before = first.text[max(0, start - first.start - BEFORE) : start - first.start]
    after = last.text[end - last.start : end - last.start + AFTER]
    return f"{unit.hit.title}\n{before}{unit.text}{after}"


def year_gap(question: str, evidence: str) -> str:
    """The notice when ``evidence`` names years, but none the question asks for.

    >>> year_gap("ปี 2566 มีผู้ใช้กี่คน", "ในปี 2567 มีผู้ใช้ 61,000 คน")
    'เอกสารมีข้อมูลปี 2567 ไม่ใช่ปี 2566 / The documents give 2567, not 2566.'
    >>> year_gap("ปี 2566 มีผู้ใช้กี่คน", "มีผู้ใช้ 61,000 คน"), year_gap("มีผู้ใช้กี่คน", "ปี 2567")
    ('', '')
    """
    missing, have = missing_years(question, evidence)
    met = any(y in have for y in (y.be for y in years_in(question)))
    if not missing or not have or met:
        return ""
    gave, wanted = ", ".join(map(str, have[:3])), ", ".join(map(str, missing))
    return f"เอกสารมีข้อมูลปี {gave} ไม่ใช่ปี {wanted} / The documents give {gave}, not {wanted}."


def place_gap(question: str, evidence: str) -> str:
    """The notice when the question names places and ``evidence`` names none of them.

    >>> place_gap("ภาคเหนือสูบบุหรี่ร้อยละเท่าไร", "ภาคใต้ร้อยละ 21.2")
    'เอกสารมีข้อมูลของภาคใต้ ไม่ใช่ภาคเหนือ / The documents give ภาคใต้, not ภาคเหนือ.'
    >>> place_gap("อุดรธานีมี อสม. กี่คน", "อสม. ทั่วประเทศ 1.07 ล้านคน")
    'เอกสารไม่ได้ระบุข้อมูลของอุดรธานี / The documents do not give this for อุดรธานี.'
    >>> place_gap("คนไทยสูบบุหรี่ร้อยละเท่าไร", "ร้อยละ 16.9")
    ''
    """
    asked = places_in(question)
    found = places_in(evidence)
    if not asked or asked & found:
        return ""
    wanted = ", ".join(sorted(asked))
    if not found:
        return f"เอกสารไม่ได้ระบุข้อมูลของ{wanted} / The documents do not give this for {wanted}."
    gave = ", ".join(sorted(found)[:3])
    return f"เอกสารมีข้อมูลของ{gave} ไม่ใช่{wanted} / The documents give {gave}, not {wanted}."


def measure_gap(question: str, evidence: str) -> str:
    """The notice when the question counts in a measure (กี่สาย, งบเท่าไร) the evidence never gives.

    >>> measure_gap("ปี 2565 มีผู้โทรเข้าสายด่วน 1600 กี่สาย", "บอร์ดเคาะสายด่วน 1600 เป็นสถานบริการ")
    'เอกสารไม่ได้ระบุจำนวนเป็นสายที่ถาม / The documents do not give the figure asked for (สาย).'
    >>> measure_gap("ปี 2567 สายด่วน 1600 ได้รับกี่สาย", "ได้รับสายทั้งหมด 52,300 สาย")
    ''
    >>> measure_gap("ใบรับรองค่าธรรมเนียมฉบับละเท่าไร", "ครม. มีมติอนุมัติหลักการ")  # a Thai word
    'เอกสารไม่ได้ระบุจำนวนเป็นบาทที่ถาม / The documents do not give the figure asked for (บาท).'
    """
    words = asked_measure(question)
    if words is None or is_loose(words) or gives_measure(words, evidence):
        return ""
    word = min(words, key=lambda w: (w not in question, w.isascii(), len(w), w))
    return (
        f"เอกสารไม่ได้ระบุจำนวนเป็น{word}ที่ถาม / "
        f"The documents do not give the figure asked for ({word})."
    )


def name_gap(question: str, evidence: str) -> str:
    """The notice when the question quotes a name (a programme, a campaign) the evidence lacks.

    >>> name_gap("โครงการ “เดินดีไปด้วยกัน” ได้งบเท่าไร", "โครงการต้นแบบ จำนวน 3.5 ล้านบาท")
    'เอกสารไม่ได้กล่าวถึง “เดินดีไปด้วยกัน” / The documents do not mention “เดินดีไปด้วยกัน”.'
    >>> name_gap("โครงการ “เดินดีไปด้วยกัน” นำร่องกี่จังหวัด", "โครงการ เดินดีไปด้วยกัน 11 จังหวัด")
    ''
    """
    have = compact(evidence)
    for name in QUOTED.findall(question):
        if compact(name) not in have:
            return f"เอกสารไม่ได้กล่าวถึง “{name}” / The documents do not mention “{name}”."
    return ""


def gap(question: str, evidence: str) -> str:
    """Why ``evidence`` does not answer ``question`` (year, place, measure, name), or ``""``."""
    return (
        year_gap(question, evidence)
        or place_gap(question, evidence)
        or measure_gap(question, evidence)
        or name_gap(question, evidence)
    )
