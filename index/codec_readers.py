"""The read side of paperdeck's codec (``codec.py``): the array files of a segment, mapped once per process,
and the reader classes through which Whoosh (and the numpy evaluator) use them.

Why one cache of mapped files for both: a segment never changes once written, so Whoosh's readers and the
evaluator share the same mapped arrays for as long as anything uses them, across index generations.
"""

from __future__ import annotations

import os
import weakref
from collections.abc import Iterator, Sequence

import numpy as np
from whoosh.codec import base
from whoosh.codec.whoosh3 import W3PerDocReader
from whoosh.matching import ListMatcher
from whoosh.reading import TermInfo, TermNotFound
from whoosh.system import emptybytes, pack_uint
from whoosh.util.numeric import byte_to_length

from .arrayfile import ArrayFile, read_arrays

POSTINGS_EXT = ".pdp"
LENGTHS_EXT = ".pdl"
# Whoosh keeps a document's field length as one byte; the scorer sees the decoded (rounded) length.
BYTE_LENGTHS = np.array([byte_to_length(b) for b in range(256)], dtype=np.float64)


# -- the files of one segment, shared by the Whoosh readers and the evaluator ---------------------------------

_open_files: weakref.WeakValueDictionary[tuple[object, str, str], ArrayFile] = weakref.WeakValueDictionary()


def _segment_file(storage, segment, ext: str, kind: str) -> ArrayFile:  # type: ignore[no-untyped-def]
    """One array file of a segment, mapped once per process while anything uses it (segments never change)."""
    folder = getattr(storage, "folder", None)
    name = segment.make_filename(ext)
    key = (folder if folder is not None else id(storage), name, kind)
    found = _open_files.get(key)
    if found is None:
        if folder is not None:
            found = read_arrays(os.path.join(folder, name), None, kind, name)
        else:  # an in-memory or compound storage: read the bytes
            handle = storage.open_file(name)
            try:
                found = read_arrays(None, handle.read(), kind, name)
            finally:
                handle.close()
        _open_files[key] = found
    return found


def segment_postings(storage, segment) -> SegmentPostings:  # type: ignore[no-untyped-def]
    return SegmentPostings(_segment_file(storage, segment, POSTINGS_EXT, "postings"))


def segment_lengths(storage, segment) -> SegmentLengths:  # type: ignore[no-untyped-def]
    return SegmentLengths(_segment_file(storage, segment, LENGTHS_EXT, "lengths"))


# -- postings -------------------------------------------------------------------------------------------------


class FieldPostings:
    """One field's sorted terms and their postings, as parallel arrays.

    ``terms``/``term_offsets``: the terms' bytes back to back; ``starts``: term i's postings are
    ``docs[starts[i]:starts[i+1]]`` (ascending) with ``weights`` alongside; for fields with positions,
    posting j's positions are ``positions[pos_starts[j]:pos_starts[j+1]]``, else ``freqs[j]`` is its count.
    """

    def __init__(self, arrays: ArrayFile, fieldname: str, kind: str) -> None:
        get = lambda part: arrays[f"{fieldname}/{part}"]  # noqa: E731
        self.kind = kind
        self.terms, self.term_offsets, self.starts = get("terms"), get("term_offsets"), get("starts")
        self.docs, self.weights = get("docs"), get("weights")
        self.term_weights, self.max_weights = get("term_weights"), get("max_weights")
        self.positional = kind == "positions"
        if self.positional:
            self.positions, self.pos_starts = get("positions"), get("pos_starts")
        else:
            self.freqs = get("freqs")

    def __len__(self) -> int:
        return len(self.starts) - 1

    def term(self, i: int) -> bytes:
        return self.terms[self.term_offsets[i]:self.term_offsets[i + 1]].tobytes()

    def bisect(self, btext: bytes) -> int:
        """The index of the first term >= ``btext`` (binary search over the mapped term bytes)."""
        lo, hi = 0, len(self)
        while lo < hi:
            mid = (lo + hi) // 2
            if self.term(mid) < btext:
                lo = mid + 1
            else:
                hi = mid
        return lo

    def find(self, btext: bytes) -> int | None:
        i = self.bisect(btext)
        return i if i < len(self) and self.term(i) == btext else None

    def postings(self, i: int) -> tuple[np.ndarray, np.ndarray]:
        """Document numbers and weights of term ``i`` (views into the mapped file)."""
        start, end = self.starts[i], self.starts[i + 1]
        return self.docs[start:end], self.weights[start:end]

    def flat_positions(self, i: int) -> tuple[np.ndarray, np.ndarray]:
        """Every (document, position) of term ``i`` as two flat arrays."""
        start, end = int(self.starts[i]), int(self.starts[i + 1])
        bounds = self.pos_starts[start:end + 1]
        return np.repeat(self.docs[start:end], np.diff(bounds)), self.positions[bounds[0]:bounds[-1]]

    def term_info(self, i: int) -> TermInfo:
        docs = self.postings(i)[0]
        # Every document holding a term has at least one token in the field: 1 is a safe lower bound for
        # Whoosh's block-quality estimate (lengths are kept per document, not per term).
        return TermInfo(weight=float(self.term_weights[i]), df=len(docs), minlength=1, maxlength=0,
                        maxweight=float(self.max_weights[i]), minid=int(docs[0]), maxid=int(docs[-1]))


