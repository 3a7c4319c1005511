"""Boolean term queries scored with numpy over cached posting arrays, for the queries typed most.

Why: Whoosh matches and scores one posting at a time in Python. At 100,000 papers a common word has tens of
thousands of postings, and every keystroke re-reads and re-scores them (a typed prefix expands into dozens of
terms). Here each (field, term) posting list is decoded once per index generation into arrays (document
numbers, weights), kept in a bounded cache, and a query tree of ``Term``/``And``/``Or``/``AndNot``/``AndMaybe``/
``Not`` becomes a few vectorised operations on dense per-document arrays; a phrase intersects its words' arrays
first and matches positions as flat arrays, restricted to the documents that have every word. Scores are Whoosh's own BM25F, term for
term (same idf, average field length, decoded field lengths, B, K1, boosts; compound scores are sums), so the
ranking is the one Whoosh would give; ``tests/test_fastpath.py`` compares the two. Anything else in the tree
(phrases, ranges, a coordination bonus) is evaluated by Whoosh itself and combined, so every query works.

Reads two private parts of Whoosh's codec (a block's pickled data, and ``ListMatcher`` fields for inlined
postings) for speed, with the public per-posting API as the fallback.
"""

from __future__ import annotations

import pickle
import threading
from collections import OrderedDict
from collections.abc import Callable
from functools import partial
from itertools import chain

import numpy as np
from whoosh import query as wq
from whoosh.codec.whoosh3 import W3LeafMatcher
from whoosh.scoring import BM25F

from .integrity import reading_error
from .query import check_cancelled

CACHE_POSTINGS = 4_000_000  # postings kept decoded (8 bytes each: 32 MB), least recently used dropped first
CACHE_POSITIONS = 4_000_000  # (document, position) pairs kept for phrases (8 bytes each: 32 MB)
WARM_TERMS = 40  # most frequent abstract terms decoded ahead (half as many title terms)
WARM_PHRASE_TERMS = 10  # ... and the positions of the first of them

Dense = tuple[np.ndarray, np.ndarray]  # (bool mask per document, float64 score per document)


class _ArrayCache:
    """Least recently used (document array, value array) pairs per term, bounded by total length."""

    def __init__(self, limit: int) -> None:
        self._limit = limit
        self._items: OrderedDict[tuple[str, str], tuple[np.ndarray, np.ndarray]] = OrderedDict()
        self._size = 0

    def get(self, key: tuple[str, str], load: Callable[[], tuple[np.ndarray, np.ndarray]]):  # type: ignore[no-untyped-def]
        found = self._items.get(key)
        if found is not None:
            self._items.move_to_end(key)
            return found
        found = self._items[key] = load()
        self._size += len(found[0])
        while self._size > self._limit and len(self._items) > 1:
            _, (old, _) = self._items.popitem(last=False)
            self._size -= len(old)
        return found


