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

from array import array

import numpy as np
from whoosh import formats
from whoosh.codec import base
from whoosh.codec.whoosh3 import W3Codec, W3PerDocWriter
from whoosh.util.numeric import length_to_byte

from .arrayfile import write_arrays
from .codec_readers import (LENGTHS_EXT, POSTINGS_EXT, ArrayTermsReader, LengthsPerDocReader,
                            segment_postings)

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
        return field_arrays(
            fieldname, bytes(self.terms), np.frombuffer(self.term_offsets, dtype=np.int64),
            np.frombuffer(self.starts, dtype=np.int64), np.frombuffer(self.docs, dtype=np.int32),
            np.frombuffer(self.weights, dtype=np.float64),
            (np.frombuffer(self.positions, dtype=np.int32), np.frombuffer(self.pos_starts, dtype=np.int64))
            if self.positional else None,
            None if self.positional else np.frombuffer(self.freqs, dtype=np.int32))


def field_arrays(fieldname: str, terms: bytes, term_offsets: np.ndarray, starts: np.ndarray, docs: np.ndarray,
                 weights: np.ndarray, positions: tuple[np.ndarray, np.ndarray] | None,
                 freqs: np.ndarray | None) -> dict[str, np.ndarray]:
    """One field's arrays as the postings file stores them (terms sorted, each term's postings by document);
    ``positions`` is (all positions, each posting's start) for positional fields, else ``freqs``."""
    narrow = weights.astype(np.float32)
    stored: np.ndarray = narrow if np.array_equal(narrow, weights) else weights  # counts x a boost: exact
    firsts = starts[:-1]
    out = {"terms": np.frombuffer(terms, dtype=np.uint8), "term_offsets": term_offsets, "starts": starts,
           "docs": docs, "weights": stored,
           "term_weights": np.add.reduceat(weights, firsts) if len(firsts) else np.zeros(0),
           "max_weights": np.maximum.reduceat(weights, firsts) if len(firsts) else np.zeros(0)}
    if positions is not None:
        out["positions"], out["pos_starts"] = positions
    else:
        out["freqs"] = freqs  # type: ignore[assignment]
    return {f"{fieldname}/{part}": value for part, value in out.items()}


class _Built:
    """A field whose arrays were built elsewhere (the bulk path), shaped like ``_FieldBuilder`` for ``close``."""

    def __init__(self, kind: str, arrays: dict[str, np.ndarray]) -> None:
        self.kind, self._arrays = kind, arrays

    def arrays(self, fieldname: str) -> dict[str, np.ndarray]:
        return self._arrays


class ArrayFieldWriter(base.FieldWriter):
    """Receives a segment's postings from Whoosh (sorted by field and term) and writes them as arrays.

    Whoosh hands every posting through ``add_postings`` (new documents and merges alike), so the
    per-call interface of ``FieldWriter`` (``start_field``, ``add``...) is not implemented."""

    def __init__(self, storage, segment) -> None:  # type: ignore[no-untyped-def]
        self.storage, self.segment = storage, segment
        self.fields: dict[str, _FieldBuilder | _Built] = {}
        self.is_closed = False

    def add_postings(self, schema, lengths, items):  # type: ignore[no-untyped-def]
        """Whoosh's loop over (field, term, document, weight, value) in order, without its per-posting method
        calls: most of a build's postings pass through here. Postings collected by paperdeck's own pool
        (``bulk_writer.CompactPool``) arrive as arrays already and are taken whole."""
        bulk = getattr(items, "field_arrays", None)
        if bulk is not None:
            for fieldname, (kind, arrays) in bulk().items():
                self.fields[fieldname] = _Built(kind, arrays)
            return
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
