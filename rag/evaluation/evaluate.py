"""The ``rag eval`` runner: answer a question set with the product and score it.

Everything goes through the product's own code: the set's documents are ingested
with :meth:`rag.index.index.Index.ingest` into a per-set index (incremental, so a re-run
embeds nothing) and every question is answered with :func:`rag.answer.ask.answer`
(follow-ups with their history). Retrieval is scored on the hits the answerer
uses: the question is resolved as the extractive answerer resolves it
(:func:`rag.answer.followup.resolve`; an LLM answerer rewrites follow-ups itself) and
retrieved through :func:`rag.answer.ask.retrieve`, at depth ``max(10, retrieval_k)`` so
@10 metrics are defined. ``hit_at_retrieval_k`` is the hit rate within the first
``retrieval_k`` of them: the passages the answer is composed from (for a follow-up
approximately, since the answerer re-ranks a deeper list towards the documents the
previous answer quoted).

Citation metrics count only the citations of answers that were given (a refusal's
"closest sources" are not citations); groundedness is judged by
:func:`rag.answer.verify.is_supported` against the full text of each cited chunk.
Each question is scored by :func:`rag.evaluation.score.score_question` with the pure
functions of :mod:`rag.evaluation.metrics` and :mod:`rag.evaluation.answer_metrics`.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from rag.config import Config
from rag.evaluation.answer_metrics import (
    false_refusal_rate,
    refusal_accuracy,
)
from rag.evaluation.metrics import (
    latency_summary,
    mean_defined,
)
from rag.evaluation.qsets import QuestionSet
from rag.evaluation.score import CachedJudge, DocNames, score_question
from rag.evaluation.subset import write_subset
from rag.index.index import Index
from rag.ingest.files import FileResult

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
    "containment_cited",
)
# Folder of ``<index_dir>`` for the article copies of sets that index part of a collection.
SUBSET_DIR = "sources"
# Tags that annotate one question (free text) rather than label a group of questions.
NOTE_TAGS = frozenset({"near"})
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
    """Ingest the set's documents into ``cfg.index_dir`` (incremental).

    A set that indexes only some articles of its collection (``qset.articles``) ingests
    a copy of those lines, ``<index_dir>/sources/<set>.jsonl``, kept with the index.
    """
    started = time.perf_counter()
    sources = list(qset.sources)
    if qset.articles:
        copy = cfg.index_dir / SUBSET_DIR / f"{qset.name}.jsonl"
        sources = [write_subset(qset.sources[0], qset.articles, copy)]
    index = Index(cfg)
    try:
        report, sync = index.ingest(sources, on_file=on_file, on_embed=on_embed)
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
    out["mid_clause_endings"] = mean_defined(r["metrics"].get("mid_clause") for r in given)
    out["latency_p50_s"] = totals.get("p50")
    out["latency_p95_s"] = totals.get("p95")
    return out


def by_tag(results: list[dict[str, Any]]) -> dict[str, dict[str, float | None]]:
    """:func:`aggregate` per ``tag=value`` (e.g. ``topic=tobacco``), sorted by name.

    Note tags (:data:`NOTE_TAGS`, free text such as a near-miss's ``near``) form no group.
    """
    groups: dict[str, list[dict[str, Any]]] = {}
    for r in results:
        for key, value in r["tags"].items():
            if key not in NOTE_TAGS:
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
        names, judge = DocNames(index), CachedJudge(index)
        results = []
        for question in questions:
            results.append(score_question(question, index, names, judge))
            if on_question:
                on_question(results[-1])
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
