"""API keys: stored hashed, shown once, revocable, and managed with ``rag keys``."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from rag.errors import AccountError, UnauthorizedError
from rag.web.apikeys import PREFIX, ApiKeys
from rag.web.audit import AuditLog
from rag.web.staff_db import STAFF_DB

ROOT = Path(__file__).resolve().parent.parent


def test_a_key_is_stored_only_as_its_hash(tmp_path: Path) -> None:
    keys = ApiKeys(tmp_path / STAFF_DB)
    key, secret = keys.create("clinic-1", "partner")
    assert secret.startswith(PREFIX) and len(secret) > 40
    stored = b"".join(p.read_bytes() for p in tmp_path.iterdir())
    assert secret.encode() not in stored and secret[len(PREFIX) :].encode() not in stored
    assert keys.check(secret).name == "clinic-1"
    assert secret not in repr(keys.list())
    assert keys.get("clinic-1") is not None and keys.get("clinic-1").last_used  # type: ignore[union-attr]
    assert key.last_used == ""


def test_unknown_revoked_and_duplicate_keys(tmp_path: Path) -> None:
    keys = ApiKeys(tmp_path / STAFF_DB)
    _, secret = keys.create("ร้านยา", "staff")
    with pytest.raises(AccountError):
        keys.create("ร้านยา", "partner")
    with pytest.raises(AccountError):
        keys.create("x", "admin")
    for bad in ("", "thk_nope", secret + "x", "Bearer " + secret):
        with pytest.raises(UnauthorizedError):
            keys.check(bad)
    assert keys.revoke("ร้านยา").revoked
    with pytest.raises(UnauthorizedError, match="revoked"):
        keys.check(secret)
    with pytest.raises(AccountError):
        keys.revoke("nobody")
    (listed,) = keys.list()
    assert (listed.name, listed.role, listed.revoked) == ("ร้านยา", "staff", True)


def rag(index: Path, *args: str) -> subprocess.CompletedProcess[str]:
    command = [sys.executable, "-m", "rag.cli.main", "keys", *args, "--index", str(index)]
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    return subprocess.run(
        command, check=False, capture_output=True, text=True, env=env, timeout=120
    )


def test_rag_keys_create_list_revoke(tmp_path: Path) -> None:
    index = tmp_path / "index"
    created = rag(index, "create", "--role", "partner", "--name", "อสม-เชียงราย")
    assert created.returncode == 0, created.stderr
    secret = created.stdout.strip().splitlines()[-1]
    assert secret.startswith(PREFIX)
    keys = ApiKeys(index / STAFF_DB)
    assert keys.check(secret).role == "partner"
    listed = rag(index, "list")
    assert "อสม-เชียงราย\tpartner" in listed.stdout and secret not in listed.stdout
    assert rag(index, "revoke", "อสม-เชียงราย").returncode == 0
    with pytest.raises(UnauthorizedError):
        keys.check(secret)
    actions = [(e.action, e.target) for e in AuditLog(index / STAFF_DB).recent(5)]
    assert actions == [("api_key_revoke", "อสม-เชียงราย"), ("api_key_create", "อสม-เชียงราย")]
