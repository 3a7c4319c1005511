"""Huge inputs stay within bounded memory, are cut where they would slow everything down, and the app shows
them. How long parsing takes is the benchmark's business (``python -m paperdeck.index.benchmark``), not a
wall-clock limit in a test."""

from __future__ import annotations

import tracemalloc

import pytest

from paperdeck.index.library import Library
from paperdeck.index.sources import parse_source
from paperdeck.index.sources.daily_page import MAX_ABSTRACT_CHARS
from paperdeck.tui.testing import make_app, settle
from paperdeck.tui.widgets.reader import Reader

pytestmark = pytest.mark.slow

ABSTRACT = ("We study a problem in depth. Our method improves results by a wide margin on many benchmarks and "
            "datasets. It is simple to implement and fast to run on commodity hardware at any scale. ") * 8


def test_a_50_mb_dump_parses_in_bounded_memory() -> None:
    block = "".join(f"Generated Paper Title {i}\n\n{ABSTRACT}\n\n" for i in range(1000)).encode()
    data = block * 34  # 34 copies of 1,000 distinct papers: ~51 MB
    assert len(data) > 50_000_000
    tracemalloc.start()
    result = parse_source(data, "huge.txt")
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    assert len(result.papers) == 1000  # repeats merged into one record each
    assert peak < 8 * len(data)  # a few copies of the input, not a blow-up


def test_a_1_mb_abstract_is_cut_with_a_warning_and_a_10k_title_line_is_not_a_title() -> None:
    huge = ("word " * 210_000).strip() + "."
    result = parse_source(f"A Title\n\n{huge}\n\n{'x' * 10_000}\n\nNext Title\n\n{ABSTRACT}\n".encode(), "big.txt")
    assert [p.title for p in result.papers] == ["A Title", "Next Title"]
    assert len(result.papers[0].abstract) <= MAX_ABSTRACT_CHARS + 2
    messages = [str(w) for w in result.warnings]
    assert "big.txt:1: abstract of 1,050,000 characters cut to 20,000" in messages
    assert "big.txt:5: paragraph with no title before it: skipped" in messages


async def test_the_app_shows_a_huge_abstract_without_freezing(isolated_home, tmp_path) -> None:
    source = tmp_path / "huge.txt"
    source.write_text(f"Gigantic Zyxwv Title\n\n{'zyxwv lorem ipsum dolor ' * 40_000}.\n")
    with Library() as library:
        library.add([source])
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press(*"zyxwv")
        main = await settle(pilot)
        await pilot.press("escape", "enter")
        await settle(pilot)
        await pilot.press("n", "n", "N", "end", "home")
        await pilot.pause()
        assert main.query_one(Reader).paper.title == "Gigantic Zyxwv Title"
