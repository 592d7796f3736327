"""``rag eval``: question sets, thresholds, reports and the runner end to end (real components)."""

import json
import os
from collections import Counter
from datetime import UTC, datetime
from pathlib import Path

import pytest

from rag.cli.main import main
from rag.config import Config
from rag.errors import InputError
from rag.evaluation.evaluate import EvalRun, IngestSummary, aggregate, by_tag
from rag.evaluation.qsets import (
    CORPUS_SETS,
    NEWS_FILE,
    QuestionSet,
    check_must_contain,
    load_set,
    missing_data,
    read_questions,
)
from rag.evaluation.report import find_previous, read_results, write_reports
from rag.evaluation.thresholds import check_thresholds, load_thresholds
from rag.ingest.files import file_sha256
from rag.ingest.loaders import load

ROOT = Path(__file__).resolve().parents[1]
SHARED = Path(os.environ.get("RAG_SHARED_DIR", str(ROOT.parent / "shared")))
needs_shared = pytest.mark.skipif(
    bool(missing_data("thaihealth-news", SHARED)),
    reason="../shared (thaihealth-news articles) absent",
)
EVAL_CACHE = Path(os.environ.get("RAG_EVAL_CACHE", str(Path.home() / ".cache" / "thaihealth-rag")))
BROKEN = ROOT / "eval" / "configs" / "broken.toml"
# The first 20 demo questions: with the broken configuration hit_at_retrieval_k falls to
# about 0.75 and containment to about 0.53 (normal: 1.0 and 0.90; thresholds 0.98, 0.74).
BROKEN_LIMIT = 20


def repo_set(name: str, shared: Path = SHARED) -> QuestionSet:
    """A set as ``rag eval`` run from the repository root loads it."""
    return load_set(
        name, sets_dir=ROOT / "eval" / "sets", corpus_dir=ROOT / "corpus", shared_dir=shared
    )


# --- question sets ----------------------------------------------------------------------

GOOD = {
    "id": "t-1",
    "question": "ปี 2567 คนไทยสูบบุหรี่ร้อยละเท่าไร",
    "answerable": True,
    "gold": [{"file": "tobacco-control-2567.pdf", "page": 2}],
    "answer": "ร้อยละ 16.9",
    "must_contain": ["16.9"],
    "tags": {"topic": "tobacco", "type": "number"},
    "history": [],
}


def write_lines(path: Path, rows: list[object]) -> Path:
    lines = [r if isinstance(r, str) else json.dumps(r, ensure_ascii=False) for r in rows]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


@pytest.mark.parametrize(
    ("bad", "english"),
    [
        ("{not json", "invalid JSON"),
        ({**GOOD, "id": "t-2", "gold": []}, "answerable question needs gold"),
        ({**GOOD, "id": "t-2", "answerable": "yes"}, "'answerable' must be a boolean"),
        ({**GOOD, "id": "t-2", "gold": [{"file": "a.pdf", "page": 0}]}, "bad gold page 0"),
        ({**GOOD, "id": "t-2", "gold": [{"page": 2}]}, 'exactly one of "file" or "doc_id"'),
        ({**GOOD, "id": "t-2", "answerable": False}, "unanswerable question has no gold"),
        ({**GOOD, "id": "t-2", "qustion": "typo"}, "unknown field(s) ['qustion']"),
        ({**GOOD, "id": "t-2", "history": [{"question": "ก"}]}, "'answer' must be"),
        (GOOD, "duplicate id 't-1'"),
    ],
)
def test_a_malformed_line_is_rejected_with_file_line_and_reason(tmp_path, bad, english):
    path = write_lines(tmp_path / "bad.jsonl", [GOOD, bad])
    with pytest.raises(InputError) as err:
        read_questions(path)
    message = str(err.value)
    assert message.startswith("bad.jsonl:2:")
    assert english in message
    assert "ชุดคำถามไม่ถูกต้อง" in message  # the Thai half


def test_an_empty_set_is_rejected(tmp_path):
    with pytest.raises(InputError, match="holds no question"):
        read_questions(write_lines(tmp_path / "empty.jsonl", [""]))


