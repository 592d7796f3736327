"""The OpenAI-compatible ``/v1`` endpoints, called by the official ``openai`` client.

A real app runs on a free loopback port over an index of two demo documents
(``corpus/``: alcohol and tobacco reports), as in ``tests/test_ui_api.py``. The
follow-up is the demo set's ``demo-021``: "แล้วปี 2564 ล่ะ" means the alcohol figure
only through the earlier turn; asked alone, it lands in the tobacco report.

Marked ``slow``: indexing the two PDFs takes about half a minute on two cores. The
fast tier calls ``/v1`` with the same client over a one-page index
(``tests/test_api_rest.py``).
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from typing import Any

import httpx
import openai
import pytest

from rag.answer.prompts import REFUSAL
from rag.config import Config
from rag.web.apikeys import ApiKeys
from tests.test_ui_api import PASSWORD, ROOT, Running, serve
from ui.app import open_services

DOCS = ("alcohol-reduction-2567.pdf", "tobacco-control-2567.pdf")
ALCOHOL = "สรุปผลการดำเนินงานลดปัจจัยเสี่ยงจากเครื่องดื่มแอลกอฮอล์ ปีงบประมาณ 2567"
QUESTION = "ปี 2567 คนไทยดื่มเครื่องดื่มแอลกอฮอล์ร้อยละเท่าไร"
FOLLOW_UP = "แล้วปี 2564 ล่ะ"
BASE = "https://rag.example.org"
pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def app(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Running]:
    root = tmp_path_factory.mktemp("openai")
    (root / "docs").mkdir()
    for name in DOCS:
        shutil.copy(ROOT / "corpus" / name, root / "docs" / name)
    cfg = Config(index_dir=root / "index", staff_password=PASSWORD, public_base_url=BASE)
    services = open_services(cfg)
    services.library.ensure_folder(root / "docs")
    with serve(services) as url:
        yield Running(url, services, root / "docs")
    services.index.close()


def client(app: Running, name: str, role: str = "partner") -> openai.OpenAI:
    _, secret = ApiKeys.for_config(app.services.cfg).create(name, role)
    return openai.OpenAI(base_url=f"{app.url}/v1", api_key=secret, max_retries=0, timeout=120)


def check_sources(sources: list[dict[str, Any]]) -> None:
    assert sources, "no sources"
    for n, source in enumerate(sources, start=1):
        assert source["n"] == n and source["quote"] and source["page"] >= 1
        assert source["link"] == f"{BASE}/doc/{source['doc_id']}#page={source['page']}"


def test_streamed_thai_answer_with_sources(app: Running) -> None:
    chat = client(app, "stream")
    stream = chat.chat.completions.create(
        model="thaihealth-rag", messages=[{"role": "user", "content": QUESTION}], stream=True
    )
    chunks = list(stream)
    text = "".join(c.choices[0].delta.content or "" for c in chunks)
    assert len(chunks) >= 3 and chunks[-1].choices[0].finish_reason == "stop"
    assert "27.4" in text and "[1]" in text
    assert "ที่มา / Sources:" in text and f"[1] {ALCOHOL}, หน้า 1 — {BASE}/doc/" in text
    sources = (chunks[-1].model_extra or {})["sources"]
    check_sources(sources)
    assert sources[0]["title"] == ALCOHOL
    assert app.services.in_flight.current == 0 and app.services.in_flight.peak >= 1


def test_follow_up_is_resolved_from_the_message_history(app: Running) -> None:
    chat = client(app, "follow-up")
    first = chat.chat.completions.create(
        model="thaihealth-rag", messages=[{"role": "user", "content": QUESTION}]
    )
    said = first.choices[0].message.content or ""
    assert first.object == "chat.completion" and "27.4" in said
    history = [{"role": "user", "content": QUESTION}, {"role": "assistant", "content": said}]
    follow = chat.chat.completions.create(
        model="thaihealth-rag", messages=[*history, {"role": "user", "content": FOLLOW_UP}]
    )
    sources = (follow.model_extra or {})["sources"]
    check_sources(sources)
    assert "28.0" in (follow.choices[0].message.content or "")
    assert {s["title"] for s in sources} == {ALCOHOL}
    alone = chat.chat.completions.create(
        model="thaihealth-rag", messages=[{"role": "user", "content": FOLLOW_UP}]
    )
    assert ALCOHOL not in {s["title"] for s in (alone.model_extra or {})["sources"]}


def test_models_and_key_checks(app: Running) -> None:
    chat = client(app, "models")
    assert [m.id for m in chat.models.list()] == ["thaihealth-rag"]
    ApiKeys.for_config(app.services.cfg).revoke("models")
    with pytest.raises(openai.AuthenticationError):
        chat.models.list()
    bare = httpx.post(f"{app.url}/v1/chat/completions", json={"messages": []})
    assert bare.status_code == 401 and bare.json()["error"]["message_th"]


def test_a_question_outside_the_library_is_a_normal_refusal(app: Running) -> None:
    chat = client(app, "refusal")
    answer = chat.chat.completions.create(
        model="thaihealth-rag",
        messages=[{"role": "user", "content": "ราคาทองคำแท่งวันนี้บาทละเท่าไร"}],
    )
    assert answer.choices[0].finish_reason == "stop"
    assert REFUSAL in (answer.choices[0].message.content or "")
    empty = httpx.post(
        f"{app.url}/v1/chat/completions",
        json={"messages": [{"role": "user", "content": "  "}]},
        headers={"Authorization": f"Bearer {chat.api_key}"},
    )
    assert empty.status_code == 400 and empty.json()["error"]["code"] == "bad_input"
