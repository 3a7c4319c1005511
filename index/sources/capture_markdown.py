"""Markdown captures (browser clippers, reader services, crawlers, html2text, markdownify, pandoc) -> blocks.

Why line-level rules and not a Markdown library: converters emit Markdown that no renderer would be proud of
(links wrapped over two lines, pandoc's ``:::`` divs and ``{.class}`` attributes, stray HTML, hard breaks,
escapes everywhere). What matters here is the text and the links of each paragraph; this module keeps exactly
that, and the structure (headings, lines) that the entry segmenter needs.
"""

from __future__ import annotations

import html
import re

from .capture_blocks import BULLET, Block, LinkRef, PageInfo, absolute_url, keep_spaced_hyphens, wraps_at_spaces_only

_READER_URL = re.compile(r"^(?:URL Source|\*\*URL:\*\*|Source URL|URL):\s*(https?://\S+)\s*$", re.IGNORECASE)
_FRONT_KEY = re.compile(r"^([A-Za-z_][\w -]*):\s*(.*)$")
_REF_DEF = re.compile(r"^\s{0,3}\[([^\]]+)\]:\s*<?(\S+?)>?(?:\s+[\"'(].*)?\s*$")
_HEADING = re.compile(r"^\s{0,3}(#{1,6})\s+(.*?)\s*#*\s*$")
_SETEXT = re.compile(r"^\s{0,3}(=+|-+)\s*$")
_RULE = re.compile(r"^\s{0,3}([-*_=])(?:\s*\1){2,}\s*$")
_FENCE_DIV = re.compile(r"^\s*:::")
_BARE_TAG_LINE = re.compile(r"^\s*</?(?:div|span|section|article|main|header|footer|nav|ul|ol|li|p|br)\b[^>]*>\s*$",
                            re.IGNORECASE)
_IMAGE = re.compile(r"!\[(?:[^\]\\]|\\.)*\](?:\([^)]*\)|\[[^\]]*\])(?:\{[^}]*\})?")
# A link's text may hold one level of brackets of its own ("... with an [IDK] Token"): html2text does not escape them.
_LABEL = r"((?:[^\[\]\\]|\\.|\[(?:[^\[\]\\]|\\.)*\])*)"
_INLINE_LINK = re.compile(r"\[" + _LABEL + r"\]\(\s*<?([^)<>\"\s]*(?: [^)<>\"\s]+)*)>?"
                          r"(?:\s+(?:\"[^\"]*\"|'[^']*'))?\s*\)"
                          r"(?:\{[^}]*\})?")
_REF_LINK = re.compile(r"\[" + _LABEL + r"\]\[([^\]]*)\]")
_SPAN_ATTR = re.compile(r"\[((?:[^\]\\]|\\.)*)\]\{[^}]*\}")
_AUTOLINK = re.compile(r"<(https?://[^>\s]+)>")
_STRONG = re.compile(r"(\*\*|__)(?=\S)(.+?)(?<=\S)\1")
_EMPHASIS = re.compile(r"(?<![\w*\\])\*(?=\S)([^*]+?)(?<=\S)\*(?![\w*])|(?<![\w\\])_(?=\S)([^_]+?)(?<=\S)_(?!\w)")
_CODE = re.compile(r"`([^`]*)`")
# Only what converters escape: a backslash before anything else (``97.3\%``, ``\"``) is the text's own.
_ESCAPE = re.compile(r"\\([ \\*_\[\]#+\-`'!|~<>$@.])")
# pandoc escapes every ASCII punctuation mark it writes, and its own backslashes too: all of them are markup.
_PANDOC_ESCAPE = re.compile(r"\\([ !-/:-@\[-`{-~])")
_PANDOC_HINT = re.compile(r"^:::|\]\{[.#][\w-]", re.MULTILINE)
_MAX_LINK_LINES = 6  # an unclosed "[" in running text must not swallow the paragraphs after it
_RAW_HTML_LINK = re.compile(r"<(?:a\s[^>]*\bhref|img\b)", re.IGNORECASE)
_CLOSER_TAIL = re.compile(r"\[[^\]\s]*\]|\([^)\s]*\)")
_OPEN_TAG = re.compile(r"<[A-Za-z/][^<>]*$")
_ANCHOR_OPEN = re.compile(r"<a\b", re.IGNORECASE)
_ANCHOR_CLOSE = re.compile(r"</a\s*>", re.IGNORECASE)
_TAG = re.compile(r"</?[A-Za-z][\w-]*(?:\s[^<>]*)?/?>|<!--.*?-->")


