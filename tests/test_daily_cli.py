"""The daily loop from the command line: watches with unread counts, the digest (Atom read back by feedparser),
``--exclude``, ``tag:`` and the Tag facet, tag renames, trending, and citation exports read back by real parsers
(bibtexparser, rispy, citeproc-py)."""

from __future__ import annotations

import json
from pathlib import Path

import bibtexparser
import feedparser
import pytest
import rispy
from citeproc import Citation, CitationItem, CitationStylesBibliography, CitationStylesStyle, formatter
from citeproc.source.json import CiteProcJSON

from daily_helpers import hf_item, write_hf
from paperdeck.index.bookmarks import Bookmark
from paperdeck.index.cli import main
from paperdeck.index.citations import bibtex_keys
from paperdeck.index.export import export_bookmarks


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def keys_of(capsys, *argv: str) -> list[str]:
    code, out, _ = run(capsys, "search", *argv, "--limit", "500", "--json")
    assert code == 0
    return [hit["key"] for hit in json.loads(out)]


def test_watch_add_list_counts_unread_and_remove(seeded_home: Path, capsys) -> None:
    assert run(capsys, "watch", "add", "sparse", "sparse", "attention", "--exclude", "has_code=yes")[0] == 0
    matching = keys_of(capsys, "sparse attention", "--exclude", "has_code=yes")
    assert matching
    code, out, _ = run(capsys, "watch", "list", "--json")
    [row] = json.loads(out)
    assert (row["name"], row["query"], row["exclude"]) == ("sparse", "sparse attention", ["has_code=yes"])
    assert row["total"] == row["unread"] == len(matching)
    from paperdeck.index.readstate import ReadState
    ReadState().mark_read(matching[:2])
    ReadState().dismiss(matching[2:3])
    _, out, _ = run(capsys, "watch", "list", "--json")
    assert json.loads(out)[0]["unread"] == len(matching) - 3
    code, out, _ = run(capsys, "watch", "list")
    assert f"{len(matching) - 3} unread" in out and "sparse attention -has_code=yes" in out
    code, out, _ = run(capsys, "watch", "export", "sparse", "ris")
    assert code == 0 and len(rispy.loads(out)) == len(matching)
    assert run(capsys, "watch", "remove", "sparse")[0] == 0
    code, _, err = run(capsys, "watch", "remove", "sparse")
    assert code == 1 and "no watch named 'sparse'" in err
    code, _, err = run(capsys, "watch", "add", "x", "q", "--filter", "colour=red")
    assert code == 2 and err.count("\n") == 1 and "unknown filter field 'colour'" in err


def test_the_watch_file_is_readable_json_and_a_broken_one_is_kept_aside(seeded_home: Path, capsys) -> None:
    run(capsys, "watch", "add", "one", "pruning", "--filter", "has_code=yes")
    run(capsys, "watch", "add", "two", "quantization")
    path = seeded_home / "data" / "watches.json"
    data = json.loads(path.read_text(encoding="utf-8"))
    assert [w["name"] for w in data["watches"]] == ["one", "two"]
    assert data["watches"][0]["filters"] == ["has_code=yes"]
    path.write_text('{"watches": [{"name": "hand edited", "filters": ["nonsense"]}]}', encoding="utf-8")
    code, out, err = run(capsys, "watch", "list", "--json")
    assert code == 0 and "restored the backup" in err
    assert [w["name"] for w in json.loads(out)] == ["one"]  # the backup: the state before the last save
    assert list(path.parent.glob("watches.json.corrupt-*"))


def test_exclude_a_facet_value_and_not_still_works(seeded_home: Path, capsys) -> None:
    everything = set(keys_of(capsys, "attention"))
    with_code = set(keys_of(capsys, "attention", "--filter", "has_code=yes"))
    without = set(keys_of(capsys, "attention", "--exclude", "has_code=yes"))
    assert with_code and without and without == everything - with_code
    assert set(keys_of(capsys, "attention NOT language")) < everything
    code, _, err = run(capsys, "search", "x", "--exclude", "has_code")
    assert code == 2 and "--exclude expects FIELD=VALUE" in err


