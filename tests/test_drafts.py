"""Drafts (unsaved tags and notes) on disk: they survive a restart, two writers, a torn or hand-broken file,
and what they store is inert text that reads back as stored."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from pathlib import Path

from hypothesis import HealthCheck, given, settings, strategies as st

from paperdeck.index.clean import strip_control
from paperdeck.index.drafts import DraftStore, inert_line, inert_text
from writer_processes import run_two_writers


def test_a_draft_survives_a_new_store_and_goes_when_discarded(isolated_home: Path) -> None:
    DraftStore().keep("2401.00001", "to-read, rag", "first line\nsecond line", "A Paper")
    reopened = DraftStore()  # what the next start of the app sees
    draft = reopened.get("2401.00001")
    assert draft is not None
    assert (draft.tags, draft.note, draft.title) == ("to-read, rag", "first line\nsecond line", "A Paper")
    assert draft.kept.endswith("Z")
    assert reopened.discard("2401.00001") == draft
    assert DraftStore().get("2401.00001") is None
    assert reopened.discard("2401.00001") is None  # nothing to discard: no error
    assert reopened.path == isolated_home / "data" / "drafts.json"


def test_discarding_a_missing_draft_writes_nothing(isolated_home: Path) -> None:
    store = DraftStore()
    store.discard("nothing-here")
    assert not store.path.exists()


def test_a_broken_file_is_kept_aside_and_the_backup_restored(isolated_home: Path) -> None:
    store = DraftStore()
    store.keep("a", "one", "kept in the backup")
    store.keep("b", "two", "the newest")
    torn = store.path.read_bytes()[:25]
    store.path.write_bytes(torn)
    recovered = DraftStore()
    assert recovered.get("a") is not None and recovered.get("a").note == "kept in the backup"
    assert recovered.get("b") is None  # written after the backup: the torn file had it, the backup does not
    [notice] = recovered.messages
    assert "drafts.json was unreadable" in notice and "restored the backup" in notice
    [aside] = store.path.parent.glob("drafts.json.corrupt-*")
    assert aside.read_bytes() == torn


def test_a_malformed_entry_is_skipped_with_file_key_and_why_and_kept_on_the_next_write(isolated_home: Path) -> None:
    store = DraftStore()
    store.keep("good", "t", "note")
    data = json.loads(store.path.read_text())
    data["drafts"]["bad"] = {"tags": 5, "note": "x"}  # a hand edit
    store.path.write_text(json.dumps(data))
    reopened = DraftStore()
    assert set(reopened.all()) == {"good"}
    assert reopened.messages == ["drafts.json:bad: skipped (draft 'bad': 'tags' must be text, not int)"]
    assert reopened.messages == ["drafts.json:bad: skipped (draft 'bad': 'tags' must be text, not int)"]  # once
    reopened.keep("other", "", "more")
    assert json.loads(store.path.read_text())["drafts"]["bad"] == {"tags": 5, "note": "x"}  # not thrown away
    reopened.keep("bad", "fixed", "")  # a new draft for that key replaces the broken entry
    assert DraftStore().get("bad").tags == "fixed"


_WRITER = """
import sys
from paperdeck.index.drafts import DraftStore
store = DraftStore()
prefix, count = sys.argv[1], int(sys.argv[2])
for i in range(count):
    store.keep(f"{prefix}-{i}", "tag", f"note {i}")
    print(f"{prefix}-{i}", flush=True)
