"""The two gates untrusted text passes: links are validated before they are kept or used, and text is escaped
before it reaches a terminal, a JSON document or the clipboard.

Why one module: a crafted source once put ``ESC[201~`` plus newlines into a repository link; copied and pasted
into a shell it ended bracketed paste and ran a command. The same string went raw to ``paperdeck show``, the
exports and the clipboard. Each of those places now calls the functions here, so the rules cannot drift apart,
and each re-checks at the point of use because libraries and bookmark files written by older versions (or by
hand) exist.

Cleaning on the way *in* lives in ``clean`` (what is removed) and ``sources.fields`` (types, caps, links).
"""

from __future__ import annotations

import functools
import json
import re
from typing import Any
from urllib.parse import urlsplit

from .clean import one_line

MAX_URL_CHARS = 2048
MAX_CLIPBOARD_CHARS = 4096

# Characters a terminal may act on or that reorder/hide text: C0 (tab and newline handled by the caller), DEL,
# C1, bidi embeddings/overrides/isolates, zero-width characters, line/paragraph separators, the BOM and the
# interlinear annotation marks.
_TERMINAL_UNSAFE = re.compile(
    "[\x00-\x1f\x7f-\x9f\u200b-\u200f\u2028-\u202e\u2060-\u2064\u2066-\u2069\ufeff\ufff9-\ufffb]"
)
_URL_FORBIDDEN = re.compile(r"[\s\x00-\x1f\x7f-\x9f\u200b-\u200f\u2028-\u202e\u2060-\u2064\u2066-\u2069\ufeff<>\"`\\]")
_HOST = re.compile(r"^(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)*[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$|^\[[0-9a-f:.]+\]$")
_BARE_DOMAIN = re.compile(r"^(?:www\.)?[a-z0-9-]+(?:\.[a-z0-9-]+)*\.[a-z]{2,}(?:[/?#]|$)", re.IGNORECASE)
_DOI = re.compile(r"^(?:doi:\s*|https?://(?:dx\.)?doi\.org/)?(10\.\d{4,9}/\S+)$", re.IGNORECASE)
_ARXIV = re.compile(r"^arxiv:\s*(\d{4}\.\d{4,5}(?:v\d+)?|[a-z\-]+(?:\.[a-z]{2})?/\d{7}(?:v\d+)?)$", re.IGNORECASE)


class LinkRejected(ValueError):
    """A link that is not a plain http(s) URL; the message says why, for a warning naming file and field."""


def check_url(raw: object) -> str:
    """See ``_check_url``; answers for text are cached, because bookmark files re-check the same links on every
    read (each write re-reads the file under its lock)."""
    return _check_url_cached(raw) if isinstance(raw, str) else _check_url(raw)


@functools.lru_cache(maxsize=8192)
def _check_url_cached(raw: str) -> str:
    return _check_url(raw)


def _check_url(raw: object) -> str:
    """The one link validator: an http(s) URL with a parsed host, no whitespace or controls, at most
    ``MAX_URL_CHARS``; ``doi:...`` and ``arXiv:...`` become https links. Raises ``LinkRejected``.

    Why reject rather than repair: a link with a newline or an escape sequence in it was crafted; any repair
    (dropping the controls) would still produce a link the source's author chose for the user to open.
    """
    if not isinstance(raw, str):
        raise LinkRejected(f"not text ({type(raw).__name__})")
    url = raw.strip(" ")
    if not url:
        raise LinkRejected("empty")
    if len(url) > MAX_URL_CHARS:
        raise LinkRejected(f"{len(url):,} characters (limit {MAX_URL_CHARS:,})")
    if _URL_FORBIDDEN.search(url):
        raise LinkRejected("holds whitespace, quotes or control characters")
    if m := _DOI.match(url):
        url = "https://doi.org/" + m.group(1)
    elif m := _ARXIV.match(url):
        url = "https://arxiv.org/abs/" + m.group(1)
    elif "://" not in url and _BARE_DOMAIN.match(url):
        url = "https://" + url
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018 - raises ValueError for a port that is not a number in range
    except ValueError as err:
        raise LinkRejected(f"cannot be parsed ({err})") from None
    scheme = parts.scheme.lower()
    if scheme not in ("http", "https"):
        raise LinkRejected(f"scheme {scheme + ':' if scheme else '(none)'} is not http or https")
    host = (parts.hostname or "").lower()
    if not host.isascii():
        try:
            host = host.encode("idna").decode("ascii")
        except UnicodeError:
            raise LinkRejected("host is not a valid domain name") from None
    if not host or not _HOST.match(host if ":" not in host else f"[{host}]"):
        raise LinkRejected("no valid host")
    return url


