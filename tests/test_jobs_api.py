"""Staff jobs over raw HTTP against the real app: an upload returns a job at once, the
worker indexes the file, and the partner chat answers while the job runs.

The app of ``tests/test_ui_api.py`` (``app_server``) runs in a thread; its job worker
runs for the app's lifespan. To ask *while* the upload job is mid-way, the test holds
the real upload runner at its first progress report (after the file is stored and
its chunks embedded, before the index's write lock is taken) until the partner's
answer is in.
"""

from __future__ import annotations

import threading
import time
from pathlib import Path
from typing import Any

import httpx
from gradio_client import Client

from rag.web.job_worker import Progress
from rag.web.jobs import Job, JobStore
from tests.test_isolation import file_data, staff_call, staff_client
from tests.test_ui_api import Running, app_server  # noqa: F401 (the fixture)

GARDEN = "# สวนผักชุมชนหนองจอก\n\nโครงการสวนผักชุมชนหนองจอกมีสมาชิก 88 ครัวเรือน ปลูกผักปลอดสารพิษ"
WAIT_S = 300


def ask(url: str, question: str) -> str:
    """The partner chat's plain-text answer through its public ``/ask`` API."""
    client = Client(url, verbose=False, httpx_kwargs={"timeout": 120})
    _chat, _question, plain, _status = client.predict(question, "th", api_name="/ask")
    return str(plain)


def wait_until_done(store: JobStore, job_id: int) -> Job:
    deadline = time.monotonic() + WAIT_S
    while time.monotonic() < deadline:
        job = store.get(job_id)
        if job is not None and not job.active:
            return job
        time.sleep(0.1)
    raise AssertionError(f"job {job_id} did not end: {store.get(job_id)}")


def test_an_upload_is_a_job_and_the_chat_answers_while_it_runs(
    app_server: Running,  # noqa: F811
) -> None:
    services = app_server.services
    worker = services.worker
    real = worker.runners["backfill"]  # the upload is keyword-first: its vectors follow
    held, release = threading.Event(), threading.Event()

    def held_upload(job: Job, tick: Progress) -> dict[str, Any]:
        def first_tick(done: int, total: int, message: str) -> None:
            tick(done, total, message)
            if not held.is_set():
                held.set()
                release.wait(WAIT_S)

        return real(job, first_tick)

    worker.runners["backfill"] = held_upload
    try:
        with staff_client(app_server) as staff:
            sent = staff.post(
                "/gradio_api/upload",
                files={"files": ("nongchok.md", GARDEN.encode(), "text/plain")},
            )
            assert sent.status_code == 200, sent.text
            kind, out = staff_call(staff, "upload", [[file_data(Path(sent.json()[0]))]])
        assert kind == "complete", out
        message = out[0]
        assert "#" in message and "queued" in message
        job_id = int(message.split("#")[1].split(",")[0].split()[0])
        job = services.jobs.get(job_id)
        assert job is not None and job.kind == "upload" and job.user == "staff"
        assert job.args["name"] == "nongchok.md"

        assert held.wait(WAIT_S), "the backfill job did not start"
        uploaded = services.jobs.get(job_id)
        assert uploaded is not None and uploaded.state == "done", uploaded
        job_id = uploaded.result["backfill_job"]
        running = services.jobs.get(job_id)
        assert running is not None and running.state == "running" and running.kind == "backfill"
        assert (running.done, running.total, running.message) == (1, 1, "chunks")
        garden = "โครงการสวนผักชุมชนหนองจอกมีสมาชิกกี่ครัวเรือน"
        assert "สวนผักชุมชนหนองจอก" in ask(app_server.url, garden)  # by keyword, before vectors
        answered: list[str] = []
        asking = threading.Thread(
            target=lambda: answered.append(ask(app_server.url, "ผู้สูงอายุควรนอนวันละกี่ชั่วโมง"))
        )
        asking.start()
        asking.join(WAIT_S)
        assert answered and "การนอนของผู้สูงอายุ" in answered[0]
        still = services.jobs.get(job_id)
        assert still is not None and still.state == "running"  # the answer came mid-job
    finally:
        release.set()
        worker.runners["backfill"] = real

    done = wait_until_done(services.jobs, job_id)
    assert done.state == "done", done
    assert done.result["stored"] >= 1 and done.result["left"] == 0
    assert uploaded.result["status"] == "new" and uploaded.result["chunks"] >= 1
    assert "สวนผักชุมชนหนองจอก" in ask(app_server.url, "โครงการสวนผักชุมชนหนองจอกมีสมาชิกกี่ครัวเรือน")
    added = next(d for d in services.library.documents() if d.file_name == "nongchok.md")
    services.library.delete(added.doc_id)


def test_staff_jobs_are_listed_after_the_app_reopens_its_table(
    app_server: Running,  # noqa: F811
) -> None:
    services = app_server.services
    with staff_client(app_server) as staff:
        kind, out = staff_call(staff, "reindex", [])
    assert kind == "complete", out
    job_id = int(out[0].split("#")[1].split()[0])
    done = wait_until_done(services.jobs, job_id)
    assert done.state == "done" and done.result["files"] >= 2
    reopened = JobStore.in_index(services.cfg.index_dir)
    assert reopened.get(job_id) == done
    assert httpx.get(f"{app_server.url}/healthz").status_code == 200