def _strip_html(text: str) -> str:
    """Stray HTML a converter left in: tags dropped and entities decoded by a real HTML parser."""
    if not _TAG.search(text) and "&" not in text:
        return text
    from bs4 import BeautifulSoup

    return BeautifulSoup(text, "html.parser").get_text()


def _raw_html_links(text: str) -> str:
    """Raw HTML a converter kept because Markdown cannot carry its attributes (pandoc keeps ``<a class=...>``):
    anchors become Markdown links and images go, read by a real HTML parser."""
    if not _RAW_HTML_LINK.search(text):
        return text
    from bs4 import BeautifulSoup

    soup = BeautifulSoup(text, "html.parser")
    for image in soup.find_all("img"):
        image.decompose()
    for anchor in soup.find_all("a", href=True):
        anchor.replace_with(f"[{' '.join(anchor.get_text(' ').split())}]({anchor['href']})")
    return str(soup)


def _drop_orphan_closers(text: str) -> str:
    """The end of a link whose text began lines above, beyond reach (a list of avatars inside the link):
    ``· 9 authors][15]`` or ``...](/papers/x)``; the closer goes so the links after it on the line are read."""
    depth = 0
    index = 0
    while index < len(text):
        ch = text[index]
        if ch == "\\":
            index += 2
            continue
        if ch == "[":
            depth += 1
        elif ch == "]" and depth:
            depth -= 1
        elif ch == "]" and (m := _CLOSER_TAIL.match(text, index + 1)):
            text = text[:index] + text[m.end():]
            continue
        index += 1
    return text


def _open_html(text: str) -> bool:
    """Raw HTML that goes on over the next line: a tag not closed yet, or an anchor whose ``</a>`` is below."""
    return bool(_OPEN_TAG.search(text)) or len(_ANCHOR_OPEN.findall(text)) > len(_ANCHOR_CLOSE.findall(text))


def inline_text(text: str, refs: dict[str, str], escape: re.Pattern[str] = _ESCAPE) -> tuple[str, list[LinkRef]]:
    """One logical line of Markdown as plain text plus its links (images dropped, references resolved)."""
    links: list[LinkRef] = []
    text = _drop_orphan_closers(_IMAGE.sub("", _raw_html_links(text)))
    text = _AUTOLINK.sub(lambda m: f"[{m.group(1)}]({m.group(1)})", text)

    def link(m: re.Match[str]) -> str:
        label = m.group(1)
        url = html.unescape(m.group(2)) if m.re is _INLINE_LINK else refs.get((m.group(2) or label).casefold(), "")
        plain = _finish(label, escape)
        if url:
            links.append(LinkRef(plain, absolute_url(url)))
        return label

    text = _INLINE_LINK.sub(link, text)
    text = _REF_LINK.sub(link, text)
    text = _SPAN_ATTR.sub(r"\1", text)
    return _finish(text, escape), links


def _finish(text: str, escape: re.Pattern[str]) -> str:
    text = _strip_html(text)
    text = _CODE.sub(r"\1", text)
    text = _STRONG.sub(r"\2", text)
    text = _EMPHASIS.sub(lambda m: m.group(1) or m.group(2), text)
    text = escape.sub(r"\1", text)
    return " ".join(html.unescape(text).split())


def _front_matter(lines: list[str], info: PageInfo) -> int:
    """Read a YAML front-matter block (``---`` ... ``---``) into ``info``; the number of lines it used."""
    if not lines or lines[0].strip() != "---":
        return 0
    for end in range(1, min(len(lines), 60)):
        if lines[end].strip() in ("---", "..."):
            break
    else:
        return 0
    for raw in lines[1:end]:
        if m := _FRONT_KEY.match(raw.strip()):
            key, value = m.group(1).strip().casefold(), m.group(2).strip().strip("\"'")
            if key in ("url", "source", "link", "original_url") and value.startswith("http"):
                info.url = value
            elif key == "title" and value:
                info.title = value
            elif key in ("date", "created", "captured", "saved", "clipped", "published") and value[:4].isdigit():
                info.date = info.date or value[:10]
    return end + 1


