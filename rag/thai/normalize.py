r"""Canonical Thai text: NFC, zero-width clean-up, mark order, PDF glyph repair, digits.

>>> normalize("กํา\u200bหนด")
'กำหนด'
>>> fold_digits("ปี ๒๕๖๖")
'ปี 2566'
"""

from __future__ import annotations

import importlib
import re
import unicodedata
from functools import lru_cache

from rag.thai.segment import word_tokenize

# --- character classes -------------------------------------------------------

THAI_CONSONANTS = "กขฃคฅฆงจฉชซฌญฎฏฐฑฒณดตถทธนบปผฝพฟภมยรฤลฦวศษสหฬอฮ"
_ABOVE_VOWELS = "\u0e31\u0e34\u0e35\u0e36\u0e37\u0e47"  # ั ิ ี ึ ื ็
_BELOW_VOWELS = "\u0e38\u0e39\u0e3a"  # ุ ู ฺ
_TONES = "\u0e48\u0e49\u0e4a\u0e4b"  # ่ ้ ๊ ๋
_THANTHAKHAT = "\u0e4c"  # ์
_NIKHAHIT = "\u0e4d"  # ํ
_YAMAKKAN = "\u0e4e"  # ๎
_SARA_AA = "\u0e32"  # า
_SARA_AM = "\u0e33"  # ำ
_MAI_HAN_AKAT = "\u0e31"  # ั
_MARKS = _ABOVE_VOWELS + _BELOW_VOWELS + _TONES + _THANTHAKHAT + _NIKHAHIT + _YAMAKKAN
# vowels that never begin a syllable: a space before them is an extraction artefact
_FOLLOWING = _MARKS + _SARA_AM + "\u0e30\u0e45"  # + ะ ๅ
_THAI_LETTER = "\u0e01-\u0e4e"  # consonants, vowels and marks; not digits or ๏ ๚ ๛

_ZERO_WIDTH = dict.fromkeys(map(ord, "\u200b\u200c\u200d\u2060\ufeff\u00ad"), None)
_THAI_DIGITS = str.maketrans("๐๑๒๓๔๕๖๗๘๙", "0123456789")

# Order of the combining marks stacked on one consonant: phinthu, vowel, tone,
# thanthakhat/yamakkan, nikhahit (the nikhahit of a decomposed ำ comes after the
# tone: น + ้ + ํ + า). The ranks agree with the Unicode combining classes
# (ฺ 9 < ุ ู 103 < tones 107), so NFC never reorders a cluster sorted by rank.
_MARK_RANK: dict[str, int] = {
    "\u0e3a": 0,
    **dict.fromkeys(_ABOVE_VOWELS + "\u0e38\u0e39", 1),
    **dict.fromkeys(_TONES, 2),
    _THANTHAKHAT: 3,
    _YAMAKKAN: 3,
    _NIKHAHIT: 4,
}