def test_demo_set_loads():
    qset = repo_set("demo")
    assert len(qset.questions) >= 180
    assert qset.sources == (ROOT / "corpus",)
    kinds = Counter(q.tags["type"] for q in qset.questions)
    assert kinds["near-miss"] >= 20 and kinds["year"] >= 20
    for q in qset.questions:
        if q.tags["type"] == "near-miss":  # unanswerable, and says what the near fact is
            assert not q.answerable and not q.gold and q.tags["near"].strip()
        if q.tags["type"] == "year":
            assert q.answerable and q.gold and q.must_contain


def test_english_set_loads_over_the_demo_corpus():
    qset = repo_set("english")
    assert len(qset.questions) >= 40
    assert qset.sources == repo_set("demo").sources
    assert all(q.tags["lang"] == "en" for q in qset.questions)
    assert all(q.gold and q.must_contain for q in qset.questions if q.answerable)
    unanswerable = [q for q in qset.questions if not q.answerable]
    assert len(unanswerable) >= 5 and all(q.tags["type"] == "near-miss" for q in unanswerable)
    corpus = {p.name for p in (ROOT / "corpus").iterdir()}
    assert {name for q in qset.questions for name, _ in q.gold} <= corpus


@pytest.mark.parametrize("name", CORPUS_SETS)
def test_must_contain_occurs_on_the_gold_pages_as_indexed(name):
    cfg = Config()
    texts = {
        (path.name, number): page.text
        for path in sorted((ROOT / "corpus").iterdir())
        for doc in load(path, file_sha256(path), cfg)
        for number, page in enumerate(doc.pages, start=1)
    }
    questions = repo_set(name).questions
    assert all(source in texts for q in questions for source in q.gold)
    assert check_must_contain(questions, texts) == []


def test_thaihealth_news_set_is_valid_without_shared():
    questions = read_questions(ROOT / "eval" / "sets" / "thaihealth-news.jsonl")
    assert len(questions) >= 60
    unanswerable = [q for q in questions if not q.answerable]
    assert len(unanswerable) >= 10
    follow_ups = [q for q in questions if q.history]
    assert len(follow_ups) >= 5 and all(q.tags["type"] == "follow-up" for q in follow_ups)
    assert all(q.gold and q.must_contain for q in questions if q.answerable)
    assert all(page is None for q in questions for _, page in q.gold)


@needs_shared
@pytest.mark.shared
def test_thaihealth_news_must_contain_occurs_in_the_gold_articles():
    rows = [json.loads(x) for x in (SHARED / NEWS_FILE).read_text(encoding="utf-8").splitlines()]
    texts = {(r["id"], None): r["text"] for r in rows}
    questions = repo_set("thaihealth-news").questions
    assert all(s in texts for q in questions for s in q.gold), "gold ids are article ids"
    assert check_must_contain(questions, texts) == []


@pytest.mark.shared
@pytest.mark.skipif(
    bool(missing_data("xquad-th", SHARED)), reason="../shared/datasets/xquad-th absent"
)
def test_xquad_adapter():
    qset = repo_set("xquad-th")
    assert len(qset.questions) == 1190
    q = qset.questions[0]
    assert q.answerable and q.gold == (("Super_Bowl_50_0", None),)
    assert q.must_contain == ("308",) and q.answer == "308"
    assert qset.sources[0].name == "corpus.jsonl"


def test_missing_shared_is_a_skip_reason(tmp_path):
    assert missing_data("demo", tmp_path) == ""
    assert "../shared" in missing_data("thaihealth-news", tmp_path)
    with pytest.raises(InputError):
        repo_set("thaihealth-news", shared=tmp_path)
    with pytest.raises(InputError, match="unknown question set"):
        repo_set("nope")


# --- thresholds -------------------------------------------------------------------------


