"""Staff document operations on a real index (real loaders, embedder and stores)."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from rag.config import Config
from rag.errors import InputError, RagError, StoreError
from rag.index.embedders import count_tokens
from rag.index.index import Index
from rag.ingest.chunking import chunk_pages
from rag.search.retriever import retriever_for
from rag.search.settings import RetrievalSettings
from rag.web.library import UPLOADS, Library, safe_name
from rag.web.rwlock import RWLock
from rag.web.staff_eval import available_sets, run_evaluation
from tests.thaidocs import make_pdf

ROOT = Path(__file__).resolve().parents[1]
SETS, CORPUS = ROOT / "eval" / "sets", ROOT / "corpus"
FACT = "โครงการสวนผักดาดฟ้าบางกะปิมีครัวเรือนเข้าร่วม 4,321 ครัวเรือนในปี 2568"


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "sleep.md").write_text(
        "# การนอนของผู้สูงอายุ\n\nผู้สูงอายุควรนอนหลับวันละ 7 ถึง 8 ชั่วโมง", encoding="utf-8"
    )
    (docs / "walk.txt").write_text("การเดินเร็ววันละ 30 นาทีช่วยลดความเสี่ยงโรคหัวใจ", encoding="utf-8")
    return docs


@pytest.fixture
def library(tmp_path: Path) -> Iterator[Library]:
    index = Index(Config(index_dir=tmp_path / "index"))
    yield Library(index)
    index.close()


def uploaded(tmp_path: Path, name: str = "สวนผัก 2568.pdf", text: str = FACT) -> Path:
    src = tmp_path / "incoming"
    src.mkdir(exist_ok=True)
    return make_pdf(src / name, ["รายงานพิเศษ สสส.", text])


def search_ids(library: Library, query: str) -> set[str]:
    return {
        h.chunk.doc_id
        for h in retriever_for(
            library.index, RetrievalSettings.from_config(library.index.cfg)
        ).search(query, 5)
    }


def test_safe_name_keeps_thai_and_suffix_and_drops_paths() -> None:
    assert safe_name("รายงาน ปี 2567.pdf") == "รายงาน ปี 2567.pdf"
    assert safe_name("..\\..\\x.docx") == "x.docx"
    assert safe_name("a/b/../c.jsonl.gz") == "c.jsonl.gz"
    assert safe_name("....") == "document"
    long = safe_name("ก" * 300 + ".pdf")
    assert long.endswith(".pdf") and len(long.encode()) <= 204


def test_upload_is_stored_by_hash_indexed_and_served(tmp_path: Path, library: Library) -> None:
    src = uploaded(tmp_path)
    result, sync = library.add_file(src, src.name)
    assert (result.status, result.symbol) == ("new", "✅")
    assert sync.added == result.chunks > 0
    stored = list((library.uploads_dir).glob("*/*.pdf"))
    assert len(stored) == 1 and stored[0].name == "สวนผัก 2568.pdf"
    assert len(stored[0].parent.name) == 64  # the sha256
    docs = library.documents()
    assert [d.file_name for d in docs] == ["สวนผัก 2568.pdf"]
    assert docs[0].pages == 2 and docs[0].status == "✅"
    served = library.document_file(docs[0].doc_id)
    assert served is not None and served.path == stored[0].resolve()
    assert served.media_type == "application/pdf"
    assert library.document_file("../../etc/passwd") is None
    assert search_ids(library, "สวนผักดาดฟ้าบางกะปิ") == {docs[0].doc_id}
    again, _ = library.add_file(src, src.name)  # same bytes, same name
    assert again.status == "unchanged"


def test_failed_upload_leaves_nothing_behind(tmp_path: Path, library: Library) -> None:
    bad = tmp_path / "เสีย.pdf"
    bad.write_bytes(b"not a pdf at all")
    result, sync = library.add_file(bad, bad.name)
    assert (result.status, result.symbol) == ("failed", "❌")
    assert "PDF" in result.message
    assert sync.added == 0 and library.documents() == []
    assert not any((library.uploads_dir).rglob("*.pdf"))


def test_delete_removes_document_chunks_and_file(tmp_path: Path, library: Library) -> None:
    src = uploaded(tmp_path)
    library.add_file(src, src.name)
    doc_id = library.documents()[0].doc_id
    library.delete(doc_id)
    assert library.documents() == []
    assert library.index.doctor() == []
    assert library.index.manifest.chunk_ids() == set()
    assert doc_id not in search_ids(library, "สวนผักดาดฟ้าบางกะปิ")
    assert not any((library.uploads_dir).rglob("*.pdf"))
    assert library.document_file(doc_id) is None
    with pytest.raises(InputError):
        library.delete(doc_id)


def test_deleted_folder_documents_stay_deleted(folder: Path, library: Library) -> None:
    results, sync = library.ensure_folder(folder)
    assert [r.status for r in results] == ["new", "new"] and sync.added > 0
    assert {d.file_name for d in library.documents()} == {"sleep.md", "walk.txt"}
    assert all(d.file_type in ("md", "txt") for d in library.documents())
    sleep = next(d for d in library.documents() if d.file_name == "sleep.md")
    served = library.document_file(sleep.doc_id)
    assert served is not None and served.media_type.startswith("text/plain")
    library.delete(sleep.doc_id)
    results, _ = library.ensure_folder(folder)  # a restart of the app
    assert [r.status for r in results] == ["unchanged"]
    assert {d.file_name for d in library.documents()} == {"walk.txt"}
    library.add_file(folder / "sleep.md", "sleep.md")  # staff add it back on purpose
    assert {d.file_name for d in library.documents()} == {"walk.txt", "sleep.md"}


def test_delete_is_remembered_even_when_the_stores_fail(
    folder: Path, library: Library, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The deletion and its tombstone commit together, before the stores are synced."""
    library.ensure_folder(folder)
    sleep = next(d for d in library.documents() if d.file_name == "sleep.md")

    def broken_sync(*_: object, **__: object) -> None:
        raise StoreError("chroma", "ที่เก็บเวกเตอร์ไม่ตอบ", "vector store down")

    with monkeypatch.context() as patch:
        patch.setattr(library.index, "sync", broken_sync)
        with pytest.raises(StoreError):
            library.delete(sleep.doc_id)
    results, _ = library.ensure_folder(folder)  # the next start-up repairs the stores
    assert [r.status for r in results] == ["unchanged"]
    assert {d.file_name for d in library.documents()} == {"walk.txt"}
    assert library.index.doctor() == []


