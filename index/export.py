"""Exporting bookmarks to BibTeX, Markdown, CSV and JSON.

Why escaping matters here: titles and notes are untrusted text; an unbalanced brace would corrupt a .bib file
and a stray bracket would break a Markdown link.
"""

from __future__ import annotations

import csv
import errno
import io
import json
import re
import unicodedata
from pathlib import Path

from . import locations
from .bookmarks import Bookmark
from .durable import atomic_write_text

FORMATS = ("bibtex", "markdown", "csv", "json")
EXTENSIONS = {"bibtex": "bib", "markdown": "md", "csv": "csv", "json": "json"}
_BIBTEX_SPECIAL = {"\\": r"\textbackslash{}", "{": r"\{", "}": r"\}", "%": r"\%", "&": r"\&", "#": r"\#",
                   "$": r"\$", "_": r"\_", "~": r"\textasciitilde{}", "^": r"\textasciicircum{}"}
_BIBTEX_RE = re.compile("|".join(re.escape(k) for k in _BIBTEX_SPECIAL))


def bibtex_escape(text: str) -> str:
    return _BIBTEX_RE.sub(lambda m: _BIBTEX_SPECIAL[m.group(0)], text)


def _bibtex_key(bookmark: Bookmark) -> str:
    """``lewis2017deal`` style when authors and year are known (what reference managers expect), else the id."""
    if bookmark.authors and bookmark.year:
        last = bookmark.authors[0].split()[-1]
        word = next((w for w in re.findall(r"[A-Za-z]{4,}", bookmark.title)), "")
        base = f"{last}{bookmark.year[:4]}{word}".lower()
        base = unicodedata.normalize("NFKD", base).encode("ascii", "ignore").decode()
    else:
        base = bookmark.arxiv_id or bookmark.key
    return re.sub(r"[^A-Za-z0-9:._-]", "_", base)[:60] or "paper"


def to_bibtex(bookmarks: list[Bookmark]) -> str:
    entries = []
    for b in bookmarks:
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
        entries.append(f"@misc{{{_bibtex_key(b)},\n{body}\n}}\n")
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
    exporters = {"bibtex": to_bibtex, "markdown": to_markdown, "csv": to_csv, "json": to_json}
    if fmt not in exporters:
        raise ValueError(f"unknown format {fmt!r}: use one of {', '.join(FORMATS)}")
    return exporters[fmt](bookmarks)


def default_export_path(fmt: str) -> Path:
    """``<data dir>/exports/paperdeck-bookmarks.<ext>``: a known place, not wherever the app was started."""
    return locations.exports_dir() / f"paperdeck-bookmarks.{EXTENSIONS[fmt]}"


def write_export(text: str, path: Path, overwrite: bool = False) -> Path:
    """Write an export atomically and return its full path; ``FileExistsError`` unless ``overwrite``.

    Why refuse by default: the path may name a file the user cares about (another export, their thesis .bib);
    replacing it must be a decision they confirmed.
    """
    target = path.expanduser().resolve()
    if target.exists() and not overwrite:
        raise FileExistsError(str(target))
    if target.is_dir():
        raise IsADirectoryError(21, "is a folder", str(target))
    try:
        atomic_write_text(target, text)
    except FileExistsError as err:  # a file where a folder of the path should be: not "exists, overwrite?"
        raise NotADirectoryError(errno.ENOTDIR, "part of the path is a file, not a folder", str(target)) from err
    return target
