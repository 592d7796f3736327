"""Where a Thai clause may end: never after a word that opens what follows.

Thai marks clauses with a space, not punctuation, so a space is where a long
sentence may be cut. But some spaces sit inside a clause: after ``ร้อยละ`` comes
its figure, after ``จาก`` what something fell from, after ``และ`` the second half
of a pair. A text that ends on such a word stops mid-clause, before the fact
it introduces (``…ลดลงจากร้อยละ``); so does one that ends on what a figure changed
from (``…ปรับจาก 50``) before what it changed to. :func:`ends_open` is that rule; the answer
units are cut and checked with it.

A space may also sit between a subject and its predicate ("ในปี 1943
ศาลสูงสุดของสหรัฐอเมริกา ตัดสินให้…"): the text after it starts with a verb and
names who acted only in the text before (:func:`starts_open`, :func:`ends_on_noun`).

>>> ends_open("อัตราการสูบบุหรี่ลดลงจากร้อยละ")
True
>>> ends_open("อัตราการสูบบุหรี่ลดลงจากร้อยละ 19.1 เหลือร้อยละ 16.9")
False
"""

from __future__ import annotations

import re
from functools import lru_cache

from rag.thai.match import NUMBER_WORDS, fold, is_number
from rag.thai.segment import pos_tags, word_tags, word_tokenize

# Words after which a clause goes on: figure and quantity introducers, prepositions,
# conjunctions and relative words. A clause does not end on them.
OPEN_WORDS = frozenset(
    {
        # figures and quantities
        *("ร้อยละ", "จำนวน", "ประมาณ", "ราว", "กว่า", "เกือบ", "เหลือ", "อยู่ที่", "เฉลี่ย"),
        *("รวม", "มากกว่า", "น้อยกว่า", "สูงกว่า", "ต่ำกว่า", "เพียง", "ละ"),
        *("คิดเป็น", "เท่ากับ", "ไม่เกิน", "อย่างน้อย"),
        # dates
        *("ปี", "พ.ศ.", "ค.ศ.", "เดือน", "วันที่", "ภายใน", "ภายในปี", "ตั้งแต่", "ถึง", "จนถึง"),
        # prepositions and linking verbs
        *("จาก", "ของ", "ใน", "แก่", "กับ", "สู่", "โดย", "เพื่อ", "แด่", "เป็น"),
        *("คือ", "ได้แก่", "ว่า", "ที่", "ซึ่ง", "อัน", "ระหว่าง", "ต่อการ"),
        # conjunctions
        *("และ", "หรือ", "แต่", "จึง", "เพราะ", "เนื่องจาก", "เมื่อ", "หาก", "ถ้า", "ทั้ง"),
        *("รวมถึง", "รวมทั้ง", "ตลอดจน", "กระทั่ง", "แม้", "ส่วน", "ขณะที่", "โดยเฉพาะ"),
        # English, for mixed text
        *("of", "from", "to", "and", "or", "the", "a", "an", "in", "by", "with", "for"),
    }
)
_OPEN_MARKS = "(:–-—,/[{“\"'‘"
# "…ปรับจาก 50" says what a figure changed from and stops before what it changed to:
# จาก (from), an optional ร้อยละ, a number, at most one unit word, and the end
# (not "ผลิตจากเวทีทั้งหมด 42 ชุด": there จาก names a source; "จากจำนวน 16%" is a figure).
_FROM_FIGURE = re.compile(
    r"จาก(?:จำนวน|ตัวเลข|ระดับ|ค่า|เดิม)*\s*(?:ร้อยละ\s*)?\d[\d,]*(?:\.\d+)?\s*[^\s\d]{0,12}$"
)
# "15 ปี" and "เลขสองจำนวน" (two numbers) are closed; "ภายในปี" and "จำนวน" alone are not
_UNITS_AFTER_NUMBERS = frozenset({"ปี", "เดือน", "จำนวน"})
_PER = re.compile(
    r"\d[\d,.]*\s*(?:กิโล|มิลลิ|ไมโคร)?"
    r"(?:กรัม|ลิตร|เมตร|บาท|คน|ราย|ครั้ง|ชั่วโมง|วัน|เดือน|ปี|หน่วย|แห่ง)\s*ต่อ$"
)
_OR_MORE = re.compile(r"หรือ\s*[ก-๙]{0,8}กว่า$")
_STRAIGHT_QUOTES = "\"'"  # opens after a space, closes right after a word
_NUMBER_WORDS = frozenset(NUMBER_WORDS)


