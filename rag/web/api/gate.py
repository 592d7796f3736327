"""The API's gate: a call's bearer key is checked, then its role, then its rate.

Each key has its own token bucket (:class:`~rag.web.ratelimit.RateLimiter` keyed by
the key's name, ``ask_per_minute`` / ``ask_burst``): one call takes one token. Every
call, admitted or refused, is recorded in the audit log as ``api:<key name>`` (``api:-``
without a valid key) with the route and the outcome.

>>> bearer("Bearer thk_abc"), bearer("bearer  thk_abc "), bearer("Basic eA=="), bearer(None)
('thk_abc', 'thk_abc', '', '')
"""

from __future__ import annotations

import logging
import math

from rag.config import Config
from rag.errors import RateLimitedError
from rag.web.apikeys import ApiKey, ApiKeys, KeyRole, key_allows, key_forbidden
from rag.web.audit import AuditLog
from rag.web.ratelimit import RateLimiter

log = logging.getLogger(__name__)
NO_KEY = "api:-"


def bearer(authorization: str | None) -> str:
    """The token of an ``Authorization: Bearer <token>`` header, else ``""``."""
    scheme, _, token = (authorization or "").strip().partition(" ")
    return token.strip() if scheme.lower() == "bearer" else ""


def key_limited(name: str, wait: float) -> RateLimitedError:
    """The refusal of a call over a key's rate limit, in Thai and English.

    >>> key_limited("clinic", 0.4).english
    "too many calls with API key 'clinic'; please wait 1 s and try again"
    """
    seconds = max(1, math.ceil(wait))
    return RateLimitedError(
        name,
        f"เรียกใช้ด้วยคีย์นี้ถี่เกินไป กรุณารอ {seconds} วินาทีแล้วลองใหม่",
        f"too many calls with API key {name!r}; please wait {seconds} s and try again",
        wait,
    )


class KeyGate:
    """Admits API calls and records them.

    Args:
        keys: The API key table.
        limiter: Per-key token buckets.
        audit: The audit log every call goes to.
    """

    def __init__(self, keys: ApiKeys, limiter: RateLimiter, audit: AuditLog) -> None:
        self.keys = keys
        self.limiter = limiter
        self.audit = audit

    @classmethod
    def for_config(cls, cfg: Config, audit: AuditLog) -> KeyGate:
        """The gate of an index folder's keys, limited by ``ask_per_minute`` / ``ask_burst``."""
        return cls(ApiKeys.for_config(cfg), RateLimiter.from_config(cfg), audit)

    def identify(self, authorization: str | None) -> ApiKey:
        """The valid key of an ``Authorization`` header.

        Raises:
            UnauthorizedError: No key, an unknown key or a revoked one (401).
        """
        return self.keys.check(bearer(authorization))

    def allow(self, key: ApiKey, needed: KeyRole) -> None:
        """Let a call of ``key`` that needs ``needed`` go on, taking a token of its bucket.

        Raises:
            ForbiddenError: The key's role may not make this call (403).
            RateLimitedError: The key's bucket is empty (429, with when to retry).
        """
        if not key_allows(key.role, needed):
            raise key_forbidden(key, needed)
        wait = self.limiter.take(key.name)
        if wait > 0:
            raise key_limited(key.name, wait)

    def record(self, key_name: str, route: str, outcome: str) -> None:
        """Audit one call: ``api:<key name>``, ``api``, the route, the outcome."""
        self.audit.record(f"api:{key_name}" if key_name else NO_KEY, "api", route, outcome)
