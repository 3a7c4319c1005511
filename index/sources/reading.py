"""Turning a file's bytes into text, or a clear reason why it is not a paper source at all.

Why separate from the parsers: every format needs the same decisions (BOM, encoding, binary, HTML saved by
mistake), and the messages must read the same whichever format the file was going to be.
"""

from __future__ import annotations

import codecs
import re
from collections.abc import Iterator
from typing import IO

from ..models import ParseWarning, SourceRejected

_HTML_START = re.compile(rb"^\s*(?:<!doctype\s+html|<html[\s>]|<head[\s>]|<!--)", re.IGNORECASE)
_HTML_ANYWHERE = re.compile(rb"<(?:html|head|body|script|div)[\s>]", re.IGNORECASE)


def decode_source(data: bytes, source: str) -> tuple[str, list[ParseWarning]]:
    """Decode a source file, normalise newlines and drop a BOM; reject HTML, binary and empty files.

    Non-UTF-8 bytes are replaced (U+FFFD) rather than failing the whole file, with a warning naming the first
    line they occur on, because a single bad byte in a 4 GB dump must not throw away the rest.
    """
    warnings: list[ParseWarning] = []
    if not data.strip():
        raise SourceRejected(source, "empty file: nothing to load")
    head = data[:8192]
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        text = data.decode("utf-16", errors="replace")
        return _normalise_newlines(text), warnings
    if b"\x00" in head:
        raise SourceRejected(source, "binary file (NUL bytes): not a text dump")
    if _HTML_START.match(head) or len(_HTML_ANYWHERE.findall(head)) >= 2:
        raise SourceRejected(source, "HTML page: save the page as text (select all, copy, paste) and add that")
    if head.startswith(codecs.BOM_UTF8):
        data = data[len(codecs.BOM_UTF8):]
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as err:
        line = data.count(b"\n", 0, err.start) + 1
        text = data.decode("utf-8", errors="replace")
        bad = text.count("\ufffd")
        warnings.append(ParseWarning(source, line, f"not valid UTF-8: {bad} byte(s) replaced with U+FFFD"))
    control = sum(1 for ch in text[:8192] if ord(ch) < 32 and ch not in "\t\n\r\x0c")
    if control > 0.05 * min(len(text), 8192):
        raise SourceRejected(source, "binary file (control bytes): not a text dump")
    return _normalise_newlines(text), warnings


def _normalise_newlines(text: str) -> str:
    return text.replace("\r\n", "\n").replace("\r", "\n")


def capped_lines(handle: IO[bytes], limit: int) -> Iterator[tuple[bytes, bool]]:
    """The lines of a binary file, each at most ``limit`` bytes: ``(line, cut)``; a longer line's rest is read
    and thrown away in bounded pieces. Why: ``for line in handle`` holds a whole line in memory, and a crafted
    200 MB single-line file would be read whole."""
    while line := handle.readline(limit + 1):
        if len(line) <= limit or line.endswith(b"\n"):
            yield line, False
            continue
        while (rest := handle.readline(1 << 20)) and not rest.endswith(b"\n"):
            pass
        yield line[:limit], True
