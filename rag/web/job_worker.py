"""The job worker: one daemon thread that runs staff jobs one at a time.

Jobs write to the index, and the index has one writer, so one thread is enough: it
claims the oldest queued job (:meth:`JobStore.claim`), runs it through an explicit
``kind → function`` table (:func:`rag.web.staff_jobs.staff_runners`), records its
progress, and ends it ``done`` or ``failed``. A runner reports a failure that is not
an exception (an upload the loaders refuse) by an ``"error"`` key in its result.

On :meth:`JobWorker.start`, jobs left ``running`` by a process that is gone (or by
an earlier worker of this process: there is one worker per process) are queued
again when their kind is safe to re-run, else failed as interrupted (see
:meth:`JobStore.recover`).
"""

from __future__ import annotations

import logging
import os
import threading
from collections.abc import Callable, Collection, Mapping
from typing import Any

from rag.errors import RagError
from rag.web.jobs import Job, JobKind, JobStore

log = logging.getLogger(__name__)

Progress = Callable[[int, int, str], None]
"""``(done, total, unit or message)``, called by a runner as it goes."""
Runner = Callable[[Job, Progress], dict[str, Any]]
"""Runs one job; returns its result (JSON-ready)."""
MAX_ATTEMPTS = 2  # a job that took the process down twice is not started a third time


def process_gone(pid: int) -> bool:
    """Whether no process has this id (this process counts as gone: see the module doc).

    >>> process_gone(os.getpid()), process_gone(0)
    (True, True)
    """
    if pid <= 0 or pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return True
    except PermissionError:  # another user's live process
        return False
    return False


class JobWorker:
    """Runs the jobs of a :class:`JobStore` in a daemon thread.

    Args:
        store: The job table.
        runners: The function of each job kind.
        rerun: Kinds safe to run again after a restart.
        poll_s: Seconds between looks at the table when idle (a :meth:`submit` in
            this process wakes the worker at once).
    """

    def __init__(
        self,
        store: JobStore,
        runners: Mapping[JobKind, Runner],
        rerun: Collection[JobKind] = (),
        poll_s: float = 1.0,
    ) -> None:
        self.store = store
        self.runners = dict(runners)
        self.rerun = frozenset(rerun)
        self.poll_s = poll_s
        self._wake = threading.Event()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def submit(self, kind: JobKind, args: dict[str, Any], user: str) -> int:
        """Queue a job and wake the worker; returns the job's id."""
        job_id = self.store.submit(kind, args, user)
        log.info("job %d queued: %s by %s", job_id, kind, user)
        self._wake.set()
        return job_id

    def start(self) -> None:
        """Recover jobs a dead worker left running, then start the thread (once)."""
        if self._thread is not None and self._thread.is_alive():
            return
        for job in self.store.recover(process_gone, self.rerun, MAX_ATTEMPTS):
            log.warning("job %d (%s) left running by a stopped app: now %s", *(
                job.id, job.kind, job.state))  # fmt: skip
        self._stop.clear()
        self._thread = threading.Thread(target=self._loop, name="rag-jobs", daemon=True)
        self._thread.start()

    def stop(self, timeout: float = 60.0) -> None:
        """Stop after the running job (if any) ends; wait up to ``timeout`` seconds."""
        self._stop.set()
        self._wake.set()
        if self._thread is not None:
            self._thread.join(timeout)
            self._thread = None

    def _loop(self) -> None:
        while not self._stop.is_set():
            if self.run_once() is None:
                self._wake.wait(self.poll_s)
                self._wake.clear()

    def run_once(self) -> Job | None:
        """Claim and run the oldest queued job; returns it as it ended (``None``: none)."""
        job = self.store.claim(os.getpid())
        if job is None:
            return None
        log.info("job %d started: %s %s", job.id, job.kind, job.subject)

        def tick(done: int, total: int, message: str = "") -> None:
            self.store.progress(job.id, done, total, message)

        try:
            result = self.runners[job.kind](job, tick)
        except RagError as exc:
            self.store.fail(job.id, str(exc))
        except Exception as exc:  # a bug or a crashed library must not stop the worker
            log.exception("job %d (%s) crashed", job.id, job.kind)
            self.store.fail(job.id, f"{type(exc).__name__}: {exc} / งานล้มเหลวโดยไม่คาดคิด")
        else:
            if error := result.get("error"):
                self.store.fail(job.id, str(error), result)
            else:
                self.store.finish(job.id, result)
        ended = self.store.get(job.id)
        log.info("job %d %s", job.id, ended.state if ended else "gone")
        return ended
