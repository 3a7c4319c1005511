"""Hugging Face ``api/daily_papers`` JSON: an array of items, each with a ``paper`` object.

Fields come and go across years (absent, null and present all occur). One real file holds Python dict reprs as
strings instead of objects; those are read with ``ast.literal_eval`` (safe: literals only) and reported.
"""

from __future__ import annotations

import ast
from functools import partial
from typing import Any

from ..models import Paper, ParseResult, ParseWarning, SourceRejected
from .fields import BadField, integer, items, load_json, mapping, read_record
from .fields import text as text_field
from .metadata import build_paper, iso_date


def parse_hf_daily(text: str, source: str) -> ParseResult:
    try:
        data = load_json(text)
    except ValueError as err:
        raise SourceRejected(source, f"not valid JSON ({err})") from None
    if isinstance(data, dict) and isinstance(data.get("papers"), list):
        data = data["papers"]
    if not isinstance(data, list):
        raise SourceRejected(source, "JSON but not a list of daily papers")
    warnings: list[ParseWarning] = []
    papers = []
    repr_items = 0
    for number, item in enumerate(data, start=1):
        if isinstance(item, str):
            try:
                item = ast.literal_eval(item)
                repr_items += 1
            except (ValueError, SyntaxError, MemoryError, RecursionError):
                warnings.append(ParseWarning(source, None, f"item {number}: a string that is not a paper: skipped"))
                continue
        if not isinstance(item, dict):
            warnings.append(ParseWarning(source, None, f"item {number}: not an object: skipped"))
            continue
        paper = read_record(partial(paper_from_item, item, source), warnings, source, None, f"item {number}: ")
        if paper is not None:
            papers.append(paper)
    if repr_items:
        warnings.append(ParseWarning(source, None, f"{repr_items} item(s) were Python dict reprs, not JSON "
                                                   "objects: read leniently"))
    return ParseResult(source=source, papers=papers, warnings=warnings)


def paper_from_item(item: dict[str, Any], source: str) -> Paper | None:
    """One ``api/daily_papers`` item (or a bare ``paper`` object, as saved HTML holds) as a ``Paper``.

    A field of the wrong type raises ``BadField``: the item is skipped, the rest load."""
    paper = mapping(item, "paper") or item
    org: object = mapping(paper, "organization") or mapping(item, "organization")
    if isinstance(org, dict):
        org = text_field(org, "fullname") or text_field(org, "name")
    authors = [text_field(a, "name") for a in items(paper, "authors", dict, "a list of objects with a name")]
    return build_paper(
        source=source,
        title=text_field(paper, "title") or text_field(item, "title"),
        abstract=text_field(paper, "summary") or text_field(item, "summary") or "",
        arxiv_id=text_field(paper, "id"),
        authors=authors,
        published=text_field(paper, "publishedAt"),
        listed=iso_date(text_field(item, "publishedAt") or text_field(paper, "submittedOnDailyAt")),
        upvotes=integer(paper, "upvotes"),
        github_repo=text_field(paper, "githubRepo"),
        github_stars=integer(paper, "githubStars"),
        project_page=text_field(paper, "projectPage"),
        organization=org,
        ai_summary=text_field(paper, "ai_summary"),
        keywords=items(paper, "ai_keywords", str, "a list of text"),
        comments=integer(item, "numComments"),
    )