def test_tag_search_facet_and_rename(seeded_home: Path, capsys) -> None:
    first, second, third = keys_of(capsys, "attention")[:3]
    run(capsys, "bookmarks", "add", first, "--tag", "to-read")
    run(capsys, "bookmarks", "add", second, "--tag", "to-read", "--tag", "survey")
    run(capsys, "bookmarks", "add", third, "--tag", "to read")
    assert set(keys_of(capsys, "tag:to-read")) == {first, second}
    assert keys_of(capsys, 'tag:"to read"') == [third]
    assert keys_of(capsys, "tag:TO-READ NOT tag:survey") == [first]
    assert keys_of(capsys, "tag:nothing-like-this") == []
    code, out, err = run(capsys, "search", "tag:to-read", "--facets")
    assert "tag: to-read (2), survey (1)" in out and "unknown field" not in err
    code, out, _ = run(capsys, "bookmarks", "tag-rename", "to-read", "survey")
    assert code == 0 and "on 2 bookmarks" in out
    assert set(keys_of(capsys, "tag:survey")) == {first, second} and keys_of(capsys, "tag:to-read") == []
    _, out, _ = run(capsys, "bookmarks", "list", "--json")
    assert [b["tags"] for b in json.loads(out) if b["key"] == second] == [["survey"]]  # merged, not doubled


def test_digest_atom_parses_and_since_last_is_remembered_per_output(seeded_home: Path, tmp_path: Path,
                                                                     capsys) -> None:
    run(capsys, "watch", "add", "gardens", "gardening")
    feed_path = tmp_path / "feed.xml"
    assert run(capsys, "digest", "--format", "atom", "--output", str(feed_path))[0] == 0
    first = feedparser.parse(feed_path.read_text(encoding="utf-8"))
    assert first.bozo == 0 and len(first.entries) == 200  # every seed is new on the first run (limit 200)
    assert run(capsys, "digest", "--format", "atom", "--output", str(feed_path))[0] == 0
    assert feedparser.parse(str(feed_path)).entries == []  # nothing new since the last run to this file
    day = write_hf(tmp_path / "in" / "day.json", [
        hf_item("2611.00001", "Quantum Gardening <b>bold</b> & more"), hf_item("2611.00002", "Tidal Compilers")])
    assert run(capsys, "add", str(day))[0] == 0
    assert run(capsys, "digest", "--format", "atom", "--output", str(feed_path))[0] == 0
    feed = feedparser.parse(str(feed_path))
    assert feed.bozo == 0 and feed.feed.title == "paperdeck digest"
    by_group: dict[str, list[str]] = {}
    for entry in feed.entries:
        by_group.setdefault(entry.tags[0].term, []).append(entry.title)
    assert by_group == {"gardens": ["Quantum Gardening <b>bold</b> & more"],
                        "All new papers": ["Quantum Gardening <b>bold</b> & more", "Tidal Compilers"]}
    assert all(entry.link.startswith("https://arxiv.org/abs/2611.0000") for entry in feed.entries)
    code, out, _ = run(capsys, "digest", "--format", "json", "--watch", "gardens")  # stdout: its own mark
    data = json.loads(out)
    assert [g["name"] for g in data["groups"]] == ["gardens"] and data["count"] == 458
    code, out, _ = run(capsys, "digest", "--since", "2000-01-01", "--format", "markdown", "--watch", "gardens")
    assert "## gardens (`gardening`): 1" in out and "](https://arxiv.org/abs/2611.00001)" in out
    code, _, err = run(capsys, "digest", "--since", "yesterday")
    assert code == 2 and "--since expects" in err
    code, _, err = run(capsys, "digest", "--watch", "nope")
    assert code == 1 and "no watch named 'nope'" in err


