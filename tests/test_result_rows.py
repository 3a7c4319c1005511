"""The result list's rows show untrusted text inertly, on exactly two terminal lines (hypothesis)."""

from __future__ import annotations

import unicodedata

from hypothesis import given, settings
from hypothesis import strategies as st

from paperdeck.index.models import Hit, Paper, Span
from paperdeck.tui.widgets.result_list import row_lines

HOSTILE = st.text(alphabet=st.characters(codec="utf-8"), max_size=80) | st.sampled_from(
    ["[bold]x[/]", "a[b", "[link=https://evil]x[/link]", "\x1b[31mred\x1b[0m", "line\nbreak", "\u202eevil", "$accent"])


def hit_for(title: str, author: str) -> Hit:
    paper = Paper(key="k", title=title, abstract="", url="https://example.org/k", authors=[author, "B"])
    return Hit(paper=paper, score=1.0, rank=1, title=Span(title, ((0, min(3, len(title))),) if title else ()),
               snippet=Span(""))


@settings(max_examples=300, deadline=None)
@given(title=HOSTILE, author=HOSTILE, bookmarked=st.booleans())
def test_a_row_is_two_inert_lines_whatever_the_text(title: str, author: str, bookmarked: bool) -> None:
    first, second = row_lines(hit_for(title, author), bookmarked)
    for line in (first, second):
        assert "\n" not in line.plain
        assert not any(unicodedata.category(ch) == "Cc" for ch in line.plain)
    if "[bold]" in title:  # markup is shown as typed, never applied
        assert "[bold]" in first.plain
    if author.startswith("[link=") and "\n" not in author:
        assert "[link=" in second.plain
    assert ("★ bookmarked" in second.plain) == bookmarked


async def test_a_new_answer_builds_only_the_rows_on_screen(seeded_home, monkeypatch) -> None:
    """The line API's point: showing 40 hits builds and draws the visible rows only. (An OptionList draws only
    visible lines too, but builds and measures every option's prompt on each answer.)"""
    from paperdeck.tui.testing import make_app, settle
    from paperdeck.tui.widgets import result_list
    from paperdeck.tui.widgets.result_list import ROW_HEIGHT, ResultList

    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        main = await settle(pilot)
        results = main.query_one(ResultList)
        built: list[str] = []
        original = result_list.row_lines

        def counting(hit, bookmarked):  # type: ignore[no-untyped-def]
            built.append(hit.paper.key)
            return original(hit, bookmarked)

        await pilot.press(*"learnin")
        await settle(pilot)
        monkeypatch.setattr(result_list, "row_lines", counting)
        await pilot.press("g")  # one new answer: "learning"
        main = await settle(pilot)
        visible_rows = results.scrollable_content_region.height // ROW_HEIGHT + 1
        shown = [hit.paper.key for hit in results.hits]
        assert main.results.total > 40 and len(shown) >= 40 > visible_rows
        assert built and set(built) <= set(shown[:visible_rows])  # rows below the fold were never built
