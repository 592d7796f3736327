"""The staff jobs panel: each job's state, progress and result, refreshed while any runs.

Handlers submit jobs (:class:`rag.web.job_worker.JobWorker`) and return at once; a
``gr.Timer`` ticks every second while a job is queued or running. A tick redraws the
panel; when jobs finished since the last tick it also refreshes the document list,
and shows the report of a finished evaluation (copied to the staff outbox).
"""

from __future__ import annotations

import shutil
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import gradio as gr

from rag.ingest.loaders.base import display_name
from rag.web.i18n import both
from rag.web.jobs import Job
from rag.web.roles import Role, can
from ui import Services
from ui.staff_files import outbox

JOB_HEADERS = ["col_job", "col_kind", "col_file", "col_status", "col_progress", "col_result"]
JOB_HEADERS_TAIL = ["col_user", "col_time"]
STATE_ICONS = {"queued": "⏳", "running": "🔄", "done": "✅", "failed": "❌"}
JOBS_SHOWN = 50
TICK_S = 1.0
Rows = list[list[Any]]


def progress_text(job: Job) -> str:
    """``12 / 40 chunks`` while known, else what the job says it is doing.

    >>> progress_text(Job(1, "upload", {}, "staff", "running", 12, 40, "chunks"))
    '12 / 40 chunks'
    >>> progress_text(Job(1, "reindex", {}, "staff", "running", 3, 0, "files"))
    '3 files'
    """
    if job.total:
        return f"{job.done} / {job.total} {job.message}".strip()
    return f"{job.done} {job.message}".strip() if job.done else job.message


def result_text(job: Job) -> str:
    """A finished job's result, or why it failed, in one line."""
    r = job.result
    if job.state == "failed":
        return f"❌ {job.error}"
    if job.state != "done":
        return ""
    if job.kind in ("upload", "replace"):
        detail = " — ".join(x for x in (r.get("message", ""), *r.get("warnings", [])[:3]) if x)
        return f"{r.get('symbol', '')} {r.get('status', '')} · {r.get('chunks', 0)} chunks " + (
            f"— {detail}" if detail else ""
        )
    if job.kind in ("delete", "backfill", "reindex"):
        return _counts_text(job)
    return f"📊 {Path(r.get('report', '')).name}"


def _counts_text(job: Job) -> str:
    """The result of a job that changed chunks without a file of its own."""
    r = job.result
    if job.kind == "backfill":
        return f"🧭 +{r.get('stored', 0)} vectors, {r.get('left', 0)} pending"
    if job.kind == "delete":
        return f"🗑️ {both('deleted')} (-{r.get('removed', 0)} chunks)"
    failed = "; ".join(r.get("failed", [])[:3])
    head = f"🔄 {r.get('files', 0)} files, +{r.get('added', 0)} / -{r.get('removed', 0)} chunks"
    return f"{head} ❌ {failed}" if failed else head


def job_row(job: Job) -> list[Any]:
    """One row of the jobs panel."""
    state = f"{STATE_ICONS[job.state]} {both('state_' + job.state)}"
    when = (job.finished_at or job.started_at or job.created_at)[:19].replace("T", " ")
    return [
        job.id, both("kind_" + job.kind), display_name(job.subject), state, progress_text(job),
        result_text(job), job.user, when,
    ]  # fmt: skip


def jobs_panel() -> tuple[gr.Dataframe, gr.Timer]:
    """The jobs table and its timer (inside an open ``gr.Blocks``)."""
    table = gr.Dataframe(
        headers=[both(h) for h in JOB_HEADERS + JOB_HEADERS_TAIL],
        label=both("jobs"),
        elem_id="jobs",
        type="array",
        interactive=False,
        wrap=True,
        max_height=360,
        column_widths=["60px", "90px", "22%", "110px", "120px", "auto", "80px", "150px"],
    )
    return table, gr.Timer(TICK_S, active=False)


def queued(job_ids: list[int]) -> str:
    """The message of a submission: which jobs were queued."""
    return f"⏳ {both('queued')}: " + ", ".join(f"#{i}" for i in job_ids)


@dataclass(frozen=True)
class Tick:
    """What one look at the job table changed (see :func:`watcher`)."""

    rows: Rows
    running: bool
    finished: list[int]
    ended: list[Job]


def look(services: Services, seen: list[int] | None, role: Role | None) -> Tick:
    """The newest jobs the role may run, and those that finished since ``seen``.

    ``seen`` holds the finished job ids of the last look.
    """
    jobs = [
        j
        for j in services.jobs.recent(JOBS_SHOWN)
        if can(role, "upload" if j.kind == "backfill" else j.kind)  # uploads queue backfills
    ]
    finished = sorted(j.id for j in jobs if not j.active)
    before = set(finished if seen is None else seen)
    ended = [j for j in jobs if not j.active and j.id not in before]
    running = any(j.active for j in jobs)
    return Tick([job_row(j) for j in jobs], running, finished, ended)


def evaluation_output(ended: list[Job]) -> tuple[Any, Any]:
    """The report (text, files in the staff outbox) of the latest evaluation that ended."""
    evaluations = [j for j in ended if j.kind == "evaluate"]
    if not evaluations:
        return gr.skip(), gr.skip()
    job = evaluations[0]
    report = Path(job.result.get("report", ""))
    if job.state == "failed" or not report.is_file():
        return f"❌ {job.error}", []
    folder = outbox("rag-report-")
    copies = [
        str(shutil.copy(path, folder / path.name))
        for path in (report, report.with_suffix(".html"))
        if path.exists()
    ]
    return report.read_text(encoding="utf-8"), copies


def watcher(
    services: Services, listing: Callable[[gr.Request], tuple[Any, ...]]
) -> Callable[[list[int] | None, gr.Request], tuple[Any, ...]]:
    """The timer's handler: ``seen`` in; the panel, timer, ``seen``, listing, report out.

    Each staff member sees the jobs of the kinds their role may run.
    """

    def tick(seen: list[int] | None, request: gr.Request) -> tuple[Any, ...]:
        account = services.accounts.get(request.username or "") if request else None
        now = look(services, seen, account.role if account else None)
        listed = listing(request) if now.ended else (gr.skip(),) * 4
        return (
            now.rows,
            gr.Timer(active=now.running),
            now.finished,
            *listed,
            *evaluation_output(now.ended),
        )

    return tick
