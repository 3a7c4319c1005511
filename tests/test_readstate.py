"""Read state: first sightings from imports, read/dismissed with undo, upvote history, re-keying, and that the
file survives what the bookmarks survive (SIGKILL mid-write, a corrupt file, two writers)."""

from __future__ import annotations

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
def test_a_broken_file_is_kept_aside_and_the_backup_restored(isolated_home: Path, content: bytes) -> None:
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
