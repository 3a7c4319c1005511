"""paperdeck's index writer: Whoosh's ``SegmentWriter`` with a compact in-memory posting pool.

Why: Whoosh's writer keeps every posting as a Python tuple (about 200 bytes each) and, past ``limitmb``, sorts
and pickles them to run files on disk, then merges the runs back one posting at a time. Spilling and merging
was most of a large build's time, and the tuples most of its memory. Here each field's postings are kept as
flat arrays (term id, document, weight, positions: about 25 bytes a posting), sorted with numpy when the
segment is flushed, and handed to paperdeck's codec (``codec.py``) as finished arrays; nothing is spilled.

How it plugs in: ``SegmentWriter`` takes its postings from ``self.pool`` (``add`` per posting while documents
are added or segments merged, ``iter_postings`` when the segment is flushed, ``cleanup`` when it closes). The
subclass sets that attribute to a ``CompactPool``; everything else (documents, deletions, updates, merges,
commit, locking) is Whoosh's own writer. That attribute is part of the pinned Whoosh 2.7.5's writer
(``pyproject.toml`` says why the pin); ``tests/test_codec.py`` writes the same documents through Whoosh's own
pool and this one and compares the postings files byte for byte.
"""

from __future__ import annotations

from array import array
from collections.abc import Iterator

import numpy as np
from whoosh.system import pack_uint
from whoosh.writing import SegmentWriter

from .codec import PaperdeckCodec, PositionArray, field_arrays, posting_kind


class _FieldPool:
    """One field's postings in the order they were added."""

    def __init__(self, format_) -> None:  # type: ignore[no-untyped-def]
        self.format = format_
        self.kind = posting_kind(format_)
        self.raw = type(format_) is PositionArray
        self.term_ids: dict[bytes, int] = {}
        self.tids = array("i")
        self.docs = array("i")
        self.weights = array("d")
        self.npos = array("i")  # positions per posting (positional fields)
        self.positions = array("i")
        self.freqs = array("i")  # frequency per posting (other fields)

    def add(self, tbytes: bytes, docnum: int, weight: float, vbytes: bytes | None) -> None:
        tid = self.term_ids.get(tbytes)
        if tid is None:
            tid = self.term_ids[tbytes] = len(self.term_ids)
        self.tids.append(tid)
        self.docs.append(docnum)
        self.weights.append(weight)
        if self.raw:
            self.positions.frombytes(vbytes or b"")
            self.npos.append(len(vbytes or b"") >> 2)
        elif self.kind == "positions":
            found = self.format.decode_positions(vbytes)
            self.positions.extend(found)
            self.npos.append(len(found))
        else:
            self.freqs.append(self.format.decode_frequency(vbytes or b""))

    def sorted_arrays(self, fieldname: str) -> dict[str, np.ndarray]:
        """The field's arrays in term order, each term's postings by document (what the codec stores).

        Temporaries are kept narrow and dropped as soon as used: this runs once per segment on every posting
        the segment holds, and its peak is the writer's peak memory."""
        terms = list(self.term_ids)
        self.term_ids = {}
        by_text = sorted(range(len(terms)), key=terms.__getitem__)
        rank = np.empty(len(terms), dtype=np.int32)
        rank[by_text] = np.arange(len(terms), dtype=np.int32)
        sorted_terms = [terms[i] for i in by_text]
        del terms, by_text
        tids = rank[np.frombuffer(self.tids, dtype=np.int32)]
        self.tids = array("i")
        # Postings arrive in document order within each term (a writer numbers its documents as they come, and
        # merged segments arrive one after another), so a stable sort by term alone orders them.
        order = np.argsort(tids, kind="stable")
        raw_docs = np.frombuffer(self.docs, dtype=np.int32)
        self.docs = array("i")
        docs = raw_docs[order]
        starts = np.zeros(len(sorted_terms) + 1, dtype=np.int64)
        np.cumsum(np.bincount(tids, minlength=len(sorted_terms)), out=starts[1:])
        term_start = np.zeros(len(docs), dtype=bool)
        term_start[starts[:-1]] = True
        if len(docs) > 1 and not np.all((np.diff(docs) > 0) | term_start[1:]):  # not in order after all
            order = np.lexsort((raw_docs, tids))
            docs = raw_docs[order]
        del tids, term_start, raw_docs
        term_offsets = np.zeros(len(sorted_terms) + 1, dtype=np.int64)
        np.cumsum(np.fromiter((len(t) for t in sorted_terms), dtype=np.int64, count=len(sorted_terms)),
                  out=term_offsets[1:])
        weights = np.frombuffer(self.weights, dtype=np.float64)[order]
        self.weights = array("d")
        positions = freqs = None
        if self.kind == "positions":
            npos = np.frombuffer(self.npos, dtype=np.int32)
            old_starts = np.zeros(len(npos), dtype=np.int64)
            np.cumsum(npos[:-1], out=old_starts[1:])
            new_npos = npos[order]
            pos_starts = np.zeros(len(order) + 1, dtype=np.int64)
            np.cumsum(new_npos, out=pos_starts[1:])
            shift = old_starts[order]
            del old_starts
            shift -= pos_starts[:-1]
            gather = np.repeat(shift, new_npos)
            del shift, new_npos
            gather += np.arange(pos_starts[-1], dtype=np.int64)
            positions = (np.frombuffer(self.positions, dtype=np.int32)[gather], pos_starts)
            del gather
            self.positions, self.npos = array("i"), array("i")
        else:
            freqs = np.frombuffer(self.freqs, dtype=np.int32)[order]
        return field_arrays(fieldname, b"".join(sorted_terms), term_offsets, starts, docs, weights, positions,
                            freqs)


