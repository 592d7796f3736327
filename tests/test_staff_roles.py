"""Each staff role can do exactly its own actions, checked on the server, and audited.

Raw HTTP against a real app on 127.0.0.1 (``serve`` of ``tests/test_ui_api.py``):
log in through Gradio's ``/staff/login`` form as an admin, an editor or an
evaluator, then call ``/staff/gradio_api/call/<api_name>`` with the session cookie.
The app's question sets and reports live in a temporary folder: the demo set is one
question on the test documents, so an allowed evaluation really runs.
"""

from __future__ import annotations

import json
import re
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import httpx
import pytest

from rag.config import Config
from rag.web.apikeys import PREFIX, ApiKeys
from rag.web.jobs import Job
from rag.web.roles import Role
from tests.test_isolation import file_data, staff_call
from tests.test_ui_api import PASSWORD, Running, doc_id_of, serve, write_docs
from ui.app import open_services

USERS: dict[Role, str] = {"admin": "boss", "editor": "somchai", "evaluator": "malee"}
SECRET = {role: f"รหัสผ่าน-{role}-ทดสอบ-1" for role in USERS}
QUESTION = {
    "id": "t-001",
    "question": "ผู้สูงอายุควรนอนหลับวันละกี่ชั่วโมง",
    "answerable": True,
    "gold": [{"file": "sleep.md", "page": 1}],
    "answer": "7 ถึง 8 ชั่วโมง",
    "must_contain": ["7"],
    "tags": {},
    "history": [],
}
DOCUMENTS = {"upload", "delete", "replace", "reindex"}
EVALUATION = {"evaluate", "export_feedback"}
ACCOUNTS = {"accounts", "account_add", "account_remove", "key_create", "key_revoke"}
ALLOWED: dict[Role, set[str]] = {
    "admin": DOCUMENTS | EVALUATION | ACCOUNTS,
    "editor": DOCUMENTS,
    "evaluator": EVALUATION,
}
FORBIDDEN = ("ไม่มีสิทธิ์", "may not")


@pytest.fixture(scope="module")
def app(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Running]:
    root = tmp_path_factory.mktemp("roles")
    docs = root / "docs"
    write_docs(docs)
    (root / "eval" / "sets").mkdir(parents=True)
    (root / "eval" / "sets" / "demo.jsonl").write_text(
        json.dumps(QUESTION, ensure_ascii=False) + "\n", encoding="utf-8"
    )
    cfg = Config(index_dir=root / "index", staff_password=PASSWORD)
    services = open_services(cfg, eval_dir=root / "eval", corpus_dir=docs)
    services.library.ensure_folder(docs)
    for role, user in USERS.items():
        services.accounts.add(user, role, SECRET[role])
    with serve(services) as url:
        yield Running(url, services, docs)
    services.index.close()


@contextmanager
def logged_in(app: Running, user: str, password: str) -> Iterator[httpx.Client]:
    """An httpx client with the session cookie of a staff login."""
    with httpx.Client(base_url=f"{app.url}/staff", timeout=120) as client:
        answer = client.post("/login", data={"username": user, "password": password})
        assert answer.status_code == 200, answer.text
        yield client


def add_doc(app: Running, name: str, text: str) -> str:
    """A document added on the server side (not through the API); its id."""
    path = app.docs.parent / "extra" / name
    path.parent.mkdir(exist_ok=True)
    path.write_text(f"# {name}\n\n{text}", encoding="utf-8")
    app.services.library.add_file(path, name)
    return doc_id_of(app.services, name)


def uploaded(client: httpx.Client, name: str, text: str) -> dict[str, Any]:
    """A file sent to the staff upload route, as a ``FileData`` payload."""
    data = f"# {name}\n\n{text}".encode()  # each file its own content (no duplicates)
    sent = client.post("/gradio_api/upload", files={"files": (name, data, "text/plain")})
    assert sent.status_code == 200, sent.text
    return file_data(Path(sent.json()[0]))


