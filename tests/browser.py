"""Fixtures of the browser tests: the real app in a subprocess, and Debian's Chromium.

The app runs ``python -m ui.app`` over a temporary index built from ``corpus/``
(once per module; 30–60 s here). Playwright drives ``/usr/bin/chromium``: nothing
is downloaded (``playwright install`` is never run).
"""

from __future__ import annotations

import importlib.util
import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
PASSWORD = "browser-test-รหัส-42"
START_TIMEOUT = 300


@dataclass(frozen=True)
class App:
    """The running app."""

    url: str
    index_dir: Path
    log: Path
    password: str = PASSWORD


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def need_browser() -> None:
    """Skip unless Playwright and Debian's Chromium are installed."""
    if not CHROMIUM.exists():
        pytest.skip("/usr/bin/chromium is missing (apt-get install chromium; make sysdeps)")
    if importlib.util.find_spec("playwright") is None:
        pytest.skip("the playwright package is missing (pip install playwright)")


@pytest.fixture(scope="module")
def app(tmp_path_factory: pytest.TempPathFactory) -> Iterator[App]:
    """``python -m ui.app`` on a free port over a fresh index of ``corpus/``."""
    need_browser()
    root = tmp_path_factory.mktemp("browser")
    index_dir, log = root / "index", root / "app.log"
    port = _free_port()
    env = {**os.environ, "RAG_STAFF_PASSWORD": PASSWORD, "PYTHONUNBUFFERED": "1"}
    cmd = [sys.executable, "-m", "ui.app", "--index", str(index_dir), "--port", str(port)]
    with log.open("w", encoding="utf-8") as out:
        proc = subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + START_TIMEOUT
        while time.monotonic() < deadline:
            if proc.poll() is not None:
                pytest.fail(f"the app exited:\n{log.read_text(encoding='utf-8')[-3000:]}")
            try:
                if httpx.get(f"{url}/healthz", timeout=2).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            time.sleep(1)
        else:
            pytest.fail(f"the app did not start:\n{log.read_text(encoding='utf-8')[-3000:]}")
        yield App(url, index_dir, log)
    finally:
        proc.terminate()
        try:
            proc.wait(15)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(5)


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    """Debian's Chromium, headless, without any network service of its own."""
    need_browser()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser: Any, app: App) -> Iterator[Any]:
    """A fresh browser session (its own cookies) on the partner chat."""
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="th-TH")
    tab = context.new_page()
    tab.set_default_timeout(60_000)
    tab.goto(f"{app.url}/", wait_until="load")
    tab.wait_for_selector("#question textarea")
    yield tab
    context.close()
