"""Staff credentials: configured, or generated once and kept only as a hash.

When ``staff_password`` is set (``rag.toml`` or ``RAG_STAFF_PASSWORD``) it is the
password. Otherwise :func:`staff_login` generates a random password on first use,
stores its salted scrypt hash in ``<index_dir>/staff_auth.json`` and writes the
password once to ``<index_dir>/staff_password.txt``, readable by its owner only
(mode 0600), so it never reaches a console or a log. Delete the hash file to get a
new password.

>>> import tempfile
>>> cfg = Config(index_dir=Path(tempfile.mkdtemp()), staff_password="s3cret")
>>> login, password_file = staff_login(cfg)
>>> password_file is None, login.check("staff", "s3cret"), login.check("staff", "nope")
(True, True, False)
"""

from __future__ import annotations

import hashlib
import hmac
import json
import os
import secrets
from dataclasses import dataclass
from pathlib import Path

from rag.config import Config
from rag.errors import ConfigError

AUTH_FILE = "staff_auth.json"
PASSWORD_FILE = "staff_password.txt"
_SCRYPT = {"n": 2**14, "r": 8, "p": 1}


def hash_password(password: str, salt: bytes) -> str:
    """The hex scrypt hash of a password with a salt."""
    return hashlib.scrypt(password.encode(), salt=salt, dklen=32, **_SCRYPT).hex()


@dataclass(frozen=True)
class StaffLogin:
    """One staff account: a user name and the salted hash of its password."""

    user: str
    salt: bytes
    digest: str

    @classmethod
    def from_password(cls, user: str, password: str) -> StaffLogin:
        """An account from a clear-text password (hashed with a fresh salt)."""
        salt = secrets.token_bytes(16)
        return cls(user, salt, hash_password(password, salt))

    def check(self, user: str, password: str) -> bool:
        """Whether a user name and password are this account's (constant-time)."""
        same_user = hmac.compare_digest(user.strip().encode(), self.user.encode())
        same_password = hmac.compare_digest(hash_password(password, self.salt), self.digest)
        return same_user and same_password

    def __call__(self, user: str, password: str) -> bool:
        """Alias of :meth:`check`, so an account is a Gradio ``auth`` callable."""
        return self.check(user, password)


def _read(path: Path, user: str) -> StaffLogin:
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
        return StaffLogin(user, bytes.fromhex(raw["salt"]), str(raw["hash"]))
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise ConfigError(
            str(path),
            f"อ่านไฟล์รหัสผ่านเจ้าหน้าที่ไม่ได้ ให้ลบไฟล์ {path.name} เพื่อสร้างรหัสผ่านใหม่",
            f"cannot read the staff password hash ({exc}); delete it to generate a new one",
        ) from exc


def _create_private(path: Path, text: str) -> None:
    """Create a new file only its owner can read (fails when the path exists)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0)
    fd = os.open(path, flags, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as fh:
        fh.write(text)


def _write(path: Path, login: StaffLogin) -> None:
    data = json.dumps({"salt": login.salt.hex(), "hash": login.digest, "kdf": "scrypt"})
    _create_private(path, data)


def _write_password(path: Path, login: StaffLogin, password: str, auth: Path) -> None:
    """Write a new password once; on failure remove its hash so the next start retries."""
    path.unlink(missing_ok=True)  # a stale file from an earlier hash
    try:
        _create_private(path, f"user: {login.user}\npassword: {password}\n")
    except OSError as exc:
        auth.unlink(missing_ok=True)
        raise ConfigError(
            str(path),
            f"เขียนไฟล์รหัสผ่านเจ้าหน้าที่ {path.name} ไม่ได้",
            f"cannot write the new staff password ({exc})",
        ) from exc


def staff_login(cfg: Config) -> tuple[StaffLogin, Path | None]:
    """The staff account, creating a random password on first run when none is set.

    Args:
        cfg: Configuration (``staff_user``, ``staff_password``, ``index_dir``).

    Returns:
        The account, and the file holding the newly generated password (``None``
        unless one was just generated; mode 0600, written once, never printed).

    Raises:
        ConfigError: The stored hash file is unreadable, or the password file cannot
            be written.
    """
    if cfg.staff_password:
        return StaffLogin.from_password(cfg.staff_user, cfg.staff_password), None
    path = cfg.index_dir / AUTH_FILE
    if path.exists():
        return _read(path, cfg.staff_user), None
    password = secrets.token_urlsafe(12)
    login = StaffLogin.from_password(cfg.staff_user, password)
    try:
        _write(path, login)
    except FileExistsError:  # another process created it first: use theirs
        return _read(path, cfg.staff_user), None
    password_file = cfg.index_dir / PASSWORD_FILE
    _write_password(password_file, login, password, path)
    return login, password_file