# Private-Use-Area glyph variants of legacy Thai fonts. A PDF text layer built
# from them carries the PUA code point instead of the Thai character. The code
# points are HarfBuzz's Thai PUA fallback table (hb-ot-shaper-thai.cc): the
# Windows range U+F700-U+F71A and the Mac range U+F884-U+F89E, in the order
# shifted-down (SD), shifted-left (SL), shifted-down-left (SDL), descender
# removed (RD). Checked on real files: U+F70A/F70B/F70E carry ่ ้ ์ over short
# consonants, U+F710 ั and U+F705 ่ over tall ones (ฝักใฝ่).
_PUA_VARIANTS: dict[str, tuple[int, ...]] = {
    # Thai character: Windows SD, SL, SDL / RD, then Mac SD, SL, SDL / RD
    "\u0e48": (0xF70A, 0xF713, 0xF705, 0xF88B, 0xF88A, 0xF88C),  # mai ek
    "\u0e49": (0xF70B, 0xF714, 0xF706, 0xF88E, 0xF88D, 0xF88F),  # mai tho
    "\u0e4a": (0xF70C, 0xF715, 0xF707, 0xF891, 0xF890, 0xF892),  # mai tri
    "\u0e4b": (0xF70D, 0xF716, 0xF708, 0xF894, 0xF893, 0xF895),  # mai chattawa
    "\u0e4c": (0xF70E, 0xF717, 0xF709, 0xF897, 0xF896, 0xF898),  # thanthakhat
    "\u0e38": (0xF718, 0xF89B),  # sara u (SD)
    "\u0e39": (0xF719, 0xF89C),  # sara uu (SD)
    "\u0e3a": (0xF71A, 0xF89D),  # phinthu (SD)
    "\u0e31": (0xF710, 0xF884),  # mai han-akat (SL)
    "\u0e34": (0xF701, 0xF885),  # sara i (SL)
    "\u0e35": (0xF702, 0xF886),  # sara ii (SL)
    "\u0e36": (0xF703, 0xF887),  # sara ue (SL)
    "\u0e37": (0xF704, 0xF888),  # sara uee (SL)
    "\u0e47": (0xF712, 0xF889),  # maitaikhu (SL)
    "\u0e4d": (0xF711, 0xF899),  # nikhahit (SL)
    "ญ": (0xF70F, 0xF89A),  # yo ying without its descender (RD)
    "ฐ": (0xF700, 0xF89E),  # tho than without its descender (RD)
}
PUA_MAP: dict[int, str] = {cp: ch for ch, cps in _PUA_VARIANTS.items() for cp in cps}
_PUA_TABLE: dict[int, str | None] = {**PUA_MAP, 0xFFFD: None}

_MARK_RUN = re.compile(f"[{_MARKS}]{{2,}}")
_NIKHAHIT_AA = re.compile(f"{_NIKHAHIT}{_SARA_AA}")
# a tone typed after sara am: น + ำ + ้ is น้ำ
_AM_TONE = re.compile(f"{_SARA_AM}([{_TONES}]+)")
# sara am whose nikhahit came out as a space: "ก าหนด"
_SPLIT_AM = re.compile(f"([{THAI_CONSONANTS}][{_TONES}]?){_NIKHAHIT}?[ \\t]+{_SARA_AA}")
# a space between a Thai letter and a vowel or mark that cannot start a syllable
_SPACE_BEFORE_MARK = re.compile(f"(?<=[{_THAI_LETTER}])[ \\t\\u00a0]+(?=[{_FOLLOWING}])")
# mai han-akat always needs a final consonant: "ปั จจุบัน"
_SPACE_AFTER_HAN_AKAT = re.compile(
    f"({_MAI_HAN_AKAT}[{_TONES}]?)[ \\t\\u00a0]+(?=[{THAI_CONSONANTS}])"
)
# marks with no consonant before them, in front of a Thai word: "้หนา" for หน้า
_ORPHAN = re.compile(f"(?<![{_THAI_LETTER}])([{_MARKS}]+)([{_THAI_LETTER}]+)")
_MAX_PASSES = 4


def _sort_marks(match: re.Match[str]) -> str:
    """One run of stacked marks in canonical order, repeated marks dropped."""
    marks = sorted(match.group(), key=_MARK_RANK.__getitem__)
    return "".join(m for i, m in enumerate(marks) if i == 0 or m != marks[i - 1])


def _normalize_once(text: str) -> str:
    text = unicodedata.normalize("NFC", text)
    text = _MARK_RUN.sub(_sort_marks, text)
    text = _NIKHAHIT_AA.sub(_SARA_AM, text)
    return _AM_TONE.sub(lambda m: m.group(1) + _SARA_AM, text)


