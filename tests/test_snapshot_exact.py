"""The facet snapshot is exactly the index's live documents after every kind of write (issue 11, case 4).

The repro: re-adding a renamed copy of a 2,000+ paper dump listed every updated paper twice and doubled the
facet counts, because the refreshed reader still counted the replaced documents as live. After each write
below, the counts the library shows are compared with a recount: a second library opened on the same folder
with the saved snapshot deleted, so it reads everything from the index again.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import UNIQUE_SEED_PAPERS
from paperdeck.index import locations
from paperdeck.index.library import Library
from paperdeck.index.models import SearchRequest

pytestmark = pytest.mark.slow

ABSTRACT = ("We study a problem in depth. Our method improves results by a wide margin on many benchmarks and "
            "datasets. It is simple to implement and fast to run on commodity hardware at any scale.")
BIG = 2100  # above indexing.PARALLEL_BATCH: the sub-writer path when run from the CLI


def dump(path: Path, count: int, word: str, code_every: int = 3) -> Path:
    """A page of ``count`` papers; every ``code_every``-th links a repository (so has_code has both values)."""
    lines = []
    for i in range(count):
        code = f"\nhttps://github.com/example/{word}{i}" if i % code_every == 0 else ""
        lines.append(f"{word.capitalize()} Paper Number {i}\n\n{ABSTRACT} {word}{i}{code}\n\n")
    path.write_text("".join(lines))
    return path


def shown(library: Library) -> dict[str, object]:
    """What the app and `search` show for the whole library: the total, the facet counts, and the keys."""
    everything = library.search(SearchRequest(page_size=100_000, with_snippets=False))
    keys = [hit.paper.key for hit in everything.hits]
    return {"total": everything.total, "facets": everything.facets, "unique_keys": len(set(keys)),
            "listed": len(keys)}


def recount() -> dict[str, object]:
    for saved in locations.index_dir().glob(".snapshot-*.pickle"):
        saved.unlink()
    with Library() as fresh:
        return shown(fresh)


def assert_exact(library: Library, papers: int) -> None:
    now = shown(library)
    stats = library.stats()
    assert stats.papers == papers and stats.index_docs == papers
    assert now["total"] == now["listed"] == now["unique_keys"] == papers, now["total"]
    with_code = dict(now["facets"]["has_code"]).get("yes", 0)  # type: ignore[index]
    assert with_code == stats.with_code
    assert now == recount()


def test_snapshot_counts_match_a_recount_after_every_kind_of_write(library, tmp_path: Path) -> None:
    expected = UNIQUE_SEED_PAPERS
    assert_exact(library, expected)

    small = dump(tmp_path / "small.txt", 30, "quokka")
    library.add([small])  # add, small batch
    expected += 30
    assert_exact(library, expected)

    dump(small, 30, "quokka", code_every=2)  # update, small batch: the same papers, other code links
    library.add([small])
    assert_exact(library, expected)

    big = dump(tmp_path / "big.txt", BIG, "zebra")
    library.add([big])  # add, large batch
    expected += BIG
    assert_exact(library, expected)

    renamed = tmp_path / "big-copy.txt"
    shutil.copy(big, renamed)
    library.add([renamed])  # the repro: a renamed copy updates every one of its papers
    assert_exact(library, expected)

    library.remove("big.txt")  # remove: its papers stay, seen in the copy
    assert_exact(library, expected)
    library.remove(str(small))
    expected -= 30
    assert_exact(library, expected)

    library.rebuild()
    assert_exact(library, expected)


def test_a_large_update_through_the_parallel_sub_writers_is_exact(seeded_home: Path, tmp_path: Path) -> None:
    """From the CLI (one thread) a batch of 2,000+ papers is indexed by forked sub-writers."""
    env = {**os.environ, "PAPERDECK_HOME": str(seeded_home), "PAPERDECK_INDEX_PROCS": "2"}
    big = dump(tmp_path / "big.txt", BIG, "zebra")
    renamed = tmp_path / "big-renamed.txt"
    shutil.copy(big, renamed)
    for source in (big, renamed):
        done = subprocess.run([sys.executable, "-m", "paperdeck.index", "add", str(source)], env=env,
                              capture_output=True, text=True, timeout=600)
        assert done.returncode == 0, done.stderr
    with Library() as library:  # loads the snapshot the CLI saved after its big batch
        assert_exact(library, UNIQUE_SEED_PAPERS + BIG)
        assert library.search("zebra7").total == 1
        filtered = library.search(SearchRequest(query="zebra", filters=(("has_code", "yes"),), page_size=1))
        assert filtered.total == len(range(0, BIG, 3))
