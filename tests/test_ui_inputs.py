"""User errors over raw HTTP against a live app: one log line, no traceback; /staff redirects."""

from __future__ import annotations

import json
import logging
from pathlib import Path

import httpx
import pytest

from tests.test_ui_api import Running, app_server  # noqa: F401 - the live app fixture
from ui.app import main


def ask(url: str, question: str) -> list[tuple[str, str]]:
    """Call the partner chat's ``/ask`` endpoint; the server-sent events it answers."""
    body = json.dumps({"data": [question, "th"]})  # ASCII: a lone surrogate as \\ud800
    call = httpx.post(
        f"{url}/gradio_api/call/ask",
        content=body,
        headers={"content-type": "application/json"},
        timeout=60,
    )
    assert call.status_code == 200
    events: list[tuple[str, str]] = []
    with httpx.stream(
        "GET", f"{url}/gradio_api/call/ask/{call.json()['event_id']}", timeout=120
    ) as stream:
        name = ""
        for line in stream.iter_lines():
            if line.startswith("event:"):
                name = line.removeprefix("event:").strip()
            elif line.startswith("data:"):
                events.append((name, line.removeprefix("data:").strip()))
    return events


@pytest.mark.parametrize("question", ["", "ก1" * 450])
def test_a_user_error_logs_one_line_and_no_traceback(
    app_server: Running,  # noqa: F811
    question: str,
    capfd: pytest.CaptureFixture[str],
    caplog: pytest.LogCaptureFixture,
) -> None:
    with caplog.at_level(logging.WARNING, logger="ui"):
        events = ask(app_server.url, question)
    assert events[-1][0] == "error"
    message = json.loads(events[-1][1])["error"]
    assert "คำถาม" in message
    _, err = capfd.readouterr()
    assert "Traceback" not in err
    lines = [r for r in caplog.records if r.name == "ui"]
    assert len(lines) == 1 and "\n" not in lines[0].getMessage()


def test_a_question_with_a_lone_surrogate_is_answered(
    app_server: Running,  # noqa: F811
    capfd: pytest.CaptureFixture[str],
) -> None:
    events = ask(app_server.url, "ผู้สูงอายุควรนอน\ud800วันละกี่ชั่วโมง\x00")
    assert events[-1][0] == "complete", events[-1]
    assert "7 ถึง 8" in json.dumps(json.loads(events[-1][1]), ensure_ascii=False)
    assert "Traceback" not in capfd.readouterr().err


def test_staff_without_slash_redirects(app_server: Running) -> None:  # noqa: F811
    response = httpx.get(f"{app_server.url}/staff")
    assert response.status_code in (307, 308)
    assert httpx.URL(f"{app_server.url}/staff").join(response.headers["location"]).path == "/staff/"
    assert httpx.get(f"{app_server.url}/staff", follow_redirects=True).status_code == 200


def test_the_printed_staff_url_ends_with_a_slash(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    import uvicorn

    monkeypatch.setattr(uvicorn, "run", lambda *args, **kwargs: None)
    monkeypatch.setenv("RAG_STAFF_PASSWORD", "x-test-password")
    assert main(["--no-ingest", "--index", str(tmp_path / "index"), "--port", "7999"]) == 0
    out = capsys.readouterr().out
    assert "http://127.0.0.1:7999/staff/" in out
