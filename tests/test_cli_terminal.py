"""``rag extract`` and ``rag search`` never print a document's escape sequences raw."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
HOSTILE = (
    "# คู่มือ\x1b]0;pwned\x07สุขภาพ\n\n"
    "การเดินเร็ว\x1b[2J\x1b[31m วันละ 30 นาที\x1b[0m ช่วยลดความเสี่ยงโรคหัวใจ\x9b1;1H"
    " \x1b]8;;http://evil.example\x1b\\ลิงก์\x1b]8;;\x1b\\\r\n"
)


def rag(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("RAG_")}
    env["PYTHONPATH"] = str(ROOT)
    return subprocess.run(
        [sys.executable, "-m", "rag.cli.main", *args],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=300,
        check=False,
    )


def assert_clean(out: str) -> None:
    assert not any(ch in out for ch in "\x1b\x07\x9b\r"), repr(out)
    assert "pwned" not in out and "evil.example" not in out


def test_extract_and_search_strip_terminal_controls(tmp_path: Path) -> None:
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "walk.md").write_text(HOSTILE, encoding="utf-8")
    extracted = rag("extract", str(docs / "walk.md"), cwd=tmp_path)
    assert extracted.returncode == 0, extracted.stderr
    assert "วันละ 30 นาที" in extracted.stdout
    assert_clean(extracted.stdout)
    index = str(tmp_path / "index")
    ingested = rag("ingest", str(docs), "--index", index, cwd=tmp_path)
    assert ingested.returncode == 0, ingested.stderr
    assert_clean(ingested.stdout)
    found = rag("search", "เดินเร็ววันละกี่นาที", "--index", index, cwd=tmp_path)
    assert found.returncode == 0, found.stderr
    assert "ช่วยลดความเสี่ยงโรคหัวใจ" in found.stdout
    assert_clean(found.stdout)
