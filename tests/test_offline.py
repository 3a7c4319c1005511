"""Only ``paperdeck fetch`` touches the network: search, add, rebuild, stats and the app never open a socket.

How: an audit hook (``sys.addaudithook``) sees every socket the interpreter creates, connects or resolves, from
any library. While the guard is on, an internet socket (IPv4/IPv6), a connect or a name lookup raises and is
recorded. Local socket pairs (asyncio's wake-up pipe) stay allowed: they never leave the process. A control test
shows the guard does catch a fetch, so the other tests cannot pass by not looking.
"""

from __future__ import annotations

import socket
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest

from fetch_server import FixtureServer, cli_env, policy, server, sleeps  # noqa: F401 (fixtures)
from paperdeck.index import cli
from paperdeck.tui.testing import make_app, settle

_SEEN: list[str] = []
_ON = [False]
_NETWORK_FAMILIES = {socket.AF_INET, socket.AF_INET6}


def _audit(event: str, args: tuple[Any, ...]) -> None:
    if not _ON[0]:
        return
    if event == "socket.__new__" and args[1] in _NETWORK_FAMILIES or event in ("socket.connect",
                                                                                "socket.getaddrinfo"):
        _SEEN.append(event)
        raise OSError(f"network use while offline: {event}")


sys.addaudithook(_audit)  # cannot be removed; inert while the guard is off


@contextmanager
def no_network() -> Iterator[list[str]]:
    _SEEN.clear()
    _ON[0] = True
    try:
        yield _SEEN
    finally:
        _ON[0] = False


def test_search_add_rebuild_and_stats_never_open_a_socket(seeded_home: Path, tmp_path: Path,
                                                           capsys: pytest.CaptureFixture[str]) -> None:
    page = tmp_path / "page.json"
    page.write_bytes((Path(__file__).parent / "fixtures" / "hf_api_json" / "api_daily_papers_2025-11-28.json"
                      ).read_bytes())
    with no_network() as seen:
        codes = [cli.main(["add", str(page)]), cli.main(["search", "attention", "--json"]),
                 cli.main(["rebuild"]), cli.main(["stats"]), cli.main(["remove", str(page)])]
    assert codes == [0, 0, 0, 0, 0] and seen == []
    assert "paperdeck:" not in capsys.readouterr().err


async def test_the_app_never_opens_a_socket(seeded_home: Path) -> None:
    with no_network() as seen:
        app = make_app()
        async with app.run_test(size=(120, 40)) as pilot:
            main = await settle(pilot)
            await pilot.press("slash", *"pruning")
            await settle(pilot)
            assert main.results is not None and main.results.total > 0
    assert seen == []


def test_the_guard_catches_a_fetch(cli_env: FixtureServer, capsys: pytest.CaptureFixture[str]) -> None:
    with no_network() as seen:
        assert cli.main(["fetch", "hf", "--date", "2025-11-28"]) == 1
    assert seen and "network use while offline" in capsys.readouterr().err
    assert cli_env.requests == []
