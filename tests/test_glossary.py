"""The glossary (rag.thai.glossary): expansion, matching, loading, and its use in answers."""

from __future__ import annotations

from pathlib import Path

import pytest

from rag.config import Config
from rag.errors import ConfigError
from rag.search.settings import RetrievalSettings
from rag.search.terms import ALTERNATIVES, matches, query_terms
from rag.thai.glossary import Glossary, spelling_in

G = Glossary.parse(
    """groups = [
      ["อสม.", "อาสาสมัครสาธารณสุขประจำหมู่บ้าน", "village health volunteers"],
      ["สูบบุหรี่", "smoking"],
      ["อัตรา", "rate"],
    ]""",
    "test",
)


def test_a_mentioned_group_brings_every_other_spelling() -> None:
    expanded = G.expand("อสม. ดูแลกี่ครัวเรือน")
    assert "อาสาสมัครสาธารณสุขประจำหมู่บ้าน" in expanded and "village health volunteers" in expanded
    assert G.expand("ลดเค็ม") == "ลดเค็ม"


def test_latin_spellings_match_whole_words_only() -> None:
    assert not G.mentioned("the separate report")  # "rate" inside a word
    assert G.mentioned("the smoking RATE") == [("สูบบุหรี่", "smoking"), ("อัตรา", "rate")]
    assert spelling_in("village health volunteers", "Village  Health Volunteers".replace("  ", " "))


def test_english_question_terms_become_thai_alternatives() -> None:
    terms = query_terms("What is the smoking rate of village health volunteers?", G)
    assert terms == [
        "สูบบุหรี่|smoking",
        "อัตรา|rate",
        "อสม|อาสาสมัครสาธารณสุขประจำหมู่บ้าน|village health volunteers",
    ]
    text = "อัตราการสูบบุหรี่ของอาสาสมัครสาธารณสุขประจำหมู่บ้าน"
    assert all(matches(t, text) for t in terms)
    # without the glossary the English words never match Thai text
    assert not any(matches(t, text) for t in query_terms("smoking rate", None))


def test_thai_question_terms_keep_their_own_words() -> None:
    assert query_terms("อสม. มีกี่คน", G) == query_terms("อสม. มีกี่คน") == ["อสม", "มี", "คน"]
    mixed = query_terms("What do อสม. do?", G)  # mostly English: through the glossary
    assert mixed[0].split(ALTERNATIVES)[0] == "อสม"
    assert matches(mixed[0], "อาสาสมัครสาธารณสุขประจำหมู่บ้านทั่วประเทศ")


def test_the_starter_glossary_loads_and_a_staff_copy_replaces_it(tmp_path: Path) -> None:
    starter = Glossary.load()
    assert len(starter.groups) >= 50
    assert any("ncds" in g and "โรคไม่ติดต่อเรื้อรัง" in g for g in starter.groups)
    own = tmp_path / "glossary.toml"
    own.write_text('groups = [["ลดเค็ม", "salt reduction"]]', encoding="utf-8")
    settings = RetrievalSettings.from_config(Config(glossary=str(own)))
    assert settings.glossary.groups[0] == ("ลดเค็ม", "salt reduction")
    assert not any("ncds" in g for g in settings.glossary.groups)  # the starter is replaced
    assert ("เชียงใหม่", "chiang mai") in settings.glossary.groups  # places always follow
    own.write_text('groups = [["ลดหวาน", "less sugar"]]', encoding="utf-8")  # edited: read again
    assert Glossary.load(own).groups[0] == ("ลดหวาน", "less sugar")


@pytest.mark.parametrize(
    "text", ['groups = [["only one"]]', "groups = 3", "groups = [[", 'groups = [["a", ""]]']
)
def test_a_broken_glossary_is_a_clear_error(tmp_path: Path, text: str) -> None:
    path = tmp_path / "glossary.toml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ConfigError) as err:
        Glossary.load(path)
    assert "glossary" in str(err.value) and "อภิธานศัพท์" in err.value.thai


def test_a_missing_glossary_file_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(ConfigError):
        RetrievalSettings.from_config(Config(glossary=str(tmp_path / "none.toml")))


def test_the_starter_glossary_gives_english_questions_the_words_of_thai_news() -> None:
    """Agencies, diseases and months that health news names, asked about in English."""
    starter = Glossary.load()
    question = "How many rabies cases did the Department of Disease Control see in July?"
    expanded = starter.expand(question)
    assert all(w in expanded for w in ("พิษสุนัขบ้า", "กรมควบคุมโรค", "กรกฎาคม"))
    assert "พฤษภาคม" not in starter.expand("What may a gold card holder get?")  # the verb
    assert "บัตรทอง" in starter.expand("What may a gold card holder get?")
    assert "doctor" not in starter.expand("หมอกควันในภาคเหนือ")  # not หมอ inside หมอก
    # a mixed question's Thai short form too (mostly Thai questions skip the glossary)
    assert "กรกฎาคม" in starter.expand("What did the cabinet approve in ก.ค. 2024?")


def test_the_word_year_of_an_english_question_is_the_thai_word_for_it() -> None:
    """Thai text rarely spells "year" in English, so alone it weighed as a rare term; it is ปี."""
    terms = query_terms("Since which year has Thailand been certified polio-free?", Glossary.load())
    assert "ปี|year|years" in terms and "year" not in terms


def test_no_spelling_is_in_two_starter_groups() -> None:
    """A spelling in two groups would join two meanings in every question that uses it."""
    seen: dict[str, tuple[str, ...]] = {}
    for group in Glossary.load().groups:
        for spelling in group:
            assert spelling not in seen, f"{spelling!r} is in {seen[spelling]} and {group}"
            seen[spelling] = group