def test_thresholds_min_max_undefined_and_unknown():
    limits = {"min": {"hit_at_5": 0.9, "refusal_accuracy": 0.5}, "max": {"false_refusals": 0.1}}
    assert (
        check_thresholds(
            {"hit_at_5": 0.95, "refusal_accuracy": None, "false_refusals": 0.1}, limits
        )
        == []
    )
    failed = check_thresholds(
        {"hit_at_5": 0.5, "refusal_accuracy": 0.2, "false_refusals": 0.3}, limits
    )
    assert [f.split(" ")[0] for f in failed] == ["hit_at_5", "refusal_accuracy", "false_refusals"]
    assert all("threshold" in f and "เกณฑ์" in f for f in failed)
    assert check_thresholds({}, {"min": {"hit_at_50": 1.0}}) == [
        "hit_at_50: ไม่รู้จักตัวชี้วัดนี้ / unknown metric"
    ]


def test_committed_thresholds_name_known_metrics():
    thresholds = load_thresholds(ROOT / "eval" / "thresholds.toml")
    assert {"demo", "thaihealth-news"} <= set(thresholds)
    known = set(aggregate([]))
    for limits in thresholds.values():
        for values in limits.values():
            assert set(values) <= known


def test_bad_thresholds_file(tmp_path):
    path = tmp_path / "t.toml"
    path.write_text('[demo.min]\nhit_at_5 = "high"\n', encoding="utf-8")
    with pytest.raises(Exception, match="thresholds are numbers"):
        load_thresholds(path)
    assert load_thresholds(tmp_path / "absent.toml") == {}


# --- reports (synthetic run, no models) --------------------------------------------------


def fake_result(qid: str, answerable: bool, refused: bool, score: float) -> dict[str, object]:
    metrics = {"hit_at_5": score, "containment": score, "answer_f1": score} if answerable else {}
    return {
        "id": qid,
        "question": f"คำถาม {qid}",
        "history": [],
        "answerable": answerable,
        "tags": {"topic": "tobacco"},
        "reference": "ร้อยละ 16.9",
        "must_contain": ["16.9"] if answerable else [],
        "gold": ["a.pdf#2"] if answerable else [],
        "refused": refused,
        "answer": "ไม่พบข้อมูลนี้ในเอกสารที่มีอยู่" if refused else "ร้อยละ 16.9 [1]",
        "confidence": 0.5,
        "citations": []
        if refused
        else [{"n": 1, "doc": "a.pdf", "doc_id": "x", "title": "t", "page": 2, "quote": "16.9"}],
        "retrieved": [],
        "first_gold_rank": 1 if answerable and score else None,
        "metrics": metrics,
        "timings": {"retrieve": 0.1, "answer": 0.2, "total": 0.3},
    }


def test_a_near_miss_note_forms_no_tag_group():
    near = fake_result("q1", False, True, 0.0)
    near["tags"] = {"topic": "tobacco", "type": "near-miss", "near": "doc has 2567 not 2565"}
    groups = by_tag([fake_result("q0", True, False, 1.0), near])
    assert sorted(groups) == ["topic=tobacco", "type=near-miss"]
    assert groups["type=near-miss"]["refusal_accuracy"] == 1.0


def fake_run(stamp: datetime, score: float) -> EvalRun:
    results = [fake_result(f"q{i}", i < 3, i == 3, score if i else 0.0) for i in range(4)]
    return EvalRun(
        "demo",
        stamp,
        1.0,
        {"file": "", "llm": False, "retrieval_mode": "hybrid", "retrieval_k": 5, "llm_model": ""},
        "indexes/eval-demo",
        IngestSummary({}, 0, 0, 0.0),
        None,
        aggregate(results),
        {"total": {"n": 4.0, "p50": 0.3, "p95": 0.3, "mean": 0.3}},
        {},
        results,
    )


