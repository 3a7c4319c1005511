"""Bookmarks the user removed stay restorable; moving and importing bookmarks never loses what the user wrote."""

from __future__ import annotations

import json
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from paperdeck.index.bookmarks import Bookmark, BookmarkStore, clean_note, merge_bookmarks
from paperdeck.index.links import canonical_url
from paperdeck.index.models import Link, PageSeen, Paper


def make_paper(key: str = "a-paper", title: str = "A Paper", arxiv_id: str | None = None) -> Paper:
    return Paper(key=key, title=title, abstract="Abstract.", url=canonical_url(title, arxiv_id), arxiv_id=arxiv_id,
                 links=[Link("https://github.com/o/r", "code", "github.com")], pages=[PageSeen("p.txt", "03-12")])


def test_removing_keeps_the_bookmark_as_removed_with_when_and_restore_brings_tags_and_note_back(
        isolated_home: Path) -> None:
    store = BookmarkStore()
    store.save_tags_and_note(make_paper(), ["survey", "rag"], "line one\nline two")
    removed = store.remove("a-paper")
    assert removed is not None and removed.note == "line one\nline two"
    assert "a-paper" not in store
    on_disk = json.loads(store.path.read_text())
    assert on_disk["bookmarks"] == []
    assert on_disk["removed"][0]["key"] == "a-paper" and on_disk["removed"][0]["removed_at"]
    again = BookmarkStore()  # another process sees the removed entry too
    assert [r.bookmark.key for r in again.removed()] == ["a-paper"]
    restored = again.restore("a-paper")
    assert restored.tags == ("survey", "rag") and restored.note == "line one\nline two"
    assert BookmarkStore().get("a-paper") == restored and BookmarkStore().removed() == []


def test_bookmarking_a_removed_paper_again_brings_its_tags_and_note_back(isolated_home: Path) -> None:
    store = BookmarkStore()
    store.save_tags_and_note(make_paper(), ["keep"], "my note")
    assert store.toggle(make_paper()) is False
    assert store.toggle(make_paper()) is True
    assert store.get("a-paper").tags == ("keep",) and store.get("a-paper").note == "my note"


def test_restore_onto_a_re_added_bookmark_keeps_both_copies_words(isolated_home: Path) -> None:
    store = BookmarkStore()
    store.save_tags_and_note(make_paper(), ["old"], "old note")
    store.remove("a-paper")
    store.add_paper(make_paper(), tags=["new"], note="new note")
    merged = store.restore("a-paper")
    assert merged.tags == ("new", "old")
    assert merged.note == "new note\n\nold note"


def test_restoring_what_was_never_removed_is_a_key_error_and_emptying_forgets(isolated_home: Path) -> None:
    store = BookmarkStore()
    try:
        store.restore("nope")
    except KeyError as err:
        assert "not among the removed" in str(err)
    else:
        raise AssertionError("restore of an unknown key must fail")
    store.add_paper(make_paper("k1"))
    store.add_paper(make_paper("k2"))
    store.remove("k1")
    store.remove("k2")
    assert store.empty_removed() == 2
    assert BookmarkStore().removed() == []


def test_removals_from_two_store_objects_merge(isolated_home: Path) -> None:
    """Each change re-reads the file under the lock, so one process's removal and another's edit both land."""
    left, right = BookmarkStore(), BookmarkStore()
    left.add_paper(make_paper("k1"), tags=["t1"])
    right.add_paper(make_paper("k2"), tags=["t2"])
    left.remove("k2")  # left never saw k2 itself: it was added by right
    right.remove("k1")
    fresh = BookmarkStore()
    assert fresh.keys() == frozenset()
    assert {r.bookmark.key: r.bookmark.tags for r in fresh.removed()} == {"k1": ("t1",), "k2": ("t2",)}
    left.restore("k1")
    right.restore("k2")
    assert BookmarkStore().keys() == {"k1", "k2"}


def test_a_file_without_a_removed_list_still_loads(isolated_home: Path) -> None:
    store = BookmarkStore()
    store.path.write_text(json.dumps({"version": 1, "bookmarks": [
        {"key": "k", "title": "T", "url": "https://x", "added_at": "2026-01-01T00:00:00Z", "tags": ["a"]}]}))
    again = BookmarkStore()
    assert again.get("k").tags == ("a",) and again.removed() == [] and again.messages == []


