"""On the way out: every CLI output, export and clipboard text is inert, whatever a source or bookmark file held;
the link validator and the terminal escaper themselves; the CLI's small promises (stderr, plurals, help)."""

from __future__ import annotations

import csv
import io
import json
import os
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from hostile import PASTE_HIJACK, PIECES, forbidden_in, hostile_text, printable
from paperdeck.index.bookmarks import Bookmark, BookmarkStore
from paperdeck.index.cli import build_parser, main
from paperdeck.index.export import FORMATS, export_bookmarks
from paperdeck.index.safety import (LinkRejected, check_url, clipboard_text, for_terminal, json_for_terminal,
                                    safe_url)

# --- the link validator -------------------------------------------------------------------------------------


@pytest.mark.parametrize("raw,expected", [
    ("https://github.com/a/b", "https://github.com/a/b"),
    ("http://example.org:8080/x?y=1#z", "http://example.org:8080/x?y=1#z"),
    ("doi:10.1000/xyz123", "https://doi.org/10.1000/xyz123"),
    ("arXiv:2401.01234v2", "https://arxiv.org/abs/2401.01234v2"),
    ("github.com/a/b", "https://github.com/a/b"),
    ("https://例え.jp/x", "https://例え.jp/x"),
])
def test_valid_links_pass_and_doi_arxiv_become_https(raw: str, expected: str) -> None:
    assert check_url(raw) == expected


@pytest.mark.parametrize("raw,reason", [
    (PASTE_HIJACK, "holds whitespace, quotes or control characters"),
    ("javascript:alert(1)", "scheme javascript: is not http or https"),
    ("file:///etc/passwd", "scheme file: is not http or https"),
    ("data:text/html,x", "scheme data: is not http or https"),
    ("http://[oops", "cannot be parsed (Invalid IPv6 URL)"),
    ("https://a.com:99999/", "cannot be parsed (Port out of range 0-65535)"),
    ("https:///nohost", "no valid host"),
    ("https://exa_mple.com/", "no valid host"),
    ("https://a.com/" + "x" * 3000, "3,014 characters (limit 2,048)"),
    ("https://a.com/\u202etxt.exe", "holds whitespace, quotes or control characters"),
    (5, "not text (int)"),
])
def test_anything_else_is_rejected_with_the_reason(raw: object, reason: str) -> None:
    with pytest.raises(LinkRejected) as caught:
        check_url(raw)
    assert str(caught.value) == reason
    assert safe_url(raw) is None


@settings(max_examples=400, deadline=None)
@given(st.one_of(hostile_text, st.text()))
def test_a_link_that_passes_is_http_and_inert(raw: str) -> None:
    url = safe_url(raw)
    if url is not None:
        assert url.startswith(("http://", "https://")) and printable(url) and " " not in url and "\n" not in url
        assert len(url) <= 2048


# --- the terminal escaper, JSON and the clipboard -----------------------------------------------------------


@settings(max_examples=400, deadline=None)
@given(st.one_of(hostile_text, st.text()))
def test_terminal_json_and_clipboard_text_are_inert(text: str) -> None:
    assert printable(for_terminal(text)) and "\n" not in for_terminal(text)
    assert printable(for_terminal(text, multiline=True))
    dumped = json_for_terminal({"t": text, "list": [text]})
    assert printable(dumped) and json.loads(dumped) == {"t": text, "list": [text]}  # escaped, not changed
    clip = clipboard_text(text)
    assert printable(clip) and "\n" not in clip and "\t" not in clip and "\x1b" not in clip


def test_escapes_are_visible_and_c1_is_escaped_in_json() -> None:
    assert for_terminal("a\x1b[31mb\nc\u009b") == "a\\x1b[31mb\\x0ac\\x9b"
    assert '"\\u009b2J"' in json_for_terminal("\u009b2J")
    assert clipboard_text(PASTE_HIJACK) == "https://github.com/a/b touch pwned #"


# --- exports --------------------------------------------------------------------------------------------------

hostile_bookmarks = st.builds(
    lambda key, title, url, note, tags, code, authors, arxiv, doi, year: Bookmark.from_dict({
        "key": "k" + key, "title": title, "url": url, "note": note, "tags": tags, "code_url": code,
        "authors": authors, "arxiv_id": arxiv, "doi": doi, "year": year, "added_at": "2026-01-01T00:00:00Z"}),
    hostile_text, hostile_text, hostile_text, hostile_text, st.lists(hostile_text, max_size=3), hostile_text,
    st.lists(hostile_text, max_size=3), hostile_text, hostile_text, hostile_text)


