"""Fetching listings from Hugging Face and arXiv into ordinary source files: the only part that uses the network.

``fetch_hf`` and ``fetch_arxiv`` download, keep each download as a file under ``<data dir>/sources/`` and add it
through the library's normal add path; search, rebuild and the app then read those files offline.
"""

from __future__ import annotations

from .arxiv import ARXIV_PACE, arxiv_endpoint, build_query, fetch_arxiv
from .hf import TRENDING, Period, day_period, days_between, fetch_hf, hf_endpoint, last_fetched_day, \
    missing_days, month_period, week_period
from .http import USER_AGENT, Downloader, FetchError, NetPolicy
from .snapshots import FetchBusy, FetchRun, PeriodResult, fetching

__all__ = [
    "ARXIV_PACE", "TRENDING", "USER_AGENT", "Downloader", "FetchBusy", "FetchError", "FetchRun", "NetPolicy",
    "Period", "PeriodResult", "arxiv_endpoint", "build_query", "day_period", "days_between", "fetch_arxiv",
    "fetch_hf", "fetching", "hf_endpoint", "last_fetched_day", "missing_days", "month_period", "week_period",
]
