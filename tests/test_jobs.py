"""Staff jobs: the SQLite job table, the worker thread, restarts, and a real upload job."""

from __future__ import annotations

import os
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any

from rag.config import Config
from rag.errors import InputError
from rag.index.index import Index
from rag.web.job_worker import JobWorker, Progress
from rag.web.jobs import INTERRUPTED, LISTING_CAP, Job, JobStore
from rag.web.library import Library
from rag.web.staff_jobs import RERUN, EvalPlaces, staff_runners

ROOT = Path(__file__).resolve().parent.parent


def dead_pid() -> int:
    """The id of a process that has exited."""
    done = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], check=True,
                          capture_output=True, text=True)  # fmt: skip
    return int(done.stdout)


def recording(calls: list[int]) -> Any:
    def run(job: Job, tick: Progress) -> dict[str, Any]:
        tick(1, 2, "chunks")
        calls.append(job.id)
        return {"ran": job.id}

    return run


def test_a_job_goes_queued_running_done_and_reads_back(tmp_path: Path) -> None:
    store = JobStore(tmp_path / "jobs.sqlite")
    job_id = store.submit("upload", {"path": "/x/รายงาน.pdf", "name": "รายงาน.pdf"}, "somchai")
    queued = store.get(job_id)
    assert queued is not None and queued.state == "queued" and queued.user == "somchai"
    assert queued.subject == "รายงาน.pdf" and queued.active
    running = store.claim(owner=123)
    assert running is not None and (running.id, running.state, running.attempts) == (
        job_id,
        "running",
        1,
    )
    store.progress(job_id, 12, 40, "chunks")
    progressed = running.to_json() | {"done": 12, "total": 40, "message": "chunks"}
    assert store.get(job_id) == Job.from_json(progressed)
    store.finish(job_id, {"status": "new", "chunks": 40})
    done = store.get(job_id)
    assert done is not None and done.state == "done" and not done.active
    assert done.result == {"status": "new", "chunks": 40} and done.finished_at
    assert Job.from_json(done.to_json()) == done
    store.progress(job_id, 1, 1, "late")  # a finished job's progress is never overwritten
    assert store.get(job_id) == done


def test_a_failure_keeps_its_message_and_the_listing_is_capped(tmp_path: Path) -> None:
    store = JobStore(tmp_path / "jobs.sqlite")
    first = store.submit("delete", {"doc_id": "d1"}, "staff")
    store.claim(owner=1)
    store.fail(first, "d1: no document / ไม่พบเอกสาร")
    failed = store.get(first)
    assert failed is not None and failed.state == "failed" and "ไม่พบเอกสาร" in failed.error
    for _ in range(LISTING_CAP + 5):
        store.submit("reindex", {}, "staff")
    listed = store.recent(10_000)
    assert len(listed) == LISTING_CAP
    assert listed[0].id > listed[-1].id  # newest first
    assert store.get(first) == failed  # kept, though no longer listed


def test_jobs_survive_reopening_the_table(tmp_path: Path) -> None:
    path = tmp_path / "jobs.sqlite"
    store = JobStore(path)
    done_id = store.submit("evaluate", {"set": "demo"}, "staff")
    store.claim(owner=7)
    store.finish(done_id, {"report": "eval/reports/demo.md"})
    waiting = store.submit("upload", {"path": "/u/a.md", "name": "a.md"}, "staff")
    again = JobStore(path)
    assert again.get(done_id) == store.get(done_id)
    assert [j.id for j in again.recent()] == [waiting, done_id]
    assert again.recent()[0].state == "queued"


