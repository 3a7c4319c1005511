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
from collections.abc import Iterable
from pathlib import Path

import numpy as np
from whoosh.reading import SegmentReader

from .models import FACETS, USER_FACETS

FACET_COLUMN = "facets"
COLUMN_FACETS = tuple(f for f in FACETS if f not in USER_FACETS)  # the others come from the user's data
SNAPSHOT_VERSION = 2  # 2: numpy arrays + JSON in an .npz (1 was a pickle)
SNAPSHOT_SUFFIX = ".npz"
SORTS = ("date", "title", "upvotes")


def column_value(key: str, facets: dict[str, list[str]], date: str, title: str, upvotes: int) -> bytes:
    """The per-document column value: everything ``Snapshot`` reads back."""
    return json.dumps({"k": key, "f": facets, "d": date, "t": title, "u": upvotes},
                      ensure_ascii=False, separators=(",", ":")).encode("utf-8")


class FacetArrays:
    """One facet: its distinct values and the (document, value) pairs, as parallel arrays."""

    def __init__(self, values: list[str], docs: Iterable[int] | np.ndarray,
                 value_ids: Iterable[int] | np.ndarray) -> None:
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


def segment_list(reader) -> list[tuple[str, int]]:  # type: ignore[no-untyped-def]
    """(segment id, documents) of each segment, in document-number order: segments never change once
    written, so a snapshot's rows for a leading run of the same segments stay valid (only deletions change,
    and those are read from the reader each time)."""
    return [(sub.segment().segment_id(), sub.doc_count_all()) for sub, _ in segment_readers(reader)]


def segment_readers(reader) -> list:  # type: ignore[no-untyped-def,type-arg]
    """(segment reader, first document number) of each segment (none for an empty index)."""
    return [(sub, offset) for sub, offset in reader.leaf_readers() if isinstance(sub, SegmentReader)]


class _Rows:
    """The per-document lists and facet pairs of a snapshot being read, starting from the first ``kept``
    documents of a previous snapshot."""

    def __init__(self, size: int, previous: Snapshot | None, kept: int) -> None:
        fill = size - kept
        if previous is None or not kept:
            self.keys, self.dates, self.titles, self.upvotes = [""] * size, [""] * size, [""] * size, [0] * size
            self.values: dict[str, dict[str, int]] = {f: {} for f in COLUMN_FACETS}
            self.pairs: dict[str, tuple[list[np.ndarray | list[int]], list[np.ndarray | list[int]]]] = {
                f: ([], []) for f in COLUMN_FACETS}
            return
        self.keys = previous.keys[:kept] + [""] * fill
        self.dates = previous._dates[:kept] + [""] * fill
        self.titles = previous._titles[:kept] + [""] * fill
        self.upvotes = list(previous._upvotes[:kept]) + [0] * fill
        self.values = {f: dict(previous.facets[f].index) for f in COLUMN_FACETS}
        self.pairs = {}
        for f in COLUMN_FACETS:
            old = previous.facets[f]
            keep = old.docs < kept
            self.pairs[f] = ([old.docs[keep]], [old.value_ids[keep]])

    def read(self, reader, offset: int, live: np.ndarray) -> None:  # type: ignore[no-untyped-def]
        """One segment's column: a JSON array parsed in one call, null for deleted or empty rows (instead of
        one json.loads call per document)."""
        raw = list(reader.column_reader(FACET_COLUMN, translate=False)) if reader.has_column(FACET_COLUMN) else []
        rows = json.loads(b"[" + b",".join(r if r and live[offset + n] else b"null" for n, r in enumerate(raw)) + b"]")
        new_pairs = {f: ([], []) for f in COLUMN_FACETS}  # type: dict[str, tuple[list[int], list[int]]]
        for n, data in enumerate(rows):
            if data is None:
                continue
            docnum = offset + n
            self.keys[docnum] = data["k"]
            self.dates[docnum], self.titles[docnum], self.upvotes[docnum] = data["d"], data["t"], data["u"]
            for facet, facet_values in data["f"].items():
                ids = self.values.get(facet)
                if ids is None:
                    continue
                docs, vids = new_pairs[facet]
                for value in facet_values:
                    vid = ids.get(value)
                    if vid is None:
                        vid = ids[value] = len(ids)
                    docs.append(docnum)
                    vids.append(vid)
        for facet, (docs, vids) in new_pairs.items():
            self.pairs[facet][0].append(docs)
            self.pairs[facet][1].append(vids)

    def facets(self) -> dict[str, FacetArrays]:
        def joined(parts: list[np.ndarray | list[int]]) -> np.ndarray:
            arrays = [np.asarray(p, dtype=np.int32) for p in parts]
            return np.concatenate(arrays) if arrays else np.zeros(0, dtype=np.int32)
        return {f: FacetArrays(list(self.values[f]), joined(self.pairs[f][0]), joined(self.pairs[f][1]))
                for f in COLUMN_FACETS}


