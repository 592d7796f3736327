"""Build and check the ``news-hard`` question set's article selection.

The questions of ``eval/sets/news-hard.jsonl`` are written by hand; this script only
selects articles, deterministically, from ``../shared/corpus/thaigov/health-news.jsonl.gz``:

``candidates``
    The articles a question may be written over, in a fixed order: not among the 218 of
    ``thaihealth-mentions.jsonl`` (compared by id and by URL), 4,000 to 12,000 characters
    long, not a cabinet-meeting digest, sorted by the SHA-256 of their id. ``--show N``
    prints the text of candidate N. The gold articles were chosen by hand among the first
    120 candidates (those with health figures, names and dates past the lead paragraph).
``lookalikes``
    Writes ``eval/sets/news-hard.corpus.txt``: the look-alike articles indexed with the
    gold ones. Each article is reduced to the content words of its headline and opening
    (``rag.thai.match.search_tokens``, stop words, numbers and one-letter tokens dropped)
    and compared with each gold article by IDF-weighted cosine. The most similar articles
    are taken round-robin over the gold articles (rank 1 of every gold article, then rank
    2, ...), ties broken by id, until ``--count`` are chosen. Only articles of ordinary
    length (800 to 8,000 characters), outside the 218 and not cabinet digests, qualify.
``check``
    Every ``must_contain`` string occurs verbatim in a gold article, no gold article is
    among the 218, the corpus list is disjoint from the gold articles and every listed id
    exists. Prints the size of the set's index (articles, characters).

Run from the repository root with the product's environment::

    .venv/bin/python scripts/news_hard.py candidates | head -40
    .venv/bin/python scripts/news_hard.py lookalikes
    .venv/bin/python scripts/news_hard.py check
"""

from __future__ import annotations

import argparse
import gzip
import hashlib
import json
import math
import os
import sys
from collections import Counter
from pathlib import Path
from typing import Any

from rag.thai.match import is_number, is_stop_word, search_tokens

ROOT = Path(__file__).resolve().parents[1]
SETS = ROOT / "eval" / "sets"
QUESTIONS = SETS / "news-hard.jsonl"
CORPUS_LIST = SETS / "news-hard.corpus.txt"
PREFIX = "รัฐบาลไทย-ข่าวทำเนียบรัฐบาล-"
DIGEST = "สรุปข่าวการประชุม"
BOILERPLATE = {"รัฐบาล", "ไทย", "ข่าว", "ทำเนียบ", "พิมพ์", "วันนี้"}

Article = dict[str, Any]


def read_jsonl(path: Path) -> list[Article]:
    """The lines of a ``.jsonl`` or ``.jsonl.gz`` file."""
    opener = gzip.open if path.name.endswith(".gz") else open
    with opener(path, "rt", encoding="utf-8") as fh:
        return [json.loads(line) for line in fh if line.strip()]


def excluded(shared: Path) -> tuple[set[str], set[str]]:
    """Ids and URLs of the 218 thaihealth-news articles."""
    rows = read_jsonl(shared / "corpus" / "thaigov" / "thaihealth-mentions.jsonl")
    return {r["id"] for r in rows}, {r["url"] for r in rows if r["url"].startswith("http")}


def outside_218(article: Article, ids: set[str], urls: set[str]) -> bool:
    """Not one of the thaihealth-news articles, by id or by URL."""
    return article["id"] not in ids and article["url"] not in urls


def candidates(articles: list[Article], ids: set[str], urls: set[str]) -> list[Article]:
    """Long articles a question may be written over, in SHA-256-of-id order."""
    chosen = [
        a
        for a in articles
        if outside_218(a, ids, urls)
        and 4000 <= len(a["text"]) <= 12000
        and DIGEST not in a["category"]
    ]
    return sorted(chosen, key=lambda a: hashlib.sha256(a["id"].encode()).hexdigest())


def profile(article: Article) -> set[str]:
    """Content words of an article's headline and opening."""
    text = article["text"].removeprefix(PREFIX)[:1200]
    return {
        tok
        for tok in search_tokens(text)
        if len(tok) > 1 and not is_number(tok) and not is_stop_word(tok) and tok not in BOILERPLATE
    }


