"""Assembling an extractive answer: which units, in what order, with which citations.

:func:`choose` grows the answer from the best unit into a coherent passage,
:func:`compose` writes the text with ``[n]`` markers and the citations (exact page
offsets), :func:`closest_sources` cites the nearest passages of a refusal.
"""

from __future__ import annotations

import dataclasses
import itertools
import re
from collections.abc import Callable, Sequence

from rag.answer.cuts import clause_rest, tail_start
from rag.answer.units import Params, Scored, Unit
from rag.data import Citation
from rag.search.retriever import jaccard
from rag.thai.clauses import closed_end, ends_on_noun, ends_open, starts_open
from rag.thai.match import cached_search_tokens, text_key

CLOSEST_SOURCES = 3
_HEADING = re.compile(r"^[ \t]*#{1,6}[ \t]+", re.MULTILINE)
REDUNDANT_JACCARD = 0.7
CONTINUES = 10.0  # score bonus of the unit that finishes a clause a chosen unit left open
CLAUSE_REST = 60  # most characters a quote takes from the page past its chunk


def choose(
    scored: Sequence[Scored],
    budget: int,
    params: Params,
    gives: Callable[[str], bool] | None = None,
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
    "ตัดสินให้…") by the unit before it when that one ends on a noun, its subject
    (:func:`rag.thai.clauses.ends_on_noun`: "…ศาลสูงสุดของสหรัฐอเมริกา"). Any
    other candidate must reach ``best - keep_ratio * spread`` (``spread`` = best
    minus median score), fit the budget, and not repeat a chosen unit (same
    normalised text or token Jaccard >= 0.7).

    Args:
        scored: Scored units, best first.
        budget: Characters available for the answer text.
        params: Tunables.
        gives: Whether a unit's text gives the figure the question asks for
            (:func:`rag.thai.asks.gives_figure`); ``None`` when it asks for none.

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
    while pool:
        placed = {(c.unit.hit.chunk.chunk_id, c.unit.position) for c in chosen}
        open_ends = {(c.unit.hit.chunk.chunk_id, c.unit.position) for c in chosen if _open(c)}
        if wanted and gives is not None:
            open_ends |= {
                (c.unit.hit.chunk.chunk_id, c.unit.position - 1)
                for c in pool
                if (c.unit.hit.chunk.chunk_id, c.unit.position - 1) in placed and gives(c.unit.text)
            }

        needed, subjects = _needed_before(chosen, pool, params.subject_chars)

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
            follows = (cid, pos - 1) in open_ends  # compose cuts it to fit
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
    chosen: Sequence[Scored], pool: Sequence[Scored], subject_chars: int
) -> tuple[set[tuple[str, int]], dict[tuple[str, int], Scored]]:
    """Units that a chosen unit cannot be read without: the one just before it.

    When the chosen unit refers back ("รางวัลดังกล่าว"), the whole unit before; when
    it starts with a predicate (``ตัดสินให้…``) and the unit before ends on a noun,
    that unit's last ``subject_chars`` or fewer, from a clause boundary on
    (:func:`rag.answer.cuts.tail_start`): its subject, not the rest of its sentence.
    No subject is pulled when ``subject_chars`` is 0.

    Returns:
        The ``(chunk_id, position)`` of each needed unit, and the trimmed
        stand-in of each needed subject.
    """
    back = {(c.unit.hit.chunk.chunk_id, c.unit.position - 1) for c in chosen if _refers_back(c)}
    headless = {
        (c.unit.hit.chunk.chunk_id, c.unit.position - 1) for c in chosen if starts_open(c.unit.text)
    }
    subjects: dict[tuple[str, int], Scored] = {}
    for c in pool:
        key = (c.unit.hit.chunk.chunk_id, c.unit.position)
        if subject_chars and key in headless and key not in back and ends_on_noun(c.unit.text):
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


def _flat(text: str) -> str:
    r"""A quote for display: Markdown heading marks dropped, whitespace runs as one space.

    >>> _flat("# โครงการงดเหล้า\n\nเริ่มในปี  2546")
    'โครงการงดเหล้า เริ่มในปี 2546'
    """
    return " ".join(_HEADING.sub("", text).split())


