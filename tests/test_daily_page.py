"""Parsing saved Daily Papers pages: the seeds, the layouts they come in, and bad input."""

from __future__ import annotations

import pytest

from conftest import SEED_COUNTS, SEEDS, UNIQUE_SEED_PAPERS
from paperdeck.index.models import SourceRejected
from paperdeck.index.sources import parse_source
from paperdeck.index.sources.daily_page import CHROME_LINES

ABSTRACT = ("We study a problem. Our method improves results by a wide margin on many benchmarks and "
            "datasets. Code is at https://github.com/org/repo. More at the project page https://proj.github.io/x/.")


def parse_text(text: str, name: str = "page.txt"):
    return parse_source(text.encode("utf-8"), name)


@pytest.mark.parametrize("name,count", sorted(SEED_COUNTS.items()))
def test_each_seed_file_yields_its_papers(name: str, count: int) -> None:
    result = parse_source((SEEDS / name).read_bytes(), name)
    assert len(result.papers) == count
    assert result.warnings == []


def test_seeds_overall_unique_papers_and_cross_page_dedup() -> None:
    by_key: dict[str, list[str]] = {}
    for path in sorted(SEEDS.glob("*.txt")):
        for paper in parse_source(path.read_bytes(), path.name).papers:
            by_key.setdefault(paper.key, []).append(path.name)
    assert len(by_key) == UNIQUE_SEED_PAPERS
    shared = {k: v for k, v in by_key.items() if len(v) > 1}
    # "Compressing Features for Learning with Noisy Labels" is listed on pages 000, 002 and 003.
    assert by_key["compressing-features-for-learning-with-noisy-labels"] == [
        "000_60c9915acdce8430.txt", "002_76e8db34f89bd5b9.txt", "003_171782c9c99b4678.txt"]
    assert sum(len(v) for v in by_key.values()) == sum(SEED_COUNTS.values())
    assert len(shared) > 10


def test_no_page_chrome_leaks_into_titles_or_abstracts() -> None:
    for path in SEEDS.glob("*.txt"):
        for paper in parse_source(path.read_bytes(), path.name).papers:
            assert paper.title.casefold() not in CHROME_LINES
            assert not paper.title.startswith("Subscribe")
            assert "Get trending papers" not in paper.title + paper.abstract
            assert len(paper.abstract) > len(paper.title)


def test_glued_subscribe_and_missing_blank_lines() -> None:
    result = parse_source((SEEDS / "004_9444e382372ba2c9.txt").read_bytes(), "004.txt")
    assert result.papers[0].title == "Pretraining Language Models with Human Preferences"
    assert result.papers[0].abstract.startswith("Language models (LMs) are pretrained")
    assert result.papers[0].pages[0].listed is None  # that capture has no date line


def test_listing_date_is_month_and_day_unless_a_year_is_given() -> None:
    text = "Daily Papers\n\nAug 1\n\nA Title\n\n" + ABSTRACT + "\n"
    assert parse_text(text).papers[0].pages[0].listed == "08-01"
    with_year = parse_source(text.encode(), "p.txt", year=2024)
    assert with_year.papers[0].pages[0].listed == "2024-08-01"


def test_links_found_without_trailing_punctuation_and_classified() -> None:
    paper = parse_text("Title Here\n" + ABSTRACT + "\n").papers[0]
    assert [(link.url, link.kind) for link in paper.links] == [
        ("https://github.com/org/repo", "code"), ("https://proj.github.io/x/", "project")]
    assert paper.code_urls == ["https://github.com/org/repo"]


def test_seed_links_never_end_in_punctuation() -> None:
    urls = [link.url for path in SEEDS.glob("*.txt")
            for paper in parse_source(path.read_bytes(), path.name).papers for link in paper.links]
    assert len(urls) > 100
    assert not [u for u in urls if u[-1] in ".,;:)"]


def test_key_is_a_stable_title_slug_and_url_searches_hf_papers() -> None:
    paper = parse_text("$R^2$-Tuning: Efficient Transfer\n" + ABSTRACT).papers[0]
    assert paper.key == "r-2-tuning-efficient-transfer"
    assert paper.url == "https://huggingface.co/papers?q=%24R%5E2%24-Tuning%3A%20Efficient%20Transfer"
    again = parse_text("  $R^2$-TUNING:   efficient transfer \r\n" + ABSTRACT).papers[0]
    assert again.key == paper.key


def test_crlf_bom_tabs_and_trailing_spaces() -> None:
    text = "\ufeffnew\r\nSubscribe\r\n\r\nMar 12\r\n\r\nA\tTabbed   Title   \r\n\r\n" + ABSTRACT + "  \r\n"
    result = parse_source(text.encode("utf-8"), "crlf.txt")
    assert [p.title for p in result.papers] == ["A Tabbed Title"]
    assert result.papers[0].abstract == ABSTRACT


def test_title_with_no_abstract_is_reported_with_its_line_and_the_rest_loads() -> None:
    text = f"First Paper\n\n{ABSTRACT}\n\nOrphan Title\n\nThird Paper\n\n{ABSTRACT}\n"
    result = parse_text(text, "gap.txt")
    assert [p.title for p in result.papers] == ["First Paper", "Third Paper"]
    assert [str(w) for w in result.warnings] == ["gap.txt:5: title with no abstract: 'Orphan Title' skipped"]


