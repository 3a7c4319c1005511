"""Plain records that flow from the sources to the widgets.

Why dataclasses and not Whoosh hits: nothing outside ``paperdeck.index`` may depend on Whoosh, and these
objects cross threads (a worker builds them, the UI thread shows them), so they are immutable where practical.
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields, is_dataclass
from typing import Any, Literal

LinkKind = Literal["code", "model", "dataset", "space", "project", "paper", "pdf", "hf", "doi"]


@dataclass(frozen=True, slots=True)
class Link:
    """A URL found in a paper's text, with what kind of thing it points to."""

    url: str
    kind: LinkKind
    host: str


@dataclass(frozen=True, slots=True)
class PageSeen:
    """One page a paper was listed on: the source file and the listing date printed on that page."""

    source: str
    listed: str | None = None  # "MM-DD": the pages carry month and day only, never a year
    line: int | None = None
    # Which page it was: "day 2024-05-27", "week 2024-W22", "month 2024-05", "trending", "search: <query>",
    # "paper page"; None when the source does not say (the seeds' copies, metadata files).
    context: str | None = None


@dataclass(slots=True)
class Paper:
    """One paper, merged across every page and source it was seen in."""

    key: str
    title: str
    abstract: str
    url: str
    arxiv_id: str | None = None
    links: list[Link] = field(default_factory=list)
    pages: list[PageSeen] = field(default_factory=list)
    authors: list[str] = field(default_factory=list)
    categories: list[str] = field(default_factory=list)  # primary first
    published: str | None = None  # YYYY-MM-DD (first version / publication)
    upvotes: int | None = None
    doi: str | None = None
    organization: str | None = None
    github_stars: int | None = None
    ai_summary: str | None = None
    keywords: list[str] = field(default_factory=list)
    journal_ref: str | None = None
    comments: int | None = None  # the community's comment count, as the latest capture showed it

    @property
    def code_urls(self) -> list[str]:
        return [link.url for link in self.links if link.kind == "code"]

    @property
    def sources(self) -> list[str]:
        """Source names in first-seen order, without repeats."""
        return list(dict.fromkeys(page.source for page in self.pages))

    @property
    def listed_dates(self) -> list[str]:
        return sorted({page.listed for page in self.pages if page.listed})

    @property
    def seen_on(self) -> list[str]:
        """The pages the paper was seen on (listing day or period, trending, a search), first-seen order."""
        return list(dict.fromkeys(page.context for page in self.pages if page.context))

    @property
    def link_hosts(self) -> list[str]:
        return sorted({link.host for link in self.links})

    def to_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = _plain(self)
        data["code_urls"] = self.code_urls
        data["sources"] = self.sources
        return data

    @property
    def year(self) -> str | None:
        if self.published:
            return self.published[:4]
        dated = [d for d in self.listed_dates if len(d) == 10]
        return dated[0][:4] if dated else None

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Paper:
        simple = {name: data[name] for name in _OPTIONAL_FIELDS if data.get(name) is not None}
        return cls(
            key=data["key"],
            title=data["title"],
            abstract=data["abstract"],
            url=data["url"],
            links=[Link(**link) for link in data.get("links", [])],
            pages=[PageSeen(**page) for page in data.get("pages", [])],
            **simple,
        )


_FIELD_NAMES: dict[type, tuple[str, ...]] = {}


def _plain(value: Any) -> Any:
    """``dataclasses.asdict`` for the model's shapes (dataclasses, lists, immutable scalars), without its deep
    copy of every string: storing a large batch converts every paper twice, and ``asdict`` dominated that."""
    if isinstance(value, (list, tuple)):
        return type(value)(_plain(item) for item in value)
    if isinstance(value, dict):
        return {key: _plain(item) for key, item in value.items()}
    kind = type(value)
    names = _FIELD_NAMES.get(kind)
    if names is None:
        if not is_dataclass(kind):
            return value
        names = _FIELD_NAMES[kind] = tuple(f.name for f in fields(kind))
    return {name: _plain(getattr(value, name)) for name in names}


_OPTIONAL_FIELDS = ("arxiv_id", "authors", "categories", "published", "upvotes", "doi", "organization",
                    "github_stars", "ai_summary", "keywords", "journal_ref", "comments")


