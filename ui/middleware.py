"""ASGI middleware of the web app: the client address, and the partner surface's allow-list."""

from __future__ import annotations

import logging
from contextvars import ContextVar

from fastapi.responses import PlainTextResponse
from starlette.types import ASGIApp, Receive, Scope, Send
from starlette.websockets import WebSocketClose

from rag.web.surface import is_staff_path, partner_allows

log = logging.getLogger(__name__)
NO_ROUTE = "ไม่พบหน้านี้ / Not found"
CLIENT_ADDRESS: ContextVar[str] = ContextVar("client_address", default="")


class ClientAddress:
    """ASGI middleware: the request's client address in :data:`CLIENT_ADDRESS`.

    Gradio calls the ``auth`` callable with a user name and password only; the login
    throttle also needs the address (uvicorn's, after its trusted-proxy handling).
    """

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Run the app with the address set for this request."""
        client = scope.get("client") if scope["type"] == "http" else None
        token = CLIENT_ADDRESS.set(client[0] if client else "")
        try:
            await self.app(scope, receive, send)
        finally:
            CLIENT_ADDRESS.reset(token)


class PartnerSurface:
    """ASGI middleware: outside ``/staff``, only allow-listed partner routes are answered."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Pass staff paths and allowed partner routes on; answer anything else 404."""
        if scope["type"] in ("http", "websocket"):
            path = scope["path"].removeprefix(scope.get("root_path", "")) or "/"
            method = scope.get("method", "WEBSOCKET")
            if not is_staff_path(path) and not partner_allows(method, path):
                log.info("partner surface: refused %s %s", method, path)
                if scope["type"] == "websocket":
                    await WebSocketClose()(scope, receive, send)
                    return
                await PlainTextResponse(NO_ROUTE, status_code=404)(scope, receive, send)
                return
        await self.app(scope, receive, send)
