"""Exporting bookmarks to BibTeX, RIS, CSL-JSON, Markdown, CSV and JSON (RIS, CSL-JSON and the BibTeX keys are
in ``citations.py``).

Why escaping matters here: titles and notes are untrusted text; an unbalanced brace would corrupt a .bib file,
a stray bracket would break a Markdown link, a cell starting with ``=`` runs as a formula in a spreadsheet, and
an escape sequence would act on the terminal of whoever prints the file. Every exporter therefore works on
``_inert`` values (no controls; newlines only in notes), links re-validated, and escapes its own syntax.
"""

from __future__ import annotations

import csv
import errno
import io
import re
import unicodedata
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING

from . import locations
from .bookmarks import Bookmark
from .citations import bibtex_keys, to_csl_json, to_ris
from .clean import one_line
from .durable import atomic_write_text
from .safety import json_for_terminal, safe_url

if TYPE_CHECKING:
    from .bookmarks import BookmarkStore
    from .library import Library
    from .models import Hit, SearchRequest
    from .search import UserFacets

EXPORT_LIMIT = 10_000  # papers one export of a search (a watch, the result list) writes at most
FORMATS = ("bibtex", "ris", "csl-json", "markdown", "csv", "json")
EXTENSIONS = {"bibtex": "bib", "ris": "ris", "csl-json": "json", "markdown": "md", "csv": "csv", "json": "json"}
# Braces become \textbraceleft{}: BibTeX counts a brace even after a backslash, so "\{" alone would leave a
# title with one "{" unbalanced and the .bib file unreadable (found by the property test in test_daily_properties).
_BIBTEX_SPECIAL = {"\\": r"\textbackslash{}", "{": r"\textbraceleft{}", "}": r"\textbraceright{}", "%": r"\%",
                   "&": r"\&", "#": r"\#", "$": r"\$", "_": r"\_", "~": r"\textasciitilde{}",
                   "^": r"\textasciicircum{}"}
_BIBTEX_RE = re.compile("|".join(re.escape(k) for k in _BIBTEX_SPECIAL))


_MARKDOWN_SPECIAL = re.compile(r"([\\`*_\[\]<>#|~])")  # what could start markup, a link, HTML or a heading
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def bibtex_escape(text: str) -> str:
    return _BIBTEX_RE.sub(lambda m: _BIBTEX_SPECIAL[m.group(0)], text)


def _line(text: object) -> str:
    """A single-line field made inert: controls, escapes, bidi and zero-width characters gone."""
    return one_line(str(text or ""))


def _note(text: str) -> list[str]:
    """A note's lines, each made inert (a note may hold line breaks, nothing else)."""
    return [_line(part) for part in text.split("\n")] if text.strip() else []


def markdown_text(text: str) -> str:
    """Text that Markdown shows literally: every character with a Markdown meaning backslash-escaped."""
    return _MARKDOWN_SPECIAL.sub(r"\\\1", _line(text))


def csv_cell(text: object) -> str:
    """A cell a spreadsheet shows as text: a leading ``= + - @`` (formula injection) gets a ``'`` in front."""
    value = str(text or "")
    return "'" + value if value.startswith(_FORMULA_START) else value


def to_bibtex(bookmarks: list[Bookmark]) -> str:
    entries = []
    for b, key in zip(bookmarks, bibtex_keys(bookmarks)):
        fields = [("title", "{" + bibtex_escape(_line(b.title)) + "}")]
        if b.authors:
            fields.append(("author", "{" + bibtex_escape(" and ".join(_line(a) for a in b.authors)) + "}"))
        if b.year:
            fields.append(("year", "{" + bibtex_escape(_line(b.year)) + "}"))
        if b.doi:
            fields.append(("doi", "{" + bibtex_escape(_line(b.doi)) + "}"))
        if url := safe_url(b.url):
            fields.append(("url", "{" + url.replace("{", "%7B").replace("}", "%7D") + "}"))
        if b.arxiv_id:
            fields += [("eprint", "{" + bibtex_escape(_line(b.arxiv_id)) + "}"), ("archiveprefix", "{arXiv}")]
        if b.tags:
            fields.append(("keywords", "{" + bibtex_escape(", ".join(_line(t) for t in b.tags)) + "}"))
        if note := _note(b.note):
            fields.append(("note", "{" + bibtex_escape("\n".join(note)) + "}"))
        body = ",\n".join(f"  {name} = {value}" for name, value in fields)
        entries.append(f"@misc{{{key},\n{body}\n}}\n")
    return "\n".join(entries)


