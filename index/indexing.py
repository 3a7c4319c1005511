"""Writing papers into the Whoosh index: a whole index from a record store, or a set of changed keys.

Why its own module: how documents are written (parallel sub-writers, the vocabulary counted alongside, a
failed commit always cancelled) is the part of the library that performance work changes; the facade in
``library.py`` only decides when to write and keeps the stamps.
"""

from __future__ import annotations

import ctypes
import os
import signal
import sys
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from whoosh import index as windex

from .codec import PaperdeckCodec
from .documents import paper_document
from .models import Paper
from .schema import build_schema
from .store import RecordStore
from .vocabulary import WordCounts, paper_words

PARALLEL_BATCH = 2000  # papers in one write from which indexing is split across processes
READ_CHUNK = 200  # records read from the store in one query while indexing
Report = Callable[[int, int, str], None]
_PR_SET_PDEATHSIG = 1  # <linux/prctl.h>
_forking_parent: int | None = None  # set while a parallel writer may fork its sub-writers


def _die_with_parent() -> None:
    """In a forked sub-writer: ask the kernel to SIGKILL this process when its parent dies.

    Why: a ``paperdeck add`` or ``rebuild`` killed with SIGKILL has no chance to stop the sub-writers Whoosh
    forked; they kept running (and holding hundreds of MB) for as long as their input queue stayed open.
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
def children_die_with_me(options: dict[str, object]) -> Iterator[None]:
    """While a parallel writer runs, every process it forks is killed by the kernel if this one dies."""
    global _forking_parent
    if "procs" not in options:
        yield
        return
    _forking_parent = os.getpid()
    try:
        yield
    finally:
        _forking_parent = None


def writer_options(batch: int) -> dict[str, object]:
    """Large batches are indexed by two Whoosh sub-processes, one segment each: analysing text is most of a
    build, and it parallelises (the README's Performance section has the figures).

    Only from a single-threaded process (the CLI): Whoosh forks its sub-writers, and a fork taken while other
    threads hold locks (the app's workers) can deadlock the child. The app indexes serially.
    """
    # Separate segment files, not Whoosh's compound file: a reader copies each part of a compound file into
    # memory (all the postings of a large library), while separate files are mapped in place.
    # Written through paperdeck's codec (``codec.py``): postings and lengths as arrays the evaluator maps.
    options: dict[str, object] = {"compound": False, "codec": PaperdeckCodec()}
    procs = min(os.cpu_count() or 1, int(os.environ.get("PAPERDECK_INDEX_PROCS", "2")))
    if batch < PARALLEL_BATCH or procs < 2 or threading.active_count() > 1:
        return options
    return {**options, "procs": procs, "multisegment": True, "batchsize": 200}


def build_index(directory: Path, store: RecordStore, report: Report) -> None:
    """A new index of every paper in ``store`` in the empty ``directory``; the vocabulary goes to ``store``."""
    ix = windex.create_in(str(directory), build_schema())
    total = store.count()
    options = writer_options(total)
    with children_die_with_me(options):
        writer = ix.writer(**options)
        words = WordCounts()
        analyzer = ix.schema["abstract"].analyzer
        try:
            for n, paper in enumerate(store.iter_papers()):
                if n % 50 == 0:
                    report(n, total, "indexing papers")
                writer.add_document(**paper_document(paper))
                words.add_paper(analyzer, paper)
            writer.commit()
        except BaseException:
            writer.cancel()
            raise
    store.add_words(words.rows())


def index_keys(ix: windex.Index, store: RecordStore, keys: set[str], report: Report, timeout: float,
               previous: dict[str, Paper] | None = None) -> None:
    """Bring the index in line with the record store for ``keys`` (one commit); ``previous`` are the records
    those keys held before, whose words are counted out of the vocabulary."""
    options = writer_options(len(keys))
    with children_die_with_me(options):
        writer = ix.writer(timeout=timeout, **options)
        words = WordCounts()
        analyzer = ix.schema["abstract"].analyzer
        for old in (previous or {}).values():
            words.remove(paper_words(analyzer, old))
        try:
            ordered = sorted(keys)
            for start in range(0, len(ordered), READ_CHUNK):
                chunk = ordered[start:start + READ_CHUNK]
                report(start, len(ordered), "indexing papers")
                records = store.get_many(chunk)
                for key in chunk:
                    paper = records.get(key)
                    if paper is None:
                        writer.delete_by_term("key", key)
                    else:
                        writer.update_document(**paper_document(paper))
                        words.add_paper(analyzer, paper)
            writer.commit()
        except BaseException:
            writer.cancel()  # a failed commit must not keep Whoosh's write lock for the rest of the process
            raise
    store.add_words(words.rows())
