"""API errors as JSON: every :class:`~rag.errors.RagError` has a status and a code.

The body is ``{"error": {"code", "message_th", "message_en", "subject"}}``; a rate
limit adds the ``Retry-After`` header.

>>> from rag.errors import TooLargeError
>>> status, body, headers = error_response(TooLargeError("question", "ยาวเกินไป", "too long"))
>>> status, body["error"]["code"], body["error"]["message_th"], headers
(413, 'too_large', 'ยาวเกินไป', {})
>>> error_response(RateLimitedError("api key", "รอ", "wait", 2.2))[2]
{'Retry-After': '3'}
"""

from __future__ import annotations

import math
from typing import Any

from rag.errors import (
    AccountError,
    BackendError,
    ConfigError,
    ForbiddenError,
    IndexBusyError,
    InputError,
    NotFoundError,
    RagError,
    RateLimitedError,
    TooLargeError,
    UnauthorizedError,
)

#: (error class, HTTP status, code), the first matching class wins (subclasses first).
STATUSES: tuple[tuple[type[RagError], int, str], ...] = (
    (UnauthorizedError, 401, "unauthorized"),
    (ForbiddenError, 403, "forbidden"),
    (NotFoundError, 404, "not_found"),
    (RateLimitedError, 429, "rate_limited"),
    (TooLargeError, 413, "too_large"),
    (InputError, 400, "bad_input"),
    (AccountError, 400, "bad_input"),
    (ConfigError, 400, "bad_input"),
    (IndexBusyError, 503, "busy"),
    (BackendError, 502, "backend"),
    (RagError, 500, "error"),
)


def error_status(exc: RagError) -> tuple[int, str]:
    """The HTTP status and code of an error.

    >>> error_status(UnauthorizedError("key", "ไม่มีคีย์", "no key"))
    (401, 'unauthorized')
    """
    return next((status, code) for kind, status, code in STATUSES if isinstance(exc, kind))


def error_response(exc: RagError) -> tuple[int, dict[str, Any], dict[str, str]]:
    """The status, JSON body and headers of an error."""
    status, code = error_status(exc)
    body = {
        "error": {
            "code": code,
            "message_th": exc.thai,
            "message_en": exc.english,
            "subject": exc.subject,
        }
    }
    headers = {}
    if isinstance(exc, RateLimitedError):
        headers["Retry-After"] = str(max(1, math.ceil(exc.retry_after)))
    return status, body, headers


def bad_request(detail: str) -> InputError:
    """A request the API could not read (bad JSON, a missing or mistyped field).

    >>> bad_request("body.question: Field required").english
    'invalid request: body.question: Field required'
    """
    return InputError("request", f"คำขอไม่ถูกต้อง: {detail}", f"invalid request: {detail}")
