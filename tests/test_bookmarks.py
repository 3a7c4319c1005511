"""Bookmarks: the store's operations, its exports, and that nothing written is ever lost."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from paperdeck.index.bookmarks import BookmarkStore
from paperdeck.index.export import export_bookmarks, markdown_link
from paperdeck.index.models import Link, PageSeen, Paper
from writer_processes import run_two_writers


def make_paper(key: str = "a-paper", title: str = "A Paper") -> Paper:
    return Paper(key=key, title=title, abstract="Abstract.", url=f"https://example.org/{key}",
                 links=[Link("https://github.com/o/r", "code", "github.com")], pages=[PageSeen("p.txt", "03-12")])


def test_toggle_tags_note_and_persistence(isolated_home: Path) -> None:
    store = BookmarkStore()
    assert store.toggle(make_paper()) is True
    store.add_tags("a-paper", ["survey", "to read, later"])
    store.set_note("a-paper", "  check section 4  ")
    again = BookmarkStore()
    saved = again.get("a-paper")
    assert saved.tags == ("survey", "to read", "later")
    assert saved.note == "check section 4"
    assert saved.code_url == "https://github.com/o/r"
    assert again.toggle(make_paper()) is False
    assert len(BookmarkStore()) == 0


def test_exports_escape_untrusted_text_and_json_round_trips(isolated_home: Path) -> None:
    store = BookmarkStore()
    store.add_paper(make_paper("k1", "Braces {unbalanced & 50% [bold]"), tags=["x"], note="a_b")
    store.add_paper(make_paper("k2", "Plain"))
    bib = export_bookmarks(store.all(), "bibtex")
    assert r"title = {Braces \textbraceleft{}unbalanced \& 50\% [bold]}" in bib
    assert bib.count("@misc{") == 2
    md = export_bookmarks(store.all(), "markdown")
    assert r"[Braces {unbalanced & 50% \[bold\]](https://example.org/k1)" in md
    assert markdown_link("a)b", "https://x/(y)") == "[a)b](https://x/%28y%29)"
    csv_text = export_bookmarks(store.all(), "csv")
    assert csv_text.splitlines()[0].startswith("key,title,url")
    exported = export_bookmarks(store.all(), "json")
    fresh_home = isolated_home.parent / "other"
    other = BookmarkStore(path=fresh_home / "bookmarks.json")
    assert other.import_json(exported) == 2
    assert {b.key for b in other.all()} == {"k1", "k2"}
    assert other.import_json(exported) == 0


@pytest.mark.parametrize("content", [b"", b"{", b"\x00\x00\x00\x00", b"\xff\xfe\xfa not utf8",
                                     b'{"bookmarks": {"not": "a list"}}', b'[1, 2, 3]',
                                     b'{"bookmarks": [{"title": "no key"}]}'])
def test_a_broken_file_is_kept_aside_and_the_backup_restored(isolated_home: Path, content: bytes) -> None:
    store = BookmarkStore()
    store.add_paper(make_paper("first"))
    store.add_paper(make_paper("second"))  # the backup now holds "first"
    store.path.write_bytes(content)
    recovered = BookmarkStore()
    assert [b.key for b in recovered.all()] == ["first"]
    assert "restored the backup" in recovered.messages[0]
    kept = list(store.path.parent.glob("bookmarks.json.corrupt-*"))
    assert len(kept) == 1 and kept[0].read_bytes() == content


def test_a_bom_is_tolerated(isolated_home: Path) -> None:
    store = BookmarkStore()
    store.add_paper(make_paper())
    store.path.write_bytes(b"\xef\xbb\xbf" + store.path.read_bytes())
    again = BookmarkStore()
    assert again.get("a-paper") is not None and again.messages == []


_WRITER = """
import sys
from paperdeck.index.bookmarks import Bookmark, BookmarkStore
store = BookmarkStore()
prefix, count = sys.argv[1], int(sys.argv[2])
for i in range(count):
    store.add(Bookmark(key=f"{prefix}-{i}", title=f"T {i}", url="https://x", added_at=f"2026-01-01T00:00:{i:04d}"))
    print(f"{prefix}-{i}", flush=True)
"""


def test_two_processes_adding_200_each_lose_nothing(isolated_home: Path) -> None:
    run_two_writers(_WRITER, isolated_home, 200)
    assert len(BookmarkStore()) == 400


def test_sigkill_at_any_point_of_a_write_loses_nothing_written_before(isolated_home: Path) -> None:
    env = {**os.environ, "PAPERDECK_HOME": str(isolated_home)}
    confirmed: set[str] = set()
    # Killed after it confirmed 1, 3, 10... writes: it is then somewhere inside a later write (waiting for its
    # output, not for a clock, so a slow machine kills it at the same points).
    for round_number, writes in enumerate((1, 3, 10, 30, 60, 100)):
        proc = subprocess.Popen([sys.executable, "-c", _WRITER, f"r{round_number}", "100000"], env=env,
                                stdout=subprocess.PIPE, text=True)
        assert proc.stdout is not None
        for _ in range(writes):
            confirmed.add(proc.stdout.readline().strip())
        proc.send_signal(signal.SIGKILL)
        out, _ = proc.communicate()
        confirmed |= set(out.split())
        store = BookmarkStore()
        assert store.messages == [], store.messages  # the file is never torn
        assert confirmed <= store.keys()
    assert len(confirmed) > 10
