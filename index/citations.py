"""What reference managers import: stable, unique BibTeX keys, RIS and CSL-JSON.

Why keys are computed over the whole list: ``lewis2017deal`` must be the same every time the same papers are
exported (users cite by key), and two papers with the same author, year and first word must still get
different keys (``lewis2017deal``, ``lewis2017deala``). Collisions are settled in paper-key order, not list
order, so the keys do not change when the list is sorted differently.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from typing import Any

from .bookmarks import Bookmark
from .clean import one_line
from .safety import json_for_terminal, safe_url

_TITLE_STOPWORDS = frozenset({"a", "an", "the", "on", "of", "for", "and", "with", "to", "in", "via", "from",
                              "towards", "toward", "is", "are", "do", "does", "can", "what", "how", "why"})


def _ascii(text: str) -> str:
    return unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().lower()


def base_key(bookmark: Bookmark) -> str:
    """``lewis2017deal``: first author's family name, year, first significant title word (ASCII, lower case);
    without authors or a year, the arXiv id or paper key."""
    if bookmark.authors and bookmark.year:
        family = re.sub(r"[^a-z]", "", _ascii(split_name(bookmark.authors[0])[0]))
        words = [w for w in re.findall(r"[a-z0-9]+", _ascii(bookmark.title)) if w not in _TITLE_STOPWORDS]
        base = f"{family}{bookmark.year[:4]}{words[0] if words else ''}"
    else:
        base = bookmark.arxiv_id or bookmark.key
    return re.sub(r"[^A-Za-z0-9:._-]", "_", base)[:60] or "paper"


def bibtex_keys(bookmarks: Sequence[Bookmark]) -> list[str]:
    """One unique key per bookmark, in the list's order; suffixes a, b, ... z, aa, ... on collisions."""
    taken: dict[str, int] = {}
    by_paper: dict[str, str] = {}
    for bookmark in sorted(bookmarks, key=lambda b: b.key):
        if bookmark.key in by_paper:
            continue
        base = base_key(bookmark)
        n = taken.get(base, 0)
        taken[base] = n + 1
        by_paper[bookmark.key] = base + _suffix(n)
    return [by_paper[b.key] for b in bookmarks]


def _suffix(n: int) -> str:
    out = ""
    while n > 0:
        n, rest = divmod(n - 1, 26)
        out = chr(ord("a") + rest) + out
    return out


def split_name(name: str) -> tuple[str, str]:
    """(family, given) from "Given Family" or "Family, Given"; a one-word name is all family."""
    name = one_line(name).strip()
    if "," in name:
        family, _, given = name.partition(",")
        return family.strip(), given.strip()
    parts = name.split()
    return (parts[-1], " ".join(parts[:-1])) if parts else ("", "")


def to_ris(bookmarks: Sequence[Bookmark]) -> str:
    """RIS: one tagged record per paper; every value one line (a newline would start a bogus tag)."""
    lines: list[str] = []
    for bookmark, key in zip(bookmarks, bibtex_keys(bookmarks)):
        kind = "UNPB" if bookmark.arxiv_id and not bookmark.doi else "GEN"
        fields = [("TY", kind), ("ID", key), ("TI", bookmark.title)]
        fields += [("AU", ", ".join(p for p in split_name(a) if p)) for a in bookmark.authors]
        fields += [("PY", bookmark.year or ""), ("DO", bookmark.doi or ""), ("UR", safe_url(bookmark.url) or "")]
        if bookmark.arxiv_id:
            fields += [("AN", f"arXiv:{bookmark.arxiv_id}"), ("DB", "arXiv")]
        fields += [("KW", tag) for tag in bookmark.tags]
        fields += [("N1", bookmark.note)]
        lines += [f"{tag}  - {one_line(value)}" for tag, value in fields if one_line(value).strip()]
        lines.append("ER  - ")
        lines.append("")
    return "\n".join(lines)


def to_csl_json(bookmarks: Sequence[Bookmark]) -> str:
    """CSL-JSON (the format of citeproc, Zotero and pandoc): a list of items with structured names."""
    items: list[dict[str, Any]] = []
    for bookmark, key in zip(bookmarks, bibtex_keys(bookmarks)):
        item: dict[str, Any] = {"id": key, "type": "article", "title": one_line(bookmark.title)}
        if url := safe_url(bookmark.url):
            item["URL"] = url
        authors = []
        for name in bookmark.authors:
            family, given = split_name(name)
            authors.append({"family": family, "given": given} if given else {"literal": family})
        if authors:
            item["author"] = authors
        if bookmark.year and bookmark.year[:4].isdigit():
            item["issued"] = {"date-parts": [[int(bookmark.year[:4])]]}
        if bookmark.doi:
            item["DOI"] = bookmark.doi
        if bookmark.arxiv_id:
            item.update({"number": f"arXiv:{bookmark.arxiv_id}", "publisher": "arXiv",
                         "archive": "arXiv", "archive_location": bookmark.arxiv_id})
        if bookmark.tags:
            item["keyword"] = ", ".join(bookmark.tags)
        if bookmark.note:
            item["note"] = bookmark.note
        items.append(item)
    return json_for_terminal(items) + "\n"