def last_words(text: str, n: int = 2) -> list[str]:
    """The last ``n`` words of ``text`` (folded), fewer when it has fewer.

    >>> last_words("ภายในปี 2570 "), last_words("ลดลงจากร้อยละ", 1)
    (['ปี', '2570'], ['ร้อยละ'])
    """
    tail = fold(text).rstrip()[-60:]
    return word_tokenize(tail)[-n:]


def ends_open(text: str) -> bool:
    """Whether ``text`` stops inside a clause: on an opening word or mark.

    >>> ends_open("ลดลงเหลือ"), ends_open("ภายในปี 2570"), ends_open("ได้แก่ (1)")
    (True, False, False)
    >>> ends_open("เยาวชนอายุ 15 ปี"), ends_open("เป้าหมายภายในปี"), ends_open("")
    (False, True, False)
    >>> ends_open("งดดื่มเป็นเวลาสามเดือน"), ends_open("งดดื่มเป็นเวลาสามเดือน ในปี")
    (False, True)
    >>> ends_open("ปรับค่ามาตรฐานจาก 50"), ends_open("ลดลงจากร้อยละ 21.4 ในปี 2554")
    (True, False)
    >>> ends_open("ปรับจาก 50 เป็น 37.5 ไมโครกรัม"), ends_open("ลดลงจาก 18,218 ราย")
    (False, True)
    >>> ends_open("เพิ่มขึ้นจากจำนวนตัวเลข 16%"), ends_open("ผลิตจากเวทีทั้งหมด 42 ชุด")
    (True, False)
    >>> ends_open('เราเรียกว่า "แรงโน้มถ่วง"'), ends_open('เราเรียกว่า "'), ends_open("เลขสองจำนวน")
    (False, True, False)
    >>> ends_open('ยังไม่เพียงพอสำหรับการลดความยากจน"')  # closes a quotation begun before
    False
    >>> ends_open("ไม่น่าจะเกิดในอีกทศวรรษหรือนานกว่า"), ends_open("เพิ่มขึ้นมากกว่า")
    (False, True)
    >>> ends_open("ลดลงเหลือ 6.1 กรัมต่อ"), ends_open("ลดลงเหลือ 6.1 กรัมต่อ 100 มิลลิลิตร")
    (True, False)
    >>> ends_open("โครงการจะดำเนินการต่อ")
    False
    """
    stripped = text.rstrip()
    if not stripped:
        return False
    last = stripped[-1]
    if last in _STRAIGHT_QUOTES:
        return len(stripped) == 1 or stripped[-2].isspace()
    tail = fold(stripped[-60:])  # "6.1 กรัมต่อ" (_PER): a rate before its "100 มล."
    if last in _OPEN_MARKS or _FROM_FIGURE.search(tail) or _PER.search(tail):
        return True
    words = last_words(stripped)
    counted = len(words) > 1 and (is_number(words[-2]) or words[-2] in _NUMBER_WORDS)
    if words[-1] in _UNITS_AFTER_NUMBERS and counted:  # 15 ปี, สามเดือน
        return False
    if _OR_MORE.search(stripped[-30:]):  # "10 ปีหรือนานกว่า": or longer, the clause ends
        return False
    return words[-1] in OPEN_WORDS


def closed_end(text: str, max_trim: float = 0.4) -> int:
    """Where ``text`` should end so that it does not stop inside a clause.

    ``len(text)`` when it already ends closed; else the end of the longest prefix that
    ends at a space and is closed, trimming at most ``max_trim`` of the text (then the
    text is kept whole: a long open clause is better than a stump).

    >>> t = "ต่อเนื่อง 60 วัน ในปี"
    >>> t[: closed_end(t)]
    'ต่อเนื่อง 60 วัน'
    >>> closed_end("ลดลงเหลือร้อยละ 15") == len("ลดลงเหลือร้อยละ 15")
    True
    """
    if not ends_open(text):
        return len(text)
    floor = len(text) * (1.0 - max_trim)
    end = len(text)
    while True:
        space = max(text.rfind(" ", 0, end), text.rfind("\n", 0, end))
        if space <= 0 or space < floor:
            return len(text)
        end = len(text[:space].rstrip())
        if end and not ends_open(text[:end]):
            return end


