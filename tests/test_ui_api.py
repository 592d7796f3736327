"""The web app over raw HTTP: documents by id only, and roles enforced on the server.

A real app (real index, embedder, Gradio and FastAPI) runs in a thread on a free port.
"""

from __future__ import annotations

import re
import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest
import uvicorn
from fastapi.routing import APIRoute

from rag.config import Config
from rag.data import Answer, Citation, Page
from rag.web.chat_html import answer_html, plain_text, quote_html
from rag.web.webchat import chat_steps, example_questions
from tests.thaidocs import make_pdf
from ui import Services
from ui.app import create_app, open_services

PASSWORD = "staff-pass-ทดสอบ-123"
STAFF_ENDPOINTS = {"/upload", "/delete", "/replace", "/reindex", "/evaluate", "/export_feedback"}
ROOT = Path(__file__).resolve().parent.parent


@dataclass(frozen=True)
class Running:
    url: str
    services: Services
    docs: Path


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def write_docs(docs: Path) -> None:
    """The two test documents: a Thai Markdown note and a Thai PDF."""
    docs.mkdir()
    (docs / "sleep.md").write_text(
        "# การนอนของผู้สูงอายุ\n\nผู้สูงอายุควรนอนหลับวันละ 7 ถึง 8 ชั่วโมงเพื่อสุขภาพที่ดี",
        encoding="utf-8",
    )
    make_pdf(docs / "walk.pdf", ["สารบัญ", "การเดินเร็ววันละ 30 นาทีช่วยลดความเสี่ยงโรคหัวใจ"])


@contextmanager
def serve(services: Services, port: int | None = None) -> Iterator[str]:
    """The app of ``services`` served on loopback (a free port by default); yields its URL."""
    port = port or free_port()
    server = uvicorn.Server(
        uvicorn.Config(create_app(services), host="127.0.0.1", port=port, log_level="error")
    )
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 60
    while not server.started and time.monotonic() < deadline:
        time.sleep(0.1)
    assert server.started, "the app did not start"
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(10)


@pytest.fixture(scope="module")
def app_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Running]:
    root = tmp_path_factory.mktemp("ui")
    docs = root / "docs"
    write_docs(docs)
    cfg = Config(index_dir=root / "index", staff_password=PASSWORD)
    services = open_services(cfg)
    services.library.ensure_folder(docs)
    with serve(services) as url:
        yield Running(url, services, docs)
    services.index.close()


def doc_id_of(services: Services, name: str) -> str:
    return next(d.doc_id for d in services.library.documents() if d.file_name == name)


# --- documents are served by id, never by path ---------------------------------------


def test_documents_are_served_by_id(app_server: Running) -> None:
    pdf = httpx.get(f"{app_server.url}/doc/{doc_id_of(app_server.services, 'walk.pdf')}")
    assert pdf.status_code == 200
    assert pdf.headers["content-type"] == "application/pdf"
    assert pdf.content == (app_server.docs / "walk.pdf").read_bytes()
    assert pdf.headers["x-content-type-options"] == "nosniff"
    md = httpx.get(f"{app_server.url}/doc/{doc_id_of(app_server.services, 'sleep.md')}")
    assert md.status_code == 200 and md.headers["content-type"].startswith("text/plain")
    assert md.headers["content-security-policy"] == "sandbox"
    assert "ผู้สูงอายุ" in md.text


@pytest.mark.parametrize(
    "attempt",
    ["nope", "..%2F..%2Fetc%2Fpasswd", "%2Fetc%2Fpasswd", "..%2Fmanifest.sqlite3", "sleep.md"],
)
def test_unknown_ids_and_paths_are_404(app_server: Running, attempt: str) -> None:
    response = httpx.get(f"{app_server.url}/doc/{attempt}")
    assert response.status_code == 404
    assert "root:" not in response.text and "SQLite" not in response.text
    if "%2F" not in attempt:  # an id with a slash never reaches the route at all
        assert "ไม่พบเอกสาร" in response.text and "not found" in response.text


def test_our_routes_take_no_path_parameters(app_server: Running) -> None:
    from ui.app import create_app as build

    app = build(app_server.services)
    ours = [r for r in app.routes if isinstance(r, APIRoute)]
    assert {r.path for r in ours} >= {"/doc/{doc_id}"}
    assert not [r.path for r in ours if ":path}" in r.path]


