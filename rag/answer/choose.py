"""Which units an extractive answer is made of: the best one and what it needs.

:func:`choose` grows the answer from the best unit into a coherent passage: the
clause a chosen unit leaves open, what it refers back to, the subject of a
predicate it starts with, then close units that add something. :mod:`rag.answer.compose`
writes them out.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Sequence

from rag.answer.cuts import tail_start
from rag.answer.units import Params, Scored
from rag.search.retriever import jaccard
from rag.thai.clauses import ends_on_noun, ends_open, starts_open, starts_relative
from rag.thai.match import cached_search_tokens, text_key

REDUNDANT_JACCARD = 0.7
CONTINUES = 10.0  # score bonus of the unit that finishes a clause a chosen unit left open


def choose(
    scored: Sequence[Scored],
    budget: int,
    params: Params,
    gives: Callable[[str], bool] | None = None,
    lacks_subject: Callable[[str], bool] | None = None,
) -> list[Scored]:
    """The units of the answer: the best one, then close ones that fit and add something.

    Greedy: each round adds the candidate with the highest *adjusted* score, where a
    unit right after a chosen one gets ``neighbour_bonus + next_bonus`` and one right
    before it ``neighbour_bonus``, so the answer grows into a coherent passage around
    the best sentence, and a unit of another document loses ``other_doc_penalty``
    (an answer stays with the document that answers unless another adds as much). A
    chosen unit that stops inside a clause
    (:func:`rag.thai.clauses.ends_open`: ``…ในปี``, ``…ร้อยละ``) is followed by the
    next unit, even past the budget: :func:`compose` cuts the run at a clause end to
    fit, and trims a run that still ends open. So, while no chosen unit gives the
    figure the question asks for (``gives``), is the unit right after a chosen one
    that gives it: the answer does not stop just before the figure its sentence
    introduces ("…โดยในปีเดียวกันประเทศไทย", then "มีผู้ป่วย 28,503 ราย"). A chosen
    unit that refers back (:data:`BACK_REFERENCES`: "ได้รับรางวัลดังกล่าว") is joined,
    when it fits, by the unit before it, which names what it refers to; so is a
    chosen unit that starts with a predicate (:func:`rag.thai.clauses.starts_open`:
    "ตัดสินให้…") by the end of the unit before it when that one ends on a noun, its
    subject (:func:`rag.thai.clauses.ends_on_noun`: "…ศาลสูงสุดของสหรัฐอเมริกา"), while
    the answer does not yet give the figure asked for. Any
    other candidate must reach ``best - keep_ratio * spread`` (``spread`` = best
    minus median score), fit the budget, and not repeat a chosen unit (same
    normalised text or token Jaccard >= 0.7).

    Args:
        scored: Scored units, best first.
        budget: Characters available for the answer text.
        params: Tunables.
        gives: Whether a unit's text gives the figure the question asks for
            (:func:`rag.thai.asks.gives_figure`); ``None`` when it asks for none.
        lacks_subject: Whether the best unit's text is a predicate whose subject,
            asked for by the question, comes before it
            (:func:`rag.thai.roles.opens_with_question_word` for a question that
            :func:`rag.thai.roles.asks_subject`); then the end of the unit before
            it, when that ends on a noun, is quoted, as for a unit that starts with
            a verb. ``None``: the question asks for no subject.

    Returns:
        The chosen units, in the order they were added (the best first).
    """
    if not scored:
        return []
    best = scored[0]
    spread = max(best.score - scored[len(scored) // 2].score, 1e-9)
    floor = best.score - params.keep_ratio * spread
    chosen = [best]
    used = _cost(best)
    seen = [(text_key(best.unit.text), frozenset(cached_search_tokens(best.unit.text)))]
    pool = list(scored[1:])
    wanted = gives is not None and not gives(best.unit.text)
    headless = lacks_subject is not None and lacks_subject(best.unit.text)
    while pool:
        placed = {(c.unit.hit.chunk.chunk_id, c.unit.position) for c in chosen}
        open_ends = {(c.unit.hit.chunk.chunk_id, c.unit.position) for c in chosen if _open(c)}
        if wanted and gives is not None:
            open_ends |= {
                (c.unit.hit.chunk.chunk_id, c.unit.position - 1)
                for c in pool
                if (c.unit.hit.chunk.chunk_id, c.unit.position - 1) in placed and gives(c.unit.text)
            }

        # once the figure asked for is given, the room is for its clause, not a subject
        subject_chars = params.subject_chars if gives is None or wanted else 0
        needed, subjects = _needed_before(chosen, pool, subject_chars, headless)

        def adjusted(
            c: Scored,
            placed: set[tuple[str, int]] = placed,
            open_ends: set[tuple[str, int]] = open_ends,
            needed: set[tuple[str, int]] = needed,
        ) -> float:
            cid, pos = c.unit.hit.chunk.chunk_id, c.unit.position
            if (cid, pos - 1) in open_ends:
                return c.score + CONTINUES  # the rest of a clause a chosen unit opened
            if (cid, pos) in needed:
                return c.score + CONTINUES  # what a chosen unit refers to, or its subject
            if (cid, pos - 1) in placed:
                return c.score + params.neighbour_bonus + params.next_bonus
            if (cid, pos + 1) in placed:
                return c.score + params.neighbour_bonus
            if c.unit.hit.chunk.doc_id != best.unit.hit.chunk.doc_id:
                return c.score - params.other_doc_penalty
            return c.score

        pick = taken = None
        for cand in sorted(pool, key=adjusted, reverse=True):
            if adjusted(cand) < floor:
                break
            cid, pos = cand.unit.hit.chunk.chunk_id, cand.unit.position
            use = subjects.get((cid, pos), cand)  # a subject is quoted from its clause on
            key, tokens = text_key(use.unit.text), frozenset(cached_search_tokens(use.unit.text))
            # compose cuts a run's end to fit; a unit that bridges to a chosen one
            # after it must fit, or the cut falls on that one (the best, maybe)
            follows = (cid, pos - 1) in open_ends and (cid, pos + 1) not in placed
            if (used + _cost(use) > budget and not follows) or any(
                key == k or jaccard(tokens, t) >= REDUNDANT_JACCARD for k, t in seen
            ):
                pool.remove(cand)  # it can only get worse
                continue
            pick, taken = use, cand
            seen.append((key, tokens))
            break
        if pick is None or taken is None:
            break
        chosen.append(pick)
        pool.remove(taken)
        used += _cost(pick)
        wanted = wanted and gives is not None and not gives(pick.unit.text)
    return chosen


#: Words that refer to what the sentence before named ("รางวัลดังกล่าว": that award).
BACK_REFERENCES = ("ดังกล่าว", "เหล่านี้", "เหล่านั้น")


def _refers_back(s: Scored) -> bool:
    """Whether a unit names something only by referring back to the sentence before it."""
    return any(word in s.unit.text for word in BACK_REFERENCES)


def _needed_before(
    chosen: Sequence[Scored], pool: Sequence[Scored], subject_chars: int, best_headless: bool
) -> tuple[set[tuple[str, int]], dict[tuple[str, int], Scored]]:
    """Units that a chosen unit cannot be read without: the one just before it.

    When the chosen unit refers back ("รางวัลดังกล่าว"), the whole unit before; when
    it starts with a predicate (``ตัดสินให้…``), or it is the best unit and lacks the
    subject the question asks for (``best_headless``), and the unit before ends on a noun,
    that unit's last ``subject_chars`` or fewer, from a clause boundary on
    (:func:`rag.answer.cuts.tail_start`): its subject, not the rest of its sentence.
    No subject is pulled when ``subject_chars`` is 0.

    Returns:
        The ``(chunk_id, position)`` of each needed unit, and the trimmed
        stand-in of each needed subject.
    """
    back = {(c.unit.hit.chunk.chunk_id, c.unit.position - 1) for c in chosen if _refers_back(c)}
    headless = {
        (c.unit.hit.chunk.chunk_id, c.unit.position - 1)
        for i, c in enumerate(chosen)
        if starts_open(c.unit.text) or (best_headless and i == 0)
    }
    heads = {  # a relative clause describes whatever ends the unit before
        (c.unit.hit.chunk.chunk_id, c.unit.position - 1)
        for c in chosen
        if starts_relative(c.unit.text)
    }
    subjects: dict[tuple[str, int], Scored] = {}
    for c in pool:
        key = (c.unit.hit.chunk.chunk_id, c.unit.position)
        named = key in heads or ends_on_noun(c.unit.text)
        if subject_chars and key in headless and key not in back and named:
            cut = tail_start(c.unit.text, subject_chars)
            if cut < len(c.unit.text):
                unit = dataclasses.replace(c.unit, start=c.unit.start + cut)
                subjects[key] = dataclasses.replace(c, unit=unit)
    return back | set(subjects), subjects


def _open(s: Scored) -> bool:
    """Whether a unit stops inside a clause (before the figure ``ร้อยละ`` introduces…)."""
    return ends_open(s.unit.text)


def _cost(s: Scored) -> int:
    """Characters a unit takes in the answer, with its share of a marker and a space."""
    return len(" ".join(s.unit.text.split())) + 5
