"""API keys of partners' tools and staff scripts, stored hashed in ``staff.sqlite``.

A key is ``thk_`` and 43 random URL-safe characters (:func:`secrets.token_urlsafe`).
It is shown once, when it is created; only its SHA-256 is kept (a random 256-bit
secret needs no slow hash). Each key has a unique name, a role and dates:

- ``partner``: search and ask (``/api/v1/search``, ``/api/v1/ask``, ``/v1/…``);
- ``staff``: the partner calls, plus documents, jobs and feedback.

A revoked key stays listed (with when it was revoked) and is refused from then on.

>>> import tempfile
>>> from pathlib import Path
>>> keys = ApiKeys(Path(tempfile.mkdtemp()) / "staff.sqlite")
>>> key, secret = keys.create("ร้านยา-ชุมชน", "partner")
>>> secret.startswith(PREFIX), keys.check(secret).name
(True, 'ร้านยา-ชุมชน')
>>> keys.revoke("ร้านยา-ชุมชน").revoked
True
>>> keys.check(secret)  # doctest: +ELLIPSIS
Traceback (most recent call last):
rag.errors.UnauthorizedError: ร้านยา-ชุมชน: this API key was revoked / ...
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Literal, get_args

from rag.errors import AccountError, ForbiddenError, UnauthorizedError
from rag.web.roles import user_name
from rag.web.staff_db import StaffTable, connect

KeyRole = Literal["partner", "staff"]
KEY_ROLES: tuple[KeyRole, ...] = get_args(KeyRole)
PREFIX = "thk_"
MAX_SECRET = 200  # longer bearer tokens are not ours; refused before hashing
SCHEMA = """
CREATE TABLE IF NOT EXISTS api_keys (
  name TEXT PRIMARY KEY,
  role TEXT NOT NULL,
  hash TEXT NOT NULL UNIQUE,
  created_at TEXT NOT NULL,
  last_used TEXT NOT NULL DEFAULT '',
  revoked_at TEXT NOT NULL DEFAULT ''
);
"""
_COLUMNS = "name, role, created_at, last_used, revoked_at"


@dataclass(frozen=True)
class ApiKey:
    """An API key as listed (never the key itself).

    Attributes:
        name: Its unique name (who uses it).
        role: ``partner`` or ``staff``.
        created_at: When it was created (UTC, ISO 8601).
        last_used: When it last authenticated a call; empty if never.
        revoked_at: When it was revoked; empty while it is valid.
    """

    name: str
    role: KeyRole
    created_at: str
    last_used: str = ""
    revoked_at: str = ""

    @property
    def revoked(self) -> bool:
        """Whether the key was revoked."""
        return bool(self.revoked_at)


def key_allows(role: KeyRole, needed: KeyRole) -> bool:
    """Whether a key of ``role`` may make a call that needs ``needed``.

    >>> key_allows("staff", "partner"), key_allows("partner", "staff")
    (True, False)
    """
    return role in (needed, "staff")


def key_forbidden(key: ApiKey, needed: KeyRole) -> ForbiddenError:
    """The refusal of a call that needs another role, in Thai and English.

    >>> key_forbidden(ApiKey("clinic", "partner", ""), "staff").english
    "API key 'clinic' (partner) may not make staff calls"
    """
    return ForbiddenError(
        key.name,
        f"คีย์ API {key.name} (บทบาท {key.role}) ไม่มีสิทธิ์เรียกใช้ส่วนของเจ้าหน้าที่",
        f"API key {key.name!r} ({key.role}) may not make {needed} calls",
    )


def _hash(secret: str) -> str:
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def key_role(role: str) -> KeyRole:
    """A known key role name.

    >>> key_role("admin")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    rag.errors.AccountError: admin: unknown API key role; one of ('partner', 'staff') / ...
    """
    if role not in KEY_ROLES:
        raise AccountError(
            role,
            f"ไม่รู้จักบทบาทของคีย์นี้ (มี {', '.join(KEY_ROLES)})",
            f"unknown API key role; one of {KEY_ROLES}",
        )
    return role


class ApiKeys(StaffTable):
    """The API key table of the staff database.

    Args:
        path: The staff database (normally ``<index_dir>/staff.sqlite``).
    """

    schema = SCHEMA

    def create(self, name: str, role: str) -> tuple[ApiKey, str]:
        """Create a key; returns it and its secret (shown once, never stored).

        Raises:
            AccountError: The name is invalid or taken (revoked keys keep theirs), or
                the role is unknown.
        """
        name, role = user_name(name), key_role(role)
        secret = PREFIX + secrets.token_urlsafe(32)
        key = ApiKey(name, role, _now())
        with connect(self.path) as db:
            found = db.execute("SELECT 1 FROM api_keys WHERE name=?", (name,)).fetchone()
            if found:
                raise AccountError(
                    name, f"มีคีย์ API ชื่อ {name} อยู่แล้ว", "an API key with this name exists"
                )
            db.execute(
                "INSERT INTO api_keys(name, role, hash, created_at) VALUES(?,?,?,?)",
                (name, role, _hash(secret), key.created_at),
            )
        return key, secret

    def revoke(self, name: str) -> ApiKey:
        """Revoke a key by name (revoking a revoked key changes nothing).

        Raises:
            AccountError: No key has that name.
        """
        with connect(self.path) as db:
            db.execute(
                "UPDATE api_keys SET revoked_at=? WHERE name=? AND revoked_at=''",
                (_now(), name.strip()),
            )
        found = self.get(name.strip())
        if found is None:
            raise AccountError(name, f"ไม่พบคีย์ API ชื่อ {name}", "no API key with this name")
        return found

    def get(self, name: str) -> ApiKey | None:
        """A key by name, or ``None``."""
        with connect(self.path) as db:
            row = db.execute(f"SELECT {_COLUMNS} FROM api_keys WHERE name=?", (name,)).fetchone()
        return ApiKey(*row) if row else None

    def list(self) -> list[ApiKey]:
        """Every key, revoked ones too, oldest first."""
        with connect(self.path) as db:
            rows = db.execute(f"SELECT {_COLUMNS} FROM api_keys ORDER BY created_at, name")
            return [ApiKey(*row) for row in rows.fetchall()]

    def check(self, secret: str) -> ApiKey:
        """The valid key of a secret, its last use stamped now.

        Raises:
            UnauthorizedError: The secret is empty, unknown or revoked.
        """
        row = None
        if secret.startswith(PREFIX) and len(secret) <= MAX_SECRET:
            with connect(self.path) as db:
                row = db.execute(
                    f"SELECT {_COLUMNS} FROM api_keys WHERE hash=?", (_hash(secret),)
                ).fetchone()
        if row is None:
            raise UnauthorizedError(
                "Authorization",
                "ไม่มีคีย์ API หรือคีย์ไม่ถูกต้อง (ส่งหัว Authorization: Bearer <คีย์>)",
                "missing or unknown API key (send Authorization: Bearer <key>)",
            )
        key = ApiKey(*row)
        if key.revoked:
            raise UnauthorizedError(key.name, "คีย์ API นี้ถูกยกเลิกแล้ว", "this API key was revoked")
        used = _now()
        with connect(self.path) as db:
            db.execute("UPDATE api_keys SET last_used=? WHERE name=?", (used, key.name))
        return ApiKey(key.name, key.role, key.created_at, used, "")