# --- roles --------------------------------------------------------------------------


def test_partner_api_has_no_staff_endpoints(app_server: Running) -> None:
    info = httpx.get(f"{app_server.url}/gradio_api/info").json()
    endpoints = set(info["named_endpoints"])
    assert "/ask" in endpoints
    assert not endpoints & STAFF_ENDPOINTS
    for name in ("upload", "delete", "reindex"):
        called = httpx.post(f"{app_server.url}/gradio_api/call/{name}", json={"data": [None]})
        assert called.status_code != 200  # Gradio answers 500 "could not infer function index"
    upload = httpx.post(
        f"{app_server.url}/gradio_api/upload", files={"files": ("x.pdf", b"%PDF-1.4", "text/plain")}
    )
    assert upload.status_code == 403
    assert "ไม่รับไฟล์" in upload.json()["detail"]


def test_staff_api_refuses_calls_without_login(app_server: Running) -> None:
    base = f"{app_server.url}/staff"
    assert httpx.get(f"{base}/gradio_api/info").status_code == 401
    assert httpx.get(f"{base}/config").status_code == 401
    for name in ("upload", "delete"):
        call = httpx.post(f"{base}/gradio_api/call/{name}", json={"data": [None]})
        assert call.status_code == 401
    join = httpx.post(
        f"{base}/gradio_api/queue/join",
        json={"data": [None], "fn_index": 0, "session_hash": "abc", "event_data": None},
    )
    assert join.status_code == 401
    upload = httpx.post(f"{base}/gradio_api/upload", files={"files": ("a.pdf", b"%PDF", "x")})
    assert upload.status_code == 401
    wrong = httpx.post(f"{base}/login", data={"username": "staff", "password": "guess"})
    assert wrong.status_code in (400, 401)
    assert len(app_server.services.library.documents()) == 2


def test_staff_login_unlocks_staff_endpoints(app_server: Running) -> None:
    with httpx.Client(base_url=f"{app_server.url}/staff") as client:
        ok = client.post("/login", data={"username": "staff", "password": PASSWORD})
        assert ok.status_code == 200
        endpoints = set(client.get("/gradio_api/info").json()["named_endpoints"])
    assert endpoints >= STAFF_ENDPOINTS


def test_partner_can_ask_and_rate_through_the_api(app_server: Running) -> None:
    from gradio_client import Client

    client = Client(app_server.url, verbose=False)
    out = client.predict("ผู้สูงอายุควรนอนวันละกี่ชั่วโมง", "th", api_name="/ask")
    chat, _question, plain, _status = out
    content = chat[-1]["content"]  # Gradio 6: a list of {"type": "text", "text": …} parts
    assert "rag-card" in (content if isinstance(content, str) else content[0]["text"])
    assert "[1]" in plain and "การนอนของผู้สูงอายุ" in plain
    before = len(app_server.services.feedback.rows())
    client.predict("ตอบไม่ตรง", "th", api_name="/feedback_down")
    rows = app_server.services.feedback.rows()
    assert len(rows) == before + 1
    assert (rows[-1].rating, rows[-1].comment) == ("down", "ตอบไม่ตรง")
    assert rows[-1].question == "ผู้สูงอายุควรนอนวันละกี่ชั่วโมง"
    assert rows[-1].citations and rows[-1].config["retrieval_k"] >= 1


# --- the chat's HTML ------------------------------------------------------------------

PAGE = "ในปี ๒๕๖๖ สสส.สนับสนุนโครงการลดเหล้าเข้าพรรษาซึ่งมีผู้เข้าร่วม 1.2 ล้านคนทั่วประเทศ"


def cite(quote: str, n: int = 1, title: str = "รายงาน <ลดเหล้า>") -> Citation:
    start = PAGE.index(quote)
    return Citation(n, "doc/1", title, "a.pdf", 3, "c1", quote, start, start + len(quote), 0.9)


def pages(_doc_id: str) -> list[Page]:
    return [Page("doc/1", 3, PAGE)]


