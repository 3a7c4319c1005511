"""Faults on the wire: each ends with the library unchanged (or correctly updated) and one line said.

The test server injects the fault for the next request(s); waiting between retries is recorded, not done.
"""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from fetch_server import (NOV_28_KEY, FixtureServer, cli_env, fetched_files, policy, server,  # noqa: F401 (fixtures)
                          sleeps)
from paperdeck.index import cli, cli_fetch, locations
from paperdeck.index.fetch import Downloader, NetPolicy, day_period, fetch_hf
from paperdeck.index.fetch.http import parse_retry_after
from paperdeck.index.library import Library

FETCH = ["fetch", "hf", "--date", "2025-11-28"]


def library_state() -> tuple[int, list[str]]:
    with Library() as library:
        return library.stats().papers, sorted(library.manifest.sources)


def one_error_line(capsys: pytest.CaptureFixture[str]) -> str:
    err = capsys.readouterr().err
    assert err.count("\n") == 1, err
    return err


def assert_updated() -> None:
    with Library() as library:
        assert library.get(NOV_28_KEY) is not None
        assert library.stats().papers == 461


@pytest.mark.parametrize("fault", ["429", "500", "cut"])
def test_a_passing_fault_is_retried_and_the_day_lands(cli_env: FixtureServer, sleeps: list[float],
                                                      capsys: pytest.CaptureFixture[str], fault: str) -> None:
    cli_env.faults.append(fault)
    assert cli.main(FETCH) == 0
    assert capsys.readouterr().err == ""
    assert sleeps == [7.0 if fault == "429" else 2.0]  # Retry-After honoured; otherwise the first backoff step
    assert len(cli_env.requests) == 2
    assert_updated()


@pytest.mark.parametrize("fault, message", [
    ("500", "2025-11-28: 127.0.0.1:{port} answered 500 Internal Server Error (gave up after 4 attempts)"),
    ("cut", "2025-11-28: the connection to 127.0.0.1:{port} broke off mid-response"),
])
def test_a_lasting_fault_changes_nothing(cli_env: FixtureServer, sleeps: list[float],
                                         capsys: pytest.CaptureFixture[str], fault: str, message: str) -> None:
    before = library_state()
    cli_env.faults.extend([fault] * 4)
    assert cli.main(FETCH) == 1
    err = one_error_line(capsys)
    assert err.startswith("paperdeck: " + message.format(port=cli_env.port)) and err.endswith("; nothing changed\n")
    assert sleeps == [2.0, 4.0, 8.0]
    assert library_state() == before and fetched_files() == []


def test_a_retry_after_beyond_patience_gives_up_at_once(cli_env: FixtureServer, policy: NetPolicy,
                                                         capsys: pytest.CaptureFixture[str]) -> None:
    policy.max_wait = 5.0
    cli_env.faults.append("429")
    assert cli.main(FETCH) == 1
    assert "the server asks to wait 7 s: try again later; nothing changed" in one_error_line(capsys)
    assert len(cli_env.requests) == 1 and fetched_files() == []


@pytest.mark.parametrize("fault, message", [
    ("invalid", "2025-11-28: 127.0.0.1:{port} sent something that is not JSON"),
    ("huge", "2025-11-28: the response from 127.0.0.1:{port} passed the 32 MiB cap: stopped reading"),
    ("redirect", "2025-11-28: 127.0.0.1:{port} redirected to another host (http://localhost:{port}): not followed"),
])
def test_a_bad_answer_is_refused_without_retrying(cli_env: FixtureServer, capsys: pytest.CaptureFixture[str],
                                                  fault: str, message: str) -> None:
    before = library_state()
    cli_env.faults.append(fault)
    assert cli.main(FETCH) == 1
    err = one_error_line(capsys)
    assert err.startswith("paperdeck: " + message.format(port=cli_env.port)) and err.endswith("; nothing changed\n")
    assert len(cli_env.requests) == 1  # nothing retried, nothing followed
    assert library_state() == before and fetched_files() == []