def test_reports_keep_only_the_latest_run_and_compare_with_the_previous(tmp_path):
    first = write_reports(fake_run(datetime(2025, 1, 1, tzinfo=UTC), 1.0), tmp_path, [])
    exts = ("json", "md", "html", "results.jsonl.gz")
    assert [p.name for p in first] == [f"20250101T000000Z-demo.{e}" for e in exts]
    (tmp_path / "20250101T000000Z-xquad-th.json").write_text("{}", encoding="utf-8")  # other set
    second = write_reports(
        fake_run(datetime(2025, 1, 2, tzinfo=UTC), 0.5), tmp_path, ["hit_at_5 = 0.5 < 0.9"]
    )
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(
        [p.name for p in second] + ["20250101T000000Z-xquad-th.json"]
    )
    data = json.loads(second[0].read_text(encoding="utf-8"))
    assert data["previous"]["file"] == "20250101T000000Z-demo.json"
    assert data["previous"]["metrics"]["hit_at_5"] == pytest.approx(2 / 3)  # q0 scored 0
    assert data["metrics"]["hit_at_5"] == pytest.approx(1 / 3)
    assert data["worst"][0] == "q0"
    assert "results" not in data and data["results_file"] == second[3].name
    assert [r["id"] for r in read_results(second[0])] == ["q0", "q1", "q2", "q3"]
    md = second[1].read_text(encoding="utf-8")
    assert "| hit_at_5 | 0.6667 | 0.3333 | -0.3333 ▼ |" in md
    assert "❌ hit_at_5 = 0.5 < 0.9" in md
    page = second[2].read_text(encoding="utf-8")
    assert page.count("data:image/png;base64,") == 3 and "คำถาม q0" in page
    assert find_previous(tmp_path, "demo")[0] == second[0]


# --- the runner, end to end ---------------------------------------------------------------


@pytest.fixture(scope="session")
def demo_index(tmp_path_factory) -> Path:
    """One demo index for the session; the first ``rag eval`` builds it."""
    return tmp_path_factory.mktemp("eval-demo-index")


def run_cli(capsys, *args: str) -> tuple[int, str]:
    code = main(["eval", "-q", *args])
    return code, capsys.readouterr().out


@pytest.mark.eval
@pytest.mark.slow
def test_rag_eval_end_to_end_on_eight_demo_questions(demo_index, tmp_path, capsys):
    code, out = run_cli(
        capsys,
        "--set",
        "demo",
        "--limit",
        "8",
        "--index",
        str(demo_index),
        "--reports",
        str(tmp_path),
    )
    assert code in (0, 1), out  # 1 only if a threshold is missed on these 8
    files = sorted(p.name for p in tmp_path.iterdir())
    assert [f.split("-", 1)[1] for f in files] == [
        "demo-limit8.html",
        "demo-limit8.json",
        "demo-limit8.md",
        "demo-limit8.results.jsonl.gz",
    ]
    data = json.loads((tmp_path / files[1]).read_text(encoding="utf-8"))
    results = read_results(tmp_path / files[1])
    assert data["metrics"]["questions"] == 8 and len(results) == 8
    assert data["ingest"]["files"] == {"new": 10} or data["ingest"]["embedded"] == 0
    first = results[0]
    assert first["id"] == "demo-001" and first["citations"] and first["retrieved"]
    assert set(first["timings"]) >= {"retrieve", "answer", "total"}
    for name in (
        "hit_at_5",
        "mrr_at_10",
        "ndcg_at_10",
        "citation_precision",
        "answer_f1",
        "containment",
        "groundedness",
    ):
        assert 0.0 <= data["metrics"][name] <= 1.0
    assert data["metrics"]["hit_at_5"] >= 0.75  # the first questions are easy fact look-ups
    # a re-run embeds nothing and keeps only its own reports, comparing with the first
    code, out = run_cli(
        capsys,
        "--set",
        "demo",
        "--limit",
        "8",
        "--index",
        str(demo_index),
        "--reports",
        str(tmp_path),
    )
    reports = sorted(tmp_path.glob("*.json"))
    assert len(reports) == 1
    again = json.loads(reports[0].read_text(encoding="utf-8"))
    assert again["ingest"]["embedded"] == 0 and again["ingest"]["added_chunks"] == 0
    assert again["previous"]["metrics"]["questions"] == 8


