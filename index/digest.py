"""The digest: papers first seen since a point in time, grouped by watch, as Markdown, Atom or JSON.

Why Atom: a digest written by cron to a file is a feed any reader can subscribe to, with no server. Why the
"last" point is remembered per output: one cron job may write a feed and another mail a Markdown digest, and
each must pick up exactly where it stopped.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from xml.etree import ElementTree as ET

from . import locations
from .clean import one_line
from .export import markdown_link, markdown_text
from .library import Library
from .models import Paper, SearchRequest
from .safety import json_for_terminal, safe_url
from .search import UserFacets
from .userfile import LockedJsonFile
from .watches import Watch

DIGEST_FORMATS = ("markdown", "atom", "json")
ALL_NEW = "All new papers"
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[A-Z0-9(])")
_ATOM = "http://www.w3.org/2005/Atom"


@dataclass(frozen=True)
class DigestGroup:
    """The new papers matching one watch (or all new papers), newest listing first."""

    name: str
    query: str
    papers: tuple[Paper, ...]
    total: int  # may exceed len(papers) when the digest was limited


@dataclass(frozen=True)
class Digest:
    since: str | None
    until: str
    groups: tuple[DigestGroup, ...] = field(default_factory=tuple)
    count: int = 0  # every paper new since ``since``, in a group or not


def build_digest(library: Library, facets_since: UserFacets, since: str | None, until: str,
                 watches: Sequence[Watch], with_all: bool, limit: int = 200) -> Digest:
    """``facets_since``: user facets whose "new" set counts from ``since`` (``userfacets.user_facets``)."""
    wanted: list[tuple[str, SearchRequest]] = [
        (w.name, SearchRequest(w.query, (*w.filters, ("state", "new")), sort="date", page_size=limit,
                               with_facets=False, with_snippets=False, exclude=w.exclude)) for w in watches]
    if with_all:
        wanted.append((ALL_NEW, SearchRequest("", (("state", "new"),), sort="date", page_size=limit,
                                              with_facets=False, with_snippets=False)))
    groups = []
    for name, request in wanted:
        results = library.search(request, user_facets=facets_since)
        groups.append(DigestGroup(name, request.query, tuple(h.paper for h in results.hits), results.total))
    everything = SearchRequest("", (("state", "new"),), page_size=1, with_facets=False, with_snippets=False)
    return Digest(since, until, tuple(groups), library.search(everything, user_facets=facets_since).total)


def summary(paper: Paper, limit: int = 320) -> str:
    """The AI summary when there is one, else the abstract's first sentence (one line, shortened)."""
    text = one_line(paper.ai_summary or paper.abstract or "").strip()
    if not paper.ai_summary:
        text = _SENTENCE_END.split(text, maxsplit=1)[0]
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def to_markdown(digest: Digest) -> str:
    since = f" since {digest.since[:16].replace('T', ' ')} UTC" if digest.since else ""
    lines = [f"# paperdeck digest: {digest.count} new papers{since}", ""]
    for group in digest.groups:
        query = f" (`{group.query.replace('`', '')}`)" if group.query else ""
        lines += [f"## {markdown_text(group.name)}{query}: {group.total}", ""]
        for paper in group.papers:
            line = "- " + markdown_link(paper.title, paper.url)
            line += "".join(f" · {markdown_link('code', code)}" for code in paper.code_urls[:2] if safe_url(code))
            lines += [line, f"  {markdown_text(summary(paper))}"]
        if group.total > len(group.papers):
            lines.append(f"- … and {group.total - len(group.papers)} more")
        if not group.papers:
            lines.append("- nothing new")
        lines.append("")
    return "\n".join(lines)


def to_json(digest: Digest) -> str:
    data: dict[str, Any] = {"since": digest.since, "until": digest.until, "count": digest.count, "groups": [
        {"name": g.name, "query": g.query, "total": g.total, "papers": [
            {"key": p.key, "title": p.title, "url": safe_url(p.url), "summary": summary(p),
             "code_urls": [u for u in p.code_urls if safe_url(u)],
             "listed": p.listed_dates[-1] if p.listed_dates else None} for p in g.papers]}
        for g in digest.groups]}
    return json_for_terminal(data) + "\n"


