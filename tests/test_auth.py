"""Staff credentials: configured, or generated once and stored only as a hash."""

from __future__ import annotations

import json
import os
import stat
from pathlib import Path

import pytest

from rag.config import Config, load_config
from rag.errors import ConfigError
from rag.web.accounts import StaffAccounts, open_accounts
from rag.web.auth import AUTH_FILE, PASSWORD_FILE, hash_password
from rag.web.staff_db import STAFF_DB

STRONG = "ลับมาก-ห้องสมุด-123"


def test_configured_password_is_an_admin_and_no_password_file_is_written(tmp_path: Path) -> None:
    cfg = Config(index_dir=tmp_path, staff_user="admin", staff_password=STRONG)
    accounts, new = open_accounts(cfg)
    assert new is None
    found = accounts.check("admin", STRONG)
    assert found is not None and found.role == "admin"
    assert accounts.check("admin", "wrong") is None
    assert accounts.check("staff", STRONG) is None
    assert not (tmp_path / AUTH_FILE).exists()
    assert not (tmp_path / PASSWORD_FILE).exists()
    assert STRONG not in (tmp_path / STAFF_DB).read_bytes().decode("latin-1")
    other = "ห้องสมุด-ชั้น-3-เปิด"
    accounts.passwd("admin", other)  # the configured password wins again at the next start
    again, _ = open_accounts(cfg)
    assert again.check("admin", STRONG) and not again.check("admin", other)


def written_password(path: Path) -> str:
    return path.read_text(encoding="utf-8").split("password: ", 1)[1].strip()


def test_generated_password_is_written_once_and_kept_as_hash(tmp_path: Path) -> None:
    cfg = Config(index_dir=tmp_path)
    accounts, password_file = open_accounts(cfg)
    assert password_file == tmp_path / PASSWORD_FILE
    assert stat.S_IMODE(password_file.stat().st_mode) == 0o600
    password = written_password(password_file)
    assert len(password) >= 12
    found = accounts.check("staff", password)
    assert found is not None and found.role == "admin"
    stored = (tmp_path / STAFF_DB).read_bytes()
    assert password.encode() not in stored
    assert stat.S_IMODE((tmp_path / STAFF_DB).stat().st_mode) == 0o600
    password_file.unlink()  # the admin noted it
    again, shown = open_accounts(cfg)
    assert shown is None and not password_file.exists()
    assert again.check("staff", password)
    assert not again.check("staff", password + "x")


def test_an_older_installs_hash_is_imported_as_the_admin(tmp_path: Path) -> None:
    salt = bytes(range(16))
    old = {"salt": salt.hex(), "hash": hash_password(STRONG, salt), "kdf": "scrypt"}
    (tmp_path / AUTH_FILE).write_text(json.dumps(old), encoding="utf-8")
    accounts, shown = open_accounts(Config(index_dir=tmp_path))
    assert shown is None and not (tmp_path / PASSWORD_FILE).exists()
    found = accounts.check("staff", STRONG)
    assert found is not None and found.role == "admin"
    assert [a.user for a in accounts.list()] == ["staff"]


def test_user_name_is_trimmed_and_case_blind_but_password_is_exact(tmp_path: Path) -> None:
    accounts = StaffAccounts(tmp_path / STAFF_DB)
    accounts.add("staff", "editor", STRONG)
    assert accounts.check(" Staff ", STRONG)
    assert not accounts.check("staff", f" {STRONG}")


def test_corrupt_hash_file_names_the_fix(tmp_path: Path) -> None:
    (tmp_path / AUTH_FILE).write_text("{not json", encoding="utf-8")
    with pytest.raises(ConfigError) as err:
        open_accounts(Config(index_dir=tmp_path))
    assert AUTH_FILE in err.value.thai
    assert "delete" in err.value.english


def test_config_fields_from_environment_and_validation() -> None:
    cfg = load_config(
        env={
            "RAG_STAFF_USER": "editor",
            "RAG_STAFF_PASSWORD": STRONG,
            "RAG_SERVER_PORT": "8080",
            "RAG_FEEDBACK_RETENTION_DAYS": "30",
        }
    )
    assert (cfg.staff_user, cfg.staff_password, cfg.server_port) == ("editor", STRONG, 8080)
    assert cfg.feedback_retention_days == 30
    with pytest.raises(ConfigError):
        load_config(env={"RAG_SERVER_PORT": "70000"})
    with pytest.raises(ConfigError):
        load_config(env={"RAG_FEEDBACK_RETENTION_DAYS": "-1"})
    with pytest.raises(ConfigError):
        load_config(env={"RAG_STAFF_USER": " "})


@pytest.mark.parametrize(
    ("weak", "rule"),
    [("a", "12 characters"), ("short-pw", "12 characters"), ("Password1234", "common")],
)
def test_weak_configured_password_is_refused_at_start(weak: str, rule: str) -> None:
    with pytest.raises(ConfigError) as err:
        load_config(env={"RAG_STAFF_PASSWORD": weak})
    assert err.value.subject == "staff_password"
    assert rule in err.value.english and "รหัสผ่าน" in err.value.thai
    if len(weak) > 3:
        assert weak not in str(err.value)  # the error never echoes the password
    assert load_config(env={"RAG_STAFF_PASSWORD": STRONG}).staff_password == STRONG


def test_login_limits_are_validated() -> None:
    assert load_config(env={"RAG_LOGIN_LOCKOUT_SECONDS": "5"}).login_lockout_seconds == 5
    for name, value in [("LOGIN_MAX_FAILURES", "0"), ("LOGIN_LOCKOUT_MAX_SECONDS", "1")]:
        with pytest.raises(ConfigError) as err:
            load_config(env={f"RAG_{name}": value})
        assert err.value.subject == name.lower()


def test_first_run_password_is_in_a_private_file_never_on_stdout(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    import uvicorn

    from ui.app import main

    monkeypatch.chdir(tmp_path)  # no rag.toml
    for name in [k for k in os.environ if k.startswith("RAG_")]:
        monkeypatch.delenv(name)
    monkeypatch.setattr(uvicorn, "run", lambda *args, **kwargs: None)
    assert main(["--index", str(tmp_path / "index"), "--no-ingest"]) == 0
    out = capsys.readouterr()
    password_file = tmp_path / "index" / PASSWORD_FILE
    assert stat.S_IMODE(password_file.stat().st_mode) == 0o600
    password = written_password(password_file)
    accounts, shown = open_accounts(Config(index_dir=tmp_path / "index"))
    assert shown is None and accounts.check("staff", password)
    assert password not in out.out + out.err
    assert str(password_file) in out.out
