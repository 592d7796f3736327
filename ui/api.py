"""The REST API under ``/api/v1``, for partner and staff API keys (``Authorization: Bearer``).

Partner keys: ``POST /search``, ``POST /ask``. Staff keys, also: ``GET|POST /documents``,
``DELETE /documents/{id}``, ``GET /jobs/{id}``, ``GET /feedback``,
``GET /feedback/export``. The schema is at ``GET /api/v1/openapi.json`` (FastAPI's).
The logic is in :mod:`rag.web.api`; here each route is wired and audited.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Coroutine, Iterator
from typing import Any

import anyio.to_thread
from fastapi import APIRouter, File, Request, Response, Security, UploadFile
from fastapi.exceptions import RequestValidationError
from fastapi.openapi.utils import get_openapi
from fastapi.responses import JSONResponse
from fastapi.routing import APIRoute
from fastapi.security import HTTPBearer

from rag.data import Turn
from rag.errors import RagError
from rag.web.answering import answer_workers
from rag.web.api import library_calls as calls
from rag.web.api.answers import answer_items, final_answer, sources
from rag.web.api.errors import bad_request, error_response
from rag.web.api.gate import KeyGate
from rag.web.api.models import (
    AskRequest,
    AskResponse,
    DocumentList,
    ErrorBody,
    FeedbackList,
    JobOut,
    SearchRequest,
    SearchResponse,
)
from rag.web.api.slots import AnswerSlots
from rag.web.apikeys import KeyRole
from rag.web.feedback import draft_entries
from ui import Services

PREFIX = "/api/v1"
VERSION = "1.0.0"
MIB = 1024 * 1024
ERRORS: dict[int | str, dict[str, Any]] = {
    code: {"model": ErrorBody, "description": text}
    for code, text in (
        (400, "bad input"), (401, "missing, unknown or revoked key"), (403, "wrong role"),
        (404, "no such document or job"), (413, "too large"), (429, "rate limited (Retry-After)"),
    )
}  # fmt: skip
Handler = Callable[[Request], Coroutine[Any, Any, Response]]


def error_json(exc: RagError) -> JSONResponse:
    """An error as the API's JSON body, with its status and headers."""
    status, body, headers = error_response(exc)
    return JSONResponse(body, status_code=status, headers=headers)


def gated_route(gate: KeyGate, role: KeyRole, max_body_mb: int) -> type[APIRoute]:
    """A route class whose calls need a key of ``role``, answer errors as JSON, and are audited.

    The key is checked before the body is read; ``request.state.api_key`` holds it.
    """

    class GatedRoute(APIRoute):
        def get_route_handler(self) -> Handler:
            handler = super().get_route_handler()

            async def gated(request: Request) -> Response:
                name, outcome = "", ""
                try:
                    auth = request.headers.get("authorization")
                    key = await anyio.to_thread.run_sync(gate.identify, auth)
                    request.state.api_key, name = key, key.name
                    gate.allow(key, role)
                    size = int(request.headers.get("content-length") or 0)
                    if size > (max_body_mb + 1) * MIB:
                        raise calls.too_large("request", max_body_mb)
                    response = await handler(request)
                except RagError as exc:
                    response, outcome = error_json(exc), f" {exc.english}"
                except RequestValidationError as exc:
                    where = "; ".join(
                        f"{'.'.join(map(str, e.get('loc', ())))}: {e.get('msg', '')}"
                        for e in exc.errors()
                    )
                    response, outcome = error_json(bad_request(where[:300])), f" {where}"
                route = f"{request.method} {request.url.path}"
                outcome = f"{response.status_code}{outcome}"
                await anyio.to_thread.run_sync(gate.record, name, route, outcome)
                return response

            return gated

    return GatedRoute


def api_openapi(router: APIRouter) -> dict[str, Any]:
    """The OpenAPI schema of the REST API (FastAPI's generator, over its routes)."""
    return get_openapi(
        title="ThaiHealth RAG API",
        version=VERSION,
        description=(
            "Search and cited answers over the ThaiHealth library (partner keys); documents, "
            "jobs and feedback (staff keys). Send `Authorization: Bearer <key>`. Errors are "
            '`{"error": {"code", "message_th", "message_en", "subject"}}`.'
        ),
        routes=router.routes,
    )


