"""Plain-text captures with links -> blocks: text browsers' dumps and notebook/RAG exports.

Two ways a text dump keeps its links:
- ``lynx -dump`` / ``w3m -dump``: ``[12]Title`` in the text and a numbered ``References`` list at the end;
- notebook and RAG exports: every link flattened into its text, a blank line, then the URL on a line of its own.
Both are turned into the same blocks as Markdown, so entries are found the same way.
"""

from __future__ import annotations

import re

from .capture_junk import is_chrome_line
from .capture_blocks import (BARE_NUMBER, BULLET, Block, LinkRef, absolute_url, keep_spaced_hyphens,
                             wraps_at_spaces_only)

_REFERENCES = re.compile(r"^\s*References:?\s*$")
_LINKS_HEADING = re.compile(r"^\s*Visible links:?\s*$")  # what is left of lynx's list when its heading was cut
_REF_LINE = re.compile(r"^\s*\[?(\d+)[\].]\s+(\S.*?)\s*$")
_MARKER = re.compile(r"\[(\d+)\]")
_ONLY_BRACKETS = re.compile(r"^(?:\s*\[[^\]]*\]\s*|\s*[*•+-]\s*)+$")
_URL_LINE = re.compile(r"^\s*<?(https?://\S+?)>?\s*$")
# What is left of links when a dump lost its link list: lynx's "[12]" markers, empty "[]"/"[ ]" placeholders.
_LOST_LINK = re.compile(r"\[\d+\](?=\S)|\[\s*\]\s?")


def _list_starts(lines: list[str]) -> list[int]:
    """Where a text browser's link list may start, last "References" first, else a bare "Visible links"."""
    heads = [i for i in range(len(lines) - 1, -1, -1) if _REFERENCES.match(lines[i])]
    return heads or [i for i in range(len(lines) - 1, -1, -1) if _LINKS_HEADING.match(lines[i])]


def has_reference_list(text: str) -> bool:
    """A text browser's dump: a ``References`` heading followed by numbered URLs, and ``[N]`` markers."""
    lines = text.split("\n")
    for index in _list_starts(lines)[:1]:
        following = [line for line in lines[index + 1: index + 12] if _REF_LINE.match(line)]
        return len(following) >= 2 and bool(_MARKER.search("\n".join(lines[:index])))
    return False


def url_lines(text: str) -> int:
    """How many lines are a bare URL on their own (the notebook export's flattened links)."""
    return sum(1 for line in text.split("\n") if _URL_LINE.match(line))


def _references(lines: list[str]) -> tuple[list[str], dict[str, str]]:
    """The body without the trailing reference list, and the list as number -> URL."""
    for index in _list_starts(lines):
        refs = {m.group(1): m.group(2) for line in lines[index + 1:] if (m := _REF_LINE.match(line))}
        if refs:
            return lines[:index], refs
    return lines, {}


def _marked_line(line: str, refs: dict[str, str]) -> tuple[str, list[LinkRef]]:
    """``[10]EnvHarness: ...`` -> the text and its link (the text after a marker, up to the next one)."""
    links: list[LinkRef] = []
    pieces = _MARKER.split(line)
    out = pieces[0]
    for index in range(1, len(pieces), 2):
        number, after = pieces[index], pieces[index + 1]
        if number in refs:
            label = " ".join(after.split())
            links.append(LinkRef(label, absolute_url(refs[number])))
            out += after
        else:
            out += f"[{number}]" + after
    return out, links


def _only_link_text(line: str, links: list[LinkRef]) -> bool:
    rest = line
    for link in sorted(links, key=lambda link: len(link.text), reverse=True):
        rest = rest.replace(link.text, " ") if link.text else rest
    return not any(ch.isalpha() for ch in rest)


def text_blocks(text: str, lost_links: bool = False) -> list[Block]:
    """Blocks of a text dump: paragraphs split on blank lines, links from markers or from URL lines.

    ``lost_links``: a copy whose links are gone (``lynx -dump -nolist``, a reader view, ``pandoc -t plain``):
    the markers and placeholders they left are removed."""
    body, refs = _references(text.split("\n"))
    blocks: list[Block] = []
    current: Block | None = None
    for number, raw in enumerate(body, start=1):
        if not raw.strip():
            current = None
            continue
        if not refs and not lost_links and (m := _URL_LINE.match(raw)) and blocks:
            # Notebook export: the URL belongs to the text block just before it (a blank line between them).
            target = current if current is not None else blocks[-1]
            target.links.append(LinkRef(target.text, absolute_url(m.group(1))))
            current = None
            continue
        line, links = _marked_line(raw, refs) if refs else (raw, [])
        if lost_links:
            line = _LOST_LINK.sub("", line)
        if _ONLY_BRACKETS.match(line):  # an image placeholder ("[2608]") or an empty avatar bullet
            line = ""
        line = BULLET.sub("", line).strip()
        if not line and not links:
            continue
        if current is not None and (BARE_NUMBER.match(line) or (
                is_chrome_line(line) and current.lines and current.lines[-1].rstrip().endswith((".", "!", "?")))):
            # An upvote count glued under the previous card's text belongs to the next card; a menu line glued
            # under the last card's abstract (after its final sentence) is the footer.
            current = None
        elif current is not None and links and _only_link_text(line, links):
            current = None  # a line of nothing but links (a title, a menu) is not the paragraph above going on
        if current is None:
            current = Block(number, [], [])
            blocks.append(current)
        if line:
            current.lines.append(line)
        current.links.extend(link for link in links if link.text)
    if wraps_at_spaces_only(body):
        keep_spaced_hyphens(blocks)
    return blocks
