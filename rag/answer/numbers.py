"""Whether a unit's context gives the numbers a question names (its years, its figures).

A passage that lacks a year or a figure of the question is usually about something
else: another year's report, another programme. The context of a unit is its
document's title (which may name a year or a "PM2.5" for the whole document) and
each retrieved chunk that holds the unit (:func:`rag.answer.units.holders`). For the
evidence, not the rank, a year may also come from the text that opens the
document: a news page's dateline dates the whole article.

>>> from rag.data import Chunk, Hit
>>> text = "เปิดศูนย์เมื่อค่าฝุ่นเกิน 75 มคก. ต่อเนื่อง 3 วัน"
>>> unit = Unit(Hit(Chunk("c1", "d1", 1, 900, 945, text), "ห่วงฝุ่น", 0.1, "both"), 0, 0, 0, 45)
>>> number_shares([unit], ["2021", "75"], lambda doc_id: "วันอังคารที่ 14 ธันวาคม 2564")
([0.5], [1.0])
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from rag.answer.units import OPENING, Unit, holders
from rag.search.terms import matches
from rag.thai.years import is_year


def opening_of(page_text: Callable[[str, int], str], doc_id: str) -> str:
    """The first :data:`rag.answer.units.OPENING` characters of a document's first page.

    >>> opening_of(lambda doc_id, page: "วันอังคารที่ 14 ธันวาคม 2564 " * 20, "d1")[:28]
    'วันอังคารที่ 14 ธันวาคม 2564'
    """
    return page_text(doc_id, 1)[:OPENING]


def _found(wanted: Sequence[str], text: str, opening: str) -> float:
    """Share of ``wanted`` in ``text``, a year counting in ``opening`` too."""
    hits = (matches(t, text) or (is_year(t) and matches(t, opening)) for t in wanted)
    return sum(hits) / len(wanted)


def number_shares(
    units: Sequence[Unit],
    wanted: Sequence[str],
    opening: Callable[[str], str] | None = None,
) -> tuple[list[float], list[float]]:
    """Each unit's share of the ``wanted`` numbers: in its context, and with its dateline.

    Args:
        units: Candidate units.
        wanted: The question's number terms (years in either era, figures).
        opening: The text that opens a document (read once per document).

    Returns:
        The shares found in the best of each unit's contexts (title and a chunk that
        holds it), then the same with the document's opening counting for years.
        Both are 1.0 when nothing is wanted.
    """
    if not wanted:
        return [1.0] * len(units), [1.0] * len(units)
    titled = {u.hit.chunk.chunk_id: f"{u.hit.title}\n{u.hit.chunk.text}" for u in units}
    docs = {u.hit.chunk.doc_id for u in units}
    heads = {doc_id: opening(doc_id) for doc_id in docs} if opening else {}
    plain, dated = [], []
    for unit in units:
        held = [titled[c.chunk_id] for c in holders(unit, units)]
        head = heads.get(unit.hit.chunk.doc_id, "")
        plain.append(max(_found(wanted, text, "") for text in held))
        dated.append(max(_found(wanted, text, head) for text in held))
    return plain, dated
