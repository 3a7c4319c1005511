"""paperdeck's Whoosh codec: postings and field lengths stored as flat numpy arrays, through Whoosh's public
``Codec`` extension point.

Why a codec: the numpy evaluator (``fastpath.py``) needs each term's document numbers, weights and positions
as arrays. Whoosh's own format keeps them in pickled, delta-coded blocks that can only be read as arrays by
reaching into its private classes. With our own codec the index is still a Whoosh index (its writer, merges,
deletions, searcher, query parser, highlighter and more-like-this all work, through the reader classes here),
but the storage format is ours: one memory-mapped file of postings per segment (``.pdp``) and one of field
lengths (``.pdl``), both versioned and checksummed (``arrayfile.py``). Segments remember their codec, so an
index written with it is read with it.

Stored fields and value columns stay in Whoosh's own per-document format (``W3PerDocWriter``): only the
postings and lengths are read in bulk by the evaluator.
"""

from __future__ import annotations

import os
import weakref
from array import array
from bisect import bisect_left
from collections.abc import Iterator, Sequence

import numpy as np
from whoosh import formats
from whoosh.codec import base
from whoosh.codec.whoosh3 import W3Codec, W3PerDocReader, W3PerDocWriter
from whoosh.matching import ListMatcher
from whoosh.reading import TermInfo, TermNotFound
from whoosh.system import emptybytes, pack_uint
from whoosh.util.numeric import byte_to_length, length_to_byte

from .arrayfile import ArrayFile, read_arrays, write_arrays

POSTINGS_EXT = ".pdp"
LENGTHS_EXT = ".pdl"
# Whoosh keeps a document's field length as one byte; the scorer sees the decoded (rounded) length.
BYTE_LENGTHS = np.array([byte_to_length(b) for b in range(256)], dtype=np.float64)


class PaperdeckCodec(W3Codec):
    """Whoosh's codec with paperdeck's postings (``FieldPostings``) and lengths (``SegmentLengths``)."""

    # Field lengths are not needed while writing postings (the file of lengths is written beside them), so
    # Whoosh need not look one up per posting.
    length_stats = False

    def field_writer(self, storage, segment):  # type: ignore[no-untyped-def]
        return ArrayFieldWriter(storage, segment)

    def terms_reader(self, storage, segment):  # type: ignore[no-untyped-def]
        return ArrayTermsReader(segment_postings(storage, segment))

    def per_document_writer(self, storage, segment):  # type: ignore[no-untyped-def]
        return LengthsPerDocWriter(self, storage, segment)

    def per_document_reader(self, storage, segment):  # type: ignore[no-untyped-def]
        return LengthsPerDocReader(storage, segment)


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


class PositionArray(formats.Positions):
    """Whoosh's ``Positions`` format with each posting's positions encoded as a raw int32 array instead of a
    pickled list of deltas: the writer turns it into the codec's flat arrays with one ``frombytes`` (no
    unpickling per posting), and Whoosh's phrase matching decodes it the same way."""

    def encode(self, poslist):  # type: ignore[no-untyped-def]
        return array("i", poslist).tobytes()

    def decode_positions(self, valuestring):  # type: ignore[no-untyped-def]
        return array("i", valuestring).tolist()

    def decode_frequency(self, valuestring):  # type: ignore[no-untyped-def]
        return len(valuestring) // 4


assert array("i").itemsize == 4


def posting_kind(format_) -> str:  # type: ignore[no-untyped-def]
    """How a field's posting values are kept: the formats paperdeck's schema uses (others would need
    their own arrays, e.g. character offsets)."""
    for kind, cls in (("positions", PositionArray), ("positions", formats.Positions),
                      ("frequency", formats.Frequency), ("existence", formats.Existence)):
        if type(format_) is cls:
            return kind
    raise TypeError(f"paperdeck's codec does not store {type(format_).__name__} postings")


