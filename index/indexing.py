"""Writing papers into the Whoosh index: a whole index from a record store, or a set of changed keys.

Why its own module: how documents are written (paperdeck's writer, segment parts for a large write, the
vocabulary counted alongside, a failed commit always cancelled) is the part of the library that performance work changes; the facade in
``library.py`` only decides when to write and keeps the stamps.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from pathlib import Path

from whoosh import index as windex

from .bulk_writer import PaperdeckWriter
from .documents import paper_document
from .models import Paper
from .schema import build_schema
from . import segment_parts
from .store import RecordStore
from .vocabulary import WordCounts, paper_words

READ_CHUNK = 200  # records read from the store in one query while indexing
Report = Callable[[int, int, str], None]
def build_index(directory: Path, store: RecordStore, report: Report) -> None:
    """A new index of every paper in ``store`` in the empty ``directory``; the vocabulary goes to ``store``."""
    ix = windex.create_in(str(directory), build_schema())
    total = store.count()
    words = WordCounts()
    analyzer = ix.schema["abstract"].analyzer

    def write(add: Callable[..., None], _delete: Callable[[str], None]) -> None:
        for n, paper in enumerate(store.iter_papers()):
            if n % READ_CHUNK == 0:
                report(n, total, "indexing papers")
            add(**paper_document(paper))
            words.add_paper(analyzer, paper)

    _write(ix, directory, total, write)
    store.add_words(words.rows())


def index_keys(ix: windex.Index, directory: Path, store: RecordStore, keys: set[str], report: Report,
               timeout: float, previous: dict[str, Paper] | None = None) -> None:
    """Bring the index in ``directory`` in line with the record store for ``keys`` (one commit); ``previous``
    are the records those keys held before, whose words are counted out of the vocabulary."""
    words = WordCounts()
    analyzer = ix.schema["abstract"].analyzer
    for old in (previous or {}).values():
        words.remove(paper_words(analyzer, old))

    def write(add: Callable[..., None], delete: Callable[[str], None]) -> None:
        ordered = sorted(keys)
        for start in range(0, len(ordered), READ_CHUNK):
            chunk = ordered[start:start + READ_CHUNK]
            report(start, len(ordered), "indexing papers")
            records = store.get_many(chunk)
            for key in chunk:
                delete(key)
                paper = records.get(key)
                if paper is not None:
                    add(**paper_document(paper))
                    words.add_paper(analyzer, paper)

    _write(ix, directory, len(keys), write, timeout)
    store.add_words(words.rows())


def _write(ix: windex.Index, directory: Path, count: int,
           write: Callable[[Callable[..., None], Callable[[str], None]], None], timeout: float = 0.0) -> None:
    """Run ``write(add, delete)`` against one writer and commit once; a large write adds its documents in
    segment parts (``segment_parts.py``). A failure cancels everything (the write lock is never kept)."""
    writer = PaperdeckWriter(ix, timeout=timeout)
    parts = (segment_parts.SegmentParts(directory, ix.schema, ix.indexname)
             if count >= segment_parts.PART_SIZE else None)
    delete = partial(writer.delete_by_term, "key")
    try:
        write(parts.add_document if parts else writer.add_document, delete)
        if parts:
            writer.commit(mergetype=parts.adopt())
        else:
            writer.commit()
    except BaseException:
        if not writer.is_closed:
            writer.cancel()  # a failed commit must not keep Whoosh's write lock for the rest of the process
        raise
    finally:
        if parts:
            parts.discard()
