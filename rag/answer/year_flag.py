"""Say so when an answer's passages are about another year than the one asked.

A near miss ("ปี 2566 …" when the documents give 2567) is often answered with the
neighbouring year's figure. The answer stays (it is cited and may still help), but
its notice says plainly which year the passages give
(:func:`rag.thai.years.missing_years` decides, both eras counted as one).

>>> from rag.data import Answer, Citation
>>> cite = Citation(1, "d", "t", "s", 1, "c", "ในปี 2567 มีผู้ใช้ 61,000 คน", 0, 27, 0.9)
>>> flag_year(Answer("ในปี 2567 มีผู้ใช้ 61,000 คน [1]", (cite,), 0.6, False), "ปี 2566 มีผู้ใช้กี่คน").notice
'เอกสารที่อ้างถึงมีข้อมูลปี 2567 ไม่ใช่ปี 2566 / The cited passages give 2567, not 2566.'
"""

from __future__ import annotations

import dataclasses

from rag.data import Answer
from rag.thai.years import missing_years


def flag_year(answer: Answer, question: str) -> Answer:
    """``answer`` with a notice when its citations lack the year asked but give others.

    Refusals and answers whose passages name no year are left as they are.
    """
    if answer.refused or not answer.citations:
        return answer
    evidence = " ".join(f"{c.title} {c.quote}" for c in answer.citations)
    missing, have = missing_years(question, evidence)
    if not missing or not have:
        return answer
    gave = ", ".join(map(str, have[:3]))
    asked = ", ".join(map(str, missing))
    note = f"เอกสารที่อ้างถึงมีข้อมูลปี {gave} ไม่ใช่ปี {asked} / The cited passages give {gave}, not {asked}."
    return dataclasses.replace(answer, notice="\n".join(filter(None, [answer.notice, note])))
