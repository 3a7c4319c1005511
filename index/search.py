"""Searching the index: lenient queries, filters, facet counts, sorting, paging, highlights, suggestions and
similar papers. Everything returned is a plain dataclass from ``models``.

Why facet counts are computed here rather than with Whoosh ``groupedby``: Whoosh rebuilds its per-document
value lists on every grouped search; we build them once per index generation and count with set operations.
Counts are disjunctive: each facet is counted under the query and the *other* facets' filters, so choosing one
source still shows how many hits the other sources would add.
"""

from __future__ import annotations

import re
import threading
import time
from collections.abc import Iterable

from whoosh import query as wq
from whoosh.index import Index
from whoosh.sorting import FieldFacet, MultiFacet

from .clean import latex_to_display
from .highlight import positive_terms, snippet_span, whole_span
from .models import FACETS, Hit, Paper, SearchRequest, SearchResults, SimilarPaper, Span
from .query import parse_query, simplify
from .schema import FACET_FIELDS
from .store import RecordStore

SUGGEST_BELOW = 3  # offer "did you mean" when a query has fewer hits than this
SIMILAR_TERMS = 12  # key terms used to find papers like one (25 took 7x longer at 10k papers, same top hits)


class _FacetCache:
    """Per index generation: which documents carry each facet value (built per facet on first use), and
    each document's key."""

    def __init__(self, reader) -> None:  # type: ignore[no-untyped-def]
        self._reader = reader
        self._by_facet: dict[str, dict[str, frozenset[int]]] = {}
        self.doc_by_key: dict[str, int] = {}
        for btext in reader.lexicon("key"):
            for docnum in reader.postings("key", btext).all_ids():
                self.doc_by_key[btext.decode("utf-8")] = docnum
        self.all_docs = frozenset(self.doc_by_key.values())

    def values(self, facet: str) -> dict[str, frozenset[int]]:
        if facet not in self._by_facet:
            fieldname = FACET_FIELDS[facet]
            reader = self._reader
            self._by_facet[facet] = {
                btext.decode("utf-8"): frozenset(reader.postings(fieldname, btext).all_ids())
                for btext in reader.lexicon(fieldname)
            }
        return self._by_facet[facet]


