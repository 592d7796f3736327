r"""Thai segmentation: sentences, words, syllables and PDF line wraps.

The pythainlp tokenizers are loaded once, lazily, and only offline engines are
used (``newmm`` words, ``crfcut`` sentences, ``dict`` syllables, the ``perceptron``
part-of-speech tagger trained on ORCHID); their data ships inside the pythainlp wheel.

>>> word_tokenize("สสส.สนับสนุนการออกกำลังกาย")
['สสส.', 'สนับสนุน', 'การออกกำลังกาย']
"""

from __future__ import annotations

import re
from functools import lru_cache


def is_thai(ch: str) -> bool:
    """Whether a character is in the Thai block.

    >>> is_thai("ก"), is_thai("a")
    (True, False)
    """
    return "\u0e00" <= ch <= "\u0e7f"


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


@lru_cache(maxsize=1)
def _syllable_tokenize_fn():  # type: ignore[no-untyped-def]
    from pythainlp.tokenize import syllable_tokenize

    return syllable_tokenize


def syllable_tokenize(text: str) -> list[str]:
    """Syllables of ``text`` (pythainlp's offline ``dict`` engine), whitespace kept.

    >>> syllable_tokenize("สูบบุหรี่")
    ['สูบ', 'บุ', 'หรี่']
    """
    return list(_syllable_tokenize_fn()(text, engine="dict"))


@lru_cache(maxsize=1)
def _pos_tag_fn():  # type: ignore[no-untyped-def]
    from pythainlp.tag import pos_tag

    return pos_tag


def pos_tags(words: list[str]) -> list[str]:
    """ORCHID part-of-speech tags of ``words`` (pythainlp's offline ``perceptron`` tagger).

    ``VACT``/``VSTA`` are verbs, ``NCMN``/``NPRP`` common and proper nouns,
    ``PREL`` a relative pronoun, ``RPRE`` a preposition.

    >>> pos_tags(["ศาลสูงสุด", "ตัดสิน", "ให้"])
    ['NPRP', 'VACT', 'JSBR']
    """
    return [tag for _, tag in _pos_tag_fn()(words, engine="perceptron", corpus="orchid")]


@lru_cache(maxsize=1)
def _dictionary() -> frozenset[str]:
    from pythainlp.corpus import thai_words

    return frozenset(thai_words())


def compound_parts(word: str) -> list[str]:
    """The two dictionary words a compound word is made of, or ``[word]``.

    ``newmm`` keeps dictionary compounds whole ("มีอำนาจ", "ส่งสัญญาณ"), and the ORCHID
    tagger, which never saw them, calls them nouns; their first part says what they
    are. The longest first part wins.

    >>> compound_parts("มีอำนาจ"), compound_parts("ส่งสัญญาณ"), compound_parts("สสส.")
    (['มี', 'อำนาจ'], ['ส่ง', 'สัญญาณ'], ['สสส.'])
    """
    words = _dictionary()
    for cut in range(len(word) - 1, 0, -1):
        if word[:cut] in words and word[cut:] in words:
            return [word[:cut], word[cut:]]
    return [word]


_NOUN_TAGS = frozenset({"NCMN", "NPRP"})
VERB_TAGS = frozenset({"VACT", "VSTA"})


def word_tags(words: list[str]) -> list[str]:
    """:func:`pos_tags`, with a verb's tag for a compound that starts with a verb.

    The tagger calls "มีอำนาจ" and "เอาชนะ" nouns; tagged as their parts
    (:func:`compound_parts`), they start with a verb, and they are tagged so.

    >>> word_tags(["มีอำนาจ", "ใน", "การ", "แก้ไข"])[0], word_tags(["โรงเรียน", "ใน", "เมือง"])[0]
    ('VSTA', 'NCMN')
    """
    tags = pos_tags(words)
    for i, (word, tag) in enumerate(zip(words, tags, strict=True)):
        if tag in _NOUN_TAGS and len(parts := compound_parts(word)) > 1:
            head = pos_tags([*words[max(0, i - 1) : i], *parts, *words[i + 1 : i + 2]])
            verb = head[min(i, 1)]
            tags[i] = verb if verb in VERB_TAGS else tag
    return tags
