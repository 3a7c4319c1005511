"""arXiv's API (``/api/query``, Atom): a query or categories, newest first, one source file per page of results.

arXiv asks API clients for one request every three seconds; the caller's ``Downloader`` keeps that pace
(``ARXIV_PACE``). A page whose entries are the same as a page already kept for this query (only the feed's own
timestamp differs between two requests) is not kept again, so running the same query from cron adds files only
when arXiv has something new.
"""

from __future__ import annotations

import hashlib
import os
import re
from datetime import date, datetime, timezone
from typing import Any

from .. import locations
from ..models import SourceRejected
from ..sources.atom import parse_atom
from .http import Downloader, FetchError
from .snapshots import FetchRun, OnResult, PeriodResult, SnapshotFolder, result_from_report

DEFAULT_ENDPOINT = "https://export.arxiv.org/api/query"
ARXIV_PACE = 3.0  # seconds between requests, as arXiv's API terms ask
PAGE_SIZE = 100
_CATEGORY = re.compile(r"[a-z-]+(\.[A-Za-z-]+)?")


def arxiv_endpoint() -> str:
    """``PAPERDECK_ARXIV_ENDPOINT`` or arXiv's export API. Raises ``ValueError`` if not http(s)."""
    endpoint = os.environ.get("PAPERDECK_ARXIV_ENDPOINT") or DEFAULT_ENDPOINT
    if not re.match(r"https?://[^/\s]+", endpoint):
        raise ValueError(f"PAPERDECK_ARXIV_ENDPOINT must be an http(s) address, got {endpoint!r}")
    return endpoint


def build_query(query: str | None, categories: list[str], since: date | None, today: date) -> str:
    """arXiv ``search_query`` text. A query without a field prefix searches all fields. Raises ``ValueError``."""
    parts: list[str] = []
    if query and query.strip():
        text = query.strip()
        parts.append(text if re.search(r"\b(ti|au|abs|co|jr|cat|rn|id|all|submittedDate):", text)
                     else f"all:({text})" if " " in text else f"all:{text}")
    for category in categories:
        if not _CATEGORY.fullmatch(category):
            raise ValueError(f"not an arXiv category: {category!r} (such as cs.CL or hep-th)")
    if categories:
        cats = " OR ".join(f"cat:{c}" for c in categories)
        parts.append(f"({cats})" if len(categories) > 1 else cats)
    if not parts:
        raise ValueError("give --query or --category")
    if since:
        parts.append(f"submittedDate:[{since:%Y%m%d}0000 TO {today:%Y%m%d}2359]")
    return " AND ".join(parts)


def query_folder(search_query: str) -> SnapshotFolder:
    slug = re.sub(r"[^A-Za-z0-9.]+", "_", search_query).strip("_")[:60]
    digest = hashlib.sha1(search_query.encode("utf-8")).hexdigest()[:8]
    return SnapshotFolder(locations.fetched_sources_dir("arxiv") / f"{slug}-{digest}")


def entries_digest(text: str) -> str | None:
    """A digest of a feed's entries only (None when it has none): two fetches of the same results compare equal."""
    start = text.find("<entry")
    if start < 0:
        return None
    return hashlib.sha1(text[start:].encode("utf-8")).hexdigest()[:12]


def fetch_arxiv(search_query: str, library: Any, downloader: Downloader, *, max_results: int = 100,
                endpoint: str | None = None, now: datetime | None = None,
                on_result: OnResult | None = None) -> FetchRun:
    """Page through the query's results (newest first) up to ``max_results``, keeping each new page as a file."""
    run = FetchRun("arxiv")
    url = endpoint or arxiv_endpoint()
    folder = query_folder(search_query)
    start = 0
    try:
        while start < max_results:
            size = min(PAGE_SIZE, max_results - start)
            label = f"results {start + 1}-{start + size}"
            data = downloader.get(url, {"search_query": search_query, "start": start, "max_results": size,
                                        "sortBy": "submittedDate", "sortOrder": "descending"})
            text = data.decode("utf-8", errors="replace")
            count = _check_feed(text, label)
            if count == 0:
                break
            digest = entries_digest(text)
            if any(p.stem.endswith(f"-{digest}") for p in folder.snapshots()):
                run.results.append(PeriodResult(label, "unchanged", papers=count))
            else:
                moment = now or datetime.now(timezone.utc)
                path = folder.save(data, moment, f"-{start:06d}-{digest}.xml")
                run.results.append(result_from_report(label, "fetched", path, library.add([path])[0]))
            if on_result:
                on_result(run.results[-1])
            if count < size:
                break
            start += size
    except FetchError as err:
        run.error = str(err)
    return run


def _check_feed(text: str, label: str) -> int:
    """How many papers a page holds; ``FetchError`` for arXiv's error feed or anything that is not a feed."""
    try:
        result = parse_atom(text, label)
    except SourceRejected as err:
        raise FetchError(f"{label}: arXiv sent something that is not an Atom feed ({err.reason})") from None
    if "arxiv.org/api/errors" in text and not result.papers:
        match = re.search(r"<summary>(.*?)</summary>", text, re.S)
        raise FetchError(f"arXiv refused the query: {' '.join((match.group(1) if match else '').split())[:200]}")
    return len(result.papers)