def compose(
    chosen: Sequence[Scored],
    budget: int,
    source_of: Callable[[str], str] = str,
    page_text: Callable[[str, int], str] | None = None,
) -> tuple[str, tuple[Citation, ...]]:
    """The answer text with ``[n]`` markers and its citations.

    Chosen units are grouped by document (the best unit's document first) and put
    in document order; consecutive units of a chunk become one citation whose quote
    is the exact page span. The run that holds the best unit comes first: the answer
    opens with the sentence that answers; it is cut at a clause end when it would
    push the text over ``budget`` (:func:`_fitting_end`), and a later piece that
    would is left out.

    Args:
        chosen: The units of the answer, the best first.
        budget: Most characters of the text.
        source_of: ``doc_id -> source`` path for the citations.
        page_text: ``(doc_id, page) -> text``: a run that stops mid-clause at its
            chunk's end goes on from the page to the clause's end
            (:func:`rag.answer.cuts.clause_rest`: at most :data:`CLAUSE_REST`
            characters), still quoted with exact page offsets.
    """
    groups: dict[str, list[Scored]] = {}
    for s in chosen:
        groups.setdefault(s.unit.hit.chunk.doc_id, []).append(s)
    spans: list[tuple[Unit, int, int, float]] = []
    for members in groups.values():
        members.sort(key=lambda s: (s.unit.hit.chunk.page, s.unit.hit.chunk.start + s.unit.start))
        first = members[0]
        run_start, run_end, top = first.unit.start, first.unit.end, first.score
        for prev, s in itertools.pairwise(members):
            if s.unit.hit is prev.unit.hit and s.unit.position == prev.unit.position + 1:
                run_end, top = s.unit.end, max(top, s.score)
                continue
            spans.append((first.unit, run_start, run_end, top))
            first, run_start, run_end, top = s, s.unit.start, s.unit.end, s.score
        spans.append((first.unit, run_start, run_end, top))
    if chosen:  # the run that holds the answering unit opens the answer (a stable sort)
        best = chosen[0].unit
        spans.sort(key=lambda sp: not (sp[0].hit is best.hit and sp[1] <= best.start < sp[2]))
    sources: dict[str, str] = {}
    pieces: list[str] = []
    citations: list[Citation] = []
    for unit, start, full_end, score in spans:
        chunk = unit.hit.chunk
        quote = chunk.text[start:full_end]
        if page_text and ends_open(quote) and not chunk.text[full_end:].strip():
            quote = _go_on(quote, chunk.start + start, page_text(chunk.doc_id, chunk.page))
        quote = quote[: closed_end(quote)]  # a run that stops mid-clause ends before it
        if pieces and ends_open(quote):
            continue  # a later passage that still stops mid-clause is a dangling fragment
        marker = f" [{len(citations) + 1}]"
        room = budget - len(" ".join([*pieces, ""])) - len(marker)
        if len(_flat(quote)) > room:
            if pieces:
                continue  # another passage that does not fit is left out
            # the answering run (a sentence and the clause that finishes it) is cut
            # at a clause end; a unit with no space to cut at keeps an exact prefix
            cut = _fitting_end(quote, room)
            quote = quote[:cut] if cut else chunk.text[start : start + max(1, room)].rstrip()
        piece = _flat(quote) + marker
        end = start + len(quote)
        if chunk.doc_id not in sources:
            sources[chunk.doc_id] = source_of(chunk.doc_id)
        pieces.append(piece)
        citations.append(
            Citation(
                n=len(citations) + 1,
                doc_id=chunk.doc_id,
                title=unit.hit.title,
                source=sources[chunk.doc_id],
                page=chunk.page,
                chunk_id=chunk.chunk_id,
                quote=quote,
                start=chunk.start + start,
                end=chunk.start + end,
                score=round(score, 6),
            )
        )
    return " ".join(pieces), tuple(citations)


def _go_on(quote: str, at: int, page: str) -> str:
    """``quote`` (at offset ``at`` of ``page``) with the rest of its clause from the page."""
    if page[at : at + len(quote)] != quote:
        return quote  # the page changed since: keep the chunk's quote
    after = page[at + len(quote) : at + len(quote) + CLAUSE_REST + 1]
    return page[at : at + len(quote) + clause_rest(quote, after, CLAUSE_REST)]


def _fitting_end(quote: str, room: int) -> int:
    """Where ``quote`` ends to fit ``room``: at a space, not inside a clause (0: nowhere).

    The end is that of the longest such prefix whose flat text fits. A run of
    units (a sentence and the clause that finishes it) can be longer than what is
    left of the budget; its closed prefix keeps the figure in.

    >>> q = "ลดลงจากร้อยละ 21.4 ในปี 2554 เหลือร้อยละ 17.4 ในปี 2564 และตั้งเป้าลดลงอีก"
    >>> q[: _fitting_end(q, 40)]
    'ลดลงจากร้อยละ 21.4 ในปี 2554'
    >>> _fitting_end(q, 5)
    0
    """
    end = len(quote)
    while end > 0:
        prefix = quote[:end].rstrip()
        if len(_flat(prefix)) <= room and not ends_open(prefix):
            return len(prefix)
        end = max(quote.rfind(" ", 0, end), quote.rfind("\n", 0, end))
    return 0


def closest_sources(
    scored: Sequence[Scored], source_of: Callable[[str], str] = str
) -> tuple[Citation, ...]:
    """Citations of the best unit of up to :data:`CLOSEST_SOURCES` documents (for refusals)."""
    picked: list[Scored] = []
    for s in scored:
        if all(p.unit.hit.chunk.doc_id != s.unit.hit.chunk.doc_id for p in picked):
            picked.append(s)
        if len(picked) == CLOSEST_SOURCES:
            break
    picked.sort(key=lambda s: s.unit.rank)
    _, citations = compose(picked, 10**9, source_of)
    return citations
