"""The facet snapshot saved beside the index: numpy arrays plus JSON (never a pickle), read back through the
constructor, equal to what was saved whatever text the papers hold, and refused when it is not ours."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from paperdeck.index.snapshot import COLUMN_FACETS, SORTS, FacetArrays, Snapshot

text = st.text(max_size=12)  # any Unicode the papers may hold


@st.composite
def snapshots(draw) -> Snapshot:  # type: ignore[no-untyped-def]
    size = draw(st.integers(0, 12))
    live = np.array(draw(st.lists(st.booleans(), min_size=size, max_size=size)), dtype=bool)
    column = lambda strategy: draw(st.lists(strategy, min_size=size, max_size=size))  # noqa: E731
    facets = {}
    for facet in COLUMN_FACETS:
        values = draw(st.lists(text, unique=True, max_size=4))
        pairs = draw(st.lists(st.tuples(st.integers(0, max(size - 1, 0)), st.integers(0, max(len(values) - 1, 0))),
                              max_size=20)) if size and values else []
        facets[facet] = FacetArrays(values, [d for d, _ in pairs], [v for _, v in pairs])
    return Snapshot(live, column(text), column(text), column(text), column(st.integers(0, 10**6)), facets)


def as_plain(snap: Snapshot) -> dict[str, object]:
    return {"live": snap.live.tolist(), "keys": snap.keys, "orders": {s: snap.order(s).tolist() for s in SORTS},
            "facets": {f: (a.values, a.docs.tolist(), a.value_ids.tolist(), a.counts(snap.live).tolist())
                       for f, a in snap.facets.items()}}


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(snap=snapshots())
def test_a_saved_snapshot_loads_equal(tmp_path: Path, snap: Snapshot) -> None:
    path = tmp_path / ".snapshot-1.npz"
    snap.save(path)
    loaded = Snapshot.load(path, snap.size)
    assert loaded is not None
    assert as_plain(loaded) == as_plain(snap)
    assert Snapshot.load(path, snap.size + 1) is None  # another generation's size: not trusted


def test_a_pickle_or_an_object_array_is_never_loaded(tmp_path: Path) -> None:
    import pickle

    path = tmp_path / ".snapshot-1.npz"
    path.write_bytes(pickle.dumps({"version": 2, "size": 0}))
    assert Snapshot.load(path, 0) is None
    with path.open("wb") as handle:
        np.savez(handle, strings=np.array([{"version": 2}], dtype=object), live=np.zeros(0, dtype=bool))
    assert Snapshot.load(path, 0) is None  # allow_pickle=False refuses the object array


@pytest.mark.parametrize("cut", [0, 50, 400])
def test_a_torn_snapshot_is_refused(tmp_path: Path, cut: int) -> None:
    snap = Snapshot(np.ones(2, dtype=bool), ["a", "b"], ["2024-01-01", ""], ["T", "U"], [1, 2],
                    {f: FacetArrays(["x"], [0], [0]) for f in COLUMN_FACETS})
    path = tmp_path / ".snapshot-1.npz"
    snap.save(path)
    path.write_bytes(path.read_bytes()[:cut])
    assert Snapshot.load(path, 2) is None


def facet_view(snap: Snapshot) -> dict[str, object]:
    """What searches see: live keys, each facet's non-zero counts over the live documents, the sort orders."""
    counts = {}
    for facet, arrays in snap.facets.items():
        per_value = arrays.counts(snap.live)
        counts[facet] = {arrays.values[i]: int(per_value[i]) for i in np.flatnonzero(per_value)}
    return {"keys": [k for k, alive in zip(snap.keys, snap.live) if alive], "counts": counts,
            "orders": {s: snap.order(s).tolist() for s in SORTS}}


def test_after_small_writes_the_snapshot_is_updated_exactly_and_saved(library, tmp_path: Path, monkeypatch) -> None:
    """Each add, replacement and removal leaves a snapshot of the new generation that equals one counted from
    scratch, saved beside the index, so the next start loads it instead of counting."""
    from paperdeck.index.library import Library

    page = tmp_path / "mine.txt"
    steps = [("add", "Sparse Attention for Graphs\n\nWe study sparse attention on graphs with code at "
                     "https://github.com/a/b. It works on many benchmarks and datasets.\n"),
             ("add", "Sparse Attention for Graphs\n\nA new version of the abstract without the link, on many "
                     "benchmarks and datasets.\n"),
             ("remove", "")]
    for action, text in steps:
        if action == "add":
            page.write_text(text, encoding="utf-8")
            library.add([page])
        else:
            library.remove("mine.txt")
        engine = library._engine
        reader = engine._searcher.reader()
        assert facet_view(engine.snapshot()) == facet_view(Snapshot.from_reader(reader))
    generation = library._engine._searcher.reader().generation()
    assert (Path(library._ix.storage.folder) / f".snapshot-{generation}.npz").exists()
    library.close()

    def no_counting(*args, **kwargs):  # type: ignore[no-untyped-def]
        raise AssertionError("the snapshot was counted again instead of loaded")
    monkeypatch.setattr(Snapshot, "from_reader", no_counting)
    with Library() as reopened:
        assert reopened.search("sparse attention").total == 12


def test_a_replaced_or_removed_paper_is_counted_once(library, tmp_path: Path) -> None:
    """Found by the test above: Whoosh's ``searcher.refresh()`` kept the old deletion sets, so a replaced
    paper counted twice until the next start (and the saved snapshot kept the double count)."""
    page = tmp_path / "mine.txt"
    page.write_text("Sparse Attention for Graphs\n\nWe study sparse attention on graphs, and it works on many "
                    "benchmarks and datasets.\n", encoding="utf-8")
    library.add([page])
    assert library.search("sparse attention").total == 13
    page.write_text("Sparse Attention for Graphs\n\nA new version of the abstract, and it works on many "
                    "benchmarks and datasets.\n", encoding="utf-8")
    library.add([page])
    assert library.search("sparse attention").total == 13
    library.remove("mine.txt")
    assert library.search("sparse attention").total == 12
