"""Searching the index: lenient queries, filters, sorting, paging, highlights, suggestions and similar papers.
Everything returned is a plain dataclass from ``models``.

Facet counts (disjunctive: each facet under the query and the *other* facets' filters, so choosing one source
still shows how many hits the other sources would add) are in ``facet_counts.py``.
"""

from __future__ import annotations

import re
import threading
import time
from collections.abc import Callable
from functools import partial
from pathlib import Path

import numpy as np
from whoosh import query as wq
from whoosh.index import Index

from .clean import latex_to_display
from .fastpath import QueryEvaluator, ranked
from .facet_counts import UserFacets, count_facets, docs_for_values, group_filters
from .highlight import positive_terms, snippet_span, whole_span
from .models import AllBut, Hit, Paper, SearchRequest, SearchResults, SimilarPaper, Span
from .integrity import reading_error
from .query import ParsedQuery, check_cancelled, parse_query, simplify, split_user_fields
from .snapshot import FACET_COLUMN, SNAPSHOT_SUFFIX, Snapshot
from .store import RecordStore
from .vocabulary import Vocabulary

SUGGEST_BELOW = 3  # offer "did you mean" when a query has fewer hits than this
SIMILAR_TERMS = 12  # key terms used to find papers like one (25 took 7x longer at 10k papers, same top hits)
SIMILAR_TITLE_WEIGHT = 2.0  # a key term that is also in the paper's title counts this much more
SIMILAR_MIN_SHARED = 2  # a match sharing fewer key terms than this is a coincidence, not a similar paper
SIMILAR_OVERFETCH = 3  # candidates ranked per result asked for, to fill the list after dropping coincidences


class EngineClosed(RuntimeError):
    """The engine was closed (a rebuild replaced it); the caller should use the library's current engine."""