class Snapshot:
    """Keys, facet arrays and sort orders for one reader (one index generation)."""

    def __init__(self, live: np.ndarray, keys: list[str], dates: list[str], titles: list[str],
                 upvotes: list[int], facets: dict[str, FacetArrays],
                 orders: dict[str, np.ndarray] | None = None, segments: list[tuple[str, int]] | None = None) -> None:
        self.size = len(live)
        self.live = live
        self.keys = keys
        self._dates, self._titles, self._upvotes = dates, titles, upvotes
        self.facets = facets
        self.segments = segments or []
        self._orders: dict[str, np.ndarray] = dict(orders or {})
        self._doc_by_key: dict[str, int] | None = None

    @classmethod
    def from_reader(cls, reader, previous: Snapshot | None = None) -> Snapshot:  # type: ignore[no-untyped-def]
        """Every live document's column value read into a snapshot; with ``previous`` (the snapshot of an
        earlier generation of the same index), only the segments written since are read."""
        size = reader.doc_count_all()
        live = np.zeros(size, dtype=bool)
        live[np.fromiter(reader.all_doc_ids(), dtype=np.int64)] = True
        segments = segment_list(reader)
        kept_segments = kept = 0
        if previous is not None:
            for mine, theirs in zip(segments, previous.segments):
                if mine != theirs:
                    break
                kept_segments += 1
                kept += mine[1]
        rows = _Rows(size, previous, kept)
        for sub, offset in segment_readers(reader)[kept_segments:]:
            rows.read(sub, offset, live)
        return cls(live, rows.keys, rows.dates, rows.titles, rows.upvotes, rows.facets(), segments=segments)

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
        """Keep this snapshot next to the index, so the next start loads it instead of rebuilding it: numpy
        arrays and one JSON document of the strings, in an ``.npz`` (no pickle: loading it runs no code)."""
        strings = {"version": SNAPSHOT_VERSION, "size": self.size, "keys": self.keys, "dates": self._dates,
                   "titles": self._titles, "facet_values": {f: a.values for f, a in self.facets.items()},
                   "segments": self.segments}
        arrays: dict[str, np.ndarray] = {
            "strings": np.frombuffer(json.dumps(strings, ensure_ascii=False).encode("utf-8"), dtype=np.uint8),
            "live": self.live, "upvotes": np.asarray(self._upvotes, dtype=np.int64)}
        for facet, facet_arrays in self.facets.items():
            arrays[f"docs.{facet}"] = facet_arrays.docs
            arrays[f"value_ids.{facet}"] = facet_arrays.value_ids
        for name in SORTS:
            arrays[f"order.{name}"] = self.order(name)
        temporary = path.with_name(path.name + ".tmp")
        with temporary.open("wb") as handle:
            np.savez(handle, **arrays)
        os.replace(temporary, path)

    @classmethod
    def load(cls, path: Path, size: int) -> Snapshot | None:
        """The saved snapshot if it is there, readable and of this layout and size; otherwise None."""
        try:
            with np.load(path, allow_pickle=False) as saved:
                strings = json.loads(saved["strings"].tobytes())
                if strings.get("version") != SNAPSHOT_VERSION or strings.get("size") != size:
                    return None
                live = saved["live"]
                if live.dtype != bool or len(live) != size:
                    return None
                facets = {f: FacetArrays(strings["facet_values"][f], saved[f"docs.{f}"], saved[f"value_ids.{f}"])
                          for f in COLUMN_FACETS}
                snap = cls(live, strings["keys"], strings["dates"], strings["titles"],
                           saved["upvotes"].tolist(), facets, {name: saved[f"order.{name}"] for name in SORTS},
                           [(segment, count) for segment, count in strings["segments"]])
            if not all(len(column) == size for column in (snap.keys, snap._dates, snap._titles, snap._upvotes)):
                return None
            return snap
        except Exception:  # a torn or foreign file: rebuild from the index (and overwrite it)
            return None
