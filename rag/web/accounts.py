"""Staff accounts with roles, in ``<index_dir>/staff.sqlite`` (see :mod:`rag.web.roles`).

Passwords are kept as salted scrypt hashes and must pass
:func:`rag.passwords.password_weakness`. :func:`open_accounts` makes sure an admin exists:
a configured ``staff_password`` is the password of admin ``staff_user`` (set again
at every start); else an older install's ``staff_auth.json`` is imported as that
admin; else, when no admin exists, one is created with a random password written
once to ``staff_password.txt`` (mode 0600).

>>> import tempfile
>>> accounts = StaffAccounts(Path(tempfile.mkdtemp()) / "staff.sqlite")
>>> accounts.add("somchai", "editor", "ห้องสมุด-ชั้น-3-เปิด").role
'editor'
>>> accounts.check("somchai", "ห้องสมุด-ชั้น-3-เปิด").user, accounts.check("somchai", "x")
('somchai', None)
>>> allowed(accounts, "somchai", "evaluate")
Traceback (most recent call last):
rag.errors.ForbiddenError: somchai: account 'somchai' (editor) may not run evaluations / ...
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from rag.config import Config
from rag.errors import AccountError
from rag.passwords import password_weakness
from rag.web.auth import (
    AUTH_FILE,
    PASSWORD_FILE,
    check_password,
    hash_password,
    legacy_hash,
    new_password,
    new_salt,
    write_password,
)
from rag.web.roles import Action, Role, can, forbidden, role_of, user_name
from rag.web.staff_db import StaffTable, connect

SCHEMA = """
CREATE TABLE IF NOT EXISTS accounts (
  user TEXT PRIMARY KEY COLLATE NOCASE,
  role TEXT NOT NULL,
  salt BLOB NOT NULL,
  hash TEXT NOT NULL,
  created_at TEXT NOT NULL
);
"""


@dataclass(frozen=True)
class Account:
    """A staff account as listed (never its hash)."""

    user: str
    role: Role
    created_at: str


def _strong(user: str, password: str) -> None:
    if weak := password_weakness(password):
        raise AccountError(user, f"รหัสผ่านอ่อนเกินไป: {weak[0]}", f"weak password: {weak[1]}")


def _unknown(user: str) -> AccountError:
    return AccountError(user, f"ไม่พบบัญชีเจ้าหน้าที่ {user}", "no such staff account")


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


class StaffAccounts(StaffTable):
    """The accounts table of the staff database (safe for several processes).

    Args:
        path: The staff database (normally ``<index_dir>/staff.sqlite``).
    """

    schema = SCHEMA

    def __init__(self, path: Path) -> None:
        super().__init__(path)
        salt = new_salt()
        self._decoy = salt, hash_password(new_password(), salt)  # checked for unknown users

    def list(self) -> list[Account]:
        """Every account, by user name (no hashes)."""
        with connect(self.path) as db:
            rows = db.execute(
                "SELECT user, role, created_at FROM accounts ORDER BY user"
            ).fetchall()
        return [Account(*row) for row in rows]

    def get(self, user: str) -> Account | None:
        """The account of a user name (trimmed, case-insensitive), or ``None``."""
        with connect(self.path) as db:
            row = db.execute(
                "SELECT user, role, created_at FROM accounts WHERE user = ?", (user.strip(),)
            ).fetchone()
        return Account(*row) if row else None

    def add(self, user: str, role: str, password: str) -> Account:
        """Add an account.

        Raises:
            AccountError: The name or role is invalid, the name is taken, or the
                password is weak.
        """
        name, known = user_name(user), role_of(role)
        _strong(name, password)
        salt = new_salt()
        try:
            with connect(self.path) as db:
                db.execute(
                    "INSERT INTO accounts(user, role, salt, hash, created_at) VALUES(?,?,?,?,?)",
                    (name, known, salt, hash_password(password, salt), _now()),
                )
        except sqlite3.IntegrityError as exc:
            raise AccountError(
                name, f"มีบัญชีชื่อ {name} อยู่แล้ว", "a staff account with this name exists"
            ) from exc
        return Account(name, known, _now())

    def passwd(self, user: str, password: str) -> None:
        """Set an account's password.

        Raises:
            AccountError: No such account, or the password is weak.
        """
        name = user.strip()
        _strong(name, password)
        salt = new_salt()
        with connect(self.path) as db:
            cur = db.execute(
                "UPDATE accounts SET salt = ?, hash = ? WHERE user = ?",
                (salt, hash_password(password, salt), name),
            )
        if not cur.rowcount:
            raise _unknown(name)

    def remove(self, user: str) -> Account:
        """Remove an account; the last admin cannot be removed.

        Raises:
            AccountError: No such account, or it is the last admin.
        """
        name = user.strip()
        with connect(self.path) as db:
            db.execute("BEGIN IMMEDIATE")  # the count and the delete see the same accounts
            try:
                row = db.execute(
                    "SELECT user, role, created_at FROM accounts WHERE user = ?", (name,)
                ).fetchone()
                if row is None:
                    raise _unknown(name)
                admins = db.execute("SELECT count(*) FROM accounts WHERE role = 'admin'")
                if row[1] == "admin" and admins.fetchone()[0] <= 1:
                    raise AccountError(
                        name,
                        "ลบผู้ดูแลระบบคนสุดท้ายไม่ได้ ให้เพิ่มผู้ดูแลระบบคนอื่นก่อน",
                        "cannot remove the last admin; add another admin first",
                    )
                db.execute("DELETE FROM accounts WHERE user = ?", (name,))
                db.execute("COMMIT")
            except BaseException:
                db.execute("ROLLBACK")
                raise
        return Account(*row)

    def check(self, user: str, password: str) -> Account | None:
        """The account when the password is right, else ``None``.

        One scrypt either way (an unknown user name is checked against a decoy
        hash), so the time taken does not tell which user names exist.
        """
        with connect(self.path) as db:
            row = db.execute(
                "SELECT user, role, created_at, salt, hash FROM accounts WHERE user = ?",
                (user.strip(),),
            ).fetchone()
        salt, digest = (bytes(row[3]), str(row[4])) if row else self._decoy
        ok = check_password(password, salt, digest)
        return Account(*row[:3]) if ok and row else None

    def adopt_admin(self, user: str, salt: bytes, digest: str, *, force: bool = False) -> bool:
        """Store an admin with a ready hash; unless ``force``, only when there is no admin.

        Returns:
            Whether it was stored (``False``: an admin exists already).

        Raises:
            AccountError: There is no admin, but ``user`` is taken by another role.
        """
        with connect(self.path) as db:
            db.execute("BEGIN IMMEDIATE")
            try:
                admins = db.execute("SELECT count(*) FROM accounts WHERE role = 'admin'")
                if admins.fetchone()[0] and not force:
                    db.execute("ROLLBACK")
                    return False
                taken = db.execute("SELECT role FROM accounts WHERE user = ?", (user,)).fetchone()
                if taken and taken[0] != "admin" and not force:
                    raise AccountError(
                        user,
                        "ยังไม่มีผู้ดูแลระบบ และชื่อนี้เป็นบัญชีบทบาทอื่น: ใช้ rag staff add เพิ่มผู้ดูแลระบบ",
                        "no admin exists and this name has another role; add an admin"
                        " with `rag staff add USER --role admin`",
                    )
                db.execute(
                    "INSERT INTO accounts(user, role, salt, hash, created_at)"
                    " VALUES(?, 'admin', ?, ?, ?) ON CONFLICT(user) DO UPDATE SET"
                    " role = 'admin', salt = excluded.salt, hash = excluded.hash",
                    (user, salt, digest, _now()),
                )
                db.execute("COMMIT")
            except BaseException:
                db.execute("ROLLBACK")
                raise
        return True

    def forget(self, user: str) -> None:
        """Delete an account without the last-admin check (undoing a failed first run)."""
        with connect(self.path) as db:
            db.execute("DELETE FROM accounts WHERE user = ?", (user.strip(),))


def allowed(accounts: StaffAccounts, user: str | None, action: Action) -> Account:
    """The logged-in account, when its role may do ``action``.

    Raises:
        ForbiddenError: No such account (e.g. removed since login), or its role may not.
    """
    account = accounts.get(user) if user else None
    role = account.role if account else None
    if account is None or not can(role, action):
        raise forbidden(user, role, action)
    return account


def open_accounts(cfg: Config) -> tuple[StaffAccounts, Path | None]:
    """The accounts of ``cfg.index_dir``, making sure an admin exists (module docstring).

    Returns:
        The accounts, and the file holding a newly generated admin password
        (``None`` unless one was just generated; mode 0600, never printed).

    Raises:
        ConfigError: An old ``staff_auth.json`` is unreadable, or the password file
            cannot be written.
        AccountError: No admin exists and ``staff_user`` has another role.
    """
    accounts = StaffAccounts.for_config(cfg)
    user = cfg.staff_user.strip()
    if cfg.staff_password:
        found = accounts.check(user, cfg.staff_password)
        if found is None or found.role != "admin":
            salt = new_salt()
            accounts.adopt_admin(user, salt, hash_password(cfg.staff_password, salt), force=True)
        return accounts, None
    legacy = legacy_hash(cfg.index_dir / AUTH_FILE)
    if legacy is not None:
        accounts.adopt_admin(user, *legacy)
        return accounts, None
    password, salt = new_password(), new_salt()
    if not accounts.adopt_admin(user, salt, hash_password(password, salt)):
        return accounts, None
    password_file = cfg.index_dir / PASSWORD_FILE
    try:
        write_password(password_file, user, password)
    except Exception:
        accounts.forget(user)  # the next start makes a new one
        raise
    return accounts, password_file
