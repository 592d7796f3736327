"""The records of extractive answering: its tunables, candidate units, their scores and headings.

Shared by :mod:`rag.answer.extractive` (which scores units) and
:mod:`rag.answer.compose` (which assembles them), so both import from here.

>>> from rag.data import Chunk, Hit
>>> hit = Hit(Chunk("c1", "d1", 1, 0, 25, "สสส. ก่อตั้งขึ้นในปี 2544"), "ประวัติ", 0.03, "both")
>>> Unit(hit, rank=0, position=0, start=5, end=25).text
'ก่อตั้งขึ้นในปี 2544'
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from rag.data import Chunk, Hit
from rag.thai.match import share_in
from rag.thai.years import is_date_word


@dataclass(frozen=True)
class Params:
    """Tunables of the extractive answerer; the defaults were tuned on XQuAD-th (dev half).

    Attributes:
        w_dense: Weight of the unit's dense similarity in its score.
        w_cover: Weight of the unit's lexical coverage.
        w_passage_dense: Weight of its chunk's dense similarity.
        w_passage_cover: Weight of its chunk's lexical coverage.
        w_rank: Weight of the chunk's retrieval rank prior ``1 / (1 + rank)``.
        w_numbers: Weight of the share of the question's numbers (years, figures)
            found in the unit's chunk or title.
        w_figure: Bonus of a unit that gives the kind of figure the question asks
            for (a count, a percentage, a date: :mod:`rag.thai.asks`).
        w_heading: Taken from the score of a *heading*: a unit at least
            ``heading_share`` of whose words are its document's title or dates (a
            news page's headline under its dateline). It matches every word of a
            question about the article and answers none of them; the title is
            in the citation anyway.
        heading_share: See ``w_heading``.
        keep_ratio: A unit joins the answer when its adjusted score is at least
            ``best - keep_ratio * spread`` (``spread`` = best minus median).
        neighbour_bonus: Added to the score of a unit next to a chosen one (0: a
            unit before the answering one gets no pull, so the answer opens with
            the sentence that answers; demo containment 0.765 to 0.792).
        next_bonus: Added again when it follows a chosen one: the answer goes on
            with what the answering sentence leads into (its figure, its reason).
        other_doc_penalty: Taken from the score of a unit of another document than
            the best unit's (answers kept to the answering document).
        max_unit: Longest unit in characters (longer sentences are cut at spaces).
        min_unit: Shorter units are joined to the next one.
        subject_chars: Most characters quoted of the unit before a chosen unit
            that starts with its predicate: its end, which names the subject
            (:func:`rag.answer.cuts.tail_start`); 0 pulls none, and none is pulled
            once the answer gives the figure the question asks for. Quoting the whole
            unit took budget from the answer's own clause (thaihealth-news-ci
            containment 0.875 to 0.860).
        dense_floor: Cosine mapped to 0 in the evidence.
        dense_ceiling: Cosine mapped to 1 in the evidence.
        cover_weight: Share of the best unit's coverage in the evidence.
        passage_weight: Share of its chunk's coverage in the evidence (the rest
            is the scaled cosine).
        number_penalty: Share of the evidence lost when a number of the question
            is missing from the best unit's chunk.
    """

    w_dense: float = 1.0
    w_cover: float = 0.25
    w_passage_dense: float = 1.0
    w_passage_cover: float = 0.2
    w_rank: float = 0.1
    w_numbers: float = 0.5
    w_figure: float = 0.25
    w_heading: float = 0.3
    heading_share: float = 0.6
    keep_ratio: float = 1.0
    neighbour_bonus: float = 0.0
    next_bonus: float = 0.15
    other_doc_penalty: float = 0.1
    max_unit: int = 150
    min_unit: int = 40
    subject_chars: int = 80
    dense_floor: float = 0.75
    dense_ceiling: float = 0.92
    cover_weight: float = 0.4
    passage_weight: float = 0.2
    number_penalty: float = 0.5


PARAMS = Params()


@dataclass(frozen=True)
class Unit:
    """A candidate answer piece: a span of a retrieved chunk.

    Attributes:
        hit: The retrieved chunk.
        rank: 0-based rank of the chunk among the hits.
        position: Index of the unit among its chunk's units.
        start: Offset in the chunk text.
        end: Offset one past the end, in the chunk text.
    """

    hit: Hit
    rank: int
    position: int
    start: int
    end: int

    @property
    def text(self) -> str:
        """The exact text of the unit."""
        return self.hit.chunk.text[self.start : self.end]


def holders(unit: Unit, units: Sequence[Unit]) -> list[Chunk]:
    """The retrieved chunks that hold ``unit``'s text: its own, and overlapping ones.

    Chunks overlap, and a unit is kept only in the better-ranked chunk, which may
    start just after the heading that dates it ("เป้าหมายปี 2568"): a chunk that
    holds the same span and the heading still counts for the question's numbers.

    >>> a = Chunk("a", "d", 1, 100, 140, "- เปิดศูนย์ 4 แห่ง ที่เชียงใหม่และสงขลา")
    >>> b = Chunk("b", "d", 1, 60, 140, "เป้าหมายปี 2568 " + "x" * 24 + a.text)
    >>> unit = Unit(Hit(a, "t", 0.1, "both"), 0, 0, 0, 40)
    >>> [c.chunk_id for c in holders(unit, [unit, Unit(Hit(b, "t", 0.1, "both"), 1, 0, 0, 16)])]
    ['a', 'b']
    """
    own = unit.hit.chunk
    start, end = own.start + unit.start, own.start + unit.end
    chunks = {own.chunk_id: own} | {u.hit.chunk.chunk_id: u.hit.chunk for u in units}
    return [
        c
        for c in chunks.values()
        if (c.doc_id, c.page) == (own.doc_id, own.page) and c.start <= start and end <= c.end
    ]


@dataclass(frozen=True)
class Scored:
    """A unit with its features and combined score.

    Attributes:
        unit: The unit.
        dense: Cosine of the question and the unit.
        cover: IDF-weighted share of the question's terms in the unit.
        passage_cover: The same for the unit's chunk.
        score: The combined score that ranks units.
        numbers: Share of the question's numbers found in the unit's chunk, title or
            document opening (1.0 when the question has none).
        bonus: The part of ``score`` that chooses the opening sentence and says
            nothing of the evidence: the figure bonus minus the heading penalty.
    """

    unit: Unit
    dense: float
    cover: float
    passage_cover: float
    score: float
    numbers: float = 1.0
    bonus: float = 0.0


def heading_like(text: str, title: str, params: Params = PARAMS) -> bool:
    """Whether ``text`` is mostly ``title``'s words and dates (``False`` without a title).

    >>> heading_like("9 ก.ค. 2567 ครม. อนุมัติร่างกฎกระทรวงยาสูบ", "ครม. อนุมัติร่างกฎกระทรวงยาสูบ")
    True
    """
    return bool(title) and share_in(text, title, is_date_word) >= params.heading_share


#: Lines this short between heading lines ("พิมพ์", a page's "Print") stay with them.
FILLER = 8


def lead_end(text: str, start: int, end: int, title: str, params: Params = PARAMS) -> int:
    r"""Where the heading lines that open ``text[start:end]`` end (``start``: none do).

    A news page's dateline and headline are short lines, so the sentence cutter
    joins them to the first sentence of the body; split off, they are a heading.

    >>> t = "9 ก.ค. 2567\nพิมพ์\nครม. อนุมัติร่างกฎกระทรวงยาสูบ\nใบรับรองมีอายุ 3 ปี นับแต่วันออก"
    >>> t[: lead_end(t, 0, len(t), "ครม. อนุมัติร่างกฎกระทรวงยาสูบ")]
    '9 ก.ค. 2567\nพิมพ์\nครม. อนุมัติร่างกฎกระทรวงยาสูบ'
    """
    cut, at = start, start
    while at < end:
        stop = text.find("\n", at, end)
        stop = end if stop < 0 else stop
        line = text[at:stop].strip()
        if len(line) > FILLER:  # shorter lines go with the heading either way
            if not heading_like(line, title, params):
                break
            cut = stop
        at = stop + 1
    return cut if cut < end else start


def is_heading(unit: Unit, params: Params = PARAMS) -> bool:
    """Whether ``unit`` mostly repeats its document's title and dateline (``Params.w_heading``).

    >>> from rag.data import Chunk
    >>> title = "ครม. อนุมัติร่างกฎกระทรวงยาสูบ"
    >>> text = f"9 ก.ค. 2567 {title} ใบรับรองมีอายุ 3 ปี"
    >>> hit = Hit(Chunk("c1", "d1", 1, 0, len(text), text), title, 0.1, "both")
    >>> is_heading(Unit(hit, 0, 0, 0, 40)), is_heading(Unit(hit, 0, 1, 41, len(text)))
    (True, False)
    """
    return heading_like(unit.text, unit.hit.title, params)


#: A heading that starts this close to a document's start opens it (title, dateline).
OPENING = 300


def opens(unit: Unit, doc_id: str) -> bool:
    """Whether ``unit`` is a heading that opens document ``doc_id`` (its title, dateline).

    Its date and place hold for the whole document, so they count for the
    constraints of an answer from any part of it.
    """
    chunk = unit.hit.chunk
    first = chunk.page <= 1 and chunk.start + unit.start < OPENING
    return first and chunk.doc_id == doc_id and is_heading(unit)
