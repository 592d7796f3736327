"""Password hashing and the private files of the first staff password.

Passwords are kept only as salted scrypt hashes (:func:`hash_password`). When an
install has no admin account and no configured ``staff_password``, the first admin's
random password is written once to ``<index_dir>/staff_password.txt``, readable by
its owner only (mode 0600), so it never reaches a console or a log
(see :func:`rag.web.accounts.open_accounts`). Installs from before the accounts kept
that password's hash in ``<index_dir>/staff_auth.json``; :func:`legacy_hash` reads it.

>>> salt = new_salt()
>>> check_password("s3cret", salt, hash_password("s3cret", salt))
True
>>> check_password("nope", salt, hash_password("s3cret", salt))
False
"""

from __future__ import annotations

import hashlib
import hmac
import json
import os
import secrets
from pathlib import Path

from rag.errors import ConfigError

AUTH_FILE = "staff_auth.json"
PASSWORD_FILE = "staff_password.txt"
_SCRYPT = {"n": 2**14, "r": 8, "p": 1}


def hash_password(password: str, salt: bytes) -> str:
    """The hex scrypt hash of a password with a salt."""
    return hashlib.scrypt(password.encode(), salt=salt, dklen=32, **_SCRYPT).hex()


def new_salt() -> bytes:
    """A fresh random salt."""
    return secrets.token_bytes(16)


def check_password(password: str, salt: bytes, digest: str) -> bool:
    """Whether a password has this salted hash (one scrypt, constant-time compare)."""
    return hmac.compare_digest(hash_password(password, salt), digest)


def new_password() -> str:
    """A random password for a new account (16 URL-safe characters)."""
    return secrets.token_urlsafe(12)


def legacy_hash(path: Path) -> tuple[bytes, str] | None:
    """The salt and hash of an older install's ``staff_auth.json``, or ``None`` when absent.

    Raises:
        ConfigError: The file exists but cannot be read.
    """
    if not path.exists():
        return None
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
        return bytes.fromhex(raw["salt"]), str(raw["hash"])
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise ConfigError(
            str(path),
            f"อ่านไฟล์รหัสผ่านเจ้าหน้าที่ไม่ได้ ให้ลบไฟล์ {path.name} เพื่อสร้างรหัสผ่านใหม่",
            f"cannot read the staff password hash ({exc}); delete it to generate a new one",
        ) from exc


def create_private(path: Path, text: str) -> None:
    """Create a new file only its owner can read (fails when the path exists)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0)
    fd = os.open(path, flags, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as fh:
        fh.write(text)


def write_password(path: Path, user: str, password: str) -> None:
    """Write a new password once to a private file (a stale one is replaced).

    Raises:
        ConfigError: The file cannot be written.
    """
    path.unlink(missing_ok=True)  # a stale file from an earlier password
    try:
        create_private(path, f"user: {user}\npassword: {password}\n")
    except OSError as exc:
        raise ConfigError(
            str(path),
            f"เขียนไฟล์รหัสผ่านเจ้าหน้าที่ {path.name} ไม่ได้",
            f"cannot write the new staff password ({exc})",
        ) from exc
