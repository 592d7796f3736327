"""Extractive answers: the best sentences of the retrieved passages, cited exactly.

Each retrieved chunk is cut into *units* (:func:`rag.answer.cuts.unit_spans`: Thai
sentences from :func:`rag.thai.segment.sentence_spans`, long ones cut into clauses at
spaces, crumbs joined to the next unit). A unit's score adds, with the weights of
:class:`Params`:

- the cosine of the question's query embedding and the unit's passage embedding
  (the index's embedder; vectors go through the embedding cache, so a sentence
  is embedded once), and the same for its whole chunk. Only the
  ``AnswerSettings.embed_units`` most promising units of a question are embedded
  (:func:`score_units`), in one batched call: the cost of a cold question is bounded;
- the IDF-weighted share of the question's content terms found in the unit
  (:func:`rag.search.terms.coverage`), and in its chunk;
- the share of the question's numbers (years, figures) found in its document's
  title and a retrieved chunk that holds the unit (:mod:`rag.answer.numbers`);
- ``1 / (1 + rank)`` of its chunk in the retrieved list;
- a bonus when it gives the kind of figure the question asks for, and a penalty
  when it mostly repeats its document's title (:func:`rag.answer.units.is_heading`).

:func:`rag.answer.choose.choose` grows the answer from the best unit into a passage
within ``AnswerSettings.max_chars``; :func:`rag.answer.compose.compose` writes it with ``[n]``
markers and exact citations. The answer's *evidence* (its ``confidence``) is
``0.4 * cover + 0.2 * chunk cover + 0.4 * dense'`` of the best unit, ``dense'``
being its cosine mapped from ``[0.75, 0.92]`` to ``[0, 1]``, halved when a number
of the question is missing from the unit's chunk, its title and the first
:data:`rag.answer.units.OPENING` characters of its document, where a news page's dateline dates
the whole article (:mod:`rag.answer.numbers`; the passage is about another year).
Under ``refuse_threshold`` the answer is :data:`REFUSAL`, still citing the closest
sources; so it is when the best unit's window, the heading that opens its
document and the quotes miss a year, place or measure the question asks for
(:func:`rag.answer.constraints.gap`).

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
import functools
import logging
from collections.abc import Callable, Sequence

import numpy as np

from rag.answer.choose import choose
from rag.answer.compose import closest_sources, compose
from rag.answer.constraints import gap, window
from rag.answer.cuts import unit_spans
from rag.answer.numbers import number_shares, opening_of
from rag.answer.prompts import QUOTED_IN_THAI, REFUSAL
from rag.answer.services import Services
from rag.answer.settings import AnswerSettings
from rag.answer.units import PARAMS, Params, Scored, Unit, holders, is_heading, lead_end, opens
from rag.data import Answer, Hit
from rag.index.embedding import Embeddings, cosines
from rag.search.terms import Terms, coverage, evidence_terms
from rag.thai.asks import asked_figure, gives_figure
from rag.thai.match import is_mostly_thai
from rag.thai.roles import asks_subject, opens_with_question_word

logger = logging.getLogger(__name__)


def collect_units(hits: Sequence[Hit], params: Params = PARAMS) -> list[Unit]:
    """Units of the hits' chunks; a unit overlapping a better-ranked chunk's unit is dropped.

    Heading lines that open a unit (:func:`rag.answer.units.lead_end`) become a unit
    of their own, so the sentence after them is judged without them.
    """
    units: list[Unit] = []
    taken: dict[tuple[str, int], list[tuple[int, int]]] = {}
    for rank, hit in enumerate(hits):
        spans = []
        for start, end in unit_spans(hit.chunk.text, params.max_unit, params.min_unit):
            cut = lead_end(hit.chunk.text, start, end, hit.title, params)
            rest = len(hit.chunk.text[cut:end].lstrip())
            spans += [(start, cut), (end - rest, end)] if cut > start else [(start, end)]
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
    """Cosine of the query and each text's passage embedding (one cached, batched call)."""
    if not texts:
        return []
    return [float(x) for x in cosines(embeddings.passages(texts), query_vector)]


def most_promising(priors: Sequence[float], limit: int | None) -> list[int]:
    """Indexes of the ``limit`` highest priors (all when ``limit`` is ``None``), in order.

    Ties keep the earlier unit (better-ranked chunk, earlier sentence).

    >>> most_promising([0.1, 0.5, 0.3, 0.5], 2)
    [1, 3]
    >>> most_promising([0.1, 0.5], None)
    [0, 1]
    """
    if limit is None or limit >= len(priors):
        return list(range(len(priors)))
    ranked = sorted(range(len(priors)), key=lambda i: (-priors[i], i))
    return sorted(ranked[: max(0, limit)])