class QueryEvaluator:
    """Per searcher (one index generation): posting arrays, field lengths, and the evaluation itself."""

    def __init__(self, searcher) -> None:  # type: ignore[no-untyped-def]
        self._searcher = searcher
        self.size = searcher.doc_count_all()
        self._leaves = [(sub.reader(), offset) for sub, offset in searcher.leaf_searchers()]
        self._postings = _ArrayCache(CACHE_POSTINGS)
        self._positions = _ArrayCache(CACHE_POSITIONS)
        self._lengths: dict[str, np.ndarray] = {}
        weighting = searcher.weighting
        self._bm25 = weighting if type(weighting) is BM25F else None
        self._cancel: threading.Event | None = None

    # -- posting arrays ---------------------------------------------------------------------------------------

    def postings(self, fieldname: str, text: str) -> tuple[np.ndarray, np.ndarray]:
        """Document numbers (ascending) and weights of one term, across segments (float32: 8 bytes a
        posting in the cache; scores are computed in float64)."""
        return self._postings.get((fieldname, text), lambda: self._across_segments(
            fieldname, text, _read_matcher, np.float32))

    def lengths(self, fieldname: str) -> np.ndarray:
        """Each document's length in ``fieldname`` as Whoosh's scorer sees it (decoded from one byte)."""
        if fieldname not in self._lengths:
            try:
                parts = [_field_lengths(reader, fieldname) for reader, _offset in self._leaves]
            except Exception as err:
                raise reading_error(f"field lengths of {fieldname!r}", err, partial(_probe_lengths, fieldname)) from err
            self._lengths[fieldname] = np.concatenate(parts) if parts else np.zeros(0)
        return self._lengths[fieldname]

    def preload_steps(self, terms: int = WARM_TERMS, phrase_terms: int = WARM_PHRASE_TERMS) -> list[Callable[[], object]]:
        """Decoding the most frequent terms ahead (in the app: in the worker that opened the library), as one
        step per term, so the first keystrokes and phrases over common words skip reading long posting lists."""
        reader = self._searcher.reader()
        steps: list[Callable[[], object]] = []
        for fieldname, count in (("abstract", terms), ("title", terms // 2)):
            if fieldname not in self._searcher.schema:
                continue
            for n, (_, text) in enumerate(reader.most_frequent_terms(fieldname, number=count)):
                word = text.decode("utf-8") if isinstance(text, bytes) else text
                steps.append(partial(self.postings, fieldname, word))
                if n < phrase_terms:
                    steps.append(partial(self.positions, fieldname, word))
        return steps

    # -- evaluation -------------------------------------------------------------------------------------------

    def evaluate(self, q: wq.Query, cancel: threading.Event | None = None) -> Dense:
        """Every matching document (mask) and its score, for the whole tree. Setting ``cancel`` (from another
        thread) stops the evaluation before its next term with ``SearchCancelled``."""
        self._cancel = cancel
        try:
            return self._evaluate(q)
        finally:
            self._cancel = None

    def _evaluate(self, q: wq.Query) -> Dense:
        check_cancelled(self._cancel)
        if isinstance(q, wq.Term):
            return self._term(q)
        if isinstance(q, wq.And) and type(q) is wq.And:
            positives = [s for s in q.subqueries if not isinstance(s, wq.Not)]
            negatives = [s.query for s in q.subqueries if isinstance(s, wq.Not)]
            if not positives:
                return self._whoosh(q)
            mask, score = self._evaluate(positives[0])
            mask = mask.copy()
            score = score.copy()
            for sub in positives[1:]:
                sub_mask, sub_score = self._evaluate(sub)
                mask &= sub_mask
                score += sub_score
            for sub in negatives:  # Whoosh intersects with an inverse matcher, which scores 1.0
                mask &= ~self._evaluate(sub)[0]
                score += 1.0
            return mask, self._boosted(np.where(mask, score, 0.0), q.boost)
        if type(q) is wq.Or and not q.scale and not q.minmatch:
            mask = np.zeros(self.size, dtype=bool)
            score = np.zeros(self.size, dtype=np.float64)
            for sub in q.subqueries:
                sub_mask, sub_score = self._evaluate(sub)
                mask |= sub_mask
                score += sub_score
            return mask, self._boosted(score, q.boost)
        if type(q) is wq.AndNot:
            mask, score = self._evaluate(q.a)
            mask = mask & ~self._evaluate(q.b)[0]
            return mask, self._boosted(np.where(mask, score, 0.0), q.boost)
        if type(q) is wq.AndMaybe:
            mask, score = self._evaluate(q.a)
            _, extra = self._evaluate(q.b)
            return mask, self._boosted(np.where(mask, score + extra, 0.0), q.boost)
        if type(q) is wq.Phrase and q.slop == 1 and len(q.words) > 1 and self._bm25 is not None:
            return self._phrase(q)
        if q is wq.NullQuery or isinstance(q, type(wq.NullQuery)):
            return np.zeros(self.size, dtype=bool), np.zeros(self.size, dtype=np.float64)
        return self._whoosh(q)

    def _term(self, q: wq.Term) -> Dense:
        mask = np.zeros(self.size, dtype=bool)
        score = np.zeros(self.size, dtype=np.float64)
        searcher = self._searcher
        if q.fieldname not in searcher.schema:
            return mask, score
        ids, weights = self.postings(q.fieldname, q.text)
        if not len(ids):
            return mask, score
        field = searcher.schema[q.fieldname]
        if self._bm25 is None:
            return self._whoosh(q)
        if field.scorable:
            bm25 = self._bm25
            b = bm25._field_B.get(q.fieldname, bm25.B)
            k1 = bm25.K1
            idf = searcher.idf(q.fieldname, q.text)
            avgfl = searcher.avg_field_length(q.fieldname) or 1
            lengths = self.lengths(q.fieldname)[ids]
            tf = weights.astype(np.float64)
            values = idf * ((tf * (k1 + 1)) / (tf + k1 * ((1 - b) + b * lengths / avgfl)))
        else:
            values = weights.astype(np.float64)  # Whoosh scores unscorable fields by the posting weight
        mask[ids] = True
        score[ids] = values * q.boost
        return mask, score

    def _phrase(self, q: wq.Phrase) -> Dense:
        """Words at consecutive positions, in order (Whoosh's ``SpanNear2`` with slop 1), scored as Whoosh
        does: the sum of the words' term scores, times the phrase's boost. Each word's positions are kept as
        flat (document, position) arrays, so matching is a set intersection of ``document, position - k``
        keys over the documents that have every word."""
        mask = np.zeros(self.size, dtype=bool)
        score = np.zeros(self.size, dtype=np.float64)
        fieldname = q.fieldname
        schema = self._searcher.schema
        if fieldname not in schema or not schema[fieldname].format.supports("positions"):
            return self._whoosh(q)
        words = list(q.words)
        terms = [self._term(wq.Term(fieldname, word)) for word in words]
        candidates = terms[0][0].copy()
        for term_mask, _ in terms[1:]:
            candidates &= term_mask
        if not candidates.any():
            return mask, score
        common: np.ndarray | None = None
        for offset, word in enumerate(words):
            docs, positions = self.positions(fieldname, word)
            keep = candidates[docs] & (positions >= offset)
            keys = (docs[keep].astype(np.int64) << 32) | (positions[keep].astype(np.int64) - offset)
            common = keys if common is None else np.intersect1d(common, keys, assume_unique=True)
            if not len(common):
                return mask, score
        assert common is not None
        rows = np.unique(common >> 32)
        mask[rows] = True
        score[rows] = sum(term_score[rows] for _, term_score in terms) * q.boost
        return mask, score

    def positions(self, fieldname: str, text: str) -> tuple[np.ndarray, np.ndarray]:
        """Every (document, position) of a term as two flat arrays (cached like the postings)."""
        return self._positions.get((fieldname, text), lambda: self._across_segments(
            fieldname, text, lambda m: _flatten_positions(*_read_matcher_values(m)), np.int32))

    def _across_segments(self, fieldname: str, text: str, read, second_type) -> tuple[np.ndarray, np.ndarray]:  # type: ignore[no-untyped-def]
        """``read`` each segment's posting matcher into (documents, values); documents made global."""
        btext = self._searcher.schema[fieldname].to_bytes(text)
        doc_parts, value_parts = [], []
        for reader, offset in self._leaves:
            try:
                if (fieldname, btext) not in reader:
                    continue
                docs, values = read(reader.postings(fieldname, btext))
            except Exception as err:  # a torn block: TypeError, struct.error, EOFError, zlib.error...
                raise reading_error(f"postings of {fieldname}:{text}", err,
                                    partial(_probe_postings, fieldname, btext)) from err
            doc_parts.append(docs + offset)
            value_parts.append(values)
        if not doc_parts:
            return np.zeros(0, dtype=np.int32), np.zeros(0, dtype=second_type)
        return np.concatenate(doc_parts).astype(np.int32), np.concatenate(value_parts).astype(second_type)

    def _whoosh(self, q: wq.Query) -> Dense:
        """A subtree numpy does not handle (a phrase, a range...): Whoosh matches and scores it."""
        mask = np.zeros(self.size, dtype=bool)
        score = np.zeros(self.size, dtype=np.float64)
        try:
            top = self._searcher.search(q, limit=None).top_n
        except Exception as err:
            raise reading_error(f"matches of {q}", err, partial(_probe_search, q)) from err
        if top:
            ids = np.fromiter((d for _, d in top), dtype=np.int64, count=len(top))
            mask[ids] = True
            score[ids] = np.fromiter((s or 0.0 for s, _ in top), dtype=np.float64, count=len(top))
        return mask, score

    @staticmethod
    def _boosted(score: np.ndarray, boost: float) -> np.ndarray:
        return score * boost if boost != 1.0 else score


def ranked(mask: np.ndarray, score: np.ndarray, start: int, end: int) -> list[tuple[int, float]]:
    """Documents ``start:end`` of ``mask`` by score (best first), ties by document number, as Whoosh orders."""
    candidates = np.flatnonzero(mask)
    if not len(candidates) or start >= len(candidates):
        return []
    scores = score[candidates]
    if len(candidates) > end:
        threshold = -np.partition(-scores, end - 1)[end - 1]
        keep = scores >= threshold  # everything tied with the last place too, so ties order by docnum
        candidates, scores = candidates[keep], scores[keep]
    order = np.lexsort((candidates, -scores))[start:end]
    return [(int(candidates[i]), float(scores[i])) for i in order]


def _field_lengths(reader, fieldname: str) -> np.ndarray:  # type: ignore[no-untyped-def]
    return np.array([reader.doc_field_length(d, fieldname, 0) or 0 for d in range(reader.doc_count_all())],
                    dtype=np.float64)


def _probe_postings(fieldname: str, btext: bytes, searcher) -> None:  # type: ignore[no-untyped-def]
    """Read one term's postings in every segment through Whoosh's public matcher API."""
    for sub, _offset in searcher.leaf_searchers():
        reader = sub.reader()
        if (fieldname, btext) in reader:
            matcher = reader.postings(fieldname, btext)
            while matcher.is_active():
                matcher.id(), matcher.weight(), matcher.value()
                matcher.next()


def _probe_lengths(fieldname: str, searcher) -> None:  # type: ignore[no-untyped-def]
    for sub, _offset in searcher.leaf_searchers():
        _field_lengths(sub.reader(), fieldname)


def _probe_search(q: wq.Query, searcher) -> None:  # type: ignore[no-untyped-def]
    searcher.search(q, limit=None)


def _read_matcher_values(m) -> tuple[np.ndarray, list[bytes]]:  # type: ignore[no-untyped-def]
    """All (document numbers, encoded position lists) of one segment's posting list."""
    if isinstance(m, W3LeafMatcher) and hasattr(m, "_data") and not m._byteids:
        ids_parts: list[np.ndarray] = []
        values: list[bytes] = []
        while m.is_active():
            if m._data is None:
                m._read_data()
            ids_parts.append(np.cumsum(np.asarray(m._data[0], dtype=np.int64)))
            m._read_values()
            values.extend(m._values)
            m._next_block()
        return (np.concatenate(ids_parts) if ids_parts else np.zeros(0, dtype=np.int64)), values
    ids_list, value_list = [], []
    while m.is_active():
        ids_list.append(m.id())
        value_list.append(m.value())
        m.next()
    return np.asarray(ids_list, dtype=np.int64), value_list


def _flatten_positions(ids: np.ndarray, values: list[bytes]) -> tuple[np.ndarray, np.ndarray]:
    """Whoosh's encoded position lists (a count, then a pickled list of deltas) as flat arrays."""
    deltas = _unpickle_all(values)
    counts = np.fromiter((len(d) for d in deltas), dtype=np.int64, count=len(deltas))
    flat = np.fromiter(chain.from_iterable(deltas), dtype=np.int64, count=int(counts.sum()))
    running = np.cumsum(flat)
    starts = np.cumsum(counts) - counts  # index of each posting's first delta
    base = np.repeat(running[starts] - flat[starts], counts) if len(flat) else running
    return np.repeat(ids, counts), running - base


def _unpickle_all(values: list[bytes]) -> list[list[int]]:
    """Each value is a 4-byte count and a protocol-2 pickle of a list of ints (Whoosh may drop the final
    STOP). Stitched into one pickle of a list of lists, they load in one call instead of one call each (0.85 s
    for the 285,000 postings of a three-word phrase at 100,000 papers). Falls back to one by one."""
    bodies = []
    for v in values:
        body = v[4:]
        if not body.startswith(b"\x80\x02"):
            break
        bodies.append(body[2:-1] if body.endswith(b".") else body[2:])
    else:
        try:
            loaded = pickle.loads(b"\x80\x02](" + b"".join(bodies) + b"e.")
            if len(loaded) == len(values) and all(type(x) is list for x in loaded):
                return loaded
        except Exception:
            pass
    return [pickle.loads(v[4:] if v.endswith(b".") else v[4:] + b".") for v in values]


def _read_matcher(m) -> tuple[np.ndarray, np.ndarray]:  # type: ignore[no-untyped-def]
    """All (document numbers, weights) of one segment's posting list."""
    if isinstance(m, W3LeafMatcher) and hasattr(m, "_data") and not m._byteids:
        ids_parts, weight_parts = [], []
        while m.is_active():
            if m._data is None:
                m._read_data()
            ids = np.cumsum(np.asarray(m._data[0], dtype=np.int64))  # ids are delta-coded within a block
            weights = m._data[1]
            if weights is None:
                weights = np.ones(len(ids))
            elif isinstance(weights, float):
                weights = np.full(len(ids), weights)
            ids_parts.append(ids)
            weight_parts.append(np.asarray(weights, dtype=np.float64))
            m._next_block()
        if ids_parts:
            return np.concatenate(ids_parts), np.concatenate(weight_parts)
        return np.zeros(0, dtype=np.int64), np.zeros(0)
    ids_list, weight_list = [], []
    while m.is_active():
        ids_list.append(m.id())
        weight_list.append(m.weight())
        m.next()
    return np.asarray(ids_list, dtype=np.int64), np.asarray(weight_list, dtype=np.float64)