@dataclass(frozen=True, slots=True)
class ParseWarning:
    """Something in a source that was skipped or repaired; says where, so the user can fix the file."""

    source: str
    line: int | None
    message: str

    def __str__(self) -> str:
        where = f"{self.source}:{self.line}" if self.line else self.source
        return f"{where}: {self.message}"


class SourceRejected(Exception):
    """A whole file cannot be read as any known format (HTML, binary, empty). Nothing from it is loaded."""

    def __init__(self, source: str, reason: str) -> None:
        super().__init__(f"{source}: {reason}")
        self.source = source
        self.reason = reason


@dataclass(slots=True)
class ParseResult:
    """What one source yielded: its papers (already merged within the file) and the warnings."""

    source: str
    papers: list[Paper]
    warnings: list[ParseWarning] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class Span:
    """A highlighted piece of text: ``matches`` are (start, end) offsets into ``text`` of matched terms."""

    text: str
    matches: tuple[tuple[int, int], ...] = ()
    truncated_start: bool = False
    truncated_end: bool = False


SortOrder = Literal["relevance", "date", "title", "upvotes"]
SORT_ORDERS: tuple[SortOrder, ...] = ("relevance", "date", "title", "upvotes")

FACETS: tuple[str, ...] = ("source", "listed", "has_code", "host", "bookmarked", "state", "tag", "author",
                           "category", "year", "upvotes", "organization")
# Facets whose values come from the user's data (bookmarks, tags, read state), not from the index: the search
# is handed their values as key sets (``SearchEngine.search(user_facets=...)``).
USER_FACETS: tuple[str, ...] = ("bookmarked", "state", "tag")


class AllBut(frozenset):  # type: ignore[type-arg]
    """A key set that means every paper except these keys (e.g. "unread" = all but the read ones).

    Why: the complement of a small set is most of the library; spelling it out would cost a set of every key
    on every search.
    """


@dataclass(frozen=True, slots=True)
class SearchRequest:
    """Everything that defines one search, so a worker can run it and the UI can tell stale answers apart."""

    query: str = ""
    filters: tuple[tuple[str, str], ...] = ()  # (facet, value); same facet ORs, different facets AND
    sort: SortOrder = "relevance"
    page: int = 1
    page_size: int = 50
    with_facets: bool = True
    as_you_type: bool = False  # treat the last word as a prefix, as a user is still typing it
    snippet_chars: int = 240
    with_snippets: bool = True  # abstract snippets cost most of a search; the app's list does not show them
    exclude: tuple[tuple[str, str], ...] = ()  # (facet, value) left out: "everything but cs.AI"


@dataclass(frozen=True, slots=True)
class Hit:
    """One search result, ready to display."""

    paper: Paper
    score: float
    rank: int
    title: Span
    snippet: Span
    bookmarked: bool = False

    def to_json(self) -> dict[str, Any]:
        data = self.paper.to_dict()
        data["score"] = round(self.score, 4)
        data["rank"] = self.rank
        data["bookmarked"] = self.bookmarked
        data["highlights"] = {
            "title": {"text": self.title.text, "matches": [list(m) for m in self.title.matches]},
            "abstract": {"text": self.snippet.text, "matches": [list(m) for m in self.snippet.matches]},
        }
        return data


@dataclass(frozen=True, slots=True)
class SearchResults:
    """A page of hits plus what the UI needs around them: totals, facet counts, notes, a suggestion."""

    request: SearchRequest
    hits: tuple[Hit, ...]
    total: int
    facets: dict[str, tuple[tuple[str, int], ...]]
    elapsed_ms: float
    notes: tuple[str, ...] = ()  # e.g. "closed the open quote"
    suggestion: str | None = None  # did-you-mean, already a full query string
    effective_query: str = ""  # what was actually searched after simplification

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.request.page_size))


@dataclass(frozen=True, slots=True)
class SimilarPaper:
    """A paper like another one, with the key terms the two share (why it is similar)."""

    paper: Paper
    score: float
    shared_terms: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class SourceReport:
    """What ``add`` did with one file."""

    source: str
    status: Literal["added", "updated", "unchanged", "skipped", "removed"]
    papers: int = 0
    new_papers: int = 0
    reason: str = ""
    warnings: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class LibraryStats:
    papers: int
    sources: int
    source_names: tuple[str, ...]
    index_docs: int
    with_code: int
    locations: dict[str, str]
