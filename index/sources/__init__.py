"""Reading paper sources: one module per input format, each bytes (or a stream) -> papers plus warnings.

The format is detected from the content, not the file name, so a file saved without an extension (or with
the wrong one) still loads. The arXiv JSON-lines snapshot is streamed from the open file; every other format is
small enough to read whole.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from pathlib import Path

from ..models import Paper, ParseResult, ParseWarning, SourceRejected
from .atom import parse_atom, unwrap_atom_json
from .bibtex import BIBTEX_HINT, parse_bibtex
from .capture import capture_kind, parse_capture
from .capture_html import looks_like_html, page_data_papers, parse_html
from .daily_page import parse_daily_page
from .fields import load_json, sanitize_papers
from .hf_json import parse_hf_daily
from .kaggle_jsonl import iter_kaggle_jsonl
from .reading import capped_lines, decode_source

__all__ = ["parse_source", "open_source", "detect_format", "source_format", "decode_source", "parse_daily_page"]

Progress = Callable[[int, int, str], None]
FORMATS = ("daily_page", "hf_json", "kaggle_jsonl", "atom", "bibtex", "html", "markdown", "text_dump", "notebook",
           "paper_page", "text_cards")
# Whole-document formats are parsed in memory: a bound keeps one crafted file from exhausting it. Line-based
# pages are read line by line instead, each line cut at a bound (a real page's longest line is an abstract).
MAX_DOCUMENT_BYTES = 64 << 20
MAX_PAGE_LINE_BYTES = 4 << 20


def detect_format(head: str) -> str:
    """Which parser reads a file, judged from its first few kilobytes of text.

    Captures of web pages (HTML, Markdown, text dumps) are told apart from the seeds' plain copy here when the
    head shows it; ``source_format`` also looks at the whole text (a text browser's link list is at the end).
    """
    start = head.lstrip()
    if re.match(r'\[\s*[{"\]]', start):  # a JSON array (a title like "[bold] Loud" is not one)
        return "hf_json"
    if re.match(r'\{\s*["}]', start):
        first_line = start.split("\n", 1)[0]
        try:
            first = load_json(first_line)
        except ValueError:
            first = None
        if isinstance(first, dict) and ("abstract" in first or "authors_parsed" in first or "id" in first):
            return "kaggle_jsonl"
        return "atom_wrapper" if '"body"' in start[:4000] and "<feed" in start[:4000] else "hf_json"
    if start.startswith("<?xml") or start.startswith("<feed"):
        return "atom"
    if looks_like_html(head):
        return "html"
    if BIBTEX_HINT.search(head):
        return "bibtex"
    return capture_kind(head) or "daily_page"


def source_format(text: str) -> str:
    """The format of a whole decoded file (what ``parse_source`` reads it as)."""
    fmt = detect_format(text[:16384])
    # A text browser's link list is at the end: a dump whose head looks like a copy without links may have one.
    return (capture_kind(text) or fmt) if fmt in ("daily_page", "text_cards") else fmt


def parse_source(data: bytes, source: str, year: int | None = None) -> ParseResult:
    """Parse one file's bytes, whatever its format. Raises ``SourceRejected`` when the whole file is unusable."""
    text, warnings = decode_source(data, source)
    fmt = source_format(text)
    if fmt == "daily_page":
        result = parse_daily_page(text, source, year=year)
    elif fmt == "html":
        result = parse_html(text, source, year=year)
    elif fmt in ("markdown", "text_dump", "notebook", "paper_page", "text_cards"):
        # A converter that keeps raw HTML (pandoc) keeps the page's own data: read it exactly when it is there.
        result = page_data_papers(text, source) or parse_capture(text, source, fmt, year=year)
    elif fmt == "hf_json":
        result = parse_hf_daily(text, source)
    elif fmt == "kaggle_jsonl":
        import io

        stream_warnings: list[ParseWarning] = []
        papers = list(iter_kaggle_jsonl(io.BytesIO(text.encode("utf-8")), source, stream_warnings))
        result = ParseResult(source, papers, stream_warnings)
    elif fmt == "atom_wrapper":
        body = unwrap_atom_json(text)
        if body is None:
            raise SourceRejected(source, "JSON of an unknown shape")
        result = parse_atom(body, source)
    elif fmt == "atom":
        result = parse_atom(text, source)
    else:
        result = parse_bibtex(text, source)
    result.warnings[:0] = warnings
    result.papers = list(sanitize_papers(result.papers, source, result.warnings))
    return result


def open_source(path: Path, source: str, year: int | None = None,
                progress: Progress | None = None) -> tuple[Iterable[Paper], list[ParseWarning], str]:
    """Papers of a file as an iterable (streamed for the arXiv snapshot), its warnings list and its format.

    The warnings list fills as the iterable is consumed.
    """
    with path.open("rb") as handle:
        head_bytes = handle.read(16384)
    head = head_bytes.decode("utf-8", errors="replace").lstrip("\ufeff")
    if detect_format(head) == "kaggle_jsonl" and b"\x00" not in head_bytes:
        warnings: list[ParseWarning] = []
        size = path.stat().st_size

        def stream() -> Iterable[Paper]:
            with path.open("rb") as handle:
                yield from sanitize_papers(iter_kaggle_jsonl(handle, source, warnings, progress, size), source,
                                           warnings)
        return stream(), warnings, "kaggle_jsonl"
    fmt = detect_format(head)
    data, cut = _read_bounded(path, source, fmt)
    result = parse_source(data, source, year=year)
    result.warnings[:0] = cut
    return result.papers, result.warnings, fmt


def _read_bounded(path: Path, source: str, fmt: str) -> tuple[bytes, list[ParseWarning]]:
    """A file's bytes within the bounds above: pages line by line (long lines cut, with a warning), other
    formats whole if not too large. Memory stays bounded whatever the file holds."""
    size = path.stat().st_size
    if fmt != "daily_page":
        if size > MAX_DOCUMENT_BYTES:
            raise SourceRejected(source, f"{size / (1 << 20):,.0f} MB is too large for one {fmt} file (limit "
                                         f"{MAX_DOCUMENT_BYTES >> 20} MB): split it")
        return path.read_bytes(), []
    warnings: list[ParseWarning] = []
    parts: list[bytes] = []
    with path.open("rb") as handle:
        for number, (line, cut) in enumerate(capped_lines(handle, MAX_PAGE_LINE_BYTES), start=1):
            if cut:
                warnings.append(ParseWarning(source, number, f"line longer than {MAX_PAGE_LINE_BYTES >> 20} MB: "
                                                             "cut"))
                line = line.decode("utf-8", errors="ignore").encode() + b"\n"  # no half character at the cut
            parts.append(line)
    return b"".join(parts), warnings
