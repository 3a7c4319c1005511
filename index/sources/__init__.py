"""Reading paper sources: one module per input format, each bytes -> ``ParseResult``.

``parse_source`` is the single entry point the library uses; it detects the format from the content so a file
saved without an extension (or with the wrong one) still loads.
"""

from __future__ import annotations

from ..models import ParseResult
from .daily_page import parse_daily_page
from .reading import decode_source

__all__ = ["parse_source", "decode_source", "parse_daily_page"]


def parse_source(data: bytes, source: str, year: int | None = None) -> ParseResult:
    """Parse one file's bytes. Raises ``SourceRejected`` when the whole file is unusable."""
    text, warnings = decode_source(data, source)
    result = parse_daily_page(text, source, year=year)
    result.warnings[:0] = warnings
    return result
