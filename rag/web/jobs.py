"""Staff jobs in SQLite: uploads, deletes, replacements, re-indexing and evaluations.

A job is submitted by the staff UI (``queued``), claimed by the one
:class:`~rag.web.job_worker.JobWorker` (``running``, with progress) and ends
``done`` (with a result) or ``failed`` (with a Thai + English message). The table
lives in ``<index_dir>/jobs.sqlite`` (WAL), so job states survive a restart and any
process may read them. Every call opens its own connection, so the store is safe to
share between threads; a claim takes SQLite's write lock first, so two workers never
claim the same job.

>>> import tempfile
>>> store = JobStore(Path(tempfile.mkdtemp()) / "jobs.sqlite")
>>> job_id = store.submit("reindex", {}, "staff")
>>> store.claim(owner=1).state, store.claim(owner=1)
('running', None)
>>> store.finish(job_id, {"files": 3})
>>> store.get(job_id).result
{'files': 3}
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Callable, Collection, Iterator
from contextlib import closing, contextmanager
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Literal, cast

JobKind = Literal["upload", "delete", "replace", "reindex", "evaluate", "backfill"]
JobState = Literal["queued", "running", "done", "failed"]
JOBS_FILE = "jobs.sqlite"
LISTING_CAP = 200  # the most jobs :meth:`JobStore.recent` returns
INTERRUPTED = "งานถูกขัดจังหวะเพราะแอปหยุดทำงาน / interrupted: the app stopped while it ran"
_COLUMNS = (
    "id, kind, args, user, state, done, total, message, result, error, "
    "created_at, started_at, finished_at, attempts, owner"
)
_SCHEMA = """
CREATE TABLE IF NOT EXISTS jobs (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    kind TEXT NOT NULL,
    args TEXT NOT NULL,
    user TEXT NOT NULL,
    state TEXT NOT NULL,
    done INTEGER NOT NULL DEFAULT 0,
    total INTEGER NOT NULL DEFAULT 0,
    message TEXT NOT NULL DEFAULT '',
    result TEXT NOT NULL DEFAULT '{}',
    error TEXT NOT NULL DEFAULT '',
    created_at TEXT NOT NULL,
    started_at TEXT NOT NULL DEFAULT '',
    finished_at TEXT NOT NULL DEFAULT '',
    attempts INTEGER NOT NULL DEFAULT 0,
    owner INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX IF NOT EXISTS jobs_state ON jobs (state, id);
"""


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


@dataclass(frozen=True)
class Job:
    """One job as stored.

    Attributes:
        id: Its number (increasing with submission).
        kind: What it does.
        args: Its arguments (JSON), e.g. ``{"path": …, "name": …}`` for an upload.
        user: The staff user who submitted it.
        state: ``queued`` → ``running`` → ``done`` | ``failed``.
        done: Progress so far, in :attr:`total` units (chunks, questions).
        total: Progress total (0 while unknown).
        message: What the job is doing now, or what it did.
        result: Its result (JSON): the file's result, a report's path, counts.
        error: Why it failed, in Thai and English.
        created_at: Submission time (UTC, ISO 8601).
        started_at: When it last started running (``""`` before).
        finished_at: When it ended (``""`` before).
        attempts: How often it was started (a restart may run it again).
        owner: Process id of the worker that claimed it last.
    """

    id: int
    kind: JobKind
    args: dict[str, Any]
    user: str
    state: JobState
    done: int = 0
    total: int = 0
    message: str = ""
    result: dict[str, Any] = field(default_factory=dict)
    error: str = ""
    created_at: str = ""
    started_at: str = ""
    finished_at: str = ""
    attempts: int = 0
    owner: int = 0

    @property
    def active(self) -> bool:
        """Whether it is still queued or running."""
        return self.state in ("queued", "running")

    @property
    def subject(self) -> str:
        """The file, document or question set it works on (``""`` for a re-index)."""
        return str(self.args.get("name") or self.args.get("doc_id") or self.args.get("set") or "")

    def to_json(self) -> dict[str, Any]:
        """A JSON-ready dict."""
        return asdict(self)

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Job:
        """The inverse of :meth:`to_json`."""
        return cls(**data)

    @classmethod
    def from_row(cls, row: sqlite3.Row) -> Job:
        """A job from a row of the ``jobs`` table (``args`` and ``result`` are JSON text)."""
        data = dict(row)
        data["args"], data["result"] = json.loads(data["args"]), json.loads(data["result"])
        return cls.from_json(data)


class JobStore:
    """The job table in a SQLite file (created with its folder).

    Args:
        path: The SQLite file, ``<index_dir>/jobs.sqlite`` (see :meth:`in_index`).
    """

    def __init__(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        self.path = path
        with self._connect() as db:
            db.execute("PRAGMA journal_mode=WAL")
            db.executescript(_SCHEMA)

    @classmethod
    def in_index(cls, index_dir: Path) -> JobStore:
        """The job store of an index folder."""
        return cls(index_dir / JOBS_FILE)

    @contextmanager
    def _connect(self) -> Iterator[sqlite3.Connection]:
        with closing(sqlite3.connect(self.path, timeout=30, isolation_level=None)) as db:
            db.row_factory = sqlite3.Row
            db.execute("PRAGMA busy_timeout=30000")
            yield db

    @contextmanager
    def _write(self) -> Iterator[sqlite3.Connection]:
        """A connection inside ``BEGIN IMMEDIATE`` (committed, or rolled back on error)."""
        with self._connect() as db:
            db.execute("BEGIN IMMEDIATE")
            try:
                yield db
            except BaseException:
                db.execute("ROLLBACK")
                raise
            db.execute("COMMIT")

    def submit(self, kind: JobKind, args: dict[str, Any], user: str) -> int:
        """Queue a job; returns its id."""
        with self._write() as db:
            cursor = db.execute(
                "INSERT INTO jobs (kind, args, user, state, created_at) VALUES (?, ?, ?, ?, ?)",
                (kind, json.dumps(args, ensure_ascii=False), user, "queued", _now()),
            )
            return int(cast(int, cursor.lastrowid))

    def get(self, job_id: int) -> Job | None:
        """A job by id (``None`` if unknown)."""
        with self._connect() as db:
            row = db.execute(f"SELECT {_COLUMNS} FROM jobs WHERE id = ?", (job_id,)).fetchone()
        return Job.from_row(row) if row else None

    def recent(self, limit: int = 50) -> list[Job]:
        """The newest jobs first, at most ``limit`` (capped at :data:`LISTING_CAP`)."""
        with self._connect() as db:
            rows = db.execute(
                f"SELECT {_COLUMNS} FROM jobs ORDER BY id DESC LIMIT ?",
                (max(0, min(limit, LISTING_CAP)),),
            ).fetchall()
        return [Job.from_row(r) for r in rows]

    def claim(self, owner: int) -> Job | None:
        """Mark the oldest queued job ``running`` for ``owner`` and return it (atomic)."""
        with self._write() as db:
            row = db.execute(
                "SELECT id FROM jobs WHERE state = 'queued' ORDER BY id LIMIT 1"
            ).fetchone()
            if row is None:
                return None
            db.execute(
                "UPDATE jobs SET state = 'running', started_at = ?, attempts = attempts + 1, "
                "owner = ?, done = 0, total = 0, message = '' WHERE id = ?",
                (_now(), owner, row["id"]),
            )
            claimed = db.execute(f"SELECT {_COLUMNS} FROM jobs WHERE id = ?", (row["id"],))
            return Job.from_row(claimed.fetchone())

    def progress(self, job_id: int, done: int, total: int, message: str = "") -> None:
        """Record a running job's progress."""
        with self._write() as db:
            db.execute(
                "UPDATE jobs SET done = ?, total = ?, message = ? "
                "WHERE id = ? AND state = 'running'",
                (done, total, message, job_id),
            )

    def finish(self, job_id: int, result: dict[str, Any]) -> None:
        """Mark a job ``done`` with its result."""
        self._end(job_id, "done", result, "")

    def fail(self, job_id: int, message: str, result: dict[str, Any] | None = None) -> None:
        """Mark a job ``failed`` with why (Thai + English) and any partial result."""
        self._end(job_id, "failed", result or {}, message)

    def _end(self, job_id: int, state: JobState, result: dict[str, Any], error: str) -> None:
        with self._write() as db:
            db.execute(
                "UPDATE jobs SET state = ?, result = ?, error = ?, finished_at = ? WHERE id = ?",
                (state, json.dumps(result, ensure_ascii=False), error, _now(), job_id),
            )

    def recover(
        self, orphaned: Callable[[int], bool], rerun: Collection[JobKind], max_attempts: int
    ) -> list[Job]:
        """Deal with jobs left ``running`` by a worker that is gone.

        Args:
            orphaned: Whether the worker of an owner process id is gone.
            rerun: Kinds that are safe to run again: queued again while they have
                been started fewer than ``max_attempts`` times.
            max_attempts: Starts allowed before a job counts as failed.

        Returns:
            The jobs as they are now (queued again, or failed as interrupted).
        """
        with self._write() as db:
            rows = db.execute(f"SELECT {_COLUMNS} FROM jobs WHERE state = 'running'").fetchall()
            left = [j for j in map(Job.from_row, rows) if orphaned(j.owner)]
            for job in left:
                if job.kind in rerun and job.attempts < max_attempts:
                    db.execute(
                        "UPDATE jobs SET state = 'queued', done = 0, total = 0, message = ? "
                        "WHERE id = ?",
                        ("รอทำใหม่หลังเริ่มแอปใหม่ / queued again after a restart", job.id),
                    )
                else:
                    db.execute(
                        "UPDATE jobs SET state = 'failed', error = ?, finished_at = ? WHERE id = ?",
                        (INTERRUPTED, _now(), job.id),
                    )
        return [j for j in (self.get(job.id) for job in left) if j is not None]
