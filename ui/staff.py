"""The staff area (behind a login; each handler checks the role first): documents, evaluation."""

from __future__ import annotations

import shutil
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import gradio as gr

from rag.errors import RagError
from rag.ingest.files import FileResult
from rag.ingest.loaders import SUFFIXES
from rag.ingest.loaders.base import display_name
from rag.web.feedback import export_drafts
from rag.web.i18n import t
from rag.web.library import DocInfo
from rag.web.staff_eval import available_sets, run_evaluation
from ui import Services, ui_error, user_error
from ui.staff_accounts import AccountsView, accounts_layout, by_role, guard, wire_accounts
from ui.staff_files import STAFF_FILES_TTL, outbox, uploads_only

DOC_HEADERS = ["col_status", "col_title", "col_type", "col_file", "col_pages", "col_chunks"]
RESULT_HEADERS = ["col_status", "col_file", "col_result", "col_chunks", "col_detail"]
PRIVATE: dict[str, Any] = {"api_visibility": "private"}
PROGRESS = gr.Progress()  # Gradio passes a tracker to a parameter with this default
Rows = list[list[Any]]


def both(key: str) -> str:
    """Thai and English wording together (the staff area is bilingual)."""
    return f"{t('th', key)} / {t('en', key)}"


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


def result_row(result: FileResult) -> list[Any]:
    """One row of the import results."""
    detail = " — ".join(x for x in (result.message, *result.warnings[:3]) if x)
    return [result.symbol, result.path, result.status, result.chunks, detail]


@dataclass(frozen=True)
class View:
    """The components of the staff page."""

    files: gr.File
    upload: gr.Button
    progress: gr.Markdown
    results: gr.Dataframe
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
    admin: AccountsView


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
            headers = [both(h) for h in RESULT_HEADERS]
            results = gr.Dataframe(
                headers=headers,
                elem_id="upload-results",
                column_widths=["90px", "28%", "90px", "90px", "auto"],
                **table,
            )
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
    return View(
        files, upload, progress, results, docs, refresh, reindex, pick, delete, new_file,
        replace, action, set_pick, run_eval, report, report_file, fb_summary, fb_table, export,
        drafts, admin,
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


def adder(services: Services) -> Callable[..., Iterator[tuple[str, Rows]]]:
    """The upload handler: one row per file, updated as each file is indexed."""

    def add(paths: list[str] | None, request: gr.Request) -> Iterator[tuple[str, Rows]]:
        guard(services, request, "upload", ", ".join(Path(p).name for p in paths or []))
        if not paths:
            raise user_error(both("no_files"))
        names = [display_name(Path(p).name) for p in paths]
        rows: Rows = [["⏳", n, "", "", ""] for n in names]
        for i, path in enumerate(paths):
            yield f"⏳ {i + 1} / {len(paths)}: {names[i]}", rows
            result, _ = services.library.add_file(Path(path), Path(path).name)
            rows[i] = result_row(result)
        ok = sum(r[0] != "❌" for r in rows)
        yield f"✅ {ok} / {len(paths)}", rows

    return add


def document_actions(services: Services) -> tuple[Callable[..., str], ...]:
    """The delete, replace and re-index handlers."""
    library = services.library

    def remove(doc_id: str | None, request: gr.Request) -> str:
        guard(services, request, "delete", doc_id or "")
        if not doc_id:
            raise user_error(both("pick_doc"))
        try:
            library.delete(doc_id)
        except RagError as exc:
            raise ui_error(exc) from exc
        return f"🗑️ {both('deleted')}: `{doc_id}`"

    def swap(doc_id: str | None, path: str | None, request: gr.Request) -> str:
        guard(services, request, "replace", f"{doc_id} ← {Path(path or '').name}")
        if not doc_id:
            raise user_error(both("pick_doc"))
        if not path:
            raise user_error(both("no_files"))
        try:
            result, _ = library.replace(doc_id, Path(path), Path(path).name)
        except RagError as exc:
            raise ui_error(exc) from exc
        return " ".join(str(x) for x in result_row(result) if x != "")

    def refresh_all(request: gr.Request) -> str:
        guard(services, request, "reindex")
        found, sync = library.reindex()
        lines = [f"🔄 {len(found)} files, +{sync.added} / -{sync.removed} chunks"]
        lines += [f"- ❌ {f.path}: {f.message}" for f in found if f.status == "failed"]
        return "\n".join(lines)

    return remove, swap, refresh_all


def reports(services: Services) -> tuple[Callable[..., Any], Callable[..., str]]:
    """The evaluation and feedback-export handlers (files go to a staff outbox)."""

    def evaluate(
        set_name: str, request: gr.Request, progress: gr.Progress = PROGRESS
    ) -> tuple[str, list[str]]:
        guard(services, request, "evaluate", set_name)

        def tick(done: int, total: int) -> None:
            progress(done / max(total, 1), desc=f"{done} / {total}")

        try:
            path = run_evaluation(
                set_name,
                services.cfg,
                services.reports_dir,
                sets_dir=services.sets_dir,
                corpus_dir=services.corpus_dir,
                shared_dir=services.shared_dir,
                thresholds=services.reports_dir.parent / "thresholds.toml",
                on_question=tick,
            )
        except RagError as exc:
            raise ui_error(exc) from exc
        folder = outbox("rag-report-")
        copies = []
        for report in (path, path.with_suffix(".html")):
            if report.exists():
                copies.append(str(shutil.copy(report, folder / report.name)))
        return path.read_text(encoding="utf-8"), copies

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
        app.load(listing, None, listed, **PRIVATE)
        v.refresh.click(listing, None, listed, **PRIVATE)
        v.upload.click(adder(services), v.files, [v.progress, v.results], api_name="upload").then(
            listing, None, listed, **PRIVATE
        )
        remove, swap, refresh_all = document_actions(services)
        v.delete.click(remove, v.pick, v.action, api_name="delete").then(
            listing, None, listed, **PRIVATE
        )
        v.replace.click(swap, [v.pick, v.new_file], v.action, api_name="replace").then(
            listing, None, listed, **PRIVATE
        )
        v.reindex.click(refresh_all, None, v.action, api_name="reindex").then(
            listing, None, listed, **PRIVATE
        )
        evaluate, export_feedback = reports(services)
        v.run_eval.click(evaluate, v.set_pick, [v.report, v.report_file], api_name="evaluate")
        v.export.click(export_feedback, None, v.drafts, api_name="export_feedback")
        wire_accounts(services, app, v.admin)
    return app
