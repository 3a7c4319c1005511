"""arXiv API Atom feeds, both generations (namespaces declared per element or on the feed; http or https ids;
old-style ids such as ``astro-ph/0601001v1``). Parsed with defusedxml: a hostile file cannot expand entities.

Also accepts the JSON wrapper some tools save around a response (``{"url": ..., "body": "<feed ...>"}``).
"""

from __future__ import annotations

import re
from functools import partial

from defusedxml import ElementTree
from defusedxml.common import DefusedXmlException

from ..models import ParseResult, ParseWarning, SourceRejected
from .fields import load_json, read_record
from .metadata import build_paper

ATOM = "{http://www.w3.org/2005/Atom}"
ARXIV = "{http://arxiv.org/schemas/atom}"
_ID = re.compile(r"arxiv\.org/abs/(.+?)/?$")


def unwrap_atom_json(text: str) -> str | None:
    """The Atom body inside a saved API response wrapper, if ``text`` is one."""
    try:
        data = load_json(text)
    except ValueError:
        return None
    body = data.get("body") if isinstance(data, dict) else None
    return body if isinstance(body, str) and "<feed" in body[:2000] else None


def parse_atom(text: str, source: str) -> ParseResult:
    try:
        root = ElementTree.fromstring(text.encode("utf-8"))
    except (ElementTree.ParseError, DefusedXmlException) as err:
        raise SourceRejected(source, f"XML that cannot be read ({err})") from None
    if root.tag != f"{ATOM}feed":
        raise SourceRejected(source, f"XML but not an Atom feed (root element {root.tag.split('}')[-1]!r})")
    warnings: list[ParseWarning] = []
    papers = []
    for number, entry in enumerate(root.iter(f"{ATOM}entry"), start=1):
        raw_id = (entry.findtext(f"{ATOM}id") or "").strip()
        match = _ID.search(raw_id)
        if not match:
            warnings.append(ParseWarning(source, None, f"entry {number}: no arXiv id ({raw_id[:60]!r}): skipped"))
            continue
        pdf = next((link.get("href") for link in entry.findall(f"{ATOM}link") if link.get("title") == "pdf"), None)
        primary = entry.find(f"{ARXIV}primary_category")
        categories = [primary.get("term")] if primary is not None else []
        categories += [c.get("term") for c in entry.findall(f"{ATOM}category") if c.get("term") not in categories]
        paper = read_record(partial(
            build_paper,
            source=source,
            title=entry.findtext(f"{ATOM}title"),
            abstract=entry.findtext(f"{ATOM}summary") or "",
            arxiv_id=match.group(1),
            authors=[a.findtext(f"{ATOM}name") for a in entry.findall(f"{ATOM}author")],
            categories=[c for c in categories if c],
            published=entry.findtext(f"{ATOM}published") or entry.findtext(f"{ATOM}updated"),
            doi=entry.findtext(f"{ARXIV}doi"),
            journal_ref=entry.findtext(f"{ARXIV}journal_ref"),
            extra_links=[pdf] if pdf else [],
        ), warnings, source, None, f"entry {number}: ")
        if paper is not None:
            papers.append(paper)
    return ParseResult(source=source, papers=papers, warnings=warnings)