def _open_brackets(text: str) -> bool:
    """A link whose text or URL continues on the next line (converters wrap inside links)."""
    depth = 0
    for ch in re.sub(r"\\.", "", text):
        if ch == "[":
            depth += 1
        elif ch == "]":
            depth = max(0, depth - 1)
    return depth > 0 or bool(re.search(r"\]\([^)\s]*$", text))


def markdown_blocks(text: str) -> tuple[list[Block], PageInfo]:
    """Blocks of a Markdown capture, and what its front matter (if any) says about the page."""
    info = PageInfo()
    lines = text.split("\n")
    start = _front_matter(lines, info)
    refs: dict[str, str] = {}
    for raw in lines[start:]:
        if m := _REF_DEF.match(raw):
            refs[m.group(1).casefold()] = m.group(2)
    for raw in lines[start:start + 12]:  # a reader service's or scraper's own header ("URL Source: https://...")
        if info.url is None and (m := _READER_URL.match(raw.strip())):
            info.url = m.group(1)
    escape = _PANDOC_ESCAPE if _PANDOC_HINT.search(text) else _ESCAPE
    blocks: list[Block] = []
    pending: list[tuple[int, str]] = []  # (line number, logical line) of the paragraph being read

    def flush() -> None:
        if not pending:
            return
        out_lines: list[str] = []
        links: list[LinkRef] = []
        for _, logical in pending:
            plain, found = inline_text(logical, refs, escape)
            links.extend(found)
            if plain.strip():
                out_lines.append(plain)
        if out_lines or links:
            blocks.append(Block(pending[0][0], out_lines, links))
        pending.clear()

    number = start
    while number < len(lines):
        raw = lines[number].rstrip()
        number += 1
        first = number
        stripped = raw.strip()
        if (not stripped or _REF_DEF.match(raw) or _FENCE_DIV.match(raw) or _BARE_TAG_LINE.match(raw)
                or _RULE.match(raw)):
            if _SETEXT.match(raw) and pending and len(pending) == 1 and not _RULE.match(pending[0][1] or ""):
                level = 1 if stripped.startswith("=") else 2
                line_no, logical = pending.pop()
                plain, found = inline_text(logical, refs, escape)
                blocks.append(Block(line_no, [plain], found, heading=level))
                continue
            flush()
            continue
        logical = raw.rstrip("\\").rstrip()
        joined = 0
        while (_open_brackets(logical) or _open_html(logical)) and number < len(lines) and joined < _MAX_LINK_LINES and (
                lines[number].strip() or (number + 1 < len(lines) and lines[number + 1].strip()
                                          and not lines[number + 1].lstrip().startswith("#"))):
            # A link's text or URL wrapped onto the next line, even over one blank line ("[Upvote\n\n163](...)").
            nxt = lines[number].strip()
            number += 1
            joined += 1
            if not nxt:
                continue
            logical = logical + ("" if logical.endswith("-") or logical.endswith("/") else " ") + nxt.rstrip("\\")
        if m := _HEADING.match(logical):
            flush()
            heading = m.group(2)
            # A title wrapped onto an indented second line ("### SmolDocling: ...\n  multi-modal ...").
            while number < len(lines) and lines[number][:1] in (" ", "\t") and lines[number].strip() \
                    and not BULLET.match(lines[number]) and not _HEADING.match(lines[number]):
                heading += " " + lines[number].strip().rstrip("\\")
                number += 1
            plain, found = inline_text(heading, refs, escape)
            level = len(m.group(1))
            last = blocks[-1] if blocks else None
            if (last is not None and last.heading == level and last.line == first - 1 and plain[:1].islower()
                    and not last.text.endswith((".", "!", "?"))):
                # A title wrapped over two heading lines ("### SmolDocling: ... end-to-end" / "### multi-modal ...").
                last.lines = [last.text + " " + plain]
                last.links.extend(found)
                continue
            blocks.append(Block(first, [plain], found, heading=level))
            continue
        if BULLET.match(logical):
            logical = BULLET.sub("", logical, count=1)
        pending.append((first, logical))
    flush()
    if wraps_at_spaces_only(lines):
        keep_spaced_hyphens(blocks)
    return blocks, info
