"""Writing an extractive answer: its units in order, with ``[n]`` markers and citations.

:func:`compose` writes the units that :func:`rag.answer.choose.choose` picked, with
``[n]`` markers and the citations (exact page offsets); :func:`closest_sources`
cites the nearest passages of a refusal.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Callable, Sequence

from rag.answer.cuts import clause_rest
from rag.answer.units import Scored, Unit
from rag.data import Citation
from rag.thai.clauses import closed_end, ends_open

CLOSEST_SOURCES = 3
_HEADING = re.compile(r"^[ \t]*#{1,6}[ \t]+", re.MULTILINE)
CLAUSE_REST = 60  # most characters a quote takes from the page past its chunk


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
