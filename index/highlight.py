"""Highlights as structured spans (text plus matched character ranges), not HTML.

Why spans: the TUI styles matches with its own theme and must never parse the text as markup; the CLI's JSON
gives scripts the same ranges. Whoosh still does the work (its analyzer finds the matching tokens, its
fragmenters choose the snippet); only the output format is ours.
"""

from __future__ import annotations

from collections.abc import Iterable

from whoosh import highlight as wh
from whoosh import query as wq

from .models import Span


class SpanFormatter(wh.Formatter):
    """A Whoosh formatter whose output is a list of ``Span`` objects, one per fragment."""

    def format(self, fragments, replace=False):  # type: ignore[no-untyped-def,override]
        spans = []
        for fragment in fragments:
            start, end = fragment.startchar, fragment.endchar
            matches = []
            last = start
            for token in sorted(fragment.matches, key=lambda t: (t.startchar, -t.endchar)):
                if token.startchar is None or token.startchar < last:
                    continue
                matches.append((token.startchar - start, min(token.endchar, end) - start))
                last = token.endchar
            spans.append(Span(
                text=fragment.text[start:end],
                matches=tuple(matches),
                truncated_start=start > 0,
                truncated_end=end < len(fragment.text),
            ))
        return spans


def positive_terms(q: wq.Query) -> dict[str, set[str]]:
    """Indexed terms per field that a query looks for, leaving out anything under NOT."""
    found: dict[str, set[str]] = {}

    def walk(node: wq.Query) -> None:
        if isinstance(node, (wq.Not, wq.AndNot)):
            if isinstance(node, wq.AndNot):
                walk(node.a)
            return
        if node.is_leaf():
            for fieldname, text in node.terms(phrases=True) if hasattr(node, "terms") else ():
                if isinstance(text, bytes):
                    text = text.decode("utf-8", "replace")
                found.setdefault(fieldname, set()).add(text)
            return
        for child in node.children():
            walk(child)

    walk(q)
    return found


def whole_span(text: str, terms: Iterable[str], analyzer) -> Span:  # type: ignore[no-untyped-def]
    """The whole text with every match marked (titles, the reader's abstract)."""
    termset = frozenset(terms)
    if not termset or not text:
        return Span(text)
    spans = wh.highlight(text, termset, analyzer, wh.WholeFragmenter(charlimit=None), SpanFormatter(), top=1)
    return spans[0] if spans else Span(text)


def snippet_span(text: str, terms: Iterable[str], analyzer, max_chars: int) -> Span:  # type: ignore[no-untyped-def]
    """The best passage of at most ``max_chars`` around the matches; the opening when nothing matches."""
    termset = frozenset(terms)
    if termset and text:
        fragmenter = wh.ContextFragmenter(maxchars=max_chars, surround=max(20, max_chars // 3), charlimit=None)
        spans = wh.highlight(text, termset, analyzer, fragmenter, SpanFormatter(), top=1)
        if spans:
            return _clip(spans[0], max_chars)
    if len(text) <= max_chars:
        return Span(text)
    cut = text.rfind(" ", 0, max_chars)
    return Span(text[: cut if cut > max_chars // 2 else max_chars], truncated_end=True)


def _clip(span: Span, max_chars: int) -> Span:
    """Whoosh's context fragments may run past ``maxchars``; cut at a word boundary after the first match."""
    if len(span.text) <= max_chars:
        return span
    first = span.matches[0][0] if span.matches else 0
    start = max(0, min(first - max_chars // 4, len(span.text) - max_chars))
    if start:
        space = span.text.find(" ", start)
        start = space + 1 if 0 <= space < first else start
    end = start + max_chars
    if end < len(span.text):
        space = span.text.rfind(" ", start, end)
        end = space if space > start + max_chars // 2 else end
    matches = tuple((a - start, min(b, end) - start) for a, b in span.matches if a >= start and a < end)
    return Span(span.text[start:end], matches, span.truncated_start or start > 0,
                span.truncated_end or end < len(span.text))
