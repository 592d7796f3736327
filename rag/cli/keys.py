"""``rag keys create|revoke|list``: API keys of partners' tools and staff scripts.

A new key is printed once and never again (only its hash is stored). Every change
is recorded in the audit log as ``cli:<os user>``.
"""

from __future__ import annotations

import argparse
from typing import Any

from rag.cli.common import config_from_args
from rag.cli.staff import cli_user
from rag.cli.terminal import safe
from rag.web.apikeys import KEY_ROLES, ApiKeys
from rag.web.audit import AuditLog


def _open(args: argparse.Namespace) -> tuple[ApiKeys, AuditLog]:
    cfg = config_from_args(args)
    return ApiKeys.for_config(cfg), AuditLog.for_config(cfg)


def cmd_create(args: argparse.Namespace) -> int:
    """``rag keys create --role ROLE --name NAME``: prints the key, once."""
    keys, audit = _open(args)
    key, secret = keys.create(args.name, args.role)
    audit.record(cli_user(), "api_key_create", key.name, f"role {key.role}")
    print(safe(f"✅ สร้างคีย์ / created {key.name} ({key.role})"))
    print("คีย์นี้แสดงครั้งเดียว เก็บไว้ให้ดี / this key is shown once; keep it safe:")
    print(secret)
    return 0


def cmd_revoke(args: argparse.Namespace) -> int:
    """``rag keys revoke NAME``."""
    keys, audit = _open(args)
    key = keys.revoke(args.name)
    audit.record(cli_user(), "api_key_revoke", key.name, f"role {key.role}")
    print(safe(f"🚫 ยกเลิกคีย์ / revoked {key.name} ({key.role}) {key.revoked_at}"))
    return 0


def cmd_list(args: argparse.Namespace) -> int:
    """``rag keys list``: name, role, created, last used, revoked (never the key)."""
    keys, _ = _open(args)
    print("name\trole\tcreated\tlast_used\trevoked")
    for k in keys.list():
        dates = f"{k.created_at}\t{k.last_used or '-'}\t{k.revoked_at or '-'}"
        print(safe(f"{k.name}\t{k.role}\t{dates}"))
    return 0


def add_keys_parser(sub: Any, common: argparse.ArgumentParser) -> None:
    """Register ``rag keys`` and its sub-commands."""
    keys = sub.add_parser("keys", help="API keys (partner | staff): create, revoke, list")
    commands = keys.add_subparsers(dest="keys_command", required=True)

    p = commands.add_parser("create", parents=[common], help="create a key (printed once)")
    p.add_argument("--role", required=True, choices=KEY_ROLES)
    p.add_argument("--name", required=True, help="who uses it (letters, digits, . _ - @)")
    p.set_defaults(func=cmd_create)

    p = commands.add_parser("revoke", parents=[common], help="revoke a key by name")
    p.add_argument("name")
    p.set_defaults(func=cmd_revoke)

    p = commands.add_parser("list", parents=[common], help="list keys (never the keys)")
    p.set_defaults(func=cmd_list)