def test_folder_changes_are_picked_up(folder: Path, library: Library) -> None:
    library.ensure_folder(folder)
    (folder / "walk.txt").write_text("การเดินเร็ววันละ 45 นาทีดีต่อหัวใจ", encoding="utf-8")
    (folder / "sleep.md").unlink()
    results, _ = library.reindex()
    assert sorted(r.status for r in results) == ["changed", "removed"]
    assert [d.file_name for d in library.documents()] == ["walk.txt"]
    assert library.index.doctor() == []


def test_replace_swaps_versions_and_keeps_old_on_failure(tmp_path: Path, library: Library) -> None:
    src = uploaded(tmp_path)
    library.add_file(src, src.name)
    old_id = library.documents()[0].doc_id
    newer = uploaded(tmp_path, "สวนผัก 2568 v2.pdf", FACT.replace("4,321", "5,678"))
    result, _ = library.replace(old_id, newer, newer.name)
    assert result.status == "new"
    docs = library.documents()
    assert [d.file_name for d in docs] == ["สวนผัก 2568 v2.pdf"]
    assert docs[0].doc_id != old_id
    assert library.document_file(old_id) is None
    bad = tmp_path / "broken.pdf"
    bad.write_bytes(b"%PDF-1.4 broken")
    failed, _ = library.replace(docs[0].doc_id, bad, bad.name)
    assert failed.status == "failed"
    assert [d.doc_id for d in library.documents()] == [docs[0].doc_id]
    with pytest.raises(InputError):
        library.replace("no-such-doc", newer, newer.name)


