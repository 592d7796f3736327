"""A SQLite file of the app whose rows age out: feedback and the LINE bot's memory.

One connection serves every thread of the process (callers hold :attr:`RetainedStore._lock`
around each use); WAL lets another process read while this one writes. Rows of the
store's :attr:`~RetainedStore.aged_table` older than ``retention_days`` are deleted on
open and whenever the store says so (:meth:`RetainedStore.purge`).

>>> stamp(datetime(2026, 11, 27, 9, 30, 5, 123, tzinfo=UTC))
'2026-11-27T09:30:05+00:00'
"""

from __future__ import annotations

import sqlite3
import threading
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import ClassVar, Self

from rag.config import Config


def now() -> datetime:
    """The current UTC time."""
    return datetime.now(UTC)


def stamp(moment: datetime) -> str:
    """How a time is stored: ISO 8601 to the second (sortable as text)."""
    return moment.isoformat(timespec="seconds")


class RetainedStore:
    """Base of a store kept in ``<index_dir>/<file_name>`` for ``feedback_retention_days``.

    Subclasses set :attr:`schema`, :attr:`file_name` and :attr:`aged_table` (a table
    with a ``created_at`` column written by :func:`stamp`).

    Args:
        path: The SQLite file (created with its folder if missing).
        retention_days: Purge rows older than this on open (and when the subclass
            calls :meth:`purge`); 0 keeps them.
    """

    schema: ClassVar[str] = ""
    file_name: ClassVar[str] = ""
    aged_table: ClassVar[str] = ""

    def __init__(self, path: Path, retention_days: int = 0) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        self.path = path
        self.retention_days = retention_days
        self._lock = threading.Lock()
        self._db = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.executescript(self.schema)
        if retention_days:
            self.purge(retention_days)

    @classmethod
    def for_config(cls, cfg: Config) -> Self:
        """The store of an index, kept as long as feedback (``feedback_retention_days``)."""
        return cls(cfg.index_dir / cls.file_name, cfg.feedback_retention_days)

    def close(self) -> None:
        """Close the database."""
        self._db.close()

    def purge(self, older_than_days: int) -> int:
        """Delete rows of :attr:`aged_table` older than ``older_than_days``; returns how many."""
        cutoff = stamp(now() - timedelta(days=older_than_days))
        with self._lock:
            cur = self._db.execute(
                f"DELETE FROM {self.aged_table} WHERE created_at < ?",
                (cutoff,),
            )
        return cur.rowcount
