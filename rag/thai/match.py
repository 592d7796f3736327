r"""Text matching: one fold, stop words, numbers, and the tokens keyword search uses.

Every comparison of texts in the package goes through these functions: the
retriever's duplicate check, the extractive answerer's term matching, the
verifier, the follow-up rule and the answer metrics.

>>> fold("ปี ๒๕๖๖ WHO")
'ปี 2566 who'
>>> compact(" สสส.  ปี\n๒๕๔๔ ")
'สสส.ปี2544'
>>> sorted(numbers_in("ร้อยละ ๒ ของ 1,000 คน ปี 2544"))
['1000', '2', '2544']
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from functools import lru_cache

from rag.thai.normalize import fold_digits, normalize
from rag.thai.segment import is_thai, syllable_tokenize, word_tokenize

# Thai and English question words and sentence-final particles: they never occur in
# an answer. The part of STOP_WORDS that IDF-weighted question terms drop (function
# words keep their low IDF weight there, as BM25 keeps them).
QUESTION_WORDS = frozenset(
    {
        *("อะไร", "ใคร", "ที่ไหน", "ไหน", "ที่ใด", "เมื่อไร", "เมื่อไหร่", "เมื่อใด", "อย่างไร"),
        *("ยังไง", "เท่าไร", "เท่าไหร่", "เท่าใด", "กี่", "ทำไม", "ใด", "บ้าง", "หรือไม่"),
        *("หรือเปล่า", "ไหม", "มั้ย", "ล่ะ", "คะ", "ครับ", "ค่ะ", "นะ", "คือ"),
        *("what", "who", "whom", "whose", "when", "where", "which", "why", "how", "many"),
        *("much", "is", "are", "was", "were", "do", "does", "did", "the", "a", "an", "of"),
    }
)
# The one stop-word list: words that never carry the content of a claim, as the Thai
# tokenizer (search_tokens) cuts them. Merged from three lists:
STOP_WORDS = QUESTION_WORDS | frozenset(
    {
        # function words in at least 30% of 2,910 windows of 600 characters of real Thai
        # text (XQuAD-th paragraphs and thaigov news); the negation ไม่ (29%) and digits
        # are deliberately not in the set (claims' content tokens)
        *("และ", "การ", "ที่", "ใน", "ของ", "ให้", "มี", "ได้", "โดย", "เพื่อ", "เป็น", "จาก"),
        *("กับ", "ซึ่ง", "ตาม", "หรือ"),
        # words that refer back or lead on (follow-up questions)
        *("นี้", "นั้น", "นั่น", "นี่", "ดังกล่าว", "เหล่านี้", "เหล่านั้น", "เขา", "มัน", "เธอ"),
        *("พวกเขา", "ท่าน", "แล้ว", "ส่วน"),
        # English, for mixed text (is_stop_word adds Lucene's English list)
        *("and", "or", "in", "on", "to", "for", "by", "it", "this", "that", "they", "he", "she"),
    }
)
_NUMBER = re.compile(r"\d+(?:[.,]\d+)*")
_NUMBER_BEFORE = re.compile(r"\d[.,]?$")
_NUMBER_AFTER = re.compile(r"[.,]?\d")


@lru_cache(maxsize=16384)
def fold(text: str) -> str:
    """The one matching form: :func:`normalize`, Thai digits folded, lower-cased.

    Length-preserving apart from normalisation; whitespace is kept. Cached: the
    same passages are compared again and again.

    >>> fold("สสส. ก่อตั้งปี ๒๕๔๔ (WHO)")
    'สสส. ก่อตั้งปี 2544 (who)'
    """
    return fold_digits(normalize(text)).lower()


def drop_spaces(text: str) -> str:
    r"""``text`` with all whitespace removed.

    >>> drop_spaces("ร้อยละ 16.9\nคน")
    'ร้อยละ16.9คน'
    """
    return "".join(text.split())


def squeeze_spaces(text: str) -> str:
    r"""``text`` with each whitespace run made one space and the ends trimmed.

    >>> squeeze_spaces(" สสส.  ก่อตั้ง\nปี ")
    'สสส. ก่อตั้ง ปี'
    """
    return " ".join(text.split())


@lru_cache(maxsize=1024)
def compact(text: str) -> str:
    """``drop_spaces(fold(text))``: the fold that also ignores whitespace (for substrings).

    >>> compact("ร้อยละ ๑๖.๙") == compact("ร้อยละ16.9")
    True
    """
    return drop_spaces(fold(text))


def text_key(text: str) -> str:
    r"""``squeeze_spaces(fold(text))``: the fold for exact-duplicate detection.

    >>> text_key(" สสส.  ก่อตั้ง\nปี ๒๕๔๔ ") == text_key("สสส. ก่อตั้ง ปี 2544")
    True
    """
    return squeeze_spaces(fold(text))


def is_stop_word(token: str) -> bool:
    """Whether a search token is in :data:`STOP_WORDS`.

    >>> is_stop_word("อะไร"), is_stop_word("และ"), is_stop_word("สุรา"), is_stop_word("be")
    (True, True, False, True)
    """
    return token in STOP_WORDS or (token.isascii() and token in english_stop_words())


@lru_cache(maxsize=1)
def english_stop_words() -> frozenset[str]:
    """Lucene's English stop words (as ``bm25s`` ships them), negations kept as content.

    >>> "be" in english_stop_words(), "will" in english_stop_words(), "not" in english_stop_words()
    (True, True, False)
    """
    from bm25s.stopwords import STOPWORDS_EN  # the one standard list; loaded on first use

    return frozenset(STOPWORDS_EN) - {"no", "not"}


def is_question_word(token: str) -> bool:
    """Whether a search token is in :data:`QUESTION_WORDS` (a part of :data:`STOP_WORDS`).

    >>> is_question_word("อะไร"), is_question_word("และ")
    (True, False)
    """
    return token in QUESTION_WORDS


#: Thai number words, as counted in text ("สองอัตรา", "สามเดือน", "1.07 ล้านคน").
NUMBER_WORDS = (
    *("หนึ่ง", "สอง", "สาม", "สี่", "ห้า", "หก", "เจ็ด", "แปด", "เก้า", "สิบ", "ยี่สิบ"),
    *("ร้อย", "พัน", "หมื่น", "แสน", "ล้าน"),
)


def is_number(token: str) -> bool:
    """Whether a token is a number (digits, with ``.`` or ``,`` between digit runs).

    >>> is_number("1,300"), is_number("๒๕๔๔"), is_number("PM2.5")
    (True, True, False)
    """
    return _NUMBER.fullmatch(token) is not None


def numbers_in(text: str) -> frozenset[str]:
    """Numbers in ``text``, Thai digits folded and thousands separators removed.

    >>> sorted(numbers_in("ปี ๒๕๖๖ มี 1,300 คน"))
    ['1300', '2566']
    """
    return frozenset(m.replace(",", "") for m in _NUMBER.findall(fold_digits(text)))


def has_number(number: str, text: str) -> bool:
    """Whether ``number`` occurs in :func:`fold` of ``text`` with no digit run continuing it.

    >>> has_number("2.5", "ฝุ่น PM2.5"), has_number("2567", "ปี ๒๕๖๗")
    (True, True)
    >>> has_number("30", "300 คน"), has_number("300", "1,300 คน")
    (False, False)
    """
    folded = fold(text)
    at = folded.find(number)
    while at >= 0:
        end = at + len(number)
        before = folded[max(0, at - 2) : at]
        after = folded[end : end + 2]
        if not _NUMBER_BEFORE.search(before) and not _NUMBER_AFTER.match(after):
            return True
        at = folded.find(number, at + 1)
    return False


def is_mostly_thai(text: str) -> bool:
    """Whether at least half of the letters of ``text`` are Thai.

    >>> is_mostly_thai("สสส. ก่อตั้งปีใด"), is_mostly_thai("When was ThaiHealth founded?")
    (True, False)
    >>> is_mostly_thai("What is the target of สสส. for youth smoking?")
    False
    """
    letters = [c for c in text if c.isalpha()]
    return 2 * sum(map(is_thai, letters)) >= len(letters)


def _strip_punct(token: str) -> str:
    """Strip punctuation and symbols (Unicode categories P*, S*) from both ends."""
    start, end = 0, len(token)
    while start < end and unicodedata.category(token[start])[0] in "PS":
        start += 1
    while end > start and unicodedata.category(token[end - 1])[0] in "PS":
        end -= 1
    return token[start:end]


def search_tokens(text: str) -> list[str]:
    """Tokens for keyword search: normalised, digits folded, lower-cased words.

    Punctuation is stripped from token ends (so ``สสส.`` and ``สสส`` match) and
    punctuation-only tokens are dropped. Stopwords are kept: their weight is left
    to BM25's IDF.

    >>> search_tokens("สสส. ก่อตั้งปี ๒๕๔๔ (WHO)")
    ['สสส', 'ก่อ', 'ตั้งปี', '2544', 'who']
    """
    stripped = (_strip_punct(tok) for tok in word_tokenize(fold(text)))
    return [tok for tok in stripped if tok]


@lru_cache(maxsize=16384)
def cached_search_tokens(text: str) -> tuple[str, ...]:
    """:func:`search_tokens` as a tuple, cached: answer units and passages come back often.

    >>> cached_search_tokens("ลดการดื่มสุรา")
    ('ลด', 'การ', 'ดื่ม', 'สุรา')
    """
    return tuple(search_tokens(text))


def share_in(text: str, other: str, also: Callable[[str], bool] | None = None) -> float:
    """Share of ``text``'s letters in words that ``other`` holds too (0.0 when it has none).

    A sentence that repeats a document's title (a news page's headline under its
    dateline) scores high; a sentence that only names the title's subject, low.
    Words for which ``also`` is true count as held (a dateline's dates).

    >>> round(share_in("วันที่ 9 ก.ค. 2567 ครม. อนุมัติร่างกฎกระทรวงยาสูบ", "ครม. อนุมัติร่างกฎกระทรวงยาสูบ"), 2)
    0.67
    >>> share_in("ใบรับรองมีอายุ 3 ปี", "ครม. อนุมัติร่างกฎกระทรวงยาสูบ"), share_in("", "ก")
    (0.0, 0.0)
    """
    words = cached_search_tokens(text)
    total = sum(map(len, words))
    if not total:
        return 0.0
    known = set(cached_search_tokens(other))
    return sum(len(w) for w in words if w in known or (also is not None and also(w))) / total


def index_tokens(text: str) -> list[str]:
    """Tokens that keyword search indexes: :func:`search_tokens` plus ``#``-marked syllables.

    newmm keeps compounds whole (``สูบบุหรี่``), so a query word inside a compound
    would not match. The syllables (pythainlp's offline ``dict`` engine) restore
    that match; on XQuAD-th they raised BM25 R@1 from 93.4 to 94.5 (see
    ``eval/reports/retrieval.md``). The ``#`` keeps the two vocabularies apart.

    >>> index_tokens("สูบบุหรี่ (WHO)")
    ['สูบบุหรี่', 'who', '#สูบ', '#บุ', '#หรี่']
    """
    syllables = (_strip_punct(s.strip()) for s in syllable_tokenize(fold(text)))
    return search_tokens(text) + [f"#{s}" for s in syllables if s and any(map(is_thai, s))]
