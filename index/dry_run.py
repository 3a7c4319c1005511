"""``paperdeck add --dry-run``: what adding these files would bring, read with the same parsers, nothing stored.

Why its own module: the user needs to see, before anything changes, which format each file was taken for and
what came out of it (titles, ids, dates, the start of each abstract, the warnings), so a capture read the wrong
way is caught before it reaches the library. It opens no library and writes nothing.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from itertools import islice
from pathlib import Path

from .clean import one_line
from .models import Paper, SourceRejected
from .source_files import expand_paths
from .sources import decode_source, open_source, source_format

Print = Callable[[str], None]
SHOWN_PAPERS = 50
ABSTRACT_START = 70


def _describe(paper: Paper) -> list[str]:
    """Two lines per paper: title, then id, date and the start of the abstract (or of the AI summary)."""
    date = paper.published or (paper.pages[0].listed if paper.pages else None) or "undated"
    text = paper.abstract or (f"[AI summary] {paper.ai_summary}" if paper.ai_summary else "(no abstract)")
    start = one_line(text)
    if len(start) > ABSTRACT_START:
        start = start[:ABSTRACT_START].rsplit(" ", 1)[0] + " …"
    return [f"    {one_line(paper.title)}", f"      {paper.arxiv_id or paper.key}  {date}  {start}"]


def _format_of(path: Path, streamed: str) -> str:
    """The format the file is read as; the whole text is consulted (a text dump's link list is at its end)."""
    if streamed == "kaggle_jsonl":
        return streamed
    text, _ = decode_source(path.read_bytes(), path.name)
    return source_format(text)


def dry_run(paths: Iterable[str | Path], year: int | None, out: Print) -> int:
    """Print what ``add`` would add from ``paths``; 1 when no file would bring a paper, else 0."""
    usable = 0
    for item in expand_paths(paths):
        if isinstance(item, tuple):
            out(f"  skipped  {one_line(str(item[0]))}  ({item[1]})")
            continue
        try:
            papers, warnings, streamed = open_source(item, item.name, year=year)
            fmt = _format_of(item, streamed)
            stream = iter(papers)  # the arXiv snapshot is streamed: counted, never held
            shown = list(islice(stream, SHOWN_PAPERS))
            rest = sum(1 for _ in stream)
        except SourceRejected as err:
            out(f"  skipped  {one_line(str(item))}  ({one_line(err.reason)})")
            continue
        except OSError as err:
            out(f"  skipped  {one_line(str(item))}  ({err.strerror or err})")
            continue
        usable += 1 if shown else 0
        out(f"would add  {one_line(str(item))}  (format {fmt}, {len(shown) + rest} papers)")
        for paper in shown:
            for line in _describe(paper):
                out(line)
        if rest:
            out(f"    … and {rest} more")
        for warning in warnings:
            out(f"           warning: {one_line(str(warning))}")
    out("dry run: nothing was changed")
    return 0 if usable else 1
