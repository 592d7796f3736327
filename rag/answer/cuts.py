"""Answer units: a passage cut into sentences, long ones cut at their best spaces.

The extractive answerer scores and quotes *units*, not whole chunks. A unit is a
Thai sentence (:func:`rag.thai.segment.sentence_spans`); a sentence longer than the
budget of a unit is cut at spaces, preferring the gaps that do not split a clause,
a figure from its measure or a date; a crumb joins its neighbour
(:func:`unit_spans`).
"""

from __future__ import annotations

import re
from functools import lru_cache

from rag.thai.clauses import ends_open
from rag.thai.segment import (
    is_line_wrap,
    is_thai,
    pos_tags,
    sentence_spans,
    word_spans,
    word_tokenize,
)
from rag.thai.years import MONTHS

_SPACE_RUNS = re.compile(r"\S+")
_RANGE = re.compile(r"\d\s*[-–]\s*\d")  # "11 - 17 เมษายน": one figure
_MONTHS = tuple(MONTHS)


def _gap_cost(text: str, left: int, right: int, depth: int) -> int:
    """How bad a cut is in the gap ``text[left:right]`` between two pieces.

    0 at a space (Thai marks clauses with one); 2 at a bare line break between
    Thai letters or inside an unspaced run (PDF text wraps lines between words,
    where the source had no space) and inside a range of numbers ("11 - 17");
    3 inside parentheses; 1 between a number and
    the Thai word after it, its measure ("10 คน"), which a cut there would lose,
    between a month and its year, and after a word that opens what follows
    (:func:`rag.thai.clauses.ends_open`).
    Spaces before numbers cost 0: preferring other spaces made units stop just
    before the figure asked for (thaihealth-news containment fell from 0.735 to 0.676).
    """
    if depth > 0:
        return 3
    if right - left == 1 and is_line_wrap(text, left):
        return 2
    if _RANGE.search(text[max(0, left - 3) : left] + " " + text[right : right + 3]):
        return 2
    if text[left - 1 : left].isdigit() and is_thai(text[right : right + 1]):
        return 1
    if text[right : right + 1].isdigit() and text[max(0, left - 12) : left].endswith(_MONTHS):
        return 1  # "16 กันยายน | 2560": a date's year
    return 1 if ends_open(text[max(0, left - 60) : left]) else 0


_MEASURE_TAGS = frozenset({"DCNM", "NCNM"})  # ORCHID: besides classifiers (C...)


@lru_cache(maxsize=4096)  # the same unit's tail is sought again for each answer that quotes it
def _counts(text: str, left: int, right: int) -> bool:
    """Whether the word after the number before ``text[left:right]`` is its measure.

    Tagged in context (ORCHID): a classifier ("28,503 ราย", "16,000 ชิ้น") or a number
    word ("3 ล้าน"), not a name ("1530 วิลเลียม").

    >>> t = "มีผู้ป่วย 28,503 ราย ในปี 1530 วิลเลียม ฟาเรล"
    >>> _counts(t, 16, 17), _counts(t, 30, 31)
    (True, False)
    """
    words = word_tokenize(text[max(0, left - 12) : right + 16])
    number = text[:left].rsplit(maxsplit=1)[-1] if text[:left].strip() else ""
    if number not in words or words.index(number) + 1 >= len(words):
        return True
    at = words.index(number)
    tag = pos_tags(words[: at + 3])[at + 1]
    return tag.startswith("C") or tag in _MEASURE_TAGS


def tail_start(text: str, max_chars: int) -> int:
    """Where the longest tail of ``text`` within ``max_chars`` starts, at a good gap.

    The gap is a space that does not split a clause or a figure (:func:`_gap_cost`
    0, else 1), outside parentheses; 0 when the text fits, ``len(text)`` when no
    gap qualifies; a tail does not open with a number. The end of a sentence names
    the subject of what follows it. A number and the word after it are split when
    that word is not its measure (:func:`_counts`): "ในปี 1530 | วิลเลียม ฟาเรล".

    >>> t = "สิทธิบัตรได้รับการเชิดชูในปี 1903 ในปี 1943 ศาลสูงสุดของสหรัฐอเมริกา"
    >>> t[tail_start(t, 40):]
    'ในปี 1943 ศาลสูงสุดของสหรัฐอเมริกา'
    >>> t = "ได้ตีพิมพ์คำแปลคัมภีร์ในภาษาฝรั่งเศสในปี 1523 ตามด้วยคัมภีร์ไบเบิลในปี 1530 วิลเลียม ฟาเรล"
    >>> t[tail_start(t, 60):]
    'ตามด้วยคัมภีร์ไบเบิลในปี 1530 วิลเลียม ฟาเรล'
    >>> tail_start("สั้น", 40), tail_start("ก" * 50, 40)
    (0, 50)
    """
    if len(text) <= max_chars:
        return 0
    floor = len(text) - max_chars
    best: tuple[int, int] | None = None
    depth = 0
    last = 0
    for m in re.finditer(r"\s+", text):
        depth = max(
            0, depth + text[last : m.start()].count("(") - text[last : m.start()].count(")")
        )
        last = m.start()
        if m.end() < floor or m.end() >= len(text) or text[m.end()].isdigit():
            continue  # a tail opens with a word, not with a figure cut from its clause
        cost = _gap_cost(text, m.start(), m.end(), depth)
        if cost == 1 and text[m.start() - 1].isdigit() and not _counts(text, m.start(), m.end()):
            cost = 0  # "ในปี 1530 | วิลเลียม ฟาเรล": the number ends a clause, a name follows
        if cost <= 1 and (best is None or cost < best[0]):
            best = (cost, m.end())
    return len(text) if best is None else best[1]


