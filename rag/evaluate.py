"""The ``rag eval`` runner: answer a question set with the product and score it.

Everything goes through the product's own code: the set's documents are ingested
with :meth:`rag.index.Index.ingest` into a per-set index (incremental, so a re-run
embeds nothing) and every question is answered with :func:`rag.answer.answer`
(follow-ups with their history). Retrieval is scored on the hits the answerer
uses: the question is resolved as the extractive answerer resolves it
(:func:`rag.followup.resolve`; an LLM answerer rewrites follow-ups itself) and
retrieved through :func:`rag.answer.retrieve`, at depth ``max(10, retrieval_k)`` so
@10 metrics are defined. ``hit_at_retrieval_k`` is the hit rate within the first
``retrieval_k`` of them: the passages the answer is composed from (for a follow-up
approximately, since the answerer re-ranks a deeper list towards the documents the
previous answer quoted).

Citation metrics count only the citations of answers that were given (a refusal's
"closest sources" are not citations); groundedness is judged by
:func:`rag.verify.is_supported` against the full text of each cited chunk.
All per-question metrics are the pure functions of :mod:`rag.metrics`.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, cast

import numpy as np
from llama_index.core.base.embeddings.base import BaseEmbedding

from rag.answer import Turn, answer, retrieve
from rag.config import Config
from rag.data import Answer, Citation, Hit
from rag.embed_cache import EmbedCache, embed_passages
from rag.followup import resolve
from rag.index import Index
from rag.ingest import FileResult
from rag.metrics import (
    Location,
    citation_precision,
    citation_recall,
    containment,
    false_refusal_rate,
    first_gold_rank,
    groundedness,
    hit_at_k,
    latency_summary,
    mean_defined,
    mrr_at_k,
    ndcg_at_k,
    ranked_labels,
    refusal_accuracy,
    source_key,
    token_f1,
)
from rag.qsets import Question, QuestionSet
from rag.verify import is_supported

DEPTH = 10
# Per-question metrics averaged over answerable questions (None values left out).
ANSWERABLE_METRICS = (
    "hit_at_1",
    "hit_at_5",
    "hit_at_retrieval_k",
    "mrr_at_10",
    "ndcg_at_10",
    "citation_precision",
    "citation_recall",
    "answer_f1",
    "containment",
    "containment_all",
)
# Reported metrics where lower is better (thresholds for them are maxima).
LOWER_IS_BETTER = frozenset({"false_refusals", "latency_p50_s", "latency_p95_s"})


@dataclass(frozen=True)
class IngestSummary:
    """What preparing the index did."""

    files: dict[str, int]
    added_chunks: int
    embedded: int
    seconds: float


@dataclass(frozen=True)
class EvalRun:
    """A scored run of one question set.

    Attributes:
        set_name: The question set.
        started: UTC start time.
        seconds: Wall time of answering and scoring.
        config: The settings that shape answers.
        index_dir: The per-set index.
        ingest: What preparing the index did.
        limit: ``--limit`` used, if any.
        metrics: Aggregate metrics (``None`` when undefined, e.g. no unanswerable question).
        latency: Per-stage seconds: ``{stage: {n, p50, p95, mean}}``.
        by_tag: The metrics per ``tag=value``.
        results: One record per question.
    """

    set_name: str
    started: datetime
    seconds: float
    config: dict[str, Any]
    index_dir: str
    ingest: IngestSummary
    limit: int | None
    metrics: dict[str, float | None]
    latency: dict[str, dict[str, float]]
    by_tag: dict[str, dict[str, float | None]]
    results: list[dict[str, Any]] = field(default_factory=list)


def prepare_index(
    qset: QuestionSet,
    cfg: Config,
    on_file: Callable[[FileResult], None] | None = None,
    on_embed: Callable[[int, int], None] | None = None,
) -> IngestSummary:
    """Ingest the set's documents into ``cfg.index_dir`` (incremental)."""
    started = time.perf_counter()
    index = Index(cfg)
    try:
        report, sync = index.ingest(list(qset.sources), on_file=on_file, on_embed=on_embed)
    finally:
        index.close()
    return IngestSummary(
        dict(report.counts), sync.added, sync.embedded, round(time.perf_counter() - started, 2)
    )


def config_summary(cfg: Config, path: Path | None) -> dict[str, Any]:
    """The settings that shape answers, for the report."""
    keys = (
        "embedder",
        "embed_model",
        "chunk_tokens",
        "retrieval_mode",
        "retrieval_k",
        "retrieval_candidates",
        "fusion",
        "answer_max_chars",
        "refuse_threshold",
        "llm_model",
    )
    return {
        "file": str(path) if path else "",
        "llm": bool(cfg.llm_base_url),
        **{k: getattr(cfg, k) for k in keys},
    }


class _Names:
    """Names a document is known by: its id and its file name."""

    def __init__(self, index: Index) -> None:
        self._names = {
            row.meta.doc_id: frozenset({row.meta.doc_id, Path(row.meta.source).name})
            for row in index.manifest.documents()
        }

    def of(self, doc_id: str) -> frozenset[str]:
        return self._names.get(doc_id, frozenset({doc_id}))


