"""The ``bookmarks`` CLI: remove is undoable (``restore``), export never overwrites silently, and bookmarks saved
under a paper's old key still count as bookmarked."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from paperdeck.index.bookmarks import BookmarkStore
from paperdeck.index.cli import main

KEY = "compressing-features-for-learning-with-noisy-labels"
TITLE = "Compressing Features for Learning with Noisy Labels"


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_remove_then_restore_brings_back_tags_and_note(seeded_home: Path, capsys) -> None:
    assert run(capsys, "bookmarks", "add", KEY, "--tag", "noise", "--note", "read §3")[0] == 0
    code, out, _ = run(capsys, "bookmarks", "remove", KEY)
    assert code == 0 and f"undo: paperdeck bookmarks restore {KEY}" in out
    code, out, _ = run(capsys, "bookmarks", "list", "--json")
    assert json.loads(out) == []
    code, out, _ = run(capsys, "bookmarks", "list", "--removed", "--json")
    [removed] = json.loads(out)
    assert removed["key"] == KEY and removed["removed_at"]
    code, out, _ = run(capsys, "bookmarks", "restore", KEY)
    assert code == 0 and out.strip() == f"restored bookmark {TITLE}"
    code, out, _ = run(capsys, "bookmarks", "list", "--json")
    [mark] = json.loads(out)
    assert (mark["tags"], mark["note"]) == (["noise"], "read §3")


def test_restore_of_an_unknown_key_is_a_one_line_error(seeded_home: Path, capsys) -> None:
    code, out, err = run(capsys, "bookmarks", "restore", "nothing-like-this")
    assert code == 1 and out == ""
    assert err.strip() == ("paperdeck: 'nothing-like-this' is not among the removed bookmarks "
                           "(see: paperdeck bookmarks list --removed)")


def test_empty_removed_forgets_them(seeded_home: Path, capsys) -> None:
    run(capsys, "bookmarks", "add", KEY)
    run(capsys, "bookmarks", "remove", KEY)
    code, out, _ = run(capsys, "bookmarks", "empty-removed")
    assert code == 0 and out.strip() == "forgot 1 removed bookmark"
    assert run(capsys, "bookmarks", "restore", KEY)[0] == 1


def test_export_refuses_to_overwrite_without_force(seeded_home: Path, tmp_path: Path, capsys) -> None:
    run(capsys, "bookmarks", "add", KEY)
    target = tmp_path / "refs.bib"
    target.write_text("my thesis references\n")
    code, out, err = run(capsys, "bookmarks", "export", "bibtex", "-o", str(target))
    assert code == 2 and "exists: add --force to overwrite it" in err
    assert target.read_text() == "my thesis references\n"
    code, out, _ = run(capsys, "bookmarks", "export", "bibtex", "-o", str(target), "--force")
    assert code == 0 and str(target.resolve()) in out and TITLE in target.read_text()


def test_a_bookmark_under_an_old_key_is_found_by_the_bookmarked_filter(seeded_home: Path, tmp_path: Path,
                                                                       capsys) -> None:
    """The paper gains an arXiv id from a second source (new key); a bookmark still under the old key (an old
    export imported afterwards) must still mark the paper."""
    feed = tmp_path / "daily.json"
    feed.write_text(json.dumps([{"paper": {"id": "2206.99999", "title": TITLE, "summary": "An abstract.",
                                           "authors": [{"name": "A. Author"}]}, "publishedAt": "2022-06-30"}]))
    assert run(capsys, "add", str(feed))[0] == 0
    code, out, _ = run(capsys, "show", KEY, "--json")
    assert json.loads(out)["key"] == "2206.99999"  # the old key resolves to the merged paper
    old_export = tmp_path / "old.json"
    old_export.write_text(json.dumps({"bookmarks": [{"key": KEY, "title": TITLE, "url": "https://x"}]}))
    assert run(capsys, "bookmarks", "import", str(old_export))[0] == 0
    assert BookmarkStore().keys() == {KEY}
    code, out, _ = run(capsys, "search", "noisy labels compressing", "--filter", "bookmarked=yes", "--json")
    [hit] = json.loads(out)
    assert hit["key"] == "2206.99999" and hit["bookmarked"] is True
    code, out, _ = run(capsys, "show", "2206.99999", "--json")
    assert json.loads(out)["bookmarked"] is True


def test_export_uses_the_arxiv_link_once_the_library_knows_the_id(seeded_home: Path, tmp_path: Path,
                                                                 capsys) -> None:
    """A bookmark saved (or imported) with the search link of a pages-only paper exports the real link."""
    feed = tmp_path / "daily.json"
    feed.write_text(json.dumps([{"paper": {"id": "2206.99999", "title": TITLE, "summary": "An abstract.",
                                           "authors": [{"name": "Ada Lovelace"}]}, "publishedAt": "2022-06-30"}]))
    assert run(capsys, "add", str(feed))[0] == 0
    stale = tmp_path / "stale.json"
    stale.write_text(json.dumps({"bookmarks": [{"key": "2206.99999", "title": TITLE,
                                                "url": "https://huggingface.co/papers?q=Compressing"}]}))
    assert run(capsys, "bookmarks", "import", str(stale))[0] == 0
    code, out, _ = run(capsys, "bookmarks", "export", "bibtex")
    assert code == 0
    assert "url = {https://arxiv.org/abs/2206.99999}" in out and "eprint = {2206.99999}" in out
    assert out.startswith("@misc{lovelace2022compressing,")