@pytest.mark.eval
@pytest.mark.slow
def test_broken_retrieval_config_fails_the_thresholds(demo_index, tmp_path, capsys):
    args = ("--set", "demo", "--limit", str(BROKEN_LIMIT), "--index", str(demo_index))
    code, out = run_cli(capsys, *args, "--reports", str(tmp_path / "ok"))
    normal = {line.split(" ")[1] for line in out.splitlines() if line.startswith("❌ ")}
    code, out = run_cli(
        capsys, *args, "--reports", str(tmp_path / "broken"), "--config", str(BROKEN)
    )
    assert code == 1, out
    broken = {line.split(" ")[1] for line in out.splitlines() if line.startswith("❌ ")}
    # one passage from dense retrieval alone: the gold passage is often not the one the
    # answer is composed from, and the answer misses the figures asked for
    assert {"hit_at_retrieval_k", "containment"} <= broken - normal, out
    assert "ต่ำกว่าเกณฑ์ / below threshold" in out


@pytest.mark.eval
@pytest.mark.slow
def test_full_demo_set_meets_its_thresholds(demo_index, tmp_path, capsys):
    code, out = run_cli(
        capsys, "--set", "demo", "--index", str(demo_index), "--reports", str(tmp_path)
    )
    assert code == 0, out


@pytest.mark.eval
@pytest.mark.slow
def test_full_english_set_meets_its_thresholds(demo_index, tmp_path, capsys):
    # the same demo documents, asked in English: the demo index serves both sets
    code, out = run_cli(
        capsys, "--set", "english", "--index", str(demo_index), "--reports", str(tmp_path)
    )
    assert code == 0, out


@pytest.mark.eval
@pytest.mark.slow
@pytest.mark.shared
@needs_shared
def test_bounded_thaihealth_news_set_meets_its_thresholds(tmp_path, capsys):
    # make test's gate: the 80 questions over 192 of the 218 articles (about 1,700 chunks,
    # a few minutes to embed on a fresh machine) in the clone's indexes/eval-thaihealth-news-ci
    code, out = run_cli(capsys, "--set", "thaihealth-news-ci", "--reports", str(tmp_path))
    assert code == 0, out
    report = json.loads(next(tmp_path.glob("*-thaihealth-news-ci.json")).read_text("utf-8"))
    assert report["metrics"]["questions"] == len(repo_set("thaihealth-news").questions)


@pytest.mark.eval
@pytest.mark.slow
@pytest.mark.shared
@pytest.mark.evalfull
@needs_shared
def test_full_thaihealth_news_set_meets_its_thresholds(tmp_path, capsys):
    # all 218 articles (7,262 chunks: 15-20 minutes to embed here), so `make eval` only,
    # over its index cached outside the clone (RAG_EVAL_CACHE), embedded once and reused
    index = EVAL_CACHE / "eval-thaihealth-news"
    code, out = run_cli(
        capsys, "--set", "thaihealth-news", "--index", str(index), "--reports", str(tmp_path)
    )
    assert code == 0, out


@pytest.mark.shared
@needs_shared
def test_bounded_set_is_the_full_sets_questions_over_part_of_its_articles():
    full, bounded = repo_set("thaihealth-news"), repo_set("thaihealth-news-ci")
    assert bounded.questions == full.questions
    assert bounded.sources == full.sources
    gold = {doc for q in full.questions for doc, _ in q.gold}
    assert gold < bounded.articles, "every gold article is indexed, and look-alikes too"
    ids = {json.loads(line)["id"] for line in (SHARED / NEWS_FILE).open(encoding="utf-8-sig")}
    assert bounded.articles < ids, "a strict part of the collection"


def test_missing_shared_skips_with_a_message(monkeypatch, tmp_path, capsys):
    monkeypatch.setenv("RAG_SHARED_DIR", str(tmp_path))
    code = main(["eval", "-q", "--set", "thaihealth-news", "--reports", str(tmp_path)])
    assert code == 0
    assert "skipped" in capsys.readouterr().err
    assert not list(tmp_path.iterdir())
