"""paperdeck's writer (Whoosh's ``SegmentWriter`` with the compact posting pool, ``bulk_writer.py``) writes the
index Whoosh's own writer writes: the same postings file, byte for byte, and the same answers from Whoosh's
reader, through deletions, several segments and merges."""

from __future__ import annotations

from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from whoosh import index as windex
from whoosh import query as wq
from whoosh.codec.whoosh3 import W3Codec
from whoosh.system import pack_uint

from paperdeck.index.bulk_writer import CompactPool, PaperdeckWriter
from paperdeck.index.codec import POSTINGS_EXT, PaperdeckCodec
from paperdeck.index.documents import paper_document
from paperdeck.index.schema import build_schema
from paperdeck.index.source_files import seed_files
from paperdeck.index.sources import parse_source
from test_codec import SCHEMA, contents, document


def write(folder: Path, make_writer, batches, deleted, optimize: bool = False):  # type: ignore[no-untyped-def]
    """``batches`` written one commit (one segment) each, ``deleted`` keys removed, optionally all merged."""
    folder.mkdir()
    ix = windex.create_in(str(folder), SCHEMA)
    n = 0
    for batch in batches:
        writer = make_writer(ix)
        for doc in batch:
            writer.add_document(key=str(n), **doc)
            n += 1
        writer.commit(merge=False)
    writer = make_writer(ix)
    for key in deleted:
        writer.delete_by_term("key", str(key))
    writer.commit(optimize=optimize, merge=False)
    return ix


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(batches=st.lists(st.lists(document, min_size=1, max_size=6), min_size=1, max_size=3),
       deleted=st.sets(st.integers(0, 10), max_size=3), optimize=st.booleans())
def test_whoosh_reads_what_the_compact_pool_wrote(tmp_path_factory, batches, deleted, optimize) -> None:
    base = tmp_path_factory.mktemp("writers")
    ours = write(base / "ours", PaperdeckWriter, batches, deleted, optimize)
    theirs = write(base / "theirs", lambda ix: ix.writer(codec=W3Codec()), batches, deleted, optimize)
    assert contents(ours) == contents(theirs)
    if optimize:
        with ours.searcher() as searcher:
            assert len(searcher.reader().leaf_readers()) <= 1


def test_the_postings_file_is_the_one_whooshs_pool_gives(tmp_path: Path) -> None:
    papers = [p for f in seed_files() for p in parse_source(f.data or b"", f.name).papers]
    assert len(papers) > 400
    files = {}
    for name, make in (("ours", PaperdeckWriter),
                       ("whoosh", lambda ix: ix.writer(codec=PaperdeckCodec(), compound=False))):
        folder = tmp_path / name
        folder.mkdir()
        ix = windex.create_in(str(folder), build_schema())
        writer = make(ix)
        if name == "ours":
            assert isinstance(writer.pool, CompactPool)
        for paper in papers:
            writer.add_document(**paper_document(paper))
        writer.commit()
        (postings,) = folder.glob(f"*{POSTINGS_EXT}")
        files[name] = postings.read_bytes()
        with ix.searcher() as searcher:
            assert searcher.doc_count() == len(papers)
            assert len(searcher.search(wq.Term("abstract", "attent"), limit=None)) > 10
    assert files["ours"] == files["whoosh"]


def test_iterating_the_pool_gives_whooshs_sorted_postings() -> None:
    """Any consumer other than paperdeck's codec iterates the pool and gets Whoosh's ordered tuples."""
    pool = CompactPool(SCHEMA)
    fmt = SCHEMA["body"].format
    items = [("title", b"b", 1, 2.5, SCHEMA["title"].format.encode([0])),
             ("body", b"zeta", 0, 1.0, fmt.encode([3])), ("body", b"alpha", 2, 2.0, fmt.encode([0, 4])),
             ("body", b"alpha", 1, 1.0, fmt.encode([1])), ("tags", b"x", 0, 1.0, pack_uint(1))]
    for item in items:
        pool.add(item)
    assert list(pool.iter_postings()) == sorted(items)
