"""Whether a question asks for the subject of its clause: who or what did it.

"ใครชนะการแข่งขัน" and "พรรคการเมืองใดมีฐานเสียงมากที่สุด" put their question word
before the verb: they ask who or what acts. A document answers them with a name
*before* the predicate ("… โปโลเนียวอร์ซอว์ | ชนะการแข่งขัน …"), and Thai often puts a
space between the two, where an answer unit may start. "เทสลาใช้ชีวิตอยู่ที่ใด" asks for
what comes after its verb. :func:`asks_subject` is that rule; the extractive answer
then quotes the end of the unit before the one that matches the question
(:mod:`rag.answer.choose`).

>>> asks_subject("ใครชนะในการแข่งขันซูเปอร์โบว์ลครั้งที่ 49")
True
>>> asks_subject("พรรคการเมืองใดมีฐานเสียงมากที่สุดในย่านร่ำรวยของเมลเบิร์น")
True
>>> asks_subject("ทีมบรอนคอสเอาชนะทีมใดในการแข่งขันรอบดิวิชั่น")
False
>>> asks_subject("เทสลาใช้ชีวิตอยู่ที่ใดมากที่สุด"), asks_subject("เหตุใดโปโลเนียจึงลดระดับ")
(False, False)
"""

from __future__ import annotations

from functools import lru_cache

from rag.thai.clauses import first_words
from rag.thai.match import fold
from rag.thai.segment import VERB_TAGS, word_tags, word_tokenize

_WH = frozenset({"ใคร", "อะไร", "ใด", "ไหน"})
_NOT_ASKING_WHO = frozenset({"ที่", "เหตุ", "อย่าง", "เมื่อ", "ปี", "วัน", "เวลา", "เท่า"})
_NOMINAL = frozenset({"FIXN", "FIXV"})  # การ, ความ, อย่าง: a verb after them is a noun


@lru_cache(maxsize=4096)
def asks_subject(question: str) -> bool:
    """Whether ``question``'s question word (ใคร, อะไร, …ใด, …ไหน) comes before its verb.

    Not when it asks where, why, how, when or how much (``ที่ใด``, ``เหตุใด``).
    """
    words = word_tokenize(fold(question))
    if not words:
        return False
    tags = word_tags(words)
    for i, word in enumerate(words):
        if word in _WH:
            return i == 0 or words[i - 1] not in _NOT_ASKING_WHO
        if any(word.endswith(w) and word[: -len(w)] in _NOT_ASKING_WHO for w in _WH):
            return False  # เหตุใด, อย่างไร as one word
        if tags[i] in VERB_TAGS and not (i and tags[i - 1] in _NOMINAL):
            return False
    return False


def opens_with_question_word(question: str, text: str) -> bool:
    """Whether ``text`` opens with a word of ``question``.

    Such a text restates the question from its predicate on, and names the subject
    asked for only before itself.

    >>> q = "พรรคการเมืองใดมีฐานเสียงมากที่สุดในย่านร่ำรวย"
    >>> opens_with_question_word(q, "มีฐานเสียงเยอะสุดในเมืองเมลเบิร์นชั้นใน")
    True
    >>> opens_with_question_word(q, "แอ่งนี้กินพื้นที่ 7,000,000 ตารางกิโลเมตร")
    False
    """
    first = first_words(text, 1)
    return bool(first) and first[0] in _question_words(question)


@lru_cache(maxsize=1024)
def _question_words(question: str) -> frozenset[str]:
    return frozenset(word_tokenize(fold(question)))
