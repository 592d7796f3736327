"""The REST API under ``/api/v1`` over raw HTTP: keys, roles, limits, audit, jobs, schema.

A real app (index, embedder, job worker, FastAPI) runs on a free loopback port, as
in ``tests/test_ui_api.py``; API keys are made with :class:`rag.web.apikeys.ApiKeys`.
"""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from typing import Any

import httpx
import openai
import pytest

from rag.config import Config
from rag.data import Answer, Citation
from rag.web.apikeys import ApiKeys
from tests.test_ui_api import PASSWORD, Running, serve
from ui.app import open_services

SLEEP = "# การนอนของผู้สูงอายุ\n\nผู้สูงอายุควรนอนหลับวันละ 7 ถึง 8 ชั่วโมงเพื่อสุขภาพที่ดี\n"
BASE = "https://rag.example.org"
STAFF_CALLS = [
    ("GET", "/api/v1/documents"),
    ("POST", "/api/v1/documents"),
    ("DELETE", "/api/v1/documents/abc"),
    ("GET", "/api/v1/jobs/1"),
    ("GET", "/api/v1/feedback"),
    ("GET", "/api/v1/feedback/export"),
]


@pytest.fixture(scope="module")
def api(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Running]:
    root = tmp_path_factory.mktemp("api")
    (root / "docs").mkdir()
    (root / "docs" / "sleep.md").write_text(SLEEP, encoding="utf-8")
    cfg = Config(
        index_dir=root / "index",
        staff_password=PASSWORD,
        ask_per_minute=30,
        ask_burst=5,
        max_file_mb=1,
        public_base_url=BASE,
    )
    services = open_services(cfg)
    services.library.ensure_folder(root / "docs")
    with serve(services) as url:
        yield Running(url, services, root / "docs")
    services.index.close()


def new_key(app: Running, name: str, role: str) -> dict[str, str]:
    """The ``Authorization`` header of a new key (each test has its own rate bucket)."""
    _, secret = ApiKeys.for_config(app.services.cfg).create(name, role)
    return {"Authorization": f"Bearer {secret}"}


def call(
    app: Running, method: str, path: str, headers: dict[str, str], **kw: Any
) -> httpx.Response:
    """One API call (``headers`` carries the key)."""
    return httpx.request(method, app.url + path, headers=headers, timeout=120, **kw)


def error_of(response: httpx.Response) -> dict[str, str]:
    error = response.json()["error"]
    assert error["message_th"] and error["message_en"]
    return dict(error)


def test_ask_answers_in_thai_with_page_sources(api: Running) -> None:
    question = {"question": "ผู้สูงอายุควรนอนหลับวันละกี่ชั่วโมง"}
    answered = call(api, "POST", "/api/v1/ask", new_key(api, "ask", "partner"), json=question)
    assert answered.status_code == 200, answered.text
    body = answered.json()
    assert "7" in body["answer"] and "[1]" in body["answer"] and not body["refused"]
    (source,) = body["sources"][:1]
    assert source["title"] == "การนอนของผู้สูงอายุ" and source["page"] == 1
    assert source["link"].startswith(f"{BASE}/doc/") and source["link"].endswith("#page=1")
    assert httpx.get(api.url + source["link"].removeprefix(BASE).split("#")[0]).status_code == 200


def test_the_openai_client_streams_an_answer_with_sources(api: Running) -> None:
    _, secret = ApiKeys.for_config(api.services.cfg).create("chat-client", "partner")
    chat = openai.OpenAI(base_url=f"{api.url}/v1", api_key=secret, max_retries=0, timeout=120)
    question = [{"role": "user", "content": "ผู้สูงอายุควรนอนหลับวันละกี่ชั่วโมง"}]
    chunks = list(chat.chat.completions.create(model="thaihealth-rag", messages=question,
                                               stream=True))  # fmt: skip
    text = "".join(c.choices[0].delta.content or "" for c in chunks)
    assert "7 ถึง 8" in text and "[1]" in text and "ที่มา / Sources:\n[1] การนอนของผู้สูงอายุ" in text
    (source,) = (chunks[-1].model_extra or {})["sources"][:1]
    assert source["page"] == 1 and source["link"].startswith(f"{BASE}/doc/")
    assert chunks[-1].choices[0].finish_reason == "stop"


