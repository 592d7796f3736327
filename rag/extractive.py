"""Extractive answers: the best sentences of the retrieved passages, cited exactly.

Each retrieved chunk is cut into *units*: Thai sentences from
:func:`rag.thai.sentence_spans`, a long one cut into clauses at its spaces and
crumbs (``"นอร์แมน"``) joined to the next unit. A unit is scored against the
question three ways:

- **dense**: cosine of the question's query embedding and the unit's passage
  embedding (same embedder as the index; vectors go through the embedding cache);
- **cover**: IDF-weighted share of the question's content terms found in the unit
  (:mod:`rag.terms`);
- **rank**: ``1 / (1 + rank)`` of its chunk in the retrieved list.

The best unit leads the answer; units scoring close to it (its neighbours more
easily) are added while they fit :attr:`rag.config.Config.answer_max_chars` and
are not redundant. Pieces are grouped by source, the best source first, each in
document order, and carry ``[n]`` markers. The *evidence* of an answer is
``cover_weight * cover + (1 - cover_weight) * dense'`` of its best unit, where
``dense'`` maps the cosine from ``[dense_floor, dense_ceiling]`` to ``[0, 1]``;
under ``refuse_threshold`` the answer is a refusal that still lists the closest
sources. The evidence is the answer's ``confidence``.
"""

from __future__ import annotations

import dataclasses
import itertools
import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np

from rag.data import Answer, Citation, Hit
from rag.embed_cache import EmbedCache, embed_passages
from rag.index import Index
from rag.retriever import jaccard, text_key
from rag.terms import coverage, idf_weights, query_terms, unit_spans, unit_tokens

logger = logging.getLogger(__name__)

REFUSAL = "ไม่พบข้อมูลนี้ในเอกสารที่มีอยู่"
CLOSEST_SOURCES = 3


@dataclass(frozen=True)
class Params:
    """Tunables of the extractive answerer; the defaults were tuned on XQuAD-th (dev half).

    Attributes:
        w_dense: Weight of the dense similarity in a unit's score.
        w_cover: Weight of the lexical coverage.
        w_rank: Weight of the chunk's retrieval rank prior.
        keep_ratio: A unit other than a neighbour joins the answer when its score is
            at least ``best - keep_ratio * spread`` (``spread`` = best minus median).
        neighbour_ratio: The same for the units next to an already chosen one.
        max_unit: Longest unit in characters (longer sentences are cut at spaces).
        min_unit: Shorter units are joined to the next one.
        dense_floor: Cosine mapped to 0 in the evidence.
        dense_ceiling: Cosine mapped to 1 in the evidence.
        cover_weight: Share of the coverage in the evidence.
    """

    w_dense: float = 1.0
    w_cover: float = 0.5
    w_rank: float = 0.1
    keep_ratio: float = 0.3
    neighbour_ratio: float = 1.0
    max_unit: int = 200
    min_unit: int = 40
    dense_floor: float = 0.75
    dense_ceiling: float = 0.92
    cover_weight: float = 0.5


PARAMS = Params()


@dataclass(frozen=True)
class Unit:
    """A candidate answer piece: a span of a retrieved chunk.

    Attributes:
        hit: The retrieved chunk.
        rank: 0-based rank of the chunk among the hits.
        position: Index of the unit among its chunk's units.
        start: Offset in the chunk text.
        end: Offset one past the end, in the chunk text.
    """

    hit: Hit
    rank: int
    position: int
    start: int
    end: int

    @property
    def text(self) -> str:
        """The exact text of the unit."""
        return self.hit.chunk.text[self.start : self.end]

    @property
    def page_start(self) -> int:
        """Offset of the unit in its page's text."""
        return self.hit.chunk.start + self.start


@dataclass(frozen=True)
class Scored:
    """A unit with its features and combined score."""

    unit: Unit
    dense: float
    cover: float
    score: float