class SegmentPostings:
    """Every field's postings of one segment."""

    def __init__(self, arrays: ArrayFile) -> None:
        self.arrays = arrays  # keeps the mapped file open while this object lives
        self.fields = {name: FieldPostings(arrays, name, kind) for name, kind in arrays.meta["fields"].items()}

    def locate(self, fieldname: str, btext: bytes) -> tuple[FieldPostings, int] | None:
        field = self.fields.get(fieldname)
        if field is None:
            return None
        i = field.find(btext)
        return None if i is None else (field, i)


class _EncodedValues(Sequence[bytes]):
    """Whoosh's encoded posting values, made on demand from the arrays (only phrase matching and merges ask)."""

    def __init__(self, field: FieldPostings, start: int, end: int, format_) -> None:  # type: ignore[no-untyped-def]
        self.field, self.start, self.end, self.format = field, start, end, format_

    def __len__(self) -> int:
        return self.end - self.start

    def __getitem__(self, n):  # type: ignore[no-untyped-def,override]
        if isinstance(n, slice):
            return [self[k] for k in range(*n.indices(len(self)))]
        j = self.start + (n if n >= 0 else len(self) + n)
        field = self.field
        if field.positional:
            return self.format.encode(field.positions[field.pos_starts[j]:field.pos_starts[j + 1]].tolist())
        if field.kind == "frequency":
            return pack_uint(int(field.freqs[j]))
        return emptybytes


class ArrayTermsReader(base.TermsReader):
    """Whoosh's view of the postings arrays: term lookups, term statistics and list matchers."""

    def __init__(self, postings: SegmentPostings) -> None:
        self.postings = postings

    def __contains__(self, term) -> bool:  # type: ignore[no-untyped-def]
        return self.postings.locate(*term) is not None

    def indexed_field_names(self):  # type: ignore[no-untyped-def]
        return self.postings.fields.keys()

    def cursor(self, fieldname, fieldobj):  # type: ignore[no-untyped-def]
        return ArrayFieldCursor(self.postings.fields.get(fieldname), fieldobj)

    def walk_from(self, fieldname: str | None, prefix: bytes) -> Iterator[tuple[str, FieldPostings, int]]:
        """(field, postings, term index) from ``fieldname:prefix`` on, through the later fields too (as
        Whoosh's own terms table does)."""
        for name in sorted(self.postings.fields):
            if fieldname is not None and name < fieldname:
                continue
            field = self.postings.fields[name]
            first = field.bisect(prefix) if name == fieldname else 0
            for i in range(first, len(field)):
                yield name, field, i

    def terms(self):  # type: ignore[no-untyped-def]
        return ((name, field.term(i)) for name, field, i in self.walk_from(None, b""))

    def terms_from(self, fieldname, prefix):  # type: ignore[no-untyped-def]
        return ((name, field.term(i)) for name, field, i in self.walk_from(fieldname, prefix))

    def items(self):  # type: ignore[no-untyped-def]
        return (((name, field.term(i)), field.term_info(i)) for name, field, i in self.walk_from(None, b""))

    def items_from(self, fieldname, prefix):  # type: ignore[no-untyped-def]
        return (((name, field.term(i)), field.term_info(i))
                for name, field, i in self.walk_from(fieldname, prefix))

    def term_at(self, fieldname: str, btext: bytes) -> tuple[FieldPostings, int]:
        found = self.postings.locate(fieldname, btext)
        if found is None:
            raise TermNotFound(f"No term {fieldname}:{btext!r}")
        return found

    def term_info(self, fieldname, tbytes):  # type: ignore[no-untyped-def]
        field, i = self.term_at(fieldname, tbytes)
        return field.term_info(i)

    def frequency(self, fieldname, tbytes):  # type: ignore[no-untyped-def]
        found = self.postings.locate(fieldname, tbytes)
        if found is None:
            raise KeyError((fieldname, tbytes))  # Whoosh's reader turns this into 0
        return float(found[0].term_weights[found[1]])

    def doc_frequency(self, fieldname, tbytes):  # type: ignore[no-untyped-def]
        found = self.postings.locate(fieldname, tbytes)
        if found is None:
            raise KeyError((fieldname, tbytes))
        field, i = found
        return int(field.starts[i + 1] - field.starts[i])

    def matcher(self, fieldname, tbytes, format_, scorer=None):  # type: ignore[no-untyped-def]
        field, i = self.term_at(fieldname, tbytes)
        docs, weights = field.postings(i)
        start = int(field.starts[i])
        values = _EncodedValues(field, start, start + len(docs), format_)
        return ListMatcher(docs.tolist(), weights.tolist(), values, format_, scorer=scorer,
                           term=(fieldname, tbytes), terminfo=field.term_info(i))


