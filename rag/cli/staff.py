"""``rag staff add|remove|passwd|list|audit``: staff accounts and the audit log.

Passwords are never taken as arguments: they are read with ``getpass`` on a terminal
(typed twice), or as one line from standard input with ``--password-stdin``. Every
change is recorded in the audit log as ``cli:<os user>``. Errors (weak password,
unknown or duplicate user, last admin) are printed in Thai and English, exit code 2.
"""

from __future__ import annotations

import argparse
import getpass
import sys
from typing import Any

from rag.cli.common import config_from_args
from rag.cli.terminal import safe
from rag.errors import AccountError, ConfigError
from rag.web.accounts import StaffAccounts, open_accounts
from rag.web.audit import AuditLog
from rag.web.roles import ROLES


def cli_user() -> str:
    """The audit name of whoever runs the command: ``cli:<os user>``."""
    try:
        return f"cli:{getpass.getuser()}"
    except (KeyError, OSError):  # no user name in this environment
        return "cli:unknown"


def read_password(args: argparse.Namespace) -> str:
    """The new password: one line of stdin with ``--password-stdin``, else typed twice.

    Raises:
        ConfigError: Standard input is not a terminal and ``--password-stdin`` is not given.
        AccountError: The two typed passwords differ.
    """
    if args.password_stdin:
        return sys.stdin.readline().removesuffix("\n").removesuffix("\r")
    if not sys.stdin.isatty():
        raise ConfigError(
            "--password-stdin",
            "ไม่มีหน้าจอให้พิมพ์รหัสผ่าน ให้ส่งรหัสผ่านทาง stdin พร้อม --password-stdin",
            "no terminal to type the password on; pipe it in with --password-stdin",
        )
    first = getpass.getpass("รหัสผ่าน / password: ")
    if getpass.getpass("อีกครั้ง / again: ") != first:
        raise AccountError(args.user, "รหัสผ่านสองครั้งไม่ตรงกัน", "the two passwords differ")
    return first


def _open(args: argparse.Namespace) -> tuple[StaffAccounts, AuditLog]:
    cfg = config_from_args(args)
    accounts, password_file = open_accounts(cfg)
    if password_file:
        print(
            safe(
                f"🔑 สร้างผู้ดูแลระบบ {cfg.staff_user} แล้ว รหัสผ่านอยู่ในไฟล์ {password_file} / "
                f"created admin {cfg.staff_user}; its password is in {password_file}"
            )
        )
    return accounts, AuditLog.for_config(cfg)


def cmd_add(args: argparse.Namespace) -> int:
    """``rag staff add USER --role ROLE``."""
    accounts, audit = _open(args)
    account = accounts.add(args.user, args.role, read_password(args))
    audit.record(cli_user(), "account_add", account.user, f"role {account.role}")
    print(safe(f"✅ เพิ่มบัญชี / added {account.user} ({account.role})"))
    return 0


def cmd_remove(args: argparse.Namespace) -> int:
    """``rag staff remove USER``."""
    accounts, audit = _open(args)
    account = accounts.remove(args.user)
    audit.record(cli_user(), "account_remove", account.user, f"role {account.role}")
    print(safe(f"🗑️ ลบบัญชี / removed {account.user} ({account.role})"))
    return 0


def cmd_passwd(args: argparse.Namespace) -> int:
    """``rag staff passwd USER``."""
    accounts, audit = _open(args)
    if accounts.get(args.user) is None:  # before asking for a password
        raise AccountError(args.user, f"ไม่พบบัญชีเจ้าหน้าที่ {args.user}", "no such staff account")
    accounts.passwd(args.user, read_password(args))
    audit.record(cli_user(), "account_passwd", args.user.strip())
    print(safe(f"✅ เปลี่ยนรหัสผ่านแล้ว / password changed: {args.user.strip()}"))
    return 0


def cmd_list(args: argparse.Namespace) -> int:
    """``rag staff list``: user, role, created (UTC)."""
    accounts, _ = _open(args)
    for account in accounts.list():
        print(safe(f"{account.user}\t{account.role}\t{account.created_at}"))
    return 0


def cmd_audit(args: argparse.Namespace) -> int:
    """``rag staff audit [--limit N]``: the newest entries first."""
    _, audit = _open(args)
    for e in audit.recent(args.limit):
        print(safe(f"{e.at}\t{e.user}\t{e.action}\t{e.target}\t{e.detail}"))
    return 0


def add_staff_parser(sub: Any, common: argparse.ArgumentParser) -> None:
    """Register ``rag staff`` and its sub-commands."""
    staff = sub.add_parser("staff", help="staff accounts, roles and the audit log")
    commands = staff.add_subparsers(dest="staff_command", required=True)
    stdin_help = "read the password from stdin (one line) instead of a terminal prompt"

    p = commands.add_parser("add", parents=[common], help="add an account")
    p.add_argument("user")
    p.add_argument("--role", required=True, choices=ROLES)
    p.add_argument("--password-stdin", action="store_true", help=stdin_help)
    p.set_defaults(func=cmd_add)

    p = commands.add_parser("remove", parents=[common], help="remove an account")
    p.add_argument("user")
    p.set_defaults(func=cmd_remove)

    p = commands.add_parser("passwd", parents=[common], help="set an account's password")
    p.add_argument("user")
    p.add_argument("--password-stdin", action="store_true", help=stdin_help)
    p.set_defaults(func=cmd_passwd)

    p = commands.add_parser("list", parents=[common], help="list accounts and roles")
    p.set_defaults(func=cmd_list)

    p = commands.add_parser("audit", parents=[common], help="the audit log, newest first")
    p.add_argument("--limit", type=int, default=50, help="how many entries (default 50)")
    p.set_defaults(func=cmd_audit)