def test_search_returns_passages_with_links(api: Running) -> None:
    found = call(api, "POST", "/api/v1/search", new_key(api, "search", "partner"),
                 json={"query": "นอนหลับ", "k": 3})  # fmt: skip
    assert found.status_code == 200, found.text
    hit = found.json()["hits"][0]
    assert "นอนหลับ" in hit["text"] and hit["link"].startswith(f"{BASE}/doc/")


def test_partner_keys_cannot_call_staff_endpoints(api: Running) -> None:
    partner = new_key(api, "partner-only", "partner")
    for method, path in STAFF_CALLS:
        refused = call(api, method, path, partner)
        assert refused.status_code == 403, (method, path, refused.text)
        assert error_of(refused)["code"] == "forbidden"
    assert not [j for j in api.services.jobs.recent(200) if j.user == "api:partner-only"]


def test_missing_unknown_and_revoked_keys_get_401(api: Running) -> None:
    staff = new_key(api, "revoked-later", "staff")
    assert call(api, "GET", "/api/v1/documents", staff).status_code == 200
    ApiKeys.for_config(api.services.cfg).revoke("revoked-later")
    for headers in (staff, {}, {"Authorization": "Bearer thk_unknown"}, {"Authorization": "x"}):
        for method, path in [("GET", "/api/v1/documents"), ("POST", "/v1/chat/completions")]:
            refused = call(api, method, path, headers, json={})
            assert refused.status_code == 401, refused.text
            assert error_of(refused)["code"] == "unauthorized"
    assert "revoked" in call(api, "GET", "/v1/models", staff).json()["error"]["message_en"]


def test_a_key_over_its_rate_gets_429_with_retry_after(api: Running) -> None:
    key = new_key(api, "busy", "partner")
    other = new_key(api, "calm", "partner")
    statuses = []
    for _ in range(20):  # burst 5, then one call every 2 s
        answer = call(api, "GET", "/v1/models", key)
        statuses.append(answer.status_code)
        if answer.status_code == 429:
            break
    assert statuses[:5] == [200] * 5 and statuses[-1] == 429
    assert int(answer.headers["Retry-After"]) >= 1
    assert error_of(answer)["code"] == "rate_limited"
    assert call(api, "GET", "/v1/models", other).status_code == 200  # per key


def test_bad_input_is_400_and_json(api: Running) -> None:
    key = new_key(api, "sloppy", "partner")
    for body in ({}, {"question": ""}, {"question": 3}):
        bad = call(api, "POST", "/api/v1/ask", key, json=body)
        assert bad.status_code == 400 and error_of(bad)["code"] == "bad_input", bad.text
    broken = call(api, "POST", "/api/v1/search", key, content=b"{not json")
    assert broken.status_code == 400
    huge = call(api, "POST", "/api/v1/ask", key, json={"question": "ก" * 5000})
    assert huge.status_code == 413 and error_of(huge)["code"] == "too_large"


def test_every_api_call_is_audited_with_key_route_and_outcome(api: Running) -> None:
    key = new_key(api, "audited", "partner")
    made = [
        call(api, "GET", "/v1/models", key),
        call(api, "GET", "/api/v1/feedback", key),
        call(api, "POST", "/api/v1/ask", key, json={}),
    ]
    call(api, "GET", "/api/v1/documents", {"Authorization": "Bearer thk_wrong"})
    entries = [e for e in api.services.audit.recent(50) if e.action == "api"]
    ours = [(e.target, e.detail[:3]) for e in entries if e.user == "api:audited"]
    assert ours == [
        ("POST /api/v1/ask", "400"),
        ("GET /api/v1/feedback", "403"),
        ("GET /v1/models", "200"),
    ]
    assert [r.status_code for r in made] == [200, 403, 400]
    assert ("api:-", "GET /api/v1/documents") in [(e.user, e.target) for e in entries]


def patient(api: Running, method: str, path: str, key: dict[str, str], **kw: Any) -> httpx.Response:
    """A call that waits out the key's rate limit (``Retry-After``), up to 10 times."""
    for _ in range(10):
        answer = call(api, method, path, key, **kw)
        if answer.status_code != 429:
            return answer
        time.sleep(int(answer.headers["Retry-After"]))
    raise AssertionError(f"{method} {path} stayed rate-limited")


def wait_for_job(api: Running, key: dict[str, str], job_id: int) -> dict[str, Any]:
    deadline = time.monotonic() + 180
    while time.monotonic() < deadline:
        polled = patient(api, "GET", f"/api/v1/jobs/{job_id}", key)
        assert polled.status_code == 200, polled.text
        if polled.json()["state"] in ("done", "failed"):
            return dict(polled.json())
        time.sleep(1.0)
    raise AssertionError(f"job {job_id} did not finish")


