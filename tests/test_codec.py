"""paperdeck's codec stores what Whoosh's own codec stores: the same terms, postings, positions, statistics and
field lengths, so Whoosh reads an index written with it exactly as it reads its own; and its array files are
checked (a torn or changed file is an error, never wrong answers)."""

from __future__ import annotations

import io
import string
from pathlib import Path

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from whoosh import fields
from whoosh import index as windex
from whoosh import query as wq
from whoosh.codec.whoosh3 import W3Codec

from paperdeck.index.arrayfile import DamagedArrays, read_arrays, write_arrays
from paperdeck.index.codec import LENGTHS_EXT, POSTINGS_EXT, PaperdeckCodec, PositionArray

SCHEMA = fields.Schema(key=fields.ID(stored=True, unique=True), body=fields.TEXT(phrase=True),
                       title=fields.TEXT(field_boost=2.5), tags=fields.KEYWORD(scorable=False),
                       abstract=fields.TEXT(phrase=True))
SCHEMA["abstract"].format = PositionArray(field_boost=1.0)  # as paperdeck's schema stores positions

word = st.text(alphabet=string.ascii_lowercase[:6] + "éß中 ", min_size=1, max_size=6)
document = st.fixed_dictionaries({
    "body": st.lists(word, max_size=12).map(" ".join),
    "title": st.lists(word, max_size=4).map(" ".join),
    "tags": st.lists(st.sampled_from(["x", "y", "zz"]), max_size=3).map(" ".join),
    "abstract": st.lists(word, max_size=8).map(" ".join),
})


def write(folder: Path, codec, batches: list[list[dict[str, str]]], deleted: set[int]):  # type: ignore[no-untyped-def]
    """An index of ``batches`` (one commit, so one segment, each), then ``deleted`` keys removed."""
    folder.mkdir()
    ix = windex.create_in(str(folder), SCHEMA)
    n = 0
    for batch in batches:
        writer = ix.writer(codec=codec, merge=False)
        for doc in batch:
            writer.add_document(key=str(n), **doc)
            n += 1
        writer.commit(merge=False)
    if deleted:
        writer = ix.writer(codec=codec, merge=False)
        for key in deleted:
            writer.delete_by_term("key", str(key))
        writer.commit(merge=False)
    return ix


def contents(ix) -> dict[str, object]:  # type: ignore[no-untyped-def]
    """Everything Whoosh's reader says about the index, through its public API."""
    with ix.searcher() as searcher:
        reader = searcher.reader()
        postings = {}
        for fieldname, btext in reader.all_terms():
            m = reader.postings(fieldname, btext)
            items = []
            while m.is_active():
                positions = m.value_as("positions") if m.supports("positions") else None
                items.append((m.id(), m.weight(), positions))
                m.next()
            info = reader.term_info(fieldname, btext)
            postings[(fieldname, btext)] = (items, info.weight(), info.doc_frequency(), info.max_weight(),
                                            reader.frequency(fieldname, btext), reader.doc_frequency(fieldname, btext))
        lengths = {f: [reader.doc_field_length(d, f) for d in range(reader.doc_count_all())]
                   for f in ("body", "title", "abstract")}
        return {"postings": postings, "lengths": lengths,
                "totals": {f: reader.field_length(f) for f in ("body", "title", "abstract")},
                # per segment: Whoosh's own reader fails on a segment without the field
                "minmax": [{f: (leaf.min_field_length(f), leaf.max_field_length(f))
                            for f in ("body", "title", "abstract") if leaf.field_length(f)}
                           for leaf, _ in reader.leaf_readers()],
                "stored": list(reader.all_stored_fields()),
                "prefix": list(reader.expand_prefix("body", "a")),
                "fuzzy": [sorted(reader.terms_within(f, "abc", 1)) for f in ("body", "abstract", "tags")],
                "docs": sorted(reader.all_doc_ids())}


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(batches=st.lists(st.lists(document, min_size=1, max_size=6), min_size=1, max_size=3),
       deleted=st.sets(st.integers(0, 10), max_size=3))
def test_whoosh_reads_the_same_index_through_either_codec(tmp_path_factory, batches, deleted) -> None:
    base = tmp_path_factory.mktemp("codecs")
    ours = contents(write(base / "ours", PaperdeckCodec(), batches, deleted))
    theirs = contents(write(base / "theirs", W3Codec(), batches, deleted))
    assert ours == theirs


def test_merged_segments_keep_every_posting(tmp_path: Path) -> None:
    """Whoosh merges small segments by reading them back through the codec: nothing is lost or renumbered
    wrongly."""
    docs = [{"body": f"alpha beta {i} gamma alpha", "title": "t", "tags": "x", "abstract": "alpha a alpha"}
            for i in range(30)]
    batches = [docs[i:i + 5] for i in range(0, 30, 5)]
    ix = write(tmp_path / "ix", PaperdeckCodec(), batches, {3, 17})
    writer = ix.writer(codec=PaperdeckCodec())
    writer.commit(optimize=True)
    with ix.searcher() as searcher:
        assert len(searcher.reader().leaf_readers()) == 1
        hits = [searcher.stored_fields(d)["key"] for d in searcher.docs_for_query(wq.Term("body", "alpha"))]
        assert sorted(hits, key=int) == [str(i) for i in range(30) if i not in (3, 17)]


def test_an_index_in_memory_is_read_from_bytes() -> None:
    """A storage that is not a folder (Whoosh's RamStorage, or a compound file) cannot be mapped: the codec
    reads the bytes instead, with the same checks."""
    from whoosh.filedb.filestore import RamStorage

    ix = RamStorage().create_index(SCHEMA)
    writer = ix.writer(codec=PaperdeckCodec())
    writer.add_document(key="1", body="alpha beta", title="t", tags="x", abstract="alpha")
    writer.commit()
    with ix.searcher() as searcher:
        assert [searcher.stored_fields(d)["key"] for d in searcher.docs_for_query(wq.Term("body", "alpha"))] == ["1"]
        assert searcher.reader().doc_field_length(0, "body") == 2


def test_a_torn_or_foreign_array_file_is_an_error(tmp_path: Path) -> None:
    buffer = io.BytesIO()
    write_arrays(buffer, "postings", {"a": np.arange(10, dtype=np.int32)}, {"fields": {}})
    data = buffer.getvalue()
    assert list(read_arrays(None, data, "postings", "f")["a"]) == list(range(10))
    for broken, why in ((data[:-4], "checksum"), (data[:-8] + b"\1" * 8, "checksum"),
                        (b"PK" + data[2:], "not a paperdeck array file")):
        with pytest.raises(DamagedArrays, match=why):
            read_arrays(None, broken, "postings", "f")
    with pytest.raises(DamagedArrays, match="expected 'lengths'"):
        read_arrays(None, data, "lengths", "f")
    path = tmp_path / "empty.pdp"
    path.write_bytes(b"")
    with pytest.raises(DamagedArrays, match="empty"):
        read_arrays(path, None, "postings", "f")


def test_the_library_index_is_written_with_the_codec(library) -> None:  # type: ignore[no-untyped-def]
    folder = Path(library._ix.storage.folder)
    assert list(folder.glob(f"*{POSTINGS_EXT}")) and list(folder.glob(f"*{LENGTHS_EXT}"))
    assert not list(folder.glob("*.pst")) and not list(folder.glob("*.trm"))
    with library._ix.searcher() as searcher:
        assert all(isinstance(r.codec(), PaperdeckCodec) for r, _ in searcher.reader().leaf_readers())
