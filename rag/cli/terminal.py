r"""Document text made safe to print on a terminal.

Text from documents can hold escape sequences (ANSI colours, OSC window titles and
hyperlinks, cursor moves) that a terminal would obey. Every CLI print of document
text goes through :func:`safe`; JSON output needs no cleaning (it escapes them).

>>> safe("ปี 2567\x1b[2J\x1b]0;pwned\x07 ร้อยละ\x9b31m 16.9\r\n")
'ปี 2567 ร้อยละ 16.9\n'
"""

from __future__ import annotations

import re

# ESC sequences (CSI, OSC up to BEL or ST, other two-byte ones), C1 CSI/OSC, then any
# remaining C0/C1 control character except tab and newline.
_SEQUENCES = re.compile(
    r"\x1b\[[0-?]*[ -/]*[@-~]"
    r"|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)?"
    r"|\x1b[@-Z\\-_]"
    r"|\x9b[0-?]*[ -/]*[@-~]"
    r"|\x9d[^\x07\x1b\x9c]*(?:\x07|\x9c|\x1b\\)?"
)
_CONTROLS = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def safe(text: str) -> str:
    """``text`` without terminal escape sequences and control characters (tab, newline kept)."""
    return _CONTROLS.sub("", _SEQUENCES.sub("", text))
