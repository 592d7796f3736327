r"""Running headers, footers and page numbers repeated across pages.

A line near the top or bottom of a page that recurs, up to its digits, on many
pages is page furniture (a report title, a chapter name, "หน้า 3 จาก 20"). It is
removed from the indexed text so it neither pollutes chunks nor answers.

>>> body = ["การสูบบุหรี่ลดลง", "นักดื่มหน้าใหม่", "อุบัติเหตุทางถนน", "ออกกำลังกาย", "ลดหวาน"]
>>> pages = [f"สสส. | รายงานประจำปี\n{b}\n- {i} -" for i, b in enumerate(body, start=1)]
>>> strip_running_lines(pages)[2]
'อุบัติเหตุทางถนน'
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence

from rag.thai.normalize import fold_digits

EDGE_LINES = 3  # lines examined at each end of a page
_DIGITS = re.compile(r"\d+")
_SPACE = re.compile(r"\s+")
_PAGE_NUMBER = re.compile(
    r"^(?:หน้า|page|p\.)?\s*[-–(\[]?\s*\d{1,4}\s*[-–)\]]?(?:\s*(?:/|จาก|of)\s*\d{1,4})?$",
    re.IGNORECASE,
)


def _key(line: str) -> str:
    """Comparison key: digits folded and masked, whitespace removed."""
    return _SPACE.sub("", _DIGITS.sub("#", fold_digits(line))).lower()


def _edges(lines: list[str]) -> list[int]:
    """Indices of the first and last few non-empty lines."""
    filled = [i for i, ln in enumerate(lines) if ln.strip()]
    return sorted(set(filled[:EDGE_LINES] + filled[-EDGE_LINES:]))


def is_page_number(line: str) -> bool:
    """Whether a line is only a page number.

    >>> is_page_number("- ๑๒ -"), is_page_number("หน้า 3 จาก 20"), is_page_number("ปี 2566")
    (True, True, False)
    """
    return bool(_PAGE_NUMBER.match(fold_digits(line.strip())))


def strip_running_lines(pages: Sequence[str], min_share: float = 0.5) -> tuple[str, ...]:
    """Remove running headers/footers and bare page numbers from every page.

    A line at a page edge is removed when its key occurs at the edges of at least
    three pages and ``min_share`` of the non-empty pages, or when it is a bare
    page number on a document of two or more pages.

    Args:
        pages: Page texts, in order.
        min_share: Share of pages a line must recur on to count as furniture.

    Returns:
        The page texts without those lines, stripped of surrounding blank lines.
    """
    split = [p.split("\n") for p in pages]
    filled = sum(1 for p in pages if p.strip())
    counts: Counter[str] = Counter()
    for lines in split:
        counts.update({_key(lines[i]) for i in _edges(lines)})
    threshold = max(3, min_share * filled)
    running = {k for k, c in counts.items() if c >= threshold and k}
    out: list[str] = []
    for lines in split:
        drop = {
            i
            for i in _edges(lines)
            if _key(lines[i]) in running or (len(pages) > 1 and is_page_number(lines[i]))
        }
        out.append("\n".join(ln for i, ln in enumerate(lines) if i not in drop).strip())
    return tuple(out)
