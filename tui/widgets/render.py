"""Turning untrusted text and highlight spans into Textual ``Content``: never markup, never control codes.

Why a module: every widget that shows a title, abstract, tag, note, query or source name goes through these
functions, so the one rule (build ``Content`` from plain text, style by ranges) is enforced in one place.
"""

from __future__ import annotations

from collections.abc import Iterable

from textual.content import Content

from paperdeck.index import one_line, strip_control
from paperdeck.index import Paper, Span

MATCH_STYLE = "bold $accent"
CURRENT_MATCH_STYLE = "bold reverse $accent"
MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def plain(text: str, style: str = "") -> Content:
    """Untrusted text as literal content: control characters stripped, brackets kept as typed."""
    content = Content(one_line(text))
    return content.stylize(style) if style else content


def paragraph(text: str) -> Content:
    return Content(strip_control(text))


def highlighted(span: Span, current: int | None = None, ellipsis: bool = True) -> Content:
    """A span's text with its matches styled; ``current`` marks one match for n/N navigation."""
    text = strip_control(span.text)
    content = Content(text)
    for index, (start, end) in enumerate(span.matches):
        content = content.stylize(CURRENT_MATCH_STYLE if index == current else MATCH_STYLE, start, end)
    if ellipsis and span.truncated_start:
        content = Content("…") + content
    if ellipsis and span.truncated_end:
        content = content + Content("…")
    return content


def publication_label(published: str | None) -> str:
    """``2007-04-02`` -> ``published Apr 2 2007``; a year or month alone stays as it is."""
    if not published:
        return ""
    return "published " + listing_label(published)


def page_labels(paper: Paper) -> list[Content]:
    """Each page a paper was listed on, with its listing date; a page without one says nothing rather than
    "undated" (the publication date is shown with the paper's facts)."""
    labels = []
    for page in paper.pages:
        label = plain(page.source)
        if page.listed:
            label += Content.styled(f" ({listing_label(page.listed)})", "dim")
        labels.append(label)
    return labels


def joined(parts: Iterable[Content | str], separator: str = " · ") -> Content:
    items = [p if isinstance(p, Content) else Content(p) for p in parts if p]
    return Content(separator).join(items)


def listing_label(listed: str) -> str:
    """``08-01`` -> ``Aug 1``; ``2024-08-01`` -> ``Aug 1 2024``; ``undated`` stays."""
    parts = listed.split("-")
    try:
        if len(parts) == 2:
            return f"{MONTHS[int(parts[0]) - 1]} {int(parts[1])}"
        if len(parts) == 3:
            return f"{MONTHS[int(parts[1]) - 1]} {int(parts[2])} {parts[0]}"
    except (ValueError, IndexError):
        pass
    return listed
