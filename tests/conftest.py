"""Shared fixtures. Every test gets its own PAPERDECK_HOME: nothing ever touches the real home directory.

Building the seed library takes a few seconds, so it is built once per session and copied for each test that
needs it.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import settings

# Property tests run from a fixed seed by default, so `pytest` gives the same answer on every machine and every
# run (a newcomer's first run, CI). To explore new examples (before a release, or after changing a parser), run
# with HYPOTHESIS_PROFILE=explore; a failure it finds is then replayed from Hypothesis's database until fixed.
settings.register_profile("default", derandomize=True, print_blob=True)
settings.register_profile("explore", derandomize=False, max_examples=300)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "default"))

REPO = Path(__file__).resolve().parent.parent
SEEDS = REPO / "seeds"
SEED_COUNTS = {
    "000_60c9915acdce8430.txt": 71,
    "001_ebee60ded3b511a1.txt": 76,
    "002_76e8db34f89bd5b9.txt": 75,
    "003_171782c9c99b4678.txt": 53,
    "004_9444e382372ba2c9.txt": 227,
}
UNIQUE_SEED_PAPERS = 456

_LOCATION_VARS = ("PAPERDECK_HOME", "PAPERDECK_CACHE_DIR", "PAPERDECK_DATA_DIR", "PAPERDECK_CONFIG_DIR")


@pytest.fixture(autouse=True)
def isolated_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Point every paperdeck location at a fresh temp folder for this test."""
    for var in _LOCATION_VARS:
        monkeypatch.delenv(var, raising=False)
    home = tmp_path / "home"
    monkeypatch.setenv("PAPERDECK_HOME", str(home))
    return home


@pytest.fixture(scope="session")
def _seeded_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from paperdeck.index.library import Library

    home = tmp_path_factory.mktemp("seeded") / "home"
    old = os.environ.get("PAPERDECK_HOME")
    os.environ["PAPERDECK_HOME"] = str(home)
    try:
        Library().close()
    finally:
        if old is None:
            del os.environ["PAPERDECK_HOME"]
        else:
            os.environ["PAPERDECK_HOME"] = old
    return home


@pytest.fixture
def seeded_home(_seeded_template: Path, isolated_home: Path) -> Path:
    """A home whose library already holds the bundled seeds (copied, so tests may change it)."""
    shutil.copytree(_seeded_template, isolated_home)
    return isolated_home


@pytest.fixture
def library(seeded_home: Path) -> Iterator[object]:
    from paperdeck.index.library import Library

    lib = Library()
    assert lib.messages == [], lib.messages  # a clean copy opens without any recovery
    yield lib
    lib.close()
