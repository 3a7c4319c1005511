"""BibTeX with abstracts (a reference manager's export), read with bibtexparser.

Why entries are checked one by one first: bibtexparser silently drops an entry with unbalanced braces; the user
must be told which entry (key and line) was skipped while the good ones still load.
"""

from __future__ import annotations

import re
from functools import partial

from ..clean import latex_to_display, one_line
from ..links import normalise_arxiv_id
from ..models import ParseResult, ParseWarning, SourceRejected
from .fields import RECORD_ERRORS, read_record
from .metadata import build_paper

_ENTRY_START = re.compile(r"^[ \t]*@", re.MULTILINE)
_ENTRY_KEY = re.compile(r"@\s*(\w+)\s*[{(]\s*([^,\s]*)")
_ARXIV_IN_TEXT = re.compile(r"arxiv[:\s./a-z]*?(\d{4}\.\d{4,5}(?:v\d+)?|[a-z\-]+(?:\.[A-Z]{2})?/\d{7})", re.I)
_MONTHS = {m: i for i, m in enumerate(("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct",
                                       "nov", "dec"), start=1)}
BIBTEX_HINT = re.compile(r"^\s*@\s*(article|inproceedings|misc|book|incollection|techreport|phdthesis|"
                         r"mastersthesis|online|preprint|unpublished|conference|string|comment)\s*[{(]",
                         re.IGNORECASE | re.MULTILINE)


MAX_BRACE_DEPTH = 32  # real entries nest a few levels; the parser recurses per level and would overflow


def _brace_problem(chunk: str) -> str | None:
    """Why an entry cannot be handed to bibtexparser (unbalanced or too deeply nested braces), or None."""
    depth = deepest = 0
    for match in re.finditer(r"\\.|[{}]", chunk):
        token = match.group(0)
        if token == "{":
            depth += 1
            deepest = max(deepest, depth)
        elif token == "}":
            depth -= 1
            if depth < 0:
                return "unbalanced braces"
    if depth:
        return "unbalanced braces"
    return f"braces nested {deepest} deep (limit {MAX_BRACE_DEPTH})" if deepest > MAX_BRACE_DEPTH else None


def parse_bibtex(text: str, source: str) -> ParseResult:
    import bibtexparser

    warnings: list[ParseWarning] = []
    starts = [m.start() for m in _ENTRY_START.finditer(text)]
    if not starts:
        raise SourceRejected(source, "no BibTeX entries found")
    good: list[str] = []
    for index, start in enumerate(starts):
        chunk = text[start: starts[index + 1] if index + 1 < len(starts) else len(text)]
        problem = _brace_problem(chunk)
        if problem is None:
            good.append(chunk)
            continue
        key = _ENTRY_KEY.match(chunk.strip())
        line = text.count("\n", 0, start) + 1
        warnings.append(ParseWarning(source, line, f"entry {key.group(2) if key else '?'!r}: {problem}: skipped"))
    try:
        entries = bibtexparser.loads("\n".join(good), parser=_parser()).entries
    except RECORD_ERRORS:  # pyparsing gave up on some entry: read them one by one to keep the others
        entries = []
        for chunk in good:
            key = _ENTRY_KEY.match(chunk.strip())
            try:
                entries += bibtexparser.loads(chunk, parser=_parser()).entries
            except RECORD_ERRORS as err:
                warnings.append(ParseWarning(source, None, f"entry {key.group(2) if key else '?'!r}: unreadable "
                                                           f"({type(err).__name__}): skipped"))
    papers = []
    for entry in entries:
        where = f"entry {one_line(str(entry.get('ID', '?')))[:80]!r}: "
        paper = read_record(partial(_paper_from_entry, entry, source), warnings, source, None, where)
        if paper is not None:
            papers.append(paper)
    return ParseResult(source=source, papers=papers, warnings=warnings)


def _parser():  # type: ignore[no-untyped-def]
    from bibtexparser.bparser import BibTexParser

    return BibTexParser(common_strings=True, ignore_nonstandard_types=False)


def _tex(value: str | None) -> str:
    return latex_to_display(value.replace("\n", " "), braces=True) if value else ""


def _paper_from_entry(entry: dict[str, str], source: str):  # type: ignore[no-untyped-def]
    arxiv = None
    if entry.get("archiveprefix", "").lower() == "arxiv" and entry.get("eprint"):
        arxiv = normalise_arxiv_id(entry["eprint"])
    for field in ("url", "journal", "note", "eprint"):
        if arxiv:
            break
        found = _ARXIV_IN_TEXT.search(entry.get(field, ""))
        arxiv = normalise_arxiv_id(found.group(1)) if found else None
    authors = []
    for name in re.split(r"\s+and\s+", entry.get("author", "")):
        last, _, first = name.partition(",")
        authors.append(_tex(f"{first.strip()} {last.strip()}" if first else last.strip()))
    year = entry.get("year", "").strip()
    month = _MONTHS.get(entry.get("month", "").strip().lower()[:3])
    published = f"{year}-{month:02d}" if year.isdigit() and month else (year if year.isdigit() else None)
    url = entry.get("url", "")
    return build_paper(
        source=source,
        title=_tex(entry.get("title")),
        abstract=_tex(entry.get("abstract")),
        arxiv_id=arxiv,
        authors=[a for a in authors if a],
        published=published,
        doi=entry.get("doi"),
        keywords=[k.strip() for k in entry.get("keywords", "").split(",") if k.strip()],
        journal_ref=_tex(entry.get("journal") or entry.get("booktitle")) or None,
        extra_links=[url] if url and "arxiv.org" not in url else [],
    )
