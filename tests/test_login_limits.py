"""Staff login throttling over raw HTTP, and the lockout rule with a fake clock.

A real app runs in a thread on a loopback port. uvicorn trusts ``X-Forwarded-For``
from 127.0.0.1 (its default), which lets one test client speak from several addresses.
"""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from dataclasses import replace

import httpx
import pytest
import uvicorn

from rag.config import Config
from rag.web.accounts import Account, StaffAccounts
from rag.web.throttle import LoginThrottle, ThrottleSettings
from ui.app import create_app, open_services

PASSWORD = "staff-pass-ทดสอบ-123"
GATE = threading.Event()  # set: checks run at once; clear: they wait (at most 30 s)
ENTERED = threading.Event()  # a password check has started
GATE.set()


class GatedAccounts(StaffAccounts):
    """The real accounts, whose check can be held open by the test."""

    def check(self, user: str, password: str) -> Account | None:
        ENTERED.set()
        GATE.wait(30)
        return super().check(user, password)


@pytest.fixture(scope="module")
def url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    root = tmp_path_factory.mktemp("login")
    cfg = Config(index_dir=root / "index", staff_password=PASSWORD, login_lockout_seconds=3)
    services = open_services(cfg)
    services = replace(services, accounts=GatedAccounts(services.accounts.path))
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = int(sock.getsockname()[1])
    app = create_app(services)
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="error"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 60
    while not server.started and time.monotonic() < deadline:
        time.sleep(0.1)
    assert server.started, "the app did not start"
    yield f"http://127.0.0.1:{port}"
    server.should_exit = True
    thread.join(10)
    services.index.close()


def login(url: str, user: str, password: str, address: str) -> httpx.Response:
    return httpx.post(
        f"{url}/staff/login",
        data={"username": user, "password": password},
        headers={"X-Forwarded-For": address},
        timeout=60,
    )


def test_healthz_answers_while_a_password_is_being_checked(url: str) -> None:
    GATE.clear()
    ENTERED.clear()
    codes: list[int] = []
    guessers = [
        threading.Thread(
            target=lambda i=i: codes.append(login(url, f"guess{i}", "x", "10.9.0.1").status_code)
        )
        for i in range(4)
    ]
    for guesser in guessers:
        guesser.start()
    try:
        assert ENTERED.wait(30)
        health = httpx.get(f"{url}/healthz", timeout=10)  # the loop is not blocked by scrypt
        assert health.status_code == 200 and health.json() == {"documents": 0}
    finally:
        GATE.set()
        for guesser in guessers:
            guesser.join(60)
    assert sorted(codes) == [400, 400, 400, 400]


def test_an_address_is_locked_for_every_user_name(url: str) -> None:
    codes = [login(url, f"user{i}", "wrong", "10.0.0.3").status_code for i in range(6)]
    assert codes == [400, 400, 400, 400, 400, 429]
    locked = login(url, "staff", PASSWORD, "10.0.0.3")  # right password, locked address
    assert locked.status_code == 429
    assert login(url, "user0", "wrong", "10.0.0.4").status_code == 400  # other addresses work


def test_a_user_name_is_locked_then_reopens_after_the_lockout(url: str) -> None:
    codes = [login(url, "staff", "wrong", f"10.0.1.{i}").status_code for i in range(6)]
    assert codes == [400, 400, 400, 400, 400, 429]
    locked = login(url, "Staff ", PASSWORD, "10.0.2.1")  # right password, new address
    assert locked.status_code == 429
    detail = locked.json()["detail"]
    assert "กรุณารอ" in detail and "too many failed logins" in detail
    assert int(locked.headers["retry-after"]) >= 1
    for _ in range(80):  # bounded: the lockout is 3 s in this app
        time.sleep(0.25)
        answer = login(url, "staff", PASSWORD, "10.0.2.1")
        if answer.status_code != 429:
            break
    assert answer.status_code == 200
    assert answer.json() == {"success": True}


def test_lockouts_grow_up_to_the_cap_and_a_quiet_window_resets_them() -> None:
    settings = ThrottleSettings(max_failures=2, window=100, lockout=10, lockout_max=25)
    throttle = LoginThrottle(settings, clock=lambda: 0.0)
    waits = []
    now = 0.0
    for _ in range(3):
        throttle.attempt("staff", "a", now=now)
        throttle.attempt("staff", "a", now=now)
        waits.append(throttle.wait("staff", "b", now=now))
        now += waits[-1]
    assert waits == [10.0, 20.0, 25.0]
    now += 101  # a quiet window after the last lock
    throttle.attempt("staff", "c", now=now)
    throttle.attempt("staff", "c", now=now)
    assert throttle.wait("staff", "d", now=now) == 10.0
    throttle.succeeded("staff", "c")
    assert throttle.wait("staff", "c", now=now) == 0.0
