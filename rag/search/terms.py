"""Question terms and their IDF weights, for matching passages and answers to questions.

The coverage rerank of retrieval (:mod:`rag.search.rerank`), the extractive answerer
(:mod:`rag.answer.extractive`) and the follow-up rule (:mod:`rag.answer.followup`)
need the *content* terms of a question: its
:func:`rag.thai.match.search_tokens` without Thai and English question words and
polite particles (:func:`rag.thai.match.is_question_word`), which never occur in the
answer. Terms are weighted by their
BM25 IDF in the index, so a rare name counts more than ``ปี``.

>>> query_terms("สสส. ก่อตั้งขึ้นเมื่อปีใด ครับ")
['สสส', 'ก่อ', 'ตั้งขึ้น', 'เมื่อ', 'ปี']
>>> round(coverage({"สสส": 3.0, "ปี": 1.0}, "สสส. ก่อตั้งในปี ๒๕๔๔"), 2)
1.0
>>> coverage({"สสส": 3.0, "สุรา": 1.0}, "สสส. ก่อตั้งในปี 2544")
0.75
"""

from __future__ import annotations

import math
import re
import threading
import weakref
from collections import Counter
from collections.abc import Iterable, Mapping

from rag.index.bm25 import ThaiBM25
from rag.thai.glossary import Glossary, spelling_in, spelling_key, stem
from rag.thai.match import (
    cached_search_tokens,
    fold,
    has_number,
    is_mostly_thai,
    is_question_word,
    is_stop_word,
    search_tokens,
)
from rag.thai.segment import is_thai
from rag.thai.years import short_years, year_equivalents

Terms = Mapping[str, float]
ALTERNATIVES = "|"  # joins the spellings of one glossary term

_WORDS = re.compile(r"[A-Za-z][A-Za-z0-9]*")
_RANGE = re.compile(r"(?<=\d)[-–](?=\d)")  # a range of numbers, split into its ends
_DF_CACHE: weakref.WeakKeyDictionary[ThaiBM25, tuple[int, Counter[str]]] = (
    weakref.WeakKeyDictionary()
)
_DF_LOCK = threading.Lock()  # parallel answers after an upload count the frequencies once


def query_terms(question: str, glossary: Glossary | None = None) -> list[str]:
    """Distinct content terms of a question, in order.

    Question words, particles and one-character non-digit tokens are dropped; a
    short B.E. year (``ปี 67``) is spelt in full (``2567``), as passages spell it. With
    a glossary, a term that is one spelling of a glossary group becomes all of them,
    joined by :data:`ALTERNATIVES` (any one matches), and English stop words are
    dropped, when the question is not mostly Thai: an English question over Thai
    text is matched through the glossary. Thai questions keep their own words (the
    glossary cost thaihealth-news containment, see
    :func:`rag.search.retriever.keyword_query`).

    >>> query_terms("โครงการนี้เริ่มเมื่อไร"), query_terms("ปี 67 สูบบุหรี่กี่คน")
    (['โครงการ', 'นี้', 'เริ่ม'], ['ปี', '2567', 'สูบบุหรี่', 'คน'])
    >>> g = Glossary((("อสม.", "village health volunteers"), ("อัตรา", "rate")))
    >>> query_terms("อสม. มีกี่คน", g) == query_terms("อสม. มีกี่คน")
    True
    >>> query_terms("the rate of village health volunteers in 2024", g)
    ['อัตรา|rate', 'อสม|village health volunteers', '2024']
    >>> query_terms("ช่วงปี 2557-2566 มีผู้เสียชีวิตกี่คน")[:3]  # passages write "2557 - 2566"
    ['ช่วง', 'ปี', '2557']
    """
    out: list[str] = []
    short = short_years(question)  # ปี 67: the passages say 2567
    for token in search_tokens(question):
        for tok in _RANGE.split(short.get(token, token)):  # 2557-2566: each end
            if is_question_word(tok) or (len(tok) == 1 and not tok.isdigit()) or tok in out:
                continue
            out.append(tok)
    if glossary is None or is_mostly_thai(question):
        return out
    for group in glossary.mentioned(question):
        keys = list(dict.fromkeys(spelling_key(s) for s in group))
        words = {w for k in keys if not any(map(is_thai, k)) for w in k.split()}
        stems = {stem(w) for w in words}
        covered = [i for i, t in enumerate(out) if t in keys or t in words or stem(t) in stems]
        if covered:
            out[covered[0]] = ALTERNATIVES.join(keys)
            out = [t for i, t in enumerate(out) if i not in covered[1:]]
    return [t for t in out if ALTERNATIVES in t or any(map(is_thai, t)) or not is_stop_word(t)]


