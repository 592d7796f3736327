"""``rag staff``: accounts from the command line, passwords never in argv or output.

Most calls run ``rag.cli.main.main`` in this process (a ``rag`` process takes seconds
to import); one runs the real command with the password piped to its stdin.
"""

from __future__ import annotations

import io
import os
import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest

from rag.cli.main import main
from rag.config import Config
from rag.web.accounts import StaffAccounts
from rag.web.audit import AuditLog
from rag.web.auth import PASSWORD_FILE

ROOT = Path(__file__).resolve().parent.parent
FIRST = "ห้องสมุด-ชั้น-3-เปิด"
SECOND = "สวนสาธารณะ-เช้า-วันเสาร์-7"


@dataclass(frozen=True)
class Ran:
    returncode: int
    stdout: str
    stderr: str


@pytest.fixture
def index(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)  # no rag.toml
    for name in [k for k in os.environ if k.startswith("RAG_")]:
        monkeypatch.delenv(name)
    return tmp_path / "index"


@pytest.fixture
def rag_staff(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> Callable[..., Ran]:
    """``rag staff ARGS --index INDEX`` run in this process, with ``stdin`` as its input."""

    def run(index: Path, *args: str, stdin: str = "") -> Ran:
        monkeypatch.setattr(sys, "stdin", io.StringIO(stdin))  # not a terminal
        capsys.readouterr()
        try:
            code = main(["staff", *args, "--index", str(index)])
        except SystemExit as exc:  # argparse refusals
            code = int(exc.code or 0)
        out = capsys.readouterr()
        return Ran(code, out.out, out.err)

    return run


def test_a_real_process_reads_the_password_from_stdin(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("RAG_")}
    index = tmp_path / "index"
    argv = ["staff", "add", "somchai", "--role", "editor", "--password-stdin"]
    done = subprocess.run(
        [sys.executable, "-m", "rag.cli.main", *argv, "--index", str(index)],
        input=FIRST + "\n",
        capture_output=True,
        text=True,
        timeout=300,
        cwd=tmp_path,
        env={**env, "PYTHONPATH": str(ROOT)},
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert FIRST not in done.stdout + done.stderr
    found = StaffAccounts(index / "staff.sqlite").check("somchai", FIRST)
    assert found is not None and found.role == "editor"


def test_add_list_passwd_remove_and_every_change_is_audited(
    index: Path, rag_staff: Callable[..., Ran]
) -> None:
    first = rag_staff(index, "list")
    assert first.returncode == 0, first.stderr
    assert str(index / PASSWORD_FILE) in first.stdout  # the first admin, as the web app makes it
    admin_password = (index / PASSWORD_FILE).read_text(encoding="utf-8").split("password: ")[1]
    assert admin_password.strip() not in first.stdout + first.stderr
    assert first.stdout.splitlines()[-1].split("\t")[:2] == ["staff", "admin"]

    added = rag_staff(index, "add", "somchai", "--role", "editor", "--password-stdin", stdin=FIRST)
    assert added.returncode == 0, added.stderr
    listed = rag_staff(index, "list").stdout.splitlines()
    assert [line.split("\t")[:2] for line in listed] == [["somchai", "editor"], ["staff", "admin"]]

    changed = rag_staff(index, "passwd", "somchai", "--password-stdin", stdin=SECOND + "\n")
    assert changed.returncode == 0, changed.stderr
    accounts = StaffAccounts(index / "staff.sqlite")
    assert accounts.check("somchai", SECOND) and not accounts.check("somchai", FIRST)

    removed = rag_staff(index, "remove", "somchai")
    assert removed.returncode == 0, removed.stderr
    assert accounts.get("somchai") is None

    entries = AuditLog.for_config(Config(index_dir=index)).recent(10)
    assert [(e.action, e.target) for e in entries] == [
        ("account_remove", "somchai"),
        ("account_passwd", "somchai"),
        ("account_add", "somchai"),
    ]
    assert all(e.user.startswith("cli:") and len(e.user) > 4 for e in entries)
    shown = rag_staff(index, "audit", "--limit", "2")
    assert shown.returncode == 0
    assert [line.split("\t")[2] for line in shown.stdout.splitlines()] == [
        "account_remove",
        "account_passwd",
    ]
    everything = "".join(p.stdout + p.stderr for p in (first, added, changed, removed, shown))
    assert FIRST not in everything and SECOND not in everything


@pytest.mark.parametrize(
    ("args", "stdin", "thai", "english"),
    [
        (["add", "malee", "--role", "evaluator", "--password-stdin"], "ab1-x", "อ่อนเกินไป", "weak"),
        (
            ["add", "malee", "--role", "evaluator", "--password-stdin"],
            "password1234",
            "อ่อน",
            "weak",
        ),
        (["add", "staff", "--role", "editor", "--password-stdin"], FIRST, "มีบัญชี", "exists"),
        (["passwd", "nobody", "--password-stdin"], FIRST, "ไม่พบบัญชี", "no such"),
        (["remove", "nobody"], "", "ไม่พบบัญชี", "no such"),
        (["remove", "staff"], "", "ผู้ดูแลระบบคนสุดท้าย", "last admin"),
        (["add", "malee", "--role", "editor"], FIRST, "--password-stdin", "no terminal"),
    ],
)
def test_refusals_are_thai_and_english_with_exit_code_2(
    index: Path, rag_staff: Callable[..., Ran], args: list[str], stdin: str, thai: str, english: str
) -> None:
    rag_staff(index, "list")  # the first admin, "staff"
    before = rag_staff(index, "list").stdout
    refused = rag_staff(index, *args, stdin=stdin)
    assert refused.returncode == 2
    assert thai in refused.stderr and english in refused.stderr
    if len(stdin) > 3:
        assert stdin not in refused.stdout + refused.stderr
    assert rag_staff(index, "list").stdout == before
    assert AuditLog.for_config(Config(index_dir=index)).recent(5) == []


def test_a_password_cannot_be_given_as_an_argument(
    index: Path, rag_staff: Callable[..., Ran]
) -> None:
    refused = rag_staff(index, "add", "malee", "--role", "editor", "--password", FIRST)
    assert refused.returncode == 2 and "unrecognized arguments" in refused.stderr
    assert not (index / "staff.sqlite").exists()


def test_terminal_controls_in_a_user_name_are_not_printed(
    index: Path, rag_staff: Callable[..., Ran]
) -> None:
    name = "evil\x1b]0;owned\x07\x1b[2J"
    refused = rag_staff(index, "add", name, "--role", "editor", "--password-stdin", stdin=FIRST)
    assert refused.returncode == 2
    assert "\x1b" not in refused.stderr and "\x07" not in refused.stderr
    assert "user name" in refused.stderr and "ชื่อผู้ใช้" in refused.stderr


def test_the_last_admin_can_go_once_another_admin_exists(
    index: Path, rag_staff: Callable[..., Ran]
) -> None:
    added = rag_staff(index, "add", "boss", "--role", "admin", "--password-stdin", stdin=FIRST)
    assert added.returncode == 0
    assert rag_staff(index, "remove", "staff").returncode == 0
    assert rag_staff(index, "remove", "boss").returncode == 2
    assert [line.split("\t")[0] for line in rag_staff(index, "list").stdout.splitlines()] == [
        "boss"
    ]
