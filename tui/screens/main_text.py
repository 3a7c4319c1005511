"""What the main screen says in words: the status line, the empty state and a failed search.

Why apart from the screen: these are pure functions from an answer to ``Content`` (no widget, no state), so
their wording can be read, changed and tested in one place, and every key they name is one that works where
the text is shown (``escape`` leaves the search box, ``X`` and ``ctrl+d`` then act).
"""

from __future__ import annotations

from textual.content import Content

from paperdeck.index import SearchResults
from ..widgets.filter_pane import FACET_TITLES, VALUE_LABELS, value_label
from ..widgets.render import plain

SYNTAX_HINT = ('Syntax: two words = both · OR · NOT · "a phrase" · prefix* · title:word · author:name · '
               "category:cs.cl · year:2024 · tag:to-read · fuzzy~ · ? lists every key")


def key(name: str) -> Content:
    return Content.styled(name, "bold $accent")


def filter_label(facet: str, values: set[str], sources: dict[str, str]) -> str:
    """``has code`` rather than ``has_code: has code``; ``Author: Ada | Bo`` where the value needs its facet."""
    shown = " | ".join(value_label(facet, v, sources) for v in sorted(values))
    return shown if facet in VALUE_LABELS else f"{FACET_TITLES.get(facet, facet)}: {shown}"


def status_line(results: SearchResults, filters: dict[str, set[str]], sources: dict[str, str],
                show_timing: bool) -> Content:
    parts = [Content.styled(f"{results.total:,} paper{'s' if results.total != 1 else ''}", "bold")]
    if show_timing:
        parts.append(Content(f"{results.elapsed_ms:.0f} ms"))
    parts.append(Content(f"sorted by {results.request.sort}"))
    parts += [plain(filter_label(facet, values, sources), "$accent") for facet, values in sorted(filters.items())]
    if results.notes:
        parts.append(plain("; ".join(results.notes), "dim italic"))
    return Content("  ·  ").join(parts)


def empty_state(results: SearchResults, filtered: bool, library_empty: bool) -> list[Content]:
    """Paragraphs shown in the list when nothing matches: why, and the keys that get results back."""
    if library_empty:
        return [Content.styled("The library is empty.", "bold"),
                Content.assemble("Add papers from a terminal with ", key("paperdeck add PATH…"),
                                 " (saved Daily Papers pages, HF JSON, arXiv JSONL or Atom, BibTeX), or here: ",
                                 key("ctrl+p"), " → ", key("Add file or folder"), ".")]
    lines = [Content.assemble("No papers match ", plain(results.request.query or "(everything)", "bold"),
                              " with the current filters." if filtered else ".")]
    if results.suggestion:
        lines.append(Content.assemble("Did you mean ", plain(results.suggestion, "bold $accent"), "?  Press ",
                                      key("ctrl+d"), " to search for it."))
    if filtered:
        lines.append(Content.assemble("Press ", key("escape"), " then ", key("X"), " to clear the filters."))
    lines.append(Content.styled(SYNTAX_HINT, "dim"))
    return lines


def failure_state(query: str, error: str) -> list[Content]:
    return [Content.assemble("The search for ", plain(query or "(everything)", "bold"), " failed."),
            plain(error, "$error"),
            Content("Type on to try another search; the library itself is unchanged.")]
