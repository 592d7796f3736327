"""Interface wording in Thai (default) and English.

>>> t("th", "send"), t("en", "send")
('ส่ง', 'Send')
"""

from __future__ import annotations

from typing import Literal

Lang = Literal["th", "en"]

TEXT: dict[str, tuple[str, str]] = {
    # partner chat
    "title": ("ถาม-ตอบเอกสาร สสส.", "ThaiHealth document Q&A"),
    "subtitle": (
        "ถามเป็นภาษาไทยเกี่ยวกับเอกสารของ สสส. ทุกคำตอบอ้างอิงหน้าเอกสารต้นฉบับ",
        "Ask in Thai about ThaiHealth documents; every answer cites the source pages",
    ),
    "question": ("คำถาม", "Question"),
    "placeholder": (
        "พิมพ์คำถาม เช่น ปี 2567 คนไทยสูบบุหรี่ร้อยละเท่าไร",
        "Type a question, e.g. ปี 2567 คนไทยสูบบุหรี่ร้อยละเท่าไร",
    ),
    "send": ("ส่ง", "Send"),
    "new_chat": ("เริ่มบทสนทนาใหม่", "New conversation"),
    "copy": ("คัดลอกคำตอบ", "Copy answer"),
    "copied": ("คัดลอกแล้ว", "Copied"),
    "examples": ("ตัวอย่างคำถาม", "Example questions"),
    "chat": ("บทสนทนา", "Conversation"),
    "language": ("ภาษา / Language", "ภาษา / Language"),
    "thinking": ("กำลังค้นหาในเอกสาร…", "Searching the documents…"),
    "sources": ("แหล่งอ้างอิง", "Sources"),
    "closest": ("เอกสารที่ใกล้เคียงที่สุด", "Closest passages"),
    "page": ("หน้า", "page"),
    "open_doc": ("เปิดเอกสาร หน้า {page}", "Open document at page {page}"),
    "refused_title": ("ไม่พบคำตอบในเอกสาร", "Not found in the documents"),
    "refused_hint": (
        "ลองถามให้เจาะจงขึ้น หรือถามเรื่องที่อยู่ในเอกสารของ สสส.",
        "Try a more specific question about a topic in the ThaiHealth documents",
    ),
    "notice_title": ("หมายเหตุ", "Notice"),
    "confidence": ("ความมั่นใจ", "confidence"),
    "feedback": ("คำตอบนี้มีประโยชน์ไหม", "Was this answer helpful?"),
    "good": ("👍 มีประโยชน์", "👍 Helpful"),
    "bad": ("👎 ไม่ถูกต้อง", "👎 Not right"),
    "comment": ("ความคิดเห็นเพิ่มเติม (ไม่บังคับ)", "Comment (optional)"),
    "thanks": ("ขอบคุณสำหรับความคิดเห็น", "Thank you for your feedback"),
    "no_answer_yet": ("ยังไม่มีคำตอบให้ประเมิน", "There is no answer to rate yet"),
    "footer": (
        "คำตอบสร้างจากเอกสารที่จัดทำดัชนีไว้เท่านั้น โปรดตรวจสอบกับเอกสารต้นฉบับ",
        "Answers come only from the indexed documents; check the original pages",
    ),
    # staff area
    "staff_title": ("ส่วนเจ้าหน้าที่ — จัดการเอกสาร", "Staff — document management"),
    "tab_upload": ("เพิ่มเอกสาร", "Add documents"),
    "tab_docs": ("รายการเอกสาร", "Documents"),
    "tab_eval": ("ประเมินผล", "Evaluation"),
    "tab_feedback": ("ความคิดเห็น", "Feedback"),
    "upload_files": ("เลือกไฟล์ (เลือกได้หลายไฟล์)", "Choose files (several at once)"),
    "upload_btn": ("อัปโหลดและจัดทำดัชนี", "Upload and index"),
    "results": ("ผลการนำเข้า", "Import results"),
    "refresh": ("รีเฟรช", "Refresh"),
    "doc_id": ("รหัสเอกสาร (doc_id)", "Document id (doc_id)"),
    "delete_btn": ("ลบเอกสาร", "Delete document"),
    "replace_file": ("ไฟล์ฉบับใหม่", "New version"),
    "replace_btn": ("แทนที่ด้วยฉบับใหม่", "Replace with new version"),
    "reindex_btn": ("จัดทำดัชนีใหม่", "Re-index"),
    "eval_set": ("ชุดคำถาม", "Question set"),
    "eval_btn": ("รันชุดประเมินผล", "Run evaluation"),
    "export_btn": ("ส่งออก 👎 เป็นร่างชุดคำถาม", "Export 👎 as draft questions"),
    "col_title": ("ชื่อเอกสาร", "Title"),
    "col_type": ("ชนิด", "Type"),
    "col_pages": ("หน้า", "Pages"),
    "col_chunks": ("ชิ้นข้อความ", "Chunks"),
    "col_added": ("เพิ่มเมื่อ", "Added at"),
    "col_status": ("สถานะ", "Status"),
    "col_file": ("ไฟล์", "File"),
    "col_result": ("ผล", "Result"),
    "col_detail": ("รายละเอียด", "Details"),
    "deleted": ("ลบเอกสารแล้ว", "Document deleted"),
    "pick_doc": ("กรุณาเลือกเอกสาร", "Please choose a document"),
    "no_files": ("กรุณาเลือกไฟล์", "Please choose files"),
    # staff jobs
    "jobs": ("งานเบื้องหลัง", "Background jobs"),
    "col_job": ("งาน", "Job"),
    "col_kind": ("ประเภท", "Kind"),
    "col_progress": ("ความคืบหน้า", "Progress"),
    "col_user": ("ผู้สั่ง", "User"),
    "col_time": ("เวลา", "Time"),
    "queued": ("ส่งเข้าคิวแล้ว", "queued"),
    "kind_upload": ("อัปโหลด", "upload"),
    "kind_delete": ("ลบ", "delete"),
    "kind_replace": ("แทนที่", "replace"),
    "kind_reindex": ("ดัชนีใหม่", "re-index"),
    "kind_evaluate": ("ประเมินผล", "evaluate"),
    "kind_backfill": ("ฝังเวกเตอร์", "dense vectors"),
    "state_queued": ("รอคิว", "queued"),
    "state_running": ("กำลังทำ", "running"),
    "state_done": ("เสร็จ", "done"),
    "state_failed": ("ล้มเหลว", "failed"),
}


def t(lang: Lang, key: str) -> str:
    """The wording of ``key`` in ``lang`` (Thai when the language is unknown)."""
    thai, english = TEXT[key]
    return english if lang == "en" else thai


def both(key: str) -> str:
    """Thai and English wording together (the staff area is bilingual).

    >>> both("refresh")
    'รีเฟรช / Refresh'
    """
    return f"{t('th', key)} / {t('en', key)}"
