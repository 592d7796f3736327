"""The staff area's "run the evaluation" button: a question set in, a report path out.

It runs :mod:`rag.evaluation.evaluate` (the ``rag eval`` runner) and writes the same reports.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

from rag.config import Config
from rag.errors import InputError

_SET_NAME = re.compile(r"^[a-z0-9][a-z0-9_-]{0,63}$")


def available_sets(shared_dir: Path) -> list[str]:
    """Question sets whose data is present under ``shared_dir`` (``../shared``)."""
    from rag.evaluation.qsets import SET_NAMES, missing_data

    return [name for name in SET_NAMES if not missing_data(name, shared_dir)]


def run_evaluation(
    set_name: str,
    cfg: Config,
    reports_dir: Path,
    *,
    sets_dir: Path,
    corpus_dir: Path,
    shared_dir: Path,
    limit: int | None = None,
    thresholds: Path | None = None,
    on_question: Callable[[int, int], None] | None = None,
) -> Path:
    """Run a question set with :mod:`rag.evaluation.evaluate` and return its Markdown report.

    The set's own documents are indexed into ``<index_dir>/eval-<set_name>``
    (incrementally), apart from the live index, so staff edits do not change the
    score. The HTML and JSON reports are written beside the Markdown one.

    Args:
        set_name: The set's name, e.g. ``demo``.
        cfg: Configuration of the live app.
        reports_dir: Where reports go (``eval/reports``).
        sets_dir: Folder of the question files (``eval/sets``).
        corpus_dir: The demo set's documents (``corpus/``).
        shared_dir: The shared data of the other sets (``../shared``).
        limit: Only the first N questions.
        thresholds: ``eval/thresholds.toml``; misses are listed in the report.
        on_question: Progress callback ``(done, total)``.

    Returns:
        Path of the Markdown report (``.html`` and ``.json`` share its stem).

    Raises:
        RagError: The name is invalid or unknown.
    """
    if not _SET_NAME.match(set_name):
        raise InputError(set_name, "ชื่อชุดคำถามไม่ถูกต้อง", "invalid question-set name")
    from rag.evaluation.evaluate import prepare_index, run_eval
    from rag.evaluation.qsets import load_set
    from rag.evaluation.report import write_reports

    qset = load_set(set_name, sets_dir=sets_dir, corpus_dir=corpus_dir, shared_dir=shared_dir)
    eval_cfg = cfg.with_(index_dir=cfg.index_dir / f"eval-{set_name}")
    ingest = prepare_index(qset, eval_cfg)
    total = min(limit, len(qset.questions)) if limit else len(qset.questions)
    done = [0]

    def tick(_: object) -> None:
        done[0] += 1
        if on_question:
            on_question(done[0], total)

    run = run_eval(qset, eval_cfg, limit=limit, ingest=ingest, on_question=tick)
    failed: list[str] = []
    if thresholds is not None:
        from rag.evaluation.thresholds import check_thresholds, load_thresholds

        failed = check_thresholds(run.metrics, load_thresholds(thresholds).get(set_name, {}))
    paths = write_reports(run, reports_dir, failed)
    return next(p for p in paths if p.suffix == ".md")
