"""A glossary of abbreviations, synonyms and English terms, for query expansion.

Each group holds spellings of one meaning (``สสส.``, its full name, ``ThaiHealth``).
A question that mentions one spelling is searched and matched with all of them,
so ``อสม.`` finds ``อาสาสมัครสาธารณสุขประจำหมู่บ้าน`` and an English question finds
Thai text. Spellings are compared after :func:`rag.thai.match.fold`: a spelling with
Thai letters matches inside words, a Latin one as whole words (``rate`` is not in
``separate``).

The starter list ships with the package (``rag/thai/data/glossary.toml``); staff
edit a copy and point the ``glossary`` setting at it.

>>> g = Glossary.parse('groups = [["อสม.", "village health volunteers"]]', "example")
>>> g.expand("How many village health volunteers are there?")
'How many village health volunteers are there? อสม.'
>>> g.expand("อสม. มีกี่คน")
'อสม. มีกี่คน village health volunteers'
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field
from functools import cached_property, lru_cache
from pathlib import Path
from typing import Any

from rag.datafiles import data_text, parsed
from rag.errors import ConfigError
from rag.thai.match import fold
from rag.thai.places import place_groups
from rag.thai.segment import is_thai

STARTER = "glossary.toml"


def spelling_key(spelling: str) -> str:
    """A spelling as question terms are written: folded, no end punctuation.

    >>> spelling_key("สสส."), spelling_key(" Village Health Volunteers "), spelling_key("PM2.5")
    ('สสส', 'village health volunteers', 'pm2.5')
    """
    return fold(spelling).strip().strip(".,;:!?()\"'")


@lru_cache(maxsize=4096)
def _pattern(key: str) -> re.Pattern[str]:
    """How a spelling key is found in folded text: inside Thai words, or as whole Latin words."""
    body = re.escape(key)
    if any(map(is_thai, key)):
        return re.compile(body)
    return re.compile(rf"(?<![\w.]){body}(?!\w)")


@lru_cache(maxsize=1)
def _english_stemmer() -> Any:
    import snowballstemmer  # loaded on first use

    return snowballstemmer.stemmer("english")


_ENGLISH_WORD = re.compile(r"[a-z]+")  # Latin letters only: never applied to Thai


@lru_cache(maxsize=8192)
def stem(word: str) -> str:
    """The English stem of a lower-case word (Snowball); other words unchanged.

    >>> stem("smoked"), stem("smoking"), stem("deaths"), stem("บุหรี่")
    ('smoke', 'smoke', 'death', 'บุหรี่')
    """
    if not word.isascii() or not word.isalpha():
        return word
    return str(_english_stemmer().stemWord(word))


def stemmed(text: str) -> str:
    """Folded ``text`` with each English word replaced by its stem (Thai untouched).

    >>> stemmed("How many people DIED while smoking ในปี 2567?")
    'how mani peopl die while smoke ในปี 2567?'
    """
    return _ENGLISH_WORD.sub(lambda m: stem(m.group()), fold(text))


def spelling_in(spelling: str, text: str) -> bool:
    """Whether ``text`` holds ``spelling`` (Thai inside words, Latin as whole words).

    >>> spelling_in("rate", "the separate rates"), spelling_in("rate", "the rate of")
    (False, True)
    >>> spelling_in("อสม.", "บทบาทของอสม.ในชุมชน")
    True
    """
    key = spelling_key(spelling)
    return bool(key) and _pattern(key).search(fold(text)) is not None


@dataclass(frozen=True)
class Glossary:
    """Groups of spellings that mean the same thing.

    Attributes:
        groups: Each group's spellings, as written in the glossary.
        source: Where the glossary came from (for messages).
    """

    groups: tuple[tuple[str, ...], ...] = ()
    source: str = field(default="", compare=False)

    @cached_property
    def _patterns(self) -> tuple[tuple[tuple[re.Pattern[str], str], ...], ...]:
        return tuple(tuple((_pattern(spelling_key(s)), s) for s in group) for group in self.groups)

    @cached_property
    def _stem_patterns(self) -> tuple[tuple[re.Pattern[str], ...], ...]:
        """Each group's English spellings, stemmed, to find ``smoked`` by ``smoking``."""
        return tuple(
            tuple(_pattern(stemmed(spelling_key(s))) for s in group if spelling_key(s).isascii())
            for group in self.groups
        )

    def _found(self, folded: str, stems: str) -> list[bool]:
        return [
            any(p.search(folded) for p, _ in patterns) or any(p.search(stems) for p in stem_pats)
            for patterns, stem_pats in zip(self._patterns, self._stem_patterns, strict=True)
        ]

    def mentioned(self, text: str) -> list[tuple[str, ...]]:
        """The groups that ``text`` mentions (by any spelling), in glossary order.

        >>> g = Glossary((("ncds", "โรคไม่ติดต่อเรื้อรัง"), ("pm2.5", "ฝุ่นละออง")))
        >>> g.mentioned("ป้องกัน NCDs อย่างไร")
        [('ncds', 'โรคไม่ติดต่อเรื้อรัง')]
        """
        found = self._found(fold(text), stemmed(text))
        return [group for group, hit in zip(self.groups, found, strict=True) if hit]

    def expand(self, text: str) -> str:
        """``text`` followed by the spellings of the groups it mentions that it lacks.

        Text that mentions no group comes back unchanged.
        """
        folded = fold(text)
        extra: list[str] = []
        found = self._found(folded, stemmed(text))
        for patterns, hit in zip(self._patterns, found, strict=True):
            if hit:
                missing = [s for p, s in patterns if not p.search(folded) and s not in extra]
                extra.extend(missing)
        return " ".join([text, *extra]) if extra else text

    @classmethod
    def parse(cls, text: str, source: str) -> Glossary:
        """A glossary from TOML text: ``groups = [["spelling", "spelling", …], …]``.

        Raises:
            ConfigError: The text is not such a TOML list of lists of strings.
        """
        try:
            raw = tomllib.loads(text).get("groups", [])
        except tomllib.TOMLDecodeError as exc:
            raise _bad(source, str(exc)) from exc
        if not isinstance(raw, list) or not all(
            isinstance(g, list) and len(g) >= 2 and all(isinstance(s, str) and s.strip() for s in g)
            for g in raw
        ):
            raise _bad(source, "groups must be a list of lists of two or more spellings")
        return cls(tuple(tuple(s.strip() for s in g) for g in raw), source)

    @classmethod
    def load(cls, path: Path | None = None) -> Glossary:
        """The glossary in ``path``, or the starter list shipped with the package.

        Thailand's provinces and regions in Thai and English (:mod:`rag.thai.places`)
        follow the file's groups, so "Chiang Mai" is searched as เชียงใหม่. A file is
        read again only when it changed (staff may edit it while the app runs).

        Raises:
            ConfigError: The file cannot be read or is not a glossary.
        """
        return _with_places(parsed(cls.parse, *data_text(path, "rag.thai", STARTER, _bad)))


@lru_cache(maxsize=8)
def _with_places(glossary: Glossary) -> Glossary:
    """``glossary`` followed by the place groups (one object per parsed file)."""
    return Glossary(glossary.groups + place_groups(), glossary.source)


def _bad(source: str, why: str) -> ConfigError:
    return ConfigError(
        source,
        'อ่านอภิธานศัพท์ไม่ได้ ต้องเป็น TOML: groups = [["คำ", "คำพ้อง"], …]',
        f"cannot read the glossary ({why}); expected TOML groups = [[...], ...]",
    )
