"""Where parsed papers live: the source manifest (user data) and the record store (derived, SQLite).

Why two stores: the manifest is small, precious and human-readable (which files were added, their content
hash); the record store holds every paper as parsed from every source so that records can be re-merged when one
source changes, and so the UI can show a paper without touching Whoosh stored fields. The record store and the
index are both derived: if either is missing, stale or corrupt, both are rebuilt from the manifest's sources.
"""

from __future__ import annotations

import errno
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
from .clean import normalise_title
from .merge import merge_papers

MANIFEST_VERSION = 1
STORE_VERSION = 4  # bump when the SQLite layout changes (the store is derived: it is rebuilt)
_BUSY_CODES = frozenset({5, 6})  # SQLITE_BUSY, SQLITE_LOCKED
_FULL_CODE = 13  # SQLITE_FULL
_DAMAGE_CODES = frozenset({11, 26})  # SQLITE_CORRUPT, SQLITE_NOTADB


class LibraryBusy(Exception):
    """Another process is writing the library; the caller should wait or try again."""


BUSY_MESSAGE = "library busy: another paperdeck process is writing; try again shortly"


def sqlite_fault(err: sqlite3.Error) -> str:
    """What an SQLite error means for the user: "busy", "full", "damaged" or "other".

    Why it matters: only "damaged" justifies moving the store aside. A lock held by another writer or a full
    disk says nothing about the file, and renaming a store another process is writing loses its work.
    """
    code = getattr(err, "sqlite_errorcode", None)
    primary = code & 0xFF if isinstance(code, int) else None
    text = str(err).lower()
    if primary in _BUSY_CODES or "locked" in text or "busy" in text:
        return "busy"
    if primary == _FULL_CODE or "disk is full" in text:
        return "full"
    if primary in _DAMAGE_CODES or "malformed" in text or "not a database" in text:
        return "damaged"
    return "other"


def translated(err: sqlite3.Error, path: Path) -> Exception:
    """The exception to raise instead of ``err``: ``LibraryBusy``, ``OSError(ENOSPC)``, or ``err`` itself."""
    fault = sqlite_fault(err)
    if fault == "busy":
        return LibraryBusy(BUSY_MESSAGE)
    if fault == "full":
        return OSError(errno.ENOSPC, "No space left on device", str(path))
    return err


class _Rollback(Exception):
    """Raised inside a transaction to undo it (an updated source that now yields nothing)."""