def names(app: Running) -> set[str]:
    return {d.file_name for d in app.services.library.documents()}


def settled(app: Running, kind: str, out: Any) -> Job | None:
    """The staff job a call queued, once the worker has finished it (``None``: none queued).

    Staff changes and evaluations are background jobs: a call returns when the job is
    queued, so whether it took effect is read after the job ends (bounded wait).
    """
    queued = re.search(r"#(\d+)", json.dumps(out, ensure_ascii=False))
    if kind != "complete" or queued is None:
        return None
    job_id = int(queued.group(1))
    deadline = time.monotonic() + 300
    while time.monotonic() < deadline:
        job = app.services.jobs.get(job_id)
        if job is not None and not job.active:
            return job
        time.sleep(0.2)
    raise AssertionError(f"job {job_id} did not finish")


# Each case calls one endpoint as a role and returns (kind, payload, did it take effect).
Case = Callable[[Running, httpx.Client, Role], tuple[str, Any, bool]]


def call_upload(app: Running, client: httpx.Client, role: Role) -> tuple[str, Any, bool]:
    name = f"upload-{role}.md"
    kind, out = staff_call(client, "upload", [[uploaded(client, name, "สวนผักชุมชน 12 แห่ง")]])
    settled(app, kind, out)
    return kind, out, name in names(app)


def call_delete(app: Running, client: httpx.Client, role: Role) -> tuple[str, Any, bool]:
    doc_id = add_doc(app, f"delete-{role}.md", "โครงการลดเค็มในโรงเรียน")
    kind, out = staff_call(client, "delete", [doc_id])
    settled(app, kind, out)
    return kind, out, f"delete-{role}.md" not in names(app)


def call_replace(app: Running, client: httpx.Client, role: Role) -> tuple[str, Any, bool]:
    doc_id = add_doc(app, f"old-{role}.md", "ฉบับเก่าของรายงานการออกกำลังกาย")
    new = uploaded(client, f"new-{role}.md", "ฉบับใหม่ของรายงานการออกกำลังกาย")
    kind, out = staff_call(client, "replace", [doc_id, new])
    settled(app, kind, out)
    now = names(app)
    return kind, out, f"new-{role}.md" in now and f"old-{role}.md" not in now


def call_reindex(app: Running, client: httpx.Client, role: Role) -> tuple[str, Any, bool]:
    kind, out = staff_call(client, "reindex", [])
    job = settled(app, kind, out)
    return kind, out, job is not None and job.state == "done" and job.kind == "reindex"


def call_evaluate(app: Running, client: httpx.Client, role: Role) -> tuple[str, Any, bool]:
    for old in app.services.reports_dir.glob("*.md"):
        old.unlink()  # the report of an earlier case
    kind, out = staff_call(client, "evaluate", ["demo"])
    settled(app, kind, out)
    return kind, out, any(app.services.reports_dir.glob("*.md"))


def call_export(app: Running, client: httpx.Client, role: Role) -> tuple[str, Any, bool]:
    kind, out = staff_call(client, "export_feedback", [])
    return kind, out, kind == "complete" and Path(out[0]["path"]).name == "feedback-drafts.jsonl"


def call_accounts(app: Running, client: httpx.Client, role: Role) -> tuple[str, Any, bool]:
    kind, out = staff_call(client, "accounts", [])
    return kind, out, kind == "complete" and "somchai" in json.dumps(out)


def call_account_add(app: Running, client: httpx.Client, role: Role) -> tuple[str, Any, bool]:
    user = f"new-by-{role}"
    kind, out = staff_call(client, "account_add", [user, "editor", "บัญชีใหม่-แข็งแรง-42"])
    return kind, out, app.services.accounts.get(user) is not None


def call_account_remove(app: Running, client: httpx.Client, role: Role) -> tuple[str, Any, bool]:
    user = f"gone-by-{role}"
    app.services.accounts.add(user, "evaluator", "บัญชีที่จะลบ-แข็งแรง-42")
    kind, out = staff_call(client, "account_remove", [user])
    return kind, out, app.services.accounts.get(user) is None


