"""Answers in parallel, per-client rate limits, and the load benchmark's smoke run.

The app runs for real (index, embedder, Gradio, FastAPI) in a thread on a free port
and is called over raw HTTP with httpx, as in ``tests/test_ui_api.py``.
"""

from __future__ import annotations

import dataclasses
import json
import os
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from rag.config import Config, load_config
from rag.errors import ConfigError, RateLimitedError
from rag.web.ratelimit import RateLimiter
from tests.test_ui_api import PASSWORD, Running, serve
from ui.app import open_services

ROOT = Path(__file__).resolve().parent.parent
SLEEP = "# การนอนของผู้สูงอายุ\n\nผู้สูงอายุควรนอนหลับวันละ 7 ถึง 8 ชั่วโมงเพื่อสุขภาพที่ดี\n"
QUESTION = "ผู้สูงอายุควรนอนวันละกี่ชั่วโมง"


class Clock:
    """A settable monotonic clock for the rate limiter."""

    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture(scope="module")
def clock() -> Clock:
    return Clock()


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory, clock: Clock) -> Iterator[Running]:
    root = tmp_path_factory.mktemp("load")
    (root / "docs").mkdir()
    (root / "docs" / "sleep.md").write_text(SLEEP, encoding="utf-8")
    cfg = Config(index_dir=root / "index", staff_password=PASSWORD, answer_workers=4)
    services = open_services(cfg)
    services = dataclasses.replace(services, limiter=RateLimiter(60, 2, clock=clock))
    services.library.ensure_folder(root / "docs")
    with serve(services) as url:
        yield Running(url, services, root / "docs")
    services.index.close()


def ask(url: str, question: str = QUESTION) -> tuple[str, str]:
    """Ask over Gradio's REST API: ("complete" | "error", the plain answer or the error)."""
    with httpx.Client(base_url=url, timeout=120) as client:
        started = client.post("/gradio_api/call/ask", json={"data": [question, "th"]})
        assert started.status_code == 200, started.text
        stream = client.get(f"/gradio_api/call/ask/{started.json()['event_id']}").text
    kind, data = next(
        (k, d)
        for k, d in reversed([tuple(b.split("\ndata: ", 1)) for b in stream.split("event: ")[1:]])
        if k in ("complete", "error")
    )
    payload = json.loads(data)
    if kind == "complete":
        return kind, str(payload[4])  # chat, (state), question, (state), plain answer, …
    return kind, str(payload.get("error") if isinstance(payload, dict) else payload)


# --- the token bucket ------------------------------------------------------------------


def test_each_address_has_its_own_bucket() -> None:
    clock = Clock()
    limiter = RateLimiter(per_minute=30, burst=3, clock=clock)
    assert [limiter.take("10.0.0.1") for _ in range(3)] == [0.0, 0.0, 0.0]
    assert limiter.take("10.0.0.1") == pytest.approx(2.0)  # 30 a minute: one every 2 s
    assert limiter.take("10.0.0.2") == 0.0
    with pytest.raises(RateLimitedError) as caught:
        limiter.check("10.0.0.1")
    assert caught.value.retry_after == 2
    assert "ถามถี่เกินไป" in caught.value.thai and "wait 2 s" in caught.value.english
    clock.now = 2.0
    limiter.check("10.0.0.1")  # a token came back


def test_a_refused_client_is_not_charged_for_asking_again() -> None:
    clock = Clock()
    limiter = RateLimiter(per_minute=60, burst=1, clock=clock)
    assert limiter.take("a") == 0.0
    for _ in range(5):
        assert limiter.take("a") == pytest.approx(1.0)
    clock.now = 1.0
    assert limiter.take("a") == 0.0


def test_a_zero_rate_disables_the_limit() -> None:
    limiter = RateLimiter(per_minute=0, burst=1)
    assert all(limiter.take("a") == 0.0 for _ in range(100))


@pytest.mark.parametrize(
    ("env", "name"),
    [
        ({"RAG_ASK_PER_MINUTE": "-1"}, "ask_per_minute"),
        ({"RAG_ASK_BURST": "0"}, "ask_burst"),
        ({"RAG_ANSWER_WORKERS": "-2"}, "answer_workers"),
    ],
)
def test_limits_are_validated(env: dict[str, str], name: str) -> None:
    with pytest.raises(ConfigError, match=name):
        load_config(env=env)