class ArrayFieldCursor(base.FieldCursor):
    """Walks one field's terms in order (Whoosh's fuzzy matching uses it)."""

    def __init__(self, field: FieldPostings | None, fieldobj) -> None:  # type: ignore[no-untyped-def]
        self.field, self.fieldobj = field, fieldobj
        self.first()

    def _at(self, i: int) -> str | None:
        self.index = i
        if self.field is None or i >= len(self.field):
            self.index = -1
            return None
        return self.text()

    def first(self):  # type: ignore[no-untyped-def]
        return self._at(0)

    def find(self, term):  # type: ignore[no-untyped-def]
        btext = term if isinstance(term, bytes) else self.fieldobj.to_bytes(term)
        return self._at(self.field.bisect(btext)) if self.field is not None else self._at(0)

    def next(self):  # type: ignore[no-untyped-def]
        return self._at(self.index + 1) if self.index >= 0 else None

    def is_valid(self) -> bool:
        return self.index >= 0

    def text(self):  # type: ignore[no-untyped-def]
        if self.index < 0 or self.field is None:
            return None
        return self.fieldobj.from_bytes(self.field.term(self.index))

    def term(self):  # type: ignore[no-untyped-def]
        return self.text()

    def term_info(self):  # type: ignore[no-untyped-def]
        return None if self.index < 0 or self.field is None else self.field.term_info(self.index)


class SegmentLengths:
    """Each document's length byte per field, and each field's total length, of one segment."""

    def __init__(self, arrays: ArrayFile) -> None:
        self.arrays = arrays
        self.totals: dict[str, int] = arrays.meta["totals"]

    def bytes_of(self, fieldname: str) -> np.ndarray | None:
        name = f"lengths/{fieldname}"
        return self.arrays[name] if name in self.arrays else None

    def decoded(self, fieldname: str, size: int) -> np.ndarray:
        """Lengths as Whoosh's scorer sees them (decoded from the byte), 0 for fields without lengths."""
        found = self.bytes_of(fieldname)
        return np.zeros(size) if found is None else BYTE_LENGTHS[found]


class LengthsPerDocReader(W3PerDocReader):
    """Whoosh's per-document reader, answering field lengths from the lengths arrays."""

    def __init__(self, storage, segment) -> None:  # type: ignore[no-untyped-def]
        super().__init__(storage, segment)
        self.lengths = segment_lengths(storage, segment)

    def doc_field_length(self, docnum, fieldname, default=0):  # type: ignore[no-untyped-def]
        """As Whoosh's: ``default`` for a field without lengths, None for a zero length byte."""
        found = self.lengths.bytes_of(fieldname)
        if found is None:
            return default
        lbyte = int(found[docnum]) if docnum < len(found) else 0
        return byte_to_length(lbyte) if lbyte else None

    def field_length(self, fieldname):  # type: ignore[no-untyped-def]
        return self.lengths.totals.get(fieldname, 0)

    def min_field_length(self, fieldname):  # type: ignore[no-untyped-def]
        found = self.lengths.bytes_of(fieldname)
        return byte_to_length(int(found.min())) if found is not None and len(found) else 0

    def max_field_length(self, fieldname):  # type: ignore[no-untyped-def]
        found = self.lengths.bytes_of(fieldname)
        return byte_to_length(int(found.max())) if found is not None and len(found) else 0