def call_key_create(app: Running, client: httpx.Client, role: Role) -> tuple[str, Any, bool]:
    name = f"key-by-{role}"
    kind, out = staff_call(client, "key_create", [name, "partner"])
    keys = ApiKeys.for_config(app.services.cfg)
    shown = kind == "complete" and str(out[1]).startswith(PREFIX)
    if shown:  # the key is shown once, and it works
        assert keys.check(out[1]).name == name and out[1] not in json.dumps(out[3])
    return kind, out, shown and keys.get(name) is not None


def call_key_revoke(app: Running, client: httpx.Client, role: Role) -> tuple[str, Any, bool]:
    name = f"revoked-by-{role}"
    keys = ApiKeys.for_config(app.services.cfg)
    keys.create(name, "staff")
    kind, out = staff_call(client, "key_revoke", [name])
    return kind, out, keys.get(name).revoked  # type: ignore[union-attr]


CASES: dict[str, Case] = {
    "upload": call_upload,
    "delete": call_delete,
    "replace": call_replace,
    "reindex": call_reindex,
    "evaluate": call_evaluate,
    "export_feedback": call_export,
    "accounts": call_accounts,
    "account_add": call_account_add,
    "account_remove": call_account_remove,
    "key_create": call_key_create,
    "key_revoke": call_key_revoke,
}


@pytest.mark.parametrize("endpoint", sorted(CASES))
@pytest.mark.parametrize("role", sorted(USERS))
def test_each_role_can_do_exactly_its_own_actions(app: Running, role: Role, endpoint: str) -> None:
    with logged_in(app, USERS[role], SECRET[role]) as client:
        kind, out, took_effect = CASES[endpoint](app, client, role)
    message = json.dumps(out, ensure_ascii=False)
    if endpoint in ALLOWED[role]:
        assert kind == "complete", message
        assert took_effect
    else:
        assert kind == "error"
        assert all(word in message for word in FORBIDDEN), message
        assert USERS[role] in message
        assert not took_effect
        entry = app.services.audit.recent(1)[0]
        assert (entry.user, entry.action) == (USERS[role], "forbidden")


def test_a_removed_account_loses_its_session(app: Running) -> None:
    app.services.accounts.add("temp-editor", "editor", "ชั่วคราว-แข็งแรง-42")
    with logged_in(app, "temp-editor", "ชั่วคราว-แข็งแรง-42") as client:
        assert staff_call(client, "reindex", [])[0] == "complete"
        app.services.accounts.remove("temp-editor")
        kind, out = staff_call(client, "reindex", [])
    assert kind == "error" and "ไม่พบบัญชี" in json.dumps(out, ensure_ascii=False)


def test_logins_and_actions_are_audited_with_who_and_where(app: Running) -> None:
    bad = httpx.post(
        f"{app.url}/staff/login",
        data={"username": "somchai", "password": "เดาผิด-เดาผิด-1"},
        headers={"X-Forwarded-For": "10.7.0.9"},
    )
    assert bad.status_code == 400
    with logged_in(app, "somchai", SECRET["editor"]) as client:
        doc_id = add_doc(app, "audited.md", "บันทึกการตรวจสอบ")
        kind, out = staff_call(client, "delete", [doc_id])
        job = settled(app, kind, out)
        assert job is not None and job.user == "somchai"
        assert staff_call(client, "export_feedback", [])[0] == "error"
    recent = [(e.user, e.action, e.target, e.detail) for e in app.services.audit.recent(4)]
    assert recent[0] == ("somchai", "forbidden", "feedback", "export")
    assert recent[1] == ("somchai", "delete", doc_id, f"job #{job.id}")
    assert recent[2] == ("somchai", "login", "", "client 127.0.0.1")
    assert recent[3] == ("somchai", "login_failed", "", "client 10.7.0.9")
    assert all(SECRET["editor"] not in str(e) for e in app.services.audit.recent(1000))
