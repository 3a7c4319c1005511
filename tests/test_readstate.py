"""Read state: first sightings from imports, read/dismissed with undo, upvote history, re-keying, and that the
file survives what the bookmarks survive (SIGKILL mid-write, a corrupt file, two writers)."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from daily_helpers import hf_item, write_hf
from paperdeck.index.library import Library
from paperdeck.index.models import SearchRequest
from paperdeck.index.readstate import PaperState, ReadState
from paperdeck.index.userfacets import user_facets
from paperdeck.index.watches import WatchStore
from paperdeck.index.bookmarks import BookmarkStore


def test_seeds_are_first_seen_and_an_import_between_sessions_is_new(library: Library, tmp_path: Path) -> None:
    state = ReadState()
    seeded = [k for k, s in state.all().items() if s.first_seen]
    assert len(seeded) == library.stats().papers  # the first run's seeds count as first sightings
    session_start = max(s.first_seen for s in state.all().values())
    library.add([write_hf(tmp_path / "day.json", [hf_item("2611.00001", "Quantum Gardening"),
                                                    hf_item("2611.00002", "Tidal Compilers")])])
    sets = ReadState().key_sets(since=session_start)
    assert sets["new"] == {"2611.00001", "2611.00002"}
    results = library.search(SearchRequest("", (("state", "new"),)), user_facets=user_facets(
        BookmarkStore(), ReadState(), session_start))
    assert results.total == 2
    assert dict(results.facets["state"])["new"] == 2


def test_read_dismiss_and_undo(isolated_home: Path) -> None:
    state = ReadState()
    state.record_import(["a", "b", "c"])
    undo_read = state.mark_read(["a", "b"])
    assert ReadState().get("a").seen and ReadState().get("b").seen
    undo_dismiss = state.dismiss(["c"])
    sets = ReadState().key_sets(since=None)
    assert sets["new"] == {"a", "b"} and sets["dismissed"] == {"c"} and sets["read"] == {"a", "b"}
    state.restore(undo_dismiss)
    state.restore(undo_read)
    again = ReadState()
    assert again.get("a").seen is None and again.get("c").dismissed is None
    assert again.get("a").first_seen  # undo leaves the first sighting alone


def test_upvotes_history_and_rekey_keep_state(library: Library, tmp_path: Path) -> None:
    page = tmp_path / "pages" / "dump.txt"
    page.parent.mkdir()
    page.write_text("Deal or No Deal End to End Learning\n\nWe negotiate with agents. Results are good.\n"
                    "Published on Nov 2\n", encoding="utf-8")
    library.add([page])
    slug_keys = [k for k in ReadState().all() if k.startswith("deal-or-no-deal")]
    assert len(slug_keys) == 1
    ReadState().mark_read(slug_keys)
    first = write_hf(tmp_path / "a" / "day.json", [hf_item("1706.05125", "Deal or No Deal End to End Learning",
                                                           upvotes=3)])
    library.add([first])
    moved = ReadState().get("1706.05125")
    assert moved.seen and moved.first_seen  # read state followed the arXiv id
    assert slug_keys[0] not in ReadState().all()
    write_hf(first, [hf_item("1706.05125", "Deal or No Deal End to End Learning", upvotes=10)])
    library.add([first])
    history = ReadState().get("1706.05125").upvotes
    assert [n for _, n in history] == [3, 10]
    assert ReadState().get("1706.05125").rise == 7


@pytest.mark.parametrize("content", [b"", b"{", b"\xff\xfe", b'{"papers": []}', b'{"papers": {"k": 3}}',
                                     b'{"papers": {"k": {"upvotes": [[1, 2]]}}}'])
def test_a_broken_file_is_kept_aside_and_the_backup_restored(isolated_home: Path, content: bytes,
                                                              monkeypatch: pytest.MonkeyPatch) -> None:
    from paperdeck.index import readstate
    monkeypatch.setattr(readstate, "JOURNAL_IMPORT_LIMIT", 0)  # each import rewrites the snapshot (and backup)
    state = ReadState()
    state.record_import(["first"])
    state.record_import(["second"])  # the backup holds "first"
    state.path.write_bytes(content)
    recovered = ReadState()
    assert set(recovered.all()) == {"first"}
    assert "restored the backup" in recovered.messages[0]
    kept = list(state.path.parent.glob("readstate.json.corrupt-*"))
    assert len(kept) == 1 and kept[0].read_bytes() == content


_WRITERS = {
    "read state": """
import sys
from paperdeck.index.readstate import ReadState
state = ReadState()
prefix, count = sys.argv[1], int(sys.argv[2])
for i in range(count):
    state.mark_read([f"{prefix}-{i}"])
    print(f"{prefix}-{i}", flush=True)
