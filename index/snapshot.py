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
import os
import pickle
from collections.abc import Iterable
from pathlib import Path

import numpy as np

from .models import FACETS, USER_FACETS

FACET_COLUMN = "facets"
COLUMN_FACETS = tuple(f for f in FACETS if f not in USER_FACETS)  # the others come from the user's data
SNAPSHOT_VERSION = 1


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
        values: dict[str, dict[str, int]] = {f: {} for f in COLUMN_FACETS}
        pairs: dict[str, tuple[list[int], list[int]]] = {f: ([], []) for f in COLUMN_FACETS}
        self._dates, self._titles, self._upvotes = [""] * self.size, [""] * self.size, [0] * self.size
        raw = list(reader.column_reader(FACET_COLUMN, translate=False)) if reader.has_column(FACET_COLUMN) else []
        live = self.live
        # One parse of the whole column: a JSON array, with null for deleted or empty rows (3x faster than
        # one json.loads per document at 100,000 papers).
        rows = json.loads(b"[" + b",".join(r if r and live[n] else b"null" for n, r in enumerate(raw)) + b"]")
        for docnum, data in enumerate(rows):
            if data is None:
                continue
            self.keys[docnum] = data["k"]
            self._dates[docnum], self._titles[docnum], self._upvotes[docnum] = data["d"], data["t"], data["u"]
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
        self._orders: dict[str, np.ndarray] = {}
        self._doc_by_key: dict[str, int] | None = None

    @property
    def doc_by_key(self) -> dict[str, int]:
        if self._doc_by_key is None:
            self._doc_by_key = {key: n for n, key in enumerate(self.keys) if key}
        return self._doc_by_key

    def mask_of(self, docnums: Iterable[int]) -> np.ndarray:
        mask = np.zeros(self.size, dtype=bool)
        ids = np.fromiter(docnums, dtype=np.int64)
        if ids.size:
            mask[ids] = True
        return mask & self.live

    def order(self, sort: str) -> np.ndarray:
        """Live documents in ``sort`` order: date (newest first, then title), title, upvotes (then date)."""
        if sort not in self._orders:
            docs = range(self.size)
            dates, titles, upvotes = self._dates, self._titles, self._upvotes
            # Python's sort on the string lists: numpy's unique over 100,000 long unicode strings took a
            # second and 300 MB. Stable sorts, least significant key first.
            if sort == "title":  # then newest first
                ordered = sorted(docs, key=dates.__getitem__, reverse=True)
                ordered.sort(key=titles.__getitem__)
            else:
                ordered = sorted(docs, key=titles.__getitem__)
                ordered.sort(key=dates.__getitem__, reverse=True)
            if sort == "upvotes":
                ordered.sort(key=upvotes.__getitem__, reverse=True)
            array = np.asarray(ordered, dtype=np.int32)
            self._orders[sort] = array[self.live[array]]
        return self._orders[sort]

    # -- a copy on disk per index generation ------------------------------------------------------------------

    def save(self, path: Path) -> None:
        """Keep this snapshot next to the index, so the next start loads it instead of rebuilding it."""
        state = {"version": SNAPSHOT_VERSION, "size": self.size, "live": self.live, "keys": self.keys,
                 "dates": self._dates, "titles": self._titles, "upvotes": self._upvotes,
                 "facets": {f: (a.values, a.docs, a.value_ids) for f, a in self.facets.items()},
                 "orders": {name: self.order(name) for name in ("date", "title", "upvotes")}}
        temporary = path.with_name(path.name + ".tmp")
        with temporary.open("wb") as handle:
            pickle.dump(state, handle, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(temporary, path)

    @classmethod
    def load(cls, path: Path, size: int) -> Snapshot | None:
        """The saved snapshot if it is there, readable and of this layout and size; otherwise None."""
        try:
            with path.open("rb") as handle:
                state = pickle.load(handle)  # our own cache file in the user's cache folder
            if state.get("version") != SNAPSHOT_VERSION or state.get("size") != size:
                return None
            snap = cls.__new__(cls)
            snap.size, snap.live, snap.keys = state["size"], state["live"], state["keys"]
            snap._dates, snap._titles, snap._upvotes = state["dates"], state["titles"], state["upvotes"]
            snap.facets = {}
            for facet, (values, docs, value_ids) in state["facets"].items():
                arrays = FacetArrays.__new__(FacetArrays)
                arrays.values, arrays.docs, arrays.value_ids = values, docs, value_ids
                arrays.index = {v: i for i, v in enumerate(values)}
                snap.facets[facet] = arrays
            snap._orders = dict(state["orders"])
            snap._doc_by_key = None
            return snap
        except Exception:  # a torn or foreign file: rebuild from the index (and overwrite it)
            return None