def normalize(text: str) -> str:
    r"""Canonical form of Thai text for indexing and display.

    Zero-width characters and soft hyphens removed; NFC; the marks stacked on a
    consonant put in canonical order (vowel, then tone, then thanthakhat) with
    repeats dropped; ``ํ`` + ``า`` joined into ``ำ`` and a tone typed after ``ำ``
    moved before it. Whitespace and digits are kept as they are. Idempotent.

    Args:
        text: Any text.

    Returns:
        The normalised text.

    >>> normalize("น\u0e49\u0e4d\u0e32")  # น + ้ + ํ + า
    'น้ำ'
    >>> normalize("ที\u0e48\u0e35")[:2]
    'ที'
    >>> normalize("ก\u0e48\u0e34น") == "ก\u0e34\u0e48น"  # tone before vowel
    True
    >>> normalize("น\u0e33\u0e49") == "น้ำ"  # tone after sara am
    True
    """
    text = text.translate(_ZERO_WIDTH)
    for _ in range(_MAX_PASSES):
        fixed = _normalize_once(text)
        if fixed == text:
            break
        text = fixed
    return text


@lru_cache(maxsize=1)
def _dictionary() -> frozenset[str]:
    corpus = importlib.import_module("pythainlp.corpus")
    return frozenset(corpus.thai_words())


def _place_orphan(match: re.Match[str]) -> str:
    """Move marks found in front of a word onto the consonant that makes a known word.

    PDFs whose text runs are stored in visual order give ``้หนา`` for ``หน้า``
    and ``่เลม`` for ``เล่ม``. Each consonant of the word is tried; the candidate
    that ``newmm`` splits into the fewest words, all in the dictionary, wins. When
    none is fully covered by dictionary words the text is left as it was.
    """
    marks, word = match.groups()
    words = _dictionary()
    best: tuple[int, str] | None = None
    for i, ch in enumerate(word, start=1):
        if ch not in THAI_CONSONANTS:
            continue
        candidate = normalize(word[:i] + marks + word[i:])
        tokens = word_tokenize(candidate)  # candidate holds no whitespace
        if all(tok in words for tok in tokens) and (best is None or len(tokens) < best[0]):
            best = (len(tokens), candidate)
    return best[1] if best else match.group()


def _repair_once(text: str) -> str:
    text = _SPACE_BEFORE_MARK.sub("", text)
    text = _SPLIT_AM.sub(lambda m: m.group(1) + _SARA_AM, text)
    text = _SPACE_AFTER_HAN_AKAT.sub(r"\1", text)
    text = normalize(text)
    return _ORPHAN.sub(_place_orphan, text)


def repair_pdf_text(text: str) -> str:
    r"""Repair the Thai text layer of a PDF.

    Maps Private-Use-Area glyph variants to Thai characters (:data:`PUA_MAP`),
    drops U+FFFD, re-joins a sara am split off by a space (``ก าหนด``), removes a
    space before a vowel or mark that cannot start a syllable (``ค ำ``) and after
    mai han-akat (``ปั จจุบัน``), applies :func:`normalize`, and moves marks left in
    front of a word onto the consonant that makes a dictionary word (``้หนา``).
    Idempotent.

    Args:
        text: Text as extracted by a PDF library.

    Returns:
        Repaired text.

    >>> repair_pdf_text("ก าหนด")
    'กำหนด'
    >>> repair_pdf_text("ที\uf70b")  # mai tho, shifted-down variant
    'ที้'
    >>> repair_pdf_text("(ค ำแปล) ปั จจุบัน")
    '(คำแปล) ปัจจุบัน'
    >>> repair_pdf_text("\u0e49หนา ๑")
    'หน้า ๑'
    """
    text = text.translate(_PUA_TABLE)
    for _ in range(_MAX_PASSES):
        fixed = _repair_once(text)
        if fixed == text:
            break
        text = fixed
    return text


_UNSAFE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\ud800-\udfff]")


def clean_input(text: str) -> str:
    r"""User input without control characters and lone surrogates (tabs and newlines kept).

    Such characters come from pasting or hostile clients; they cannot be encoded for
    the embedder and mean nothing to retrieval.

    >>> clean_input("นอน\ud800กี่\x00ชั่วโมง\x1b[0m\tไหม")
    'นอนกี่ชั่วโมง[0m\tไหม'
    """
    return _UNSAFE.sub("", text)


def fold_digits(text: str) -> str:
    """Thai digits to Arabic digits, for matching only (length is preserved).

    >>> fold_digits("๑๒๓ คน")
    '123 คน'
    """
    return text.translate(_THAI_DIGITS)
