"""``python -m ui.app``: index the demo corpus if needed and serve the web app.

Routes: the partner chat at ``/``, the staff area at ``/staff`` (login required;
its Gradio API refuses calls without the session cookie), ``/line/webhook`` and
documents at ``/doc/{doc_id}``, looked up in the manifest by id, never by path; the
key-only APIs at ``/api/v1`` and ``/v1`` (:mod:`ui.api`, :mod:`ui.api_openai`). Outside
``/staff`` only the routes of :data:`rag.web.surface.PARTNER_ROUTES` answer; every
other path (Gradio's file cache among them) is a 404.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import os
import sys
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from pathlib import Path
from urllib.parse import quote

import gradio as gr
from fastapi import FastAPI, HTTPException
from fastapi.responses import (
    FileResponse,
    JSONResponse,
    PlainTextResponse,
    RedirectResponse,
    Response,
)

from rag.config import Config, load_config
from rag.errors import LoginLockedError, RagError
from rag.index.index import Index
from rag.web.accounts import StaffAccounts, open_accounts
from rag.web.audit import AuditLog
from rag.web.feedback import FeedbackStore
from rag.web.job_worker import JobWorker
from rag.web.jobs import JobStore
from rag.web.library import Library
from rag.web.ratelimit import RateLimiter
from rag.web.staff_jobs import RERUN, EvalPlaces, staff_runners
from rag.web.throttle import GuardedLogin, LoginThrottle, ThrottleSettings
from ui import Services
from ui.api_openai import include_apis
from ui.line import mount_line
from ui.middleware import CLIENT_ADDRESS, ClientAddress, PartnerSurface
from ui.partner import build_partner
from ui.staff import build_staff
from ui.theme import CSS, theme

ROOT = Path(__file__).resolve().parent.parent
log = logging.getLogger(__name__)
NOT_FOUND = "ไม่พบเอกสารนี้ / Document not found"
NO_UPLOAD = "ส่วนถาม-ตอบไม่รับไฟล์ / The chat does not accept uploads"


def shared_dir() -> Path:
    """``RAG_SHARED_DIR``, else ``shared`` next to the repository (``../shared``)."""
    return Path(os.environ.get("RAG_SHARED_DIR", str(ROOT.parent / "shared")))


def open_services(
    cfg: Config,
    eval_dir: Path = ROOT / "eval",
    corpus_dir: Path = ROOT / "corpus",
    shared: Path | None = None,
    accounts: StaffAccounts | None = None,
) -> Services:
    """Open the index, library, feedback store, staff accounts, audit log and staff jobs.

    Without ``accounts``, they are opened with :func:`rag.web.accounts.open_accounts`.
    The job worker is not started here: :func:`create_app` runs it while the app serves.
    """
    index = Index(cfg)
    library = Library(index)
    shared = shared or shared_dir()
    places = EvalPlaces(
        cfg, eval_dir / "reports", eval_dir / "sets", corpus_dir, shared,
        eval_dir / "thresholds.toml",
    )  # fmt: skip
    jobs = JobStore.in_index(cfg.index_dir)
    worker = JobWorker(jobs, staff_runners(library, places, jobs.submit), RERUN)
    return Services(
        cfg,
        index,
        library,
        FeedbackStore.for_config(cfg),
        eval_dir / "sets",
        eval_dir / "reports",
        corpus_dir,
        shared,
        accounts or open_accounts(cfg)[0],
        AuditLog.for_config(cfg),
        jobs,
        worker,
        RateLimiter.from_config(cfg),
    )


def doc_response(services: Services, doc_id: str) -> Response:
    """The stored file of a document, or a 404 in Thai and English."""
    found = services.library.document_file(doc_id)
    if found is None:
        return PlainTextResponse(NOT_FOUND, status_code=404)
    headers = {"X-Content-Type-Options": "nosniff", "Cache-Control": "private, max-age=300"}
    if not found.media_type.startswith("application/pdf"):
        headers["Content-Security-Policy"] = "sandbox"  # uploaded HTML runs no script here
    disposition = f"inline; filename*=UTF-8''{quote(found.file_name)}"
    if found.path is None:
        headers["Content-Disposition"] = disposition
        return Response(found.text, media_type=found.media_type, headers=headers)
    return FileResponse(
        found.path,
        media_type=found.media_type,
        headers=headers,
        content_disposition_type="inline",
        filename=found.file_name,
    )


def staff_auth(guard: GuardedLogin) -> Callable[[str, str], Awaitable[bool]]:
    """An async Gradio ``auth`` callable: throttled, checked off the event loop.

    Gradio awaits a coroutine function in its ``/login`` route (a plain function
    would run scrypt on the event loop). A locked attempt is a 429 in Thai + English.
    """

    async def check(user: str, password: str) -> bool:
        try:
            return await guard.check(user, password, CLIENT_ADDRESS.get())
        except LoginLockedError as exc:
            headers = {"Retry-After": str(int(exc.retry_after))}
            raise HTTPException(429, detail=str(exc), headers=headers) from exc

    return check


def create_app(services: Services) -> FastAPI:
    """The FastAPI app with both Gradio apps mounted.

    The staff job worker runs for the app's lifespan (started by the server).

    Args:
        services: Open index, library, feedback store, staff accounts, audit log and
            staff jobs; staff logins are checked against ``services.accounts`` behind
            the throttle.
    """

    @asynccontextmanager
    async def run_jobs(_: FastAPI) -> AsyncIterator[None]:
        services.worker.start()  # staff jobs run while the app serves
        try:
            yield
        finally:
            await asyncio.to_thread(services.worker.stop)
            await asyncio.to_thread(close_line)

    app = FastAPI(
        title="ThaiHealth RAG", docs_url=None, redoc_url=None, openapi_url=None, lifespan=run_jobs
    )

    @app.get("/doc/{doc_id}")
    def get_doc(doc_id: str) -> Response:
        return doc_response(services, doc_id)

    close_line = mount_line(app, services)  # POST /line/webhook (ui/line.py)

    @app.post("/gradio_api/upload")
    def no_partner_upload() -> Response:
        return JSONResponse({"detail": NO_UPLOAD}, status_code=403)

    @app.get("/staff")
    def staff_slash() -> Response:
        return RedirectResponse("staff/", status_code=307)  # Gradio serves only /staff/

    @app.get("/healthz")
    def health() -> dict[str, int]:
        return {"documents": len(services.library.documents())}

    include_apis(app, services)
    app.add_middleware(ClientAddress)
    throttle = LoginThrottle(ThrottleSettings.from_config(services.cfg))
    look = {"theme": theme(), "css": CSS, "footer_links": []}
    app = gr.mount_gradio_app(
        app,
        build_staff(services),
        path="/staff",
        auth=staff_auth(GuardedLogin(services.accounts.check, throttle, services.audit)),
        auth_message="ส่วนเจ้าหน้าที่ สสส. — กรุณาเข้าสู่ระบบ / ThaiHealth staff — please log in",
        max_file_size=f"{services.cfg.max_file_mb}mb",
        show_error=True,
        **look,
    )
    mounted: FastAPI = gr.mount_gradio_app(
        app, build_partner(services), path="", show_error=True, **look
    )
    mounted.add_middleware(PartnerSurface)
    return mounted


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    """Command-line options of ``python -m ui.app``."""
    parser = argparse.ArgumentParser(prog="python -m ui.app", description=__doc__)
    parser.add_argument("--index", type=Path, default=None, help="index folder")
    parser.add_argument("--config", type=Path, default=None, help="TOML config (rag.toml)")
    parser.add_argument("--corpus", type=Path, default=ROOT / "corpus", help="demo documents")
    parser.add_argument("--no-ingest", action="store_true", help="do not index the corpus")
    parser.add_argument("--host", default=None, help="listen address (server_host)")
    parser.add_argument("--port", type=int, default=None, help="port (server_port)")
    return parser.parse_args(argv)


def password_notice(user: str, password_file: Path) -> str:
    """Where a new staff password was written (never the password itself)."""
    return (
        f"🔑 รหัสผ่านเจ้าหน้าที่ใหม่ของผู้ใช้ {user} อยู่ในไฟล์ {password_file} "
        f"(เจ้าของเท่านั้นที่อ่านได้ จดแล้วลบไฟล์ทิ้ง) / the new staff password of user "
        f"{user} is in {password_file} (owner-only; delete it once noted)"
    )


def main(argv: list[str] | None = None) -> int:
    """Prepare the index, print the URL (and where a new staff password is), serve."""
    import uvicorn

    args = parse_args(argv)
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    try:
        cfg = load_config(args.config)
        changes = {"index_dir": args.index, "server_host": args.host, "server_port": args.port}
        cfg = cfg.with_(**{k: v for k, v in changes.items() if v is not None})
        accounts, password_file = open_accounts(cfg)
        services = open_services(cfg, corpus_dir=args.corpus, accounts=accounts)
        if not args.no_ingest and args.corpus.is_dir():
            print(f"กำลังตรวจดัชนีของ {args.corpus} … / checking the index of {args.corpus}")
            found, sync = services.library.ensure_folder(args.corpus)
            changed = [f for f in found if f.status not in ("unchanged",)]
            for f in changed:
                print(f"{f.symbol} {f.status:<9} {f.path} {f.message}")
            print(f"เอกสาร / documents: {len(services.library.documents())}, +{sync.added} chunks")
    except RagError as exc:
        print(f"❌ {exc}", file=sys.stderr)
        return 2
    if password_file:
        print(password_notice(cfg.staff_user, password_file))
    url = f"http://{cfg.server_host}:{cfg.server_port}"
    print(f"🌐 {url}/  (staff: {url}/staff/)", flush=True)
    uvicorn.run(
        create_app(services), host=cfg.server_host, port=cfg.server_port, log_level="warning"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
