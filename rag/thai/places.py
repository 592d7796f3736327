"""Places a text names: Thailand's 77 provinces and its regions, in Thai or English.

A question about one province or region is not answered by a figure for another,
or for the whole country: the place is one of the question's constraints
(:mod:`rag.answer.constraints`). The provinces, with their English names, come from
PyThaiNLP's bundled list (:func:`pythainlp.corpus.provinces`); the regions, the
common short forms (กทม., กรุงเทพฯ, อยุธยา) and the English spellings are here.

A place is named by its canonical Thai spelling. Thai spellings are found inside
words, except the few province names that are also everyday words (เลย, แพร่, ตาก,
น่าน …), which count only after จังหวัด or จ. English spellings are whole words.

>>> sorted(places_in("ค่าฝุ่นในจังหวัดเชียงใหม่และ กทม. สูงกว่าภาคใต้"))
['กรุงเทพมหานคร', 'ภาคใต้', 'เชียงใหม่']
>>> places_in("โรคแพร่ระบาดเลยทีเดียว"), places_in("ที่จังหวัดแพร่")
(frozenset(), frozenset({'แพร่'}))
>>> sorted(places_in("How many days did Chiang Mai exceed the standard in the North?"))
['ภาคเหนือ', 'เชียงใหม่']
>>> places_in("ภาคตะวันออกเฉียงเหนือ")
frozenset({'ภาคตะวันออกเฉียงเหนือ'})
"""

from __future__ import annotations

import re
from functools import lru_cache

#: Regions: canonical Thai name, then the other spellings (Thai and English).
REGIONS: tuple[tuple[str, ...], ...] = (
    ("ภาคเหนือ", "northern thailand", "the north"),
    ("ภาคใต้", "southern thailand", "the south"),
    ("ภาคกลาง", "central thailand", "central region"),
    ("ภาคตะวันออกเฉียงเหนือ", "อีสาน", "ภาคอีสาน", "northeast", "northeastern", "isan"),
    ("ภาคตะวันออก", "eastern thailand", "eastern region"),
    ("ภาคตะวันตก", "western thailand", "western region"),
)

#: Other spellings of provinces, beyond PyThaiNLP's Thai and English names.
ALIASES: dict[str, tuple[str, ...]] = {
    "กรุงเทพมหานคร": ("กรุงเทพฯ", "กรุงเทพ", "กทม.", "กทม"),
    "พระนครศรีอยุธยา": ("อยุธยา", "ayutthaya"),
}

#: Province names that are also everyday words: found only after จังหวัด or จ.
EVERYDAY: frozenset[str] = frozenset({"เลย", "แพร่", "ตาก", "น่าน", "ตรัง", "ตราด", "กระบี่"})

_PROVINCE_MARK = r"(?:จังหวัด|จ\.)\s*"


@lru_cache(maxsize=1)
def place_groups() -> tuple[tuple[str, ...], ...]:
    """Each place's spellings, canonical Thai name first (regions, then provinces).

    >>> groups = place_groups()
    >>> ("เชียงใหม่", "chiang mai") in groups, len(groups) >= 77 + 6
    (True, True)
    """
    from pythainlp.corpus import provinces  # bundled data; loaded on first use

    groups = list(REGIONS)
    rows: list[dict[str, str]] = list(provinces(details=True))  # type: ignore[arg-type]
    for row in sorted(rows, key=lambda r: r["name_th"]):
        name = row["name_th"]
        english = row["name_en"].lower()
        groups.append((name, *ALIASES.get(name, ()), english))
    return tuple(groups)


def _spelling_pattern(canonical: str, spelling: str) -> str:
    if spelling.isascii():
        return rf"(?<![a-z]){re.escape(spelling)}(?![a-z])"
    body = re.escape(spelling)
    if spelling == "ภาคตะวันออก":
        body += "(?!เฉียง)"
    if canonical in EVERYDAY and spelling == canonical:
        return _PROVINCE_MARK + body
    return body


@lru_cache(maxsize=1)
def _patterns() -> tuple[tuple[str, re.Pattern[str]], ...]:
    return tuple(
        (group[0], re.compile("|".join(_spelling_pattern(group[0], s) for s in group)))
        for group in place_groups()
    )


@lru_cache(maxsize=4096)
def places_in(text: str) -> frozenset[str]:
    """The places ``text`` names, by canonical Thai name."""
    lowered = text.lower()
    return frozenset(name for name, pattern in _patterns() if pattern.search(lowered))
