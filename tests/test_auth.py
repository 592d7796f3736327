"""Staff credentials: configured, or generated once and stored only as a hash."""

from __future__ import annotations

import json
import stat
from pathlib import Path

import pytest

from rag.config import Config, load_config
from rag.errors import ConfigError
from rag.web.auth import AUTH_FILE, StaffLogin, staff_login


def test_configured_password_is_used_and_nothing_is_stored(tmp_path: Path) -> None:
    cfg = Config(index_dir=tmp_path, staff_user="admin", staff_password="ลับมาก-123")
    login, new = staff_login(cfg)
    assert new is None
    assert login.check("admin", "ลับมาก-123")
    assert login("admin", "ลับมาก-123")  # usable as a Gradio auth callable
    assert not login.check("admin", "wrong")
    assert not login.check("staff", "ลับมาก-123")
    assert not (tmp_path / AUTH_FILE).exists()


def test_generated_password_is_shown_once_and_kept_as_hash(tmp_path: Path) -> None:
    cfg = Config(index_dir=tmp_path)
    login, password = staff_login(cfg)
    assert password and len(password) >= 12
    assert login.check("staff", password)
    stored = (tmp_path / AUTH_FILE).read_text(encoding="utf-8")
    assert password not in stored
    assert set(json.loads(stored)) == {"salt", "hash", "kdf"}
    assert stat.S_IMODE((tmp_path / AUTH_FILE).stat().st_mode) == 0o600
    again, shown = staff_login(cfg)
    assert shown is None
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
            "RAG_STAFF_PASSWORD": "pw",
            "RAG_SERVER_PORT": "8080",
            "RAG_FEEDBACK_RETENTION_DAYS": "30",
        }
    )
    assert (cfg.staff_user, cfg.staff_password, cfg.server_port) == ("editor", "pw", 8080)
    assert cfg.feedback_retention_days == 30
    with pytest.raises(ConfigError):
        load_config(env={"RAG_SERVER_PORT": "70000"})
    with pytest.raises(ConfigError):
        load_config(env={"RAG_FEEDBACK_RETENTION_DAYS": "-1"})
    with pytest.raises(ConfigError):
        load_config(env={"RAG_STAFF_USER": " "})
