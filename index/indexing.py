"""Writing papers into the Whoosh index: a whole index from a record store, or a set of changed keys.

Why its own module: how documents are written (paperdeck's writer, segment parts for a large write, the
vocabulary counted alongside, a failed commit always cancelled) is the part of the library that performance work changes; the facade in
``library.py`` only decides when to write and keeps the stamps.
"""

from __future__ import annotations

from collections.abc import Callable
import multiprocessing
import threading
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

from whoosh import index as windex

from .bulk_writer import PaperdeckWriter
from .documents import paper_document
from .models import Paper
from .parse_ahead import children_die_with_me, worker_processes
from .schema import build_schema
from . import segment_parts
from .store import RecordStore
from .vocabulary import WordCounts, paper_words

READ_CHUNK = 200  # records read from the store in one query while indexing
Report = Callable[[int, int, str], None]
def build_index(directory: Path, store: RecordStore, report: Report) -> None:
    """A new index of every paper in ``store`` in the empty ``directory``; the vocabulary goes to ``store``."""
    ix = windex.create_in(str(directory), build_schema())
    words = WordCounts()
    _write_keys(ix, directory, store, store.all_keys(), words, report, deletes=False)
    store.add_words(words.rows())


def index_keys(ix: windex.Index, directory: Path, store: RecordStore, keys: set[str], report: Report,
               timeout: float, previous: dict[str, Paper] | None = None) -> None:
    """Bring the index in ``directory`` in line with the record store for ``keys`` (one commit); ``previous``
    are the records those keys held before, whose words are counted out of the vocabulary."""
    words = WordCounts()
    analyzer = ix.schema["abstract"].analyzer
    for old in (previous or {}).values():
        words.remove(paper_words(analyzer, old))
    _write_keys(ix, directory, store, sorted(keys), words, report, deletes=True, timeout=timeout)
    store.add_words(words.rows())


def _write_keys(ix: windex.Index, directory: Path, store: RecordStore, keys: list[str], words: WordCounts,
                report: Report, deletes: bool, timeout: float = 0.0) -> None:
    """Write ``keys``' current records (removing their old documents first when ``deletes``) with one commit.

    A large write is written in segment parts (``segment_parts.py``), by ``parallel_procs`` processes when
    this one may fork; a failure cancels everything, and the write lock is never kept."""
    writer = PaperdeckWriter(ix, timeout=timeout)
    parts = (segment_parts.SegmentParts(directory, ix.schema, ix.indexname)
             if len(keys) >= segment_parts.PART_SIZE else None)
    procs = parallel_procs(len(keys))
    try:
        if deletes:
            for key in keys:
                writer.delete_by_term("key", key)
        if parts is not None and procs > 1:
            report(0, len(keys), "indexing papers")
            folders, counted = write_shares(directory, store.path, ix.indexname, keys, procs)
            words.merge(counted)
            writer.commit(mergetype=parts.adopt(folders))
        else:
            _add_records(store, keys, parts.add_document if parts else writer.add_document, words, report)
            if parts is not None:
                writer.commit(mergetype=parts.adopt())
            else:
                writer.commit()
    except BaseException:
        if not writer.is_closed:
            writer.cancel()  # a failed commit must not keep Whoosh's write lock for the rest of the process
        raise
    finally:
        if parts is not None:
            parts.discard()


def _add_records(store: RecordStore, keys: list[str], add: Callable[..., None], words: WordCounts,
                 report: Report | None = None) -> None:
    analyzer = build_schema()["abstract"].analyzer
    for start in range(0, len(keys), READ_CHUNK):
        chunk = keys[start:start + READ_CHUNK]
        if report:
            report(start, len(keys), "indexing papers")
        records = store.get_many(chunk)
        for key in chunk:
            paper = records.get(key)
            if paper is not None:
                add(**paper_document(paper))
                words.add_paper(analyzer, paper)


# -- a large write in several processes --------------------------------------------------------------------------

def parallel_procs(count: int) -> int:
    """How many processes write ``count`` papers: two shares of segment parts from a large write, written side
    by side (analysing text and building postings is most of a build, and it parallelises); one otherwise.

    Only from a single-threaded process (the CLI): a fork taken while other threads hold locks (the app's
    workers) can deadlock the child. The app writes in its own process.
    """
    procs = worker_processes()
    if count < segment_parts.PART_SIZE or procs < 2 or threading.active_count() > 1:
        return 1
    return procs


def write_shares(directory: Path, store_path: Path, indexname: str, keys: list[str],
                 procs: int) -> tuple[list[Path], WordCounts]:
    """``keys`` in ``procs`` contiguous shares, each written as segment parts by a forked process; the part
    folders in key order and the words they counted. A failing share raises here (its parts are removed by
    it; a killed one's at the next start)."""
    shares = [keys[i * len(keys) // procs:(i + 1) * len(keys) // procs] for i in range(procs)]
    with children_die_with_me(), ProcessPoolExecutor(procs, mp_context=multiprocessing.get_context("fork")) as pool:
        futures = [pool.submit(_write_share, directory, store_path, indexname, share, procs) for share in shares]
        results = [future.result() for future in futures]
    words = WordCounts()
    for _, counted in results:
        words.merge(counted)
    return [folder for folders, _ in results for folder in folders], words


def _write_share(directory: Path, store_path: Path, indexname: str, keys: list[str],
                 procs: int) -> tuple[list[Path], WordCounts]:
    """In a forked process: one share's documents as segment parts (its own connection to the store)."""
    store = RecordStore(store_path)
    parts = segment_parts.SegmentParts(directory, build_schema(), indexname, share=procs)
    words = WordCounts()
    try:
        _add_records(store, keys, parts.add_document, words)
        return parts.finish(), words
    except BaseException:
        parts.discard()
        raise
    finally:
        store.close()
