"""Per-client rate limit on asking: a token bucket per client address, in memory.

Each address has a bucket of ``burst`` tokens that refills at ``per_minute / 60``
tokens a second; a question takes one token. An empty bucket refuses the question
with :class:`~rag.errors.RateLimitedError`, which says when the next token comes.
``per_minute = 0`` disables the limit. The table is bounded: the least recently
seen address is forgotten first (a forgotten address starts again with a full
bucket, which only ever errs on the side of answering).

A hand-written bucket rather than a library: the well-known ones (``limits``,
``slowapi``) count fixed or moving windows per route through a storage back end
and start timers; here one in-process call per question is all that is needed.

>>> now = [0.0]
>>> limiter = RateLimiter(per_minute=60, burst=2, clock=lambda: now[0])
>>> limiter.take("10.0.0.1"), limiter.take("10.0.0.1"), limiter.take("10.0.0.1")
(0.0, 0.0, 1.0)
>>> limiter.take("10.0.0.2")  # another address has its own bucket
0.0
>>> now[0] = 1.0
>>> limiter.take("10.0.0.1")  # a token came back after a second
0.0
>>> RateLimiter(per_minute=0, burst=1).take("10.0.0.1")  # disabled
0.0
"""

from __future__ import annotations

import logging
import math
import threading
import time
from collections import OrderedDict
from collections.abc import Callable

from rag.config import Config
from rag.errors import RateLimitedError

log = logging.getLogger(__name__)
MAX_ADDRESSES = 10_000  # buckets kept; the least recently seen address goes first


class RateLimiter:
    """Token buckets keyed by client address (thread-safe, bounded).

    Args:
        per_minute: Average questions per minute; 0 disables the limit.
        burst: Bucket size: questions an idle client may ask at once.
        clock: Seconds, monotonic (tests pass a fake one).
    """

    def __init__(
        self, per_minute: float, burst: int, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self.per_second = per_minute / 60.0
        self.burst = float(max(burst, 1))
        self._clock = clock
        self._lock = threading.Lock()
        self._buckets: OrderedDict[str, tuple[float, float]] = OrderedDict()

    @classmethod
    def from_config(cls, cfg: Config) -> RateLimiter:
        """The limiter of ``ask_per_minute`` and ``ask_burst``."""
        return cls(cfg.ask_per_minute, cfg.ask_burst)

    def take(self, address: str) -> float:
        """Take a token for ``address``: 0.0 when granted, else seconds until one is due.

        A refused call takes nothing, so a client that keeps asking while refused
        is answered again as soon as its next token is due.
        """
        if self.per_second <= 0:
            return 0.0
        now = self._clock()
        with self._lock:
            tokens, seen = self._buckets.pop(address, (self.burst, now))
            tokens = min(self.burst, tokens + (now - seen) * self.per_second)
            wait = 0.0 if tokens >= 1.0 else (1.0 - tokens) / self.per_second
            self._buckets[address] = (tokens - 1.0 if wait == 0.0 else tokens, now)
            if len(self._buckets) > MAX_ADDRESSES:
                self._buckets.popitem(last=False)
        return wait

    def check(self, address: str) -> None:
        """Take a token for ``address`` or refuse.

        Raises:
            RateLimitedError: The address's bucket is empty (the error says for how long).
        """
        wait = self.take(address)
        if wait > 0:
            log.debug("rate limit: refused a question from %s for %.1f s", address, wait)
            raise limited_error(wait)


def limited_error(wait: float) -> RateLimitedError:
    """The refusal of a question over the rate limit, in Thai and English.

    >>> limited_error(2.2).english
    'too many questions from this address; please wait 3 s and ask again'
    """
    seconds = max(1, math.ceil(wait))
    return RateLimitedError(
        "question",
        f"ถามถี่เกินไป กรุณารอ {seconds} วินาทีแล้วถามใหม่",
        f"too many questions from this address; please wait {seconds} s and ask again",
        seconds,
    )