@dataclass
class SourceChange:
    """What storing one source did."""

    count: int = 0  # papers in the source
    new: int = 0  # papers the library did not have before
    new_keys: set[str] = field(default_factory=set)  # their keys (first sightings, for the read state)
    keys: set[str] = field(default_factory=set)
    affected: set[str] = field(default_factory=set)  # keys whose merged record must be re-indexed
    renamed: dict[str, str] = field(default_factory=dict)  # old key -> new key
    # merged records of the affected keys before the change (their words leave the vocabulary)
    previous: dict[str, Paper] = field(default_factory=dict)


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

    def __init__(self, path: Path, timeout: float = 30.0) -> None:
        self.path = path
        self._lock = threading.RLock()
        self._db = sqlite3.connect(path, check_same_thread=False, timeout=timeout)
        try:
            self._setup()
        except BaseException:
            self._db.close()
            raise

    def _setup(self) -> None:
        """WAL (readers never wait for a writer) and the current layout. A store already in this layout is
        not written to here: opening to read must not wait for, or fail on, another process's write."""
        if self._journal_mode() != "wal":
            self._db.execute("PRAGMA journal_mode=WAL")
        self._db.execute("PRAGMA synchronous=NORMAL")
        if self._version() == str(STORE_VERSION):
            return
        # New, or derived data in an older layout: start empty; the library sees the missing stamp and rebuilds.
        self._db.executescript("DROP TABLE IF EXISTS source_papers; DROP TABLE IF EXISTS papers; "
                               "DROP TABLE IF EXISTS aliases; DROP TABLE IF EXISTS meta; "
                               "DROP TABLE IF EXISTS vocabulary;")
        self._db.executescript(
            """
            CREATE TABLE IF NOT EXISTS source_papers (
                source TEXT NOT NULL, key TEXT NOT NULL, record TEXT NOT NULL,
                norm_title TEXT NOT NULL, arxiv_id TEXT, doi TEXT, PRIMARY KEY (source, key));
            CREATE INDEX IF NOT EXISTS source_papers_key ON source_papers(key);
            CREATE INDEX IF NOT EXISTS source_papers_title ON source_papers(norm_title, arxiv_id);
            CREATE INDEX IF NOT EXISTS source_papers_arxiv ON source_papers(arxiv_id);
            CREATE INDEX IF NOT EXISTS source_papers_doi ON source_papers(doi, arxiv_id);
            CREATE TABLE IF NOT EXISTS papers (key TEXT PRIMARY KEY, record TEXT NOT NULL);
            CREATE TABLE IF NOT EXISTS aliases (old_key TEXT PRIMARY KEY, key TEXT NOT NULL);
            CREATE TABLE IF NOT EXISTS meta (name TEXT PRIMARY KEY, value TEXT NOT NULL);
            CREATE TABLE IF NOT EXISTS vocabulary (
                word TEXT PRIMARY KEY, fields INTEGER NOT NULL, papers INTEGER NOT NULL) WITHOUT ROWID;
            """
        )
        with self._db:
            self._db.execute("INSERT OR REPLACE INTO meta(name, value) VALUES ('store_version', ?)",
                             (str(STORE_VERSION),))

    def _journal_mode(self) -> str:
        return str(self._db.execute("PRAGMA journal_mode").fetchone()[0]).lower()

    def _version(self) -> str | None:
        try:
            row = self._db.execute("SELECT value FROM meta WHERE name='store_version'").fetchone()
        except sqlite3.OperationalError:
            return None
        return row[0] if row else None

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

    def replace_source(self, source: str, papers: Iterable[Paper], keep_if_empty: bool = False) -> SourceChange:
        """Store ``source``'s papers (none to remove it), matching each to the paper it is already known as,
        and re-merge every key touched. One transaction: a crash, or an empty ``papers`` with
        ``keep_if_empty``, leaves the old state.

        Matching goes by arXiv id, then DOI, then normalised title. A paper first known by a title slug that
        later turns up with an arXiv id takes the id as its key; the old key is kept as an alias (and
        reported in ``renamed``) so bookmarks and links to it still resolve.
        """
        change = SourceChange()
        try:
            self._store_source(source, papers, keep_if_empty, change)
        except _Rollback:
            return SourceChange()
        return change

    def _store_source(self, source: str, papers: Iterable[Paper], keep_if_empty: bool,
                      change: SourceChange) -> None:
        with self._lock, self._db:
            old = {r[0] for r in self._db.execute("SELECT key FROM source_papers WHERE source=?", (source,))}
            self._db.execute("DELETE FROM source_papers WHERE source=?", (source,))
            known = self._all_keys_set()
            for paper in papers:
                key = self._resolve_identity(paper, change)
                if key != paper.key:
                    paper.key = key
                self._db.execute(
                    "INSERT OR REPLACE INTO source_papers VALUES (?, ?, ?, ?, ?, ?)",
                    (source, key, json.dumps(paper.to_dict(), ensure_ascii=False), normalise_title(paper.title),
                     paper.arxiv_id, paper.doi))
                change.count += 1
                if key not in known and key not in change.keys and key not in change.renamed.values():
                    change.new += 1
                    change.new_keys.add(key)
                change.keys.add(key)
            if change.count == 0 and keep_if_empty:
                raise _Rollback
            change.affected = old | change.keys | set(change.renamed)
            self._remerge(change.affected, change.previous)

    def _all_keys_set(self) -> set[str]:
        return {r[0] for r in self._db.execute("SELECT key FROM papers")}

    def _resolve_identity(self, paper: Paper, change: SourceChange) -> str:
        title = normalise_title(paper.title)
        if paper.arxiv_id:
            key = paper.arxiv_id
            # Rows for the same paper known without an id (page dumps, BibTeX without eprint) join it. Two
            # look-ups, each a search of one (value, arxiv_id) index: an ``OR`` of the two made SQLite walk
            # every id-less row, once per record added (a scan of the whole table in a page-dump library).
            old_keys = self._keys_without_id("norm_title", title, key)
            if paper.doi:
                old_keys.update(self._keys_without_id("doi", paper.doi, key))
            for old_key in old_keys:
                self._rekey(old_key, key, change)
            return key
        if paper.doi:
            row = self._db.execute("SELECT key FROM source_papers WHERE doi = ? ORDER BY arxiv_id IS NULL LIMIT 1",
                                   (paper.doi,)).fetchone()
            if row:
                return row[0]
        row = self._db.execute(
            "SELECT key FROM source_papers WHERE norm_title = ? AND (? IS NULL OR doi IS NULL OR doi = ?) "
            "ORDER BY arxiv_id IS NULL, doi IS NULL LIMIT 1", (title, paper.doi, paper.doi)).fetchone()
        if row:
            return row[0]
        if paper.doi:
            rows = self._db.execute("SELECT DISTINCT key FROM source_papers WHERE norm_title = ? AND arxiv_id IS "
                                    "NULL AND doi IS NULL AND key != ?", (title, paper.key)).fetchall()
            for (old_key,) in rows:
                self._rekey(old_key, paper.key, change)
        return paper.key

    def _keys_without_id(self, column: str, value: str, key: str) -> dict[str, None]:
        """Keys of rows without an arXiv id whose ``column`` (``norm_title`` or ``doi``) is ``value``."""
        index = {"norm_title": "source_papers_title", "doi": "source_papers_doi"}[column]
        rows = self._db.execute(
            f"SELECT DISTINCT key FROM source_papers INDEXED BY {index} WHERE {column} = ? AND arxiv_id IS NULL "
            "AND key != ?", (value, key)).fetchall()
        return dict.fromkeys(r[0] for r in rows)

    def _rekey(self, old_key: str, new_key: str, change: SourceChange) -> None:
        for source, record in self._db.execute("SELECT source, record FROM source_papers WHERE key=?",
                                               (old_key,)).fetchall():
            data = json.loads(record)
            data["key"] = new_key
            self._db.execute("DELETE FROM source_papers WHERE source=? AND key=?", (source, old_key))
            self._db.execute(
                "INSERT OR REPLACE INTO source_papers VALUES (?, ?, ?, ?, ?, ?)",
                (source, new_key, json.dumps(data, ensure_ascii=False), normalise_title(data["title"]),
                 data.get("arxiv_id"), data.get("doi")))
        self._db.execute("UPDATE aliases SET key=? WHERE key=?", (new_key, old_key))
        self._db.execute("INSERT OR REPLACE INTO aliases VALUES (?, ?)", (old_key, new_key))
        change.renamed[old_key] = new_key

    def resolve(self, key: str) -> str:
        """The current key of a paper, following aliases left by merges."""
        with self._lock:
            row = self._db.execute("SELECT key FROM aliases WHERE old_key=?", (key,)).fetchone()
        return row[0] if row else key

    def _remerge(self, keys: Iterable[str], previous: dict[str, Paper]) -> None:
        """Merge each key's source records again; what the key held before goes to ``previous``."""
        for key in keys:
            before = self._db.execute("SELECT record FROM papers WHERE key=?", (key,)).fetchone()
            if before:
                previous[key] = Paper.from_dict(json.loads(before[0]))
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
            self._db.execute("DELETE FROM meta WHERE name != 'store_version'")
            self._db.execute("DELETE FROM vocabulary")

    def add_words(self, rows: Iterable[tuple[str, int, int]]) -> None:
        """Merge (word, field mask, paper count change) rows into the vocabulary (see ``vocabulary.py``);
        a word no paper holds any more leaves it."""
        with self._lock, self._db:
            self._db.executemany(
                "INSERT INTO vocabulary VALUES (?, ?, ?) ON CONFLICT(word) DO UPDATE SET "
                "fields = fields | excluded.fields, papers = papers + excluded.papers", rows)
            self._db.execute("DELETE FROM vocabulary WHERE papers <= 0")

    def word_rows(self) -> list[tuple[str, int, int]]:
        with self._lock:
            return self._db.execute("SELECT word, fields, papers FROM vocabulary").fetchall()

    def get(self, key: str, follow_aliases: bool = True) -> Paper | None:
        with self._lock:
            row = self._db.execute("SELECT record FROM papers WHERE key=?", (key,)).fetchone()
            if row is None and follow_aliases:
                row = self._db.execute("SELECT p.record FROM aliases a JOIN papers p ON p.key = a.key "
                                       "WHERE a.old_key=?", (key,)).fetchone()
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

    def all_keys(self) -> list[str]:
        with self._lock:
            return [key for (key,) in self._db.execute("SELECT key FROM papers ORDER BY key")]

    def iter_papers(self, chunk: int = 1000) -> Iterator[Paper]:
        """Every paper in key order, read a page of rows at a time: a build iterates the whole library, and
        holding every record's JSON at once was most of a large build's memory."""
        after = ""
        while True:
            with self._lock:
                rows = self._db.execute("SELECT key, record FROM papers WHERE key > ? ORDER BY key LIMIT ?",
                                        (after, chunk)).fetchall()
            for _, record in rows:
                yield Paper.from_dict(json.loads(record))
            if len(rows) < chunk:
                return
            after = rows[-1][0]

    def counts(self) -> tuple[int, int]:
        """(papers, papers with a code link), counted inside SQLite: loading 100,000 records to count them
        took over a gigabyte."""
        with self._lock:
            row = self._db.execute(
                "SELECT count(*), coalesce(sum(json_array_length(record, '$.code_urls') > 0), 0) FROM papers"
            ).fetchone()
        return int(row[0]), int(row[1])

    def count(self) -> int:
        with self._lock:
            return int(self._db.execute("SELECT count(*) FROM papers").fetchone()[0])


def now() -> float:
    return time.time()