# ORCHID tags of a word that continues a clause: verbs, auxiliaries, a relative pronoun.
_PREDICATE_TAGS = frozenset({"VACT", "VSTA", "XVBM", "XVAM", "XVMM", "PREL"})
_NOUN_TAGS = frozenset({"NCMN", "NPRP", "NCNM", "NLBL", "NTTL", "NONM"})
_LINKS = frozenset({"ซึ่ง", "คือ"})  # tagged as conjunction or verb; both need what went before
_RELATIVES = frozenset({"ซึ่ง", "อัน"})


def first_words(text: str, n: int = 3) -> list[str]:
    """The first ``n`` words of ``text`` (folded), from its first 40 characters.

    >>> first_words("  ซึ่งการระบาดครั้งนี้", 2)
    ['ซึ่ง', 'การ']
    """
    return word_tokenize(fold(text.lstrip()[:40]))[:n]


@lru_cache(maxsize=8192)
def starts_open(text: str) -> bool:
    """Whether ``text`` starts inside a clause: with a predicate whose subject came before.

    A verb, an auxiliary or a relative word (``ซึ่ง``, ``ที่``, ``คือ``) opens it; so does
    a compound that starts with a verb (:func:`rag.thai.segment.word_tags`:
    "มีอำนาจ", "ส่งสัญญาณ").

    >>> starts_open("ตัดสินให้สิทธิบัตรมีผลใช้ได้ดังเดิม"), starts_open("คือนักศึกษาอีกคนหนึ่ง")
    (True, True)
    >>> starts_open("มีอำนาจในการแก้ไขกฎหมาย"), starts_open("ที่นั่งสภาเก้าอี้แรก")
    (True, False)
    >>> starts_open("ศาลสูงสุดตัดสินให้สิทธิบัตรมีผล"), starts_open("2,060 คน"), starts_open("")
    (False, False, False)
    """
    words = first_words(text)
    if not words or not words[0][0].isalpha():
        return False
    return words[0] in _LINKS or word_tags(words)[0] in _PREDICATE_TAGS


@lru_cache(maxsize=8192)
def starts_relative(text: str) -> bool:
    """Whether ``text`` opens with a relative word (``ซึ่ง``, ``อัน``, relative ``ที่``).

    It describes the noun just before it, whatever word ends the text before it
    ("มีเพียงเภสัชกรเท่านั้น | ที่สามารถจ่ายยาได้").

    >>> starts_relative("ซึ่งการระบาดครั้งนี้เกี่ยวข้องกับสงคราม")
    True
    >>> starts_relative("ที่สามารถจ่ายยาตามกำหนดเวลาให้กับสาธารณชน")
    True
    >>> starts_relative("ที่ศูนย์อวกาศเคนเนดี้มีการทดสอบ"), starts_relative("")
    (False, False)
    """
    words = first_words(text)
    if not words:
        return False
    if words[0] in _RELATIVES:
        return True
    # relative ที่ is followed by its verb ("ที่สามารถ…"), the preposition by a place
    return words[0] == "ที่" and len(words) > 1 and word_tags(words)[1] in _PREDICATE_TAGS


@lru_cache(maxsize=8192)
def ends_on_noun(text: str) -> bool:
    """Whether ``text`` ends on a noun or a parenthesis: a subject, not a finished clause.

    >>> ends_on_noun("ในปี 1943 ศาลสูงสุดของสหรัฐอเมริกา"), ends_on_noun("ฌอง โคแวง (จอห์น คาลวิน)")
    (True, True)
    >>> ends_on_noun("พวกเขาก็เอาชนะได้สำเร็จ"), ends_on_noun("มีผู้บาดเจ็บ 2,060"), ends_on_noun("")
    (False, False, False)
    """
    tail = fold(text.rstrip())[-40:]
    if tail.endswith(")"):
        return True
    words = word_tokenize(tail)[-3:]
    if not words or words[-1][-1].isdigit():
        return False
    return pos_tags(words)[-1] in _NOUN_TAGS
