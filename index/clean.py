"""Text cleaning shared by every source and by every place that shows untrusted text.

Why here and not in the widgets: the same rules must hold in the CLI's JSON, the index and the TUI, and a
control character that reaches the record store would otherwise have to be caught in many places.
"""

from __future__ import annotations

import functools
import hashlib
import re
import unicodedata

# C0 and C1 controls except tab/newline, DEL, plus bidi overrides/isolates and zero-width characters that can
# reorder or hide text on a terminal.
_UNSAFE = re.compile(
    "[\x00-\x08\x0b-\x1f\x7f-\x9f\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff\ufff9-\ufffb]"
)
# A full ANSI/VT escape sequence (CSI, OSC, DCS, ...), so that "ESC[31m" loses its parameters too, not only ESC.
_ESCAPE_SEQUENCE = re.compile(
    r"\x1b(?:\[[0-?]*[ -/]*[@-~]|\][^\x07\x1b]*(?:\x07|\x1b\\)?|[PX^_][^\x1b]*(?:\x1b\\)?|[@-Z\\-_])"
    r"|\x9b[0-?]*[ -/]*[@-~]|\x9d[^\x07\x9c]*(?:\x07|\x9c)?"
)
_SPACES = re.compile(r"[ \t\u00a0\u2000-\u200a\u3000]+")


_LINE_SEPARATORS = str.maketrans({"\u2028": "\n", "\u2029": "\n"})


def strip_control(text: str) -> str:
    """Remove escape sequences and control/bidi/zero-width characters; keep tabs and newlines (Unicode line and
    paragraph separators become newlines: some terminals and editors break lines at them)."""
    text = _UNSAFE.sub("", _ESCAPE_SEQUENCE.sub("", text))
    return text.translate(_LINE_SEPARATORS) if "\u2028" in text or "\u2029" in text else text


def one_line(text: str) -> str:
    """Safe text on one line: controls removed, every run of whitespace (newlines too) one space."""
    return " ".join(strip_control(text).split())


def clean_paragraph(text: str) -> str:
    """A paragraph as it should be stored: safe, single-spaced, trimmed."""
    return _SPACES.sub(" ", strip_control(text).replace("\n", " ")).strip()


def plural(count: int, noun: str, many: str | None = None) -> str:
    """``1 paper``, ``2 papers`` (thousands separated): every count the user reads is said this way."""
    return f"{count:,} {noun if count == 1 else (many or noun + 's')}"


@functools.lru_cache(maxsize=4096)
def normalise_title(title: str) -> str:
    """The form two titles are compared in: NFKC, case-folded, only letters and digits, single spaces.

    Why so aggressive: the same paper shows up with different quotes, dashes, spacing and capitalisation.
    Cached: storing and indexing a paper normalise the same title several times in a row.
    """
    text = unicodedata.normalize("NFKC", title).casefold()
    return _NOT_ALNUM.sub(" ", text).strip()  # ``[\W_]`` is exactly "not str.isalnum()" for str patterns


_NOT_ALNUM = re.compile(r"[\W_]+")


_SLUG_MAX = 80


def title_key(title: str) -> str:
    """A stable key for a paper with no arXiv id: a readable slug of its normalised title.

    The slug only keeps ASCII letters and digits; when that loses information (a long or non-Latin title) a
    short hash of the normalised title keeps two different papers from sharing a key.
    """
    norm = normalise_title(title)
    ascii_slug = unicodedata.normalize("NFKD", norm).encode("ascii", "ignore").decode()
    slug = "-".join("".join(ch if ch.isalnum() else " " for ch in ascii_slug).split())
    lossless = slug.replace("-", " ") == norm
    if lossless and 0 < len(slug) <= _SLUG_MAX:
        return slug
    digest = hashlib.sha1(norm.encode("utf-8")).hexdigest()[:8]
    short = slug[:_SLUG_MAX].rstrip("-")
    return f"{short}-{digest}" if short else f"paper-{digest}"


@functools.lru_cache(maxsize=1)
def _latex_converter():  # type: ignore[no-untyped-def]
    from pylatexenc.latex2text import LatexNodes2Text

    return LatexNodes2Text(math_mode="text", strict_latex_spaces=False)


_LATEX_HINT = re.compile(r"[\\$]")  # outside $...$ and without a command, ^ _ { } are plain text
_SUPERSCRIPTS = str.maketrans("0123456789+-=()n", "⁰¹²³⁴⁵⁶⁷⁸⁹⁺⁻⁼⁽⁾ⁿ")
_SUBSCRIPTS = str.maketrans("0123456789+-=()", "₀₁₂₃₄₅₆₇₈₉₊₋₌₍₎")
_SUP = re.compile(r"\^(?:\{([0-9+\-=()n]{1,4})\}|([0-9n]))")
_SUB = re.compile(r"(?<=[A-Za-z])_(?:\{([0-9+\-=()]{1,4})\}|([0-9]))")


@functools.lru_cache(maxsize=8192)
def latex_to_display(text: str, braces: bool = False) -> str:
    """LaTeX in titles and abstracts made readable (``$R^2$`` -> ``R²``, ``\\%`` -> ``%``) via pylatexenc.

    Only for display: the index keeps the source text so a search for what the author typed still matches.
    ``braces``: also run on text whose only LaTeX is grouping braces (BibTeX's ``{No} {Deal}``).
    Falls back to the input when pylatexenc cannot parse it (unbalanced braces are common in scraped text).
    """
    if not _LATEX_HINT.search(text) and not (braces and "{" in text):
        return text
    # Scripts first, on the LaTeX source, where braces still show what the exponent is.
    text = _SUP.sub(lambda m: (m.group(1) or m.group(2)).translate(_SUPERSCRIPTS), text)
    text = _SUB.sub(lambda m: (m.group(1) or m.group(2)).translate(_SUBSCRIPTS), text)
    try:
        converted = _latex_converter().latex_to_text(text)
    except Exception:  # pylatexenc raises several private error types on malformed input
        return text
    return one_line(converted)
