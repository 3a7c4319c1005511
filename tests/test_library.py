"""The library: first run, adding and removing sources, and recovering derived data from the sources."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from conftest import SEED_COUNTS, UNIQUE_SEED_PAPERS
from paperdeck.index import locations
from paperdeck.index.library import Library, UnknownSource
from paperdeck.index.models import SearchRequest

ABSTRACT = ("We study a problem in depth. Our method improves results by a wide margin on many benchmarks and "
            "datasets. It is simple to implement and fast to run on commodity hardware at any scale.")


def page(*titles: str, date: str = "Mar 3") -> str:
    return "Daily Papers\n\n" + date + "\n\n" + "".join(f"{t}\n\n{ABSTRACT} ({t})\n\n" for t in titles)


def test_first_use_ingests_the_bundled_seeds(isolated_home: Path) -> None:
    with Library() as library:
        stats = library.stats()
        assert stats.papers == stats.index_docs == UNIQUE_SEED_PAPERS
        assert stats.sources == len(SEED_COUNTS)
        assert all(name.startswith("seed:") for name in stats.source_names)
    assert str(locations.index_dir()).startswith(str(isolated_home))


def test_readding_unchanged_changes_nothing_and_changed_updates_only_its_papers(library, tmp_path: Path) -> None:
    source = tmp_path / "mine.txt"
    source.write_text(page("Alpha Paper", "Beta Paper"))
    first = library.add([source])
    assert [(r.status, r.papers, r.new_papers) for r in first] == [("added", 2, 2)]
    assert [r.status for r in library.add([source])] == ["unchanged"]
    source.write_text(page("Alpha Paper", "Gamma Paper"))
    [report] = library.add([source])
    assert (report.status, report.papers, report.new_papers) == ("updated", 2, 1)
    assert library.get("beta-paper") is None
    assert library.get("gamma-paper") is not None
    assert library.stats().papers == UNIQUE_SEED_PAPERS + 2


def test_folders_are_walked_recursively_and_reported_per_file(library, tmp_path: Path) -> None:
    (tmp_path / "a" / "b").mkdir(parents=True)
    (tmp_path / "a" / "one.txt").write_text(page("One Paper"))
    (tmp_path / "a" / "b" / "two.txt").write_text(page("Two Paper"))
    (tmp_path / "a" / "b" / "saved.txt").write_text("<!DOCTYPE html><html><body>x</body></html>")
    (tmp_path / "a" / "b" / "empty.txt").write_text("")
    reports = {Path(r.source).name: r for r in library.add([tmp_path / "a", tmp_path / "missing"])}
    assert reports["one.txt"].status == reports["two.txt"].status == "added"
    assert reports["saved.txt"].status == "skipped" and reports["saved.txt"].reason.startswith("HTML page")
    assert reports["empty.txt"].reason.startswith("empty file")
    assert reports["missing"].reason == "no such file or folder"


def test_a_bad_new_version_of_a_file_loses_nothing(library, tmp_path: Path) -> None:
    source = tmp_path / "mine.txt"
    source.write_text(page("Alpha Paper"))
    library.add([source])
    source.write_bytes(b"\x00\x01\x02binary junk" * 50)
    [report] = library.add([source])
    assert report.status == "skipped" and report.reason.startswith("binary file")
    assert library.get("alpha-paper") is not None


def test_cross_page_duplicates_are_one_record_remembering_every_page(library) -> None:
    paper = library.get("compressing-features-for-learning-with-noisy-labels")
    assert [(p.source, p.listed) for p in paper.pages] == [
        ("000_60c9915acdce8430.txt", "08-01"), ("002_76e8db34f89bd5b9.txt", "03-12"),
        ("003_171782c9c99b4678.txt", "03-14")]


def test_remove_drops_a_source_but_keeps_papers_seen_elsewhere(library, tmp_path: Path) -> None:
    source = tmp_path / "mine.txt"
    source.write_text(page("Compressing Features for Learning with Noisy Labels", "Only Here Paper"))
    library.add([source])
    report = library.remove("mine.txt")
    assert report.status == "removed"
    assert library.get("only-here-paper") is None
    kept = library.get("compressing-features-for-learning-with-noisy-labels")
    assert kept is not None and "mine.txt" not in kept.sources
    with pytest.raises(UnknownSource):
        library.remove("mine.txt")


def test_removing_every_seed_does_not_bring_them_back(library) -> None:
    for name in SEED_COUNTS:
        library.remove(name)
    library.close()
    with Library() as reopened:
        assert reopened.stats().papers == 0


def _index_files(home: Path) -> list[str]:
    return sorted(p.name for p in (home / "cache" / "index").iterdir()
                  if p.is_file() and p.name not in ("paperdeck-stamp.json", "MAIN_WRITELOCK"))


def test_the_index_has_files_to_damage(seeded_home: Path) -> None:
    names = _index_files(seeded_home)
    # Separate segment files (not Whoosh's compound .seg): table of contents, postings, terms, columns.
    for kind in (".toc", ".pst", ".trm", ".facets.col", "._abstract_len.col"):
        assert any(n.endswith(kind) for n in names), kind


def _damage(path: Path, how: str) -> None:
    if how == "truncate":
        path.write_bytes(path.read_bytes()[: path.stat().st_size // 3])
    elif how == "zero":
        path.write_bytes(b"\x00" * path.stat().st_size)
    else:
        path.unlink()


@pytest.mark.parametrize("kind", [".toc", ".pst", ".trm", ".facets.col"])
@pytest.mark.parametrize("how", ["truncate", "zero", "delete"])
def test_any_damaged_index_file_is_moved_aside_and_rebuilt(seeded_home: Path, kind: str, how: str) -> None:
    index = seeded_home / "cache" / "index"
    [name] = [n for n in _index_files(seeded_home) if n.endswith(kind)]
    _damage(index / name, how)
    with Library() as library:
        assert library.search("sparse attention").total == 12
        assert library.stats().index_docs == UNIQUE_SEED_PAPERS
        assert library.search(SearchRequest(page_size=1)).total == UNIQUE_SEED_PAPERS
        assert len(library.messages) == 1 and "rebuilt from the sources" in library.messages[0]
    [kept] = list(index.parent.glob("index.corrupt-*"))
    assert (kept / name).exists() or how == "delete"  # the broken index was kept aside, not deleted


def test_an_empty_index_directory_is_rebuilt(seeded_home: Path) -> None:
    index = seeded_home / "cache" / "index"
    for f in index.iterdir():
        f.unlink()
    with Library() as library:
        assert library.search("sparse attention").total == 12
        assert library.messages == ["index out of date with the source list: rebuilt"]


def test_damage_found_only_while_searching_is_recovered(seeded_home: Path) -> None:
    from paperdeck.index.integrity import read_stamp, write_stamp

    index = seeded_home / "cache" / "index"
    [postings] = [index / n for n in _index_files(seeded_home) if n.endswith(".pst")]
    data = bytearray(postings.read_bytes())
    data[65536:-65536] = b"\xff" * (len(data) - 2 * 65536)  # the middle: the stamp's signature cannot see it
    postings.write_bytes(bytes(data))
    write_stamp(index, read_stamp(index) or "")
    with Library() as library:
        assert library.messages == []  # opens: the damage only shows when a posting list is read
        assert library.search("sparse attention").total == 12
        [message] = library.messages
        assert message.startswith("index damaged (postings of abstract:") and "rebuilt from the sources" in message
        assert library.search("language").total > 0 and len(library.messages) == 1
    assert len(list(index.parent.glob("index.corrupt-*"))) == 1


def test_an_index_from_another_schema_version_is_rebuilt(seeded_home: Path) -> None:
    stamp = seeded_home / "cache" / "index" / "paperdeck-stamp.json"
    data = json.loads(stamp.read_text())
    stamp.write_text(json.dumps({**data, "schema": 0}))
    with Library() as library:
        assert "schema version 0" in library.messages[0]
        assert library.search("sparse attention").total == 12


def test_a_corrupt_record_store_is_moved_aside_and_rebuilt(seeded_home: Path) -> None:
    store = seeded_home / "cache" / "records.sqlite3"
    for sidecar in ("-wal", "-shm"):
        Path(str(store) + sidecar).unlink(missing_ok=True)
    store.write_bytes(b"this is not a database" * 100)
    with Library() as library:
        assert library.stats().papers == UNIQUE_SEED_PAPERS
        assert any("record store was unreadable" in m for m in library.messages)
    assert list(store.parent.glob("records.sqlite3.corrupt-*"))


def test_a_deleted_cache_is_rebuilt_from_the_manifest(seeded_home: Path, tmp_path: Path) -> None:
    import shutil

    source = tmp_path / "mine.txt"
    source.write_text(page("Alpha Paper"))
    with Library() as library:
        library.add([source])
    shutil.rmtree(seeded_home / "cache")
    with Library() as library:
        assert library.get("alpha-paper") is not None
        assert library.stats().papers == UNIQUE_SEED_PAPERS + 1


def test_a_missing_source_file_is_reported_on_rebuild(library, tmp_path: Path) -> None:
    source = tmp_path / "mine.txt"
    source.write_text(page("Alpha Paper"))
    library.add([source])
    os.unlink(source)
    problems = library.rebuild()
    assert len(problems) == 1 and "mine.txt" in problems[0]
    assert library.stats().papers == UNIQUE_SEED_PAPERS


def test_a_second_process_sees_new_papers_after_refresh(library, tmp_path: Path) -> None:
    source = tmp_path / "mine.txt"
    source.write_text(page("Zyzzyva Unique Paper"))
    with Library() as writer:
        writer.add([source])
    assert library.search(SearchRequest("zyzzyva")).total == 0  # an open searcher is a snapshot until refresh
    library.refresh()
    assert library.search(SearchRequest("zyzzyva")).total == 1


def test_searches_keep_answering_from_the_old_index_during_a_rebuild(library) -> None:
    """The rebuild builds a new record store and index beside the old ones and swaps them in at the end; a
    search halfway through (here: while the new index is being written) sees the whole old library."""
    import threading

    before = library.search(SearchRequest("sparse attention"))
    halfway, release = threading.Event(), threading.Event()
    seen: list[object] = []

    def progress(done: int, total: int, label: str) -> None:
        if label == "indexing papers" and not halfway.is_set():
            halfway.set()
            release.wait(30)

    library.progress = progress
    rebuild = threading.Thread(target=library.rebuild)
    rebuild.start()
    assert halfway.wait(30)
    during = library.search(SearchRequest("sparse attention"))
    seen.append(library.get(during.hits[0].paper.key))
    release.set()
    rebuild.join(60)
    assert not rebuild.is_alive()
    after = library.search(SearchRequest("sparse attention"))
    assert during.total == before.total == after.total == 12
    assert [h.paper.key for h in during.hits] == [h.paper.key for h in before.hits]
    assert seen[0] is not None and library.stats().papers == UNIQUE_SEED_PAPERS
    assert not list(locations.index_dir().parent.glob("index.new-*"))  # nothing left beside the index


def test_a_torn_snapshot_file_beside_the_index_is_rebuilt_and_replaced(seeded_home: Path) -> None:
    index = seeded_home / "cache" / "index"
    with Library() as library:
        library.warm()
    [saved] = list(index.glob(".snapshot-*.pickle"))
    saved.write_bytes(saved.read_bytes()[:100])
    with Library() as library:
        assert library.search(SearchRequest("sparse attention")).total == 12
        assert library.search(SearchRequest(filters=(("has_code", "yes"),))).total == 108
    assert saved.stat().st_size > 1000  # written again from the index
    assert library.messages == []  # a derived cache, not worth a message


def test_a_snapshot_file_of_another_library_is_not_trusted(seeded_home: Path, tmp_path: Path) -> None:
    index = seeded_home / "cache" / "index"
    with Library() as library:
        library.warm()
    [saved] = list(index.glob(".snapshot-*.pickle"))
    from paperdeck.index.snapshot import Snapshot

    foreign = Snapshot.load(saved, UNIQUE_SEED_PAPERS)
    assert foreign is not None
    foreign.keys = list(reversed(foreign.keys))  # same size and generation, other documents
    foreign.save(saved)
    with Library() as library:
        top = library.search(SearchRequest("sparse attention")).hits[0].paper.title
        assert top == "Efficient Content-Based Sparse Attention with Routing Transformers"
        assert library.search(SearchRequest(filters=(("has_code", "yes"),))).total == 108