def to_atom(digest: Digest, feed_id: str) -> str:
    """An Atom 1.0 feed: one entry per paper and group (a paper in two watches appears in both)."""
    ET.register_namespace("", _ATOM)

    def sub(parent: ET.Element, tag: str, text: str | None = None, **attrs: str) -> ET.Element:
        element = ET.SubElement(parent, f"{{{_ATOM}}}{tag}", attrs)
        if text is not None:
            element.text = text
        return element
    feed = ET.Element(f"{{{_ATOM}}}feed")
    sub(feed, "id", f"urn:paperdeck:digest:{feed_id}")
    sub(feed, "title", "paperdeck digest")
    sub(feed, "updated", digest.until)
    sub(sub(feed, "author"), "name", "paperdeck")
    for group in digest.groups:
        slug = hashlib.sha1(group.name.encode("utf-8")).hexdigest()[:10]
        for paper in group.papers:
            entry = sub(feed, "entry")
            sub(entry, "id", f"urn:paperdeck:{slug}:{hashlib.sha1(paper.key.encode('utf-8')).hexdigest()}")
            sub(entry, "title", one_line(paper.title))
            sub(entry, "updated", digest.until)
            if url := safe_url(paper.url):
                sub(entry, "link", href=url, rel="alternate")
            for code in paper.code_urls[:2]:
                if safe_url(code):
                    sub(entry, "link", href=code, rel="related", title="code")
            sub(entry, "category", term=one_line(group.name))
            sub(entry, "summary", summary(paper))
    return '<?xml version="1.0" encoding="utf-8"?>\n' + ET.tostring(feed, encoding="unicode") + "\n"


def render(digest: Digest, fmt: str, feed_id: str) -> str:
    if fmt == "atom":
        return to_atom(digest, feed_id)
    if fmt == "json":
        return to_json(digest)
    if fmt == "markdown":
        return to_markdown(digest)
    raise ValueError(f"unknown digest format {fmt!r}: use one of {', '.join(DIGEST_FORMATS)}")


def parse_since(text: str) -> str:
    """``YYYY-MM-DD`` or ``YYYY-MM-DDTHH:MM[:SS]`` (UTC) as a stamp comparable with first sightings."""
    match = re.fullmatch(r"(\d{4}-\d{2}-\d{2})(?:[T ](\d{2}:\d{2})(:\d{2})?)?Z?", text.strip())
    if not match:
        raise ValueError(f"--since expects 'last', YYYY-MM-DD or YYYY-MM-DDTHH:MM, got {one_line(text)[:40]!r}")
    return f"{match.group(1)}T{match.group(2) or '00:00'}{match.group(3) or ':00'}.000000Z"


def output_id(output: str | None) -> str:
    """What a digest's "last" point is remembered under: the resolved output file, or ``-`` for stdout."""
    return str(Path(output).expanduser().resolve()) if output else "-"


class DigestMarks:
    """Where each output's previous digest stopped (``--since last``)."""

    def __init__(self, path: Path | None = None) -> None:
        self._file = LockedJsonFile(path or locations.digest_marks_path(), _validate_marks, _dump_marks, dict,
                                    "digest marks")

    def last(self, output: str) -> str | None:
        return self._file.read().get(output)

    def set(self, output: str, until: str) -> None:
        self._file.change(lambda marks: marks.__setitem__(output, until))


def _validate_marks(data: Any) -> dict[str, str]:
    if not isinstance(data, dict) or not isinstance(data.get("outputs"), dict):
        raise ValueError("expected an object with an 'outputs' object")
    return {str(k): str(v) for k, v in data["outputs"].items()}


def _dump_marks(marks: dict[str, str]) -> dict[str, Any]:
    return {"version": 1, "outputs": marks}