class SearchEngine:
    """Runs searches against one Whoosh index and the record store. Thread-safe (one search at a time)."""

    def __init__(self, ix: Index, store: RecordStore) -> None:
        self._ix = ix
        self._store = store
        self._lock = threading.RLock()
        self._searcher = ix.searcher()
        self._facets: _FacetCache | None = None

    def close(self) -> None:
        with self._lock:
            self._searcher.close()

    def refresh(self) -> bool:
        """Pick up commits made since the searcher was opened (by this or another process)."""
        with self._lock:
            try:
                fresh = self._searcher.refresh()
            except TypeError:  # Whoosh cannot refresh a searcher opened on an empty index: open a new one
                self._searcher.close()
                fresh = self._ix.searcher()
            changed = fresh is not self._searcher
            self._searcher = fresh
            if changed:
                self._facets = None
            return changed

    def _facet_cache(self) -> _FacetCache:
        if self._facets is None:
            self._facets = _FacetCache(self._searcher.reader())
        return self._facets

    # -- searching -------------------------------------------------------------------------------------------

    def search(self, request: SearchRequest, bookmarks: frozenset[str] = frozenset()) -> SearchResults:
        started = time.perf_counter()
        with self._lock:
            searcher = self._searcher
            schema = self._ix.schema
            parsed = parse_query(request.query, schema, searcher.reader(), as_you_type=request.as_you_type)
            cache = self._facet_cache()
            matching = frozenset(searcher.docs_for_query(parsed.query)) & cache.all_docs
            selected = _group_filters(request.filters)
            allowed = {facet: self._docs_for_values(facet, values, bookmarks)
                       for facet, values in selected.items()}
            final = matching
            for docs in allowed.values():
                final &= docs
            facets = self._count_facets(matching, allowed, selected, bookmarks) if request.with_facets else {}
            total = len(final)
            hits: list[Hit] = []
            start = (request.page - 1) * request.page_size
            if total and start < total:
                results = searcher.search(
                    parsed.query,
                    limit=start + request.page_size,
                    filter=set(final),
                    sortedby=_sort_facet(request.sort, bool(request.query.strip())),
                )
                page = [(hit.docnum, hit["key"], hit.score if isinstance(hit.score, float) else 0.0)
                        for hit in results[start:]]
                hits = self._make_hits(page, parsed.query, request, bookmarks, start)
            suggestion = None
            if total < SUGGEST_BELOW and parsed.words:
                suggestion = self._suggest(simplify(request.query)[0], parsed.words, total)
        return SearchResults(
            request=request,
            hits=tuple(hits),
            total=total,
            facets=facets,
            elapsed_ms=(time.perf_counter() - started) * 1000,
            notes=tuple(parsed.notes),
            suggestion=suggestion,
            effective_query=parsed.text,
        )

    def _docs_for_values(self, facet: str, values: set[str], bookmarks: frozenset[str]) -> frozenset[int]:
        cache = self._facet_cache()
        if facet == "bookmarked":
            marked = frozenset(cache.doc_by_key[k] for k in bookmarks if k in cache.doc_by_key)
            docs: frozenset[int] = frozenset()
            if "yes" in values:
                docs |= marked
            if "no" in values:
                docs |= cache.all_docs - marked
            return docs
        by_value = cache.values(facet) if facet in FACET_FIELDS else {}
        out: set[int] = set()
        for value in values:
            out |= by_value.get(value, frozenset())
        return frozenset(out)

    def _count_facets(self, matching, allowed, selected, bookmarks):  # type: ignore[no-untyped-def]
        cache = self._facet_cache()
        counts: dict[str, tuple[tuple[str, int], ...]] = {}
        for facet in FACETS:
            docs = matching
            for other, other_docs in allowed.items():
                if other != facet:
                    docs = docs & other_docs
            if facet == "bookmarked":
                marked = self._docs_for_values("bookmarked", {"yes"}, bookmarks)
                pairs = [("yes", len(docs & marked)), ("no", len(docs - marked))]
            else:
                pairs = [(value, len(docs & value_docs)) for value, value_docs in cache.values(facet).items()]
            chosen = selected.get(facet, set())
            pairs = [(v, n) for v, n in pairs if n or v in chosen]
            counts[facet] = tuple(_order_facet_values(facet, pairs))
        return counts

    def _make_hits(self, page, q, request, bookmarks, start) -> list[Hit]:  # type: ignore[no-untyped-def]
        records = self._store.get_many([key for _, key, _ in page])
        terms = positive_terms(q)
        schema = self._ix.schema
        hits = []
        for offset, (_docnum, key, score) in enumerate(page):
            paper = records.get(key)
            if paper is None:  # index and record store disagree: skip rather than show a blank row
                continue
            hits.append(Hit(
                paper=paper,
                score=float(score),
                rank=start + offset + 1,
                title=whole_span(latex_to_display(paper.title), terms.get("title", ()), schema["title"].analyzer),
                snippet=snippet_span(latex_to_display(paper.abstract), terms.get("abstract", ()),
                                     schema["abstract"].analyzer, request.snippet_chars)
                if request.with_snippets else Span(""),
                bookmarked=key in bookmarks,
            ))
        return hits

    def highlight_paper(self, paper: Paper, query: str, as_you_type: bool = False) -> tuple[object, object]:
        """Title and full abstract of one paper with the matches of ``query`` marked (for the reader)."""
        with self._lock:
            parsed = parse_query(query, self._ix.schema, self._searcher.reader(), as_you_type=as_you_type)
            terms = positive_terms(parsed.query)
            schema = self._ix.schema
            return (
                whole_span(latex_to_display(paper.title), terms.get("title", ()), schema["title"].analyzer),
                whole_span(latex_to_display(paper.abstract), terms.get("abstract", ()),
                           schema["abstract"].analyzer),
            )

    def _suggest(self, raw: str, words: list[str], total: int) -> str | None:
        """Did-you-mean: replace words that are in neither field by Whoosh's closest spelling words."""
        searcher = self._searcher
        reader = searcher.reader()
        analyzer = self._ix.schema["abstract"].analyzer
        suggestion = raw
        changed = False
        for word in dict.fromkeys(w.lower() for w in words):
            stems = [t.text for t in analyzer(word, mode="query")]
            if not stems or any(reader.doc_frequency(f, s) for f in ("title", "abstract") for s in stems):
                continue
            best = None
            for fieldname in ("abstract", "title"):
                found = searcher.suggest(fieldname, word, limit=1, maxdist=2, prefix=1)
                if found:
                    best = found[0]
                    break
            if best and best != word:
                suggestion = re.sub(rf"(?<!\w){re.escape(word)}(?!\w)", best, suggestion, flags=re.IGNORECASE)
                changed = True
        if not changed:
            return None
        corrected = parse_query(suggestion, self._ix.schema, reader)
        better = sum(1 for _ in searcher.docs_for_query(corrected.query))
        return suggestion if better > total else None

    # -- papers and similar papers ---------------------------------------------------------------------------

    def get(self, key: str) -> Paper | None:
        return self._store.get(key)

    def similar(self, key: str, limit: int = 10) -> list[SimilarPaper]:
        """Papers like ``key`` (Whoosh more-like-this over the abstracts), each with the key terms they share."""
        paper = self._store.get(key)
        if paper is None:
            return []
        with self._lock:
            searcher = self._searcher
            docnum = self._facet_cache().doc_by_key.get(key)
            if docnum is None:
                return []
            text = f"{paper.title}. {paper.abstract}"
            # Whoosh's key-term expansion (Bo1), as in ``more_like``, but over title and abstract and without
            # the one- and two-letter fragments ("co" from "co-teaching") that make plain more_like drift.
            weighted = [(t, w) for t, w in searcher.key_terms_from_text("abstract", text, numterms=SIMILAR_TERMS + 10)
                        if len(t) >= 3 and not t.isdigit()][:SIMILAR_TERMS]
            key_terms = [t for t, _ in weighted]
            q = wq.Or([wq.Term(field, t, boost=w) for field in ("title", "abstract") for t, w in weighted])
            results = searcher.search(q, limit=limit, mask={docnum})
            found = [(hit["key"], hit.score or 0.0) for hit in results]
        analyzer = self._ix.schema["abstract"].analyzer
        surface = _surface_words(text, analyzer)
        records = self._store.get_many([k for k, _ in found])
        similar = []
        for other_key, score in found:
            other = records.get(other_key)
            if other is None:
                continue
            other_stems = {t.text for t in analyzer(f"{other.title} {other.abstract}", mode="query")}
            shared = tuple(surface.get(t, t) for t in key_terms if t in other_stems)
            similar.append(SimilarPaper(paper=other, score=float(score), shared_terms=shared))
        return similar