def test_trending_rising_and_top_of_the_week(isolated_home: Path, tmp_path: Path, capsys) -> None:
    day = tmp_path / "in" / "day.json"
    write_hf(day, [hf_item("2611.00001", "Slow Riser", 5, "2026-11-01"), hf_item("2611.00002", "Rocket", 5,
                                                                                "2026-11-20"),
                   hf_item("2611.00003", "Old Favourite", 99, "2026-10-01")])
    run(capsys, "add", str(day))
    write_hf(day, [hf_item("2611.00001", "Slow Riser", 6, "2026-11-01"), hf_item("2611.00002", "Rocket", 40,
                                                                                "2026-11-20"),
                   hf_item("2611.00003", "Old Favourite", 99, "2026-10-01")])
    run(capsys, "add", str(day))
    _, out, _ = run(capsys, "trending", "rising", "--json")
    assert [(p["key"], p["trend"]) for p in json.loads(out)] == [("2611.00002", "+35"), ("2611.00001", "+1")]
    _, out, _ = run(capsys, "trending", "week", "--json")
    assert [p["key"] for p in json.loads(out)] == ["2611.00002"]
    _, out, _ = run(capsys, "trending", "month", "--json")
    assert [p["key"] for p in json.loads(out)] == ["2611.00002", "2611.00001"]


def _bookmark(key: str, title: str, authors: tuple[str, ...] = ("Mike Lewis", "Denis Yarats"),
              year: str | None = "2017", arxiv_id: str | None = None, note: str = "") -> Bookmark:
    return Bookmark(key=key, title=title, url=f"https://arxiv.org/abs/{key}", added_at="2026-01-01T00:00:00Z",
                    authors=authors, year=year, arxiv_id=arxiv_id, tags=("nlp", "to read"), note=note)


MARKS = [
    _bookmark("1706.05125", "Deal or No Deal? End-to-End Learning for Negotiation Dialogues",
              arxiv_id="1706.05125", note="multi\nline {note} & 50%"),
    _bookmark("1706.99999", "Deal Breakers", arxiv_id="1706.99999"),
    _bookmark("slug-only", "No Authors Here", authors=(), year=None),
    _bookmark("1801.00001", "Ünïcödé Names", authors=("José Müller-Ñuñez",), arxiv_id="1801.00001"),
]


def test_bibtex_keys_are_stable_unique_and_parse_back() -> None:
    keys = bibtex_keys(MARKS)
    assert keys == ["lewis2017deal", "lewis2017deala", "slug-only", "mullernunez2017unicode"]
    assert bibtex_keys(list(reversed(MARKS))) == list(reversed(keys))  # independent of the list's order
    library = bibtexparser.loads(export_bookmarks(MARKS, "bibtex"))
    entries = {e["ID"]: e for e in library.entries}
    assert set(entries) == set(keys)
    assert entries["lewis2017deal"]["eprint"] == "1706.05125"
    assert entries["lewis2017deal"]["archiveprefix"] == "arXiv"


def test_ris_parses_back_with_rispy() -> None:
    records = rispy.loads(export_bookmarks(MARKS, "ris"))
    assert [r["title"] for r in records] == [m.title for m in MARKS]
    assert records[0]["authors"] == ["Lewis, Mike", "Yarats, Denis"]
    assert records[0]["year"] == "2017" and records[0]["keywords"] == ["nlp", "to read"]
    assert records[0]["notes"] == ["multi line {note} & 50%"]  # one line: a newline would start a bogus tag
    assert records[0]["accession_number"] == "arXiv:1706.05125"


def test_csl_json_is_read_by_citeproc() -> None:
    items = json.loads(export_bookmarks(MARKS, "csl-json"))
    assert items[0]["author"][0] == {"family": "Lewis", "given": "Mike"}
    assert items[0]["issued"] == {"date-parts": [[2017]]}
    source = CiteProcJSON(items)
    style = CitationStylesStyle("harvard-cite-them-right", validate=False)
    bibliography = CitationStylesBibliography(style, source, formatter.plain)
    for item in items:
        bibliography.register(Citation([CitationItem(item["id"])]))
    rendered = [str(entry) for entry in bibliography.bibliography()]
    assert len(rendered) == len(MARKS)
    assert any("Lewis, M." in line and "Deal or No Deal" in line for line in rendered)


def test_search_format_exports_the_result_page(seeded_home: Path, capsys) -> None:
    code, out, _ = run(capsys, "search", "attention", "--limit", "4", "--format", "ris")
    assert code == 0 and len(rispy.loads(out)) == 4
    _, out, _ = run(capsys, "search", "attention", "--limit", "4", "--format", "csl-json")
    assert len(json.loads(out)) == 4
    _, out, _ = run(capsys, "search", "attention", "--limit", "4", "--format", "bibtex")
    assert len({e["ID"] for e in bibtexparser.loads(out).entries}) == 4
