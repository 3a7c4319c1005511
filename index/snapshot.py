"""What search needs besides postings, as arrays per index generation: each document's key, facet values and
sort keys, read once from one Whoosh column.

Why arrays: facet counts used to be one set intersection per facet value. At 100,000 papers the author facet
alone has hundreds of thousands of values, so counting cost seconds per search. With numpy, counting a facet
is one ``bincount`` over its (document, value) pairs under a boolean mask of the matching documents, a few
milliseconds whatever the number of values. Sorting by date, title or upvotes uses orders computed once per
generation and filtered by the same mask, instead of Whoosh sorting every matching document on every search.
Why one JSON column instead of indexed facet fields: facet values are never searched as terms, so indexing
them only cost build time; a column is written once per document and read back in one pass.
"""

from __future__ import annotations

import json
from collections.abc import Iterable

import numpy as np

from .models import FACETS

FACET_COLUMN = "facets"
COLUMN_FACETS = tuple(f for f in FACETS if f != "bookmarked")  # "bookmarked" comes from the bookmark store
SORT_KEYS = ("date", "title", "upvotes")


def column_value(key: str, facets: dict[str, list[str]], date: str, title: str, upvotes: int) -> bytes:
    """The per-document column value: everything ``Snapshot`` reads back."""
    return json.dumps({"k": key, "f": facets, "d": date, "t": title, "u": upvotes},
                      ensure_ascii=False, separators=(",", ":")).encode("utf-8")


class FacetArrays:
    """One facet: its distinct values and the (document, value) pairs, as parallel arrays."""

    def __init__(self, values: list[str], docs: list[int], value_ids: list[int]) -> None:
        self.values = values
        self.index = {v: i for i, v in enumerate(values)}
        self.docs = np.asarray(docs, dtype=np.int32)
        self.value_ids = np.asarray(value_ids, dtype=np.int32)

    def counts(self, mask: np.ndarray) -> np.ndarray:
        """How many documents under ``mask`` carry each value (indexed like ``values``)."""
        return np.bincount(self.value_ids[mask[self.docs]], minlength=len(self.values))

    def docs_with(self, values: Iterable[str], size: int) -> np.ndarray:
        """A boolean mask of the documents carrying any of ``values``."""
        wanted = [self.index[v] for v in values if v in self.index]
        mask = np.zeros(size, dtype=bool)
        if wanted:
            mask[self.docs[np.isin(self.value_ids, wanted)]] = True
        return mask


class Snapshot:
    """Keys, facet arrays and sort orders for one reader (one index generation)."""

    def __init__(self, reader) -> None:  # type: ignore[no-untyped-def]
        self.size = reader.doc_count_all()
        self.live = np.zeros(self.size, dtype=bool)
        self.live[np.fromiter(reader.all_doc_ids(), dtype=np.int64)] = True
        self.keys: list[str] = [""] * self.size
        self.doc_by_key: dict[str, int] = {}
        values: dict[str, dict[str, int]] = {f: {} for f in COLUMN_FACETS}
        pairs: dict[str, tuple[list[int], list[int]]] = {f: ([], []) for f in COLUMN_FACETS}
        dates, titles, upvotes = [""] * self.size, [""] * self.size, [0] * self.size
        column = reader.column_reader(FACET_COLUMN, translate=False) if reader.has_column(FACET_COLUMN) else ()
        live = self.live
        for docnum, raw in enumerate(column):
            if not raw or not live[docnum]:
                continue
            data = json.loads(raw)
            key = data["k"]
            self.keys[docnum] = key
            self.doc_by_key[key] = docnum
            dates[docnum], titles[docnum], upvotes[docnum] = data["d"], data["t"], data["u"]
            for facet, facet_values in data["f"].items():
                ids = values.get(facet)
                if ids is None:
                    continue
                docs, vids = pairs[facet]
                for value in facet_values:
                    vid = ids.get(value)
                    if vid is None:
                        vid = ids[value] = len(ids)
                    docs.append(docnum)
                    vids.append(vid)
        self.facets = {f: FacetArrays(list(values[f]), *pairs[f]) for f in COLUMN_FACETS}
        self._sort_columns = (dates, titles, upvotes)
        self._orders: dict[str, np.ndarray] = {}

    def mask_of(self, docnums: Iterable[int]) -> np.ndarray:
        mask = np.zeros(self.size, dtype=bool)
        ids = np.fromiter(docnums, dtype=np.int64)
        if ids.size:
            mask[ids] = True
        return mask & self.live

    def order(self, sort: str) -> np.ndarray:
        """Live documents in ``sort`` order: date (newest first, then title), title, upvotes (then date)."""
        if sort not in self._orders:
            dates, titles, upvotes = self._sort_columns
            date_rank = np.unique(np.asarray(dates, dtype=str), return_inverse=True)[1]
            title_rank = np.unique(np.asarray(titles, dtype=str), return_inverse=True)[1]
            if sort == "title":
                keys = (-date_rank, title_rank)
            elif sort == "upvotes":
                keys = (title_rank, -date_rank, -np.asarray(upvotes, dtype=np.int64))
            else:
                keys = (title_rank, -date_rank)
            ordered = np.lexsort(keys)  # the last key is the primary one
            self._orders[sort] = ordered[self.live[ordered]].astype(np.int32)
        return self._orders[sort]