"""


def test_two_processes_keeping_drafts_lose_none(isolated_home: Path) -> None:
    run_two_writers(_WRITER, isolated_home, 50)
    store = DraftStore()
    assert len(store.all()) == 100 and store.messages == []


def test_sigkill_during_writes_loses_no_confirmed_draft(isolated_home: Path) -> None:
    """Killed right after its 1st, 5th and 20th confirmed write (somewhere in the next one): never a torn file."""
    env = {**os.environ, "PAPERDECK_HOME": str(isolated_home)}
    confirmed: set[str] = set()
    for round_number, after in enumerate((1, 5, 20)):
        proc = subprocess.Popen([sys.executable, "-c", _WRITER, f"r{round_number}", "100000"], env=env,
                                stdout=subprocess.PIPE, text=True)
        assert proc.stdout is not None
        confirmed |= {proc.stdout.readline().strip() for _ in range(after)}
        proc.send_signal(signal.SIGKILL)
        out, _ = proc.communicate()
        confirmed |= set(out.split())
        store = DraftStore()
        assert store.messages == []  # the file is never torn
        assert confirmed <= set(store.all())
    assert len(confirmed) >= 26


def _texts() -> st.SearchStrategy[str]:
    return st.text(st.characters(codec=None), max_size=200) | st.sampled_from(
        ["\x1b[31mred\x1b[0m", "a\u202eb", "line\r\nbreak", "\ud800lone", "tab\there", "\x00nul", "\u2028sep"])


@settings(max_examples=150, suppress_health_check=[HealthCheck.function_scoped_fixture], deadline=None)
@given(tags=_texts(), note=_texts(), title=_texts())
def test_any_typed_text_is_stored_inert_and_reads_back_as_stored(isolated_home: Path, tags: str, note: str,
                                                                 title: str) -> None:
    store = DraftStore()
    kept = store.keep("k", tags, note, title)
    back = DraftStore().get("k")
    assert back == kept
    for text in (back.tags, back.note, back.title):
        assert strip_control(text) == text  # nothing that could drive the terminal
        text.encode("utf-8")  # no lone surrogates
    assert "\n" not in back.tags and "\n" not in back.title
    assert back.note == inert_text(note)
    if note == strip_control(note) and "\r" not in note and note.encode("utf-8", "replace").decode() == note:
        assert back.note == note  # ordinary text (line breaks and tabs too) comes back exactly as typed


@settings(max_examples=150)
@given(st.dictionaries(st.text(max_size=10), st.one_of(
    st.none(), st.integers(), st.text(max_size=10), st.lists(st.text(max_size=3), max_size=2),
    st.dictionaries(st.sampled_from(["tags", "note", "title", "kept", "other"]),
                    st.one_of(st.none(), st.integers(), st.text(max_size=10))))))
def test_any_drafts_object_loads_what_it_can_and_skips_the_rest(entries: dict) -> None:
    import tempfile
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "drafts.json"
        path.write_text(json.dumps({"version": 1, "drafts": entries}))
        store = DraftStore(path)
        loaded, skipped = store.all(), store.messages
        for key in entries:  # every entry either loads or is named with the file and why
            assert inert_line(key) in loaded or any(m.startswith(f"drafts.json:{inert_line(key)}: skipped (")
                                                    for m in skipped)
        for key, draft in loaded.items():
            assert strip_control(draft.note) == draft.note and key.strip()


def test_a_draft_follows_its_paper_to_the_arxiv_key_and_joins_one_already_there(library, tmp_path: Path) -> None:
    from daily_helpers import hf_item, write_hf

    page = tmp_path / "pages" / "dump.txt"
    page.parent.mkdir()
    page.write_text("Deal or No Deal End to End Learning\n\nWe negotiate with agents. Results are good.\n"
                    "Published on Nov 2\n", encoding="utf-8")
    library.add([page])
    (slug,) = [h.paper.key for h in library.search("negotiate agents").hits]
    DraftStore().keep(slug, "to-read", "first thoughts\nsecond line")
    DraftStore().keep("1706.05125", "rl, to-read", "written under the id")
    library.add([write_hf(tmp_path / "a" / "day.json", [hf_item("1706.05125", "Deal or No Deal End to End Learning")])])
    drafts = DraftStore()
    assert drafts.get(slug) is None
    moved = drafts.get("1706.05125")
    assert moved is not None and moved.tags == "rl, to-read"
    assert "written under the id" in moved.note and "first thoughts\nsecond line" in moved.note
