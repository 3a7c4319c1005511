"""Faults that must never be taken for damage (issue 11): a bug while searching, another process writing, a
full disk; and the bound on what recoveries leave in the cache.

Each test injects the fault and checks what holds afterwards: nothing renamed, no rebuild, one clear error,
and the library still answering.
"""

from __future__ import annotations

import errno
import os
import sqlite3
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from conftest import UNIQUE_SEED_PAPERS
from paperdeck.index import fastpath, recovery
from paperdeck.index.cli import main
from paperdeck.index.library import Library, LibraryBusy
from paperdeck.index.store import RecordStore

ABSTRACT = ("We study a problem in depth. Our method improves results by a wide margin on many benchmarks and "
            "datasets. It is simple to implement and fast to run on commodity hardware at any scale.")


def _kept_aside(home: Path) -> list[str]:
    return sorted(p.name for p in (home / "cache").iterdir() if ".corrupt-" in p.name)


def _index_identity(home: Path) -> int:
    return (home / "cache" / "index").stat().st_ino


# -- 1. only confirmed damage is recovered -----------------------------------------------------------------------

def test_an_exception_in_the_evaluator_surfaces_and_nothing_is_rebuilt(library, seeded_home: Path,
                                                                        monkeypatch) -> None:
    before = _index_identity(seeded_home)

    def broken(self, q, cancel=None):
        raise IndexError("index 7 is out of bounds for axis 0 with size 3")
    monkeypatch.setattr(fastpath.QueryEvaluator, "evaluate", broken)
    for query in ("sparse attention", "sparse attention models"):
        with pytest.raises(IndexError, match="out of bounds"):
            library.search(query)
    assert library.messages == []
    assert _kept_aside(seeded_home) == []
    assert _index_identity(seeded_home) == before  # the same index folder: no rebuild swapped one in


def test_a_failed_read_of_a_healthy_index_is_checked_and_not_moved(library, seeded_home: Path,
                                                                   monkeypatch) -> None:
    """The read layer reports a failure as IndexDamaged; the integrity check finds the files whole, so the
    original error surfaces, once checked and never again for this index generation."""
    before = _index_identity(seeded_home)
    checks = []
    real_confirm = recovery.confirm_damage

    def counting_confirm(index_dir, damage):
        checks.append(damage.reason)
        return real_confirm(index_dir, damage)

    def misdecoding(matcher):
        raise IndexError("a decoding bug, not a torn block")
    monkeypatch.setattr(recovery, "confirm_damage", counting_confirm)
    monkeypatch.setattr(fastpath, "_read_matcher", misdecoding)
    with pytest.raises(IndexError, match="decoding bug"):
        library.search("sparse attention")
    with pytest.raises(Exception, match="unreadable"):
        library.search("sparse attention")
    assert len(checks) == 1
    assert _kept_aside(seeded_home) == [] and library.messages == []
    assert _index_identity(seeded_home) == before
    monkeypatch.undo()
    assert library.search("sparse attention").total == 12


# -- 2. locked and busy are never damage -------------------------------------------------------------------------

HOLDER = textwrap.dedent("""
    import sqlite3, sys
    from paperdeck.index import locations
    from paperdeck.index.durable import file_lock
    from paperdeck.index.integrity import write_stamp
    take_lock = sys.argv[1] == "lock"
    lock = file_lock(locations.library_lock_path())
    if take_lock:  # as `paperdeck add` does: the library lock, the stamps marked, then a long transaction
        lock.acquire()
        write_stamp(locations.index_dir(), "writing")
    db = sqlite3.connect(locations.record_store_path(), isolation_level=None)
    if take_lock:
        db.execute("UPDATE meta SET value='writing' WHERE name='stamp'")
    db.execute("BEGIN IMMEDIATE")
    db.execute("INSERT INTO meta(name, value) VALUES ('holder', 'mid-write')")
    print("holding", flush=True)
    sys.stdin.readline()
    db.execute("ROLLBACK")
""")


def start_writer(home: Path, mode: str) -> subprocess.Popen[str]:
    """Another process mid-write: holding the library lock (``"lock"``) or only an SQLite write transaction
    (``"transaction"``); it returns once the process says it holds them, and lets go at a line on stdin."""
    env = {**os.environ, "PAPERDECK_HOME": str(home)}
    proc = subprocess.Popen([sys.executable, "-c", HOLDER, mode], env=env, text=True,
                            stdin=subprocess.PIPE, stdout=subprocess.PIPE)
    assert proc.stdout is not None and proc.stdout.readline() == "holding\n"  # waits for the event itself
    return proc


@pytest.fixture
def writer_process(seeded_home: Path, request: pytest.FixtureRequest):
    proc = start_writer(seeded_home, request.param)
    yield proc
    proc.communicate("done\n", timeout=60)