def api_router(services: Services, gate: KeyGate, slots: AnswerSlots | None = None) -> APIRouter:
    """The ``/api/v1`` routes (see the module doc), with ``/api/v1/openapi.json``."""
    cfg, library = services.cfg, services.library
    slots = slots or AnswerSlots(answer_workers(cfg), services.in_flight)
    base = cfg.public_base_url
    secured = [Security(HTTPBearer(auto_error=False, description="an API key (thk_…)"))]
    common: dict[str, Any] = {"dependencies": secured, "responses": ERRORS}
    partner = APIRouter(route_class=gated_route(gate, "partner", cfg.max_file_mb), **common)
    staff = APIRouter(route_class=gated_route(gate, "staff", cfg.max_file_mb), **common)

    @partner.post("/search", tags=["partner"])
    async def search(body: SearchRequest) -> SearchResponse:
        """The passages that best match a query, best first."""
        hits = await anyio.to_thread.run_sync(calls.search, library, body.query, body.k, base)
        return SearchResponse.model_validate({"hits": hits})

    @partner.post("/ask", tags=["partner"])
    async def ask(body: AskRequest) -> AskResponse:
        """A cited answer (``[n]`` markers); ``history`` resolves follow-ups."""
        history = [Turn(t.question, t.answer) for t in body.history]

        def answer() -> Any:
            return final_answer(answer_items(body.question, services.index, history, library.lock))

        found = await slots.run(answer)
        return AskResponse.model_validate(
            {"answer": found.text, "refused": found.refused, "confidence": found.confidence,
             "notice": found.notice, "sources": sources(found, base)}
        )  # fmt: skip

    @staff.get("/documents", tags=["staff"])
    async def documents() -> DocumentList:
        """Every document, newest first."""
        docs = await anyio.to_thread.run_sync(library.documents)
        return DocumentList.model_validate({"documents": [d.__dict__ for d in docs]})

    @staff.post("/documents", status_code=202, tags=["staff"])
    async def upload(request: Request, file: UploadFile = File(...)) -> JobOut:  # noqa: B008
        """Upload a file; it is indexed by a background job (poll ``/jobs/{id}``)."""
        user = f"api:{request.state.api_key.name}"

        def parts() -> Iterator[bytes]:
            while part := file.file.read(MIB):
                yield part

        def submit() -> dict[str, Any]:
            job_id = calls.submit_upload(
                library, services.worker, file.filename or "", parts(), user
            )
            return calls.job_json(services.jobs, job_id)

        return JobOut.model_validate(await anyio.to_thread.run_sync(submit))

    @staff.delete("/documents/{doc_id}", status_code=202, tags=["staff"])
    async def delete(doc_id: str, request: Request) -> JobOut:
        """Delete a document: a background job (poll ``/jobs/{id}``)."""
        user = f"api:{request.state.api_key.name}"

        def submit() -> dict[str, Any]:
            job_id = calls.submit_delete(library, services.worker, doc_id, user)
            return calls.job_json(services.jobs, job_id)

        return JobOut.model_validate(await anyio.to_thread.run_sync(submit))

    @staff.get("/jobs/{job_id}", tags=["staff"])
    async def job(job_id: int) -> JobOut:
        """A job's state, progress and result."""
        return JobOut.model_validate(calls.job_json(services.jobs, job_id))

    @staff.get("/feedback", tags=["staff"])
    async def feedback() -> FeedbackList:
        """Partners' ratings, oldest first."""
        rows = await anyio.to_thread.run_sync(calls.feedback_json, services.feedback, base)
        return FeedbackList.model_validate({"feedback": rows})

    @staff.get("/feedback/export", tags=["staff"], response_class=Response)
    async def feedback_export() -> Response:
        """The 👎 ratings as draft question-set entries (JSONL, ``eval/sets`` schema)."""
        entries = draft_entries(services.feedback.rows("down"))
        text = "".join(json.dumps(e, ensure_ascii=False) + "\n" for e in entries)
        return Response(text, media_type="application/x-ndjson; charset=utf-8")

    router = APIRouter(prefix=PREFIX)
    router.include_router(partner)
    router.include_router(staff)
    schema: dict[str, Any] = {}  # built once, on the first request

    @router.get("/openapi.json", include_in_schema=False)
    def openapi() -> JSONResponse:
        if not schema:
            schema.update(api_openapi(router))
        return JSONResponse(schema)

    return router
