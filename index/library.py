"""The library facade: the one object the CLI and the app talk to.

It owns the source manifest, the record store and the Whoosh index, keeps the derived two in step with the
manifest, and serialises writers across processes with a lock file. Why derived data is checked on every open:
the index is not crash-safe (a torn table of contents raises on open), so a damaged index or store is rebuilt
from the sources, the broken copy moved aside rather than deleted. Why only then: another process writing
(the lock held, SQLite busy) or a full disk says nothing about the files, and moving a store another process is
writing loses its work; so those are reported ("library busy", "No space left on device") and readers answer
from the last committed state meanwhile.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import threading
import time
from collections.abc import Iterable
from contextlib import closing
from pathlib import Path

from whoosh import index as windex

from . import locations
from .clean import plural
from .integrity import IndexDamaged, read_stamp, write_stamp
from .models import LibraryStats, Paper, SearchRequest, SearchResults, SimilarPaper, SourceRejected, SourceReport
from .indexing import build_index, index_keys
from .parse_ahead import parsed_in_order
from .query import SearchCancelled
from .recovery import READING_BUSY, LibraryRecovery
from .readstate import UpvoteTap, record_import
from .rekeying import move_user_data
from .search import SearchEngine, UserFacets
from .source_files import SEED_PREFIX, Progress, SourceFile, expand_paths, read_source, seed_files
from .store import LibraryBusy, Manifest, RecordStore, SourceEntry, now

__all__ = ["Library", "LibraryBusy", "UnknownSource", "IndexDamaged", "SearchCancelled"]


class UnknownSource(LookupError):
    """``remove`` was given a source that is not in the library (or matches several)."""


class Library(LibraryRecovery):
    """Sources in, search results out. Open with ``Library.open()``; close when done."""

    def __init__(self, progress: Progress | None = None, write_timeout: float = 30.0) -> None:
        self._closed = False
        self._rebuild_announced = False  # a recovery message already says a rebuild happens
        self.messages: list[str] = []  # one-line notices for the user (recoveries, rebuilds)
        self.write_timeout = write_timeout
        self.progress = progress
        self._index_dir = locations.index_dir()
        self._recovered: set[tuple[int, int]] = set()  # index generations already rebuilt after damage
        self._prune_leftovers()
        self.manifest = Manifest(locations.manifest_path())
        if self.manifest.message:
            self.messages.append(self.manifest.message)
        self.store = self._open_store()
        self._engine = None  # type: ignore[assignment]  # until _use_index makes the first one
        self._use_index(self._open_index())
        self._ensure_consistent()

    @classmethod
    def open(cls, progress: Progress | None = None) -> Library:
        return cls(progress=progress)

    def close(self) -> None:
        """Release the searcher and the record store; safe to call twice."""
        if self._closed:
            return
        self._closed = True
        self._engine.close()
        self.store.close()

    def __enter__(self) -> Library:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- opening and recovering ------------------------------------------------------------------------------

    def _ensure_consistent(self) -> None:
        """First run: ingest the seeds. Afterwards: rebuild when the derived stores lag the manifest."""
        if not self.manifest.path.exists():
            self.add_files(seed_files())
            return
        if self._derived_is_current():
            return
        if not self._try_lock():  # another process is writing: answer from its last commit, never wait or
            if READING_BUSY not in self.messages:  # rebuild under it; the next refresh sees its work
                self.messages.append(READING_BUSY)
            return
        try:
            self._catch_up_locked()
        finally:
            self._held_lock.release()

    def _invalidate_stamps(self) -> None:
        """Mark the derived stores as in flux before changing them: a crash from here on forces a rebuild."""
        self.store.set_meta("stamp", "writing")
        write_stamp(self._index_dir, "writing")

    def refresh(self) -> bool:
        """Pick up changes written by another process (``paperdeck add`` while the app is open)."""
        self.manifest.reload()
        if read_stamp(self._index_dir) != self.manifest.stamp():
            return False  # a writer is mid-way; the next refresh will see its commit
        if not any(self._index_dir.glob("*.toc")):
            return False
        try:
            changed = self._engine.refresh()
        except Exception:
            changed = True
        if changed:
            self._use_index(windex.open_dir(str(self._index_dir)))
        return changed

    # -- writing ---------------------------------------------------------------------------------------------

    def add(self, paths: Iterable[str | Path], year: int | None = None) -> list[SourceReport]:
        """Add files and folders. Unchanged files are skipped; a bad file changes nothing already indexed."""
        files: list[SourceFile] = []
        reports: list[SourceReport] = []
        for item in expand_paths(paths):
            if isinstance(item, tuple):
                reports.append(SourceReport(str(item[0]), "skipped", reason=item[1]))
                continue
            files.append(SourceFile(str(item), item.name, None, item))
        return reports + self.add_files(files, year=year)

    def add_files(self, files: list[SourceFile], year: int | None = None) -> list[SourceReport]:
        reports: list[SourceReport] = []
        with self._writing():
            self._catch_up_locked()
            affected: set[str] = set()
            renamed: dict[str, str] = {}
            previous: dict[str, Paper] = {}  # each key's record before this batch (for the vocabulary)
            noted: tuple[set[str], dict[str, int]] = (set(), {})  # first sightings, upvotes (``readstate``)
            before = (self.store.get_meta("stamp"), read_stamp(self._index_dir))
            try:
                invalidated = self._add_each(files, year, reports, affected, renamed, previous, noted)
            except BaseException:
                if not affected:  # nothing was stored (a full disk, a busy store): the library is as it was
                    self._restore_stamps(*before)
                raise  # else stored but not indexed: the invalid stamps make the next start rebuild
            if invalidated:
                self._index_keys(affected, previous)
                self._commit_manifest()
                if renamed:
                    self.messages.extend(move_user_data(renamed))
                self.messages.extend(record_import(noted[0], renamed, noted[1]))
            self._report_progress(len(files), len(files), "done")
        return reports

    def _add_each(self, files: list[SourceFile], year: int | None, reports: list[SourceReport],
                  affected: set[str], renamed: dict[str, str], previous: dict[str, Paper],
                  noted: tuple[set[str], dict[str, int]]) -> bool:
        """Store each file's papers (one transaction per file), collecting the keys to index. Returns whether
        the derived stores were marked as in flux."""
        invalidated = False
        todo: list[tuple[SourceFile, str, int]] = []
        for source in files:
            try:
                digest, size = source.digest()
            except OSError as err:
                reports.append(SourceReport(source.id, "skipped", reason=err.strerror or str(err)))
                continue
            known = self.manifest.sources.get(source.id)
            if known and known.sha256 == digest and known.year == year:
                reports.append(SourceReport(source.id, "unchanged", papers=known.papers))
                continue
            todo.append((source, digest, size))
        # closing: the workers are shut down when the loop ends (or fails), not whenever the generator is freed;
        # a live executor thread would also keep the index writer from forking its own processes
        with closing(parsed_in_order([source for source, _, _ in todo], year, self.progress)) as parsed:
            for n, ((source, digest, size), (_, outcome)) in enumerate(zip(todo, parsed), start=1):
                self._report_progress(n - 1, len(todo), f"reading {source.name}")
                if isinstance(outcome, SourceRejected):
                    reports.append(SourceReport(source.id, "skipped", reason=outcome.reason))
                    continue
                if isinstance(outcome, OSError):
                    reports.append(SourceReport(source.id, "skipped", reason=outcome.strerror or str(outcome)))
                    continue
                papers, warnings_list = outcome
                if not invalidated:
                    self._invalidate_stamps()
                    invalidated = True
                tap = UpvoteTap(papers)
                change = self.store.replace_source(source.id, tap, keep_if_empty=True)
                warnings = [str(w) for w in warnings_list]
                if change.count == 0:
                    reports.append(SourceReport(source.id, "skipped", reason="no papers found",
                                                warnings=tuple(warnings)))
                    continue
                affected |= change.affected
                renamed.update(change.renamed)
                for key, paper in change.previous.items():
                    previous.setdefault(key, paper)
                noted[0].update(change.new_keys)
                noted[1].update(tap.counts())
                status = "updated" if source.id in self.manifest.sources else "added"
                self.manifest.sources[source.id] = SourceEntry(
                    id=source.id, name=source.name, sha256=digest, size=size, added_at=now(), year=year,
                    papers=change.count, warnings=warnings[:50])
                reports.append(SourceReport(source.id, status, papers=change.count, new_papers=change.new,
                                            warnings=tuple(warnings)))
        return invalidated

    def _restore_stamps(self, store_stamp: str | None, index_stamp: str | None) -> None:
        """Best effort: put back the stamps from before an add that stored nothing (on a full disk this may
        fail too; then the next start rebuilds)."""
        try:
            if store_stamp is not None and self.store.get_meta("stamp") == "writing":
                self.store.set_meta("stamp", store_stamp)
            if index_stamp is not None and read_stamp(self._index_dir) == "writing":
                write_stamp(self._index_dir, index_stamp)
        except (OSError, sqlite3.Error):
            pass

    def remove(self, source: str) -> SourceReport:
        """Drop one source; papers also seen in another source stay."""
        with self._writing():
            self._catch_up_locked()
            entry = self._find_source(source)
            self._invalidate_stamps()
            change = self.store.replace_source(entry.id, [])
            affected = change.affected
            del self.manifest.sources[entry.id]
            self._index_keys(affected, change.previous)
            self._commit_manifest()
        remaining = sum(1 for k in affected if self.store.get(k, follow_aliases=False) is not None)
        return SourceReport(entry.id, "removed", papers=entry.papers,
                            reason=f"{plural(len(affected) - remaining, 'paper')} dropped, {remaining:,} kept (seen elsewhere)")

    def _find_source(self, text: str) -> SourceEntry:
        sources = self.manifest.sources
        candidates = [text, str(Path(text).expanduser().resolve()), SEED_PREFIX + text]
        for candidate in candidates:
            if candidate in sources:
                return sources[candidate]
        by_name = [e for e in sources.values() if e.name == text]
        if len(by_name) == 1:
            return by_name[0]
        if by_name:
            raise UnknownSource(f"{text!r} matches several sources: " + ", ".join(e.id for e in by_name))
        raise UnknownSource(f"no source {text!r} in the library (see: paperdeck stats)")

    def rebuild(self) -> list[str]:
        """Re-read every source in the manifest into a fresh record store and index."""
        with self._writing():
            return self._rebuild_locked()

    def _rebuild_locked(self) -> list[str]:
        """Rebuild with the write lock already held by the caller.

        Everything is built beside the current record store and index, which keep answering searches (the app
        stays usable during a rebuild); the new pair replaces the old one in one short step at the end.
        """
        problems: list[str] = []
        self.manifest.reload()
        stamp = self.manifest.stamp()
        store_path = locations.record_store_path()
        fresh_store_path = store_path.with_name(store_path.name + ".new")
        fresh_dir = self._index_dir.with_name(f"index.new-{os.getpid()}")
        for leftover in (fresh_store_path, *(fresh_store_path.with_name(fresh_store_path.name + s)
                                             for s in ("-wal", "-shm"))):
            leftover.unlink(missing_ok=True)
        shutil.rmtree(fresh_dir, ignore_errors=True)
        fresh_dir.mkdir(parents=True)
        fresh = RecordStore(fresh_store_path)
        try:
            entries = list(self.manifest.sources.values())
            readable: list[tuple[SourceEntry, SourceFile]] = []
            for entry in entries:
                try:
                    readable.append((entry, read_source(entry.id)))
                except OSError as err:
                    problems.append(_missing(entry, err))
            by_year: dict[int | None, list[tuple[SourceEntry, SourceFile]]] = {}
            for entry, source in readable:
                by_year.setdefault(entry.year, []).append((entry, source))
            n = 0
            for year, group in by_year.items():
                with closing(parsed_in_order([source for _, source in group], year, self.progress)) as parsed:
                    for (entry, _), (_, outcome) in zip(group, parsed):
                        self._report_progress(n, len(entries), f"reading {entry.name}")
                        n += 1
                        if isinstance(outcome, (OSError, SourceRejected)):
                            problems.append(_missing(entry, outcome))
                        else:
                            fresh.replace_source(entry.id, outcome[0])
            build_index(fresh_dir, fresh, self._report_progress)
            fresh.set_meta("stamp", stamp)
        finally:
            fresh.close()
        self._swap_in(fresh_store_path, fresh_dir)
        write_stamp(self._index_dir, stamp)
        self._report_progress(len(entries), len(entries), "done")
        self.messages.extend(problems)
        return problems

    def _swap_in(self, fresh_store_path: Path, fresh_dir: Path) -> None:
        """Replace the record store and the index by freshly built ones, while no search is running."""
        store_path = locations.record_store_path()
        with self._engine.exclusive():
            self._engine.close()
            self.store.close()
            for suffix in ("-wal", "-shm"):
                store_path.with_name(store_path.name + suffix).unlink(missing_ok=True)
            os.replace(fresh_store_path, store_path)
            old_dir = self._index_dir.with_name(f"index.old-{os.getpid()}-{time.time_ns()}")
            if self._index_dir.exists():
                os.replace(self._index_dir, old_dir)
            os.replace(fresh_dir, self._index_dir)
            shutil.rmtree(old_dir, ignore_errors=True)
            self.store = RecordStore(store_path)
            self._use_index(windex.open_dir(str(self._index_dir)))

    def _index_keys(self, keys: set[str], previous: dict[str, Paper]) -> None:
        """Write ``keys``, then save the new generation's facet snapshot, updated from the one before (only
        the new segments are read), so the next start loads it instead of counting the whole index."""
        engine = self._engine
        engine.snapshot()  # loaded from its file or counted once: the base the next one is updated from
        index_keys(self._ix, self._index_dir, self.store, keys, self._report_progress, self.write_timeout, previous)
        engine.refresh()
        engine.snapshot()

    def _commit_manifest(self) -> None:
        self.manifest.save()
        stamp = self.manifest.stamp()
        self.store.set_meta("stamp", stamp)
        write_stamp(self._index_dir, stamp)

    # -- reading ---------------------------------------------------------------------------------------------

    def search(self, request: SearchRequest | str, bookmarks: frozenset[str] = frozenset(),
               cancel: threading.Event | None = None, user_facets: UserFacets | None = None) -> SearchResults:
        """One search. ``cancel``: set it (from any thread) to stop this search at its next term with
        ``SearchCancelled`` (the app cancels a search a newer one supersedes). ``user_facets``: tag and
        read-state key sets (``userfacets.user_facets``) for ``tag:`` and those facets.

        Only ``IndexDamaged`` (raised by the code reading Whoosh's files) leads to a rebuild, and only once
        the damage is confirmed and once per index generation; every other exception reaches the caller.
        """
        if isinstance(request, str):
            request = SearchRequest(query=request)
        try:
            return self._search(request, bookmarks, cancel, user_facets)
        except IndexDamaged as damage:
            self._recover_from(damage)
            return self._search(request, bookmarks, cancel, user_facets)

    def _search(self, request: SearchRequest, bookmarks: frozenset[str], cancel: threading.Event | None,
                user_facets: UserFacets | None) -> SearchResults:
        return self._on_engine(lambda engine: engine.search(request, bookmarks, cancel, user_facets))

    def warm(self) -> None:
        """Build the facet arrays and load the vocabulary now, so the first keystroke does not pay for them."""
        self._on_engine(SearchEngine.warm)

    def get(self, key: str) -> Paper | None:
        """A paper by key; an old key (from before the paper was matched to an arXiv id) still resolves."""
        return self.store.get(key)

    def resolve_keys(self, keys: Iterable[str]) -> frozenset[str]:
        """Bookmark keys as current paper keys (old keys of merged papers resolve to their new key)."""
        return frozenset(self.store.resolve(k) for k in keys)

    def similar(self, key: str, limit: int = 10) -> list[SimilarPaper]:
        return self._on_engine(lambda engine: engine.similar(key, limit))

    def highlight_paper(self, paper: Paper, query: str, as_you_type: bool = False):  # type: ignore[no-untyped-def]
        return self._on_engine(lambda engine: engine.highlight_paper(paper, query, as_you_type))

    def stats(self) -> LibraryStats:
        papers, with_code = self.store.counts()
        return LibraryStats(
            papers=papers,
            sources=len(self.manifest.sources),
            source_names=tuple(e.id for e in self.manifest.sources.values()),
            index_docs=self._ix.doc_count(),
            with_code=with_code,
            locations=locations.describe(),
        )


def _missing(entry: SourceEntry, err: OSError | SourceRejected) -> str:
    return f"{entry.id}: {getattr(err, 'reason', None) or err}: its papers are missing until the file is back"
