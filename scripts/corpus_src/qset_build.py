"""Shared builder of the generated question sets over the demo corpus.

``demo_questions.py`` (``eval/sets/demo.jsonl``) and ``english_questions.py``
(``eval/sets/english.jsonl``) each fill a :class:`QuestionBook` and call
:meth:`QuestionBook.write`. Every answerable question names its gold document and an
anchor, a distinctive fragment of the source sentence that holds the answer; the gold
page is the one page of the rendered document whose indexed text contains the anchor
(the build stops when an anchor is missing or found on more than one page). Rebuild the
corpus first (``scripts/build_corpus.py``).
"""

import json
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "scripts"))
from check_demo_set import page_texts

TOB = "tobacco-control-2567.pdf"
ALC = "alcohol-reduction-2567.pdf"
ROAD = "road-safety-2567.pdf"
PA = "physical-activity-2567.pdf"
FOOD = "food-sugar-salt-2567.pdf"
MH = "mental-health-2567.pdf"
PM = "pm25-haze-health-2567.pdf"
CH = "community-health-volunteers-2567.docx"
KM = "km30-co-learning-space.html"
SLP = "sleep-older-adults-2567.md"

TOPIC = {
    TOB: "tobacco",
    ALC: "alcohol",
    ROAD: "road_safety",
    PA: "physical_activity",
    FOOD: "nutrition",
    MH: "mental_health",
    PM: "pm25",
    CH: "community_health",
    KM: "km",
    SLP: "sleep_elderly",
}

NOT_FOUND = "ไม่พบข้อมูลนี้ในเอกสารที่มีอยู่"


class QuestionBook:
    """The questions of one set, in order, and how to write them as JSONL.

    Args:
        prefix: Id prefix (``demo`` gives ``demo-001`` …).
        dest: The JSONL file to write.
        tags: Extra tags every question carries (e.g. ``{"lang": "en"}``).
    """

    def __init__(self, prefix, dest, tags=None):
        self.prefix = prefix
        self.dest = dest
        self.tags = dict(tags or {})
        self.items = []
        self.texts = {}

    def q(self, gold, question, answer, must, typ, *, history=None, topic=None):
        """An answerable question; gold: list of (file, anchor), anchor locating the page."""
        self.items.append(
            dict(
                gold=gold,
                question=question,
                answer=answer,
                must=must,
                type=typ,
                history=history or [],
                topic=topic,
            )
        )

    def u(self, question, topic, history=None, typ="factoid", *, near=None):
        """An unanswerable question; ``near`` names the nearby fact the corpus does hold."""
        self.items.append(
            dict(
                gold=[],
                question=question,
                answer=NOT_FOUND,
                must=[],
                type=typ,
                history=history or [],
                topic=topic,
                unans=True,
                near=near,
            )
        )

    def near(self, question, topic, near, history=None):
        """A near-miss: looks answerable, but its specific constraint is not in the corpus."""
        self.u(question, topic, history, "near-miss", near=near)

    def find_page(self, file, anchor):
        """The one page of ``file`` whose text contains ``anchor`` (whitespace ignored)."""
        if file not in self.texts:
            self.texts[file] = page_texts(ROOT / "corpus" / file)
        pages = self.texts[file]
        key = re.sub(r"\s+", "", anchor.replace("|", ""))
        hits = [i + 1 for i, t in enumerate(pages) if key in re.sub(r"\s+", "", t)]
        if len(hits) != 1:
            raise SystemExit(f"anchor {anchor!r} in {file}: pages {hits}")
        return hits[0]

    def restated(self, n, it, gold):
        """Other pages of a single-PDF item's document that restate all its figures.

        A fact restated elsewhere in the same PDF (executive summary vs body) counts on
        any of its pages; each addition is printed for a check by hand.
        """
        file = it["gold"][0][0]
        extra = []
        for i, t in enumerate(self.texts[file], 1):
            flat = re.sub(r"\s+", " ", t)
            if i != gold[0]["page"] and all(
                re.search(r"(?<![\d.,])" + re.escape(m) + r"(?![\d.,]\d|\d)", flat)
                for m in it["must"]
            ):
                extra.append({"file": file, "page": i})
                print("extra page", n, file, i, it["must"], "|", it["question"][:50])
        return extra

    def record(self, n, it):
        """The JSONL object of the ``n``-th item."""
        gold = [{"file": f, "page": self.find_page(f, a)} for f, a in it["gold"]]
        if (
            len(it["gold"]) == 1
            and it["gold"][0][0].endswith(".pdf")
            and all(len(m) >= 4 and re.search(r"\d", m) for m in it["must"])
        ):
            gold += self.restated(n, it, gold)
        topic = it["topic"] or (
            "cross" if len({g["file"] for g in gold}) > 1 else TOPIC[gold[0]["file"]]
        )
        tags = {"topic": topic, "type": it["type"], **self.tags}
        if it.get("near"):
            tags["near"] = it["near"]
        return {
            "id": f"{self.prefix}-{n:03d}",
            "question": it["question"],
            "answerable": not it.get("unans", False),
            "gold": gold,
            "answer": it["answer"],
            "must_contain": it["must"],
            "tags": tags,
            "history": it["history"],
        }

    def write(self):
        """Locate every gold page and rewrite ``dest``."""
        out = [self.record(n, it) for n, it in enumerate(self.items, 1)]
        self.dest.parent.mkdir(parents=True, exist_ok=True)
        with self.dest.open("w", encoding="utf-8") as f:
            for o in out:
                f.write(json.dumps(o, ensure_ascii=False) + "\n")
        print(len(out), "questions written to", self.dest.relative_to(ROOT))
