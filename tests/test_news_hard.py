"""The ``news-hard`` set: its questions and article list, the article copy it indexes, its data."""

import gzip
import json
import os
from collections import Counter
from pathlib import Path

import pytest

from rag.cli.main import main
from rag.config import Config
from rag.errors import InputError
from rag.evaluation.evaluate import SUBSET_DIR, prepare_index
from rag.evaluation.qsets import (
    HEALTH_NEWS_FILE,
    NEWS_FILE,
    QuestionSet,
    check_must_contain,
    load_set,
    missing_data,
    read_questions,
)
from rag.evaluation.subset import read_id_list, write_subset
from rag.index.index import Index

ROOT = Path(__file__).resolve().parents[1]
SETS = ROOT / "eval" / "sets"
SHARED = Path(os.environ.get("RAG_SHARED_DIR", str(ROOT.parent / "shared")))
# The persistent news-hard index: about 470 articles, embedded once (half an hour on two
# cores) and kept outside the clone, as `make eval` keeps it.
CACHE = Path(os.environ.get("RAG_EVAL_CACHE", str(Path.home() / ".cache" / "thaihealth-rag")))
needs_collection = pytest.mark.skipif(
    bool(missing_data("news-hard", SHARED)), reason="../shared (health-news.jsonl.gz) absent"
)


def gold_ids(questions: list) -> set[str]:
    return {doc for q in questions for doc, _ in q.gold}


def write_collection(path: Path, rows: list[dict[str, str]]) -> Path:
    lines = "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows)
    path.write_bytes(gzip.compress(lines.encode("utf-8")))
    return path


# --- the set's files (no ../shared) ---------------------------------------------------


def test_news_hard_questions_cover_the_forms_people_use():
    questions = read_questions(SETS / "news-hard.jsonl")
    answerable = [q for q in questions if q.answerable]
    assert len(answerable) >= 80
    assert all(q.gold and q.must_contain for q in answerable)
    assert all(page is None for q in questions for _, page in q.gold), "gold = article id"
    forms = Counter(q.tags["form"] for q in answerable)
    assert forms["formal"] >= 10 and forms["chat"] >= 10 and forms["ce"] >= 10
    assert forms["en"] >= 10
    assert all(q.tags.get("lang") == "en" for q in questions if q.tags["form"] == "en")
    assert all(q.tags["type"] == "year" for q in answerable if q.tags["form"] == "ce")
    near = [q for q in questions if not q.answerable]
    assert len(near) >= 20
    assert all(q.tags["type"] == "near-miss" and q.tags["near"].strip() for q in near)


def test_news_hard_article_list_holds_400_lookalikes_apart_from_the_gold():
    listed = read_id_list(SETS / "news-hard.corpus.txt")
    gold = gold_ids(read_questions(SETS / "news-hard.jsonl"))
    assert len(listed) >= 400
    assert not set(listed) & gold


def test_news_hard_indexes_its_gold_and_listed_articles(tmp_path):
    assert "../shared" in missing_data("news-hard", tmp_path)
    collection = tmp_path / HEALTH_NEWS_FILE
    collection.parent.mkdir(parents=True)
    write_collection(collection, [])  # load_set only needs the collection to exist
    qset = load_set("news-hard", sets_dir=SETS, corpus_dir=ROOT / "corpus", shared_dir=tmp_path)
    listed = read_id_list(SETS / "news-hard.corpus.txt")
    assert qset.sources == (collection,)
    assert qset.articles == set(listed) | gold_ids(list(qset.questions))
    assert not load_set(
        "demo", sets_dir=SETS, corpus_dir=ROOT / "corpus", shared_dir=tmp_path
    ).articles, "other sets index all their documents"


def test_an_article_list_with_a_duplicate_is_rejected(tmp_path):
    path = tmp_path / "list.txt"
    path.write_text("# header\ndata/a.txt\ndata/b.txt  # note\ndata/a.txt\n", encoding="utf-8")
    with pytest.raises(InputError, match=r"duplicate article id\(s\) \['data/a.txt'\]"):
        read_id_list(path)
    with pytest.raises(InputError, match="not found"):
        read_id_list(tmp_path / "absent.txt")


