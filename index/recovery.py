"""Opening the library's files, recovering from damage, and rebuilding: the part of ``Library`` that decides
what is damage and what is not.

Why apart from the facade: these paths run rarely and are judged by their faults, not their speed. The rules
they keep: only damage the integrity check confirms moves anything aside, and only under the write lock (so
never a store another process is writing); "locked", "busy" and a full disk are reported, not repaired; a
reader that finds another process mid-write answers from that process's last commit.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from whoosh import index as windex

from . import locations
from .durable import Timeout, file_lock
from .integrity import IndexDamaged, confirm_damage, move_aside, open_whole_index, read_stamp, write_stamp
from .leftovers import prune_leftovers
from .schema import build_schema
from .search import SearchEngine
from .source_files import Progress
from .store import BUSY_MESSAGE, LibraryBusy, Manifest, RecordStore, sqlite_fault, translated

READING_BUSY = "library busy: another paperdeck process is writing; showing the library as last saved"


class LibraryRecovery:
    """Mixed into ``Library``: the attributes below are the facade's."""

    messages: list[str]
    write_timeout: float
    progress: Progress | None
    manifest: Manifest
    store: RecordStore
    _index_dir: Path
    _ix: windex.Index
    _engine: SearchEngine
    _rebuild_announced: bool
    _recovered: set[tuple[int, int]]
    _held_lock: object
    _rebuild_locked: Callable[[], list[str]]  # the facade's rebuild, with the write lock held

    def _prune_leftovers(self) -> None:
        cache = self._index_dir.parent
        idle = any(cache.glob("records.sqlite3.new*")) and self._try_lock()  # no rebuild is writing it
        try:
            reclaimed = prune_leftovers(cache, idle=idle).message()
        finally:
            if idle:
                self._held_lock.release()
        if reclaimed:
            self.messages.append(reclaimed)

    def _open_store(self) -> RecordStore:
        path = locations.record_store_path()
        try:
            return self._checked_store(path)
        except sqlite3.DatabaseError as err:
            if sqlite_fault(err) != "damaged":
                raise translated(err, path) from err  # busy or a full disk: the file is fine, say so
            with self._writing():  # never move a store another process is writing
                try:
                    return self._checked_store(path)
                except sqlite3.DatabaseError as again:
                    if sqlite_fault(again) != "damaged":
                        raise translated(again, path) from again
                kept = move_aside(path, extra_suffixes=("-wal", "-shm"))
                self.messages.append(f"record store was unreadable ({err}); kept as {kept.name}, rebuilding")
                self._rebuild_announced = True
                return RecordStore(path, timeout=self.write_timeout)

    def _checked_store(self, path: Path) -> RecordStore:
        store = RecordStore(path, timeout=self.write_timeout)
        try:
            store.check()
        except BaseException:
            store.close()
            raise
        return store

    def _open_index(self) -> windex.Index:
        ix, reason = open_whole_index(self._index_dir)
        if ix is not None:
            return ix
        if reason not in ("missing", None):
            # Another process may be between its commit and its stamp: look again while holding the lock.
            if not self._try_lock():
                return self._open_while_busy()
            try:
                ix, reason = open_whole_index(self._index_dir)
                if ix is not None:
                    return ix
                kept = move_aside(self._index_dir)
                self.messages.append(f"index {reason}: kept as {kept.name}, rebuilt from the sources")
                self._rebuild_announced = True
            finally:
                self._held_lock.release()
        self._index_dir.mkdir(parents=True, exist_ok=True)
        ix = windex.create_in(str(self._index_dir), build_schema())
        write_stamp(self._index_dir, "")  # empty library stamp: forces a rebuild from the manifest below
        return ix

    def _catch_up_locked(self) -> None:
        """With the write lock held: bring the derived stores up to the manifest before anything else. A
        writer this process did not wait for (it answered from the last commit meanwhile) may have finished,
        or may have been killed half-way; a write on top of the latter would stamp stale data as current."""
        self.manifest.reload()
        if self._derived_is_current():
            self._reopen_index()
            return
        if self.manifest.sources and not self._rebuild_announced:
            self.messages.append("index out of date with the source list: rebuilt")
        with self._translated_errors():
            self._rebuild_locked()

    def _derived_is_current(self) -> bool:
        wanted = self.manifest.stamp()
        return read_stamp(self._index_dir) == wanted and self.store.get_meta("stamp") == wanted

    def _reopen_index(self) -> None:
        self._engine.close()
        self._ix = windex.open_dir(str(self._index_dir))
        self._engine = SearchEngine(self._ix, self.store)

    def _open_while_busy(self) -> windex.Index:
        """The index as another process last committed it (its stamp lags while it writes)."""
        try:
            ix = windex.open_dir(str(self._index_dir))
            ix.doc_count()
        except Exception as err:
            raise LibraryBusy(BUSY_MESSAGE) from err
        self.messages.append(READING_BUSY)
        return ix

    def _try_lock(self) -> bool:
        """Take the write lock only if it is free now (the caller releases ``self._held_lock``)."""
        self._held_lock = file_lock(locations.library_lock_path(), timeout=0)
        try:
            self._held_lock.acquire()
        except Timeout:
            return False
        return True

    @contextmanager
    def _writing(self) -> Iterator[None]:
        """Hold the library's inter-process write lock; another writer for too long -> ``LibraryBusy``."""
        lock = file_lock(locations.library_lock_path(), timeout=self.write_timeout)
        try:
            lock.acquire()
        except Timeout as err:
            raise LibraryBusy(BUSY_MESSAGE) from err
        try:
            with self._translated_errors():
                yield
        finally:
            lock.release()

    @contextmanager
    def _translated_errors(self) -> Iterator[None]:
        """SQLite's "database is locked" and "database or disk is full" as ``LibraryBusy`` and
        ``OSError(ENOSPC)``: one line for the user, and never mistaken for damage."""
        try:
            yield
        except sqlite3.OperationalError as err:
            better = translated(err, locations.record_store_path())
            if better is err:
                raise
            raise better from err

    def _recover_from(self, damage: IndexDamaged) -> None:
        """Rebuild after a failed read of the index, if the integrity check confirms the damage; otherwise
        (or if this index generation was already rebuilt once) the failure is raised as it is."""
        generation = self._generation()
        if generation in self._recovered:
            raise damage  # rebuilt once already and still failing: say so instead of rebuilding per keystroke
        self._recovered.add(generation)
        with self._writing():  # no other writer is mid-commit while the files are judged and moved
            reason = confirm_damage(self._index_dir, damage)
            if reason is None:
                raise damage.__cause__ or damage  # the files read fine: not damage, a failure to report
            self._engine.close()
            kept = move_aside(self._index_dir)
            self.messages.append(f"index damaged ({reason}): kept as {kept.name}, rebuilt from the sources")
            self._index_dir.mkdir(parents=True, exist_ok=True)
            self._ix = windex.create_in(str(self._index_dir), build_schema())
            self._engine = SearchEngine(self._ix, self.store)
            write_stamp(self._index_dir, "")
            self._rebuild_locked()

    def _generation(self) -> tuple[int, int]:
        """This index's identity: the folder (a rebuild swaps in a new one) and its commit generation."""
        try:
            return self._index_dir.stat().st_ino, self._ix.latest_generation()
        except OSError:
            return 0, -1

    def _report_progress(self, done: int, total: int, label: str) -> None:
        if self.progress is not None:
            self.progress(done, total, label)
