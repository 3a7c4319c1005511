"""``paperdeck fetch hf|arxiv``: argument parsing and output for the one command that uses the network.

Why apart from ``cli.py``: fetching has its own options and its own failure modes (no network, a server that
says no), and keeping it here keeps ``cli.py``'s change to a registration hook. httpx is imported only when a
fetch actually runs, so every other command starts as quickly as before and never loads network code.
"""

from __future__ import annotations

import argparse
from datetime import date, datetime, timezone
from typing import TYPE_CHECKING, Any

from .clean import one_line
from .cli_text import err as err_line
from .cli_text import field, out, plural

if TYPE_CHECKING:
    from .fetch import FetchRun, NetPolicy, Period, PeriodResult


def add_fetch_parser(sub: Any) -> None:
    """Register ``fetch`` and its two services on the main parser's subcommands."""
    fetch = sub.add_parser("fetch", help="download new listings (Hugging Face, arXiv) as sources, then add them")
    services = fetch.add_subparsers(dest="service", required=True, parser_class=type(fetch))

    hf = services.add_parser("hf", help="Hugging Face Daily Papers (default: today, UTC)")
    when = hf.add_mutually_exclusive_group()
    when.add_argument("--date", type=_day, metavar="YYYY-MM-DD", help="one day's listing")
    when.add_argument("--week", metavar="YYYY-Www", help="an ISO week's listing, such as 2025-W48")
    when.add_argument("--month", metavar="YYYY-MM", help="a month's listing")
    when.add_argument("--since", metavar="DATE|last", help="every day from DATE (or the last day fetched) on")
    when.add_argument("--trending", action="store_true", help="the trending list (kept at each fetch)")
    hf.add_argument("--until", type=_day, metavar="YYYY-MM-DD", help="last day for --since (default: today)")
    hf.add_argument("--refresh", action="store_true", help="fetch periods already fetched again")
    hf.add_argument("--json", action="store_true", help="print a JSON report instead of progress lines")

    arxiv = services.add_parser("arxiv", help="arXiv API search results, newest first")
    arxiv.add_argument("--query", help="arXiv search syntax (ti:, au:, abs:, ...); plain words search all fields")
    arxiv.add_argument("--category", action="append", default=[], metavar="CAT",
                       help="an arXiv category such as cs.CL; repeatable (any of them)")
    arxiv.add_argument("--since", type=_day, metavar="YYYY-MM-DD", help="only papers submitted since that day")
    arxiv.add_argument("--max", type=_count, default=100, metavar="N", help="at most N results (default 100)")
    arxiv.add_argument("--json", action="store_true", help="print a JSON report instead of progress lines")


def _day(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a date as YYYY-MM-DD, got {text!r}") from None


def _count(text: str) -> int:
    if not text.isdigit() or not 1 <= int(text) <= 10_000:
        raise argparse.ArgumentTypeError(f"expected a whole number from 1 to 10000, got {text!r}")
    return int(text)


def net_policy(service: str) -> NetPolicy:
    """The network policy per service (tests replace this to skip real waiting)."""
    from .fetch import ARXIV_PACE, NetPolicy

    return NetPolicy(pace=ARXIV_PACE if service == "arxiv" else 0.0)


def utc_now() -> datetime:
    return datetime.now(timezone.utc)


def hf_periods(args: argparse.Namespace, today: date) -> list[Period]:
    """The periods ``fetch hf`` was asked for. Raises ``ValueError`` with a one-line reason for a bad request."""
    from .fetch import TRENDING, day_period, days_between, last_fetched_day, month_period, week_period

    if args.until and not args.since:
        raise ValueError("--until goes with --since")
    if args.trending:
        return [TRENDING]
    if args.week:
        periods = [week_period(args.week)]
    elif args.month:
        periods = [month_period(args.month)]
    elif args.since:
        if args.since == "last":
            first = last_fetched_day() or today  # nothing fetched yet: start with today (cron's first run)
        else:
            try:
                first = date.fromisoformat(args.since)
            except ValueError:
                raise ValueError(f"--since expects YYYY-MM-DD or 'last', got {args.since!r}") from None
        last = args.until or today
        if first > last:
            raise ValueError(f"--since {first} is after --until {last}")
        periods = days_between(first, last)
    else:
        periods = [day_period(args.date or today)]
    if any(p.first is not None and p.first > today for p in periods):
        raise ValueError(f"{periods[0].label} has not started yet (today is {today} UTC)")
    return periods


def cmd_fetch(args: argparse.Namespace) -> int:
    from . import locations
    from .cli import UsageError, _open_library
    from .fetch import Downloader, FetchBusy, arxiv_endpoint, build_query, fetch_arxiv, fetch_hf, fetching, \
        hf_endpoint
    from .fetch.hf import hf_base

    now = utc_now()
    try:
        if args.service == "hf":
            endpoint = hf_endpoint()
            periods = hf_periods(args, now.date())
        else:
            endpoint = arxiv_endpoint()
            search_query = build_query(args.query, args.category, args.since, now.date())
    except ValueError as err:
        raise UsageError(str(err)) from None
    show = None if args.json else _print_result
    try:
        with _open_library() as library, Downloader(net_policy(args.service)) as downloader:
            base = hf_base() if args.service == "hf" else locations.fetched_sources_dir("arxiv")
            with fetching(base, library, show) as run:
                if args.service == "hf":
                    fresh = fetch_hf(periods, library, downloader, endpoint=endpoint, refresh=args.refresh,
                                     now=now, on_result=show)
                else:
                    fresh = fetch_arxiv(search_query, library, downloader, max_results=args.max,
                                        endpoint=endpoint, now=now, on_result=show)
                run.results.extend(fresh.results)
                run.error = fresh.error
            total = library.stats().papers
    except FetchBusy as err:
        err_line(f"paperdeck: {err}")
        return 1
    return _finish(run, total, args.json)


def _print_result(result: PeriodResult) -> None:
    if result.status in ("fetched", "resumed", "failed") and result.file is not None:
        detail = f"{plural(result.papers, 'paper')}, {result.new_papers:,} new"
    elif result.status == "fetched":
        detail = "empty listing"
    elif result.status == "unchanged":
        detail = "same as the last fetch"
    else:
        detail = "use --refresh to fetch it again"
    out(f"{result.status:>15}  {field(one_line(result.period))}  ({detail})")
    for warning in result.warnings:
        out(f"{'':>15}  warning: {field(one_line(warning))}")


def _finish(run: FetchRun, total: int, as_json: bool) -> int:
    from .cli import _out_json

    fetched = sum(r.status in ("fetched", "resumed") for r in run.results)
    if as_json:
        _out_json({"periods": [r.to_json() for r in run.results], "fetched": fetched,
                   "new_papers": run.new_papers, "library_papers": total, "error": run.error})
    else:
        counts = {s: sum(r.status == s for r in run.results) for s in ("fetched", "unchanged", "already fetched")}
        out(f"{counts['fetched']} fetched, {counts['unchanged']} unchanged, {counts['already fetched']} already "
            f"fetched; {plural(run.new_papers, 'new paper')}; library: {plural(total, 'paper')}")
    if run.error:
        kept = f"; the {fetched} fetched before it were kept" if fetched else "; nothing changed"
        err_line(f"paperdeck: {one_line(run.error)}{kept}")
        return 1
    return 0