def test_paragraph_without_title_is_reported() -> None:
    result = parse_text(f"{ABSTRACT}\n\nA Title\n\n{ABSTRACT}\n", "x.txt")
    assert len(result.papers) == 1
    assert "x.txt:1: paragraph with no title" in str(result.warnings[0])


def test_wrapped_abstract_paragraph_is_joined() -> None:
    text = "A Title\n\nFirst half of the abstract, which was wrapped by an editor. It goes on for a while\n" \
           "and then continues here. Another sentence follows.\n\nSecond Title\n\n" + ABSTRACT + "\n"
    papers = parse_text(text).papers
    assert papers[0].abstract.endswith("and then continues here. Another sentence follows.")
    assert papers[1].title == "Second Title"


def test_non_utf8_bytes_are_replaced_with_a_warning_naming_the_line() -> None:
    data = b"A Title\n\n" + ABSTRACT.encode() + b"\n\nCaf\xe9 Title\n\n" + ABSTRACT.encode() + b"\n"
    result = parse_source(data, "latin1.txt")
    assert [p.title for p in result.papers] == ["A Title", "Caf\ufffd Title"]
    assert str(result.warnings[0]) == "latin1.txt:5: not valid UTF-8: 1 byte(s) replaced with U+FFFD"


@pytest.mark.parametrize("data,reason", [
    (b"", "empty file"),
    (b"  \n\n \r\n", "empty file"),
    (b"<!DOCTYPE html>\n<html><head><title>Daily Papers</title></head><body></body></html>",
     "looks like an HTML page, but no paper entries were recognised"),
    (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)), "binary file"),
])
def test_unusable_files_are_rejected_as_a_whole(data: bytes, reason: str) -> None:
    with pytest.raises(SourceRejected) as info:
        parse_source(data, "bad.file")
    assert info.value.reason.startswith(reason)
    assert str(info.value).startswith("bad.file: ")


def test_control_characters_and_escapes_never_reach_records() -> None:
    text = "Evil \x1b[31mRed\x1b[0m Title\u202e\n\n" + ABSTRACT.replace("We study", "We \x07study\x9b2J") + "\n"
    paper = parse_text(text).papers[0]
    assert paper.title == "Evil Red Title"
    assert "\x1b" not in paper.abstract and "\x07" not in paper.abstract and "\x9b" not in paper.abstract


def test_markup_in_titles_is_kept_literally() -> None:
    paper = parse_text("[bold]Loud[/] a[b [link=http://x]y[/link]\n\n" + ABSTRACT).papers[0]
    assert paper.title == "[bold]Loud[/] a[b [link=http://x]y[/link]"


def test_a_short_wrapped_block_after_a_title_is_its_abstract() -> None:
    """Two short lines that would not read as prose on their own are still the abstract: a block of several
    lines after a title is never a title."""
    text = f"A Title\n\nShort first line\nand a short second\n\nSecond Title\n\n{ABSTRACT}\n"
    result = parse_text(text, "short.txt")
    assert [(p.title, p.abstract) for p in result.papers] == [
        ("A Title", "Short first line and a short second"), ("Second Title", ABSTRACT)]
    assert result.warnings == []


@pytest.mark.parametrize("longer_first", [True, False])
def test_a_paper_listed_twice_on_a_page_keeps_the_longer_abstract(longer_first: bool) -> None:
    longer = ABSTRACT + " It adds one more sentence at the end."
    first, second = (longer, ABSTRACT) if longer_first else (ABSTRACT, longer)
    papers = parse_text(f"Twice Listed\n\n{first}\n\nTwice Listed\n\n{second}\n").papers
    assert [(p.title, p.abstract) for p in papers] == [("Twice Listed", longer)]


def test_long_title_ending_in_a_stop_is_a_title_where_blank_lines_alternate() -> None:
    """A 12+ word title ending in "." or "!" has the shape of a one-sentence abstract; the layout says otherwise."""
    long_title = "Riddle Me This! Stealthy Membership Inference for Retrieval-Augmented Generation Made Simple."
    text = f"Daily Papers\n\nFirst Paper\n\n{ABSTRACT}\n\n{long_title}\n\n{ABSTRACT}\n"
    result = parse_text(text)
    assert [p.title for p in result.papers] == ["First Paper", long_title]
    assert result.warnings == []


@pytest.mark.parametrize("text,url", [
    ("Our source code is available athttps://github.com/zyxElsa/ProSpect.", "https://github.com/zyxElsa/ProSpect"),
    ("available at https://github.com/kleinzcy/Cr-KD-NCD{here}.", "https://github.com/kleinzcy/Cr-KD-NCD"),
    ("code: \\url{https://github.com/a/b}\\url{https://b.org/x}", "https://github.com/a/b"),
])
def test_code_links_survive_latex_residue(text: str, url: str) -> None:
    from paperdeck.index.links import extract_links

    links = extract_links(text)
    assert links[0].url == url and links[0].kind == "code"
    assert all("{" not in link.url and "\\" not in link.url and link.url.count("://") == 1 for link in links)


def test_seed_code_link_glued_to_at_is_found() -> None:
    papers = parse_source((SEEDS / "000_60c9915acdce8430.txt").read_bytes(), "000.txt").papers
    assert any("https://github.com/zyxElsa/ProSpect" in p.code_urls for p in papers)
