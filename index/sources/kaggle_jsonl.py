"""arXiv metadata snapshot (the Kaggle "Cornell-University/arxiv" JSON lines), read as a stream.

Why a stream: the full snapshot is about 4 GB; records are parsed one line at a time from the open file, so
memory stays flat whatever the file size, and progress (count and rate) is reported as it goes.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from functools import partial
from typing import IO, Any

from ..models import Paper, ParseWarning
from .fields import BadField, items, load_json, read_record, text
from .metadata import build_paper
from .reading import capped_lines

Progress = Callable[[int, int, str], None]
MAX_LINE_BYTES = 4 << 20  # real records are a few kilobytes; a longer line is crafted or a file cut wrongly


def iter_kaggle_jsonl(handle: IO[bytes], source: str, warnings: list[ParseWarning],
                      progress: Progress | None = None, total_bytes: int = 0) -> Iterator[Paper]:
    started = time.perf_counter()
    count = 0
    for number, (raw, cut) in enumerate(capped_lines(handle, MAX_LINE_BYTES), start=1):
        if cut:
            warnings.append(ParseWarning(source, number, f"line longer than {MAX_LINE_BYTES >> 20} MB: skipped"))
            continue
        line = raw.strip()
        if not line:
            continue
        try:
            item = load_json(line.decode("utf-8", errors="replace"))
        except ValueError:
            torn = not raw.endswith(b"\n")
            warnings.append(ParseWarning(source, number, "torn last line (file cut off?): skipped" if torn
                                         else "not a JSON object: skipped"))
            continue
        if not isinstance(item, dict):
            warnings.append(ParseWarning(source, number, "not a JSON object: skipped"))
            continue
        paper = read_record(partial(_paper_from_record, item, source, number), warnings, source, number, "")
        if paper is None:
            continue
        count += 1
        if progress is not None and count % 1000 == 0:
            rate = count / max(time.perf_counter() - started, 1e-6)
            progress(handle.tell() if total_bytes else count, total_bytes or count,
                     f"{count:,} records ({rate:,.0f}/s)")
        yield paper


def _paper_from_record(item: dict[str, Any], source: str, line: int) -> Paper | None:
    """One record's paper; a field of the wrong type raises ``BadField`` (the line is skipped, the rest load)."""
    parsed = items(item, "authors_parsed", list, "a list of [last, first, suffix] lists")
    if parsed:
        authors = []
        for parts in parsed:
            if not all(isinstance(part, str) for part in parts):
                raise BadField("authors_parsed", parts, "a list of [last, first, suffix] text lists")
            authors.append(" ".join(p for p in (parts[1:2] + parts[:1] + parts[2:3]) if p))
    else:
        authors = [a.strip() for a in (text(item, "authors") or "").replace(" and ", ",").split(",") if a.strip()]
    versions = items(item, "versions", dict, "a list of objects")
    first = text(versions[0], "created") if versions else None
    doi = (text(item, "doi") or "").split()
    return build_paper(
        source=source,
        title=text(item, "title"),
        abstract=text(item, "abstract") or "",
        arxiv_id=text(item, "id"),
        authors=authors,
        categories=(text(item, "categories") or "").split(),
        published=first or text(item, "update_date"),
        doi=doi[0] if doi else None,
        journal_ref=text(item, "journal-ref"),
        line=line,
    )
