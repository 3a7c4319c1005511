"""Hugging Face Daily Papers: ``api/daily_papers`` by day, ISO week, month or trending, kept as JSON sources.

The API takes ``date=YYYY-MM-DD``, ``week=YYYY-Www``, ``month=YYYY-MM`` or ``sort=trending``, pages with ``p``
and ``limit`` (100 at most). A server that refuses a week or month (a mirror, an older API) is asked for each
day instead. Days are UTC days, as on huggingface.co. A period already fetched after it ended is not fetched
again unless asked (``refresh``); a period still open (today, this week) is fetched on every run and each fetch
that brought something different is kept as its own file.
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, timezone
from pathlib import Path
from typing import Any

from .. import locations
from ..models import SourceRejected
from ..sources.hf_json import parse_hf_daily
from .http import Downloader, FetchError, HttpStatusError
from .snapshots import FetchRun, OnResult, PeriodResult, SnapshotFolder, fetched_at, result_from_report

DEFAULT_ENDPOINT = "https://huggingface.co"
PAGE_SIZE = 100  # the API's largest page
MAX_PAGES = 50


@dataclass(frozen=True)
class Period:
    """One listing: a day, an ISO week, a month, or the trending list (no dates)."""

    kind: str  # day | week | month | trending
    label: str
    first: date | None = None
    last: date | None = None

    @property
    def ends_at(self) -> datetime | None:
        """When the listing stops changing (midnight UTC after its last day); None for trending."""
        if self.last is None:
            return None
        return datetime.combine(self.last + timedelta(days=1), time(0), tzinfo=timezone.utc)

    def params(self) -> dict[str, str]:
        return {"sort": "trending"} if self.kind == "trending" else {"date" if self.kind == "day" else self.kind:
                                                                       self.label}

    def days(self) -> list[Period]:
        assert self.first is not None and self.last is not None
        return days_between(self.first, self.last)


def day_period(day: date) -> Period:
    return Period("day", day.isoformat(), day, day)


def days_between(first: date, last: date) -> list[Period]:
    return [day_period(first + timedelta(days=n)) for n in range((last - first).days + 1)]


def week_period(label: str) -> Period:
    """``2025-W48`` -> Monday to Sunday of that ISO week. Raises ``ValueError`` for anything else."""
    match = re.fullmatch(r"(\d{4})-W(\d{2})", label)
    if not match:
        raise ValueError(f"expected a week as YYYY-Www (such as 2025-W48), got {label!r}")
    monday = date.fromisocalendar(int(match.group(1)), int(match.group(2)), 1)
    return Period("week", label, monday, monday + timedelta(days=6))


def month_period(label: str) -> Period:
    """``2025-11`` -> the first to the last day of that month. Raises ``ValueError`` for anything else."""
    match = re.fullmatch(r"(\d{4})-(\d{2})", label)
    if not match or not 1 <= int(match.group(2)) <= 12:
        raise ValueError(f"expected a month as YYYY-MM (such as 2025-11), got {label!r}")
    first = date(int(match.group(1)), int(match.group(2)), 1)
    following = date(first.year + first.month // 12, first.month % 12 + 1, 1)
    return Period("month", label, first, following - timedelta(days=1))


TRENDING = Period("trending", "trending")


def hf_endpoint() -> str:
    """``HF_ENDPOINT`` (the variable huggingface_hub reads) or huggingface.co. Raises ``ValueError`` if not http(s)."""
    endpoint = (os.environ.get("HF_ENDPOINT") or DEFAULT_ENDPOINT).rstrip("/")
    if not re.match(r"https?://[^/\s]+", endpoint):
        raise ValueError(f"HF_ENDPOINT must be an http(s) address, got {endpoint!r}")
    return endpoint


def hf_base() -> Path:
    return locations.fetched_sources_dir("hf")


def folder_of(period: Period) -> SnapshotFolder:
    return SnapshotFolder(hf_base() / period.kind / period.label)


def last_fetched_day() -> date | None:
    """The latest day with any fetch kept: where ``--since last`` resumes (that day itself may be incomplete)."""
    days = hf_base() / "day"
    labels = sorted(p.name for p in days.iterdir() if p.is_dir() and SnapshotFolder(p).snapshots()) \
        if days.is_dir() else []
    for label in reversed(labels):
        try:
            return date.fromisoformat(label)
        except ValueError:
            continue
    return None


def missing_days(today: date, lookback: int = 7) -> list[Period]:
    """Days not yet fetched completely, from the last day fetched (at most ``lookback`` days back) to today."""
    last = last_fetched_day()
    first = max(last, today - timedelta(days=lookback - 1)) if last else today
    return [p for p in days_between(min(first, today), today) if not folder_of(p).complete(p.ends_at)]


def fetch_hf(periods: list[Period], library: Any, downloader: Downloader, *, endpoint: str | None = None,
             refresh: bool = False, now: datetime | None = None, on_result: OnResult | None = None) -> FetchRun:
    """Fetch each period not yet fetched (all with ``refresh``), keep it as a file, add it to ``library``.

    Stops at the first failure: what was fetched before it stays, the failing period leaves nothing behind.
    """
    run = FetchRun("hf")
    fetcher = _HfFetcher(library, downloader, endpoint or hf_endpoint(), refresh, now, run, on_result)
    try:
        for period in periods:
            fetcher.period(period)
    except FetchError as err:
        run.error = str(err)
    return run


@dataclass
class _HfFetcher:
    library: Any
    downloader: Downloader
    endpoint: str
    refresh: bool
    now: datetime | None
    run: FetchRun
    on_result: OnResult | None

    def _say(self, result: PeriodResult) -> None:
        self.run.results.append(result)
        if self.on_result:
            self.on_result(result)

    def period(self, period: Period) -> None:
        folder = folder_of(period)
        if not self.refresh and folder.complete(period.ends_at):
            self._say(PeriodResult(period.label, "already fetched"))
            return
        try:
            data = self._download(period)
        except HttpStatusError as err:
            if period.kind in ("week", "month") and err.status in (400, 404, 422):
                for day in period.days():  # the server has no such listing: ask day by day
                    self.period(day)
                return
            raise FetchError(f"{period.label}: {err}") from None
        except FetchError as err:
            raise FetchError(f"{period.label}: {err}") from None
        moment = self.now or datetime.now(timezone.utc)
        try:
            papers = len(parse_hf_daily(data.decode("utf-8", errors="replace"), period.label).papers)
        except SourceRejected as err:
            raise FetchError(f"{period.label}: {_host(self.endpoint)} sent something that is not daily-papers "
                             f"JSON ({err.reason})") from None
        closed = period.ends_at is not None and moment >= period.ends_at
        if folder.same_as_latest(data):
            if closed and not folder.complete(period.ends_at):
                folder.save(b"", moment, ".same")  # the final listing is the one kept: mark the period done
            self._say(PeriodResult(period.label, "unchanged", papers=papers))
            return
        if papers == 0:
            if closed:
                folder.save(data, moment, ".empty")  # nothing to add, but nothing to ask for again either
            self._say(PeriodResult(period.label, "fetched"))
            return
        path = folder.save(data, moment, ".json")
        report = self.library.add([path])[0]
        self._say(result_from_report(period.label, "fetched", path, report))

    def _download(self, period: Period) -> bytes:
        """The listing's bytes as served; several pages are joined into one JSON array."""
        url = f"{self.endpoint}/api/daily_papers"
        if period.kind == "trending":
            return self.downloader.get(url, period.params())
        pages: list[bytes] = []
        items: list[Any] = []
        seen: set[str] = set()
        for page in range(MAX_PAGES):
            data = self.downloader.get(url, {**period.params(), "limit": PAGE_SIZE, "p": page})
            batch = _json_list(data, self.endpoint)
            pages.append(data)
            fresh = [item for item in batch if _item_id(item) not in seen]
            seen.update(_item_id(item) for item in batch)
            items.extend(fresh)
            if len(batch) < PAGE_SIZE or not fresh:
                break
        return pages[0] if len(pages) == 1 else json.dumps(items, ensure_ascii=False).encode("utf-8")


def _json_list(data: bytes, endpoint: str) -> list[Any]:
    try:
        value = json.loads(data)
    except ValueError as err:
        raise FetchError(f"{_host(endpoint)} sent something that is not JSON ({err})") \
            from None
    if isinstance(value, dict) and isinstance(value.get("papers"), list):
        value = value["papers"]
    if not isinstance(value, list):
        raise FetchError(f"{_host(endpoint)} sent JSON that is not a list of daily papers")
    return value


def _item_id(item: Any) -> str:
    paper = item.get("paper") if isinstance(item, dict) else None
    return str(paper.get("id") if isinstance(paper, dict) else item)[:200]


def _host(endpoint: str) -> str:
    return endpoint.split("://", 1)[-1].split("/", 1)[0]


def iter_history(day: date) -> Iterator[tuple[datetime, Path]]:
    """Every kept fetch of one day's listing with its time, oldest first: the upvotes history of that day."""
    for path in folder_of(day_period(day)).snapshots():
        when = fetched_at(path)
        if when is not None and path.suffix == ".json":
            yield when, path
