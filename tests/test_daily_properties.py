"""Property tests for the daily loop's parsers and for exports of untrusted text (hypothesis)."""

from __future__ import annotations

import json

import bibtexparser
import rispy
from hypothesis import given, settings
from hypothesis import strategies as st

from paperdeck.index.bookmarks import Bookmark
from paperdeck.index.citations import bibtex_keys
from paperdeck.index.clean import one_line
from paperdeck.index.digest import Digest, DigestGroup, parse_since, to_atom, to_markdown
from paperdeck.index.export import export_bookmarks
from paperdeck.index.models import Paper
from paperdeck.index.query import split_user_fields
from paperdeck.index.session import _validate as read_session
from paperdeck.index.watches import Watch

import feedparser

nasty = st.text(alphabet=st.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=40)


@given(st.text(max_size=60))
def test_split_user_fields_never_raises_and_takes_only_tags(raw: str) -> None:
    rest, filters, excludes = split_user_fields(raw)
    assert all(field == "tag" and value and value == value.strip() for field, value in (*filters, *excludes))
    if not filters and not excludes:
        assert rest == raw


@given(st.text(max_size=30))
def test_parse_since_accepts_dates_or_raises_valueerror(text: str) -> None:
    try:
        stamp = parse_since(text)
    except ValueError as err:
        assert "--since expects" in str(err)
    else:
        assert len(stamp) == 27 and stamp.endswith("Z")


@given(st.dictionaries(st.sampled_from(["name", "query", "filters", "exclude", "created"]),
                       st.one_of(st.none(), nasty, st.integers(), st.lists(nasty, max_size=3))))
def test_a_watch_from_any_json_is_read_or_refused_with_valueerror(data: dict) -> None:
    try:
        watch = Watch.from_dict(data)
    except ValueError:
        return
    assert "\n" not in watch.name and Watch.from_dict(watch.to_dict()) == watch


@given(st.dictionaries(st.sampled_from(["query", "filters", "sort", "view", "selected", "started", "x"]),
                       st.one_of(st.none(), nasty, st.integers(), st.lists(nasty, max_size=3))))
def test_a_session_from_any_json_is_read_or_refused_with_valueerror(data: dict) -> None:
    try:
        session = read_session(data)
    except ValueError:
        return
    assert read_session(session.to_dict()) == session


bookmarks = st.builds(
    Bookmark, key=st.from_regex(r"[a-z0-9.-]{1,12}", fullmatch=True), title=nasty.filter(str.strip),
    url=st.just("https://arxiv.org/abs/1"), added_at=st.just("2026-01-01T00:00:00Z"),
    tags=st.lists(nasty.filter(lambda t: t.strip() and "," not in t), max_size=2).map(tuple),
    note=nasty, authors=st.lists(nasty.filter(str.strip), max_size=2).map(tuple),
    year=st.sampled_from([None, "2017", "2024"]))


@settings(max_examples=30, deadline=None)
@given(st.lists(bookmarks, max_size=4, unique_by=lambda b: b.key))
def test_exports_of_untrusted_text_parse_back_one_record_each(marks: list[Bookmark]) -> None:
    keys = bibtex_keys(marks)
    assert len(set(keys)) == len(marks)
    assert len(rispy.loads(export_bookmarks(marks, "ris"))) == len(marks) if marks else True
    assert [i["title"] for i in json.loads(export_bookmarks(marks, "csl-json"))] == [one_line(m.title) for m in marks]
    assert [e["ID"] for e in bibtexparser.loads(export_bookmarks(marks, "bibtex")).entries] == keys


@settings(max_examples=30, deadline=None)
@given(st.lists(st.tuples(nasty.filter(str.strip), nasty), min_size=1, max_size=3), nasty.filter(str.strip))
def test_a_digest_of_untrusted_text_is_a_valid_feed_and_inert_markdown(papers, group_name) -> None:
    items = tuple(Paper(key=f"k{n}", title=title, abstract=abstract, url="javascript:alert(1)" if n else
                        "https://arxiv.org/abs/1") for n, (title, abstract) in enumerate(papers))
    digest = Digest(None, "2026-11-30T00:00:00.000000Z", (DigestGroup(group_name, "", items, len(items)),),
                    len(items))
    feed = feedparser.parse(to_atom(digest, "-"))
    assert feed.bozo == 0 and len(feed.entries) == len(items)
    assert all(link.href.startswith("https://") for e in feed.entries for link in e.get("links", []))
    assert "javascript:" not in to_markdown(digest)
