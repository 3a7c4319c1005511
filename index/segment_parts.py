"""A large write in parts: each part a segment written beside the library's index, all adopted by one commit.

Why: ``PaperdeckWriter``'s posting pool holds a segment's postings in memory until the segment is flushed; one
segment for a whole large library held them all at once (most of a build's peak memory). Writing every
``PART_SIZE`` papers as its own segment bounds that, and committing the parts together keeps the write atomic:
readers see the library before the write or after it, never a part of it.

How, through Whoosh's public API: each part is a temporary index (``index.part-<pid>-<n>`` beside the
library's) written and committed by its own writer; its segment's files (``Segment.list_files``) are moved into
the library's index folder, and the library's writer, which holds the lock and made the deletions, commits with
a merge function (``commit(mergetype=...)``, Whoosh's documented hook for choosing the segment list) that keeps
Whoosh's usual small-segment merging and adds the parts' segments. If anything fails before the commit, the
part folders are removed and moved files that no table of contents names are deleted by Whoosh's next commit;
part folders of a killed process are removed at the next start (``leftovers.py``).
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable
from pathlib import Path

from whoosh import index as windex
from whoosh.writing import MERGE_SMALL

from .bulk_writer import PaperdeckWriter

PART_SIZE = 20_000  # papers per segment in a large write: bounds the writer's memory (see module doc)


class SegmentParts:
    """Documents added here are written ``PART_SIZE`` at a time into part indexes beside ``directory``."""

    def __init__(self, directory: Path, schema, indexname: str,  # type: ignore[no-untyped-def]
                 share: int = 1) -> None:
        """``share``: how many processes write parts side by side; each writes parts that much smaller, so
        together they hold no more than one process would."""
        self.part_size = max(1, PART_SIZE // share)
        self.directory = directory
        self.schema = schema
        self.indexname = indexname
        self.folders: list[Path] = []
        self._writer: PaperdeckWriter | None = None
        self._count = 0

    def add_document(self, **fields: object) -> None:
        if self._writer is None or self._count >= self.part_size:
            self._finish_part()
            folder = self.directory.with_name(f"index.part-{os.getpid()}-{len(self.folders)}")
            shutil.rmtree(folder, ignore_errors=True)
            folder.mkdir()
            self.folders.append(folder)
            self._writer = PaperdeckWriter(windex.create_in(str(folder), self.schema, indexname=self.indexname))
            self._count = 0
        self._writer.add_document(**fields)
        self._count += 1

    def _finish_part(self) -> None:
        if self._writer is not None:
            writer, self._writer = self._writer, None
            writer.commit(merge=False)

    def finish(self) -> list[Path]:
        """Commit the last part; the part folders, in order."""
        self._finish_part()
        return list(self.folders)

    def adopt(self, more: list[Path] | None = None) -> Callable[[object, list], list]:
        """Finish the last part, move every part's segment (these parts, then the ``more`` folders written by
        other processes) into ``directory``; returns the merge function for the library writer's
        ``commit(mergetype=...)``."""
        self.folders += more or []
        segments = []
        for folder in self.finish():
            part = windex.open_dir(str(folder), indexname=self.indexname)
            with part.reader() as reader:
                found = [leaf.segment() for leaf, _ in reader.leaf_readers()]
            for segment in found:
                for name in segment.list_files(part.storage):
                    os.replace(folder / name, self.directory / name)
            segments += found

        def with_parts(writer, existing: list) -> list:  # type: ignore[no-untyped-def]
            return MERGE_SMALL(writer, existing) + segments

        return with_parts

    def discard(self) -> None:
        """Remove the part folders (after the commit, or after a failure)."""
        if self._writer is not None:
            writer, self._writer = self._writer, None
            writer.cancel()
        for folder in self.folders:
            shutil.rmtree(folder, ignore_errors=True)
        self.folders = []
