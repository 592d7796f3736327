"""What each kind of staff job does: the ``kind → function`` table of the job worker.

Each runner calls the staff :class:`~rag.web.library.Library` or
:func:`~rag.web.staff_eval.run_evaluation` and returns a JSON result. Job arguments:

========  ==========================================================
upload    ``path`` (the file stored under ``uploads/<sha256>/``), ``name``
replace   ``doc_id``, ``path``, ``name`` (the new version, stored likewise)
delete    ``doc_id``, ``name`` (its title, for the job list)
reindex   (none)
evaluate  ``set`` (a question set's name)
backfill  (none): embeds the chunks an upload left searchable by keyword only
========  ==========================================================

Uploads, replacements and re-indexing are keyword-first: their chunks are
searchable by BM25 when the job ends, and the job queues a ``backfill`` job that
adds their dense vectors (:meth:`rag.index.index.Index.backfill`; resumable, so
always safe to run again).

After a restart, :data:`RERUN` kinds are queued again: an upload is stored before it
is submitted and ingesting the same bytes again changes nothing; a re-index and an
evaluation can always run again. A delete or a replacement is not re-run: it may
have committed before the app stopped, and running it again would report a missing
document. Those are failed as interrupted; the document list shows what happened.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import asdict, dataclass
from functools import partial
from pathlib import Path
from typing import Any

from rag.config import Config
from rag.ingest.files import FileResult
from rag.web.job_worker import Progress, Runner
from rag.web.jobs import Job, JobKind
from rag.web.library import Library
from rag.web.staff_eval import run_evaluation

RERUN: frozenset[JobKind] = frozenset({"upload", "reindex", "evaluate", "backfill"})
CHUNKS = "chunks"
Queue = Callable[[JobKind, dict[str, Any], str], int]
"""Submits a job: ``(kind, args, user) -> job id`` (:meth:`rag.web.jobs.JobStore.submit`)."""
QUESTIONS = "questions"


@dataclass(frozen=True)
class EvalPlaces:
    """Where an evaluation job finds its inputs and writes its reports.

    Attributes:
        cfg: Configuration of the live app.
        reports_dir: Where reports go (``eval/reports``).
        sets_dir: Folder of the question files (``eval/sets``).
        corpus_dir: The demo set's documents (``corpus/``).
        shared_dir: The shared data of the other sets (``../shared``).
        thresholds: ``eval/thresholds.toml`` (``None``: no bounds checked).
    """

    cfg: Config
    reports_dir: Path
    sets_dir: Path
    corpus_dir: Path
    shared_dir: Path
    thresholds: Path | None = None


def file_result(result: FileResult) -> dict[str, Any]:
    """A file's result as a job result; a failed file's message is its ``error``.

    >>> file_result(FileResult("a.pdf", "failed", message="เสีย / broken"))["error"]
    'เสีย / broken'
    >>> "error" in file_result(FileResult("a.pdf", "new", 1, 4))
    False
    """
    data = asdict(result) | {"warnings": list(result.warnings), "symbol": result.symbol}
    return data | ({"error": result.message} if result.status == "failed" else {})


def _then_backfill(queue: Queue | None, job: Job, pending: int) -> dict[str, Any]:
    """Queue a ``backfill`` job when chunks wait for vectors."""
    if queue is not None and pending:
        return {"pending": pending, "backfill_job": queue("backfill", {}, job.user)}
    return {"pending": pending}


def run_upload(library: Library, queue: Queue | None, job: Job, tick: Progress) -> dict[str, Any]:
    """Index an uploaded file for keyword search; its vectors follow in a backfill job."""
    result, sync = library.add_file(
        Path(job.args["path"]),
        job.args["name"],
        lambda d, t: tick(d, t, CHUNKS),
        dense=queue is None,
    )
    return file_result(result) | {"added": sync.added} | _then_backfill(queue, job, sync.pending)


def run_backfill(library: Library, job: Job, tick: Progress) -> dict[str, Any]:
    """Embed and store the vectors of chunks searchable by keyword only."""
    filled = library.index.backfill(lambda d, t: tick(d, t, CHUNKS))
    return {"stored": filled.stored, "embedded": filled.embedded, "left": filled.left}


def run_replace(library: Library, job: Job, tick: Progress) -> dict[str, Any]:
    """Index a new version of a document, then delete the old one."""
    result, sync = library.replace(
        job.args["doc_id"],
        Path(job.args["path"]),
        job.args["name"],
        lambda d, t: tick(d, t, CHUNKS),
    )
    return file_result(result) | {"added": sync.added, "removed": sync.removed}


def run_delete(library: Library, job: Job, tick: Progress) -> dict[str, Any]:
    """Delete a document."""
    sync = library.delete(job.args["doc_id"])
    return {"doc_id": job.args["doc_id"], "removed": sync.removed}


def run_reindex(library: Library, job: Job, tick: Progress) -> dict[str, Any]:
    """Re-read every known file and repair the search stores."""
    read = [0]

    def on_file(_: FileResult) -> None:
        read[0] += 1
        tick(read[0], 0, "files")

    found, sync = library.reindex(on_file, lambda d, t: tick(d, t, CHUNKS))
    failed = [f"{f.path}: {f.message}" for f in found if f.status == "failed"]
    return {"files": len(found), "added": sync.added, "removed": sync.removed, "failed": failed}


def run_evaluate(places: EvalPlaces, job: Job, tick: Progress) -> dict[str, Any]:
    """Run a question set and write its reports."""
    report = run_evaluation(
        job.args["set"],
        places.cfg,
        places.reports_dir,
        sets_dir=places.sets_dir,
        corpus_dir=places.corpus_dir,
        shared_dir=places.shared_dir,
        thresholds=places.thresholds,
        on_question=lambda d, t: tick(d, t, QUESTIONS),
    )
    return {"set": job.args["set"], "report": str(report)}


def staff_runners(
    library: Library, places: EvalPlaces, queue: Queue | None = None
) -> dict[JobKind, Runner]:
    """The function of each job kind.

    Args:
        library: The staff library.
        places: Where evaluations read and write.
        queue: Submits the ``backfill`` job an upload needs; ``None`` embeds
            uploads inside their own job, as before keyword-first ingest.
    """
    return {
        "upload": partial(run_upload, library, queue),
        "backfill": partial(run_backfill, library),
        "replace": partial(run_replace, library),
        "delete": partial(run_delete, library),
        "reindex": partial(run_reindex, library),
        "evaluate": partial(run_evaluate, places),
    }
