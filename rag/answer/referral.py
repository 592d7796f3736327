r"""Health-safety referral lines under answers about emergencies, self-harm or treatment.

The grounded answer is never replaced: the line goes into the answer's ``notice``,
which the chat, the CLI and the JSON form all show. Rules live in a small TOML file
(``rag/answer/data/referrals.toml``: 1669 for emergencies, 1323 for the mental-health
hotline, a doctor or pharmacist for one's own treatment); staff edit a copy and set
``referrals``. Spellings match as glossary spellings do
(:func:`rag.thai.glossary.spelling_in`).

>>> rules = Referrals.parse('[[referral]]\nline = "โทร 1669"\nwhen = ["หมดสติ"]', "example")
>>> rules.lines_for("พ่อหมดสติ ต้องทำอย่างไร")
['โทร 1669']
>>> rules.lines_for("ผักผลไม้วันละกี่กรัม")
[]
"""

from __future__ import annotations

import dataclasses
import tomllib
from dataclasses import dataclass
from pathlib import Path

from rag.data import Answer
from rag.datafiles import data_text, parsed
from rag.errors import ConfigError
from rag.thai.glossary import spelling_in

STARTER = "referrals.toml"


@dataclass(frozen=True)
class Referral:
    """One rule: the line to show, and the spellings that call for it."""

    line: str
    when: tuple[str, ...]


@dataclass(frozen=True)
class Referrals:
    """The referral rules, in order.

    Attributes:
        rules: Each rule's line and trigger spellings.
        source: Where the rules came from (for messages).
    """

    rules: tuple[Referral, ...] = ()
    source: str = dataclasses.field(default="", compare=False)

    def lines_for(self, question: str) -> list[str]:
        """The lines of the rules that ``question`` calls for, each once, in rule order."""
        return [r.line for r in self.rules if any(spelling_in(w, question) for w in r.when)]

    def apply(self, answer: Answer, question: str) -> Answer:
        """``answer`` with the referral lines of ``question`` added to its notice.

        >>> rules = Referrals((Referral("โทร 1323", ("อยากตาย",)),))
        >>> rules.apply(Answer("…", (), 0.9, False), "ช่วงนี้อยากตาย").notice
        'โทร 1323'
        """
        lines = [line for line in self.lines_for(question) if line not in answer.notice]
        if not lines:
            return answer
        return dataclasses.replace(answer, notice="\n".join(filter(None, [answer.notice, *lines])))

    @classmethod
    def parse(cls, text: str, source: str) -> Referrals:
        """Rules from TOML: ``[[referral]]`` tables with ``line`` and ``when``.

        Raises:
            ConfigError: The text is not such a list of rules.
        """
        try:
            raw = tomllib.loads(text).get("referral", [])
        except tomllib.TOMLDecodeError as exc:
            raise _bad(source, str(exc)) from exc
        rules = []
        for item in raw if isinstance(raw, list) else [None]:
            line = item.get("line") if isinstance(item, dict) else None
            when = item.get("when") if isinstance(item, dict) else None
            if not (isinstance(line, str) and line.strip() and isinstance(when, list) and when):
                raise _bad(source, "each [[referral]] needs a line and a non-empty when list")
            if not all(isinstance(w, str) and w.strip() for w in when):
                raise _bad(source, "when holds non-empty strings")
            rules.append(Referral(line.strip(), tuple(w.strip() for w in when)))
        return cls(tuple(rules), source)

    @classmethod
    def load(cls, path: Path | None = None) -> Referrals:
        """The rules in ``path``, or the starter rules shipped with the package.

        Raises:
            ConfigError: The file cannot be read or holds no valid rules.
        """
        return parsed(cls.parse, *data_text(path, "rag.answer", STARTER, _bad))


def _bad(source: str, why: str) -> ConfigError:
    return ConfigError(
        source,
        "อ่านรายการสายด่วนแนะนำไม่ได้ ต้องเป็น TOML: [[referral]] line = … when = […]",
        f"cannot read the referral rules ({why})",
    )
