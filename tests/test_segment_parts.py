"""A large write is written in segment parts and committed once: the library answers exactly as when written as
one segment, a failure half-way changes nothing (no part folder or lock left behind), and a killed process's
part folders are removed at the next start."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from paperdeck.bench.synthetic import write_pages
from paperdeck.index import segment_parts
from paperdeck.index.library import Library
from paperdeck.index.models import SearchRequest

@pytest.fixture(params=["1", "2"], ids=["one process", "two processes"])
def procs(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> str:
    """Large writes in this process, or in two forked ones (even inside a test runner with helper threads)."""
    from paperdeck.index import indexing, parse_ahead
    monkeypatch.setenv("PAPERDECK_INDEX_PROCS", request.param)
    monkeypatch.setattr(parse_ahead.os, "cpu_count", lambda: 2)
    monkeypatch.setattr(indexing.threading, "active_count", lambda: 1)
    real = indexing.write_shares
    calls.clear()

    def counted(*args, **kwargs):  # type: ignore[no-untyped-def]
        calls.append(args[3])
        return real(*args, **kwargs)

    monkeypatch.setattr(indexing, "write_shares", counted)
    return request.param


calls: list[object] = []  # the key lists written by forked processes in the current test


QUERIES = ("", "attention", "sparse attention", "\"language model\"", "diffusion OR retrieval", "learn*")


def answers(library: Library) -> dict[str, object]:
    out: dict[str, object] = {}
    for q in QUERIES:
        results = library.search(SearchRequest(query=q, page_size=30))
        out[q] = (results.total, [(h.paper.key, round(h.score, 6)) for h in results.hits],
                  {f: v for f, v in results.facets.items() if f in ("listed", "has_code", "year")})
    return out


def segments(home: Path) -> int:
    return len([p for p in (home / "cache" / "index").iterdir() if p.suffix == ".pdp"])


def build(home: Path, corpus: Path, monkeypatch: pytest.MonkeyPatch, part_size: int) -> dict[str, object]:
    monkeypatch.setenv("PAPERDECK_HOME", str(home))
    monkeypatch.setattr(segment_parts, "PART_SIZE", part_size)
    with Library() as library:
        library.add([corpus])
        library.rebuild()  # the other writer: a whole new index
        library.add([corpus])  # unchanged: nothing written
        found = answers(library)
    return found


def test_parts_answer_exactly_as_one_segment(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, procs: str) -> None:
    corpus = tmp_path / "corpus"
    write_pages(corpus, 300)
    one = build(tmp_path / "one", corpus, monkeypatch, 1_000_000)
    parts = build(tmp_path / "parts", corpus, monkeypatch, 70)
    assert segments(tmp_path / "one") == 1
    assert segments(tmp_path / "parts") >= 10  # the seeds and the corpus, 70 papers a segment
    assert parts == one
    assert bool(calls) == (procs == "2")  # the parts were written by two forked processes, or by this one
    assert one[""][0] == 456 + 300  # type: ignore[index]
    assert not list((tmp_path / "parts" / "cache").glob("index.part-*"))


def test_a_failure_half_way_changes_nothing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                           seeded_home: Path, procs: str) -> None:
    monkeypatch.setattr(segment_parts, "PART_SIZE", 40)
    corpus = tmp_path / "corpus"
    write_pages(corpus, 200)
    real = segment_parts.SegmentParts.add_document
    added = []

    def failing(self, **fields):  # type: ignore[no-untyped-def]
        added.append(fields["key"])
        if len(added) == 90:  # two parts written, the third under way (in each process)
            raise OSError(28, "No space left on device")
        real(self, **fields)

    with Library() as library:
        before = answers(library)
        monkeypatch.setattr(segment_parts.SegmentParts, "add_document", failing)
        with pytest.raises(OSError, match="No space"):
            library.add([corpus])
        monkeypatch.setattr(segment_parts.SegmentParts, "add_document", real)
        assert not list((seeded_home / "cache").glob("index.part-*"))
        assert answers(library) == before  # the index is as it was: no part of the write was committed
    with Library() as library:  # the next start catches up (the stamps say the write did not finish)
        library.add([corpus])
        assert library.search("").total == 456 + 200
        assert segments(seeded_home) >= 2
        again = answers(library)
    assert again["attention"][0] > before["attention"][0]  # type: ignore[index]


def test_a_killed_writers_part_folders_go_at_the_next_start(seeded_home: Path) -> None:
    dead = 2 ** 22 + 12345  # above the kernel's default pid_max: no such process
    with pytest.raises(ProcessLookupError):
        os.kill(dead, 0)
    leftover = seeded_home / "cache" / f"index.part-{dead}-0"
    leftover.mkdir()
    (leftover / "MAIN_x.pdp").write_bytes(b"x" * 1000)
    with Library() as library:
        assert library.search("").total == 456
    assert not leftover.exists()