# --- the article copy ---------------------------------------------------------------------

ARTICLES = [
    {"id": "a1", "date": "2024-01-25", "title": "ฝุ่น", "text": "ห้องปลอดฝุ่น 2,053 ห้อง"},
    {"id": "a2", "date": "2024-01-31", "title": "ฝุ่น", "text": "ห้องปลอดฝุ่น 2,055 ห้อง"},
    {"id": "a3", "date": "2024-07-09", "title": "ยาสูบ", "text": "ค่าธรรมเนียม 100,000 บาท"},
]


def test_the_copy_keeps_the_chosen_lines_and_is_not_rewritten_unchanged(tmp_path):
    source = write_collection(tmp_path / "all.jsonl.gz", ARTICLES)
    dest = tmp_path / "index" / SUBSET_DIR / "s.jsonl"
    write_subset(source, ["a3", "a1"], dest)
    rows = [json.loads(line) for line in dest.read_text(encoding="utf-8").splitlines()]
    assert rows == [ARTICLES[0], ARTICLES[2]], "unchanged, in collection order"
    stamp = dest.stat().st_mtime_ns
    write_subset(source, {"a1", "a3"}, dest)
    assert dest.stat().st_mtime_ns == stamp
    with pytest.raises(InputError, match=r"1 article id\(s\) not in the collection"):
        write_subset(source, ["a1", "a9"], dest)


def test_prepare_index_ingests_only_the_chosen_articles(tmp_path):
    source = write_collection(tmp_path / "all.jsonl.gz", ARTICLES)
    qset = QuestionSet("s", (), (source,), "test", frozenset({"a1", "a3"}))
    cfg = Config(index_dir=tmp_path / "index")
    first = prepare_index(qset, cfg)
    assert first.added_chunks >= 2
    index = Index(cfg)
    try:
        assert {row.meta.doc_id for row in index.manifest.documents()} == {"a1", "a3"}
    finally:
        index.close()
    assert prepare_index(qset, cfg).embedded == 0, "an unchanged selection embeds nothing"


# --- with ../shared -------------------------------------------------------------------


@pytest.mark.shared
@needs_collection
def test_news_hard_gold_articles_hold_the_answers_and_are_new():
    with gzip.open(SHARED / HEALTH_NEWS_FILE, "rt", encoding="utf-8") as fh:
        rows = {r["id"]: r for r in map(json.loads, fh)}
    questions = read_questions(SETS / "news-hard.jsonl")
    gold = gold_ids(questions)
    assert gold <= set(rows)
    assert check_must_contain(questions, {(k, None): rows[k]["text"] for k in gold}) == []
    for q in questions:  # verbatim too, not only after normalisation
        assert all(any(s in rows[d]["text"] for d, _ in q.gold) for s in q.must_contain), q.id
    news = [json.loads(x) for x in (SHARED / NEWS_FILE).read_text(encoding="utf-8").splitlines()]
    old_ids, old_urls = {r["id"] for r in news}, {r["url"] for r in news if r["url"]}
    assert not gold & old_ids
    assert not {rows[k]["url"] for k in gold} & old_urls
    assert set(read_id_list(SETS / "news-hard.corpus.txt")) <= set(rows)


@pytest.mark.eval
@pytest.mark.slow
@pytest.mark.shared
@pytest.mark.evalfull
@needs_collection
def test_full_news_hard_set_runs_over_its_cached_index(tmp_path, capsys):
    index = CACHE / "eval-news-hard"
    args = ["--set", "news-hard", "--index", str(index), "--shared", str(SHARED)]
    code = main(["eval", "-q", *args, "--reports", str(tmp_path)])
    out = capsys.readouterr().out
    assert code == 0, out
    report = json.loads(next(tmp_path.glob("*-news-hard.json")).read_text(encoding="utf-8"))
    assert report["metrics"]["questions"] == len(read_questions(SETS / "news-hard.jsonl"))