def collect_units(hits: Sequence[Hit], params: Params = PARAMS) -> list[Unit]:
    """Units of the hits' chunks; a unit overlapping a better-ranked chunk's unit is dropped."""
    units: list[Unit] = []
    taken: dict[tuple[str, int], list[tuple[int, int]]] = {}
    for rank, hit in enumerate(hits):
        spans = unit_spans(hit.chunk.text, params.max_unit, params.min_unit)
        key = (hit.chunk.doc_id, hit.chunk.page)
        for position, (start, end) in enumerate(spans):
            a, b = hit.chunk.start + start, hit.chunk.start + end
            if any(min(b, e) - max(a, s) > (b - a) // 2 for s, e in taken.get(key, [])):
                continue
            units.append(Unit(hit, rank, position, start, end))
        taken.setdefault(key, []).extend(
            (hit.chunk.start + s, hit.chunk.start + e) for s, e in spans
        )
    return units


def score_units(
    query: str,
    units: Sequence[Unit],
    index: Index,
    query_vector: Sequence[float],
    params: Params = PARAMS,
) -> list[Scored]:
    """Score units against the query, best first.

    Args:
        query: The (resolved) question.
        units: Candidate units.
        index: The index (embedder, embedding cache, BM25 statistics).
        query_vector: The question's query embedding.
        params: Tunables.

    Returns:
        Scored units, best first.
    """
    if not units:
        return []
    terms = idf_weights(index.bm25, query_terms(query))
    texts = [u.text for u in units]
    with EmbedCache.in_index(index.cfg.index_dir, index.embedder_id) as cache:
        vectors = embed_passages(index.embedder, texts, cache, index.cfg.embed_batch)
    q = np.asarray(query_vector, dtype=np.float32)
    norms = np.linalg.norm(vectors, axis=1) * max(float(np.linalg.norm(q)), 1e-9)
    dense = (vectors @ q) / np.maximum(norms, 1e-9)
    scored = []
    for unit, sim in zip(units, dense.tolist(), strict=True):
        cover = coverage(terms, unit.text)
        score = params.w_dense * sim + params.w_cover * cover + params.w_rank / (1.0 + unit.rank)
        scored.append(Scored(unit, float(sim), cover, score))
    return sorted(scored, key=lambda s: -s.score)


def evidence(dense: float, cover: float, params: Params = PARAMS) -> float:
    """Evidence score in ``[0, 1]`` from the best unit's cosine and coverage.

    >>> evidence(0.92, 1.0), evidence(0.5, 0.0)
    (1.0, 0.0)
    """
    span = max(params.dense_ceiling - params.dense_floor, 1e-9)
    scaled = min(1.0, max(0.0, (dense - params.dense_floor) / span))
    return params.cover_weight * cover + (1 - params.cover_weight) * scaled


def choose(scored: Sequence[Scored], budget: int, params: Params = PARAMS) -> list[Scored]:
    """The units of the answer: the best one, then close ones that fit and add something.

    Args:
        scored: Scored units, best first.
        budget: Characters available for the unit texts.
        params: Tunables.

    Returns:
        The chosen units (the best first, then in the order they were added).
    """
    if not scored:
        return []
    best = scored[0]
    median = scored[len(scored) // 2].score
    spread = max(best.score - median, 1e-9)
    chosen = [best]
    used = _cost(best)
    token_sets = [frozenset(unit_tokens(best.unit.text))]
    keys = {text_key(best.unit.text)}
    for cand in scored[1:]:
        near = any(
            c.unit.hit.chunk.chunk_id == cand.unit.hit.chunk.chunk_id
            and abs(c.unit.position - cand.unit.position) == 1
            for c in chosen
        )
        ratio = params.neighbour_ratio if near else params.keep_ratio
        if cand.score < best.score - ratio * spread:
            continue
        cost = _cost(cand)
        if used + cost > budget:
            continue
        tokens = frozenset(unit_tokens(cand.unit.text))
        if text_key(cand.unit.text) in keys or any(jaccard(tokens, t) >= 0.7 for t in token_sets):
            continue
        chosen.append(cand)
        used += cost
        token_sets.append(tokens)
        keys.add(text_key(cand.unit.text))
    return chosen


def _cost(s: Scored) -> int:
    """Characters a unit takes in the answer, with its share of a marker and a space."""
    return len(" ".join(s.unit.text.split())) + 5


def _flat(text: str) -> str:
    """Whitespace runs (line breaks included) as single spaces, for display."""
    return " ".join(text.split())


def compose(
    chosen: Sequence[Scored], budget: int, source_of: Callable[[str], str] = str
) -> tuple[str, tuple[Citation, ...]]:
    """The answer text with ``[n]`` markers and its citations.

    Chosen units are grouped by chunk (best group first) and sorted by offset;
    adjacent units of a chunk become one citation whose quote is the exact page span.
    Groups that would push the text over ``budget`` are left out.

    Args:
        chosen: The units of the answer.
        budget: Most characters of the text.
        source_of: ``doc_id -> source`` path for the citations.
    """
    groups: dict[str, list[Scored]] = {}
    for s in chosen:
        groups.setdefault(s.unit.hit.chunk.chunk_id, []).append(s)
    spans: list[tuple[Unit, int, int, float]] = []
    for members in groups.values():
        members.sort(key=lambda s: s.unit.start)
        first = members[0]
        run_start, run_end, top = first.unit.start, first.unit.end, first.score
        for prev, s in itertools.pairwise(members):
            if s.unit.position == prev.unit.position + 1:
                run_end, top = s.unit.end, max(top, s.score)
                continue
            spans.append((first.unit, run_start, run_end, top))
            first, run_start, run_end, top = s, s.unit.start, s.unit.end, s.score
        spans.append((first.unit, run_start, run_end, top))
    sources: dict[str, str] = {}
    pieces: list[str] = []
    citations: list[Citation] = []
    for unit, start, full_end, score in spans:
        chunk = unit.hit.chunk
        quote = chunk.text[start:full_end]
        marker = f" [{len(citations) + 1}]"
        if not pieces and len(_flat(quote)) + len(marker) > budget:
            # only a unit with no space to cut at: keep an exact prefix of it
            quote = chunk.text[start : start + max(1, budget - len(marker))].rstrip()
        end = start + len(quote)
        piece = _flat(quote) + marker
        if len(" ".join([*pieces, piece])) > budget:
            continue
        if chunk.doc_id not in sources:
            sources[chunk.doc_id] = source_of(chunk.doc_id)
        pieces.append(piece)
        citations.append(
            Citation(
                n=len(citations) + 1,
                doc_id=chunk.doc_id,
                title=unit.hit.title,
                source=sources[chunk.doc_id],
                page=chunk.page,
                chunk_id=chunk.chunk_id,
                quote=quote,
                start=chunk.start + start,
                end=chunk.start + end,
                score=round(score, 6),
            )
        )
    return " ".join(pieces), tuple(citations)


def closest_sources(
    scored: Sequence[Scored], source_of: Callable[[str], str] = str
) -> tuple[Citation, ...]:
    """Citations of the best unit of up to :data:`CLOSEST_SOURCES` documents (for refusals)."""
    picked: list[Scored] = []
    for s in scored:
        if all(p.unit.hit.chunk.doc_id != s.unit.hit.chunk.doc_id for p in picked):
            picked.append(s)
        if len(picked) == CLOSEST_SOURCES:
            break
    picked.sort(key=lambda s: s.unit.rank)
    _, citations = compose(picked, 10**9, source_of)
    return citations


def extract(
    query: str,
    hits: Sequence[Hit],
    index: Index,
    query_vector: Sequence[float],
    params: Params = PARAMS,
) -> Answer:
    """An extractive answer from retrieved hits.

    Args:
        query: The (resolved) question.
        hits: Retrieved chunks, best first.
        index: The index they came from.
        query_vector: The query embedding of ``query``.
        params: Tunables.

    Returns:
        The answer (``refused`` when the evidence is under ``cfg.refuse_threshold``).
    """
    budget = index.cfg.answer_max_chars
    fit = dataclasses.replace(params, max_unit=max(1, min(params.max_unit, budget - 6)))
    scored = score_units(query, collect_units(hits, fit), index, query_vector, params)

    def source_of(doc_id: str) -> str:
        meta = index.manifest.document(doc_id)
        return meta.source if meta else ""

    if not scored:
        return Answer(REFUSAL, (), 0.0, True)
    confidence = round(evidence(scored[0].dense, scored[0].cover, params), 4)
    if confidence < index.cfg.refuse_threshold:
        logger.info("refused: evidence %.3f < %.3f", confidence, index.cfg.refuse_threshold)
        return Answer(REFUSAL, closest_sources(scored, source_of), confidence, True)
    text, citations = compose(choose(scored, budget, params), budget, source_of)
    return Answer(text, citations, confidence, False)