class PooledPostings:
    """What ``CompactPool.iter_postings`` returns: the codec takes ``field_arrays()`` whole; iterating gives
    Whoosh's (field, term, document, weight, value) tuples in order, for any other consumer."""

    def __init__(self, fields: dict[str, _FieldPool]) -> None:
        self._fields = fields
        self._arrays: dict[str, tuple[str, dict[str, np.ndarray]]] | None = None

    def field_arrays(self) -> dict[str, tuple[str, dict[str, np.ndarray]]]:
        """Sorted once (sorting releases the pool's own arrays as it goes)."""
        if self._arrays is None:
            self._arrays = {name: (pool.kind, pool.sorted_arrays(name))
                            for name, pool in sorted(self._fields.items())}
        return self._arrays

    def __iter__(self) -> Iterator[tuple[str, bytes, int, float, bytes]]:
        for name, (kind, arrays) in self.field_arrays().items():
            pool = self._fields[name]
            terms, offsets, starts = arrays[f"{name}/terms"].tobytes(), arrays[f"{name}/term_offsets"], \
                arrays[f"{name}/starts"]
            docs, weights = arrays[f"{name}/docs"], arrays[f"{name}/weights"]
            for t in range(len(starts) - 1):
                text = terms[offsets[t]:offsets[t + 1]]
                for i in range(starts[t], starts[t + 1]):
                    if kind == "positions":
                        pos, pos_starts = arrays[f"{name}/positions"], arrays[f"{name}/pos_starts"]
                        value = pool.format.encode(pos[pos_starts[i]:pos_starts[i + 1]].tolist())
                    elif kind == "frequency":
                        value = pack_uint(int(arrays[f"{name}/freqs"][i]))
                    else:
                        value = b""
                    yield name, text, int(docs[i]), float(weights[i]), value


class CompactPool:
    """The posting pool ``SegmentWriter`` feeds (see the module doc): arrays per field, never spilled."""

    def __init__(self, schema) -> None:  # type: ignore[no-untyped-def]
        self.schema = schema
        self.fields: dict[str, _FieldPool] = {}
        self.fieldnames: set[str] = set()

    def add(self, item: tuple[str, bytes, int, float, bytes | None]) -> None:
        fieldname, tbytes, docnum, weight, vbytes = item
        pool = self.fields.get(fieldname)
        if pool is None:
            pool = self.fields[fieldname] = _FieldPool(self.schema[fieldname].format)
            self.fieldnames.add(fieldname)
        pool.add(tbytes, docnum, weight, vbytes)

    def iter_postings(self) -> PooledPostings:
        return PooledPostings(self.fields)

    def save(self) -> None:
        """Nothing to spill: the arrays stay in memory until the segment is flushed."""

    def cleanup(self) -> None:
        self.fields = {}


class PaperdeckWriter(SegmentWriter):
    """Whoosh's segment writer, through paperdeck's codec, with ``CompactPool`` as its posting pool."""

    def __init__(self, ix, **kwargs: object) -> None:  # type: ignore[no-untyped-def]
        kwargs.setdefault("codec", PaperdeckCodec())
        # Separate segment files, not Whoosh's compound file: a reader copies each part of a compound file
        # into memory (all the postings of a large library), while separate files are mapped in place.
        kwargs.setdefault("compound", False)
        super().__init__(ix, **kwargs)
        self.pool = CompactPool(self.schema)
