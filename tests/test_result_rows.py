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
