"""A readers-writer lock, and an iterator guard that never holds it across a yield.

>>> lock = RWLock()
>>> list(lock.guarded(iter([1, 2])))
[1, 2]
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TypeVar

T = TypeVar("T")


class RWLock:
    """Many readers or one writer (writers wait for readers, new readers wait for writers)."""

    def __init__(self) -> None:
        self._cond = threading.Condition()
        self._readers = 0
        self._writing = False
        self._waiting_writers = 0

    @contextmanager
    def read(self) -> Iterator[None]:
        """Hold the lock shared."""
        with self._cond:
            while self._writing or self._waiting_writers:
                self._cond.wait()
            self._readers += 1
        try:
            yield
        finally:
            with self._cond:
                self._readers -= 1
                self._cond.notify_all()

    @contextmanager
    def write(self) -> Iterator[None]:
        """Hold the lock exclusively."""
        with self._cond:
            self._waiting_writers += 1
            while self._writing or self._readers:
                self._cond.wait()
            self._waiting_writers -= 1
            self._writing = True
        try:
            yield
        finally:
            with self._cond:
                self._writing = False
                self._cond.notify_all()

    def guarded(self, items: Iterator[T]) -> Iterator[T]:
        """Pull each item of ``items`` under the read lock, and yield it outside.

        A consumer that stops early (a closed browser tab) therefore never leaves the
        lock held; writers may run between two items.
        """
        try:
            while True:
                with self.read():
                    try:
                        item = next(items)
                    except StopIteration:
                        return
                yield item
        finally:
            close = getattr(items, "close", None)
            if close is not None:
                close()
