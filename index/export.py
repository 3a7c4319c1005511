"""Exporting bookmarks to BibTeX, RIS, CSL-JSON, Markdown, CSV and JSON (RIS, CSL-JSON and the BibTeX keys are
in ``citations.py``).

Why escaping matters here: titles and notes are untrusted text; an unbalanced brace would corrupt a .bib file
and a stray bracket would break a Markdown link.
"""

from __future__ import annotations

import csv
import io
import json
import re

from .bookmarks import Bookmark
from .citations import bibtex_keys, to_csl_json, to_ris

FORMATS = ("bibtex", "ris", "csl-json", "markdown", "csv", "json")
# Braces become \textbraceleft{}: BibTeX counts a brace even after a backslash, so "\{" alone would leave a
# title with one "{" unbalanced and the .bib file unreadable (found by the property test in test_daily_properties).
_BIBTEX_SPECIAL = {"\\": r"\textbackslash{}", "{": r"\textbraceleft{}", "}": r"\textbraceright{}", "%": r"\%",
                   "&": r"\&", "#": r"\#", "$": r"\$", "_": r"\_", "~": r"\textasciitilde{}",
                   "^": r"\textasciicircum{}"}
_BIBTEX_RE = re.compile("|".join(re.escape(k) for k in _BIBTEX_SPECIAL))


def bibtex_escape(text: str) -> str:
    return _BIBTEX_RE.sub(lambda m: _BIBTEX_SPECIAL[m.group(0)], text)


def to_bibtex(bookmarks: list[Bookmark]) -> str:
    entries = []
    for b, key in zip(bookmarks, bibtex_keys(bookmarks)):
        fields = [("title", "{" + bibtex_escape(b.title) + "}")]
        if b.authors:
            fields.append(("author", "{" + bibtex_escape(" and ".join(b.authors)) + "}"))
        if b.year:
            fields.append(("year", "{" + bibtex_escape(b.year) + "}"))
        if b.doi:
            fields.append(("doi", "{" + bibtex_escape(b.doi) + "}"))
        fields.append(("url", "{" + b.url.replace("}", "%7D") + "}"))
        if b.arxiv_id:
            fields += [("eprint", "{" + b.arxiv_id + "}"), ("archiveprefix", "{arXiv}")]
        if b.tags:
            fields.append(("keywords", "{" + bibtex_escape(", ".join(b.tags)) + "}"))
        if b.note:
            fields.append(("note", "{" + bibtex_escape(b.note) + "}"))
        body = ",\n".join(f"  {name} = {value}" for name, value in fields)
        entries.append(f"@misc{{{key},\n{body}\n}}\n")
    return "\n".join(entries)


def markdown_link(title: str, url: str) -> str:
    """``[title](url)`` with brackets in the title and parentheses in the URL escaped."""
    safe_title = re.sub(r"([\[\]\\`*_])", r"\\\1", title)
    safe_url = url.replace("(", "%28").replace(")", "%29").replace(" ", "%20")
    return f"[{safe_title}]({safe_url})"


def to_markdown(bookmarks: list[Bookmark]) -> str:
    lines = ["# paperdeck bookmarks", ""]
    for b in bookmarks:
        line = f"- {markdown_link(b.title, b.url)}"
        if b.code_url:
            line += f" · [code]({b.code_url})"
        if b.tags:
            line += " · " + ", ".join(f"`{t.replace('`', '')}`" for t in b.tags)
        lines.append(line)
        if b.note:
            lines.extend("  > " + note_line for note_line in b.note.splitlines())
    return "\n".join(lines) + "\n"


def to_csv(bookmarks: list[Bookmark]) -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["key", "title", "url", "code_url", "arxiv_id", "tags", "note", "added_at"])
    for b in bookmarks:
        writer.writerow([b.key, b.title, b.url, b.code_url or "", b.arxiv_id or "", ";".join(b.tags), b.note,
                         b.added_at])
    return out.getvalue()


def to_json(bookmarks: list[Bookmark]) -> str:
    return json.dumps({"version": 1, "bookmarks": [b.to_dict() for b in bookmarks]}, ensure_ascii=False,
                      indent=2) + "\n"


def export_bookmarks(bookmarks: list[Bookmark], fmt: str) -> str:
    exporters = {"bibtex": to_bibtex, "ris": to_ris, "csl-json": to_csl_json, "markdown": to_markdown,
                 "csv": to_csv, "json": to_json}
    if fmt not in exporters:
        raise ValueError(f"unknown format {fmt!r}: use one of {', '.join(FORMATS)}")
    return exporters[fmt](bookmarks)
