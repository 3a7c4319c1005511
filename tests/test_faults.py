"""Fault injection: processes killed mid-commit, two processes at once, full disks and read-only folders.

Each test injects one fault and then checks what must hold afterwards: the library opens, every paper of the
recorded sources is searchable, and nothing written before the fault is lost.
"""

from __future__ import annotations

import errno
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from conftest import UNIQUE_SEED_PAPERS
from paperdeck.index import durable
from paperdeck.index.bookmarks import Bookmark, BookmarkStore
from paperdeck.index.cli import main
from paperdeck.index.library import Library, LibraryBusy

pytestmark = pytest.mark.slow

ABSTRACT = ("We study a problem in depth. Our method improves results by a wide margin on many benchmarks and "
            "datasets. It is simple to implement and fast to run on commodity hardware at any scale.")


def big_page(path: Path, count: int, word: str) -> Path:
    path.write_text("".join(f"{word.capitalize()} Paper Number {i}\n\n{ABSTRACT} {word}{i}\n\n" for i in range(count)))
    return path


def cli(home: Path, *args: str, **kwargs) -> subprocess.Popen[str]:
    env = {**os.environ, "PAPERDECK_HOME": str(home)}
    return subprocess.Popen([sys.executable, "-m", "paperdeck.index", *args], env=env, text=True,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, **kwargs)


@pytest.mark.parametrize("delay", [0.6, 1.2, 1.8, 2.4, 3.0])
def test_sigkill_during_add_leaves_a_working_library(seeded_home: Path, tmp_path: Path, delay: float) -> None:
    source = big_page(tmp_path / "big.txt", 1500, "zebra")
    proc = cli(seeded_home, "add", str(source))
    time.sleep(delay)
    proc.send_signal(signal.SIGKILL)
    proc.communicate()
    with Library() as library:
        stats = library.stats()
        added = str(source) in library.manifest.sources
        # Either the add completed before the kill, or it left no trace: never half a source.
        assert stats.papers == UNIQUE_SEED_PAPERS + (1500 if added else 0)
        assert library.search("sparse attention").total == 12
        assert library.search("zebra").total == (1500 if added else 0)
    again = cli(seeded_home, "add", str(source))
    out, err = again.communicate(timeout=300)
    assert again.returncode == 0, err
    with Library() as library:
        assert library.search("zebra").total == 1500


def test_two_adds_at_once_both_land(seeded_home: Path, tmp_path: Path) -> None:
    first = cli(seeded_home, "add", str(big_page(tmp_path / "a.txt", 300, "zorblat")))
    second = cli(seeded_home, "add", str(big_page(tmp_path / "b.txt", 300, "quibbix")))
    for proc in (first, second):
        out, err = proc.communicate(timeout=300)
        assert proc.returncode == 0, err
    with Library() as library:
        assert library.search("zorblat").total == 300 and library.search("quibbix").total == 300


def test_a_writer_busy_too_long_is_library_busy(seeded_home: Path) -> None:
    from paperdeck.index import locations

    holder = durable.file_lock(locations.library_lock_path())
    holder.acquire()
    try:
        library = Library()
        library.write_timeout = 0.2
        with pytest.raises(LibraryBusy, match="library busy"):
            library.remove("000_60c9915acdce8430.txt")
        library.close()
    finally:
        holder.release()


def test_an_open_library_sees_another_process_add(library, tmp_path: Path) -> None:
    proc = cli(Path(os.environ["PAPERDECK_HOME"]), "add", str(big_page(tmp_path / "c.txt", 5, "capybarix")))
    proc.communicate(timeout=300)
    assert library.refresh() is True
    assert library.search("capybarix").total == 5


@pytest.mark.parametrize("code", [errno.ENOSPC, errno.EROFS, errno.EACCES])
def test_a_failed_bookmark_write_keeps_the_old_file(isolated_home: Path, monkeypatch, code: int, capsys) -> None:
    store = BookmarkStore()
    store.add(Bookmark(key="kept", title="Kept", url="https://x", added_at="2026-01-01T00:00:00Z"))
    before = store.path.read_bytes()
    real_replace = os.replace

    def failing_replace(src, dst):  # the disk fills (or turns read-only) just as the new file is swapped in
        raise OSError(code, os.strerror(code), str(dst))
    monkeypatch.setattr(durable.os, "replace", failing_replace)
    with pytest.raises(OSError):
        store.add(Bookmark(key="new", title="New", url="https://y", added_at="2026-01-02T00:00:00Z"))
    monkeypatch.setattr(durable.os, "replace", real_replace)
    assert store.path.read_bytes() == before
    assert [p.name for p in store.path.parent.iterdir() if p.name.endswith(".tmp")] == []
    assert BookmarkStore().keys() == {"kept"}

    monkeypatch.setattr(durable.os, "replace", failing_replace)
    code_returned = main(["bookmarks", "remove", "kept"])
    err = capsys.readouterr().err
    assert code_returned == 1 and err.count("\n") == 1 and err.endswith("; nothing was changed\n")
    monkeypatch.setattr(durable.os, "replace", real_replace)
    assert BookmarkStore().keys() == {"kept"}


def test_a_read_only_data_directory_is_one_line(isolated_home: Path, tmp_path: Path) -> None:
    if os.geteuid() == 0:
        pytest.skip("root ignores directory permissions; the patched-write test above covers this path")
    data = tmp_path / "ro"
    data.mkdir()
    data.chmod(0o555)
    env = {**os.environ, "PAPERDECK_DATA_DIR": str(data)}
    proc = subprocess.run([sys.executable, "-m", "paperdeck.index", "bookmarks", "remove", "x"], env=env,
                          capture_output=True, text=True)
    assert proc.returncode == 1 and "Traceback" not in proc.stderr


def test_a_manifest_that_is_garbage_is_restored_from_backup(seeded_home: Path, tmp_path: Path) -> None:
    with Library() as library:
        library.add([big_page(tmp_path / "d.txt", 3, "dingox")])  # the backup now holds the seeds-only list
        library.add([big_page(tmp_path / "e.txt", 3, "emux")])
    manifest = seeded_home / "data" / "sources.json"
    manifest.write_bytes(b"\x00\x00garbage")
    with Library() as library:
        assert any("sources.json was unreadable" in m and "restored the backup" in m for m in library.messages)
        assert library.search("dingox").total == 3
        assert library.stats().sources == 6
    assert list(manifest.parent.glob("sources.json.corrupt-*"))
    assert json.loads(manifest.read_text())["sources"]