class _FieldBuilder:
    """Collects one field's postings in term order while Whoosh writes a segment."""

    def __init__(self, format_) -> None:  # type: ignore[no-untyped-def]
        self.format = format_
        self.kind = posting_kind(format_)
        self.positional = self.kind == "positions"
        self.raw_positions = type(format_) is PositionArray
        self.terms = bytearray()
        self.term_offsets = array("q", [0])
        self.starts = array("q", [0])
        self.docs = array("i")
        self.weights = array("d")
        self.freqs = array("i")
        self.positions = array("i")
        self.pos_starts = array("q", [0])

    def start_term(self, btext: bytes) -> None:
        self.terms += btext
        self.term_offsets.append(len(self.terms))

    def add(self, docnum: int, weight: float, vbytes: bytes) -> None:
        self.docs.append(docnum)
        self.weights.append(weight)
        if self.raw_positions:
            self.positions.frombytes(vbytes)
            self.pos_starts.append(len(self.positions))
        elif self.positional:
            self.positions.extend(self.format.decode_positions(vbytes))
            self.pos_starts.append(len(self.positions))
        else:
            self.freqs.append(self.format.decode_frequency(vbytes))

    def finish_term(self) -> None:
        self.starts.append(len(self.docs))

    def arrays(self, fieldname: str) -> dict[str, np.ndarray]:
        weights = np.frombuffer(self.weights, dtype=np.float64)
        narrow = weights.astype(np.float32)
        if np.array_equal(narrow, weights):  # counts times a field boost: exact in half the space
            stored: np.ndarray = narrow
        else:
            stored = weights
        starts = np.frombuffer(self.starts, dtype=np.int64)
        firsts = starts[:-1]
        out = {"terms": np.frombuffer(bytes(self.terms), dtype=np.uint8),
               "term_offsets": np.frombuffer(self.term_offsets, dtype=np.int64), "starts": starts,
               "docs": np.frombuffer(self.docs, dtype=np.int32), "weights": stored,
               "term_weights": np.add.reduceat(weights, firsts) if len(firsts) else np.zeros(0),
               "max_weights": np.maximum.reduceat(weights, firsts) if len(firsts) else np.zeros(0)}
        if self.positional:
            out["positions"] = np.frombuffer(self.positions, dtype=np.int32)
            out["pos_starts"] = np.frombuffer(self.pos_starts, dtype=np.int64)
        else:
            out["freqs"] = np.frombuffer(self.freqs, dtype=np.int32)
        return {f"{fieldname}/{part}": value for part, value in out.items()}