@settings(max_examples=150, deadline=None)
@given(st.lists(hostile_bookmarks, min_size=1, max_size=4, unique_by=lambda b: b.key))
def test_every_export_of_hostile_bookmarks_is_inert(bookmarks: list[Bookmark]) -> None:
    for bookmark in bookmarks:
        assert forbidden_in(bookmark.to_dict()) == []  # what is kept is inert already
    for fmt in FORMATS:
        text = export_bookmarks(bookmarks, fmt)
        assert printable(text), fmt
    for row in list(csv.reader(io.StringIO(export_bookmarks(bookmarks, "csv"))))[1:]:
        assert not any(cell.startswith(("=", "+", "-", "@")) for cell in row), row
    assert json.loads(export_bookmarks(bookmarks, "json"))["bookmarks"][0]["key"] == bookmarks[0].key
    markdown = export_bookmarks(bookmarks, "markdown")
    for bookmark in bookmarks:  # a kept link is valid, so the Markdown links to it
        assert safe_url(bookmark.url) == bookmark.url
        assert f"]({bookmark.url.replace('(', '%28').replace(')', '%29')})" in markdown


def test_csv_cells_that_start_like_formulas_are_quoted_as_text() -> None:
    bookmark = Bookmark.from_dict({"key": "k", "title": "=HYPERLINK(\"http://x\")", "url": "https://a.com/",
                                   "note": "+1", "tags": ["@SUM(A1)", "-2"]})
    [_, row] = list(csv.reader(io.StringIO(export_bookmarks([bookmark], "csv"))))
    assert row[1] == "'=HYPERLINK(\"http://x\")" and row[5] == "'@SUM(A1);-2" and row[6] == "'+1"


# --- the CLI: a hostile library, every command ----------------------------------------------------------------

HOSTILE_ITEM = {"paper": {
    "id": "2401.00666", "title": "Evil \x1b]0;owned\x07Title\u202e \x1b[31mred\nsecond line",
    "summary": "Abstract \x1b[2J clears \u009b2J the screen. Code at " + PASTE_HIJACK,
    "authors": [{"name": "Mallory \x1b[5m"}], "githubRepo": PASTE_HIJACK, "projectPage": "javascript:alert(1)",
    "organization": {"fullname": "Org\u200b\x07"}, "ai_keywords": ["k\x1b[1m"], "upvotes": 7}}


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture
def hostile_library(isolated_home: Path, tmp_path: Path) -> Path:
    folder = tmp_path / "in"
    folder.mkdir()
    source = folder / "evil\x1b[31m\nfake line.json"
    source.write_text(json.dumps([HOSTILE_ITEM]))
    return source


def test_every_cli_output_is_inert(hostile_library: Path, tmp_path: Path, capsys) -> None:
    outputs = []
    for argv in (["add", str(hostile_library.parent)], ["add", str(hostile_library)], ["show", "2401.00666"],
                 ["show", "2401.00666", "--json"], ["search", "evil"], ["search", "evil", "--json"],
                 ["search", "evil", "--facets"], ["similar", "2401.00666"], ["stats"], ["stats", "--json"],
                 ["bookmarks", "add", "2401.00666", "--tag", "t\x1b[1m", "--note", "n\x1b]0;x\x07"],
                 ["bookmarks", "list"], ["bookmarks", "list", "--json"], ["bookmarks", "export", "markdown"],
                 ["bookmarks", "export", "csv"], ["bookmarks", "export", "bibtex"], ["bookmarks", "export", "json"],
                 ["rebuild"], ["remove", str(hostile_library)]):
        code, out, err = run(capsys, *argv)
        assert code == 0, (argv, err)
        outputs.append((argv, out, err))
    for argv, out, err in outputs:
        assert printable(out) and printable(err), argv
        assert "\x1b" not in out + err and "\u009b" not in out + err
    text = dict((" ".join(a), o) for a, o, _ in outputs)
    assert "evil\\x1b[31m\\x0afake line.json" in text["stats"]  # the file name, visibly escaped on one line
    assert "removed " in text[f"remove {hostile_library}"] and "\\x0a" in text[f"remove {hostile_library}"]
    assert "Evil Title red second line" in text["show 2401.00666"]
    assert PASTE_HIJACK not in json.loads(text["show 2401.00666 --json"])["code_urls"]
    assert "javascript:" not in text["show 2401.00666"] and "touch pwned\n" not in text["show 2401.00666"]