def test_uploads_live_under_the_index(tmp_path: Path, library: Library) -> None:
    assert library.uploads_dir == tmp_path / "index" / UPLOADS


def test_evaluation_hook_checks_the_set_name(tmp_path: Path) -> None:
    cfg = Config(index_dir=tmp_path)
    dirs = {"sets_dir": SETS, "corpus_dir": CORPUS, "shared_dir": tmp_path}
    with pytest.raises(InputError):
        run_evaluation("../secrets", cfg, tmp_path, **dirs)
    with pytest.raises(RagError):
        run_evaluation("no-such-set", cfg, tmp_path, **dirs)


def test_rwlock_writer_waits_for_readers_and_guard_releases() -> None:
    lock = RWLock()
    events: list[str] = []
    with lock.read():
        writer = threading.Thread(target=lambda: (lock.write().__enter__(), events.append("w")))
        writer.start()
        time.sleep(0.1)
        assert events == []  # blocked while a reader holds the lock
    writer.join(2)
    assert events == ["w"]

    def numbers() -> Iterator[int]:
        yield from range(3)

    fresh = RWLock()
    items = fresh.guarded(numbers())
    assert next(items) == 0
    with fresh.write():  # not held across the yield: a writer gets in between items
        pass
    items.close()


@pytest.mark.slow
def test_evaluation_button_writes_a_report(tmp_path: Path) -> None:
    assert "demo" in available_sets(tmp_path)
    ticks: list[tuple[int, int]] = []
    report = run_evaluation(
        "demo",
        Config(index_dir=tmp_path / "index"),
        tmp_path / "reports",
        sets_dir=SETS,
        corpus_dir=CORPUS,
        shared_dir=tmp_path,
        limit=2,
        thresholds=Path("eval/thresholds.toml"),
        on_question=lambda done, total: ticks.append((done, total)),
    )
    assert report.suffix == ".md" and report.with_suffix(".html").exists()
    assert "hit_at_5" in report.read_text(encoding="utf-8")
    assert ticks == [(1, 2), (2, 2)]
    assert (tmp_path / "index" / "eval-demo").is_dir()  # apart from the live index


def test_app_start_after_chunk_budget_change_rechunks(folder: Path, tmp_path: Path) -> None:
    """Start-up (``ensure_folder``) follows a changed ``chunk_tokens`` like ``rag ingest``."""
    text = "\n\n".join([FACT, "ผู้สูงอายุควรนอนหลับวันละ 7 ถึง 8 ชั่วโมงและออกกำลังกายสม่ำเสมอ"] * 4)
    (folder / "garden.md").write_text(text, encoding="utf-8")
    base = Config(index_dir=tmp_path / "index", chunk_overlap=0)

    def start_app(tokens: int) -> tuple[int, list[str]]:
        index = Index(base.with_(chunk_tokens=tokens))
        try:
            Library(index).ensure_folder(folder)  # what ui/app.py does at start-up
            counter = count_tokens(index.embedder)
            for row in index.manifest.documents():
                doc_id = row.meta.doc_id
                want = chunk_pages(index.manifest.pages(doc_id), counter, tokens, 0)
                got = index.manifest.chunks(index.manifest.doc_chunk_ids(doc_id))
                assert sorted(c.chunk_id for c in got) == sorted(c.chunk_id for c in want)
            return len(index.manifest.chunk_ids()), index.doctor()
        finally:
            index.close()

    wide, problems = start_app(200)
    assert not problems
    narrow, problems = start_app(24)
    assert not problems
    assert narrow > wide