class ArrayFieldWriter(base.FieldWriter):
    """Receives a segment's postings from Whoosh (sorted by field and term) and writes them as arrays."""

    def __init__(self, storage, segment) -> None:  # type: ignore[no-untyped-def]
        self.storage, self.segment = storage, segment
        self.fields: dict[str, _FieldBuilder] = {}
        self.current: _FieldBuilder | None = None
        self.is_closed = False

    def add_postings(self, schema, lengths, items):  # type: ignore[no-untyped-def]
        """Whoosh's loop over (field, term, document, weight, value) in order, without its per-posting method
        calls: most of a build's postings pass through here."""
        builder: _FieldBuilder | None = None
        lastfield: str | None = None
        lastterm: bytes | None = None
        for fieldname, btext, docnum, weight, value in items:
            if fieldname != lastfield:
                if lastterm is not None:
                    builder.finish_term()  # type: ignore[union-attr]
                if lastfield is not None and fieldname < lastfield:
                    raise base.OutOfOrderError(f"field {lastfield!r} .. {fieldname!r}")
                builder = self.fields.setdefault(fieldname, _FieldBuilder(schema[fieldname].format))
                lastfield, lastterm = fieldname, None
            if docnum == -1:  # Whoosh's marker for a spelling word, not a posting
                continue
            if btext != lastterm:
                if lastterm is not None:
                    if btext < lastterm:  # the term lookup is a binary search: order is load-bearing
                        raise base.OutOfOrderError(f"term {fieldname}:{lastterm!r} .. {btext!r}")
                    builder.finish_term()  # type: ignore[union-attr]
                builder.start_term(btext)  # type: ignore[union-attr]
                lastterm = btext
            builder.add(docnum, weight, value or b"")  # type: ignore[union-attr]
        if lastterm is not None:
            builder.finish_term()  # type: ignore[union-attr]

    def start_field(self, fieldname, fieldobj):  # type: ignore[no-untyped-def]
        self.current = self.fields.setdefault(fieldname, _FieldBuilder(fieldobj.format))

    def start_term(self, text):  # type: ignore[no-untyped-def]
        assert self.current is not None, "start_term before start_field"
        self.current.start_term(text)

    def add(self, docnum, weight, vbytes, length):  # type: ignore[no-untyped-def]
        assert self.current is not None
        self.current.add(docnum, weight, vbytes)

    def finish_term(self):  # type: ignore[no-untyped-def]
        assert self.current is not None
        self.current.finish_term()

    def finish_field(self):  # type: ignore[no-untyped-def]
        self.current = None

    def close(self):  # type: ignore[no-untyped-def]
        arrays: dict[str, np.ndarray] = {}
        for name, builder in self.fields.items():
            arrays.update(builder.arrays(name))
        handle = self.segment.create_file(self.storage, POSTINGS_EXT)
        try:
            write_arrays(handle, "postings", arrays,
                         {"fields": {name: builder.kind for name, builder in sorted(self.fields.items())}})
        finally:
            handle.close()
        self.is_closed = True


# -- field lengths --------------------------------------------------------------------------------------------


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


class LengthsPerDocWriter(W3PerDocWriter):
    """Whoosh's stored fields and columns, with the field lengths kept as arrays instead of a column."""

    def __init__(self, codec, storage, segment) -> None:  # type: ignore[no-untyped-def]
        super().__init__(codec, storage, segment)
        self.length_storage, self.length_segment = storage, segment
        self.length_bytes: dict[str, bytearray] = {}
        self.length_totals: dict[str, int] = {}
        self.doc_lengths: list[tuple[str, int]] = []  # the current document's, undone if it is cancelled
        self.docs_written = 0

    def start_doc(self, docnum):  # type: ignore[no-untyped-def]
        super().start_doc(docnum)
        self.docs_written = docnum + 1
        self.doc_lengths = []

    def add_field(self, fieldname, fieldobj, value, length):  # type: ignore[no-untyped-def]
        super().add_field(fieldname, fieldobj, value, 0)  # the stored value only; the length is ours
        if length:
            column = self.length_bytes.setdefault(fieldname, bytearray())
            docnum = self.docs_written - 1
            if len(column) <= docnum:
                column.extend(bytes(docnum + 1 - len(column)))
            column[docnum] = length_to_byte(length)
            self.length_totals[fieldname] = self.length_totals.get(fieldname, 0) + length
            self.doc_lengths.append((fieldname, length))

    def cancel_doc(self):  # type: ignore[no-untyped-def]
        super().cancel_doc()
        self.docs_written -= 1
        for fieldname, length in self.doc_lengths:
            self.length_bytes[fieldname][self.docs_written] = 0
            self.length_totals[fieldname] -= length
        self.doc_lengths = []

    def close(self):  # type: ignore[no-untyped-def]
        super().close()
        count = self.docs_written
        arrays = {f"lengths/{name}": np.frombuffer(bytes(column[:count]).ljust(count, b"\0"), dtype=np.uint8)
                  for name, column in self.length_bytes.items()}
        handle = self.length_segment.create_file(self.length_storage, LENGTHS_EXT)
        try:
            write_arrays(handle, "lengths", arrays, {"doc_count": count, "totals": self.length_totals})
        finally:
            handle.close()


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
