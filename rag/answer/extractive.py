"""Extractive answers: the best sentences of the retrieved passages, cited exactly.

Each retrieved chunk is cut into *units* (:func:`rag.answer.terms.unit_spans`: Thai
sentences from :func:`rag.thai.segment.sentence_spans`, long ones cut into clauses at
spaces, crumbs joined to the next unit). A unit's score adds, with the weights of
:class:`Params`:

- the cosine of the question's query embedding and the unit's passage embedding
  (the index's embedder; vectors go through the embedding cache, so a sentence
  is embedded once), and the same for its whole chunk;
- the IDF-weighted share of the question's content terms found in the unit
  (:func:`rag.answer.terms.coverage`), and in its chunk;
- the share of the question's numbers (years, figures) found in its chunk;
- ``1 / (1 + rank)`` of its chunk in the retrieved list.

:func:`rag.answer.compose.choose` grows the answer from the best unit into a passage
within ``AnswerSettings.max_chars``; :func:`rag.answer.compose.compose` writes it with ``[n]``
markers and exact citations. The answer's *evidence* (its ``confidence``) is
``0.4 * cover + 0.2 * chunk cover + 0.4 * dense'`` of the best unit, ``dense'``
being its cosine mapped from ``[0.75, 0.92]`` to ``[0, 1]``, halved when a number
of the question is missing from the unit's chunk (the passage is about another
year). Under ``refuse_threshold`` the answer is :data:`REFUSAL`, still citing the
closest sources.

>>> from rag.data import Chunk
>>> hit = Hit(Chunk("c1", "d1", 1, 0, 25, "สสส. ก่อตั้งขึ้นในปี 2544"), "ประวัติ", 0.03, "both")
>>> unit = Unit(hit, rank=0, position=0, start=5, end=25)
>>> unit.text
'ก่อตั้งขึ้นในปี 2544'
>>> evidence(Scored(unit, dense=0.92, cover=1.0, passage_cover=1.0, score=0.0))
1.0
"""

from __future__ import annotations

import dataclasses
import logging
from collections.abc import Sequence

import numpy as np

from rag.answer.compose import choose, closest_sources, compose
from rag.answer.constraints import gap, window
from rag.answer.prompts import QUOTED_IN_THAI, REFUSAL
from rag.answer.services import Services
from rag.answer.settings import AnswerSettings
from rag.answer.terms import Terms, coverage, evidence_terms, matches, unit_spans
from rag.answer.units import PARAMS, Params, Scored, Unit
from rag.data import Answer, Hit
from rag.index.embedding import Embeddings, cosines
from rag.thai.asks import asked_figure, gives_figure
from rag.thai.match import is_mostly_thai

logger = logging.getLogger(__name__)


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


def _cosines(
    texts: Sequence[str], embeddings: Embeddings, query_vector: Sequence[float] | np.ndarray
) -> list[float]:
    """Cosine of the query and each text's passage embedding (through the cache)."""
    return [float(x) for x in cosines(embeddings.passages(texts), query_vector)]


