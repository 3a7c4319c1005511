"""The inbound layer every importer's records pass through: field types checked, a bad record skipped with
file:record and why, text made inert, lengths capped, links validated.

Why one layer: a single ``authors: 5`` or ``upvotes: 1e400`` used to raise out of a parser and stop a whole
folder; a crafted ``githubRepo`` reached the clipboard as an escape sequence. Parsers read values through the
typed getters here (a wrong type raises ``BadField``, which ``read_record`` turns into a warning), and
``sanitize_papers`` runs over the output of *every* parser in ``sources.parse_source``/``open_source``, so a new
format is covered without doing anything.
"""

from __future__ import annotations

import json
import math
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import replace
from typing import Any, TypeVar

from ..clean import one_line, strip_control
from ..links import canonical_url, classify
from ..models import Link, PageSeen, Paper, ParseWarning
from ..safety import LinkRejected, check_url

T = TypeVar("T")

# Caps: far above any real value, low enough that one crafted record cannot stall search or the app.
MAX_TITLE_CHARS = 1_000
MAX_ABSTRACT_CHARS = 20_000
MAX_SUMMARY_CHARS = 5_000
MAX_NAME_CHARS = 300
MAX_LINE_FIELD_CHARS = 1_000
MAX_LIST_ITEMS = 5_000  # collaborations list thousands of authors
MAX_LINKS = 200
MAX_CONTEXT_CHARS = 300  # "search: <query>": the query is the page's, a long one is cut
MAX_INT = 2**53
# Errors a parser may raise on one malformed record; anything else is a bug and must surface.
RECORD_ERRORS = (TypeError, ValueError, KeyError, IndexError, AttributeError, OverflowError, RecursionError)


class BadField(ValueError):
    """A record field holds a value of the wrong type: the record is skipped, the message says which field."""

    def __init__(self, name: str, value: object, expected: str) -> None:
        super().__init__(f"field {name!r} should be {expected}, not {_describe(value)}")


def _describe(value: object) -> str:
    if isinstance(value, bool):
        return "true/false"
    if isinstance(value, (dict, list)):
        return f"{'an object' if isinstance(value, dict) else 'a list'} of {len(value)}"
    if isinstance(value, (int, float)):
        return f"the number {one_line(repr(value))[:40]}"
    return type(value).__name__


def text(record: Mapping[str, Any], name: str) -> str | None:
    """A text field; absent, null and empty are None."""
    value = record.get(name)
    if value is None or value == "":
        return None
    if not isinstance(value, str):
        raise BadField(name, value, "text")
    return value


def integer(record: Mapping[str, Any], name: str) -> int | None:
    """A count (upvotes, stars): an int, an integral finite float or digits in a string, 0 <= n < 2**53."""
    value = record.get(name)
    if value is None or value == "":
        return None
    number: int | None = None
    if isinstance(value, int) and not isinstance(value, bool):
        number = value
    elif isinstance(value, float) and math.isfinite(value) and value.is_integer():
        number = int(value)
    elif isinstance(value, str) and value.strip().isdigit() and len(value.strip()) <= 16:
        number = int(value.strip())
    if number is None or not 0 <= number < MAX_INT:
        raise BadField(name, value, "a whole number")
    return number


def items(record: Mapping[str, Any], name: str, kind: type[T], expected: str) -> list[T]:
    """A list whose items all have one type; absent and null are an empty list."""
    value = record.get(name)
    if value is None:
        return []
    if not isinstance(value, list) or not all(isinstance(item, kind) for item in value):
        raise BadField(name, value, expected)
    return value


def mapping(record: Mapping[str, Any], name: str) -> dict[str, Any] | None:
    value = record.get(name)
    if value is None:
        return None
    if not isinstance(value, dict):
        raise BadField(name, value, "an object")
    return value


def load_json(text_value: str) -> Any:
    """``json.loads`` that cannot be made to raise anything but ``ValueError``: a huge integer literal becomes
    infinity (rejected later as a field), and nesting too deep for the parser is a ``ValueError``."""
    try:
        return json.loads(text_value, parse_int=lambda digits: int(digits) if len(digits) <= 30 else math.inf)
    except RecursionError:
        raise ValueError("nested too deeply") from None


def read_record(build: Callable[[], T | None], warnings: list[ParseWarning], source: str, line: int | None,
                where: str) -> T | None:
    """Run one record's parser; a record without a title or a malformed one becomes a warning (``where`` names
    the record) and None, so the caller simply moves on to the next."""
    try:
        result = build()
        if result is None:
            warnings.append(ParseWarning(source, line, f"{where}no title: skipped"))
        return result
    except BadField as err:
        warnings.append(ParseWarning(source, line, f"{where}{err}: skipped"))
    except RECORD_ERRORS as err:
        reason = one_line(str(err))[:120] or type(err).__name__
        warnings.append(ParseWarning(source, line, f"{where}unreadable ({type(err).__name__}: {reason}): skipped"))
    return None


