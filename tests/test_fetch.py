"""``paperdeck fetch``: listings from a real HTTP server on 127.0.0.1 become sources, and only new ones.

The server (``fetch_server.py``) plays Hugging Face and arXiv from the recorded fixtures. The network policy is
the real one except that waiting is recorded instead of done (``sleeps``), so no test waits on a clock.
"""

from __future__ import annotations

import json
from datetime import date, datetime, timezone
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from fetch_server import FIXTURES, NOV_28, FixtureServer, cli_env, fetched_files, policy, server, sleeps  # noqa: F401 (fixtures)
from paperdeck.index import cli, cli_fetch, locations
from paperdeck.index.fetch import (Downloader, NetPolicy, build_query, day_period, fetch_arxiv, fetch_hf,
                                   missing_days, month_period, week_period)
from paperdeck.index.fetch.hf import iter_history
from paperdeck.index.fetch.http import USER_AGENT, parse_retry_after
from paperdeck.index.library import Library

AFTER_NOV_28 = datetime(2025, 11, 29, 6, 0, tzinfo=timezone.utc)


def test_since_until_adds_the_fixture_papers_and_a_second_run_fetches_nothing(
        cli_env: FixtureServer, capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["fetch", "hf", "--since", "2025-11-27", "--until", "2025-11-28"]) == 0
    out = capsys.readouterr().out
    assert "fetched  2025-11-27  (empty listing)" in out
    assert "fetched  2025-11-28  (5 papers, 5 new)" in out
    assert out.strip().endswith("2 fetched, 0 unchanged, 0 already fetched; 5 new papers; library: 461 papers")
    assert [p.parent.name + p.suffix for p in fetched_files()] == ["2025-11-27.empty", "2025-11-28.json"]
    with Library() as library:
        paper = library.get(json.loads(NOV_28.read_bytes())[0]["paper"]["id"])
        assert paper is not None and paper.upvotes is not None
    requests = len(cli_env.requests)

    assert cli.main(["fetch", "hf", "--since", "2025-11-27", "--until", "2025-11-28", "--json"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert [p["status"] for p in report["periods"]] == ["already fetched", "already fetched"]
    assert (report["fetched"], report["new_papers"], report["library_papers"]) == (0, 0, 461)
    assert len(cli_env.requests) == requests  # nothing was asked of the server


def test_requests_name_paperdeck_and_ask_for_the_day(cli_env: FixtureServer) -> None:
    assert cli.main(["fetch", "hf", "--date", "2025-11-28"]) == 0
    path, query, headers = cli_env.requests[0]
    assert path == "/api/daily_papers" and query["date"] == ["2025-11-28"] and query["limit"] == ["100"]
    assert headers["User-Agent"] == USER_AGENT
    assert USER_AGENT.startswith("paperdeck/") and USER_AGENT.split()[0] != "paperdeck/"


def test_refresh_fetches_a_finished_day_again_and_keeps_it_when_unchanged(
        cli_env: FixtureServer, capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["fetch", "hf", "--date", "2025-11-28"]) == 0
    assert cli.main(["fetch", "hf", "--date", "2025-11-28", "--refresh"]) == 0
    assert "unchanged  2025-11-28  (same as the last fetch)" in capsys.readouterr().out
    assert len(fetched_files()) == 1


def test_today_is_fetched_on_every_run_and_each_changed_listing_is_kept(
        server: FixtureServer, policy: NetPolicy, seeded_home: Path) -> None:
    items = json.loads(NOV_28.read_bytes())
    key = items[0]["paper"]["id"]
    morning = datetime(2025, 11, 28, 9, tzinfo=timezone.utc)
    with Library() as library, Downloader(policy) as downloader:
        first = fetch_hf([day_period(date(2025, 11, 28))], library, downloader, endpoint=server.url, now=morning)
        again = fetch_hf([day_period(date(2025, 11, 28))], library, downloader, endpoint=server.url,
                         now=morning.replace(hour=10))
        items[0]["paper"]["upvotes"] += 40
        server.days[("2025-11-28", "0")] = json.dumps(items).encode()
        later = fetch_hf([day_period(date(2025, 11, 28))], library, downloader, endpoint=server.url,
                         now=morning.replace(hour=18))
        paper = library.get(key)
    assert [r.status for r in first.results + again.results + later.results] == ["fetched", "unchanged", "fetched"]
    assert paper is not None and paper.upvotes == items[0]["paper"]["upvotes"]
    history = list(iter_history(date(2025, 11, 28)))
    assert [when.hour for when, _ in history] == [9, 18]  # two listings kept, with the time of each fetch


def test_a_day_fetched_while_open_is_fetched_once_more_after_it_ends(
        server: FixtureServer, policy: NetPolicy, seeded_home: Path) -> None:
    day = day_period(date(2025, 11, 28))
    with Library() as library, Downloader(policy) as downloader:
        statuses = [fetch_hf([day], library, downloader, endpoint=server.url, now=when).results[0].status
                    for when in (datetime(2025, 11, 28, 9, tzinfo=timezone.utc), AFTER_NOV_28, AFTER_NOV_28)]
    assert statuses == ["fetched", "unchanged", "already fetched"]
    assert missing_days(date(2025, 11, 29)) == [day_period(date(2025, 11, 29))]


def test_week_falls_back_to_days_when_the_server_has_no_week_listing(
        cli_env: FixtureServer, capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["fetch", "hf", "--week", "2025-W48", "--json"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert [p["period"] for p in report["periods"]] == [f"2025-11-{d}" for d in range(24, 31)]
    assert report["new_papers"] == 5
    asked = [q.get("week", q.get("date")) for _, q, _ in cli_env.requests]
    assert asked[0] == ["2025-W48"] and len(asked) == 8


def test_a_served_month_listing_is_one_file(cli_env: FixtureServer, capsys: pytest.CaptureFixture[str]) -> None:
    cli_env.periods[("month", "2025-11")] = NOV_28.read_bytes()
    assert cli.main(["fetch", "hf", "--month", "2025-11"]) == 0
    assert [p.relative_to(locations.fetched_sources_dir("hf")).parts[:2] for p in fetched_files()] == \
        [("month", "2025-11")]
    assert "5 new papers" in capsys.readouterr().out


def test_pages_are_joined_into_one_file(server: FixtureServer, policy: NetPolicy, seeded_home: Path) -> None:
    items = json.loads(NOV_28.read_bytes())
    many = [{**items[n % 5], "paper": {**items[n % 5]["paper"], "id": f"2511.{n:05d}"}} for n in range(130)]
    server.days[("2025-11-28", "0")] = json.dumps(many[:100]).encode()
    server.days[("2025-11-28", "1")] = json.dumps(many[100:]).encode()
    with Library() as library, Downloader(policy) as downloader:
        run = fetch_hf([day_period(date(2025, 11, 28))], library, downloader, endpoint=server.url, now=AFTER_NOV_28)
    assert run.results[0].papers == 130 and len(json.loads(fetched_files()[0].read_bytes())) == 130


def test_since_last_resumes_from_the_last_day_fetched(
        cli_env: FixtureServer, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setattr(cli_fetch, "utc_now", lambda: AFTER_NOV_28.replace(day=30))
    assert cli.main(["fetch", "hf", "--since", "last", "--json"]) == 0  # nothing fetched yet: today
    assert [p["period"] for p in json.loads(capsys.readouterr().out)["periods"]] == ["2025-11-30"]
    assert cli.main(["fetch", "hf", "--date", "2025-11-28"]) == 0
    capsys.readouterr()
    assert cli.main(["fetch", "hf", "--since", "last", "--json"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert [(p["period"], p["status"]) for p in report["periods"]] == [
        ("2025-11-28", "already fetched"), ("2025-11-29", "fetched"), ("2025-11-30", "fetched")]


@pytest.mark.parametrize("argv, message", [
    (["--date", "2025-13-01"], "expected a date as YYYY-MM-DD"),
    (["--week", "2025-48"], "expected a week as YYYY-Www"),
    (["--month", "2025-13"], "expected a month as YYYY-MM"),
    (["--since", "2025-11-28", "--until", "2025-11-01"], "is after --until"),
    (["--until", "2025-11-01"], "--until goes with --since"),
    (["--date", "2999-01-01"], "has not started yet"),
    (["--date", "2025-11-28", "--week", "2025-W48"], "not allowed with argument"),
])
def test_a_mistake_is_one_line_and_exit_2(cli_env: FixtureServer, capsys: pytest.CaptureFixture[str],
                                         argv: list[str], message: str) -> None:
    assert cli.main(["fetch", "hf", *argv]) == 2
    err = capsys.readouterr().err
    assert message in err and err.count("\n") == 1
    assert cli_env.requests == [] and fetched_files() == []


def test_an_endpoint_that_is_not_http_is_a_mistake(
        cli_env: FixtureServer, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setenv("HF_ENDPOINT", "file:///etc")
    assert cli.main(["fetch", "hf"]) == 2
    assert "HF_ENDPOINT must be an http(s) address" in capsys.readouterr().err


def test_arxiv_pages_are_kept_once_at_arxivs_pace(
        server: FixtureServer, seeded_home: Path) -> None:
    query = build_query("testing", [], None, date(2026, 1, 1))
    server.arxiv[(query, 0)] = (FIXTURES / "arxiv_atom_xml" / "arxivpy_2026_q_testing_s0_m100_cfe7536492ca.body.xml"
                                ).read_bytes()
    server.arxiv[(query, 100)] = (FIXTURES / "arxiv_atom_xml" / "xiv_2025_cat_cs.RO_neural_max2.xml").read_bytes()
    clock = [100.0]
    waits: list[float] = []
    policy = NetPolicy(pace=3.0, clock=lambda: clock[0], sleep=lambda s: (waits.append(s), clock.__setitem__(0, clock[0] + s)))
    endpoint = f"{server.url}/api/query"
    with Library() as library, Downloader(policy) as downloader:
        first = fetch_arxiv(query, library, downloader, max_results=150, endpoint=endpoint)
        second = fetch_arxiv(query, library, downloader, max_results=150, endpoint=endpoint)
    assert [(r.period, r.status, r.papers) for r in first.results] == [
        ("results 1-100", "fetched", 100), ("results 101-150", "fetched", 2)]
    assert [r.status for r in second.results] == ["unchanged", "unchanged"]
    assert waits == [3.0, 3.0, 3.0]  # one request every 3 s: the first goes at once
    assert len(fetched_files("arxiv")) == 2
    _, params, _ = server.requests[1]
    assert params["start"] == ["100"] and params["max_results"] == ["50"] and params["sortBy"] == ["submittedDate"]


def test_arxiv_cli_by_category_since_a_day(cli_env: FixtureServer, monkeypatch: pytest.MonkeyPatch,
                                           capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setattr(cli_fetch, "utc_now", lambda: datetime(2025, 10, 20, tzinfo=timezone.utc))
    query = "cat:cs.RO AND submittedDate:[202510010000 TO 202510202359]"
    cli_env.arxiv[(query, 0)] = (FIXTURES / "arxiv_atom_xml" / "xiv_2025_cat_cs.RO_neural_max2.xml").read_bytes()
    assert cli.main(["fetch", "arxiv", "--category", "cs.RO", "--since", "2025-10-01", "--max", "2"]) == 0
    assert "fetched  results 1-2  (2 papers, 2 new)" in capsys.readouterr().out


def test_arxivs_error_feed_is_one_line(cli_env: FixtureServer, capsys: pytest.CaptureFixture[str]) -> None:
    cli_env.arxiv[("all:x", 0)] = (
        b'<?xml version="1.0"?><feed xmlns="http://www.w3.org/2005/Atom"><entry>'
        b"<id>http://arxiv.org/api/errors#incorrect_id_format</id><title>Error</title>"
        b"<summary>incorrect \xc2\x9b31mid\n format</summary></entry></feed>")  # C1 CSI: valid XML
    assert cli.main(["fetch", "arxiv", "--query", "x"]) == 1
    err = capsys.readouterr().err
    assert err == "paperdeck: arXiv refused the query: incorrect id format; nothing changed\n"


def test_build_query_shapes() -> None:
    today = date(2025, 11, 30)
    assert build_query("ti:diffusion", [], None, today) == "ti:diffusion"
    assert build_query("sparse attention", ["cs.CL", "cs.LG"], date(2025, 11, 1), today) == (
        "all:(sparse attention) AND (cat:cs.CL OR cat:cs.LG) AND submittedDate:[202511010000 TO 202511302359]")
    with pytest.raises(ValueError, match="give --query or --category"):
        build_query("  ", [], None, today)
    with pytest.raises(ValueError, match="not an arXiv category"):
        build_query(None, ["cs.CL) OR (all:x"], None, today)


@given(st.text(max_size=40))
def test_retry_after_never_raises_and_is_never_negative(text: str) -> None:
    value = parse_retry_after(text)
    assert value is None or value >= 0


@given(st.dates(min_value=date(1990, 1, 1), max_value=date(2100, 12, 31)))
def test_week_and_month_labels_cover_their_day(day: date) -> None:
    year, week, _ = day.isocalendar()
    wk = week_period(f"{year}-W{week:02d}")
    mo = month_period(f"{day:%Y-%m}")
    assert wk.first is not None and wk.last is not None and wk.first <= day <= wk.last
    assert mo.first is not None and mo.last is not None and mo.first <= day <= mo.last
    assert (wk.last - wk.first).days == 6 and mo.first.day == 1 and 27 <= mo.last.day <= 30 + 1


@given(st.text(max_size=30), st.lists(st.text(max_size=12), max_size=3))
def test_build_query_accepts_or_refuses_with_a_reason(query: str, categories: list[str]) -> None:
    try:
        built = build_query(query, categories, None, date(2025, 1, 1))
    except ValueError as err:
        assert str(err)
    else:
        assert built and all(f"cat:{c}" in built for c in categories)



def test_trending_is_kept_at_each_fetch_that_differs(cli_env: FixtureServer,
                                                     capsys: pytest.CaptureFixture[str]) -> None:
    cli_env.periods[("trending", "")] = NOV_28.read_bytes()
    assert cli.main(["fetch", "hf", "--trending"]) == 0
    assert cli.main(["fetch", "hf", "--trending"]) == 0
    out = capsys.readouterr().out
    assert "fetched  trending  (5 papers, 5 new)" in out and "unchanged  trending  (same as the last fetch)" in out
    assert cli_env.requests[0][1] == {"sort": ["trending"]}
    assert [p.parent.name for p in fetched_files()] == ["trending"]
