"""HTTP clients of the load benchmark (:mod:`bench_load`): partners asking, staff uploading.

Everything goes through the app's public HTTP API, as a browser or a partner script
would: Gradio 6's REST calls (``POST /gradio_api/call/<name>`` gives an event id,
``GET /gradio_api/call/<name>/<id>`` streams server-sent events until ``complete``
or ``error``). In API mode partners ask ``POST /v1/chat/completions`` with a partner
key instead (:func:`api_asker`), as a partner's tool would.
"""

from __future__ import annotations

import json
import re
import threading
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import unquote

import httpx

EVENT = re.compile(r"^event: (\w+)\ndata: (.*)$", re.M)
DOC_LINK = re.compile(r'href="/doc/([^"#]+)#')
PLAIN = 4  # outputs of /ask: chat, (state), question, (state), plain answer, (state), status


@dataclass
class Outcome:
    """One call: ``complete`` or ``error``, its last data, and its wall time in seconds."""

    kind: str
    data: Any
    seconds: float


def call(client: httpx.Client, name: str, data: list[Any], session: str | None = None) -> Outcome:
    """Call a Gradio endpoint (in a page ``session``) and read its event stream to the end."""
    began = time.perf_counter()
    body = {"data": data, "session_hash": session}
    started = client.post(f"/gradio_api/call/{name}", json=body)
    if started.status_code != 200:
        return Outcome("error", started.text[:200], time.perf_counter() - began)
    event_id = started.json()["event_id"]
    stream = client.get(f"/gradio_api/call/{name}/{event_id}").text
    events = EVENT.findall(stream)
    kind, payload = next(
        ((k, d) for k, d in reversed(events) if k in ("complete", "error")), ("error", "null")
    )
    return Outcome(kind, json.loads(payload), time.perf_counter() - began)


def ask(client: httpx.Client, question: str) -> Outcome:
    """Ask the partner chat (``/ask``: question, language); ``complete`` needs an answer."""
    out = call(client, "ask", [question, "th"])
    if out.kind == "complete" and not (isinstance(out.data, list) and out.data[PLAIN]):
        return Outcome("error", "an empty answer", out.seconds)
    return out


def answer_html(out: Outcome) -> str:
    """The assistant's last message (HTML) of a completed ``/ask``."""
    if out.kind != "complete":
        return ""
    content = out.data[0][-1]["content"]
    return str(content if isinstance(content, str) else content[0]["text"])


Asker = Callable[[httpx.Client, str], Outcome]


def api_asker(key: str) -> Asker:
    """Asking through ``POST /v1/chat/completions`` (not streamed) with a partner key."""
    headers = {"Authorization": f"Bearer {key}"}

    def ask_api(client: httpx.Client, question: str) -> Outcome:
        began = time.perf_counter()
        body = {"model": "thaihealth-rag", "messages": [{"role": "user", "content": question}]}
        sent = client.post("/v1/chat/completions", json=body, headers=headers)
        seconds = time.perf_counter() - began
        if sent.status_code != 200:
            return Outcome("error", sent.text[:200], seconds)
        text = sent.json()["choices"][0]["message"]["content"]
        return Outcome("complete", text, seconds) if text else Outcome("error", "empty", seconds)

    return ask_api


@dataclass
class Tally:
    """Latencies and errors of one load run (thread-safe)."""

    latencies: list[float] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def add(self, out: Outcome) -> None:
        """Count one question."""
        with self.lock:
            if out.kind == "complete":
                self.latencies.append(out.seconds)
            else:
                self.errors.append(str(out.data)[:200])


def partner(
    url: str, questions: list[str], offset: int, until: float, tally: Tally, *, asker: Asker = ask
) -> None:
    """One partner asking the questions in turn (from ``offset``) until ``until``."""
    with httpx.Client(base_url=url, timeout=120) as client:
        i = offset
        while time.monotonic() < until:
            try:
                tally.add(asker(client, questions[i % len(questions)]))
            except httpx.HTTPError as exc:
                tally.add(Outcome("error", repr(exc), 0.0))
            i += 1