@pytest.mark.parametrize("writer_process", ["lock", "transaction"], indirect=True)
def test_readers_answer_while_another_process_writes_and_writers_are_told_busy(
        writer_process, seeded_home: Path, tmp_path: Path) -> None:
    store_inode = (seeded_home / "cache" / "records.sqlite3").stat().st_ino
    # A short write timeout: if opening or searching needed the lock or a write, this would fail fast.
    library = Library(write_timeout=0.3)
    try:
        assert library.search("sparse attention").total == 12
        assert library.stats().papers == UNIQUE_SEED_PAPERS
        new = tmp_path / "new.txt"
        new.write_text(f"A Paper Added While Busy\n\n{ABSTRACT}\n\n")
        with pytest.raises(LibraryBusy, match="^library busy"):
            library.add([new])
        assert library.search("sparse attention").total == 12  # the failed write changed nothing
    finally:
        library.close()
    assert _kept_aside(seeded_home) == []
    assert (seeded_home / "cache" / "records.sqlite3").stat().st_ino == store_inode  # never renamed


def test_after_the_writer_is_gone_the_library_is_whole(seeded_home: Path) -> None:
    proc = start_writer(seeded_home, "lock")
    with Library(write_timeout=0.3) as library:
        assert any(m.startswith("library busy") for m in library.messages)
    proc.communicate("done\n", timeout=60)
    with Library() as library:  # the marked stamps are now repaired under the lock
        assert library.search("sparse attention").total == 12
        assert library.stats().papers == UNIQUE_SEED_PAPERS
    assert _kept_aside(seeded_home) == []


# -- 3. a full disk is one line, nothing renamed ----------------------------------------------------------------

def _disk_full(*args, **kwargs):
    raise sqlite3.OperationalError("database or disk is full")


def test_disk_full_while_adding_is_one_line_and_changes_nothing(seeded_home: Path, tmp_path: Path,
                                                                monkeypatch, capsys) -> None:
    new = tmp_path / "new.txt"
    new.write_text(f"A Paper That Does Not Fit\n\n{ABSTRACT}\n\n")
    monkeypatch.setattr(RecordStore, "_store_source", _disk_full)
    for _ in range(3):
        assert main(["add", str(new)]) == 1
        err = capsys.readouterr().err
        assert err.count("\n") == 1 and "No space left on device" in err and "nothing was changed" in err
    monkeypatch.undo()
    assert _kept_aside(seeded_home) == []
    with Library() as library:
        assert library.messages == []  # the stamps were put back: no rebuild needed
        assert library.stats().papers == UNIQUE_SEED_PAPERS


def test_disk_full_while_opening_the_store_is_not_damage(seeded_home: Path, monkeypatch) -> None:
    monkeypatch.setattr(RecordStore, "check", _disk_full)
    with pytest.raises(OSError) as raised:
        Library()
    assert raised.value.errno == errno.ENOSPC
    assert main(["search", "sparse"]) == 1
    monkeypatch.undo()
    assert _kept_aside(seeded_home) == []
    with Library() as library:
        assert library.search("sparse attention").total == 12


# -- leftovers are bounded ---------------------------------------------------------------------------------------

def _dead_pid() -> int:
    proc = subprocess.Popen([sys.executable, "-c", "pass"])
    proc.wait()
    return proc.pid


def test_leftovers_keep_the_newest_copy_of_each_kind_and_report_the_space(seeded_home: Path) -> None:
    cache = seeded_home / "cache"
    for when in ("20260101-000000-11", "20260301-000000-12", "20260201-000000-13"):
        folder = cache / f"index.corrupt-{when}"
        folder.mkdir()
        (folder / "MAIN.pst").write_bytes(b"x" * 100_000)
        (cache / f"records.sqlite3.corrupt-{when}").write_bytes(b"y" * 50_000)
        (cache / f"records.sqlite3.corrupt-{when}-wal").write_bytes(b"z" * 10_000)
    dead = cache / f"index.new-{_dead_pid()}"
    dead.mkdir()
    (dead / "MAIN.pst").write_bytes(b"w" * 200_000)
    alive = cache / f"index.new-{os.getpid()}"
    alive.mkdir()
    with Library() as library:
        [message] = library.messages
        assert message == "removed 7 leftover copies from the cache (0.5 MB reclaimed)"
    assert _kept_aside(seeded_home) == ["index.corrupt-20260301-000000-12", "records.sqlite3.corrupt-20260301-000000-12",
                                        "records.sqlite3.corrupt-20260301-000000-12-wal"]
    assert not dead.exists() and alive.exists()  # a live process's folder is its own business
    alive.rmdir()


def test_a_write_after_reading_past_a_killed_writer_repairs_first(seeded_home: Path, tmp_path: Path) -> None:
    """Opened while another writer was mid-way (answering from its last commit); that writer then dies
    without finishing. The next write, under the lock, rebuilds the stale derived stores before adding, so
    the stamps it sets at the end never vouch for stale data."""
    proc = start_writer(seeded_home, "lock")
    with Library(write_timeout=60) as library:
        assert any(m.startswith("library busy") for m in library.messages)
        proc.communicate("done\n", timeout=60)  # it leaves its stamps marked "writing", as a killed add does
        new = tmp_path / "new.txt"
        new.write_text(f"A Paper Added After The Writer Died\n\n{ABSTRACT}\n\n")
        library.add([new])
        assert "index out of date with the source list: rebuilt" in library.messages
        assert library.stats().papers == UNIQUE_SEED_PAPERS + 1
    with Library() as library:
        assert library.messages == []
        assert library.search("sparse attention").total == 12
        assert library.stats().papers == library.search("").total == UNIQUE_SEED_PAPERS + 1
