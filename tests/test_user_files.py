"""Unreadable user files, whatever the exception, are kept aside and the backup restored (issue 11, case 9).

A 3 KB JSON nested 1,500 deep used to raise RecursionError in every command (and the app would not start),
while the good ``.bak`` sat unused; a bookmark with ``doi: 5`` crashed ``bookmarks export bibtex``.
"""

from __future__ import annotations

import json
import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings, strategies as st

from paperdeck.index.bookmarks import Bookmark, BookmarkStore
from paperdeck.index.cli import main
from paperdeck.index.export import export_bookmarks
from paperdeck.index.library import Library

NESTED = b"[" * 1500 + b"]" * 1500  # 3 KB; json.loads raises RecursionError
NESTED_OBJECT = b'{"a":' * 1500 + b"1" + b"}" * 1500

ABSTRACT = ("We study a problem in depth. Our method improves results by a wide margin on many benchmarks and "
            "datasets. It is simple to implement and fast to run on commodity hardware at any scale.")


def mark(key: str, **fields: object) -> Bookmark:
    return Bookmark(key=key, title=key.title(), url=f"https://arxiv.org/abs/{key}", added_at="2026-01-01T00:00:00Z",
                    **fields)  # type: ignore[arg-type]


@pytest.mark.parametrize("content", [NESTED, NESTED_OBJECT])
def test_deeply_nested_bookmarks_are_kept_aside_and_the_backup_restored(isolated_home: Path, content: bytes) -> None:
    store = BookmarkStore()
    store.add(mark("first"))
    store.add(mark("second"))  # the backup holds "first"
    store.path.write_bytes(content)
    recovered = BookmarkStore()
    assert recovered.keys() == {"first"}
    assert "restored the backup" in recovered.messages[0] and "RecursionError" in recovered.messages[0]
    [kept] = store.path.parent.glob("bookmarks.json.corrupt-*")
    assert kept.read_bytes() == content
    recovered.add(mark("third"))  # and writing works again
    assert BookmarkStore().keys() == {"first", "third"}


def test_a_deeply_nested_source_list_is_kept_aside_and_the_backup_restored(seeded_home: Path, tmp_path: Path) -> None:
    page = tmp_path / "one.txt"
    page.write_text(f"Dingo Paper Of Note\n\n{ABSTRACT}\n\n")
    with Library() as library:
        library.add([page])  # the backup now holds the seeds-only list
    manifest = seeded_home / "data" / "sources.json"
    backup = json.loads((manifest.parent / "sources.json.bak").read_text())
    manifest.write_bytes(NESTED)
    with Library() as library:
        assert any("sources.json was unreadable" in m and "restored the backup" in m for m in library.messages)
        assert library.stats().sources == len(backup["sources"])
        assert library.search("sparse attention").total == 12
    assert list(manifest.parent.glob("sources.json.corrupt-*"))


def test_deeply_nested_settings_are_kept_aside_and_the_backup_restored(isolated_home: Path) -> None:
    from paperdeck.tui.settings import Settings, load_settings, save_settings

    save_settings(Settings(theme="nord"))
    save_settings(Settings(theme="gruvbox"))  # the backup holds "nord"
    path = isolated_home / "config" / "settings.json"
    path.write_bytes(NESTED)
    loaded, message = load_settings()
    assert loaded.theme == "nord"
    assert message is not None and "restored the backup" in message


def test_a_bookmark_with_a_number_for_a_doi_is_refused_on_load(isolated_home: Path) -> None:
    store = BookmarkStore()
    store.add(mark("first", doi="10.1/first"))
    store.add(mark("second"))
    data = json.loads(store.path.read_text())
    data["bookmarks"][1]["doi"] = 5  # a hand edit
    store.path.write_text(json.dumps(data))
    recovered = BookmarkStore()
    assert "'doi' must be text" in recovered.messages[0] and "restored the backup" in recovered.messages[0]
    assert recovered.keys() == {"first"}
    assert "10.1/first" in export_bookmarks(recovered.all(), "bibtex")


def test_a_bookmark_with_a_number_for_a_doi_is_refused_on_import(isolated_home: Path, tmp_path: Path, capsys) -> None:
    store = BookmarkStore()
    store.add(mark("kept"))
    export = tmp_path / "export.json"
    export.write_text(json.dumps([{"key": "good", "title": "Good"}, {"key": "bad", "title": "Bad", "doi": 5}]))
    with pytest.raises(ValueError, match="'doi' must be text"):
        store.import_json(export.read_text())
    assert main(["bookmarks", "import", str(export)]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "'doi' must be text" in err
    assert BookmarkStore().keys() == {"kept"}  # nothing half-imported
    export.write_bytes(NESTED)
    assert main(["bookmarks", "import", str(export)]) == 2
    assert "nested too deeply" in capsys.readouterr().err
    assert main(["bookmarks", "export", "bibtex"]) == 0


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(content=st.one_of(
    st.binary(max_size=300),
    st.recursive(st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=8),
                 lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=6), inner, max_size=4),
                 max_leaves=30).map(lambda value: json.dumps({"bookmarks": [value]}).encode()),
    st.integers(min_value=1, max_value=3000).map(lambda depth: b"[" * depth + b"]" * depth),
))
def test_any_bookmarks_file_loads_or_is_kept_aside_and_never_raises(content: bytes) -> None:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "bookmarks.json"
        path.write_bytes(content)
        store = BookmarkStore(path=path)
        kept = list(path.parent.glob("bookmarks.json.corrupt-*"))
        assert bool(kept) == bool(store.messages)
        for bookmark in store.all():  # whatever loaded is exportable
            for fmt in ("bibtex", "markdown", "csv", "json"):
                export_bookmarks([bookmark], fmt)
