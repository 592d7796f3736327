"""Staff files stay behind the staff login; staff uploads come only from the upload folder.

Raw HTTP against a real app on 127.0.0.1 (the ``app_server`` fixture of
``tests/test_ui_api.py``): the partner surface answers only its allow-listed routes,
an export made by staff is not reachable anonymously, and a staff API call naming a
server path outside the upload folder indexes nothing.
"""

from __future__ import annotations

import json
import re
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import gradio as gr
import httpx
import pytest
from fastapi import FastAPI
from gradio.utils import get_upload_folder
from starlette.routing import BaseRoute, Mount

from rag.data import Answer
from rag.web.surface import is_staff_path, partner_allows
from tests.test_ui_api import PASSWORD, Running, app_server  # noqa: F401 (the fixture)

SECRET = "คำถามลับของภาคี-ทดสอบ"
PROBE = Path(get_upload_folder()) / "rag-isolation-probe" / "probe.txt"


def routes_of(routes: list[BaseRoute], prefix: str = "") -> list[tuple[str, str]]:
    """(method, path template) of every route outside ``/staff``, mounts and routers walked."""
    found: list[tuple[str, str]] = []
    for route in routes:
        if isinstance(route, Mount):
            if route.path != "/staff":
                found += routes_of(route.routes, prefix + route.path)
        elif hasattr(route, "original_router"):  # FastAPI's included router, at its prefix
            outer = getattr(getattr(route, "include_context", None), "prefix", "")
            found += routes_of(route.original_router.routes, prefix + outer)
        elif hasattr(route, "path"):
            methods = sorted(getattr(route, "methods", None) or {"GET"})
            found += [(m, prefix + route.path) for m in methods if m != "HEAD"]
    return sorted(set(found))


def gradio_routes() -> list[tuple[str, str]]:
    """The routes a mounted Gradio app adds (the same for every Blocks of this version)."""
    return routes_of(gr.mount_gradio_app(FastAPI(), gr.Blocks(), path="").routes)


def concrete(template: str) -> str:
    """A request path for a route template: file-like parameters name a real cache file."""
    path = re.sub(r"\{[^}]*:path\}", str(PROBE), template)
    return re.sub(r"\{[^}]*\}", "x", path)


@contextmanager
def staff_client(running: Running) -> Iterator[httpx.Client]:
    """An httpx client logged in to the staff area."""
    with httpx.Client(base_url=f"{running.url}/staff", timeout=60) as client:
        assert client.post("/login", data={"username": "staff", "password": PASSWORD}).is_success
        yield client


def staff_call(client: httpx.Client, name: str, data: list[Any]) -> tuple[str, Any]:
    """Call a staff endpoint over Gradio's REST API: ("complete" | "error", its data)."""
    started = client.post(f"/gradio_api/call/{name}", json={"data": data})
    assert started.status_code == 200, started.text
    event_id = started.json()["event_id"]
    stream = client.get(f"/gradio_api/call/{name}/{event_id}").text
    events = re.findall(r"^event: (\w+)\ndata: (.*)$", stream, flags=re.M)
    kind, payload = next((k, d) for k, d in reversed(events) if k in ("complete", "error"))
    return kind, json.loads(payload)


def file_data(path: Path) -> dict[str, Any]:
    """A Gradio ``FileData`` payload naming a server path."""
    return {"path": str(path), "orig_name": path.name, "meta": {"_type": "gradio.FileData"}}


# --- (c) the partner surface is an allow-list -----------------------------------------


@pytest.mark.parametrize(("method", "template"), gradio_routes())
def test_partner_route_is_allow_listed_or_closed(
    app_server: Running,  # noqa: F811
    method: str,
    template: str,
) -> None:
    PROBE.parent.mkdir(parents=True, exist_ok=True)
    PROBE.write_text("a file in Gradio's cache", encoding="utf-8")
    path = concrete(template)
    if partner_allows(method, path):
        pytest.skip("on the partner allow-list")
    response = httpx.request(method, app_server.url + path, json={}, follow_redirects=False)
    assert response.status_code in (401, 403, 404), (method, path, response.status_code)
    assert "a file in Gradio" not in response.text