""",
    "watches": """
import sys
from paperdeck.index.watches import WatchStore
store = WatchStore()
prefix, count = sys.argv[1], int(sys.argv[2])
for i in range(count):
    store.save(f"{prefix}-{i}", "attention", (("has_code", "yes"),))
    print(f"{prefix}-{i}", flush=True)
""",
}


def _saved(kind: str) -> tuple[set[str], list[str]]:
    """What the file holds now, and the recovery messages opening it gave."""
    if kind == "read state":
        state = ReadState()
        return set(state.key_sets(None)["read"]), state.messages
    store = WatchStore()
    return {w.name for w in store.all()}, store.messages


@pytest.mark.parametrize("kind", _WRITERS)
def test_two_processes_writing_100_each_lose_nothing(isolated_home: Path, kind: str) -> None:
    env = {**os.environ, "PAPERDECK_HOME": str(isolated_home)}
    procs = [subprocess.Popen([sys.executable, "-c", _WRITERS[kind], name, "100"], env=env, stdout=subprocess.PIPE)
             for name in ("left", "right")]
    for proc in procs:
        proc.communicate(timeout=300)
        assert proc.returncode == 0
    assert len(_saved(kind)[0]) == 200


@pytest.mark.parametrize("kind", _WRITERS)
def test_sigkill_at_any_point_of_a_write_loses_nothing_written_before(isolated_home: Path, kind: str) -> None:
    env = {**os.environ, "PAPERDECK_HOME": str(isolated_home)}
    confirmed: set[str] = set()
    for round_number, delay in enumerate((0.05, 0.15, 0.3, 0.45)):
        proc = subprocess.Popen([sys.executable, "-c", _WRITERS[kind], f"r{round_number}", "100000"], env=env,
                                stdout=subprocess.PIPE, text=True)
        assert proc.stdout is not None
        confirmed.add(proc.stdout.readline().strip())  # the writer is running (its first write confirmed)
        time.sleep(delay)  # not synchronisation: a point somewhere in the writer's loop to kill it at
        proc.send_signal(signal.SIGKILL)
        out, _ = proc.communicate()
        confirmed |= set(out.split())
        saved, messages = _saved(kind)
        assert messages == [], messages  # the file is never torn
        assert confirmed <= saved
    assert len(confirmed) > 4


@given(st.dictionaries(st.text(max_size=20), st.one_of(
    st.none(), st.integers(), st.text(max_size=10), st.lists(st.integers(), max_size=3),
    st.dictionaries(st.sampled_from(["first_seen", "seen", "dismissed", "upvotes", "other"]),
                    st.one_of(st.none(), st.text(max_size=10), st.integers(),
                              st.lists(st.lists(st.one_of(st.text(max_size=5), st.integers()), max_size=3),
                                       max_size=3))))))
def test_any_papers_object_is_read_or_refused_with_valueerror(papers: dict) -> None:
    for key, value in papers.items():
        try:
            state = PaperState.from_dict(key, value)
        except ValueError:
            continue
        assert PaperState.from_dict(key, state.to_dict()) == state


# -- the journal: marks are appended, not rewritten (index/readstate_journal.py) ------------------------------

def _big_snapshot(path: Path, entries: int) -> None:
    stamp = "2026-01-01T00:00:00.000000Z"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps({"version": 1, "papers": {f"k{n}": {"first_seen": stamp} for n in range(entries)}}))


def test_a_mark_at_100000_papers_appends_one_line_and_leaves_the_snapshot_alone(isolated_home: Path) -> None:
    state = ReadState()
    _big_snapshot(state.path, 100_000)
    before = state.path.stat()
    undo = ReadState().mark_read(["k5"])
    after = state.path.stat()
    assert (after.st_ino, after.st_mtime_ns, after.st_size) == (before.st_ino, before.st_mtime_ns, before.st_size)
    assert len(state.journal_path.read_text().splitlines()) == 1
    assert ReadState().get("k5").seen and len(ReadState().all()) == 100_000
    ReadState().restore(undo)
    assert ReadState().get("k5").seen is None and ReadState().get("k5").first_seen


def test_a_days_import_at_100000_papers_appends_its_papers_and_leaves_the_snapshot_alone(
        isolated_home: Path) -> None:
    """Adding a page records first sightings and upvotes for its papers only: the cost of ``add`` must not
    grow with every paper ever seen."""
    state = ReadState()
    _big_snapshot(state.path, 100_000)
    before = state.path.stat()
    ReadState().record_import([f"new{n}" for n in range(50)] + ["k7"], upvotes={"new3": 12, "k9": 4})
    after = state.path.stat()
    assert (after.st_ino, after.st_mtime_ns, after.st_size) == (before.st_ino, before.st_mtime_ns, before.st_size)
    assert len(state.journal_path.read_text().splitlines()) == 51  # 50 first sightings, k9's count (k7 known)
    opened = ReadState()
    assert len(opened.all()) == 100_050 and opened.messages == []
    assert opened.get("new3").first_seen and opened.get("new3").upvotes[-1][1] == 12
    assert opened.get("k7").first_seen == "2026-01-01T00:00:00.000000Z"  # an earlier sighting is kept
    assert opened.get("k9").upvotes[-1][1] == 4 and opened.get("k9").first_seen
    opened.mark_read(["new3"])
    assert ReadState().get("new3").upvotes[-1][1] == 12  # a later mark keeps the import's fields


def test_a_line_cut_by_sigkill_is_not_read_and_is_cut_before_the_next_mark(isolated_home: Path) -> None:
    state = ReadState()
    state.record_import(["a", "b"])
    state.mark_read(["a"])
    with open(state.journal_path, "ab") as handle:
        handle.write(b'{"key": "b", "seen": "2026-')  # what a writer killed mid-line leaves
    torn = ReadState()
    assert torn.messages == [] and torn.get("a").seen and torn.get("b").seen is None
    torn.dismiss(["b"])
    again = ReadState()
    assert again.messages == [] and again.get("b").dismissed and again.get("b").seen is None
    assert all(line.startswith("{") and line.endswith("}") for line in state.journal_path.read_text().splitlines())


def test_a_journal_line_broken_by_hand_is_skipped_with_a_message_and_the_rest_kept(isolated_home: Path) -> None:
    state = ReadState()
    state.record_import(["a", "b", "c"])
    state.mark_read(["a"])
    with open(state.journal_path, "ab") as handle:
        handle.write(b'not json\n{"key": 5}\n{"key": "x", "seen": 7}\n')
    state.mark_read(["c"])
    opened = ReadState()
    assert opened.key_sets(None)["read"] == {"a", "c"}
    assert len(opened.messages) == 3 and all("skipped" in m for m in opened.messages)


def test_compaction_folds_the_journal_in_and_a_replayed_journal_changes_nothing(
        isolated_home: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from paperdeck.index import readstate
    state = ReadState()
    state.record_import(["a", "b", "c"])
    state.mark_read(["a", "b"])
    state.dismiss(["c"])
    state.restore(state.mark_read(["c"]) or {})
    journal = state.journal_path.read_bytes()
    expected = dict(ReadState().all())
    monkeypatch.setattr(readstate, "JOURNAL_IMPORT_LIMIT", 0)  # an import this large rewrites the snapshot
    state.record_import(["d"])  # a snapshot write compacts: the journal is folded in and removed
    assert not state.journal_path.exists()
    assert {k: v for k, v in ReadState().all().items() if k != "d"} == expected
    state.journal_path.write_bytes(journal)  # killed after the snapshot was written, before the journal went
    assert {k: v for k, v in ReadState().all().items() if k != "d"} == expected


def test_a_large_journal_is_compacted_when_the_state_is_opened(isolated_home: Path,
                                                              monkeypatch: pytest.MonkeyPatch) -> None:
    from paperdeck.index import readstate_journal
    monkeypatch.setattr(readstate_journal, "COMPACT_BYTES", 200)
    state = ReadState()
    state.record_import([f"k{n}" for n in range(10)])
    for n in range(10):
        state.mark_read([f"k{n}"])
    assert state.journal_path.stat().st_size > 200
    reopened = ReadState()
    assert not state.journal_path.exists() and len(reopened.key_sets(None)["read"]) == 10


@given(st.lists(st.one_of(st.binary(max_size=40), st.builds(json.dumps, st.dictionaries(
    st.sampled_from(["key", "seen", "dismissed", "other", "state"]),
    st.one_of(st.none(), st.text(max_size=8), st.integers(), st.lists(st.integers(), max_size=2),
              st.dictionaries(st.sampled_from(["first_seen", "seen", "upvotes", "x"]),
                              st.one_of(st.text(max_size=4), st.lists(st.lists(st.integers(), max_size=2),
                                                                     max_size=2)), max_size=3)))).map(str.encode)),
    max_size=8))
def test_any_journal_is_read_line_by_line_or_skipped_with_a_message(lines: list[bytes]) -> None:
    import tempfile
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "readstate.json"
        path.with_name("readstate.json.journal").write_bytes(b"\n".join(line.replace(b"\n", b" ")
                                                                         for line in lines) + b"\n")
        state = ReadState(path)
        for key, value in state.all().items():
            assert isinstance(key, str) and all(v is None or isinstance(v, str) for v in (value.seen,
                                                                                          value.dismissed))
        assert len(state.messages) <= len(lines)
