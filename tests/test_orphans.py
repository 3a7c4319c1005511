"""SIGKILL of `paperdeck add` or `rebuild` leaves no forked worker running and no half-built index (issue 11,
case 7). The workers are the parse-ahead processes (``parse_ahead.py``) a large add or a rebuild forks. Real
processes and a real SIGKILL; the test waits on the processes themselves (pidfd), not on time.
"""

from __future__ import annotations

import os
import select
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from conftest import UNIQUE_SEED_PAPERS
from paperdeck.index.library import Library

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(not sys.platform.startswith("linux") or (os.cpu_count() or 1) < 2,
                       reason="forked parse workers need Linux and two cores"),
]

ABSTRACT = ("We study a problem in depth. Our method improves results by a wide margin on many benchmarks and "
            "datasets. It is simple to implement and fast to run on commodity hardware at any scale.")
FILES, PER_FILE = 5, 1200  # enough files to parse ahead, enough papers to keep the workers alive a while
BIG = FILES * PER_FILE
POLL = 0.02  # interval between looks at /proc while waiting for the workers to be forked


def dump(path: Path, count: int, word: str) -> Path:
    path.write_text("".join(f"{word.capitalize()} Paper Number {i}\n\n{ABSTRACT} {word}{i}\n\n" for i in range(count)))
    return path


def children(pid: int) -> set[int]:
    found = set()
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except (OSError, IndexError):
            continue
        if int(fields[1]) == pid and fields[0] != "Z":
            found.add(int(stat.parent.name))
    return found


def wait_for_workers(proc: subprocess.Popen, also: Path | None = None) -> set[int]:
    deadline = time.monotonic() + 600
    while time.monotonic() < deadline:
        assert proc.poll() is None, proc.communicate()
        kids = children(proc.pid)
        if len(kids) >= 2 and (also is None or also.exists()):
            return kids
        time.sleep(POLL)
    raise AssertionError("the parse workers were never forked")


def wait_exited(pids: set[int], timeout: float) -> set[int]:
    """The pids still running after ``timeout`` seconds (each waited on through a pidfd)."""
    running = set()
    for pid in pids:
        try:
            fd = os.pidfd_open(pid)
        except ProcessLookupError:
            continue
        try:
            readable, _, _ = select.select([fd], [], [], timeout)
            if not readable:
                running.add(pid)
        finally:
            os.close(fd)
    return running


def cli(home: Path, *args: str) -> subprocess.Popen:
    env = {**os.environ, "PAPERDECK_HOME": str(home), "PAPERDECK_INDEX_PROCS": "2"}
    return subprocess.Popen([sys.executable, "-m", "paperdeck.index", *args], env=env, text=True,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)


def test_sigkill_of_add_and_rebuild_leaves_no_worker_and_no_half_built_index(seeded_home: Path,
                                                                                   tmp_path: Path) -> None:
    big = tmp_path / "big"
    big.mkdir()
    for n in range(FILES):
        dump(big / f"part{n}.txt", PER_FILE, f"zebra{n}x")
    add = cli(seeded_home, "add", str(big))
    kids = wait_for_workers(add)
    add.send_signal(signal.SIGKILL)
    add.communicate()
    assert wait_exited(kids, timeout=60) == set()  # they were still alive 31 minutes later before the fix

    done = cli(seeded_home, "add", str(big))
    out, err = done.communicate(timeout=600)
    assert done.returncode == 0, err

    rebuild = cli(seeded_home, "rebuild")
    half_built = seeded_home / "cache" / f"index.new-{rebuild.pid}"
    kids = wait_for_workers(rebuild, also=half_built)
    rebuild.send_signal(signal.SIGKILL)
    rebuild.communicate()
    assert wait_exited(kids, timeout=60) == set()
    assert half_built.exists()

    with Library() as library:
        assert any(m.startswith("removed ") and "leftover cop" in m for m in library.messages), library.messages
        assert library.stats().papers == UNIQUE_SEED_PAPERS + BIG
        assert library.search("zebra3x7").total == 1
    assert not half_built.exists()
    assert list((seeded_home / "cache").glob("index.new-*")) == []
    assert list((seeded_home / "cache").glob("records.sqlite3.new*")) == []  # the killed rebuild's store too