def test_two_workers_never_claim_the_same_job(tmp_path: Path) -> None:
    path = tmp_path / "jobs.sqlite"
    ids = {JobStore(path).submit("reindex", {"n": n}, "staff") for n in range(60)}
    claimed: list[list[int]] = [[], []]
    start = threading.Barrier(2)

    def drain(slot: int) -> None:
        store = JobStore(path)  # each its own store, as two processes would have
        start.wait()
        while (job := store.claim(owner=slot + 1)) is not None:
            claimed[slot].append(job.id)

    threads = [threading.Thread(target=drain, args=(slot,)) for slot in (0, 1)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert not set(claimed[0]) & set(claimed[1])
    assert sorted(claimed[0] + claimed[1]) == sorted(ids)


def test_a_restart_requeues_safe_jobs_and_fails_the_others(tmp_path: Path) -> None:
    path = tmp_path / "jobs.sqlite"
    old = JobStore(path)
    upload = old.submit("upload", {"path": "/u/a.md", "name": "a.md"}, "staff")
    delete = old.submit("delete", {"doc_id": "d1"}, "staff")
    evaluate = old.submit("evaluate", {"set": "demo"}, "staff")
    others = old.submit("upload", {"path": "/u/b.md", "name": "b.md"}, "staff")
    for owner in (
        os.getpid(),
        dead_pid(),
        dead_pid(),
    ):  # this process's earlier worker, then dead ones
        old.claim(owner)
    old.claim(owner=os.getppid())  # the parent process is alive: its job is left alone
    calls: list[int] = []
    runners = {kind: recording(calls) for kind in ("upload", "delete", "evaluate")}
    worker = JobWorker(JobStore(path), runners, RERUN)  # type: ignore[arg-type]
    worker.start()
    worker.stop()
    jobs = {j.id: j for j in JobStore(path).recent()}
    assert jobs[delete].state == "failed" and jobs[delete].error == INTERRUPTED
    assert jobs[others].state == "running"  # its owner is alive
    while worker.run_once() is not None:
        pass
    jobs = {j.id: j for j in JobStore(path).recent()}
    assert calls == [upload, evaluate]
    assert (jobs[upload].state, jobs[upload].attempts, jobs[upload].result) == (
        "done",
        2,
        {"ran": upload},
    )
    assert jobs[evaluate].state == "done"


def test_a_job_that_keeps_stopping_the_app_is_not_started_a_third_time(tmp_path: Path) -> None:
    store = JobStore(tmp_path / "jobs.sqlite")
    job_id = store.submit("upload", {"path": "/u/a.md", "name": "a.md"}, "staff")
    for _ in range(2):
        store.claim(owner=dead_pid())
        store.recover(lambda _pid: True, RERUN, max_attempts=2)
    job = store.get(job_id)
    assert job is not None and job.state == "failed" and job.error == INTERRUPTED


def test_the_worker_records_errors_and_keeps_going(tmp_path: Path) -> None:
    store = JobStore(tmp_path / "jobs.sqlite")

    def refuse(job: Job, tick: Progress) -> dict[str, Any]:
        raise InputError("x.xyz", "ไม่รองรับไฟล์ชนิดนี้", "unsupported extension '.xyz'")

    def crash(job: Job, tick: Progress) -> dict[str, Any]:
        raise ValueError("boom")

    def refused_file(job: Job, tick: Progress) -> dict[str, Any]:
        return {"status": "failed", "error": "empty / ไฟล์ว่างเปล่า"}

    worker = JobWorker(store, {"upload": refuse, "delete": crash, "replace": refused_file})
    ids = [store.submit(kind, {}, "staff") for kind in ("upload", "delete", "replace")]
    ended = [worker.run_once() for _ in ids]
    assert [j.state for j in ended if j] == ["failed", "failed", "failed"]
    assert [j.error for j in ended if j] == [
        "x.xyz: unsupported extension '.xyz' / ไม่รองรับไฟล์ชนิดนี้",
        "ValueError: boom / งานล้มเหลวโดยไม่คาดคิด",
        "empty / ไฟล์ว่างเปล่า",
    ]
    assert ended[2] is not None and ended[2].result["status"] == "failed"
    assert worker.run_once() is None


def test_the_worker_thread_runs_a_real_upload_with_progress(tmp_path: Path) -> None:
    cfg = Config(index_dir=tmp_path / "index")
    index = Index(cfg)
    library = Library(index)
    src = tmp_path / "garden.md"
    src.write_text("# สวนผักชุมชน\n\nโครงการสวนผักชุมชนมีสมาชิก 77 ครัวเรือน", encoding="utf-8")
    places = EvalPlaces(
        cfg, tmp_path / "reports", ROOT / "eval" / "sets", ROOT / "corpus", tmp_path
    )
    store = JobStore.in_index(cfg.index_dir)
    worker = JobWorker(store, staff_runners(library, places), RERUN, poll_s=0.05)
    stored = library.store_upload(src, src.name)
    broken = library.store_upload(write(tmp_path / "empty.md", ""), "empty.md")
    worker.start()
    try:
        good = worker.submit("upload", {"path": str(stored), "name": src.name}, "somchai")
        bad = worker.submit("upload", {"path": str(broken), "name": "empty.md"}, "somchai")
        deadline = time.monotonic() + 300
        while any(j.active for j in store.recent()) and time.monotonic() < deadline:
            time.sleep(0.05)
    finally:
        worker.stop()
    done, failed = store.get(good), store.get(bad)
    assert done is not None and done.state == "done", done
    assert done.result["status"] == "new" and done.result["chunks"] >= 1
    assert done.total == done.done >= 1 and done.message == "chunks"
    assert failed is not None and failed.state == "failed" and "ว่าง" in failed.error
    assert [d.file_name for d in library.documents()] == ["garden.md"]
    assert not broken.exists()  # a failed upload's stored file is removed
    index.close()


def write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path