def score_units(
    terms: Terms,
    units: Sequence[Unit],
    embeddings: Embeddings,
    query_vector: Sequence[float] | np.ndarray,
    params: Params = PARAMS,
    *,
    limit: int | None = None,
    question: str = "",
    opening: Callable[[str], str] | None = None,
) -> list[Scored]:
    """Score units against the question, best first.

    Only the ``limit`` units with the best score *without* their own cosine (their
    coverage, their chunk's cosine, coverage and numbers, its rank) are embedded, in
    one call through the embedding cache; that bounds the work of a question on a
    cold cache. Each other unit stays a candidate (a neighbour of a chosen one can
    still join the answer) with the lowest cosine of the embedded ones.

    Args:
        terms: The question's content terms with IDF weights.
        units: Candidate units.
        embeddings: The index's embedding service.
        query_vector: The question's query embedding.
        params: Tunables.
        limit: Most units embedded (``None``: all of them).
        question: The question: a unit that gives the kind of figure it asks for
            (:func:`rag.thai.asks.asked_figure`) gets ``w_figure``; a heading
            (:func:`rag.answer.units.is_heading`) loses ``w_heading``.
        opening: The text that opens a document (a news page's dateline). A year of
            the question found there counts for the unit's evidence (``Scored.numbers``), not
            for its rank: a chunk that names the year itself ranks first.

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
    numbers, dated = number_shares(units, wanted, opening)
    kind = asked_figure(question)
    covers = [coverage(terms, u.text) for u in units]
    bonuses = [
        params.w_figure * (kind is not None and gives_figure(kind, u.text, question))
        - params.w_heading * is_heading(u, params)
        for u in units
    ]
    priors = []
    for unit, cover, bonus, number in zip(units, covers, bonuses, numbers, strict=True):
        cid = unit.hit.chunk.chunk_id
        priors.append(
            bonus
            + params.w_cover * cover
            + params.w_passage_dense * passage_dense[cid]
            + params.w_passage_cover * passage_cover[cid]
            + params.w_rank / (1.0 + unit.rank)
            + params.w_numbers * number
        )
    chosen = most_promising(priors, limit)
    sims = _cosines([units[i].text for i in chosen], embeddings, query_vector)
    dense = [min(sims, default=0.0)] * len(units)
    for i, sim in zip(chosen, sims, strict=True):
        dense[i] = sim
    if len(chosen) < len(units):
        logger.debug("embedded %d of %d answer units", len(chosen), len(units))
    scored = []
    rows = zip(units, dense, covers, bonuses, numbers, dated, strict=True)
    for unit, sim, cover, bonus, number, date in rows:
        cid = unit.hit.chunk.chunk_id
        score = (  # summed as without a cap, so a cap that takes every unit changes nothing
            bonus
            + params.w_dense * sim
            + params.w_cover * cover
            + params.w_passage_dense * passage_dense[cid]
            + params.w_passage_cover * passage_cover[cid]
            + params.w_rank / (1.0 + unit.rank)
            + params.w_numbers * number
        )
        scored.append(Scored(unit, sim, cover, passage_cover[cid], score, date, bonus))
    return sorted(scored, key=lambda s: -s.score)


def evidence(best: Scored, params: Params = PARAMS) -> float:
    """Evidence score in ``[0, 1]`` of an answer built on its best unit.

    ``cover_weight * cover + passage_weight * passage_cover + rest * dense'``,
    where ``dense'`` maps the cosine from ``[dense_floor, dense_ceiling]`` to ``[0, 1]``.
    When a number of the question (a year, a figure) is missing from the unit's
    chunk, title and document opening, the passage is about something else: the score is cut by
    ``number_penalty``.
    """
    span = max(params.dense_ceiling - params.dense_floor, 1e-9)
    scaled = min(1.0, max(0.0, (best.dense - params.dense_floor) / span))
    rest = 1.0 - params.cover_weight - params.passage_weight
    score = params.cover_weight * best.cover + params.passage_weight * best.passage_cover
    score += rest * scaled
    return score * (1.0 - params.number_penalty) if best.numbers < 1.0 else score


def _plain_best(scored: Sequence[Scored]) -> Scored:
    """The best unit without its bonus (the figure bonus and the heading penalty).

    They choose which sentence opens the answer; whether the documents answer at
    all is judged on the unit that matches the question best, a heading included.
    """
    return max(scored, key=lambda s: s.score - s.bonus)


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
    passages = "\n".join(hit.chunk.text for hit in hits)
    thai = passages if is_mostly_thai(passages[:2000]) else ""
    terms = evidence_terms(services.bm25, query, settings.retrieval.glossary, thai_passages=thai)
    units = collect_units(hits, fit)
    scored = score_units(
        terms,
        units,
        services.embeddings,
        query_vector,
        params,
        limit=settings.embed_units,
        question=query,
        opening=functools.partial(opening_of, services.page_text),
    )

    if not scored:
        return Answer(REFUSAL, (), 0.0, True)
    confidence = round(max(evidence(scored[0], params), evidence(_plain_best(scored), params)), 4)
    threshold = settings.refuse_threshold
    if confidence < threshold:
        logger.info("refused: evidence %.3f < %.3f", confidence, threshold)
        return Answer(REFUSAL, closest_sources(scored, services.source_of), confidence, True)
    kind = asked_figure(query)
    gives = None if kind is None else functools.partial(gives_figure, kind, question=query)
    lacks = functools.partial(opens_with_question_word, query) if asks_subject(query) else None
    chosen = choose(scored, budget, params, gives, lacks)
    text, citations = compose(chosen, budget, services.source_of, services.page_text)
    heads = [s.unit.text for s in scored if opens(s.unit, scored[0].unit.hit.chunk.doc_id)]
    around = window(scored[0], holders(scored[0].unit, [s.unit for s in scored]))
    unmet = gap(query, "\n".join([around, *heads, *(c.quote for c in citations)]))
    if unmet:
        logger.info("refused: %s", unmet)
        sources = closest_sources(scored, services.source_of)
        return Answer(REFUSAL, sources, confidence, True, notice=unmet)
    note = "" if is_mostly_thai(query) else QUOTED_IN_THAI  # a note, not a claim to ground
    return Answer(text, citations, confidence, False, notice=note)