def _surface_words(text: str, analyzer) -> dict[str, str]:  # type: ignore[no-untyped-def]
    """stem -> the first word in ``text`` that produced it, so shared terms read as words, not stems."""
    words: dict[str, str] = {}
    for token in analyzer(text, mode="index", chars=True):
        words.setdefault(token.text, text[token.startchar:token.endchar].lower())
    return words


def _group_filters(filters: Iterable[tuple[str, str]]) -> dict[str, set[str]]:
    grouped: dict[str, set[str]] = {}
    for facet, value in filters:
        if facet not in FACETS:
            raise ValueError(f"unknown filter {facet!r}: use one of {', '.join(FACETS)}")
        grouped.setdefault(facet, set()).add(value)
    return grouped


def _sort_facet(sort: str, has_query: bool):  # type: ignore[no-untyped-def]
    if sort == "date" or (sort == "relevance" and not has_query):
        return MultiFacet([FieldFacet("date_sort", reverse=True), FieldFacet("title_sort")])
    if sort == "title":
        return FieldFacet("title_sort")
    if sort == "upvotes":
        return MultiFacet([FieldFacet("upvotes_sort", reverse=True), FieldFacet("date_sort", reverse=True)])
    return None


def _order_facet_values(facet: str, pairs: list[tuple[str, int]]) -> list[tuple[str, int]]:
    """Dates newest first, yes before no, sources by name, everything else by count."""
    if facet in ("listed", "year"):
        return sorted(pairs, key=lambda pair: date_sort_value(pair[0]), reverse=True)
    if facet == "upvotes":
        order = ["100+", "50-99", "10-49", "1-9", "0"]
        return sorted(pairs, key=lambda pair: order.index(pair[0]) if pair[0] in order else 99)
    if facet in ("has_code", "bookmarked"):
        return sorted(pairs, key=lambda pair: pair[0] != "yes")
    if facet == "source":
        return sorted(pairs)
    return sorted(pairs, key=lambda pair: (-pair[1], pair[0]))


def date_sort_value(listed: str | None) -> str:
    """``YYYY-MM-DD`` for sorting; a listing date without a year sorts as year 0000, a year alone as Jan 1."""
    if not listed or listed == "undated":
        return "0000-00-00"
    if len(listed) == 5:  # MM-DD
        return f"0000-{listed}"
    return (listed + "-01-01")[:10] if len(listed) in (4, 7) else listed
