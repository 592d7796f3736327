"""All Thai text handling lives here.

Normalisation, PDF glyph repair, digit folding for matching, sentence and word
segmentation, and the tokens that keyword search indexes. Chunking, BM25, answer
extraction and metrics call these functions and never split Thai themselves: a
``\\w`` regex or a whitespace split shreds unspaced Thai.

Only offline pythainlp engines are used (``newmm`` words, ``crfcut`` sentences);
their data ships inside the pythainlp wheel.

>>> normalize("กํา\\u200bหนด")
'กำหนด'
>>> fold_digits("ปี ๒๕๖๖")
'ปี 2566'
>>> word_tokenize("สสส.สนับสนุนการออกกำลังกาย")
['สสส.', 'สนับสนุน', 'การออกกำลังกาย']
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

# --- character classes -------------------------------------------------------

THAI_CONSONANTS = "กขฃคฅฆงจฉชซฌญฎฏฐฑฒณดตถทธนบปผฝพฟภมยรฤลฦวศษสหฬอฮ"
_ABOVE_VOWELS = "\u0e31\u0e34\u0e35\u0e36\u0e37\u0e47"  # ั ิ ี ึ ื ็
_BELOW_VOWELS = "\u0e38\u0e39\u0e3a"  # ุ ู ฺ
_TONES = "\u0e48\u0e49\u0e4a\u0e4b"  # ่ ้ ๊ ๋
_THANTHAKHAT = "\u0e4c"  # ์
_NIKHAHIT = "\u0e4d"  # ํ
_SARA_AA = "\u0e32"  # า
_SARA_AM = "\u0e33"  # ำ

_ZERO_WIDTH = dict.fromkeys(map(ord, "\u200b\u200c\u200d\u2060\ufeff\u00ad"), None)
_THAI_DIGITS = str.maketrans("๐๑๒๓๔๕๖๗๘๙", "0123456789")

# Private-Use-Area glyph variants used by legacy Thai fonts (Windows/Mac "shifted"
# forms). PDF text layers built from them carry the PUA code point instead of
# the Thai character. Each maps to its base character.
PUA_MAP: dict[int, str] = {
    0xF700: "ฐ",  # THO THAN without descender
    0xF701: "\u0e34",  # sara i, shifted left
    0xF702: "\u0e35",  # sara ii, shifted left
    0xF703: "\u0e36",  # sara ue, shifted left
    0xF704: "\u0e37",  # sara uee, shifted left
    0xF705: "\u0e48",  # mai ek, low-left
    0xF706: "\u0e49",  # mai tho, low-left
    0xF707: "\u0e4a",  # mai tri, low-left
    0xF708: "\u0e4b",  # mai chattawa, low-left
    0xF709: "\u0e4c",  # thanthakhat, low-left
    0xF70A: "\u0e48",  # mai ek, low
    0xF70B: "\u0e49",  # mai tho, low
    0xF70C: "\u0e4a",  # mai tri, low
    0xF70D: "\u0e4b",  # mai chattawa, low
    0xF70E: "\u0e4c",  # thanthakhat, low
    0xF70F: "ญ",  # YO YING without descender
    0xF710: "\u0e31",  # mai han-akat, shifted left
    0xF711: "\u0e4d",  # nikhahit, shifted left
    0xF712: "\u0e47",  # maitaikhu, shifted left
    0xF713: "\u0e48",  # mai ek, shifted left
    0xF714: "\u0e49",  # mai tho, shifted left
    0xF715: "\u0e4a",  # mai tri, shifted left
    0xF716: "\u0e4b",  # mai chattawa, shifted left
    0xF717: "\u0e4c",  # thanthakhat, shifted left
    0xF718: "\u0e38",  # sara u, low
    0xF719: "\u0e39",  # sara uu, low
    0xF71A: "\u0e3a",  # phinthu, low
}
_PUA_TABLE = {k: v for k, v in PUA_MAP.items()}

# a tone/thanthakhat typed before the above/below vowel it sits on
_MARK_ORDER = re.compile(f"([{_TONES}{_THANTHAKHAT}])([{_ABOVE_VOWELS}{_BELOW_VOWELS}])")
# nikhahit + (tone) + sara aa, in any order, is sara am
_NIKHAHIT_AA = re.compile(f"{_NIKHAHIT}([{_TONES}]?){_SARA_AA}")
_TONE_NIKHAHIT = re.compile(f"([{_TONES}]){_NIKHAHIT}{_SARA_AA}")
# sara am whose nikhahit was lost and replaced by a space: "ก าหนด"
_SPLIT_AM = re.compile(f"([{THAI_CONSONANTS}][{_TONES}]?) {_SARA_AA}")


def normalize(text: str) -> str:
    """Canonical form of Thai text for indexing and display.

    NFC; zero-width characters and soft hyphens removed; ``ํ`` + ``า`` joined into
    ``ำ``; a tone mark typed before its vowel moved after it. Whitespace and digits
    are kept as they are.

    Args:
        text: Any text.

    Returns:
        The normalised text.

    >>> normalize("น\\u0e49\\u0e4d\\u0e32")  # น + ้ + ํ + า
    'น้ำ'
    >>> normalize("ที\\u0e48\\u0e35")[:2]
    'ที'
    >>> normalize("ก\\u0e48\\u0e34น") == "ก\\u0e34\\u0e48น"  # tone before vowel
    True
    """
    text = unicodedata.normalize("NFC", text).translate(_ZERO_WIDTH)
    text = _NIKHAHIT_AA.sub(lambda m: m.group(1) + _SARA_AM, text)
    text = _TONE_NIKHAHIT.sub(lambda m: m.group(1) + _SARA_AM, text)
    return _MARK_ORDER.sub(r"\2\1", text)


def repair_pdf_text(text: str) -> str:
    """Repair the Thai text layer of a PDF.

    Maps Private-Use-Area glyph variants to Thai characters, drops U+FFFD, re-joins
    a sara am split off by a space, then :func:`normalize`.

    Args:
        text: Text as extracted by a PDF library.

    Returns:
        Repaired text.

    >>> repair_pdf_text("ก าหนด")
    'กำหนด'
    >>> repair_pdf_text("ที\\uf70b")  # mai tho, low variant
    'ที้'
    """
    text = text.translate(_PUA_TABLE).replace("\ufffd", "")
    text = _SPLIT_AM.sub(lambda m: m.group(1) + _SARA_AM, text)
    return normalize(text)


def fold_digits(text: str) -> str:
    """Thai digits to Arabic digits, for matching only (length is preserved).

    >>> fold_digits("๑๒๓ คน")
    '123 คน'
    """
    return text.translate(_THAI_DIGITS)


def is_thai(ch: str) -> bool:
    """Whether a character is in the Thai block.

    >>> is_thai("ก"), is_thai("a")
    (True, False)
    """
    return "\u0e00" <= ch <= "\u0e7f"


# --- segmentation ---------------------------------------------------------------


@lru_cache(maxsize=1)
def _sent_tokenize_fn():  # type: ignore[no-untyped-def]
    from pythainlp.tokenize import sent_tokenize

    return sent_tokenize


@lru_cache(maxsize=1)
def _word_tokenize_fn():  # type: ignore[no-untyped-def]
    from pythainlp.tokenize import word_tokenize as _wt

    return _wt


_BLOCK_BREAK = re.compile(r"\n\s*\n|\n(?=\s*[-•*\d๐-๙]+[.)]?\s)")
_SENT_END_LATIN = re.compile(r"(?<=[.!?;:])\s+(?=[A-Z\"'(\[])")


def _spans_of(pieces: list[str], text: str, offset: int) -> list[tuple[int, int]]:
    """Locate consecutive ``pieces`` inside ``text`` (whitespace-trimmed spans)."""
    spans: list[tuple[int, int]] = []
    cursor = 0
    for piece in pieces:
        stripped = piece.strip()
        if not stripped:
            continue
        at = text.find(stripped, cursor)
        if at < 0:  # the segmenter altered the text; fall back to the cursor
            continue
        spans.append((offset + at, offset + at + len(stripped)))
        cursor = at + len(stripped)
    return spans


def sentence_spans(text: str) -> list[tuple[int, int]]:
    """Exact ``(start, end)`` spans of the sentences of ``text``.

    Paragraph breaks and list items always end a sentence; inside a paragraph
    the ``crfcut`` model finds Thai sentence boundaries. Spans are trimmed of
    whitespace, in order, and never overlap, so ``text[s:e]`` is a sentence.

    Args:
        text: Normalised text.

    Returns:
        A list of spans.

    >>> t = "สสส. ก่อตั้งในปี 2544 โดยมีรายได้จากภาษีสุราและยาสูบ\\n\\nโครงการนี้เริ่มในปี 2560"
    >>> [t[s:e] for s, e in sentence_spans(t)][-1]
    'โครงการนี้เริ่มในปี 2560'
    """
    spans: list[tuple[int, int]] = []
    block_start = 0
    for block_match in [*_BLOCK_BREAK.finditer(text), None]:
        block_end = block_match.start() if block_match else len(text)
        block = text[block_start:block_end]
        if block.strip():
            spans.extend(_segment_block(block, block_start))
        block_start = block_match.end() if block_match else len(text)
    return spans


def _segment_block(block: str, offset: int) -> list[tuple[int, int]]:
    # a single newline inside a block is a soft line wrap: segment it as a space
    flat = block.replace("\n", " ")
    if not any(is_thai(c) for c in flat):
        pieces = _SENT_END_LATIN.split(flat)
    else:
        pieces = _sent_tokenize_fn()(flat, engine="crfcut")
    return _spans_of(pieces, flat, offset)


def sentences(text: str) -> list[str]:
    """Sentences of ``text``; see :func:`sentence_spans`.

    >>> sentences("วันนี้ฝนตก\\n\\nพรุ่งนี้แดดออก")
    ['วันนี้ฝนตก', 'พรุ่งนี้แดดออก']
    """
    return [text[s:e] for s, e in sentence_spans(text)]


def word_spans(text: str) -> list[tuple[int, int]]:
    """Exact spans of the words of ``text`` (``newmm``), whitespace excluded.

    >>> t = "ลดการดื่มสุรา"
    >>> [t[s:e] for s, e in word_spans(t)]
    ['ลด', 'การ', 'ดื่ม', 'สุรา']
    """
    tokens = _word_tokenize_fn()(text, engine="newmm", keep_whitespace=True)
    spans: list[tuple[int, int]] = []
    pos = 0
    for tok in tokens:
        end = pos + len(tok)
        if tok.strip():
            spans.append((pos, end))
        pos = end
    return spans


def word_tokenize(text: str) -> list[str]:
    """Words of ``text`` (``newmm``), without whitespace tokens.

    >>> word_tokenize("ป้องกันนักดื่มหน้าใหม่")
    ['ป้องกัน', 'นักดื่ม', 'หน้าใหม่']
    """
    return [text[s:e] for s, e in word_spans(text)]


def _strip_punct(token: str) -> str:
    """Strip punctuation and symbols (Unicode categories P*, S*) from both ends."""
    start, end = 0, len(token)
    while start < end and unicodedata.category(token[start])[0] in "PS":
        start += 1
    while end > start and unicodedata.category(token[end - 1])[0] in "PS":
        end -= 1
    return token[start:end]


def search_tokens(text: str) -> list[str]:
    """Tokens for keyword search: normalised, digits folded, lower-cased words.

    Punctuation is stripped from token ends (so ``สสส.`` and ``สสส`` match) and
    punctuation-only tokens are dropped. Stopwords are kept: their weight is left
    to BM25's IDF.

    >>> search_tokens("สสส. ก่อตั้งปี ๒๕๔๔ (WHO)")
    ['สสส', 'ก่อ', 'ตั้งปี', '2544', 'who']
    """
    folded = fold_digits(normalize(text)).lower()
    stripped = (_strip_punct(tok) for tok in word_tokenize(folded))
    return [tok for tok in stripped if tok]