def test_the_app_adds_no_route_beyond_gradios_and_the_allow_list(
    app_server: Running,  # noqa: F811
) -> None:
    from ui.app import create_app

    ours = routes_of(create_app(app_server.services).routes)
    extra = set(ours) - set(gradio_routes())
    assert extra, "the app's own routes (/doc, /healthz) were found"
    public = [r for r in extra if not is_staff_path(concrete(r[1]))]  # /staff redirects
    assert [r for r in public if not partner_allows(r[0], concrete(r[1]))] == []


# --- (a) staff files are served only behind the staff login ---------------------------


def test_a_staff_export_is_not_served_to_partners(app_server: Running) -> None:  # noqa: F811
    app_server.services.feedback.add("down", SECRET, Answer("ไม่ทราบ", (), 0.0, True))
    with staff_client(app_server) as staff:
        kind, out = staff_call(staff, "export_feedback", [])
        assert kind == "complete", out
        exported = Path(out[0]["path"])
        assert SECRET in exported.read_text(encoding="utf-8")
        mine = staff.get(f"/gradio_api/file={exported}")
        assert mine.status_code == 200 and SECRET in mine.text
    anonymous = [
        f"{app_server.url}/gradio_api/file={exported}",
        f"{app_server.url}/gradio_api/file/{exported}",
        f"{app_server.url}/file={exported}",
        f"{app_server.url}/staff/gradio_api/file={exported}",
    ]
    for url in anonymous:
        response = httpx.get(url)
        assert response.status_code in (401, 403, 404), url
        assert SECRET not in response.text


# --- (b) staff uploads only from the upload folder ------------------------------------


def test_staff_upload_of_a_server_path_is_refused(
    app_server: Running,  # noqa: F811
    tmp_path: Path,
) -> None:
    outside = tmp_path / "server-notes.md"
    outside.write_text(f"# บันทึกภายใน\n\n{SECRET} ไม่ควรถูกนำเข้าดัชนี", encoding="utf-8")
    before = app_server.services.library.documents()
    with staff_client(app_server) as staff:
        kind, out = staff_call(staff, "upload", [[file_data(outside)]])
        assert kind == "error"
        message = json.dumps(out, ensure_ascii=False)
        assert "อัปโหลด" in message and "only files uploaded" in message
    assert app_server.services.library.documents() == before


def test_every_staff_file_input_refuses_a_server_path(
    app_server: Running,  # noqa: F811
    tmp_path: Path,
) -> None:
    from ui.staff import build_staff

    outside = tmp_path / "notes.md"
    outside.write_text("# x\n\nข้อความ", encoding="utf-8")
    blocks = build_staff(app_server.services)
    inputs = {b for fn in blocks.fns.values() for b in fn.inputs if isinstance(b, gr.File)}
    assert len(inputs) == 2  # upload and replace
    for field in inputs:
        with pytest.raises(gr.Error, match="อัปโหลด"):
            field.move_resource_to_block_cache(str(outside))


def test_staff_upload_through_the_upload_route_is_indexed(
    app_server: Running,  # noqa: F811
) -> None:
    text = "# สวนผักชุมชน\n\nโครงการสวนผักชุมชนมีสมาชิก 77 ครัวเรือน".encode()
    with staff_client(app_server) as staff:
        sent = staff.post("/gradio_api/upload", files={"files": ("garden.md", text, "text/plain")})
        assert sent.status_code == 200, sent.text
        uploaded = Path(sent.json()[0])
        assert uploaded.resolve().is_relative_to(Path(get_upload_folder()).resolve())
        kind, out = staff_call(staff, "upload", [[file_data(uploaded)]])
        assert kind == "complete", out
        jobs = app_server.services.jobs  # the upload is a job: wait for the worker
        deadline = time.monotonic() + 300
        while any(j.active for j in jobs.recent()) and time.monotonic() < deadline:
            time.sleep(0.1)
        names = [d.file_name for d in app_server.services.library.documents()]
        assert "garden.md" in names
    added = next(d for d in app_server.services.library.documents() if d.file_name == "garden.md")
    app_server.services.library.delete(added.doc_id)