class SearchEngine:
    """Runs searches against one Whoosh index and the record store. Thread-safe (one search at a time).

    Per index generation it keeps a ``Snapshot`` (keys, facet arrays, sort orders), the ``Vocabulary`` and a
    ``QueryEvaluator`` (posting arrays), all built on first use: ``warm()`` builds them ahead of the first search.
    """

    def __init__(self, ix: Index, store: RecordStore) -> None:
        self._ix = ix
        self._store = store
        self._lock = threading.RLock()
        self._closed = False
        self._searcher = ix.searcher()
        self._snapshot: Snapshot | None = None
        self._previous_snapshot: Snapshot | None = None  # an earlier generation's, to update from
        self._vocabulary: Vocabulary | None = None
        self._evaluator: QueryEvaluator | None = None

    def close(self) -> None:
        """Safe to call twice (a swap closes the engine before moving files, then replaces it)."""
        with self._lock:
            if self._closed:
                return
            self._closed = True
            self._searcher.close()

    def exclusive(self):  # type: ignore[no-untyped-def]
        """Hold the engine's lock: no search runs until the block ends (used to swap in a rebuilt index)."""
        return self._lock

    def _check_open(self) -> None:
        if self._closed:
            raise EngineClosed("the index was replaced")

    def refresh(self) -> bool:
        """Pick up commits made since the searcher was opened (by this or another process).

        Why a new searcher rather than Whoosh's ``Searcher.refresh()``: that reuses the open reader of every
        segment whose id is unchanged, and a segment keeps its id when documents in it are deleted, so the
        refreshed reader still counted the replaced copies of updated papers as live (every paper of a
        2,000-paper update listed twice, facet counts doubled)."""
        with self._lock:
            if self._ix.latest_generation() == getattr(self._searcher.reader(), "generation", lambda: None)():
                return False
            self._searcher.close()  # reopening is cheap: the codec's files stay mapped
            self._searcher = self._ix.searcher()
            self._previous_snapshot = self._snapshot or self._previous_snapshot
            self._snapshot = None
            self._vocabulary = None
            self._evaluator = None
            return True

    def warm(self) -> None:
        """Build the per-generation snapshot, vocabulary and field lengths and decode the most common terms
        now (e.g. in a worker right after opening). One step per lock hold, so the first search typed
        meanwhile waits for one step at most, not for all of them."""
        evaluator = self.evaluator()
        first = [self.snapshot, self.vocabulary, *(partial(evaluator.lengths, f) for f in ("title", "abstract"))]
        if self._run_steps(first, evaluator):
            with self._lock:
                steps = evaluator.preload_steps()
            self._run_steps(steps, evaluator)

    def _run_steps(self, steps: list[Callable[[], object]], evaluator: QueryEvaluator) -> bool:
        for step in steps:
            with self._lock:
                if self._closed or evaluator is not self._evaluator:
                    return False  # a rebuild or a refresh replaced what was being warmed
                step()
        return True

    def snapshot(self) -> Snapshot:
        if self._snapshot is None:
            reader = self._searcher.reader()
            path = self._snapshot_path()
            loaded = Snapshot.load(path, reader.doc_count_all()) if path is not None else None
            if loaded is not None and not self._matches_index(loaded):
                loaded = None  # a stray file from another index of the same generation: rebuild it
            self._snapshot = loaded or self._read_snapshot(reader, self._previous_snapshot)
            self._previous_snapshot = None
            if loaded is None and path is not None:
                self._save_snapshot(path)
        return self._snapshot

    @staticmethod
    def _read_snapshot(reader, previous: Snapshot | None) -> Snapshot:  # type: ignore[no-untyped-def]
        try:
            return Snapshot.from_reader(reader, previous)
        except Exception as err:  # the facet column or the deletion lists could not be read
            raise reading_error("facet column", err, _probe_snapshot) from err

    def _matches_index(self, snap: Snapshot) -> bool:
        """Check a loaded snapshot: exactly as many live documents as the index, and its keys at a few live
        documents the index's own."""
        live = np.flatnonzero(snap.live)
        if len(live) != self._searcher.reader().doc_count():
            return False
        if not len(live):
            return True
        samples = {int(live[0]), int(live[-1]), int(live[len(live) // 2])}
        return all(self._searcher.stored_fields(d).get("key") == snap.keys[d] for d in samples)

    def _snapshot_path(self) -> Path | None:
        """``.snapshot-<generation>.npz`` in the index folder (a dot file: not part of the index stamp)."""
        folder = getattr(self._ix.storage, "folder", None)
        generation = getattr(self._searcher.reader(), "generation", lambda: None)()
        if folder is None or generation is None:
            return None
        return Path(folder) / f".snapshot-{generation}{SNAPSHOT_SUFFIX}"

    def _save_snapshot(self, path: Path) -> None:
        """Best effort: a read-only or full cache folder only means the next start rebuilds it."""
        assert self._snapshot is not None
        try:
            for old in path.parent.glob(".snapshot-*"):
                if old != path:
                    old.unlink(missing_ok=True)
            self._snapshot.save(path)
        except OSError:
            pass

    def evaluator(self) -> QueryEvaluator:
        if self._evaluator is None:
            self._evaluator = QueryEvaluator(self._searcher)
        return self._evaluator

    def vocabulary(self) -> Vocabulary:
        if self._vocabulary is None:
            self._vocabulary = Vocabulary(self._store.word_rows())
        return self._vocabulary

    # -- searching -------------------------------------------------------------------------------------------

    def _parse(self, query: str, as_you_type: bool = False, cancel: threading.Event | None = None) -> ParsedQuery:
        return parse_query(query, self._ix.schema, self._searcher.reader(), self.vocabulary(),
                           as_you_type=as_you_type, cancel=cancel)

    def search(self, request: SearchRequest, bookmarks: frozenset[str] = frozenset(),
               cancel: threading.Event | None = None, user_facets: UserFacets | None = None) -> SearchResults:
        """One search. Setting ``cancel`` from another thread (the app, when a newer search supersedes this
        one) makes it raise ``SearchCancelled`` at its next term, also while it waits for the engine.
        ``user_facets``: the values of the facets kept in user data (tag, state) as key sets."""
        started = time.perf_counter()
        sets: UserFacets = {**(user_facets or {}), "bookmarked": {"yes": bookmarks, "no": AllBut(bookmarks)}}
        text, user_filters, user_excludes = split_user_fields(request.query)
        with self._lock:
            check_cancelled(cancel)
            self._check_open()
            parsed = self._parse(text, as_you_type=request.as_you_type, cancel=cancel)
            snap = self.snapshot()
            scores = None
            if isinstance(parsed.query, wq.Every):
                matching = snap.live
            else:
                # One evaluation gives the count, the facet mask and every score (``fastpath.py``).
                mask, scores = self.evaluator().evaluate(parsed.query, cancel)
                matching = mask & snap.live
            selected = group_filters((*request.filters, *user_filters))
            allowed = {facet: docs_for_values(snap, facet, values, sets) for facet, values in selected.items()}
            for facet, values in group_filters((*request.exclude, *user_excludes)).items():
                banned = ~docs_for_values(snap, facet, values, sets)
                allowed[facet] = allowed[facet] & banned if facet in allowed else snap.live & banned
            final = matching
            for docs in allowed.values():
                final = final & docs
            facets = count_facets(snap, matching, allowed, selected, sets) if request.with_facets else {}
            total = int(np.count_nonzero(final))
            hits: list[Hit] = []
            start = (request.page - 1) * request.page_size
            if total and start < total:
                end = start + request.page_size
                if request.sort == "relevance" and scores is not None:
                    page = ranked(final, scores, start, end)
                else:
                    order = snap.order("date" if request.sort == "relevance" else request.sort)
                    page = [(int(d), 0.0) for d in order[final[order]][start:end]]
                hits = self._make_hits([(snap.keys[d], score) for d, score in page], parsed.query, request,
                                       bookmarks, start)
            suggestion = None
            if total < SUGGEST_BELOW and parsed.words:
                check_cancelled(cancel)
                suggestion = self._suggest(simplify(text)[0], parsed.words, total)
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

    def _make_hits(self, page, q, request, bookmarks, start) -> list[Hit]:  # type: ignore[no-untyped-def]
        records = self._store.get_many([key for key, _ in page])
        terms = positive_terms(q)
        schema = self._ix.schema
        hits = []
        for offset, (key, score) in enumerate(page):
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
            self._check_open()
            parsed = self._parse(query, as_you_type=as_you_type)
            terms = positive_terms(parsed.query)
            schema = self._ix.schema
            return (
                whole_span(latex_to_display(paper.title), terms.get("title", ()), schema["title"].analyzer),
                whole_span(latex_to_display(paper.abstract), terms.get("abstract", ()),
                           schema["abstract"].analyzer),
            )

    def _suggest(self, raw: str, words: list[str], total: int) -> str | None:
        """Did-you-mean: replace words that are in neither field by the closest, most frequent known word."""
        reader = self._searcher.reader()
        analyzer = self._ix.schema["abstract"].analyzer
        vocabulary = self.vocabulary()
        suggestion = raw
        changed = False
        for word in dict.fromkeys(w.lower() for w in words):
            stems = [t.text for t in analyzer(word, mode="query")]
            if not stems or any(reader.doc_frequency(f, s) for f in ("title", "abstract") for s in stems):
                continue
            best = vocabulary.suggest(word, maxdist=2, prefix=1)
            if best and best != word:
                suggestion = re.sub(rf"(?<!\w){re.escape(word)}(?!\w)", best, suggestion, flags=re.IGNORECASE)
                changed = True
        if not changed:
            return None
        corrected = self._parse(suggestion)
        better = int(np.count_nonzero(self.evaluator().evaluate(corrected.query)[0] & self.snapshot().live))
        return suggestion if better > total else None

    # -- papers and similar papers ---------------------------------------------------------------------------

    def get(self, key: str) -> Paper | None:
        return self._store.get(key)

    def similar(self, key: str, limit: int = 10) -> list[SimilarPaper]:
        """Papers like ``key`` (Whoosh more-like-this over title and abstract), each with the key terms they share.

        Why title terms weigh more: a title names what the paper is about, while an abstract's rarer words
        ("repository", "benchmark") are often incidental. Why a match must share at least two key terms: one
        shared rare word made an astronomy paper the top match for a paper that mentions its code repository.
        """
        paper = self._store.get(key)
        if paper is None:
            return []
        analyzer = self._ix.schema["abstract"].analyzer
        title_stems = {t.text for t in analyzer(paper.title, mode="query")}
        with self._lock:
            self._check_open()
            searcher = self._searcher
            docnum = self.snapshot().doc_by_key.get(key)
            if docnum is None:
                return []
            text = f"{paper.title}. {paper.abstract}"
            # Whoosh's key-term expansion (Bo1), as in ``more_like``, but over title and abstract and without
            # the one- and two-letter fragments ("co" from "co-teaching") that make plain more_like drift.
            weighted = [(t, w * (SIMILAR_TITLE_WEIGHT if t in title_stems else 1.0))
                        for t, w in searcher.key_terms_from_text("abstract", text, numterms=SIMILAR_TERMS + 10)
                        if len(t) >= 3 and not t.isdigit()][:SIMILAR_TERMS]
            key_terms = [t for t, _ in weighted]
            q = wq.Or([wq.Term(field, t, boost=w) for field in ("title", "abstract") for t, w in weighted])
            mask, scores = self.evaluator().evaluate(q)
            mask = mask & self.snapshot().live
            mask[docnum] = False  # not the paper itself
            keys = self.snapshot().keys
            # more candidates than asked for: some share a single term and are dropped below
            found = [(keys[d], score) for d, score in ranked(mask, scores, 0, limit * SIMILAR_OVERFETCH)]
        surface = _surface_words(text, analyzer)
        records = self._store.get_many([k for k, _ in found])
        similar = []
        for other_key, score in found:
            other = records.get(other_key)
            if other is None:
                continue
            other_stems = {t.text for t in analyzer(f"{other.title} {other.abstract}", mode="query")}
            shared = tuple(surface.get(t, t) for t in key_terms if t in other_stems)
            if len(shared) >= SIMILAR_MIN_SHARED:
                similar.append(SimilarPaper(paper=other, score=float(score), shared_terms=shared))
            if len(similar) == limit:
                break
        return similar


def _probe_snapshot(searcher) -> None:  # type: ignore[no-untyped-def]
    """Read the facet column and the deletion lists through Whoosh's public API (``IndexDamaged`` probe)."""
    reader = searcher.reader()
    sum(1 for _ in reader.all_doc_ids())
    if reader.has_column(FACET_COLUMN):
        for _ in reader.column_reader(FACET_COLUMN, translate=False):
            pass


def _surface_words(text: str, analyzer) -> dict[str, str]:  # type: ignore[no-untyped-def]
    """stem -> the first word in ``text`` that produced it, so shared terms read as words, not stems."""
    words: dict[str, str] = {}
    for token in analyzer(text, mode="index", chars=True):
        words.setdefault(token.text, text[token.startchar:token.endchar].lower())
    return words
