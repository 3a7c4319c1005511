"""The "unseen" captures: a listing of papers no other capture fixture uses, drawn with a card layout of its own
and saved with tools and options the main fixtures do not use (``fixtures/captures/unseen/make_unseen.py``).

Every paper must come back exactly (title, abstract, arXiv id, date, links) and nothing else; a copy that lost
its links (``lynx -nolist``, ``pandoc -t plain``, a reader view) cannot show the arXiv id, so there every paper
must be exact but for the id and the links made from it (keyed by title until another source brings the id).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from capture_scoring import api_papers, score

UNSEEN = Path(__file__).parent / "fixtures" / "captures" / "unseen"
API = Path(__file__).parent / "fixtures" / "hf_api_json" / "api_daily_papers_2024-12-12.json"
WITHOUT_LINKS = {"lynx_nolist.txt", "pandoc_plain.txt", "reader_view.txt"}
CAPTURES = sorted(path.name for path in UNSEEN.glob("listing_*"))


def test_the_unseen_set_is_all_there() -> None:
    assert len(CAPTURES) == 11


@pytest.mark.parametrize("name", CAPTURES)
def test_unseen_capture_gives_every_paper_exactly_and_no_junk(name: str) -> None:
    want = api_papers(API, drop=("projectPage",))  # the listing's cards do not show project pages
    found = score(UNSEEN / name, want)
    assert not found.rejected
    assert found.junk == 0, found.misses
    if name.split(".", 1)[1] in WITHOUT_LINKS:
        assert (found.exact, found.exact_but_id) == (0, len(want)), found.misses
    else:
        assert found.exact == len(want), found.misses
