"""The partner surface: an explicit allow-list of what may be reached without a login.

The partner chat, Gradio's front end for it, ``/doc/{id}`` and LINE's signed webhook
are public; the staff area under ``/staff`` has its own login; the APIs under
``/api/v1`` and ``/v1`` check an API key on every call (:mod:`rag.web.api.gate`). Every
other path is closed, whatever Gradio serves there: its file cache
(``/gradio_api/file=…``, where staff exports and reports land), its proxy, run history,
monitoring, and any route a new Gradio version adds.

>>> partner_allows("GET", "/doc/3f2a9c")
True
>>> partner_allows("GET", "/gradio_api/file=/tmp/gradio/ab12/feedback-drafts.jsonl")
False
>>> partner_allows("POST", "/doc/3f2a9c"), partner_allows("GET", "/assets/../index.py")
(False, False)
>>> partner_allows("POST", "/line/webhook"), partner_allows("GET", "/line/webhook")
(True, False)
>>> partner_allows("POST", "/v1/chat/completions"), partner_allows("DELETE", "/api/v1/documents/d1")
(True, True)
>>> partner_allows("GET", "/v1/chat/completions"), partner_allows("GET", "/api/v1/docs")
(False, False)
>>> is_staff_path("/staff/gradio_api/info"), is_staff_path("/staff"), is_staff_path("/staffing")
(True, True, False)
"""

from __future__ import annotations

import re

_GET = frozenset({"GET", "HEAD"})
_POST = frozenset({"POST"})
_DELETE = frozenset({"DELETE"})
_SEGMENT = r"[^/]+"
_NO_DOTS = r"(?!(.*/)?\.\.?(/|$))"  # no "." or ".." segment

#: (methods, full-match pattern) of every route the partner surface answers.
PARTNER_ROUTES: tuple[tuple[frozenset[str], re.Pattern[str]], ...] = tuple(
    (methods, re.compile(pattern))
    for methods, pattern in (
        # ours (ui/app.py): documents by id, health, the refused upload (403)
        (_GET, rf"/doc/{_SEGMENT}"),
        (_GET, r"/healthz"),
        (_POST, r"/gradio_api/upload"),
        # LINE's webhook (ui/line.py; signed by LINE, 404 when no channel is configured)
        (_POST, r"/line/webhook"),
        # the chat page and Gradio's built front end (files of the gradio package)
        (_GET, r"/"),
        (_GET, r"/config/?"),
        (_GET, r"/(gradio_api/)?theme\.css"),
        (_GET, r"/favicon\.ico|/robots\.txt"),
        (_GET, rf"/(assets|static|svelte)/{_NO_DOTS}.+"),
        # the chat's API: endpoint list, queue, session keep-alive, cancel
        (_GET, r"/gradio_api/info/?"),
        (_POST, r"/gradio_api/queue/join"),
        (_GET, r"/gradio_api/queue/data"),
        (_GET, rf"/gradio_api/heartbeat/{_SEGMENT}"),
        (_POST, r"/gradio_api/(cancel|reset)/?"),
        (_POST, rf"/gradio_api/call/{_SEGMENT}/?"),
        (_GET, rf"/gradio_api/call/{_SEGMENT}/{_SEGMENT}"),
        # the key-only APIs (ui/api.py, ui/api_openai.py): each call checks its key
        (_POST, r"/api/v1/(search|ask|documents)"),
        (_GET, r"/api/v1/(documents|feedback|feedback/export|openapi\.json)"),
        (_GET, rf"/api/v1/jobs/{_SEGMENT}"),
        (_DELETE, rf"/api/v1/documents/{_SEGMENT}"),
        (_GET, r"/v1/models"),
        (_POST, r"/v1/chat/completions"),
    )
)


def is_staff_path(path: str) -> bool:
    """Whether a request path belongs to the staff area (which has its own login)."""
    return path == "/staff" or path.startswith("/staff/")


def partner_allows(method: str, path: str) -> bool:
    """Whether the partner surface answers ``method path`` (else it is a 404)."""
    return any(
        method.upper() in methods and pattern.fullmatch(path) for methods, pattern in PARTNER_ROUTES
    )
