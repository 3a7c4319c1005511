"""The palette's "Fetch today's papers": a worker fetches the missing days and the new papers show up."""

from __future__ import annotations

import json
from datetime import datetime, timezone
from pathlib import Path

import pytest
from textual.widgets import Input

from fetch_server import NOV_28, FixtureServer, server  # noqa: F401 (fixtures)
from paperdeck.tui import fetch_today
from paperdeck.tui.messages import IndexingProgressed, LibraryChanged
from paperdeck.tui.testing import make_app, settle

SIZE = (120, 40)


@pytest.fixture
def hf_server(server: FixtureServer, monkeypatch: pytest.MonkeyPatch) -> FixtureServer:
    """Today's listing (UTC) is the 2025-11-28 fixture with one new title nobody has seen before."""
    items = json.loads(NOV_28.read_bytes())
    items[0]["paper"]["title"] = items[0]["title"] = "Quokkas Fetched Over The Wire"
    today = datetime.now(timezone.utc).date().isoformat()
    server.days[(today, "0")] = json.dumps(items).encode()
    monkeypatch.setenv("HF_ENDPOINT", server.url)
    return server


async def test_fetch_from_the_palette_shows_progress_and_the_new_papers(
        seeded_home: Path, hf_server: FixtureServer, monkeypatch: pytest.MonkeyPatch) -> None:
    posted: list[object] = []
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        main = await settle(pilot)
        real_post = main.post_message
        monkeypatch.setattr(main, "post_message", lambda m: (posted.append(m), real_post(m))[1])
        assert "Fetch today's papers" in {c.title for c in app.get_system_commands(app.screen)}
        fetch_today.start_fetch(main)
        await app.workers.wait_for_complete()
        await settle(pilot)
        await pilot.press("slash")
        main.query_one("#search", Input).value = ""
        await pilot.press(*"quokkas")
        await settle(pilot)
        assert main.results is not None
        assert [hit.paper.title for hit in main.results.hits] == ["Quokkas Fetched Over The Wire"]
    progress = [m for m in posted if isinstance(m, IndexingProgressed)]
    assert progress[0].done == 0 and progress[-1].done == progress[-1].total >= 1
    summary = [m.summary for m in posted if isinstance(m, LibraryChanged)]
    assert summary == ["Fetched 1 listing(s) from Hugging Face: 5 new papers."]


async def test_a_failed_fetch_is_said_and_changes_nothing(
        seeded_home: Path, hf_server: FixtureServer, monkeypatch: pytest.MonkeyPatch) -> None:
    hf_server.faults.append("invalid")
    posted: list[object] = []
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        main = await settle(pilot)
        papers = main.library.stats().papers
        real_post = main.post_message
        monkeypatch.setattr(main, "post_message", lambda m: (posted.append(m), real_post(m))[1])
        fetch_today.start_fetch(main)
        await app.workers.wait_for_complete()
        await settle(pilot)
        assert main.library.stats().papers == papers
    summary = [m.summary for m in posted if isinstance(m, LibraryChanged)]
    assert len(summary) == 1 and summary[0].startswith("Fetched 0 listing(s)")
    assert "sent something that is not JSON" in summary[0] and summary[0].endswith("; nothing changed.")
    assert len(hf_server.requests) == 1