def test_bookmarks_import_of_a_crafted_export_lists_inert(isolated_home: Path, tmp_path: Path, capsys) -> None:
    crafted = tmp_path / "export.json"
    crafted.write_text(json.dumps({"bookmarks": [
        {"key": "k\x1b]0;x\x07", "title": "T\x1b[2J", "url": "https://a.com/\x1b]0;x\x07", "tags": ["a\nb"],
         "note": "line one\x1b[31m\nline two\u202e"},
        {"key": "ok", "title": "Fine", "url": "javascript:alert(1)", "code_url": "file:///etc/passwd"},
    ]}))
    code, out, err = run(capsys, "bookmarks", "import", str(crafted))
    assert code == 0 and "imported 2 new bookmarks (2 in all)" in out
    assert err.splitlines() == [
        f"paperdeck: {crafted}: bookmark 'k': dropped url (holds whitespace, quotes or control characters)",
        f"paperdeck: {crafted}: bookmark 'ok': dropped url (scheme javascript: is not http or https), code_url "
        "(scheme file: is not http or https)"]
    code, out, _ = run(capsys, "bookmarks", "list")
    assert printable(out) and "javascript" not in out and "file:" not in out
    assert out.splitlines()[0] == "T  [a b]"
    stored = {b.key: b for b in BookmarkStore().all()}
    assert forbidden_in([b.to_dict() for b in stored.values()]) == []
    assert stored["k"].note == "line one\nline two"  # the note keeps its line break, nothing else
    code, out, _ = run(capsys, "bookmarks", "export", "bibtex")
    assert code == 0 and printable(out)


# --- the CLI's small promises ---------------------------------------------------------------------------------


def test_add_of_a_missing_path_is_a_user_mistake(isolated_home: Path, capsys) -> None:
    code, out, err = run(capsys, "add", "/nonexistent")
    assert code == 2
    assert err == "paperdeck: /nonexistent: no such file or folder\n"
    assert "/nonexistent" not in out


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs FIFOs")
def test_add_of_a_fifo_says_not_a_regular_file(isolated_home: Path, tmp_path: Path, capsys) -> None:
    fifo = tmp_path / "x.txt"
    os.mkfifo(fifo)
    code, out, _ = run(capsys, "add", str(fifo))
    assert code == 1 and f"skipped  {fifo}  (not a regular file (a device, pipe or socket))" in out


def test_plurals_upvotes_sort_and_tags_apart_from_titles(isolated_home: Path, tmp_path: Path, capsys) -> None:
    source = tmp_path / "one.json"
    source.write_text(json.dumps([{"paper": {"id": "2401.00001", "title": "Only Zyxwvut Paper", "summary": "s",
                                             "upvotes": 42}}]))
    code, out, _ = run(capsys, "add", str(source))
    assert f"added  {source}  (1 paper, 1 new)" in out
    code, out, _ = run(capsys, "search", "zyxwvut", "--sort", "upvotes")
    assert out.startswith("1 paper (") and "42 upvotes" in out and "score" not in out
    run(capsys, "bookmarks", "add", "2401.00001", "--tag", "to-read", "--tag", "rag")
    code, out, _ = run(capsys, "bookmarks", "list")
    assert out.splitlines()[0] == "Only Zyxwvut Paper  [to-read, rag]"
    output = tmp_path / "marks.md"
    code, out, _ = run(capsys, "bookmarks", "export", "markdown", "-o", str(output))
    assert out == f"wrote 1 bookmark to {output}\n"


def test_every_option_and_bookmarks_subcommand_has_help() -> None:
    parser = build_parser()
    missing = []

    def walk(p, path: str) -> None:  # type: ignore[no-untyped-def]
        for action in p._actions:
            if action.dest in ("help", "version"):
                continue
            if hasattr(action, "choices") and isinstance(action.choices, dict):  # subcommands
                helps = {a.dest: a.help for a in action._choices_actions}
                for name, sub in action.choices.items():
                    if not helps.get(name):
                        missing.append(f"{path} {name}")
                    walk(sub, f"{path} {name}")
            elif not action.help:
                missing.append(f"{path} {'/'.join(action.option_strings) or action.dest}")
    walk(parser, "paperdeck")
    assert missing == []


def test_hostile_pieces_cover_what_the_issue_names() -> None:
    joined = "".join(PIECES)
    for piece in ("\x1b[201~", "\x1b]", "\x9b", "\u202e", "\u200b", "\n", "javascript:", "file:", "data:"):
        assert piece in joined


def test_links_from_an_old_library_are_checked_again_in_cli_output(seeded_home: Path, monkeypatch, capsys) -> None:
    """Records written before links were validated: text and JSON output show no bad link."""
    from dataclasses import replace

    from paperdeck.index.library import Library
    from paperdeck.index.models import Link

    with Library() as library:
        paper = library.search("pruning").hits[0].paper
    old = replace(paper, url="javascript:alert(1)", links=[Link(PASTE_HIJACK, "code", "github.com"),
                                                            Link("https://ok.example/x", "project", "ok.example")])
    monkeypatch.setattr(Library, "get", lambda self, key: old)
    code, text, _ = run(capsys, "show", paper.key)
    assert code == 0 and printable(text) and "javascript" not in text and "touch pwned" not in text
    assert "(link withheld: not a plain http(s) URL)" in text and "project: https://ok.example/x" in text
    code, dumped, _ = run(capsys, "show", paper.key, "--json")
    data = json.loads(dumped)
    assert data["url"] is None and data["code_urls"] == []
    assert data["links"] == [{"url": "https://ok.example/x", "kind": "project", "host": "ok.example"}]