def safe_url(raw: object) -> str | None:
    """``check_url`` for a point of use (copy, open, print): the link, or None when it must not be used."""
    try:
        return check_url(raw)
    except LinkRejected:
        return None


def _escape_char(match: re.Match[str]) -> str:
    code = ord(match.group(0))
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def for_terminal(text: object, multiline: bool = False) -> str:
    """Text for a terminal: every control, bidi and zero-width character shown as a visible ``\\xNN`` escape.

    Why escape instead of removing: this is the last gate before the terminal, mostly for text that was never
    cleaned (file names, old libraries, hand-edited bookmarks); showing ``\\x1b`` tells the user something odd is
    in that name, and a file name stays recognisable. ``multiline`` keeps newlines (and tabs) as they are.
    """
    value = str(text)
    if multiline:
        return "\n".join(_TERMINAL_UNSAFE.sub(_escape_char, line.replace("\t", "    "))
                         for line in value.split("\n"))
    return _TERMINAL_UNSAFE.sub(_escape_char, value)


def _escape_json_char(match: re.Match[str]) -> str:
    return f"\\u{ord(match.group(0)):04x}"


def json_for_terminal(data: Any, indent: int | None = 2) -> str:
    """JSON that keeps readable Unicode but escapes every character a terminal could act on (``\\u009b``).

    Safe to apply to the whole document: outside strings JSON only holds ASCII punctuation, digits, letters,
    spaces and the newlines of the indentation, none of which the pattern matches except the newlines, which are
    put back.
    """
    text = json.dumps(data, ensure_ascii=False, indent=indent)
    return "\n".join(_TERMINAL_UNSAFE.sub(_escape_json_char, line) for line in text.split("\n"))


def clipboard_text(text: object) -> str:
    """What may go on a clipboard: one line, no controls, escapes, bidi or zero-width characters, bounded.

    Why so strict: clipboard text is pasted into shells. A newline runs a command and ``ESC[201~`` ends bracketed
    paste, so neither may survive, whatever the caller passes.
    """
    line = one_line(str(text))
    line = _TERMINAL_UNSAFE.sub("", line)  # one_line keeps nothing unsafe; this is the belt to its braces
    return line[:MAX_CLIPBOARD_CHARS]


_STRICT_TEXT = ("arxiv_id", "doi", "code_url")  # formatted as text by the exporters: a number is refused
_LOOSE_TEXT = ("title", "added_at", "year", "url", "note")  # anything is taken as its text
_line = functools.lru_cache(maxsize=16384)(one_line)  # the same bookmark texts are read again on every write


def bookmark_fields(data: dict[str, Any]) -> tuple[dict[str, Any], list[str]]:
    """A bookmark record (imported, or loaded from a file an older version or a person wrote) with every field
    inert: single-line text, a multi-line note without controls, links validated. Returns the cleaned fields
    and the links that were dropped (a bad link is dropped and reported; the bookmark and what the user wrote
    stay). Raises ``ValueError`` for a field of the wrong type (no key, ``doi: 5``, ``tags: "x"``): the
    caller refuses the whole file or import rather than half-load it.
    """
    key = _line(data["key"]) if isinstance(data.get("key"), str) else ""
    if not key:
        raise ValueError("a bookmark needs a non-empty 'key'")
    clean: dict[str, Any] = {"key": key}
    for name in _STRICT_TEXT + _LOOSE_TEXT:
        value = data.get(name)
        if value is None or value == "":
            clean[name] = None
            continue
        if not isinstance(value, str):
            if name in _STRICT_TEXT:
                raise ValueError(f"bookmark {key!r}: {name!r} must be text, not {type(value).__name__}")
            value = str(value)
        clean[name] = value
    for name in ("tags", "authors"):
        values = data.get(name) or []
        if not isinstance(values, list):
            raise ValueError(f"bookmark {key!r}: {name!r} must be a list")
        clean[name] = [v for v in (_line(str(v)) for v in values if v) if v]
    dropped: list[str] = []
    for name in ("url", "code_url"):
        if clean[name] is None:
            continue
        try:
            clean[name] = check_url(clean[name])
        except LinkRejected as err:
            dropped.append(f"{name} ({err})")
            clean[name] = None
    for name in ("title", "added_at", "year", "arxiv_id", "doi"):
        clean[name] = _line(clean[name])[:MAX_URL_CHARS] or None if clean[name] else None
    note = clean["note"] or ""
    clean["note"] = "\n".join(one_line(line) for line in note.split("\n")).strip()
    return clean, dropped
