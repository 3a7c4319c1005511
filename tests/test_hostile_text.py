"""Untrusted text is shown literally everywhere: markup stays text, control characters never reach the screen."""

from __future__ import annotations

import html
import re

from hypothesis import given, settings
from hypothesis import strategies as st
from textual.widgets import Input

from paperdeck.index.bookmarks import BookmarkStore
from paperdeck.index.clean import strip_control
from paperdeck.index.library import Library
from paperdeck.index.models import Span
from paperdeck.tui.widgets.render import highlighted, plain
from paperdeck.tui.testing import make_app, settle

ABSTRACT = ("We show [red]colour[/red] and [/] closing tags, a[b brackets, [link=https://evil.example]a link[/link] "
            "and an OSC \x1b]8;;https://evil.example\x07hyperlink\x1b]8;;\x07 plus \x1b[2J a clear-screen. "
            "Results hold across many benchmarks and datasets in our experiments with zanzibarian models.")
HOSTILE_TITLES = [
    "[bold]Loud[/] Zanzibarian Title a[b",
    "Escape \x1b[31mRed\x1b[0m Zanzibarian Title \u202eevil",
    "[link=https://evil.example]Click[/link] Zanzibarian [on red]here",
]


def screen_text(app) -> str:
    """The screen as lines of text, rebuilt from the SVG screenshot (one <text> element per styled run)."""
    lines: dict[float, list[tuple[float, str]]] = {}
    for x, y, run in re.findall(r'<text[^>]* x="([\d.]+)" y="([\d.]+)"[^>]*>([^<]*)</text>', app.export_screenshot()):
        lines.setdefault(float(y), []).append((float(x), html.unescape(run).replace("\xa0", " ")))
    return "\n".join("".join(run for _, run in sorted(runs)) for _, runs in sorted(lines.items()))


async def test_hostile_corpus_in_every_widget(isolated_home, tmp_path) -> None:
    source = tmp_path / "[bold]evil[-] page.txt"
    source.write_text("Mar 3\n\n" + "".join(f"{t}\n\n{ABSTRACT}\n\n" for t in HOSTILE_TITLES), encoding="utf-8")
    with Library() as library:
        [report] = library.add([source])
        assert report.papers == 3
        key = library.search("loud").hits[0].paper.key
        paper = library.get(key)
    BookmarkStore().add_paper(paper, tags=["[b]tag", "x[/]"], note="a note with [bold]markup[/] \x1b[31m")

    app = make_app()
    async with app.run_test(size=(160, 50)) as pilot:
        await settle(pilot)
        await pilot.press(*"zanzibarian")
        main = await settle(pilot)
        assert main.results.total == 3
        await pilot.press("escape", "enter")
        await settle(pilot)
        text = screen_text(app)
        assert "[bold]Loud[/] Zanzibarian Title a[b" in text            # result list and reader title
        assert "Escape Red Zanzibarian Title evil" in text               # escapes and bidi override removed
        assert "[link=https://evil.example]Click[/link]" in text
        for fragment in ("[red]colour[/red] and [/] closing tags, a[b", "[link=https://evil.example]a link[/link]"):
            assert fragment in text  # the reader's abstract (wrapped, so checked piece by piece)
        assert "[bold]evil[-] page.txt" in text                           # facet pane and reader meta
        assert "tags: [b]tag, x[/]" in text and "a note with [bold]markup[/]" in text
        assert "\x1b" not in text and "\u202e" not in text and "\x07" not in text

        main.query_one("#search", Input).value = "[bold]nothing[/] a[b"
        await settle(pilot)
        assert "No papers match [bold]nothing[/] a[b" in screen_text(app)  # the query echoed literally
        await pilot.press("escape", "question_mark")  # the help screen renders too
        await pilot.pause()


control = st.characters(min_codepoint=0, max_codepoint=0x9F)
hostile_text = st.text(alphabet=st.one_of(control, st.sampled_from(list("[]/=\\$@\u202e\u200b\u2066\ufeff")),
                                          st.characters()), max_size=200)


@settings(max_examples=300, deadline=None)
@given(hostile_text)
def test_plain_content_is_literal_and_free_of_controls(text: str) -> None:
    content = plain(text)
    assert not any(ord(c) < 32 or 0x7F <= ord(c) <= 0x9F for c in content.plain)
    assert "\u202e" not in content.plain and "\u200b" not in content.plain
    for bracket in "[]":
        # Nothing is parsed away as markup: only whole escape sequences ("\x1b[31m", "\x9b[") lose brackets.
        assert content.plain.count(bracket) == strip_control(text).count(bracket)


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.characters(min_codepoint=32, max_codepoint=0x7E), min_size=1, max_size=120),
       st.data())
def test_highlighted_spans_keep_the_text_and_style_only_the_matches(text: str, data) -> None:
    cuts = sorted(data.draw(st.lists(st.integers(0, len(text)), max_size=6, unique=True)))
    matches = tuple((cuts[i], cuts[i + 1]) for i in range(0, len(cuts) - 1, 2) if cuts[i] < cuts[i + 1])
    content = highlighted(Span(text, matches), ellipsis=False)
    assert content.plain == text
    styled = [(s.start, s.end) for s in content.spans]
    assert styled == list(matches)