def load(url: str, questions: list[str], clients: int, seconds: float, asker: Asker = ask) -> Tally:
    """``clients`` partners asking for ``seconds`` (each with ``asker``); latencies, errors."""
    tally = Tally()
    until = time.monotonic() + seconds
    step = max(1, len(questions) // clients)
    threads = [
        threading.Thread(
            target=partner, args=(url, questions, n * step, until, tally), kwargs={"asker": asker}
        )
        for n in range(clients)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return tally


def huge_questions(
    url: str, chars: int, until: float, refused: list[str], asker: Asker = ask
) -> None:
    """Send a ``chars``-character question again and again until ``until``.

    Each reply's error message goes to ``refused`` (the app refuses it; an answer
    would be a finding and is recorded as ``ANSWERED``).
    """
    question = ("การออกกำลังกาย " * (chars // 15 + 1))[:chars]
    with httpx.Client(base_url=url, timeout=120) as client:
        while time.monotonic() < until:
            out = asker(client, question)
            refused.append("ANSWERED" if out.kind == "complete" else str(out.data)[:120])


@dataclass(frozen=True)
class StaffCycle:
    """What a staff upload and delete took (seconds) and whether they succeeded."""

    upload_s: float
    answerable_after_s: float | None
    delete_s: float
    errors: list[str]


def staff_cycle(url: str, password: str, doc: Path, question: str, marker: str) -> StaffCycle:
    """Upload ``doc`` as staff, wait until ``question`` is answered from it, delete it.

    The one place that knows the staff API (log in with the form, keep the cookie,
    upload the file, call ``upload``, then ``delete`` in a page session with the
    document id taken from the answer's source link). "Answerable" means a partner's answer contains
    ``marker`` and links to the new document.
    """
    errors: list[str] = []
    with httpx.Client(base_url=f"{url}/staff", timeout=300) as staff:
        if not staff.post("/login", data={"username": "staff", "password": password}).is_success:
            return StaffCycle(0.0, None, 0.0, ["staff login failed"])
        began = time.perf_counter()
        sent = staff.post("/gradio_api/upload", files={"files": (doc.name, doc.read_bytes())})
        path = sent.json()[0]
        fdata = {"path": path, "orig_name": doc.name, "meta": {"_type": "gradio.FileData"}}
        uploaded = call(staff, "upload", [[fdata]])
        upload_s = time.perf_counter() - began
        if uploaded.kind != "complete":
            errors.append(f"upload: {uploaded.data}")
        doc_id, waited = answerable(url, question, marker, deadline=time.monotonic() + 120)
        if doc_id is None:
            return StaffCycle(upload_s, None, 0.0, [*errors, "never answerable within 120 s"])
        removed = call(staff, "delete", [doc_id], session=staff_page(staff))
        if removed.kind != "complete":
            errors.append(f"delete: {removed.data}")
        return StaffCycle(upload_s, waited, removed.seconds, errors)


def staff_page(staff: httpx.Client) -> str:
    """Open the staff page as a browser does, and return its session.

    The page's ``load`` event fills the session's document picker; ``delete`` only
    accepts a document id that the session's picker offers.
    """
    session = uuid.uuid4().hex[:12]
    deps = staff.get("/config").json()["dependencies"]
    fn = next(i for i, d in enumerate(deps) if any(t[1] == "load" for t in d["targets"]))
    join = {"data": [], "fn_index": fn, "session_hash": session, "event_data": None}
    staff.post("/gradio_api/queue/join", json=join).raise_for_status()
    with staff.stream("GET", "/gradio_api/queue/data", params={"session_hash": session}) as events:
        for line in events.iter_lines():
            if "process_completed" in line:
                break
    return session


def answerable(url: str, question: str, marker: str, deadline: float) -> tuple[str | None, float]:
    """Ask until an answer holds ``marker``: the cited document's id and the wait."""
    began = time.perf_counter()
    with httpx.Client(base_url=url, timeout=120) as client:
        while time.monotonic() < deadline:
            html = answer_html(ask(client, question))
            if marker in html:
                for link in DOC_LINK.findall(html):
                    if marker in client.get(f"/doc/{link}").text:
                        return unquote(link), time.perf_counter() - began
            time.sleep(0.5)
    return None, time.perf_counter() - began
