"""Staff credentials: configured, or generated once and stored only as a hash."""

from __future__ import annotations

import json
import os
import stat
from pathlib import Path

import pytest

from rag.config import Config, load_config
from rag.errors import ConfigError
from rag.web.auth import AUTH_FILE, PASSWORD_FILE, StaffLogin, staff_login

STRONG = "ลับมาก-ห้องสมุด-123"


def test_configured_password_is_used_and_nothing_is_stored(tmp_path: Path) -> None:
    cfg = Config(index_dir=tmp_path, staff_user="admin", staff_password=STRONG)
    login, new = staff_login(cfg)
    assert new is None
    assert login.check("admin", STRONG)
    assert login("admin", STRONG)  # usable as a Gradio auth callable
    assert not login.check("admin", "wrong")
    assert not login.check("staff", STRONG)
    assert not (tmp_path / AUTH_FILE).exists()
    assert not (tmp_path / PASSWORD_FILE).exists()


def written_password(path: Path) -> str:
    return path.read_text(encoding="utf-8").split("password: ", 1)[1].strip()


def test_generated_password_is_written_once_and_kept_as_hash(tmp_path: Path) -> None:
    cfg = Config(index_dir=tmp_path)
    login, password_file = staff_login(cfg)
    assert password_file == tmp_path / PASSWORD_FILE
    assert stat.S_IMODE(password_file.stat().st_mode) == 0o600
    password = written_password(password_file)
    assert len(password) >= 12
    assert login.check("staff", password)
    stored = (tmp_path / AUTH_FILE).read_text(encoding="utf-8")
    assert password not in stored
    assert set(json.loads(stored)) == {"salt", "hash", "kdf"}
    assert stat.S_IMODE((tmp_path / AUTH_FILE).stat().st_mode) == 0o600
    password_file.unlink()  # the admin noted it
    again, shown = staff_login(cfg)
    assert shown is None and not password_file.exists()
    assert again.check("staff", password)
    assert not again.check("staff", password + "x")


def test_user_name_is_trimmed_but_password_is_exact(tmp_path: Path) -> None:
    login = StaffLogin.from_password("staff", "pw")
    assert login.check(" staff ", "pw")
    assert not login.check("staff", " pw")


def test_corrupt_hash_file_names_the_fix(tmp_path: Path) -> None:
    (tmp_path / AUTH_FILE).write_text("{not json", encoding="utf-8")
    with pytest.raises(ConfigError) as err:
        staff_login(Config(index_dir=tmp_path))
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
    login, shown = staff_login(Config(index_dir=tmp_path / "index"))
    assert shown is None and login.check("staff", password)
    assert password not in out.out + out.err
    assert str(password_file) in out.out
