"""API answers run off the event loop, at most ``answer_workers`` at once, counted in flight.

Answering blocks (embedding, retrieval, an LLM call), so each step runs in a worker
thread. A semaphore of :func:`rag.web.answering.answer_workers` slots bounds the
answers the API computes at once; the others wait for a slot. Each answer is
counted in :class:`rag.web.answering.InFlight` while it runs.

>>> import anyio
>>> slots = AnswerSlots(2, InFlight())
>>> anyio.run(slots.run, sum, [1, 2])
3
>>> async def pieces() -> list[str]:
...     return [p async for p in slots.stream(iter(["ก", "ข"]))]
>>> anyio.run(pieces), slots.in_flight.current
(['ก', 'ข'], 0)
"""

from __future__ import annotations

from collections.abc import AsyncGenerator, Callable, Iterator
from typing import Any, TypeVar

import anyio
import anyio.to_thread

from rag.web.answering import InFlight

T = TypeVar("T")
_END = object()


def _next(items: Iterator[Any]) -> Any:
    return next(items, _END)


class AnswerSlots:
    """A bounded number of answers computed at once, each in worker threads.

    Args:
        workers: Answers computed at once.
        in_flight: The app's count of answers in progress.
    """

    def __init__(self, workers: int, in_flight: InFlight) -> None:
        self.semaphore = anyio.Semaphore(max(1, workers))
        self.in_flight = in_flight

    async def run(self, function: Callable[..., T], *args: Any) -> T:
        """``function(*args)`` in a worker thread, once a slot is free."""
        async with self.semaphore:
            with self.in_flight.track():
                return await anyio.to_thread.run_sync(function, *args)

    async def stream(self, items: Iterator[T]) -> AsyncGenerator[T, None]:
        """The items of a blocking iterator, each pulled in a worker thread, in one slot.

        The iterator is closed when the consumer stops early (a client went away).
        """
        try:
            async with self.semaphore:
                with self.in_flight.track():
                    while (item := await anyio.to_thread.run_sync(_next, items)) is not _END:
                        yield item
        finally:
            close = getattr(items, "close", None)
            if close is not None:
                close()