def test_answer_html_links_markers_and_marks_the_exact_quote() -> None:
    quote = "โครงการลดเหล้าเข้าพรรษา"  # inside an unspaced Thai run
    ans = Answer("มีโครงการลดเหล้าเข้าพรรษา [1] <script>x</script> [7]", (cite(quote),), 0.8, False)
    html = answer_html(ans, pages, "ลดเหล้า ปี 2566", "th", "k1")
    assert '<a class="rag-ref" href="#cite-k1-1">[1]</a>' in html
    assert 'id="cite-k1-1"' in html
    assert "<script>" not in html and "&lt;script&gt;" in html
    assert "[7]" in html and "#cite-k1-7" not in html  # unknown markers stay plain text
    assert "รายงาน &lt;ลดเหล้า&gt;" in html
    assert 'href="/doc/doc%2F1#page=3"' in html and "หน้า 3" in html
    marked = re.search(r'<mark class="rag-quote">(.*?)</mark>', html)
    assert marked and re.sub(r"<[^>]+>", "", marked.group(1)) == quote
    assert "<b>ลดเหล้า</b>" in html and "<b>๒๕๖๖</b>" in html  # Thai digits fold to 2566
    assert "rag-refused" not in html


def test_answer_html_links_thai_digit_and_multi_number_markers() -> None:
    first, second = cite("โครงการลดเหล้าเข้าพรรษา"), cite("1.2 ล้านคน", n=2)
    ans = Answer("ก [๑] ข [1, 2] ค [๑-๒] ง [2, 9]", (first, second), 0.8, False)
    html = answer_html(ans, pages, "คำถาม", "th", "k")
    links = re.findall(r'<a class="rag-ref" href="#cite-k-(\d)">\[(\d)\]</a>', html)
    assert links == [("1", "1"), ("1", "1"), ("2", "2"), ("1", "1"), ("2", "2"), ("2", "2")]
    assert "[9]" in html and "#cite-k-9" not in html  # an unknown number stays plain text


def test_refusal_and_notice_are_visible_states() -> None:
    ans = Answer("ไม่พบข้อมูลนี้ในเอกสารที่มีอยู่", (cite("1.2 ล้านคน"),), 0.1, True, notice="LLM ล่ม")
    html = answer_html(ans, pages, "คำถาม", "en", "k2")
    assert "rag-answer-refused" in html and "rag-refused-title" in html
    assert "Not found in the documents" in html and "Closest passages" in html
    assert 'class="rag-notice"' in html and "LLM ล่ม" in html
    text = plain_text(ans, "th")
    assert text.startswith("ไม่พบข้อมูลนี้") and "[1] รายงาน <ลดเหล้า>, หน้า 3" in text


def test_stale_offsets_fall_back_to_the_quote() -> None:
    moved = Citation(1, "doc/1", "t", "a.pdf", 3, "c", "ข้อความเดิม", 0, 11, 0.5)
    html = answer_html(Answer("x [1]", (moved,), 0.5, False), pages, "q", "th", "k")
    assert '<mark class="rag-quote">ข้อความเดิม</mark>' in html


def test_long_quotes_are_cut_around_the_question_words() -> None:
    text = "ก" * 500 + " ลดเหล้าเข้าพรรษา " + "ข" * 500
    html = quote_html(text, 0, len(text), "เข้าพรรษา")
    assert "<b>เข้าพรรษา</b>" in html and len(html) < 700


def test_chat_steps_stream_then_answer(app_server: Running) -> None:
    services = app_server.services
    steps = list(
        chat_steps(
            "การเดินเร็ววันละกี่นาที",
            services.index,
            [],
            lang="th",
            key="t1",
            lock=services.library.lock,
        )
    )
    assert "rag-streaming" in steps[0].html and steps[0].answer is None
    final = steps[-1]
    assert final.answer is not None and "rag-card" in final.html
    assert any(c.page == 2 for c in final.answer.citations)  # the PDF's second page


def test_example_questions_come_from_the_demo_set() -> None:
    questions = example_questions(ROOT / "eval" / "sets" / "demo.jsonl")
    assert len(questions) == 4 and all(q.strip() for q in questions)
    assert example_questions(ROOT / "missing.jsonl") == []