def markdown_link(title: str, url: str) -> str:
    """``[title](url)`` with the title's Markdown escaped and parentheses in the URL encoded; only the title
    when the link is not a valid http(s) URL."""
    checked = safe_url(url)
    if checked is None:
        return markdown_text(title)
    return f"[{markdown_text(title)}]({checked.replace('(', '%28').replace(')', '%29')})"


def to_markdown(bookmarks: list[Bookmark]) -> str:
    lines = ["# paperdeck bookmarks", ""]
    for b in bookmarks:
        line = f"- {markdown_link(b.title, b.url)}"
        if b.code_url and safe_url(b.code_url):
            line += f" · {markdown_link('code', b.code_url)}"
        if b.tags:
            line += " · " + ", ".join(f"`{_line(t).replace('`', '')}`" for t in b.tags)
        lines.append(line)
        lines.extend("  > " + markdown_text(note_line) for note_line in _note(b.note))
    return "\n".join(lines) + "\n"


def to_csv(bookmarks: list[Bookmark]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["key", "title", "url", "code_url", "arxiv_id", "tags", "note", "added_at"])
    for b in bookmarks:
        row = [_line(b.key), _line(b.title), safe_url(b.url) or "", safe_url(b.code_url) or "",
               _line(b.arxiv_id), ";".join(_line(t) for t in b.tags), "\n".join(_note(b.note)), _line(b.added_at)]
        writer.writerow([csv_cell(cell) for cell in row])
    return out.getvalue()


def to_json(bookmarks: list[Bookmark]) -> str:
    return json_for_terminal({"version": 1, "bookmarks": [b.to_dict() for b in bookmarks]}) + "\n"


def export_bookmarks(bookmarks: list[Bookmark], fmt: str) -> str:
    exporters = {"bibtex": to_bibtex, "ris": to_ris, "csl-json": to_csl_json, "markdown": to_markdown,
                 "csv": to_csv, "json": to_json}
    if fmt not in exporters:
        raise ValueError(f"unknown format {fmt!r}: use one of {', '.join(FORMATS)}")
    return exporters[fmt](bookmarks)


def export_search(library: Library, request: SearchRequest, bookmarks: BookmarkStore, user_facets: UserFacets,
                  fmt: str) -> tuple[str, int]:
    """Every paper a search finds (a watch, the app's result list; at most ``EXPORT_LIMIT``) in ``fmt``, with
    the count. A bookmarked paper is exported from its bookmark, so its tags and note come along."""
    hits = every_hit(library, request, bookmarks.keys(), user_facets, EXPORT_LIMIT)
    records = [bookmarks.get(hit.paper.key) or Bookmark.for_paper(hit.paper) for hit in hits]
    return export_bookmarks(records, fmt), len(records)


def every_hit(library: Library, request: SearchRequest, marks: frozenset[str], user_facets: UserFacets,
              limit: int) -> tuple[Hit, ...]:
    """All of a search's hits (up to ``limit``), not one page: what an export writes, what ``R`` marks read."""
    everything = replace(request, page=1, page_size=limit, with_facets=False, with_snippets=False)
    return library.search(everything, marks, user_facets=user_facets).hits


def default_export_path(fmt: str, stem: str = "paperdeck-bookmarks") -> Path:
    """``<data dir>/exports/<stem>.<ext>``: a known place, not wherever the app was started."""
    return locations.exports_dir() / f"{stem}.{EXTENSIONS[fmt]}"


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
