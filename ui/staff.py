"""The staff area (mounted behind a login): add, list, delete, replace, re-index, evaluate.

Each handler checks the account's role first (:func:`ui.staff_accounts.guard`). Every
change to the index and every evaluation is a background job (:mod:`ui.staff_jobs`):
a handler stores what the job needs, submits it and returns; the jobs panel shows its
progress and result.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import gradio as gr

from rag.ingest.loaders import SUFFIXES
from rag.ingest.loaders.base import display_name
from rag.web.feedback import export_drafts
from rag.web.i18n import both, t
from rag.web.library import DocInfo
from rag.web.staff_eval import available_sets
from ui import Services, user_error
from ui.staff_accounts import (
    AccountsView,
    accounts_layout,
    audit_job,
    by_role,
    guard,
    wire_accounts,
)
from ui.staff_files import STAFF_FILES_TTL, outbox, uploads_only
from ui.staff_jobs import jobs_panel, queued, watcher
from ui.staff_keys import KeysView, keys_layout, wire_keys

DOC_HEADERS = ["col_status", "col_title", "col_type", "col_file", "col_pages", "col_chunks"]
PRIVATE: dict[str, Any] = {"api_visibility": "private"}
Rows = list[list[Any]]


def doc_rows(docs: list[DocInfo]) -> Rows:
    """Rows of the document table."""
    return [
        [d.status, d.title, d.file_type, d.file_name, d.pages, d.chunks,
         d.added_at[:16].replace("T", " ")]
        for d in docs
    ]  # fmt: skip


def doc_choices(docs: list[DocInfo]) -> list[tuple[str, str]]:
    """Dropdown choices: ``title — file (doc_id)`` → doc_id."""
    return [(f"{d.title} — {d.file_name} ({d.doc_id})", d.doc_id) for d in docs]


@dataclass(frozen=True)
class View:
    """The components of the staff page."""

    files: gr.File
    upload: gr.Button
    progress: gr.Markdown
    docs: gr.Dataframe
    refresh: gr.Button
    reindex: gr.Button
    pick: gr.Dropdown
    delete: gr.Button
    new_file: gr.File
    replace: gr.Button
    action: gr.Markdown
    set_pick: gr.Dropdown
    run_eval: gr.Button
    report: gr.Markdown
    report_file: gr.File
    fb_summary: gr.Markdown
    fb_table: gr.Dataframe
    export: gr.Button
    drafts: gr.File
    jobs: gr.Dataframe
    timer: gr.Timer
    seen: gr.State
    admin: AccountsView
    keys: KeysView


def layout(sets: list[str]) -> View:
    """Create the components (inside an open ``gr.Blocks``; the picker takes any id)."""
    gr.HTML(
        '<div class="app-header"><span class="logo">สสส.</span><div>'
        f"<h1>{t('th', 'staff_title')}</h1><p>{t('en', 'staff_title')}</p></div></div>"
    )
    kinds = sorted(SUFFIXES)
    table: dict[str, Any] = {"type": "array", "interactive": False, "wrap": True}
    with gr.Tabs():
        with gr.Tab(both("tab_upload"), id="upload"):
            files = uploads_only(
                gr.File(label=both("upload_files"), file_count="multiple", file_types=kinds)
            )
            upload = gr.Button(both("upload_btn"), variant="primary", elem_id="upload-btn")
            progress = gr.Markdown(elem_id="upload-progress")
        with gr.Tab(both("tab_docs"), id="docs"):
            headers = [both(h) for h in DOC_HEADERS] + [both("col_added")]
            docs = gr.Dataframe(
                headers=headers,
                elem_id="docs-table",
                column_widths=["80px", "34%", "70px", "22%", "70px", "90px", "140px"],
                max_height=420,
                **table,
            )
            with gr.Row():
                refresh = gr.Button(both("refresh"), size="sm", elem_id="refresh")
                reindex = gr.Button(both("reindex_btn"), size="sm", elem_id="reindex")
            pick = gr.Dropdown(
                label=both("doc_id"), choices=[], elem_id="doc-pick", allow_custom_value=True
            )
            with gr.Row():
                delete = gr.Button(
                    both("delete_btn"), variant="stop", elem_id="delete-btn", scale=0, size="sm"
                )
            with gr.Accordion(both("replace_btn"), open=False):
                new_file = uploads_only(
                    gr.File(label=both("replace_file"), file_types=kinds, height=140)
                )
                replace = gr.Button(both("replace_btn"), elem_id="replace-btn")
            action = gr.Markdown(elem_id="doc-action")
        with gr.Tab(both("tab_eval"), id="eval"):
            set_pick = gr.Dropdown(sets, value=sets[0], label=both("eval_set"))
            run_eval = gr.Button(both("eval_btn"), variant="primary", elem_id="eval-btn")
            report = gr.Markdown(elem_id="eval-report")
            report_file = gr.File(label="report", file_count="multiple", interactive=False)
        with gr.Tab(both("tab_feedback"), id="feedback"):
            fb_summary = gr.Markdown(elem_id="fb-summary")
            fb_table = gr.Dataframe(
                headers=["เมื่อ / When", "👍/👎", "คำถาม / Question", "ความคิดเห็น / Comment"],
                elem_id="fb-table",
                column_widths=["150px", "60px", "45%", "auto"],
                max_height=360,
                **table,
            )
            export = gr.Button(both("export_btn"), elem_id="export-btn")
            drafts = gr.File(label="feedback-drafts.jsonl", interactive=False)
        admin = accounts_layout()
        keys = keys_layout()
    jobs, timer = jobs_panel()  # below the tabs: seen from each of them
    return View(
        files, upload, progress, docs, refresh, reindex, pick, delete, new_file, replace,
        action, set_pick, run_eval, report, report_file, fb_summary, fb_table, export, drafts,
        jobs, timer, gr.State(None), admin, keys,
    )  # fmt: skip


def lister(services: Services) -> Callable[[], tuple[Any, ...]]:
    """The handler that refreshes the document table, the picker and the feedback counts."""

    def listing() -> tuple[Any, ...]:
        docs = services.library.documents()
        rows = services.feedback.rows()
        down = sum(r.rating == "down" for r in rows)
        summary = f"👍 {len(rows) - down} · 👎 {down}"
        recent = [
            [r.created_at[:16].replace("T", " "), "👍" if r.rating == "up" else "👎", r.question,
             r.comment]
            for r in reversed(rows[-100:])
        ]  # fmt: skip
        return doc_rows(docs), gr.update(choices=doc_choices(docs), value=None), summary, recent

    return listing


def adder(services: Services) -> Callable[..., tuple[str, gr.Timer]]:
    """The upload handler: stores each file (fast) and queues one job per file."""

    def add(paths: list[str] | None, request: gr.Request) -> tuple[str, gr.Timer]:
        names = ", ".join(Path(p).name for p in paths or [])
        account = guard(services, request, "upload", names, record=False)
        if not paths:
            raise user_error(both("no_files"))
        ids, failed = [], []
        for path in map(Path, paths):
            try:
                stored = services.library.store_upload(path, path.name)
            except OSError as exc:
                failed.append(f"❌ {display_name(path.name)}: {exc} / บันทึกไฟล์ไม่ได้")
                continue
            args = {"path": str(stored), "name": path.name}
            ids.append(services.worker.submit("upload", args, account.user))
            audit_job(services, account, "upload", path.name, ids[-1])
        return "\n\n".join([queued(ids), *failed]), gr.Timer(active=True)

    return add


def document_actions(services: Services) -> tuple[Callable[..., tuple[str, gr.Timer]], ...]:
    """The delete, replace and re-index handlers (each queues a job)."""
    library, worker = services.library, services.worker

    def title_of(doc_id: str | None) -> str:
        found = [d.title for d in library.documents() if d.doc_id == doc_id]
        if not found:
            raise user_error(both("pick_doc"))
        return found[0]

    def remove(doc_id: str | None, request: gr.Request) -> tuple[str, gr.Timer]:
        account = guard(services, request, "delete", doc_id or "", record=False)
        args = {"doc_id": doc_id, "name": title_of(doc_id)}
        job_id = worker.submit("delete", args, account.user)
        audit_job(services, account, "delete", str(doc_id), job_id)
        return f"{queued([job_id])} 🗑️ `{doc_id}`", gr.Timer(active=True)

    def swap(doc_id: str | None, path: str | None, request: gr.Request) -> tuple[str, gr.Timer]:
        target = f"{doc_id} ← {Path(path or '').name}"
        account = guard(services, request, "replace", target, record=False)
        title_of(doc_id)
        if not path:
            raise user_error(both("no_files"))
        name = Path(path).name
        try:
            stored = library.store_upload(Path(path), name)
        except OSError as exc:
            raise user_error(f"{display_name(name)}: {exc} / บันทึกไฟล์ไม่ได้") from exc
        args = {"doc_id": doc_id, "path": str(stored), "name": name}
        job_id = worker.submit("replace", args, account.user)
        audit_job(services, account, "replace", target, job_id)
        return queued([job_id]), gr.Timer(active=True)

    def refresh_all(request: gr.Request) -> tuple[str, gr.Timer]:
        account = guard(services, request, "reindex", record=False)
        job_id = worker.submit("reindex", {}, account.user)
        audit_job(services, account, "reindex", "", job_id)
        return queued([job_id]), gr.Timer(active=True)

    return remove, swap, refresh_all


def reports(services: Services) -> tuple[Callable[..., Any], Callable[..., str]]:
    """The evaluation handler (a job) and the feedback export (files go to a staff outbox)."""

    def evaluate(set_name: str, request: gr.Request) -> tuple[str, gr.Timer]:
        account = guard(services, request, "evaluate", set_name, record=False)
        job_id = services.worker.submit("evaluate", {"set": set_name}, account.user)
        audit_job(services, account, "evaluate", set_name, job_id)
        return queued([job_id]), gr.Timer(active=True)

    def export_feedback(request: gr.Request) -> str:
        guard(services, request, "feedback", "export")
        out = outbox("rag-drafts-") / "feedback-drafts.jsonl"
        export_drafts(services.feedback, out)
        return str(out)

    return evaluate, export_feedback


def build_staff(services: Services) -> gr.Blocks:
    """The staff Blocks (only ever mounted behind authentication)."""
    sets = available_sets(services.shared_dir) or ["demo"]
    app = gr.Blocks(
        title=t("th", "staff_title"),
        analytics_enabled=False,
        fill_width=True,
        delete_cache=STAFF_FILES_TTL,
    )
    with app:
        v = layout(sets)
        listing = by_role(services, lister(services))
        listed = [v.docs, v.pick, v.fb_summary, v.fb_table]
        watched = [v.jobs, v.timer, v.seen, *listed, v.report, v.report_file]
        tick = watcher(services, listing)
        app.load(listing, None, listed, **PRIVATE).then(tick, v.seen, watched, **PRIVATE)
        v.timer.tick(tick, v.seen, watched, **PRIVATE)
        v.refresh.click(listing, None, listed, **PRIVATE)
        v.upload.click(adder(services), v.files, [v.progress, v.timer], api_name="upload").then(
            tick, v.seen, watched, **PRIVATE
        )
        remove, swap, refresh_all = document_actions(services)
        v.delete.click(remove, v.pick, [v.action, v.timer], api_name="delete").then(
            tick, v.seen, watched, **PRIVATE
        )
        replaced = [v.pick, v.new_file]
        v.replace.click(swap, replaced, [v.action, v.timer], api_name="replace").then(
            tick, v.seen, watched, **PRIVATE
        )
        v.reindex.click(refresh_all, None, [v.action, v.timer], api_name="reindex").then(
            tick, v.seen, watched, **PRIVATE
        )
        evaluate, export_feedback = reports(services)
        v.run_eval.click(evaluate, v.set_pick, [v.report, v.timer], api_name="evaluate").then(
            tick, v.seen, watched, **PRIVATE
        )
        v.export.click(export_feedback, None, v.drafts, api_name="export_feedback")
        wire_accounts(services, app, v.admin)
        wire_keys(services, app, v.keys)
    return app