def score_units(
    terms: Terms,
    units: Sequence[Unit],
    embeddings: Embeddings,
    query_vector: Sequence[float] | np.ndarray,
    params: Params = PARAMS,
    *,
    question: str = "",
) -> list[Scored]:
    """Score units against the question, best first.

    Args:
        terms: The question's content terms with IDF weights.
        units: Candidate units.
        embeddings: The index's embedding service.
        query_vector: The question's query embedding.
        params: Tunables.
        question: The question: a unit that gives the kind of figure it asks for
            (:func:`rag.thai.asks.asked_figure`) gets ``w_figure``.

    Returns:
        Scored units, best first.
    """
    if not units:
        return []
    chunks = {u.hit.chunk.chunk_id: u.hit.chunk.text for u in units}
    passage_dense = dict(
        zip(chunks, _cosines(list(chunks.values()), embeddings, query_vector), strict=True)
    )
    passage_cover = {cid: coverage(terms, text) for cid, text in chunks.items()}
    wanted = [t for t in terms if any(c.isdigit() for c in t)]
    numbers = {
        cid: sum(matches(t, text) for t in wanted) / len(wanted) if wanted else 1.0
        for cid, text in chunks.items()
    }
    dense = _cosines([u.text for u in units], embeddings, query_vector)
    kind = asked_figure(question)
    scored = []
    for unit, sim in zip(units, dense, strict=True):
        cid = unit.hit.chunk.chunk_id
        cover = coverage(terms, unit.text)
        figure = kind is not None and gives_figure(kind, unit.text, question)
        score = (
            params.w_figure * figure
            + params.w_dense * sim
            + params.w_cover * cover
            + params.w_passage_dense * passage_dense[cid]
            + params.w_passage_cover * passage_cover[cid]
            + params.w_rank / (1.0 + unit.rank)
            + params.w_numbers * numbers[cid]
        )
        scored.append(Scored(unit, sim, cover, passage_cover[cid], score, numbers[cid]))
    return sorted(scored, key=lambda s: -s.score)


def evidence(best: Scored, params: Params = PARAMS) -> float:
    """Evidence score in ``[0, 1]`` of an answer built on its best unit.

    ``cover_weight * cover + passage_weight * passage_cover + rest * dense'``,
    where ``dense'`` maps the cosine from ``[dense_floor, dense_ceiling]`` to ``[0, 1]``.
    When a number of the question (a year, a figure) is missing from the unit's
    chunk, the passage is about something else: the score is cut by
    ``number_penalty``.
    """
    span = max(params.dense_ceiling - params.dense_floor, 1e-9)
    scaled = min(1.0, max(0.0, (best.dense - params.dense_floor) / span))
    rest = 1.0 - params.cover_weight - params.passage_weight
    score = params.cover_weight * best.cover + params.passage_weight * best.passage_cover
    score += rest * scaled
    return score * (1.0 - params.number_penalty) if best.numbers < 1.0 else score


def extract(
    query: str,
    hits: Sequence[Hit],
    query_vector: Sequence[float] | np.ndarray,
    services: Services,
    settings: AnswerSettings,
    *,
    params: Params = PARAMS,
) -> Answer:
    """An extractive answer from retrieved hits.

    Args:
        query: The (resolved) question.
        hits: Retrieved chunks, best first.
        query_vector: The query embedding of ``query``.
        services: BM25 (term weights), embeddings and source files of the index.
        settings: The length budget and the refusal threshold.
        params: Tunables.

    Returns:
        The answer (``refused`` when the evidence is under ``settings.refuse_threshold``).
    """
    budget = settings.max_chars
    room = budget - 6 - params.min_unit  # a unit may grow by a crumb of up to min_unit
    fit = dataclasses.replace(params, max_unit=max(1, min(params.max_unit, room)))
    terms = evidence_terms(services.bm25, query, settings.retrieval.glossary)
    units = collect_units(hits, fit)
    scored = score_units(terms, units, services.embeddings, query_vector, params, question=query)

    if not scored:
        return Answer(REFUSAL, (), 0.0, True)
    confidence = round(evidence(scored[0], params), 4)
    threshold = settings.refuse_threshold
    if confidence < threshold:
        logger.info("refused: evidence %.3f < %.3f", confidence, threshold)
        return Answer(REFUSAL, closest_sources(scored, services.source_of), confidence, True)
    text, citations = compose(choose(scored, budget, params), budget, services.source_of)
    unmet = gap(query, "\n".join([window(scored[0]), *(c.quote for c in citations)]))
    if unmet:
        logger.info("refused: %s", unmet)
        sources = closest_sources(scored, services.source_of)
        return Answer(REFUSAL, sources, confidence, True, notice=unmet)
    if not is_mostly_thai(query):
        text = f"{text}\n{QUOTED_IN_THAI}"
    return Answer(text, citations, confidence, False)
