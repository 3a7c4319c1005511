"""Parsing source files ahead of the writer, in forked worker processes, when a batch is large.

Why: a large ``add`` or a rebuild reads and parses every file in the library's process, then stores and indexes
them. Parsing is pure (bytes in, papers and warnings out) and independent per file, and while one process
parses, the other core has nothing to do; worker processes parse the next files while the library stores the
current one. Results come back in the order of the files, so what is stored, and every report, is the same as
with serial parsing.

Only from a single-threaded process (the CLI), for the reason ``indexing.writer_options`` gives: a fork taken
while other threads hold locks can deadlock the child. Files too large to hold in memory (``open_source``
streams them) are parsed in the library's process, as is any file whose worker failed in an unexpected way, so
the error the user sees is the one serial parsing would raise.
"""

from __future__ import annotations

import ctypes
import multiprocessing
import os
import signal
import sys
import threading
from collections import deque
from collections.abc import Iterator
from contextlib import contextmanager
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from typing import Any

from .models import Paper, SourceRejected
from .source_files import Progress, SourceFile

PARSE_AHEAD_FILES = 4  # a batch with fewer changed files than this is parsed serially (no fork)
IN_MEMORY_LIMIT = 64 << 20  # bytes: larger files are streamed by ``open_source`` in the library's process
Outcome = tuple[list[Paper], list] | SourceRejected | OSError
_jobs: list[tuple[SourceFile, int | None]] = []  # inherited by the forked workers
_PR_SET_PDEATHSIG = 1  # <linux/prctl.h>
_forking_parent: int | None = None  # set while this process may fork parse workers


def _die_with_parent() -> None:
    """In a forked worker: ask the kernel to SIGKILL this process when its parent dies.

    Why: a ``paperdeck add`` or ``rebuild`` killed with SIGKILL has no chance to stop the processes it forked;
    forked writers once kept running (and holding hundreds of MB) for as long as their input stayed open.
    """
    parent = _forking_parent
    if parent is None:
        return
    try:
        ctypes.CDLL(None, use_errno=True).prctl(_PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
    except (OSError, AttributeError):
        return
    if os.getppid() != parent:  # the parent died between the fork and the prctl call
        os._exit(1)


if sys.platform.startswith("linux"):
    os.register_at_fork(after_in_child=_die_with_parent)


@contextmanager
def children_die_with_me() -> Iterator[None]:
    """While parse workers run, every process this one forks is killed by the kernel if this one dies."""
    global _forking_parent
    _forking_parent = os.getpid()
    try:
        yield
    finally:
        _forking_parent = None


def _parse_job(index: int) -> tuple[Any, ...]:
    """In a worker: parse one file completely. Errors are returned as plain values (custom exceptions do not
    always survive pickling); anything unexpected is left to the library's process to raise."""
    source, year = _jobs[index]
    try:
        papers, warnings = source.open(year)
        return ("ok", list(papers), list(warnings))
    except SourceRejected as err:
        return ("rejected", err.source, err.reason)
    except OSError as err:
        return ("oserror", err.errno, err.strerror or str(err), err.filename)
    except Exception:  # noqa: BLE001 - re-raised by the serial parse in the library's process
        return ("again",)


def _outcome(source: SourceFile, year: int | None, result: tuple[Any, ...], progress: Progress | None) -> Outcome:
    kind = result[0]
    if kind == "ok":
        return result[1], result[2]
    if kind == "rejected":
        return SourceRejected(result[1], result[2])
    if kind == "oserror":
        return OSError(result[1], result[2], result[3])
    return parse_here(source, year, progress)


def parse_here(source: SourceFile, year: int | None, progress: Progress | None) -> Outcome:
    """Parse in this process (papers may be streamed); the errors a caller reports are returned, not raised."""
    try:
        return source.open(year, progress)
    except (SourceRejected, OSError) as err:
        return err


def worker_processes() -> int:
    """Processes a large write may use: the cores, at most ``PAPERDECK_INDEX_PROCS`` (default 2)."""
    return min(os.cpu_count() or 1, int(os.environ.get("PAPERDECK_INDEX_PROCS", "2")))


def _size(source: SourceFile) -> int:
    if source.data is not None:
        return len(source.data)
    try:
        return source.path.stat().st_size if source.path is not None else 0
    except OSError:
        return 0


def parsed_in_order(sources: list[SourceFile], year: int | None,
                    progress: Progress | None = None) -> Iterator[tuple[SourceFile, Outcome]]:
    """Each source with its papers and warnings, or the ``SourceRejected``/``OSError`` its parse raised."""
    procs = worker_processes()
    small = [s for s in sources if _size(s) <= IN_MEMORY_LIMIT]
    if procs < 2 or len(small) < PARSE_AHEAD_FILES or threading.active_count() > 1:
        for source in sources:
            yield source, parse_here(source, year, progress)
        return
    global _jobs
    _jobs = [(s, year) for s in sources]
    window = procs * 2  # parsed files waiting for the writer: bounds the memory held by finished results
    try:
        with children_die_with_me(), \
                ProcessPoolExecutor(procs, mp_context=multiprocessing.get_context("fork")) as pool:
            pending: deque[tuple[int, Future | None]] = deque()
            ahead = iter(range(len(sources)))

            def submit() -> None:
                for index in ahead:
                    job = None
                    if _size(sources[index]) <= IN_MEMORY_LIMIT:
                        try:
                            job = pool.submit(_parse_job, index)
                        except BrokenProcessPool:
                            pass
                    pending.append((index, job))
                    return

            for _ in range(window):
                submit()
            while pending:
                index, job = pending.popleft()
                submit()
                source = sources[index]
                try:
                    result = job.result() if job is not None else ("again",)
                except BrokenProcessPool:  # a worker died (killed, out of memory): parse it here instead
                    result = ("again",)
                yield source, _outcome(source, year, result, progress)
    finally:
        _jobs = []