def lookalikes(
    gold: list[Article], pool: list[Article], count: int
) -> tuple[list[str], dict[str, list[str]]]:
    """Pool ids most similar to the gold articles, round-robin (module docstring)."""
    profiles = {a["id"]: profile(a) for a in [*gold, *pool]}
    df = Counter(tok for words in profiles.values() for tok in words)
    idf = {tok: math.log(len(profiles) / n) for tok, n in df.items()}

    def norm(words: set[str]) -> float:
        return math.sqrt(sum(idf[t] ** 2 for t in words)) or 1.0

    norms = {key: norm(words) for key, words in profiles.items()}
    ranked: dict[str, list[str]] = {}
    for g in gold:
        mine = profiles[g["id"]]
        scores = [
            (-sum(idf[t] ** 2 for t in mine & profiles[a["id"]]) / norms[a["id"]], a["id"])
            for a in pool
        ]
        ranked[g["id"]] = [key for _, key in sorted(scores)]
    chosen: dict[str, None] = {}
    rank = 0
    while len(chosen) < count:
        for g in gold:
            chosen.setdefault(ranked[g["id"]][rank])
            if len(chosen) >= count:
                break
        rank += 1
    return list(chosen), ranked


def gold_ids(questions: list[Article]) -> list[str]:
    """The gold article ids of the set, in first-use order."""
    return list(dict.fromkeys(g["doc_id"] for q in questions for g in q.get("gold", [])))


def read_list(path: Path) -> list[str]:
    """Ids of a corpus list: one per line, ``#`` comments and blank lines ignored."""
    lines = (
        line.split("#", 1)[0].strip() for line in path.read_text(encoding="utf-8").splitlines()
    )
    return [line for line in lines if line]


def main() -> int:
    """Run one subcommand (module docstring)."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("command", choices=("candidates", "lookalikes", "check"))
    shared = os.environ.get("RAG_SHARED_DIR", str(ROOT.parent / "shared"))
    parser.add_argument("--shared", type=Path, default=Path(shared), help="../shared")
    parser.add_argument("--show", type=int, default=None, help="print candidate N's text")
    parser.add_argument("--count", type=int, default=440, help="look-alikes to select")
    args = parser.parse_args()
    articles = read_jsonl(args.shared / "corpus" / "thaigov" / "health-news.jsonl.gz")
    by_id = {a["id"]: a for a in articles}
    ids, urls = excluded(args.shared)
    if args.command == "candidates":
        found = candidates(articles, ids, urls)
        if args.show is not None:
            print(found[args.show]["id"], "\n", found[args.show]["text"])
            return 0
        for number, a in enumerate(found[:120]):
            print(number, a["id"], a["date"], len(a["text"]), a["title"][len(PREFIX) :][:80])
        return 0
    questions = read_jsonl(QUESTIONS)
    gold = gold_ids(questions)
    if args.command == "lookalikes":
        pool = [
            a
            for a in articles
            if outside_218(a, ids, urls)
            and a["id"] not in gold
            and 800 <= len(a["text"]) <= 8000
            and DIGEST not in a["category"]
        ]
        chosen, _ = lookalikes([by_id[g] for g in gold], pool, args.count)
        header = [
            "# news-hard: look-alike articles indexed with the gold articles of news-hard.jsonl",
            "# (ids in ../shared/corpus/thaigov/health-news.jsonl.gz; selected by",
            "# `scripts/news_hard.py lookalikes`, see its docstring). One id per line.",
        ]
        CORPUS_LIST.write_text("\n".join([*header, *sorted(chosen)]) + "\n", encoding="utf-8")
        print(f"{len(chosen)} look-alikes written to {CORPUS_LIST.relative_to(ROOT)}")
        return 0
    problems = [
        f"{q['id']}: {needle!r} not in its gold articles"
        for q in questions
        for needle in q.get("must_contain", [])
        if not any(needle in by_id[g["doc_id"]]["text"] for g in q["gold"])
    ]
    problems += [
        f"gold {g} is one of the 218" for g in gold if not outside_218(by_id[g], ids, urls)
    ]
    listed = read_list(CORPUS_LIST)
    problems += [f"listed {key} is a gold article" for key in set(listed) & set(gold)]
    problems += [f"listed {key} is not in health-news" for key in listed if key not in by_id]
    index = set(gold) | set(listed)
    chars = sum(len(by_id[key]["text"]) for key in index if key in by_id)
    print(f"{len(questions)} questions, {len(gold)} gold + {len(listed)} look-alike articles")
    print(f"index: {len(index)} articles, {chars:,} characters")
    print("\n".join(problems) or "ok")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
