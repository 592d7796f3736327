"""One writer per index across processes: an exclusive lock file, ``<index_dir>/write.lock``.

Two ``rag ingest`` runs, a staff upload and a CLI delete on one index each change
the manifest, Chroma and the BM25 folder; BM25 is saved whole, so without the lock
the last writer would silently drop the chunks of the others. Every write of
:class:`~rag.index.index.Index` holds this lock (``filelock``, re-entrant within a
thread; another thread or process waits). Waiting is logged, and a wait longer
than ``write_lock_timeout`` raises :class:`~rag.errors.IndexBusyError`.

>>> import tempfile
>>> lock = WriteLock(Path(tempfile.mkdtemp()), timeout=1.0)
>>> with lock.hold() as outer:
...     with lock.hold() as inner:
...         (outer, inner)
(True, False)
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from filelock import FileLock, Timeout

from rag.errors import IndexBusyError

log = logging.getLogger(__name__)

LOCK_FILE = "write.lock"


class WriteLock:
    """The exclusive write lock of one index folder.

    Args:
        index_dir: The index folder (created if missing).
        timeout: Seconds to wait for another writer before giving up.
    """

    def __init__(self, index_dir: Path, timeout: float) -> None:
        index_dir.mkdir(parents=True, exist_ok=True)
        self.path = index_dir / LOCK_FILE
        self.timeout = timeout
        self._lock = FileLock(self.path)

    @contextmanager
    def hold(self) -> Iterator[bool]:
        """Hold the lock; re-entrant within one thread.

        Yields:
            Whether this is the outermost hold of the calling thread (the one
            whose end commits a write).

        Raises:
            IndexBusyError: Another writer held the lock longer than ``timeout``.
        """
        try:
            self._lock.acquire(blocking=False)
        except Timeout:
            log.warning(
                "another writer holds the index; waiting up to %g s for %s",
                self.timeout,
                self.path,
            )
            try:
                self._lock.acquire(timeout=self.timeout)
            except Timeout as exc:
                raise IndexBusyError(
                    str(self.path),
                    f"ดัชนีกำลังถูกเขียนโดยงานอื่นนานเกิน {self.timeout:g} วินาที "
                    "รอให้งานนั้นเสร็จแล้วลองใหม่ หรือเพิ่มค่าตั้ง write_lock_timeout",
                    f"another writer kept the index's write lock for over {self.timeout:g} s; "
                    "retry when it is done, or raise write_lock_timeout",
                ) from exc
            log.info("got the write lock %s", self.path)
        try:
            yield self._lock.lock_counter == 1
        finally:
            self._lock.release()

    @contextmanager
    def try_hold(self) -> Iterator[bool]:
        """Hold the lock only if no one holds it now.

        Yields:
            Whether it is held (``False``: another writer has it; do nothing).
        """
        try:
            self._lock.acquire(blocking=False)
        except Timeout:
            yield False
            return
        try:
            yield True
        finally:
            self._lock.release()
