"""Pilot tests of the filter panes: labelled timeline, page labels, narrowing a long facet by typing."""

from __future__ import annotations

from textual.widgets import Input, Sparkline

from paperdeck.tui.widgets.filter_pane import FacetList
from paperdeck.tui.testing import make_app, settle

SIZE = (120, 40)


def prompts(facet_list: FacetList) -> list[str]:
    return [facet_list.get_option_at_index(i).prompt.plain for i in range(facet_list.option_count)]


async def test_the_timeline_is_labelled_and_empty_when_nothing_matches(seeded_home) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        main = await settle(pilot)
        dated = sorted(v for v, _ in main.results.facets["listed"] if v != "undated")
        assert main.query_one("#timeline", Sparkline).display
        assert str(main.query_one("#timeline-start").render()) != ""
        await pilot.press(*"zzzz")
        main = await settle(pilot)
        assert not main.query_one("#timeline", Sparkline).display
        assert "no dated papers match" in str(main.query_one("#timeline-title").render())
        assert dated  # the seeds are dated, so the labelled case above was a real one


async def test_source_pages_are_labelled_by_listing_date_and_a_short_name(seeded_home) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        main = await settle(pilot)
        shown = prompts(main.query_one("#facet-source", FacetList))
        assert len(shown) == 5
        assert all("·" in p and "…" in p and ".txt" not in p for p in shown), shown


async def test_typing_narrows_a_long_facet(seeded_home) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        main = await settle(pilot)
        hosts = main.query_one("#facet-host", FacetList)
        before = prompts(hosts)
        hosts.narrow("git")
        await pilot.pause()
        after = prompts(hosts)
        assert after and len(after) < len(before) and all("git" in p for p in after)
        hosts.narrow("")
        await pilot.pause()
        assert prompts(hosts) == before
        author_box = main.query_one("#narrow-author", Input)
        assert author_box.display == (len(main.results.facets.get("author", ())) > 8)
