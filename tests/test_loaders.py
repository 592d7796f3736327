import gzip
import json
from pathlib import Path

import pytest

from rag.config import load_config
from rag.errors import CorruptFileError, EmptyFileError, UnsupportedFileError
from rag.ingest.files import file_sha256
from rag.ingest.loaders import load
from tests.thaidocs import make_docx

CFG = load_config(env={})


def _load(path: Path):
    return load(path, file_sha256(path), CFG)


def test_tis620_text_is_decoded(tmp_path):
    text = "โครงการลดเหล้าเข้าพรรษา เริ่มปี 2546\nมีผู้ร่วมลงนามงดเหล้ากว่าล้านคน"
    path = tmp_path / "legacy.txt"
    path.write_bytes(text.encode("tis-620"))
    [doc] = _load(path)
    assert doc.pages[0].text == text
    assert doc.meta.title == "โครงการลดเหล้าเข้าพรรษา เริ่มปี 2546"


def test_markdown_title_and_zero_width_removed(tmp_path):
    path = tmp_path / "note.md"
    path.write_text("# กิจกรรมทางกาย\n\nคนไทยมีกิจกรรม\u200bทางกายเพียงพอร้อยละ 74", encoding="utf-8")
    [doc] = _load(path)
    assert doc.meta.title == "กิจกรรมทางกาย"
    assert "กิจกรรมทางกายเพียงพอ" in doc.pages[0].text


def test_docx_pages_split_at_page_breaks(tmp_path):
    path = make_docx(
        tmp_path / "a.docx", ["หน้าแรก เรื่องยาสูบ", "", "หน้าสอง เรื่องสุรา"], title="รายงานทดสอบ"
    )
    [doc] = _load(path)
    assert doc.meta.title == "รายงานทดสอบ"
    assert [p.text for p in doc.pages] == ["หน้าแรก เรื่องยาสูบ", "หน้าสอง เรื่องสุรา"]


def test_html_main_content_without_boilerplate(tmp_path):
    nav = (
        "<nav><a href='/'>หน้าหลัก</a> <a href='/news'>ข่าวสาร</a>"
        " <a href='/contact'>ติดต่อเรา</a></nav>"
    )
    body = "".join(
        f"<p>ย่อหน้าที่ {i}: การลดการบริโภคเกลือช่วยลดความดันโลหิตสูงในผู้ใหญ่ไทยได้ชัดเจน</p>"
        for i in range(1, 6)
    )
    html = (
        f"<html><head><title>ลดเค็ม ลดโรค</title></head><body>{nav}"
        f"<article><h1>ลดเค็ม ลดโรค</h1>{body}</article>"
        "<footer>สงวนลิขสิทธิ์ © เว็บไซต์ตัวอย่าง</footer></body></html>"
    )
    path = tmp_path / "page.html"
    path.write_text(html, encoding="utf-8")
    [doc] = _load(path)
    assert doc.meta.title == "ลดเค็ม ลดโรค"
    assert "ย่อหน้าที่ 5" in doc.pages[0].text
    assert "สงวนลิขสิทธิ์" not in doc.pages[0].text
    assert "ติดต่อเรา" not in doc.pages[0].text


def test_jsonl_collection_ids_titles_and_bad_lines(tmp_path):
    lines = [
        json.dumps(
            {"id": "n1", "title": "ข่าวหนึ่ง", "date": "2566-01-02", "url": "u1", "text": "เนื้อข่าวหนึ่ง"},
            ensure_ascii=False,
        ),
        "{not json",
        json.dumps({"pid": "n2", "title": "ข่าวสอง", "text": "เนื้อข่าวสอง"}, ensure_ascii=False),
        json.dumps({"id": "n3", "title": "ไม่มีเนื้อหา"}, ensure_ascii=False),
    ]
    path = tmp_path / "news.jsonl.gz"
    with gzip.open(path, "wt", encoding="utf-8") as fh:
        fh.write("\n".join(lines))
    docs = _load(path)
    assert [d.meta.doc_id for d in docs] == ["n1", "n2"]
    assert docs[0].meta.title == "ข่าวหนึ่ง" and docs[0].meta.url == "u1"
    assert docs[0].meta.collection == "news"
    assert any("line 2" in w for w in docs[0].warnings)
    assert any("line 4" in w for w in docs[0].warnings)


def test_unsupported_extension(tmp_path):
    path = tmp_path / "slides.pptx"
    path.write_bytes(b"PK\x03\x04")
    with pytest.raises(UnsupportedFileError) as err:
        _load(path)
    assert ".pptx" in str(err.value) and "ไม่รองรับ" in err.value.thai


def test_zero_byte_file(tmp_path):
    path = tmp_path / "empty.docx"
    path.touch()
    with pytest.raises(EmptyFileError) as err:
        _load(path)
    assert "0 bytes" in str(err.value) and err.value.thai


def test_binary_garbage_named_txt(tmp_path):
    path = tmp_path / "x.txt"
    path.write_bytes(bytes(range(256)) * 4)
    with pytest.raises(CorruptFileError):
        _load(path)


def test_broken_docx(tmp_path):
    path = tmp_path / "broken.docx"
    path.write_bytes(b"this is not a zip package")
    with pytest.raises(CorruptFileError) as err:
        _load(path)
    assert "broken.docx" in str(err.value)
