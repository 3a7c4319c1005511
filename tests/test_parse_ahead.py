"""Parsing ahead in worker processes gives what serial parsing gives: the same papers, warnings, rejections and
errors, in the order of the files; and a library built that way holds the same papers."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from paperdeck.bench.synthetic import write_pages
from paperdeck.index import parse_ahead
from paperdeck.index.models import SourceRejected
from paperdeck.index.source_files import SourceFile

SEEDS = Path(__file__).resolve().parents[1] / "seeds"


def _sources(folder: Path) -> list[SourceFile]:
    write_pages(folder, 60, prefix="a")  # several pages of synthetic papers
    shutil.copy(next(SEEDS.glob("*.txt")), folder / "b_seed.txt")
    (folder / "c_rejected.json").write_text('{"neither": "a paper list"}', encoding="utf-8")
    (folder / "d_empty.txt").write_text("", encoding="utf-8")
    gone = folder / "e_gone.txt"
    files = sorted(folder.iterdir())
    sources = [SourceFile(str(p), p.name, None, p) for p in files]
    sources.append(SourceFile(str(gone), gone.name, None, gone))  # vanished between listing and reading
    return sources


def _summary(outcome: object) -> object:
    if isinstance(outcome, SourceRejected):
        return ("rejected", outcome.reason)
    if isinstance(outcome, OSError):
        return ("oserror", outcome.errno)
    papers, warnings = outcome  # type: ignore[misc]
    return ("ok", [p.to_dict() for p in papers], [str(w) for w in warnings])


@pytest.fixture
def forking(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """Parse ahead even inside a test runner with helper threads, and record which processes parsed."""
    monkeypatch.setattr(parse_ahead.threading, "active_count", lambda: 1)
    monkeypatch.setenv("PAPERDECK_INDEX_PROCS", "2")
    monkeypatch.setattr(parse_ahead.os, "cpu_count", lambda: 2)
    pids: list[int] = []
    monkeypatch.setattr(parse_ahead, "_parse_job", _recording_job)
    monkeypatch.setattr(parse_ahead, "_outcome", _recording_outcome(parse_ahead._outcome, pids))
    return pids


_REAL_JOB = parse_ahead._parse_job


def _recording_job(index: int) -> tuple[object, ...]:
    """Module level, so the worker can unpickle it by name: the real job plus the worker's pid."""
    result = _REAL_JOB(index)
    return (*result, os.getpid()) if result[0] == "ok" else result


def _dying_job(index: int) -> tuple[object, ...]:
    """The first job's worker dies as if the kernel killed it; the rest are left to the serial parse."""
    if index == 0:
        os._exit(1)
    return ("again",)


def _recording_outcome(real, pids: list[int]):  # type: ignore[no-untyped-def]
    def outcome(source, year, result, progress):  # type: ignore[no-untyped-def]
        if result[0] == "ok" and len(result) == 4:
            pids.append(result[3])
            result = result[:3]
        return real(source, year, result, progress)
    return outcome


def test_workers_give_what_serial_parsing_gives(tmp_path: Path, forking: list[int]) -> None:
    sources = _sources(tmp_path / "files")
    ahead = [(s.id, _summary(o)) for s, o in parse_ahead.parsed_in_order(sources, 2025)]
    serial = [(s.id, _summary(parse_ahead.parse_here(s, 2025, None))) for s in sources]
    assert ahead == serial
    assert [source_id for source_id, _ in ahead] == [s.id for s in sources]
    kinds = [summary[0] for _, summary in ahead]  # type: ignore[index]
    assert kinds.count("rejected") == 2 and kinds.count("oserror") == 1
    assert forking and os.getpid() not in forking  # the papers were parsed by worker processes


def test_a_worker_that_dies_is_replaced_by_a_serial_parse(tmp_path: Path, forking: list[int],
                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    sources = _sources(tmp_path / "files")
    monkeypatch.setattr(parse_ahead, "_parse_job", _dying_job)
    ahead = [(s.id, _summary(o)) for s, o in parse_ahead.parsed_in_order(sources, 2025)]
    serial = [(s.id, _summary(parse_ahead.parse_here(s, 2025, None))) for s in sources]
    assert ahead == serial


def test_library_built_with_workers_matches_serial(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                    forking: list[int]) -> None:
    from paperdeck.index.library import Library
    from paperdeck.index.models import SearchRequest
    from paperdeck.index.store import Manifest
    from paperdeck.index import locations

    results = {}
    for mode in ("1", "2"):
        monkeypatch.setenv("PAPERDECK_HOME", str(tmp_path / f"home{mode}"))
        monkeypatch.setenv("PAPERDECK_INDEX_PROCS", mode)
        Manifest(locations.manifest_path()).save()  # an empty library
        folder = tmp_path / f"files{mode}"
        sources = _sources(folder)
        with Library() as library:
            reports = library.add([folder])
            keys = sorted(h.paper.key for h in library.search(SearchRequest(query="", page_size=1000)).hits)
            results[mode] = ([(Path(r.source).name, r.status, r.papers, r.reason) for r in reports], keys)
        assert sources
    assert results["1"] == results["2"]
    assert len(results["2"][1]) > 60
    assert forking  # the second library's files were parsed ahead