def test_upload_becomes_a_job_then_a_listed_document_then_deleted(api: Running) -> None:
    key = new_key(api, "librarian", "staff")
    text = "# ผักพื้นบ้าน\n\nชุมชนปลูกผักพื้นบ้านปลอดสาร 12 แห่ง".encode()
    sent = call(api, "POST", "/api/v1/documents", key, files={"file": ("ผัก.md", text)})
    assert sent.status_code == 202, sent.text
    assert sent.json()["kind"] == "upload" and "args" not in sent.json()
    done = wait_for_job(api, key, sent.json()["id"])
    assert done["state"] == "done", done
    listed = patient(api, "GET", "/api/v1/documents", key).json()["documents"]
    doc = next(d for d in listed if d["file_name"] == "ผัก.md")
    assert doc["title"] == "ผักพื้นบ้าน" and doc["chunks"] >= 1
    assert api.services.jobs.get(done["id"]).user == "api:librarian"  # type: ignore[union-attr]
    gone = patient(api, "DELETE", f"/api/v1/documents/{doc['doc_id']}", key)
    assert gone.status_code == 202 and wait_for_job(api, key, gone.json()["id"])["state"] == "done"
    listed = patient(api, "GET", "/api/v1/documents", key).json()["documents"]
    assert "ผัก.md" not in [d["file_name"] for d in listed]
    missing = patient(api, "DELETE", "/api/v1/documents/nope", key)
    assert missing.status_code == 404 and error_of(missing)["code"] == "not_found"


def test_uploads_of_unknown_types_or_over_the_size_limit_are_refused(api: Running) -> None:
    key = new_key(api, "careless", "staff")
    before = len(api.services.jobs.recent(200))
    exe = call(api, "POST", "/api/v1/documents", key, files={"file": ("a.exe", b"MZ")})
    assert exe.status_code == 400 and error_of(exe)["code"] == "bad_input"
    big = call(api, "POST", "/api/v1/documents", key,
               files={"file": ("big.md", b"# x\n\n" + b"a" * (1024 * 1024 + 10))})  # fmt: skip
    assert big.status_code == 413 and error_of(big)["code"] == "too_large"
    assert len(api.services.jobs.recent(200)) == before


def test_feedback_list_and_export(api: Running) -> None:
    citation = Citation(1, "d1", "การนอนของผู้สูงอายุ", "sleep.md", 1, "c1", "7 ถึง 8", 0, 7, 0.9)
    answer = Answer("7 ถึง 8 ชั่วโมง [1]", (citation,), 0.9, False)
    api.services.feedback.add("down", "ผู้สูงอายุนอนกี่ชั่วโมง", answer, comment="ขอละเอียดกว่านี้")
    key = new_key(api, "evaluator", "staff")
    rows = call(api, "GET", "/api/v1/feedback", key).json()["feedback"]
    assert rows[-1]["rating"] == "down" and rows[-1]["comment"] == "ขอละเอียดกว่านี้"
    assert rows[-1]["sources"][0]["link"] == f"{BASE}/doc/d1#page=1"
    exported = call(api, "GET", "/api/v1/feedback/export", key)
    assert exported.status_code == 200 and "ndjson" in exported.headers["content-type"]
    drafts = [json.loads(line) for line in exported.text.splitlines()]
    assert drafts[-1]["question"] == "ผู้สูงอายุนอนกี่ชั่วโมง" and drafts[-1]["tags"]["draft"]


def test_openapi_schema_is_served(api: Running) -> None:
    schema = httpx.get(f"{api.url}/api/v1/openapi.json").json()
    assert schema["openapi"].startswith("3.")
    assert {"/api/v1/search", "/api/v1/ask", "/api/v1/documents", "/api/v1/jobs/{job_id}",
            "/api/v1/documents/{doc_id}", "/api/v1/feedback", "/api/v1/feedback/export"} == set(
        schema["paths"]
    )  # fmt: skip
    ask = schema["paths"]["/api/v1/ask"]["post"]
    assert set(ask["responses"]) >= {"200", "401", "403", "429"}
    assert "AskResponse" in schema["components"]["schemas"]
    assert schema["components"]["securitySchemes"]["HTTPBearer"]["scheme"] == "bearer"