def document_frequencies(bm25: ThaiBM25) -> Counter[str]:
    """Chunks holding each word token of the BM25 index (syllable ``#`` tokens skipped).

    Counted once per index object and size from its posting lists (one numpy pass),
    then free. A lock makes the answers that start together
    after an upload wait for one count instead of each counting (on two cores, 16
    parallel counts of a large index would stall every answer for many seconds).
    """
    with _DF_LOCK:
        size = len(bm25)
        cached = _DF_CACHE.get(bm25)
        if cached is None or cached[0] != size:
            every = bm25.document_frequencies()
            cached = (size, Counter({t: n for t, n in every.items() if not t.startswith("#")}))
            _DF_CACHE[bm25] = cached
        return cached[1]


def idf_weights(bm25: ThaiBM25, terms: Iterable[str]) -> dict[str, float]:
    """BM25 IDF ``ln(1 + (N - df + 0.5) / (df + 0.5))`` of each term.

    A term absent from the index gets the highest weight: a question about
    something the documents never mention should not look covered.

    >>> from rag.data import Chunk
    >>> bm = ThaiBM25()
    >>> bm.add([(Chunk("c1", "d1", 1, 0, 9, "ห้ามขายบุหรี่ ปี 2566"), {}),
    ...         (Chunk("c2", "d2", 1, 0, 9, "ดื่มสุราปี 2566"), {})])
    >>> w = idf_weights(bm, ["บุหรี่", "2566", "วัคซีน"])
    >>> w["2566"] < w["บุหรี่"] < w["วัคซีน"]
    True
    """
    n = len(bm25)
    df = document_frequencies(bm25)
    weights = {}
    for t in terms:  # the most frequent of a year's eras or a glossary term's spellings
        found = max(df[v] for a in t.split(ALTERNATIVES) for v in year_equivalents(a))
        weights[t] = math.log(1.0 + (n - found + 0.5) / (found + 0.5))
    return weights


def evidence_terms(
    bm25: ThaiBM25, question: str, glossary: Glossary | None, *, thai_passages: str = ""
) -> dict[str, float]:
    """The question's terms (:func:`query_terms`) with their IDF weights, for evidence.

    For a question that is not mostly Thai, an English word that no passage holds
    and that the glossary does not translate is dropped: over Thai documents its
    absence says nothing about a passage, and its weight would veto every answer.
    When the passages retrieved for it are Thai (``thai_passages``, their text), so
    is an English word the question writes in lower case ("hospital", "free") and
    none of them holds: Thai text translates common words and quotes only names
    ("Bye DM", "COPD"), and a rare English word of a Thai index has a high weight
    that nothing there matches.

    >>> from rag.data import Chunk
    >>> bm = ThaiBM25()
    >>> bm.add([(Chunk("c1", "d1", 1, 0, 9, "คนไทยสูบบุหรี่ ปี 2567"), {})])
    >>> g = Glossary((("สูบบุหรี่", "smoking", "smoked"),))
    >>> sorted(evidence_terms(bm, "How many adults smoked in 2024?", g))
    ['2024', 'สูบบุหรี่|smoking|smoked']
    >>> bm.add([(Chunk("c2", "d2", 1, 0, 9, "ร้านยา free Bye DM"), {})])
    >>> sorted(evidence_terms(bm, "Is the Bye DM tea free?", g, thai_passages="ชา Bye DM"))
    ['bye', 'dm']
    >>> sorted(evidence_terms(bm, "Is the Bye DM tea free?", g, thai_passages="free ชา"))
    ['bye', 'dm', 'free']
    """
    weights = idf_weights(bm25, query_terms(question, glossary))
    if is_mostly_thai(question):
        return weights
    df = document_frequencies(bm25)
    named = quoted_names(question) if thai_passages else None
    return {
        t: w
        for t, w in weights.items()
        if ALTERNATIVES in t
        or not t.isascii()
        or any(c.isdigit() for c in t)
        or (df[t] > 0 and (named is None or t in named or matches(t, thai_passages)))
    }


