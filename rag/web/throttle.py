"""Staff login throttling: a growing lockout per user name and per client address.

After ``login_max_failures`` failed logins within ``login_window_seconds``, the user
name and the client address are each locked for ``login_lockout_seconds``; every
further lockout before a quiet window has passed doubles the delay, up to
``login_lockout_max_seconds``. A successful login clears both. An attempt counts as a
failure *before* its password is checked, so parallel guessers get no extra tries
while the hashes run. :class:`GuardedLogin` refuses a locked attempt without running
scrypt, runs the check in a worker thread so the event loop keeps serving, and
records each checked login, right or wrong, in the audit log.

>>> t = LoginThrottle(ThrottleSettings(max_failures=2, window=60, lockout=10, lockout_max=15))
>>> t.attempt("staff", "10.0.0.1", now=0.0); t.wait("staff", "10.0.0.9", now=1.0)
0.0
>>> t.attempt("staff", "10.0.0.1", now=1.0); t.wait("staff", "10.0.0.9", now=2.0)
9.0
>>> t.wait("other", "10.0.0.1", now=2.0), t.wait("other", "10.0.0.9", now=2.0)
(9.0, 0.0)
>>> t.succeeded("staff", "10.0.0.1"); t.wait("staff", "10.0.0.1", now=2.0)
0.0
"""

from __future__ import annotations

import asyncio
import logging
import math
import threading
import time
from collections import OrderedDict, deque
from collections.abc import Callable
from dataclasses import dataclass, field

from rag.config import Config
from rag.errors import LoginLockedError
from rag.web.audit import AuditLog

log = logging.getLogger(__name__)
MAX_KEYS = 10_000  # per table; the least recently seen key is forgotten first
PARALLEL_CHECKS = 2  # scrypt checks at once (16 MiB each); the rest wait their turn


@dataclass(frozen=True)
class ThrottleSettings:
    """The lockout rule, in seconds (see the module docstring)."""

    max_failures: int = 5
    window: float = 900.0
    lockout: float = 60.0
    lockout_max: float = 3600.0

    @classmethod
    def from_config(cls, cfg: Config) -> ThrottleSettings:
        """The ``login_*`` settings of a configuration."""
        return cls(
            cfg.login_max_failures,
            cfg.login_window_seconds,
            cfg.login_lockout_seconds,
            cfg.login_lockout_max_seconds,
        )


@dataclass
class _Record:
    failures: deque[float] = field(default_factory=deque)
    locked_until: float = 0.0
    strikes: int = 0


class LoginThrottle:
    """Failed-login counts and locks, kept in memory (thread-safe, bounded)."""

    def __init__(
        self, settings: ThrottleSettings, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self.settings = settings
        self._clock = clock
        self._lock = threading.Lock()
        self._users: OrderedDict[str, _Record] = OrderedDict()
        self._addresses: OrderedDict[str, _Record] = OrderedDict()

    def wait(self, user: str, address: str, now: float | None = None) -> float:
        """Seconds before this user name or address may try again (0.0: now)."""
        now = self._clock() if now is None else now
        with self._lock:
            ends = [r.locked_until for r in self._records(user, address, create=False)]
        return max([0.0, *(end - now for end in ends)])

    def attempt(self, user: str, address: str, now: float | None = None) -> None:
        """Count an attempt as failed (until :meth:`succeeded` says otherwise)."""
        now = self._clock() if now is None else now
        with self._lock:
            for record in self._records(user, address, create=True):
                self._fail(record, now)

    def succeeded(self, user: str, address: str) -> None:
        """Forget the failures and locks of this user name and address."""
        with self._lock:
            self._users.pop(_user_key(user), None)
            self._addresses.pop(address, None)

    def _records(self, user: str, address: str, create: bool) -> list[_Record]:
        found = []
        for table, key in ((self._users, _user_key(user)), (self._addresses, address)):
            record = table.get(key)
            if record is None and create:
                record = table[key] = _Record()
                if len(table) > MAX_KEYS:
                    table.popitem(last=False)
            if record is not None:
                table.move_to_end(key)
                found.append(record)
        return found

    def _fail(self, record: _Record, now: float) -> None:
        s = self.settings
        while record.failures and record.failures[0] <= now - s.window:
            record.failures.popleft()
        if record.strikes and now - record.locked_until > s.window:
            record.strikes = 0  # a quiet window: the next lockout is the first again
        record.failures.append(now)
        if len(record.failures) >= s.max_failures:
            record.failures.clear()
            record.strikes += 1
            delay = min(s.lockout * 2 ** (record.strikes - 1), s.lockout_max)
            record.locked_until = max(record.locked_until, now + delay)


def _user_key(user: str) -> str:
    """The key of a user name: trimmed, case-folded and cut to 200 characters.

    >>> _user_key("  Staff ")
    'staff'
    """
    return user.strip().casefold()[:200]


def locked_error(wait: float) -> LoginLockedError:
    """The refusal of a locked-out attempt, in Thai and English."""
    seconds = math.ceil(wait)
    return LoginLockedError(
        "staff login",
        f"เข้าสู่ระบบผิดหลายครั้งเกินไป กรุณารอ {seconds} วินาทีแล้วลองใหม่",
        f"too many failed logins; try again in {seconds} s",
        seconds,
    )


class GuardedLogin:
    """A password check behind the throttle, run off the event loop and audited.

    Args:
        checker: ``(user, password)`` → something true when right (e.g.
            :meth:`rag.web.accounts.StaffAccounts.check`); it runs in a worker thread.
        throttle: The failure counts and locks.
        audit: Where each checked login is recorded (``login`` / ``login_failed``,
            with the client address); ``None`` records nothing.
    """

    def __init__(
        self,
        checker: Callable[[str, str], object],
        throttle: LoginThrottle,
        audit: AuditLog | None = None,
    ) -> None:
        self.checker = checker
        self.throttle = throttle
        self.audit = audit
        self._slots = asyncio.Semaphore(PARALLEL_CHECKS)

    async def check(self, user: str, password: str, address: str) -> bool:
        """Whether the login is right; refused unchecked while locked.

        Raises:
            LoginLockedError: The user name or the address is locked.
        """
        wait = self.throttle.wait(user, address)
        if wait > 0:
            log.warning("staff login refused while locked: user=%r address=%s", user, address)
            raise locked_error(wait)
        self.throttle.attempt(user, address)
        async with self._slots:
            ok = await asyncio.to_thread(self._check, user, password, address)
        if ok:
            self.throttle.succeeded(user, address)
        return ok

    def _check(self, user: str, password: str, address: str) -> bool:
        ok = bool(self.checker(user, password))
        if self.audit is not None:
            self.audit.record(user, "login" if ok else "login_failed", detail=f"client {address}")
        return ok
