"""arXiv metadata snapshot (the Kaggle "Cornell-University/arxiv" JSON lines), read as a stream.

Why a stream: the full snapshot is about 4 GB; records are parsed one line at a time from the open file, so
memory stays flat whatever the file size, and progress (count and rate) is reported as it goes.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Iterator
from typing import IO, Any

from ..models import Paper, ParseWarning
from .metadata import build_paper

Progress = Callable[[int, int, str], None]


def iter_kaggle_jsonl(handle: IO[bytes], source: str, warnings: list[ParseWarning],
                      progress: Progress | None = None, total_bytes: int = 0) -> Iterator[Paper]:
    started = time.perf_counter()
    count = 0
    for number, raw in enumerate(handle, start=1):
        line = raw.strip()
        if not line:
            continue
        try:
            item = json.loads(line.decode("utf-8", errors="replace"))
        except ValueError:
            torn = not raw.endswith(b"\n")
            warnings.append(ParseWarning(source, number, "torn last line (file cut off?): skipped" if torn
                                         else "not a JSON object: skipped"))
            continue
        if not isinstance(item, dict):
            warnings.append(ParseWarning(source, number, "not a JSON object: skipped"))
            continue
        paper = _paper_from_record(item, source, number)
        if paper is None:
            warnings.append(ParseWarning(source, number, "no title: skipped"))
            continue
        count += 1
        if progress is not None and count % 1000 == 0:
            rate = count / max(time.perf_counter() - started, 1e-6)
            progress(handle.tell() if total_bytes else count, total_bytes or count,
                     f"{count:,} records ({rate:,.0f}/s)")
        yield paper


def _paper_from_record(item: dict[str, Any], source: str, line: int) -> Paper | None:
    parsed = item.get("authors_parsed")
    if isinstance(parsed, list) and parsed:
        authors = [" ".join(p for p in (parts[1:2] + parts[:1] + parts[2:3]) if p)
                   for parts in parsed if isinstance(parts, list)]
    else:
        authors = [a.strip() for a in str(item.get("authors") or "").replace(" and ", ",").split(",") if a.strip()]
    versions = item.get("versions") or []
    first = versions[0].get("created") if versions and isinstance(versions[0], dict) else None
    return build_paper(
        source=source,
        title=item.get("title"),
        abstract=item.get("abstract") or "",
        arxiv_id=item.get("id"),
        authors=authors,
        categories=str(item.get("categories") or "").split(),
        published=first or item.get("update_date"),
        doi=(str(item.get("doi")).split()[0] if item.get("doi") else None),
        journal_ref=item.get("journal-ref"),
        line=line,
    )
