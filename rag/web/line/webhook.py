"""Signed LINE webhook calls: check ``X-Line-Signature`` and parse the events.

LINE signs the raw body with the channel secret (HMAC-SHA256, base64). The check
and the parsing into ``linebot.v3.webhooks`` events are the official SDK's
(``WebhookParser``); an unsigned or wrongly signed call is refused before any event
is read.

>>> body = b'{"destination": "U0", "events": []}'
>>> parse_events(body, sign(body, "s3cret"), "s3cret")
[]
>>> parse_events(body, sign(body, "other"), "s3cret")
Traceback (most recent call last):
...
rag.errors.SignatureError: X-Line-Signature: the signature does not match the body / ลายเซ็นไม่ถูกต้อง
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
from typing import Any

from rag.errors import InputError, SignatureError

SIGNATURE_HEADER = "X-Line-Signature"


def sign(body: bytes, secret: str) -> str:
    """The ``X-Line-Signature`` LINE sends with ``body`` (HMAC-SHA256 with the secret, base64).

    >>> sign(b'{"events": []}', "secret")
    'JfXcm0J3AFnQOaFAy1+mXJvZn/bEEiayDEZmMoFXmyE='
    """
    digest = hmac.new(secret.encode("utf-8"), body, hashlib.sha256).digest()
    return base64.b64encode(digest).decode("ascii")


def _refused(english: str) -> SignatureError:
    return SignatureError(SIGNATURE_HEADER, "ลายเซ็นไม่ถูกต้อง", english)


def parse_events(body: bytes, signature: str | None, secret: str) -> list[Any]:
    """The events of a webhook call whose signature matches its raw body.

    Args:
        body: The raw request body, as received.
        signature: The ``X-Line-Signature`` header, or ``None`` when missing.
        secret: The channel secret.

    Returns:
        ``linebot.v3.webhooks`` events (``MessageEvent``, ``PostbackEvent``…), in order.

    Raises:
        SignatureError: The signature is missing or does not match.
        InputError: A signed body that is not a webhook payload.
    """
    from linebot.v3 import WebhookParser
    from linebot.v3.exceptions import InvalidSignatureError

    if not signature:
        raise _refused("the signature header is missing")
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError as exc:  # LINE sends UTF-8 JSON; this is not from LINE
        raise _refused("the body is not UTF-8") from exc
    try:
        return list(WebhookParser(secret).parse(text, signature))
    except InvalidSignatureError as exc:
        raise _refused("the signature does not match the body") from exc
    except (ValueError, KeyError, TypeError) as exc:  # json.JSONDecodeError is a ValueError
        detail = exc.msg if isinstance(exc, json.JSONDecodeError) else repr(exc)
        raise InputError(
            "webhook", "ข้อมูลจาก LINE ไม่ถูกต้อง", f"not a webhook payload: {detail}"
        ) from exc
