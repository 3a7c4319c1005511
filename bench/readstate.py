"""``python -m paperdeck.bench.readstate [--entries N] [--marks K] [--json FILE]``: the cost of one read mark
(``r``) when the read-state file already holds N papers, as a ratio to adding one bookmark to a bookmarks file of
N entries in the same run (the same user-file rules: lock, re-read, atomic write, backup).

Why a ratio: the machine this runs on is shared, so absolute times say little; the bookmarks file is the other
user file written on a key press, so "as costly as a bookmark" is the bar a mark has to meet (or beat).
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

from paperdeck.index.bookmarks import Bookmark, BookmarkStore
from paperdeck.index.readstate import PaperState, ReadState


def _state_file(path: Path, entries: int) -> None:
    """N papers with a first sighting and an upvotes history, a third of them read: a year of daily imports."""
    stamp = "2026-01-01T00:00:00.000000Z"
    papers = {f"2601.{n:05d}": PaperState(first_seen=stamp, seen=stamp if n % 3 == 0 else None,
                                          upvotes=((stamp, n % 50),)).to_dict() for n in range(entries)}
    path.write_text(json.dumps({"version": 1, "papers": papers}), encoding="utf-8")


def _write_bookmarks(path: Path, entries: int) -> None:
    marks = [Bookmark(key=f"2601.{n:05d}", title=f"Paper number {n}", url=f"https://arxiv.org/abs/2601.{n:05d}",
                      added_at="2026-01-01T00:00:00Z") for n in range(entries)]
    path.write_text(json.dumps({"version": 1, "bookmarks": [m.to_dict() for m in marks]}), encoding="utf-8")


def _timed(action, times: int) -> list[float]:  # type: ignore[no-untyped-def]
    spent = []
    for n in range(times):
        started = time.perf_counter()
        action(n)
        spent.append(time.perf_counter() - started)
    return spent


def measure(entries: int, marks: int) -> dict[str, float]:
    with tempfile.TemporaryDirectory() as folder:
        base = Path(folder)
        _state_file(base / "readstate.json", entries)
        _write_bookmarks(base / "bookmarks.json", entries)
        started = time.perf_counter()
        state = ReadState(base / "readstate.json")
        opened = time.perf_counter() - started
        store = BookmarkStore(base / "bookmarks.json")
        # Interleaved, so a burst of load on the shared machine hits both the same way.
        mark_times, bookmark_times = [], []
        for n in range(marks):
            mark_times += _timed(lambda _: state.mark_read([f"2601.{(n * 7 + 1) % entries:05d}"]), 1)
            bookmark_times += _timed(lambda _: store.add(Bookmark(
                key=f"new.{n}", title=f"New {n}", url="https://arxiv.org/abs/2611.00001",
                added_at="2026-11-01T00:00:00Z")), 1)
        started = time.perf_counter()
        ReadState(base / "readstate.json").all()
        reopened = time.perf_counter() - started
        mark, bookmark = statistics.median(mark_times), statistics.median(bookmark_times)
        return {"entries": entries, "marks": marks, "mark_median_s": mark, "bookmark_median_s": bookmark,
                "mark_to_bookmark": mark / bookmark, "open_s": opened, "reopen_after_marks_s": reopened,
                "state_bytes": sum(p.stat().st_size for p in base.glob("readstate.json*") if p.is_file()),
                "load_average": os.getloadavg()[0]}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m paperdeck.bench.readstate", description=__doc__)
    parser.add_argument("--entries", type=int, default=100_000)
    parser.add_argument("--marks", type=int, default=15)
    parser.add_argument("--json", help="also write the figures to this file")
    args = parser.parse_args(argv)
    figures = measure(args.entries, args.marks)
    for name, value in figures.items():
        print(f"{name:>22}: {value:.4f}" if isinstance(value, float) else f"{name:>22}: {value}")
    if args.json:
        Path(args.json).write_text(json.dumps(figures, indent=1) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
