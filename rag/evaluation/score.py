"""Answer one evaluation question with the product and compute its metrics.

Used by :func:`rag.evaluation.evaluate.run_eval`. Retrieval is scored on the hits the answerer
uses, at depth ``max(DEPTH, retrieval_k)`` so @10 metrics are defined; citations are
matched to gold sources by document id or file name; groundedness is judged by
:func:`rag.answer.verify.is_supported` with vectors from the index's embedding cache.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from rag.answer.answerer import retrieve
from rag.answer.ask import answer
from rag.answer.followup import resolve
from rag.answer.services import Services, page_text_of
from rag.answer.verify import is_supported
from rag.data import Answer, Chunk, Citation, Hit, Turn
from rag.evaluation.answer_metrics import containment, groundedness, mid_clause, token_f1
from rag.evaluation.metrics import (
    Location,
    citation_precision,
    citation_recall,
    first_gold_rank,
    hit_at_k,
    mrr_at_k,
    ndcg_at_k,
    ranked_labels,
    source_key,
)
from rag.evaluation.question import Question
from rag.index.index import Index
from rag.search.settings import RetrievalSettings

DEPTH = 10


class DocNames:
    """Names a document is known by: its id and its file name."""

    def __init__(self, index: Index) -> None:
        self._names = {
            row.meta.doc_id: frozenset({row.meta.doc_id, Path(row.meta.source).name})
            for row in index.manifest.documents()
        }

    def of(self, doc_id: str) -> frozenset[str]:
        """The names of ``doc_id`` (just the id for an unknown document)."""
        return self._names.get(doc_id, frozenset({doc_id}))


class CachedJudge:
    """:func:`rag.answer.verify.is_supported` with the index's embedding service.

    Passage vectors of indexed chunks are already in the embedding cache, so judging
    a sentence embeds only the sentence.
    """

    def __init__(self, index: Index) -> None:
        self._embeddings = index.embeddings

    def __call__(self, sentence: str, passage: str) -> bool:
        """Whether ``passage`` supports ``sentence``."""
        return is_supported(sentence, passage, self._embeddings)


def _ranked(question: Question, index: Index, history: list[Turn]) -> list[Hit]:
    """Hits as the answerer retrieves them, at depth ``max(DEPTH, retrieval_k)``."""
    deeper = RetrievalSettings.from_config(index.cfg).deeper(DEPTH)
    hits, _ = retrieve(resolve(question.question, history), Services.of(index, deeper), history)
    return hits


def _cited(citations: tuple[Citation, ...], names: DocNames) -> list[Location]:
    return [(names.of(c.doc_id) | {Path(c.source).name}, c.page) for c in citations]


def _passage(c: Citation, chunks: dict[str, tuple[Chunk, str]], index: Index) -> str:
    """What a citation's claims are judged against: its chunk, and the page past it.

    A quote that a chunk cut mid-clause goes on from the page
    (:func:`rag.answer.compose.compose`); the judge reads the page from the chunk's
    start to the quote's end, not the answerer's quote.
    """
    if c.chunk_id not in chunks:
        return c.quote
    chunk = chunks[c.chunk_id][0]
    if c.end <= chunk.end:
        return chunk.text
    page = page_text_of(index, c.doc_id, c.page)
    return page[min(chunk.start, c.start) : c.end] or chunk.text


def score_question(
    question: Question, index: Index, names: DocNames, judge: CachedJudge
) -> dict[str, Any]:
    """Answer one question and compute its metrics."""
    history = list(question.history)
    ans: Answer = answer(question.question, index, history)
    hits = _ranked(question, index, history)
    gold = list(question.gold)
    labels = ranked_labels([(names.of(h.chunk.doc_id), h.chunk.page) for h in hits], gold)
    wanted = {source_key(s) for s in gold}
    cited = [] if ans.refused else _cited(ans.citations, names)
    chunks = index.lookup([c.chunk_id for c in ans.citations])
    passages = {c.n: _passage(c, chunks, index) for c in ans.citations}
    k = index.cfg.retrieval_k
    metrics: dict[str, float | None] = {}
    if question.answerable:
        share = containment(ans.text, question.must_contain)
        if ans.refused and share is not None:
            share = 0.0
        metrics = {
            "hit_at_1": hit_at_k(labels, wanted, 1),
            "hit_at_5": hit_at_k(labels, wanted, 5),
            "hit_at_retrieval_k": hit_at_k(labels, wanted, k),
            "mrr_at_10": mrr_at_k(labels, wanted, DEPTH),
            "ndcg_at_10": ndcg_at_k(labels, wanted, DEPTH),
            "citation_precision": citation_precision(cited, gold),
            "citation_recall": citation_recall(cited, gold),
            "answer_f1": 0.0 if ans.refused else token_f1(ans.text, question.answer),
            "containment": share,
            "containment_all": None if share is None else float(share == 1.0),
        }
        recall = metrics["citation_recall"]
        metrics["containment_cited"] = (  # every string, and a citation of a gold page
            None if share is None else float(share == 1.0 and bool(recall))
        )
    if not ans.refused:
        metrics["groundedness"] = groundedness(ans.text, passages, judge)
        metrics["mid_clause"] = mid_clause([c.quote for c in ans.citations])
    return {
        "id": question.id,
        "question": question.question,
        "history": [t.to_json() for t in question.history],
        "answerable": question.answerable,
        "tags": question.tags,
        "reference": question.answer,
        "must_contain": list(question.must_contain),
        "gold": [source_key(s) for s in gold],
        "refused": ans.refused,
        "answer": ans.text,
        "confidence": ans.confidence,
        "citations": [
            {"n": c.n, "doc": Path(c.source).name, "doc_id": c.doc_id, "title": c.title}
            | {"page": c.page, "quote": c.quote}
            for c in ans.citations
        ],
        "retrieved": [
            {
                "doc_id": h.chunk.doc_id,
                "page": h.chunk.page,
                "gold": lab in wanted,
            }
            for h, lab in zip(hits, labels, strict=True)
        ],
        "first_gold_rank": first_gold_rank(labels, wanted) if question.answerable else None,
        "metrics": metrics,
        "timings": dict(ans.timings),
    }
