"""Hostile inputs shared by the tests: strings an attacker would put in a source, and the check that none of
their active parts survived."""

from __future__ import annotations

import re
from typing import Any

from hypothesis import strategies as st

PASTE_HIJACK = "https://github.com/a/b\x1b[201~\ntouch pwned\n#"
PIECES = [
    "\x1b[201~", "\x1b[200~", "\x1b]0;owned title\x07", "\x1b]8;;https://evil.example\x1b\\", "\x1b[31m", "\x1b[2J",
    "\x9b2J", "\x9d0;t\x9c", "\x85", "\x07", "\x00", "\x7f", "\r", "\n", "\t", "\u202e", "\u2066", "\u200b",
    "\u200f", "\ufeff", "\u2028", "javascript:alert(1)", "file:///etc/passwd", "data:text/html,<b>x</b>",
    "https://" + "a" * 3000 + ".com/", PASTE_HIJACK, "=cmd|' /C calc'!A0", "@SUM(1+1)", "[bold]", "{", "}",
    "Attention", " is ", "all", "you need", "https://github.com/ok/repo",
]
hostile_text = st.lists(st.sampled_from(PIECES), min_size=1, max_size=6).map("".join)

# What must never be stored or printed: C0 controls but newline and tab, DEL, C1, bidi controls, zero-width
# characters, line/paragraph separators, the BOM.
FORBIDDEN = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u200b-\u200f\u2028-\u202e\u2060-\u2064\u2066-\u2069\ufeff]")
MULTILINE_FIELDS = {"abstract", "ai_summary", "note"}


def forbidden_in(value: Any, field: str = "") -> list[str]:
    """Every (field, text) in a nested structure that holds a forbidden character (a newline counts outside
    the fields that may hold one)."""
    found = []
    if isinstance(value, dict):
        for name, item in value.items():
            found += forbidden_in(item, name)
    elif isinstance(value, (list, tuple)):
        for item in value:
            found += forbidden_in(item, field)
    elif isinstance(value, str):
        if FORBIDDEN.search(value) or ("\n" in value or "\t" in value) and field not in MULTILINE_FIELDS:
            found.append(f"{field}: {value[:80]!r}")
    return found


def printable(text: str) -> bool:
    """Terminal output free of anything but printable characters, newlines and tabs."""
    return FORBIDDEN.search(text) is None
