"""Hugging Face ``api/daily_papers`` JSON: an array of items, each with a ``paper`` object.

Fields come and go across years (absent, null and present all occur). One real file holds Python dict reprs as
strings instead of objects; those are read with ``ast.literal_eval`` (safe: literals only) and reported.
"""

from __future__ import annotations

import ast
import json
from typing import Any

from ..models import ParseResult, ParseWarning, SourceRejected
from .metadata import build_paper, iso_date


def parse_hf_daily(text: str, source: str) -> ParseResult:
    try:
        data = json.loads(text)
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
        paper = paper_from_item(item, source)
        if paper is None:
            warnings.append(ParseWarning(source, None, f"item {number}: no title: skipped"))
            continue
        papers.append(paper)
    if repr_items:
        warnings.append(ParseWarning(source, None, f"{repr_items} item(s) were Python dict reprs, not JSON "
                                                   "objects: read leniently"))
    return ParseResult(source=source, papers=papers, warnings=warnings)


def paper_from_item(item: dict[str, Any], source: str):  # type: ignore[no-untyped-def]
    """One ``api/daily_papers`` item (or a bare ``paper`` object) as a ``Paper``; also reads saved HTML's data."""
    paper: dict[str, Any] = item.get("paper") if isinstance(item.get("paper"), dict) else item
    org = paper.get("organization") or item.get("organization")
    if isinstance(org, dict):
        org = org.get("fullname") or org.get("name")
    authors = [a.get("name") for a in paper.get("authors") or [] if isinstance(a, dict)]
    return build_paper(
        source=source,
        title=paper.get("title") or item.get("title"),
        abstract=paper.get("summary") or item.get("summary") or "",
        arxiv_id=paper.get("id"),
        authors=authors,
        published=paper.get("publishedAt"),
        listed=iso_date(item.get("publishedAt") or paper.get("submittedOnDailyAt")),
        upvotes=paper.get("upvotes"),
        github_repo=paper.get("githubRepo"),
        github_stars=paper.get("githubStars"),
        project_page=paper.get("projectPage"),
        organization=org,
        ai_summary=paper.get("ai_summary"),
        keywords=paper.get("ai_keywords") or [],
    )