# --- over HTTP ---------------------------------------------------------------------------


def test_a_burst_from_one_client_is_refused_until_a_token_is_due(
    server: Running, clock: Clock
) -> None:
    clock.now += 1000.0  # a full bucket of 2
    assert ask(server.url)[0] == "complete"
    assert ask(server.url)[0] == "complete"
    kind, message = ask(server.url)
    assert kind == "error"
    assert "ถามถี่เกินไป" in message and "too many questions" in message
    clock.now += 1.0  # 60 a minute: the next token
    kind, plain = ask(server.url)
    assert kind == "complete" and "7 ถึง 8 ชั่วโมง" in plain


def test_two_questions_are_answered_at_the_same_time(server: Running, clock: Clock) -> None:
    """Both questions are inside the handler at once while a staff write holds the index.

    With one answer at a time the second would wait in Gradio's queue and the
    in-flight count would never reach two.
    """
    clock.now += 1000.0
    services = server.services
    results: list[tuple[str, str]] = []
    with services.library.lock.write():  # answers start, then wait for the index
        threads = [
            threading.Thread(target=lambda: results.append(ask(server.url))) for _ in range(2)
        ]
        for thread in threads:
            thread.start()
        deadline = time.monotonic() + 60
        while services.in_flight.current < 2 and time.monotonic() < deadline:
            time.sleep(0.05)
        both_in_flight = services.in_flight.current
    for thread in threads:
        thread.join(120)
    assert both_in_flight == 2
    assert [kind for kind, _ in results] == ["complete", "complete"]
    assert services.in_flight.current == 0


# --- the benchmark -------------------------------------------------------------------


@pytest.mark.slow
def test_bench_load_smoke_run(tmp_path: Path) -> None:
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "sleep.md").write_text(SLEEP, encoding="utf-8")
    qset = tmp_path / "set.jsonl"
    qset.write_text(json.dumps({"question": QUESTION, "answerable": True}) + "\n", "utf-8")
    out = tmp_path / "out"
    cmd = [sys.executable, str(ROOT / "eval" / "bench_load.py"), "--workers", "2"]
    cmd += ["--clients", "2", "--duration", "2", "--corpus", str(docs), "--set", str(qset)]
    cmd += ["--out", str(out)]
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    subprocess.run(cmd, check=True, env=env, cwd=ROOT, timeout=600)
    result = json.loads((out / "load.json").read_text(encoding="utf-8"))
    assert {"cpu_count", "load_avg_start", "duration_s", "rate_limit", "configs"} <= set(result)
    (config,) = result["configs"]
    assert [r["name"] for r in config["runs"]] == [
        "2 clients",
        "16 + staff upload/delete",
        "16 + 100k-character questions",
    ]
    for run in config["runs"]:
        assert {"answers", "p50_s", "p95_s", "max_s", "throughput_per_s"} <= set(run)
        assert run["errors"] == 0 and run["answers"] > 0
    staff = config["runs"][1]["staff"]
    assert staff["errors"] == [] and staff["answerable_after_s"] is not None
    assert config["runs"][2]["huge"]["answered"] == 0
    assert "answer_workers = 2" in (out / "load.md").read_text(encoding="utf-8")


@pytest.mark.slow
def test_bench_load_api_mode_smoke_run(tmp_path: Path) -> None:
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "sleep.md").write_text(SLEEP, encoding="utf-8")
    qset = tmp_path / "set.jsonl"
    qset.write_text(json.dumps({"question": QUESTION, "answerable": True}) + "\n", "utf-8")
    out = tmp_path / "out"
    cmd = [sys.executable, str(ROOT / "eval" / "bench_load.py"), "--api", "--workers", "2"]
    cmd += ["--clients", "2", "--duration", "2", "--corpus", str(docs), "--set", str(qset)]
    cmd += ["--out", str(out)]
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    subprocess.run(cmd, check=True, env=env, cwd=ROOT, timeout=600)
    result = json.loads((out / "load-api.json").read_text(encoding="utf-8"))
    assert "/v1/chat/completions" in result["via"]
    (config,) = result["configs"]
    for run in config["runs"]:
        assert run["errors"] == 0 and run["answers"] > 0
    assert config["runs"][2]["huge"]["answered"] == 0
    assert "(API)" in (out / "load-api.md").read_text(encoding="utf-8")