def sanitize_papers(papers: Iterable[Paper], source: str, warnings: list[ParseWarning]) -> Iterator[Paper]:
    """Every parser's papers, made safe to store: see ``sanitize_paper``. Lazy, so streaming stays streaming."""
    for paper in papers:
        clean = sanitize_paper(paper, source, warnings)
        if clean is not None:
            yield clean


def sanitize_paper(paper: Paper, source: str, warnings: list[ParseWarning]) -> Paper | None:
    """One paper with controls removed from every field (newlines only where a field may hold them), long fields
    cut with a warning and every link validated (a bad one dropped with a warning). None without a title.

    Why again after the parsers' own cleaning: this is the gate that holds for every format, including ones
    added later, whatever a parser forgot.
    """
    line = paper.pages[0].line if paper.pages else None
    where = f"paper {one_line(paper.title)[:60]!r}: "

    def cap(value: str, limit: int, field: str) -> str:
        if len(value) <= limit:
            return value
        warnings.append(ParseWarning(source, line, f"{where}{field} of {len(value):,} characters cut to "
                                                   f"{limit:,}"))
        return value[:limit]

    def single(value: str | None, limit: int, field: str) -> str | None:
        return cap(one_line(value), limit, field) or None if value else None

    def many(values: list[str], limit: int, field: str) -> list[str]:
        if len(values) > MAX_LIST_ITEMS:
            warnings.append(ParseWarning(source, line, f"{where}{len(values):,} {field} cut to {MAX_LIST_ITEMS:,}"))
        kept = (single(v, limit, field[:-1]) for v in values[:MAX_LIST_ITEMS])
        return list(dict.fromkeys(v for v in kept if v))

    title = single(paper.title, MAX_TITLE_CHARS, "title")
    if not title:
        warnings.append(ParseWarning(source, line, "a paper with no title after cleaning: skipped"))
        return None
    links = _checked_links(paper.links, warnings, source, line, where)
    url = _checked_url(paper.url, warnings, source, line, where, "paper link")
    if url is None:
        url = canonical_url(title, paper.arxiv_id if paper.arxiv_id == one_line(paper.arxiv_id or "") else None)
    return replace(
        paper,
        key=cap(one_line(paper.key), MAX_LINE_FIELD_CHARS, "key") or paper.key,
        title=title,
        abstract=cap(strip_control(paper.abstract).strip(), MAX_ABSTRACT_CHARS, "abstract"),
        url=url,
        arxiv_id=single(paper.arxiv_id, 64, "arXiv id"),
        links=links,
        pages=[PageSeen(source=one_line(p.source), listed=single(p.listed, 32, "listing date"), line=p.line,
                        context=single(p.context, MAX_CONTEXT_CHARS, "page context")) for p in paper.pages],
        authors=many(paper.authors, MAX_NAME_CHARS, "authors"),
        categories=many(paper.categories, 64, "categories"),
        published=single(paper.published, 32, "publication date"),
        upvotes=paper.upvotes if isinstance(paper.upvotes, int) and 0 <= paper.upvotes < MAX_INT else None,
        doi=single(paper.doi, 300, "DOI"),
        organization=single(paper.organization, MAX_NAME_CHARS, "organisation"),
        github_stars=(paper.github_stars if isinstance(paper.github_stars, int)
                      and 0 <= paper.github_stars < MAX_INT else None),
        ai_summary=(cap(strip_control(paper.ai_summary).strip(), MAX_SUMMARY_CHARS, "AI summary") or None
                    if paper.ai_summary else None),
        keywords=many(paper.keywords, MAX_NAME_CHARS, "keywords"),
        journal_ref=single(paper.journal_ref, MAX_LINE_FIELD_CHARS, "journal reference"),
        comments=paper.comments if isinstance(paper.comments, int) and 0 <= paper.comments < MAX_INT else None,
    )


def _checked_url(url: str, warnings: list[ParseWarning], source: str, line: int | None, where: str,
                 field: str) -> str | None:
    try:
        return check_url(url)
    except LinkRejected as err:
        shown = one_line(url)[:80]
        warnings.append(ParseWarning(source, line, f"{where}{field} {shown!r} dropped: {err}"))
        return None


def _checked_links(links: list[Link], warnings: list[ParseWarning], source: str, line: int | None,
                   where: str) -> list[Link]:
    kept: dict[str, Link] = {}
    for link in links[:MAX_LINKS]:
        url = _checked_url(link.url, warnings, source, line, where, f"{link.kind} link")
        if url is None:
            continue
        found = classify(url)
        kept.setdefault(url, Link(url=url, kind=link.kind, host=found.host))
    return list(kept.values())