class _Judge:
    """:func:`rag.verify.is_supported`, with vectors from the index's embedding cache.

    It stands in for the embedder (same two methods): passage vectors of indexed
    chunks are already in the cache, so judging a sentence embeds only the sentence.
    """

    def __init__(self, index: Index) -> None:
        self._embedder = index.embedder
        self._cache = EmbedCache.in_index(index.cfg.index_dir, index.embedder_id)

    def get_text_embedding(self, text: str) -> list[float]:
        return [float(x) for x in embed_passages(self._embedder, [text], self._cache)[0]]

    def get_query_embedding(self, text: str) -> list[float]:
        cached = self._cache.get_many("query", [text])[0]
        if cached is None:
            cached = np.asarray(self._embedder.get_query_embedding(text), dtype=np.float32)
            self._cache.put_many("query", [text], cached[None, :])
        return [float(x) for x in cached]

    def __call__(self, sentence: str, passage: str) -> bool:
        return is_supported(sentence, passage, cast(BaseEmbedding, self))

    def close(self) -> None:
        self._cache.close()


def _ranked(question: Question, index: Index, history: list[Turn]) -> list[Hit]:
    """Hits as the answerer retrieves them, at depth ``max(DEPTH, retrieval_k)``."""
    saved = index.cfg
    index.cfg = saved.with_(retrieval_k=max(DEPTH, saved.retrieval_k))
    try:
        hits, _ = retrieve(resolve(question.question, history), index, history)
    finally:
        index.cfg = saved
    return hits


def _cited(citations: tuple[Citation, ...], names: _Names) -> list[Location]:
    return [(names.of(c.doc_id) | {Path(c.source).name}, c.page) for c in citations]


def score_question(
    question: Question, index: Index, names: _Names, judge: _Judge
) -> dict[str, Any]:
    """Answer one question and compute its metrics."""
    history = [Turn(t.question, t.answer) for t in question.history]
    ans: Answer = answer(question.question, index, history)
    hits = _ranked(question, index, history)
    gold = list(question.gold)
    labels = ranked_labels([(names.of(h.chunk.doc_id), h.chunk.page) for h in hits], gold)
    wanted = {source_key(s) for s in gold}
    cited = [] if ans.refused else _cited(ans.citations, names)
    chunks = index.lookup([c.chunk_id for c in ans.citations])
    passages = {
        c.n: chunks[c.chunk_id][0].text if c.chunk_id in chunks else c.quote for c in ans.citations
    }
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
    if not ans.refused:
        metrics["groundedness"] = groundedness(ans.text, passages, judge)
    return {
        "id": question.id,
        "question": question.question,
        "history": [{"question": t.question, "answer": t.answer} for t in question.history],
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


def aggregate(results: list[dict[str, Any]]) -> dict[str, float | None]:
    """Aggregate metrics of per-question records (see :data:`ANSWERABLE_METRICS`)."""
    answerable = [r for r in results if r["answerable"]]
    unanswerable = [r for r in results if not r["answerable"]]
    given = [r for r in results if not r["refused"]]
    totals = latency_summary([r["timings"] for r in results]).get("total", {})
    out: dict[str, float | None] = {
        "questions": float(len(results)),
        "answerable": float(len(answerable)),
        "unanswerable": float(len(unanswerable)),
    }
    for name in ANSWERABLE_METRICS:
        out[name] = mean_defined(r["metrics"].get(name) for r in answerable)
    out["refusal_accuracy"] = refusal_accuracy([r["refused"] for r in unanswerable])
    out["false_refusals"] = false_refusal_rate([r["refused"] for r in answerable])
    out["groundedness"] = mean_defined(r["metrics"].get("groundedness") for r in given)
    out["latency_p50_s"] = totals.get("p50")
    out["latency_p95_s"] = totals.get("p95")
    return out


def by_tag(results: list[dict[str, Any]]) -> dict[str, dict[str, float | None]]:
    """:func:`aggregate` per ``tag=value`` (e.g. ``topic=tobacco``), sorted by name."""
    groups: dict[str, list[dict[str, Any]]] = {}
    for r in results:
        for key, value in r["tags"].items():
            groups.setdefault(f"{key}={value}", []).append(r)
    return {name: aggregate(groups[name]) for name in sorted(groups)}


def run_eval(
    qset: QuestionSet,
    cfg: Config,
    *,
    config_path: Path | None = None,
    limit: int | None = None,
    ingest: IngestSummary | None = None,
    on_question: Callable[[dict[str, Any]], None] | None = None,
) -> EvalRun:
    """Answer and score the (first ``limit``) questions of a set over ``cfg.index_dir``.

    Args:
        qset: The question set.
        cfg: Configuration; ``cfg.index_dir`` must hold the set's documents
            (:func:`prepare_index`).
        config_path: The config file, for the report.
        limit: Only the first ``limit`` questions.
        ingest: What preparing the index did, for the report.
        on_question: Called with each question's record (progress).

    Returns:
        The run.
    """
    started = datetime.now(UTC)
    began = time.perf_counter()
    questions = qset.questions[:limit] if limit else qset.questions
    index = Index(cfg)
    try:
        names, judge = _Names(index), _Judge(index)
        results = []
        try:
            for question in questions:
                results.append(score_question(question, index, names, judge))
                if on_question:
                    on_question(results[-1])
        finally:
            judge.close()
    finally:
        index.close()
    totals = aggregate(results)
    return EvalRun(
        set_name=qset.name,
        started=started,
        seconds=round(time.perf_counter() - began, 2),
        config=config_summary(cfg, config_path),
        index_dir=str(cfg.index_dir),
        ingest=ingest or IngestSummary({}, 0, 0, 0.0),
        limit=limit,
        metrics=totals,
        latency=latency_summary([r["timings"] for r in results]),
        by_tag=by_tag(results),
        results=results,
    )