def quoted_names(question: str) -> frozenset[str]:
    """The words an English question writes with a capital, but its first: names.

    >>> sorted(quoted_names("Which hospital makes the 'Bye DM' tea in Khlong Toei?"))
    ['bye', 'dm', 'khlong', 'toei']
    """
    words = _WORDS.findall(question)
    return frozenset(w.lower() for i, w in enumerate(words) if i and not w.islower())


def matches(term: str, text: str) -> bool:
    """Whether ``text`` holds ``term``: as a token, or inside a longer Thai word.

    Segmentation may differ between question and passage (``ออกกำลังกาย`` vs
    ``การออกกำลังกาย``), so a Thai term of three or more characters also matches
    as a substring, and a number wherever no other digit continues it (``2.5`` in
    ``PM2.5``, but not ``30`` in ``300`` or ``1,300``); a year matches in either era
    (``2027`` in ``ปี 2570``). Latin words must match a token.

    >>> matches("ออกกำลังกาย", "ส่งเสริมการออกกำลังกาย"), matches("30", "300 คน")
    (True, False)
    >>> matches("2027", "เป้าหมายปี ๒๕๗๐"), matches("2027", "ปี 2571")
    (True, False)
    >>> text = "ฝุ่น PM2.5 ปี ๒๕๖๗ วัดได้ 1,300 จุด"
    >>> matches("2.5", text), matches("2567", text), matches("300", text)
    (True, True, False)
    """
    if ALTERNATIVES in term:
        return any(matches(t, text) for t in term.split(ALTERNATIVES))
    if term in cached_search_tokens(text):
        return True
    if " " in term:  # a glossary phrase
        return spelling_in(term, text)
    if any(c.isdigit() for c in term):
        return any(has_number(n, text) for n in year_equivalents(term))
    return len(term) >= 3 and all(is_thai(c) for c in term) and term in fold(text)


def appears(term: str, text: str) -> bool:
    """Whether ``text`` holds ``term``, found without segmenting ``text``.

    Cheap enough for every chunk a search ranks (segmenting 30 uncached chunks
    costs about 0.3 s): a Thai term is a substring of the passage's :func:`fold`, a
    number matches as in :func:`matches` (a year in either era), and a Latin word
    or phrase must not run on into more letters or digits.

    >>> appears("ออกกำลังกาย", "ส่งเสริมการออกกำลังกาย"), appears("2027", "เป้าหมายปี ๒๕๗๐")
    (True, True)
    >>> appears("30", "300 คน"), appears("who", "The WHO says"), appears("who", "whom")
    (False, True, False)
    """
    if ALTERNATIVES in term:
        return any(appears(t, text) for t in term.split(ALTERNATIVES))
    if any(c.isdigit() for c in term):
        return any(has_number(n, text) for n in year_equivalents(term))
    folded = fold(text)
    if term.isascii():
        return re.search(rf"(?<![a-z0-9]){re.escape(term)}(?![a-z0-9])", folded) is not None
    return term in folded


def coverage(terms: Terms, text: str) -> float:
    """IDF-weighted share of ``terms`` found in ``text`` (0.0 for no terms)."""
    total = sum(terms.values())
    if total <= 0:
        return 0.0
    return sum(w for t, w in terms.items() if matches(t, text)) / total