def test_a_slow_body_times_out(cli_env: FixtureServer, policy: NetPolicy,
                               capsys: pytest.CaptureFixture[str]) -> None:
    policy.read_timeout, policy.retries = 0.3, 0
    before = library_state()
    cli_env.faults.append("slow")
    assert cli.main(FETCH) == 1
    err = one_error_line(capsys)
    assert f"127.0.0.1:{cli_env.port} did not answer in time (ReadTimeout)" in err
    assert library_state() == before and fetched_files() == []
    cli_env.release.set()


def test_no_network_is_one_line(cli_env: FixtureServer, capsys: pytest.CaptureFixture[str]) -> None:
    before = library_state()
    cli_env.stop()  # nothing listens on that port any more
    assert cli.main(FETCH) == 1
    err = one_error_line(capsys)
    assert err.startswith(f"paperdeck: 2025-11-28: could not reach 127.0.0.1:{cli_env.port}: ")
    assert err.endswith("; nothing changed\n")
    assert library_state() == before and fetched_files() == []


def test_a_failure_after_a_good_day_keeps_the_good_day(cli_env: FixtureServer,
                                                        capsys: pytest.CaptureFixture[str]) -> None:
    cli_env.days[("2025-11-29", "0")] = b"not json"
    assert cli.main(["fetch", "hf", "--since", "2025-11-28", "--until", "2025-11-29"]) == 1
    err = one_error_line(capsys)
    assert err.endswith("; the 1 fetched before it were kept\n")
    assert_updated()
    assert [p.parent.name for p in fetched_files()] == ["2025-11-28"]


def test_interrupted_between_saving_and_adding_the_next_run_adds_the_file(
        cli_env: FixtureServer, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    before = library_state()
    real_add = Library.add

    def interrupted(self: Library, paths: Any, year: int | None = None) -> Any:
        raise KeyboardInterrupt

    monkeypatch.setattr(Library, "add", interrupted)
    assert cli.main(FETCH) == 130
    assert library_state() == before and len(fetched_files()) == 1  # the whole download is kept
    monkeypatch.setattr(Library, "add", real_add)
    capsys.readouterr()
    assert cli.main(FETCH + ["--json"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert [(p["status"], p["new_papers"]) for p in report["periods"]] == [("resumed", 5), ("already fetched", 0)]
    assert_updated()


def test_interrupted_mid_download_leaves_nothing(server: FixtureServer, seeded_home: Path) -> None:
    def interrupt(seconds: float) -> None:
        raise KeyboardInterrupt  # Ctrl-C while waiting to retry

    server.faults.append("500")
    with Library() as library, Downloader(NetPolicy(sleep=interrupt)) as downloader:
        before = library.stats().papers
        with pytest.raises(KeyboardInterrupt):
            fetch_hf([day_period(date(2025, 11, 28))], library, downloader, endpoint=server.url)
        assert library.stats().papers == before
    assert fetched_files() == []


def test_a_killed_runs_temporary_file_is_cleared_and_never_added(cli_env: FixtureServer) -> None:
    folder = locations.fetched_sources_dir("hf") / "day" / "2025-11-28"
    folder.mkdir(parents=True)
    leftover = folder / ".20251129T000000Z.json.abc123.tmp"
    leftover.write_bytes(b'[{"paper": {"id": "2511.9')
    assert cli.main(FETCH) == 0
    assert not leftover.exists()
    assert_updated()


def test_a_second_fetch_at_the_same_time_is_refused(cli_env: FixtureServer,
                                                     capsys: pytest.CaptureFixture[str]) -> None:
    from paperdeck.index.durable import file_lock

    lock = file_lock(locations.fetched_sources_dir("hf") / ".fetch.lock")
    with lock:
        assert cli.main(FETCH) == 1
    assert "another paperdeck fetch is writing" in one_error_line(capsys)


def test_retry_after_as_an_http_date() -> None:
    assert parse_retry_after("Wed, 21 Oct 2015 07:28:00 GMT") == 0.0  # in the past: no wait
    assert parse_retry_after("120") == 120.0
    assert parse_retry_after("soon") is None


def test_the_network_policy_of_the_cli_keeps_arxivs_pace() -> None:
    assert cli_fetch.net_policy("arxiv").pace == 3.0 and cli_fetch.net_policy("hf").pace == 0.0
