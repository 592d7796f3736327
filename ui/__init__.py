"""The web app: a partner chat at ``/``, a staff area at ``/staff``, documents at ``/doc/{id}``.

The modules here only wire Gradio and FastAPI to :mod:`rag` functions; the logic
lives in ``rag.web.webchat``, ``rag.web.chat_html``, ``rag.web.library``, ``rag.web.feedback`` and
``rag.web.auth``.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from pathlib import Path

import gradio as gr

from rag.config import Config
from rag.errors import RagError
from rag.index.index import Index
from rag.web.accounts import StaffAccounts
from rag.web.answering import InFlight
from rag.web.audit import AuditLog
from rag.web.feedback import FeedbackStore
from rag.web.job_worker import JobWorker
from rag.web.jobs import JobStore
from rag.web.library import Library
from rag.web.ratelimit import RateLimiter

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Services:
    """What the handlers of both apps share.

    Attributes:
        cfg: Configuration.
        index: The open index.
        library: Staff operations and the index lock.
        feedback: The feedback store.
        sets_dir: Folder of the question sets (``eval/sets``).
        reports_dir: Where evaluation reports are written (``eval/reports``).
        corpus_dir: The demo documents (``corpus/``), also the demo set's documents.
        shared_dir: Shared data of the other question sets (``../shared``).
        accounts: The staff accounts and their roles.
        audit: The staff audit log.
        jobs: The staff job table (``<index_dir>/jobs.sqlite``).
        worker: Runs the staff jobs (started and stopped with the web app).
        limiter: The per-client limit on asking; ``None``: the configuration's.
        in_flight: Answers being computed now (and the peak).
    """

    cfg: Config
    index: Index
    library: Library
    feedback: FeedbackStore
    sets_dir: Path
    reports_dir: Path
    corpus_dir: Path
    shared_dir: Path
    accounts: StaffAccounts
    audit: AuditLog
    jobs: JobStore
    worker: JobWorker
    limiter: RateLimiter | None = None
    in_flight: InFlight = field(default_factory=InFlight)


def user_error(message: str) -> gr.Error:
    """A Gradio error toast for a user's mistake: logged as one line, no traceback."""
    log.warning("user error: %s", message.replace("\n", " "))
    return gr.Error(message, title="ข้อผิดพลาด / Error", print_exception=False)


def ui_error(exc: RagError) -> gr.Error:
    """A library error as a Gradio error toast, in Thai and English (see :func:`user_error`)."""
    return user_error(f"{exc.thai} — {exc.english}")
