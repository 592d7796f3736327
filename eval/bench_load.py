"""Load benchmark: many partners asking at once, with staff jobs and oversized questions.

The real app runs as a subprocess (``python -m ui.app`` on 127.0.0.1, a free port)
on a temporary copy of an index of ``corpus/``, with ``RAG_STAFF_PASSWORD`` set and
the per-client rate limit **disabled** (``RAG_ASK_PER_MINUTE=0``: every client of
the benchmark is 127.0.0.1). Partners are threads with their own HTTP connection
(:mod:`load_client`) asking the demo set's answerable questions in turn through the
Gradio API ``/ask``, as fast as they are answered. For each ``--workers`` value
(``RAG_ANSWER_WORKERS``; 0 = the default from the CPU count):

- **plain**: 4, 8 and 16 concurrent partners, ``--duration`` seconds each;
- **staff**: 16 partners while staff upload a new small document through the staff
  API, wait until a partner question is answered from it (the *upload-to-answerable
  delay*, counted from the end of the upload call), then delete it;
- **huge**: 16 partners while another client sends a 100,000-character question
  again and again (each is refused); the others' p95 is compared with *plain 16*.

With ``--api``, partners ask ``POST /v1/chat/completions`` (not streamed) with a
partner API key (``rag keys create``, per-key limit off with the same setting)
instead of the Gradio API; the staff cycle stays on the staff page. Reports are
then ``load-api.json`` and ``load-api.md`` (``make bench-load-api``).

Latency is the wall time of one ``/ask`` call, from the POST to the ``complete``
event (API mode: of one chat-completions call, POST to the whole JSON answer). The
demo questions repeat, so their query vectors come from the in-memory LRU after the
first round (as for the popular questions of a real day).

Usage (from the repo root)::

    .venv/bin/python eval/bench_load.py [--workers 1,0] [--duration 60] [--clients 4,8,16]
    BENCH_LOAD_DURATION=5 .venv/bin/python eval/bench_load.py --out /tmp/x   # a smoke run

Writes ``load.json`` and ``load.md`` to ``--out`` (``eval/reports``). The default of
``answer_workers`` was chosen with ``--workers 1,2,4,8 --clients 16 --duration 30
--plain-only --name load-workers``.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

import httpx
from load_client import (
    Asker,
    StaffCycle,
    Tally,
    api_asker,
    ask,
    huge_questions,
    load,
    staff_cycle,
)
from load_report import write_reports

from rag.evaluation.metrics import percentile

ROOT = Path(__file__).resolve().parents[1]
PASSWORD = "bench-load-ทดสอบ-2567"
HUGE_CHARS = 100_000
NEW_DOC = (
    "# สวนผักคนเมืองบ้านหนองโหลด\n\n"
    "โครงการสวนผักคนเมืองบ้านหนองโหลดมีสมาชิกทั้งหมด 4,321 ครัวเรือน "
    "และปลูกผักปลอดสารพิษบนพื้นที่ 27 ไร่ ตั้งแต่ปี 2567\n"
)
NEW_QUESTION = "โครงการสวนผักคนเมืองบ้านหนองโหลดมีสมาชิกกี่ครัวเรือน"
NEW_MARKER = "4,321"
VIA_CHAT = "the Gradio API `/ask`"
VIA_API = "`POST /v1/chat/completions` with a partner API key (not streamed)"


def free_port() -> int:
    """A free TCP port on 127.0.0.1."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def demo_questions(path: Path) -> list[str]:
    """The answerable, stand-alone questions of a question set."""
    items = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line]
    return [q["question"] for q in items if q.get("answerable") and not q.get("history")]


def env_for(workers: int) -> dict[str, str]:
    """The app's environment: staff password set, rate limit off, ``workers`` answers."""
    return {
        **os.environ,
        "PYTHONPATH": str(ROOT),
        "RAG_STAFF_PASSWORD": PASSWORD,
        "RAG_ASK_PER_MINUTE": "0",
        "RAG_ANSWER_WORKERS": str(workers),
    }


