"""Follow-up questions: resolve references to earlier turns before retrieval.

Extractive mode uses a rule. A question is a *follow-up* when there is history
and it refers back (``นี้``, ``ดังกล่าว``, ``นั้น``, ``เขา``, ``มัน``, ``แล้ว…ล่ะ``…)
or has at most two content terms. Its query then carries the content terms of
the previous (resolved) question, except numbers when it brings its own (a new
year replaces the old one), and the documents the previous answer quoted are
preferred. LLM mode asks the endpoint to rewrite the question
(``rag.answer.llm.rewrite_query``) and falls back to the rule when it fails.

>>> from rag.data import Turn
>>> turn = Turn("โครงการงดเหล้าเข้าพรรษาปี 2566 มีผู้เข้าร่วมกี่คน", "1.2 ล้านคน [1]")
>>> resolve("แล้วปี 2567 ล่ะ", [turn]).query
'แล้วปี 2567 ล่ะ โครง การงด เหล้า เข้าพรรษา มี ผู้เข้าร่วม คน'
>>> resolve("สสส. ก่อตั้งเมื่อปีใด", [turn]).followup
False
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass

from rag.answer.claims import split_at_markers
from rag.answer.settings import LlmSettings
from rag.data import Hit, Turn
from rag.errors import BackendError
from rag.index.bm25 import ThaiBM25
from rag.search.terms import query_terms
from rag.thai.match import search_tokens

logger = logging.getLogger(__name__)

# Cue words that make a question a follow-up; never carried. They are in
# rag.thai.match.STOP_WORDS too, but carried terms keep the other stop words:
# extractive scoring needs them (dropping มี lost "1.5 ล้านคน" in test_answer).
_REFERRING = "นี้ นั้น นั่น นี่ ดังกล่าว เหล่านี้ เหล่านั้น เขา มัน เธอ พวกเขา ท่าน ล่ะ it this that they he she"
ANAPHORA = frozenset(_REFERRING.split())
LEADS = frozenset({"แล้ว", "และ", "ส่วน"})
MAX_SHORT_TERMS = 2
MIN_QUOTE = 15


@dataclass(frozen=True)
class Resolved:
    """A question made ready for retrieval.

    Attributes:
        query: The text to retrieve and score with.
        followup: Whether earlier turns were used.
        carried: Terms taken from earlier turns.
    """

    query: str
    followup: bool = False
    carried: tuple[str, ...] = ()


def is_followup(question: str) -> bool:
    """Whether a question, asked after others, refers back to them.

    >>> is_followup("แล้วปี 2567 ล่ะ"), is_followup("โครงการนี้เริ่มเมื่อไร")
    (True, True)
    >>> is_followup("ผู้ใหญ่ควรมีกิจกรรมทางกายกี่นาทีต่อสัปดาห์")
    False
    """
    tokens = search_tokens(question)
    if not tokens:
        return False
    if tokens[0] in LEADS or any(t in ANAPHORA for t in tokens):
        return True
    return len(query_terms(question)) <= MAX_SHORT_TERMS


def resolve(question: str, history: Sequence[Turn]) -> Resolved:
    """The rule: a follow-up carries the previous question's content terms.

    Args:
        question: The new question.
        history: Earlier turns, oldest first.

    Returns:
        The query to use.
    """
    if not history or not is_followup(question):
        return Resolved(question)
    previous = resolve(history[-1].question, history[:-1]).query
    own = query_terms(question)
    has_number = any(t.isdigit() for t in own)
    carried = tuple(
        t
        for t in query_terms(previous)
        if t not in own
        and t not in ANAPHORA
        and t not in LEADS
        and not (has_number and any(c.isdigit() for c in t))
    )
    if not carried:
        return Resolved(question)
    return Resolved(f"{question} {' '.join(carried)}", True, carried)


def rewrite(question: str, history: Sequence[Turn], settings: LlmSettings) -> Resolved:
    """LLM mode: the endpoint rewrites the question; the rule when it fails."""
    if not history:
        return Resolved(question)
    from rag.answer.llm import rewrite_query

    try:
        query = rewrite_query(question, history, settings)
    except BackendError as exc:
        logger.warning("query rewrite failed, using the rule: %s", exc)
        return resolve(question, history)
    return Resolved(query, query != question)


def quoted_docs(answer: str, bm25: ThaiBM25) -> set[str]:
    """Documents an earlier answer quoted: the best BM25 chunk of each quoted piece."""
    docs: set[str] = set()
    for piece in split_at_markers(answer):
        if len(piece.strip()) < MIN_QUOTE:
            continue
        found = bm25.search(piece, 1)
        meta = bm25.meta(found[0][0]) if found else None
        if meta and "doc_id" in meta:
            docs.add(str(meta["doc_id"]))
    return docs


def prefer(hits: Sequence[Hit], docs: set[str], k: int) -> list[Hit]:
    """The ``k`` hits to answer from, those of ``docs`` first (stable otherwise)."""
    first = [h for h in hits if h.chunk.doc_id in docs]
    rest = [h for h in hits if h.chunk.doc_id not in docs]
    return (first + rest)[:k]
