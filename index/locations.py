"""Every filesystem location paperdeck uses, in one place.

Why one module: tests, the CLI and the app must agree on where things live, and tests must be able to move all
of it away from the real home directory with one environment variable.

- ``PAPERDECK_HOME``: if set, everything lives under it (``cache/``, ``data/``, ``config/``).
- ``PAPERDECK_CACHE_DIR``, ``PAPERDECK_DATA_DIR``, ``PAPERDECK_CONFIG_DIR``: move one location each; they win
  over ``PAPERDECK_HOME``.
- Otherwise platformdirs decides (``~/.cache/paperdeck``, ``~/.local/share/paperdeck``, ``~/.config/paperdeck``
  on Linux).

The cache holds derived data only (the index and the parsed-record store): deleting it loses nothing but time.
The data directory holds what cannot be rebuilt: bookmarks and the list of ingested sources.
"""

from __future__ import annotations

import os
from pathlib import Path

import platformdirs

APP_NAME = "paperdeck"


def _home_override() -> Path | None:
    home = os.environ.get("PAPERDECK_HOME")
    return Path(home).expanduser() if home else None


def _resolve(env_var: str, home_sub: str, default: str) -> Path:
    explicit = os.environ.get(env_var)
    if explicit:
        path = Path(explicit).expanduser()
    elif (home := _home_override()) is not None:
        path = home / home_sub
    else:
        path = Path(default)
    path.mkdir(parents=True, exist_ok=True)
    return path


def cache_dir() -> Path:
    """Derived data (index, record store): safe to delete, rebuilt from the sources."""
    return _resolve("PAPERDECK_CACHE_DIR", "cache", platformdirs.user_cache_dir(APP_NAME))


def data_dir() -> Path:
    """User data that cannot be rebuilt: bookmarks and the source manifest."""
    return _resolve("PAPERDECK_DATA_DIR", "data", platformdirs.user_data_dir(APP_NAME))


def config_dir() -> Path:
    """User settings (theme, key map)."""
    return _resolve("PAPERDECK_CONFIG_DIR", "config", platformdirs.user_config_dir(APP_NAME))


def index_dir() -> Path:
    """The Whoosh index directory."""
    path = cache_dir() / "index"
    path.mkdir(parents=True, exist_ok=True)
    return path


def record_store_path() -> Path:
    """SQLite file with every parsed record per source; derived, rebuilt from the sources."""
    return cache_dir() / "records.sqlite3"


def manifest_path() -> Path:
    """The list of ingested sources with their content hashes: what a rebuild starts from."""
    return data_dir() / "sources.json"


def bookmarks_path() -> Path:
    """The bookmark store: the one file a user cannot rebuild."""
    return data_dir() / "bookmarks.json"


def readstate_path() -> Path:
    """Per-paper state (first seen, read, dismissed, upvotes history): user data, kept across rebuilds."""
    return data_dir() / "readstate.json"


def watches_path() -> Path:
    """Saved searches ("watches"), readable JSON a user may edit."""
    return data_dir() / "watches.json"


def session_path() -> Path:
    """Where the app was left (query, filters, sort, selected paper, view) and when sessions started and ended."""
    return data_dir() / "session.json"


def drafts_path() -> Path:
    """Tags and notes typed but not saved yet, per paper key: user data, kept until saved or discarded."""
    return data_dir() / "drafts.json"


def digest_marks_path() -> Path:
    """Where each digest output stopped, for ``paperdeck digest --since last``."""
    return data_dir() / "digests.json"


def exports_dir() -> Path:
    """Where exported bookmark files go by default (never the current directory, which may be a clone)."""
    path = data_dir() / "exports"
    path.mkdir(parents=True, exist_ok=True)
    return path


def settings_path() -> Path:
    """App settings such as the chosen theme."""
    return config_dir() / "settings.json"


def library_lock_path() -> Path:
    """Lock taken by any process that writes the index or the record store."""
    return cache_dir() / "library.lock"


def fetched_sources_dir(kind: str) -> Path:
    """Where ``paperdeck fetch`` keeps what it downloads (``hf``, ``arxiv``), as ordinary source files.

    With the user data rather than the cache: the downloads are sources a rebuild reads, and a listing that has
    changed since (today's upvotes) cannot be downloaded again as it was.
    """
    path = data_dir() / "sources" / kind
    path.mkdir(parents=True, exist_ok=True)
    return path


def describe() -> dict[str, str]:
    """Every location by name, for ``paperdeck stats`` and the README."""
    return {
        "cache": str(cache_dir()),
        "data": str(data_dir()),
        "config": str(config_dir()),
        "index": str(index_dir()),
        "records": str(record_store_path()),
        "manifest": str(manifest_path()),
        "bookmarks": str(bookmarks_path()),
        "readstate": str(readstate_path()),
        "watches": str(watches_path()),
        "exports": str(data_dir() / "exports"),
    }