def build_index(corpus: Path, index: Path) -> None:
    """Index ``corpus`` into ``index`` with ``rag ingest``."""
    env = {**env_for(0), "RAG_INDEX_DIR": str(index)}
    cmd = [sys.executable, "-m", "rag.cli.main", "ingest", str(corpus), "-q"]
    subprocess.run(cmd, check=True, env=env, cwd=ROOT, stdout=subprocess.DEVNULL)


def partner_key(index: Path) -> str:
    """A partner API key made with ``rag keys create`` on ``index``."""
    env = {**env_for(0), "RAG_INDEX_DIR": str(index)}
    cmd = [sys.executable, "-m", "rag.cli.main", "keys", "create", "--role", "partner"]
    cmd += ["--name", "bench-load"]
    made = subprocess.run(cmd, check=True, env=env, cwd=ROOT, capture_output=True, text=True)
    return made.stdout.strip().splitlines()[-1]


def start_app(
    index: Path, corpus: Path, workers: int, log: Path
) -> tuple[subprocess.Popen[bytes], str]:
    """Start ``python -m ui.app`` and wait (up to 5 minutes) for ``/healthz``."""
    port = free_port()
    cmd = [sys.executable, "-m", "ui.app", "--index", str(index), "--corpus", str(corpus)]
    cmd += ["--port", str(port)]
    with log.open("ab") as out:
        proc = subprocess.Popen(cmd, env=env_for(workers), cwd=ROOT, stdout=out, stderr=out)
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 300
    while time.monotonic() < deadline and proc.poll() is None:
        try:
            if httpx.get(f"{url}/healthz", timeout=5).json()["documents"] > 0:
                return proc, url
        except (httpx.HTTPError, ValueError, KeyError):
            pass
        time.sleep(0.5)
    proc.kill()
    raise RuntimeError(f"the app did not start; see {log}")


def summary(name: str, clients: int, seconds: float, tally: Tally) -> dict[str, Any]:
    """The figures of one run."""
    lat = tally.latencies
    return {
        "name": name,
        "clients": clients,
        "seconds": round(seconds, 1),
        "answers": len(lat),
        "errors": len(tally.errors),
        "error_samples": sorted(set(tally.errors))[:3],
        "throughput_per_s": round(len(lat) / seconds, 2) if seconds else 0.0,
        "p50_s": round(percentile(lat, 50), 3),
        "p95_s": round(percentile(lat, 95), 3),
        "max_s": round(max(lat, default=0.0), 3),
        "load_avg_end": [round(x, 2) for x in os.getloadavg()],
    }


def timed_load(url: str, questions: list[str], clients: int, seconds: float, asker: Asker) -> Tally:
    """:func:`load_client.load`, logged."""
    print(f"  {clients} clients for {seconds:.0f} s …", flush=True)
    return load(url, questions, clients, seconds, asker)


def staff_run(
    url: str, questions: list[str], seconds: float, work: Path, asker: Asker
) -> dict[str, Any]:
    """16 partners while staff upload, wait for the document to be answerable, delete."""
    doc = work / "suan-phak-bench.md"
    doc.write_text(NEW_DOC, encoding="utf-8")
    result: list[StaffCycle] = []

    def staff() -> None:
        time.sleep(min(5.0, seconds / 4))
        result.append(staff_cycle(url, PASSWORD, doc, NEW_QUESTION, NEW_MARKER))

    thread = threading.Thread(target=staff)
    thread.start()
    tally = timed_load(url, questions, 16, seconds, asker)
    thread.join()
    run = summary("16 + staff upload/delete", 16, seconds, tally)
    cycle = result[0] if result else StaffCycle(0.0, None, 0.0, ["staff thread failed"])
    run["staff"] = {
        "upload_s": round(cycle.upload_s, 2),
        "answerable_after_s": None
        if cycle.answerable_after_s is None
        else round(cycle.answerable_after_s, 2),
        "delete_s": round(cycle.delete_s, 2),
        "errors": cycle.errors,
    }
    return run