def test_rekey_merges_into_an_existing_bookmark_and_leaves_no_old_copy(isolated_home: Path) -> None:
    store = BookmarkStore()
    store.add_paper(make_paper("a-paper"), tags=["from-pages"], note="written first")
    store.add_paper(make_paper("2401.00001", arxiv_id="2401.00001"), tags=["from-arxiv"], note="written later")
    assert store.rekey({"a-paper": "2401.00001"}) == 1
    assert store.keys() == {"2401.00001"}
    moved = store.get("2401.00001")
    assert moved.tags == ("from-arxiv", "from-pages")
    assert moved.note == "written later\n\nwritten first"


def test_rekey_to_an_arxiv_id_brings_the_real_link(isolated_home: Path) -> None:
    store = BookmarkStore()
    store.add_paper(make_paper("a-paper"), note="n")
    assert store.get("a-paper").url.startswith("https://huggingface.co/papers?q=")
    store.remove("a-paper")
    store.rekey({"a-paper": "2401.00002"})
    restored = store.restore("2401.00002")
    assert restored.arxiv_id == "2401.00002" and restored.url == "https://arxiv.org/abs/2401.00002"
    assert restored.note == "n"


def test_import_never_overwrites_an_existing_bookmark(isolated_home: Path) -> None:
    store = BookmarkStore()
    store.add_paper(make_paper("k1"), tags=["mine"], note="my words")
    incoming = json.dumps({"bookmarks": [
        {"key": "k1", "title": "Other", "url": "https://other", "tags": ["theirs"], "note": "their words"},
        {"key": "k2", "title": "New", "url": "https://new"}]})
    assert store.import_json(incoming) == 1
    kept = BookmarkStore().get("k1")
    assert (kept.title, kept.tags, kept.note) == ("A Paper", ("mine",), "my words")
    assert BookmarkStore().get("k2").title == "New"


def test_refresh_from_the_library_swaps_a_search_link_for_the_arxiv_one(isolated_home: Path) -> None:
    store = BookmarkStore()
    store.add_paper(make_paper("a-paper"), tags=["t"], note="n")
    known = make_paper("a-paper", arxiv_id="2401.00003")
    assert store.refresh_from(lambda key: known if key == "a-paper" else None) == 1
    mark = BookmarkStore().get("a-paper")
    assert (mark.url, mark.arxiv_id, mark.tags, mark.note) == ("https://arxiv.org/abs/2401.00003", "2401.00003",
                                                                ("t",), "n")
    assert store.refresh_from(lambda key: known) == 0  # nothing left to change: no write


def test_find_follows_old_keys(isolated_home: Path) -> None:
    store = BookmarkStore()
    store.add_paper(make_paper("old-slug"))
    aliases = {"old-slug": "2401.00004"}

    def resolve(keys):
        return frozenset(aliases.get(k, k) for k in keys)
    assert store.find("2401.00004", resolve).key == "old-slug"
    assert store.find("unrelated", resolve) is None


_NOTES = st.text(st.characters(codec="utf-8"), max_size=200)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(note=_NOTES, tags=st.lists(st.text(max_size=20), max_size=5))
def test_any_typed_note_and_tags_survive_a_save_and_reload_inert(isolated_home: Path, note: str,
                                                                 tags: list[str]) -> None:
    store = BookmarkStore()
    saved = store.save_tags_and_note(make_paper(), tags, note)
    assert BookmarkStore().get("a-paper") == saved
    assert saved.note == clean_note(note)
    assert "\x1b" not in saved.note and "\r" not in saved.note
    assert all("," not in t and "\n" not in t and t == t.strip() and t for t in saved.tags)
    # line breaks typed between words are kept
    words = [w for w in note.split("\n") if w.strip() and w.isalnum()]
    if len(words) >= 2:
        assert "\n" in saved.note


@given(a=st.lists(st.sampled_from("abcde"), max_size=4), b=st.lists(st.sampled_from("cdefg"), max_size=4),
       na=st.sampled_from(["", "x", "y z"]), nb=st.sampled_from(["", "x", "q"]))
def test_merging_two_copies_loses_no_tag_and_no_note(a: list[str], b: list[str], na: str, nb: str) -> None:
    one = Bookmark(key="k", title="T", url="https://x", added_at="2026-01-02", tags=tuple(a), note=na)
    two = Bookmark(key="k", title="T", url="https://x", added_at="2026-01-01", tags=tuple(b), note=nb)
    merged = merge_bookmarks(one, two)
    assert set(merged.tags) == set(a) | set(b)
    assert na in merged.note and nb in merged.note
    assert merged.added_at == "2026-01-01"