def clause_rest(before: str, after: str, max_chars: int) -> int:
    r"""How much of ``after`` finishes the clause that ``before`` leaves open (0: none).

    The end is the first gap of ``after`` (within ``max_chars``) that splits no
    clause or figure (:func:`_gap_cost` 0) and where ``before`` and the text up to it
    no longer end open (:func:`rag.thai.clauses.ends_open`), else the last such gap
    of cost 1 (a number and the word after it: "100 | มิลลิลิตร"): a PDF line that
    puts the figure after the line break the chunk ended on.

    >>> before = "ปริมาณน้ำตาลลดลงจาก 8.9 กรัมต่อ"
    >>> after = "\n100 มิลลิลิตร เหลือ 6.4 กรัม"
    >>> after[: clause_rest(before, after, 60)]
    '\n100 มิลลิลิตร'
    >>> clause_rest(before, "", 60), clause_rest(before, after, 3)
    (0, 0)
    >>> after = " 2567 ช่วงเข้าพรรษาเริ่มตั้งแต่วันที่ 21 กรกฎาคม"
    >>> after[: clause_rest("ลองงดดื่มเป็นเวลาสามเดือน ในปี", after, 60)]
    ' 2567 ช่วงเข้าพรรษาเริ่มตั้งแต่วันที่ 21 กรกฎาคม'
    """
    text = before + after
    fallback = 0
    for m in re.finditer(r"\s+|$", after):
        if m.start() > max_chars:
            break
        end = len(before) + m.start()
        if m.start() == 0 or ends_open(text[:end]):
            continue
        cost = 0 if m.end() == len(after) else _gap_cost(text, end, len(before) + m.end(), 0)
        if cost == 0:
            return m.start()
        if cost == 1:
            fallback = m.start()
    return fallback


def _pieces(
    text: str, start: int, end: int, max_chars: int
) -> tuple[list[tuple[int, int]], list[int]]:
    """Space-separated pieces (words for an over-long run) and the cost of each gap."""
    pieces: list[tuple[int, int]] = []
    costs: list[int] = []
    depth = 0
    for m in _SPACE_RUNS.finditer(text, start, end):
        if pieces:
            costs.append(_gap_cost(text, pieces[-1][1], m.start(), depth))
        if m.end() - m.start() <= max_chars:
            pieces.append((m.start(), m.end()))
        else:
            words = [(m.start() + a, m.start() + b) for a, b in word_spans(m.group())]
            pieces += words
            costs += [2] * (len(words) - 1)
        depth = max(0, depth + m.group().count("(") - m.group().count(")"))
    return pieces, costs


def _cut(text: str, start: int, end: int, max_chars: int) -> list[tuple[int, int]]:
    """A long sentence as spans of at most ``max_chars``, cut at the best gaps.

    Each span is filled up to ``max_chars``, then cut at the cheapest gap (see
    :func:`_gap_cost`) that keeps it at least a third full, the latest on a tie.

    >>> t = "แผนระยะ 5 ปี (พ.ศ. 2566–2570) ซึ่งตั้งเป้าหมายให้ลดลง"
    >>> [t[s:e] for s, e in _cut(t, 0, len(t), 36)]
    ['แผนระยะ 5 ปี (พ.ศ. 2566–2570)', 'ซึ่งตั้งเป้าหมายให้ลดลง']
    """
    if end - start <= max_chars:
        return [(start, end)]
    pieces, costs = _pieces(text, start, end, max_chars)
    out: list[tuple[int, int]] = []
    i = 0
    while i < len(pieces):
        j = i
        while j + 1 < len(pieces) and pieces[j + 1][1] - pieces[i][0] <= max_chars:
            j += 1
        if j + 1 == len(pieces):
            out.append((pieces[i][0], pieces[j][1]))
            break
        floor = pieces[i][0] + max_chars // 3
        k = min(
            (k for k in range(i, j + 1) if pieces[k][1] >= floor),
            key=lambda k: (costs[k], -k),
            default=j,
        )
        out.append((pieces[i][0], pieces[k][1]))
        i = k + 1
    return out


@lru_cache(maxsize=8192)
def unit_spans(text: str, max_chars: int = 200, min_chars: int = 40) -> tuple[tuple[int, int], ...]:
    r"""Answer units of a passage: sentences, long ones cut, crumbs joined to the next.

    Args:
        text: The passage (a chunk's text).
        max_chars: Longest unit; longer sentences are cut at spaces.
        min_chars: A shorter unit is joined to the next one when the result fits
            ``max_chars``, else to the one before when that fits ``max_chars +
            min_chars``.

    Returns:
        Exact, ordered, non-overlapping ``(start, end)`` spans of ``text``.

    >>> t = "สสส. ก่อตั้งในปี 2544 โดยมีรายได้จากภาษีสุราและยาสูบ\n\nโครงการนี้เริ่มในปี 2560"
    >>> [t[s:e] for s, e in unit_spans(t, 200, 10)][-1]
    'โครงการนี้เริ่มในปี 2560'
    """
    pieces = [p for s, e in sentence_spans(text) for p in _cut(text, s, e, max_chars)]
    out: list[tuple[int, int]] = []
    for start, end in pieces:
        if out and out[-1][1] - out[-1][0] < min_chars and end - out[-1][0] <= max_chars:
            out[-1] = (out[-1][0], end)
        elif out and end - start < min_chars and end - out[-1][0] <= max_chars + min_chars:
            out[-1] = (out[-1][0], end)  # a crumb (often cut off at the chunk's end)
        else:
            out.append((start, end))
    return tuple(out)
