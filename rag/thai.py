r"""All Thai text handling lives here.

Normalisation, PDF glyph repair, digit folding for matching, sentence and word
segmentation, and the tokens that keyword search indexes. Chunking, BM25, answer
extraction and metrics call these functions and never split Thai themselves: a
``\w`` regex or a whitespace split shreds unspaced Thai.

Only offline pythainlp engines are used (``newmm`` words, ``crfcut`` sentences);
their data ships inside the pythainlp wheel.

>>> normalize("กํา\u200bหนด")
'กำหนด'
>>> fold_digits("ปี ๒๕๖๖")
'ปี 2566'
>>> word_tokenize("สสส.สนับสนุนการออกกำลังกาย")
['สสส.', 'สนับสนุน', 'การออกกำลังกาย']
"""

from __future__ import annotations

import importlib
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
        tokens = _word_tokenize_fn()(candidate, engine="newmm")
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
    r"""Exact ``(start, end)`` spans of the sentences of ``text``.

    Paragraph breaks and list items always end a sentence; inside a paragraph
    the ``crfcut`` model finds Thai sentence boundaries. Spans are trimmed of
    whitespace, in order, and never overlap, so ``text[s:e]`` is a sentence.

    Args:
        text: Normalised text.

    Returns:
        A list of spans.

    >>> t = "สสส. ก่อตั้งในปี 2544 โดยมีรายได้จากภาษีสุราและยาสูบ\n\nโครงการนี้เริ่มในปี 2560"
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


def is_line_wrap(text: str, i: int) -> bool:
    r"""Whether ``text[i]`` is a PDF line wrap inside a Thai word run.

    Thai wraps lines between words, where the source had no space, so a newline
    between two Thai letters is no word or sentence boundary.

    >>> is_line_wrap("ทิศทาง\nที่ดี", 6), is_line_wrap("16.9\nหรือ", 4)
    (True, False)
    """
    return (
        text[i] == "\n" and 0 < i < len(text) - 1 and is_thai(text[i - 1]) and is_thai(text[i + 1])
    )


def _segment_block(block: str, offset: int) -> list[tuple[int, int]]:
    r"""Sentences of one paragraph, as spans of the page text.

    A single newline inside a paragraph is a soft line wrap. Between two Thai
    letters it is dropped before segmenting (Thai wraps between words, where the
    source had no space, and crfcut reads a space as a likely sentence end);
    elsewhere it reads as a space. A sentence that leaves a parenthesis open
    runs on into the next one.

    >>> b = "แผน 5 ปี (พ.ศ. 2566–2570) ซึ่งตั้งเป้าหมาย\nให้ลดลง"
    >>> [b[s:e] for s, e in _segment_block(b, 0)] == [b]
    True
    """
    keep = [i for i in range(len(block)) if not is_line_wrap(block, i)]
    flat = "".join(" " if block[i] == "\n" else block[i] for i in keep)
    if not any(is_thai(c) for c in flat):
        pieces = _SENT_END_LATIN.split(flat)
    else:
        pieces = _sent_tokenize_fn()(flat, engine="crfcut")
    spans: list[tuple[int, int]] = []
    for s, e in _spans_of(pieces, flat, 0):
        start, end = offset + keep[s], offset + keep[e - 1] + 1
        if spans and _open_paren(block[spans[-1][0] - offset : spans[-1][1] - offset]):
            spans[-1] = (spans[-1][0], end)
        else:
            spans.append((start, end))
    return spans


def _open_paren(text: str) -> bool:
    return text.count("(") > text.count(")")


def sentences(text: str) -> list[str]:
    r"""Sentences of ``text``; see :func:`sentence_spans`.

    >>> sentences("วันนี้ฝนตก\n\nพรุ่งนี้แดดออก")
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


@lru_cache(maxsize=1)
def _syllable_tokenize_fn():  # type: ignore[no-untyped-def]
    from pythainlp.tokenize import syllable_tokenize

    return syllable_tokenize


def index_tokens(text: str) -> list[str]:
    """Tokens that keyword search indexes: :func:`search_tokens` plus ``#``-marked syllables.

    newmm keeps compounds whole (``สูบบุหรี่``), so a query word inside a compound
    would not match. The syllables (pythainlp's offline ``dict`` engine) restore
    that match; on XQuAD-th they raised BM25 R@1 from 93.4 to 94.5 (see
    ``eval/reports/retrieval.md``). The ``#`` keeps the two vocabularies apart.

    >>> index_tokens("สูบบุหรี่ (WHO)")
    ['สูบบุหรี่', 'who', '#สูบ', '#บุ', '#หรี่']
    """
    folded = fold_digits(normalize(text)).lower()
    syllables = (_strip_punct(s.strip()) for s in _syllable_tokenize_fn()(folded, engine="dict"))
    return search_tokens(text) + [f"#{s}" for s in syllables if s and any(map(is_thai, s))]