def huge_run(url: str, questions: list[str], seconds: float, asker: Asker) -> dict[str, Any]:
    """16 partners while another client keeps sending a 100,000-character question."""
    refused: list[str] = []
    until = time.monotonic() + seconds
    huge = (url, HUGE_CHARS, until, refused, asker)
    thread = threading.Thread(target=huge_questions, args=huge)
    thread.start()
    tally = timed_load(url, questions, 16, seconds, asker)
    thread.join()
    run = summary("16 + 100k-character questions", 16, seconds, tally)
    run["huge"] = {
        "sent": len(refused),
        "answered": refused.count("ANSWERED"),
        "samples": sorted(set(refused))[:2],
    }
    return run


def bench_workers(
    workers: int,
    base: Path,
    args: argparse.Namespace,
    questions: list[str],
    work: Path,
    *,
    asker: Asker,
) -> dict[str, Any]:
    """Every run against one app started with ``workers``."""
    index = work / f"index-w{workers}"
    shutil.copytree(base, index)
    proc, url = start_app(index, args.corpus, workers, work / "app.log")
    print(f"workers={workers}: {url}", flush=True)
    try:
        load(url, questions, 2, min(10.0, args.duration), asker)  # warm-up: model, caches
        runs = []
        for clients in args.clients:
            tally = timed_load(url, questions, clients, args.duration, asker)
            runs.append(summary(f"{clients} clients", clients, args.duration, tally))
        if not args.plain_only:
            runs.append(staff_run(url, questions, args.duration, work, asker))
            runs.append(huge_run(url, questions, args.duration, asker))
        info = httpx.get(f"{url}/healthz", timeout=10).json()
    finally:
        proc.terminate()
        proc.wait(30)
    return {"workers": workers, "runs": runs, "documents_after": info["documents"]}


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    """Command-line options."""
    p = argparse.ArgumentParser(description=__doc__)
    p.add_argument("--workers", default="1,0", help="answer_workers values (0: the default)")
    p.add_argument("--clients", default="4,8,16", help="concurrent partners of the plain runs")
    default_duration = float(os.environ.get("BENCH_LOAD_DURATION", "60"))
    p.add_argument("--duration", type=float, default=default_duration, help="seconds per run")
    p.add_argument("--corpus", type=Path, default=ROOT / "corpus", help="documents to index")
    p.add_argument("--set", type=Path, default=ROOT / "eval" / "sets" / "demo.jsonl")
    p.add_argument("--out", type=Path, default=ROOT / "eval" / "reports", help="report folder")
    p.add_argument("--name", default="", help="report file stem (load; load-api with --api)")
    p.add_argument("--api", action="store_true", help="partners call /v1/chat/completions")
    p.add_argument("--plain-only", action="store_true", help="skip the staff and huge runs")
    args = p.parse_args(argv)
    args.workers = [int(w) for w in args.workers.split(",")]
    args.clients = [int(c) for c in args.clients.split(",")]
    args.name = args.name or ("load-api" if args.api else "load")
    return args


def main(argv: list[str] | None = None) -> int:
    """Run the benchmark and write the reports."""
    args = parse_args(argv)
    questions = demo_questions(args.set)
    started = {"load_avg_start": [round(x, 2) for x in os.getloadavg()]}
    with tempfile.TemporaryDirectory(prefix="bench-load-") as tmp:
        work = Path(tmp)
        print(f"indexing {args.corpus} …", flush=True)
        build_index(args.corpus, work / "base")
        asker = api_asker(partner_key(work / "base")) if args.api else ask
        base = work / "base"
        configs = [bench_workers(w, base, args, questions, work, asker=asker) for w in args.workers]
    result = {
        **started,
        "cpu_count": os.cpu_count(),
        "duration_s": args.duration,
        "questions": len(questions),
        "rate_limit": "disabled (RAG_ASK_PER_MINUTE=0)",
        "via": VIA_API if args.api else VIA_CHAT,
        "args": sys.argv[1:] if argv is None else argv,
        "configs": configs,
    }
    write_reports(result, args.out, args.name)
    print(f"wrote {args.out / (args.name + '.md')}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
