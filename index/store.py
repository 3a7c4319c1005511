"""Where parsed papers live: the source manifest (user data) and the record store (derived, SQLite).

Why two stores: the manifest is small, precious and human-readable (which files were added, their content
hash); the record store holds every paper as parsed from every source so that records can be re-merged when one
source changes, and so the UI can show a paper without touching Whoosh stored fields. The record store and the
index are both derived: if either is missing, stale or corrupt, both are rebuilt from the manifest's sources.
"""

from __future__ import annotations

import hashlib
import json
import sqlite3
import threading
import time
from collections.abc import Iterable, Iterator
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from .durable import load_json_recovering, save_json_with_backup
from .models import Paper
from .merge import merge_papers

MANIFEST_VERSION = 1


@dataclass
class SourceEntry:
    """One ingested source file as the manifest remembers it."""

    id: str  # absolute path, or "seed:<name>" for a bundled seed
    name: str
    sha256: str
    size: int
    added_at: float
    year: int | None = None
    papers: int = 0
    warnings: list[str] = field(default_factory=list)


def _validate_manifest(data: Any) -> dict[str, SourceEntry]:
    if not isinstance(data, dict) or not isinstance(data.get("sources"), list):
        raise ValueError("expected an object with a 'sources' list")
    return {entry["id"]: SourceEntry(**entry) for entry in data["sources"]}


class Manifest:
    """The list of ingested sources, persisted atomically with a backup."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.sources: dict[str, SourceEntry] = {}
        self.message: str | None = None
        self.reload()

    def reload(self) -> None:
        self.sources, self.message = load_json_recovering(self.path, _validate_manifest, dict)

    def save(self) -> None:
        data = {"version": MANIFEST_VERSION, "sources": [asdict(e) for e in self.sources.values()]}
        save_json_with_backup(self.path, data)

    def stamp(self) -> str:
        """A fingerprint of the library's content: the derived stores are valid only for this stamp."""
        parts = sorted(f"{e.id}\0{e.sha256}\0{e.year}" for e in self.sources.values())
        return hashlib.sha256("\n".join(parts).encode("utf-8")).hexdigest()[:16]


class RecordStore:
    """SQLite table of papers per source plus the merged record per key.

    One connection shared across threads behind a lock: the app reads from worker threads, one at a time.
    """

    def __init__(self, path: Path) -> None:
        self.path = path
        self._lock = threading.RLock()
        self._db = sqlite3.connect(path, check_same_thread=False, timeout=30)
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.execute("PRAGMA synchronous=NORMAL")
        self._db.executescript(
            """
            CREATE TABLE IF NOT EXISTS source_papers (
                source TEXT NOT NULL, key TEXT NOT NULL, record TEXT NOT NULL, PRIMARY KEY (source, key));
            CREATE INDEX IF NOT EXISTS source_papers_key ON source_papers(key);
            CREATE TABLE IF NOT EXISTS papers (key TEXT PRIMARY KEY, record TEXT NOT NULL);
            CREATE TABLE IF NOT EXISTS meta (name TEXT PRIMARY KEY, value TEXT NOT NULL);
            """
        )

    def close(self) -> None:
        with self._lock:
            self._db.close()

    def check(self) -> None:
        """Raise ``sqlite3.DatabaseError`` if the file is corrupt (a cheap read of every table)."""
        with self._lock:
            self._db.execute("SELECT count(*) FROM papers").fetchone()
            self._db.execute("SELECT count(*) FROM source_papers").fetchone()

    def get_meta(self, name: str) -> str | None:
        with self._lock:
            row = self._db.execute("SELECT value FROM meta WHERE name=?", (name,)).fetchone()
        return row[0] if row else None

    def set_meta(self, name: str, value: str) -> None:
        with self._lock, self._db:
            self._db.execute("INSERT OR REPLACE INTO meta(name, value) VALUES (?, ?)", (name, value))

    def keys_of_source(self, source: str) -> set[str]:
        with self._lock:
            rows = self._db.execute("SELECT key FROM source_papers WHERE source=?", (source,)).fetchall()
        return {r[0] for r in rows}

    def replace_source(self, source: str, papers: Iterable[Paper]) -> set[str]:
        """Store ``source``'s papers (none to remove it) and re-merge every key touched.

        Returns the affected keys. Runs in one transaction: a crash leaves the old state.
        """
        with self._lock, self._db:
            old = {r[0] for r in self._db.execute("SELECT key FROM source_papers WHERE source=?", (source,))}
            self._db.execute("DELETE FROM source_papers WHERE source=?", (source,))
            new: set[str] = set()
            rows = []
            for paper in papers:
                new.add(paper.key)
                rows.append((source, paper.key, json.dumps(paper.to_dict(), ensure_ascii=False)))
            self._db.executemany("INSERT OR REPLACE INTO source_papers VALUES (?, ?, ?)", rows)
            affected = old | new
            self._remerge(affected)
        return affected

    def _remerge(self, keys: Iterable[str]) -> None:
        for key in keys:
            rows = self._db.execute(
                "SELECT record FROM source_papers WHERE key=? ORDER BY rowid", (key,)).fetchall()
            if not rows:
                self._db.execute("DELETE FROM papers WHERE key=?", (key,))
                continue
            merged = merge_papers([Paper.from_dict(json.loads(r[0])) for r in rows])
            self._db.execute(
                "INSERT OR REPLACE INTO papers VALUES (?, ?)",
                (key, json.dumps(merged.to_dict(), ensure_ascii=False)),
            )

    def clear(self) -> None:
        with self._lock, self._db:
            self._db.execute("DELETE FROM source_papers")
            self._db.execute("DELETE FROM papers")
            self._db.execute("DELETE FROM meta")

    def get(self, key: str) -> Paper | None:
        with self._lock:
            row = self._db.execute("SELECT record FROM papers WHERE key=?", (key,)).fetchone()
        return Paper.from_dict(json.loads(row[0])) if row else None

    def get_many(self, keys: list[str]) -> dict[str, Paper]:
        found: dict[str, Paper] = {}
        with self._lock:
            for start in range(0, len(keys), 500):
                chunk = keys[start:start + 500]
                marks = ",".join("?" * len(chunk))
                for key, record in self._db.execute(
                        f"SELECT key, record FROM papers WHERE key IN ({marks})", chunk):
                    found[key] = Paper.from_dict(json.loads(record))
        return found

    def iter_papers(self) -> Iterator[Paper]:
        with self._lock:
            rows = self._db.execute("SELECT record FROM papers ORDER BY key").fetchall()
        for (record,) in rows:
            yield Paper.from_dict(json.loads(record))

    def count(self) -> int:
        with self._lock:
            return int(self._db.execute("SELECT count(*) FROM papers").fetchone()[0])


def now() -> float:
    return time.time()
