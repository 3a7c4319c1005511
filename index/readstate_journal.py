"""The read-state file as a snapshot plus a journal: a read mark appends one line instead of rewriting the file.

Why: the read state holds every paper the user ever saw (100,000 after a year of daily imports: a file of over
10 MB), and ``r`` is pressed all day. Rewriting the whole file (re-read under the lock, backup copy, atomic
write) per mark grows with the file, and at that size it was several times slower than anyone waits for a key
(the benchmark package's ``readstate`` module measures it). Now:

- ``readstate.json`` is the snapshot, written exactly like every user file (lock, atomic write, backup, a corrupt
  file kept aside), only by imports, re-keying and compaction;
- ``readstate.json.journal`` gets one JSON line per marked paper holding its read and dismissed fields as they
  are after the mark (absolute values, so replaying a line twice changes nothing), appended and fsynced under
  the same lock. A line cut by SIGKILL has no newline: it was never acknowledged, is not read, and is cut off
  before the next append. A line broken by hand is skipped with a message; the rest is kept.
- Compaction (on open when the journal is large, and with every snapshot write) folds the journal into the
  snapshot, then removes the journal, both under the lock. Killed between the two, the journal is replayed over
  a snapshot that already holds it: the same values again.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

from .durable import Timeout, file_lock, load_json_recovering, save_json_with_backup
from .durable import _fsync_dir  # the same directory sync the atomic writes use
from .userfile import UserDataBusy

if TYPE_CHECKING:
    from .readstate import PaperState

R = TypeVar("R")
COMPACT_BYTES = 1 << 20  # a journal over this (about 12,000 marks) is folded into the snapshot on open
MARK_FIELDS = ("seen", "dismissed")


class JournalledStates:
    """The per-paper states: the snapshot (validated by ``validate``, written by ``dump``) plus the journal."""

    def __init__(self, path: Path, validate: Callable[[Any], dict[str, PaperState]],
                 dump: Callable[[dict[str, PaperState]], Any], blank: Callable[[], PaperState],
                 lock_timeout: float, parse: Callable[[str, Any], PaperState] | None = None) -> None:
        self.path = path
        self.journal = path.with_name(path.name + ".journal")
        self.messages: list[str] = []  # one-line notices (a file kept aside, a journal line skipped)
        self.version = 0  # bumped whenever the states change: caches built on them compare it
        self._validate, self._dump, self._blank = validate, dump, blank
        self._parse = parse or (lambda key, data: blank())
        self._lock_timeout = lock_timeout
        self._states: dict[str, PaperState] | None = None
        self._snapshot_mtime: int | None = None
        self._journal_inode: int | None = None
        self._offset = 0  # journal bytes applied (always up to the end of a complete line)

    # -- reading ---------------------------------------------------------------------------------------------

    def read(self, force: bool = False) -> dict[str, PaperState]:
        """The current states; cheap when neither file changed, and only the new journal lines when it grew."""
        snapshot_mtime = _stat(self.path)
        journal = _stat_journal(self.journal)
        inode = journal[0] if journal else None
        if (force or self._states is None or snapshot_mtime != self._snapshot_mtime or inode != self._journal_inode
                or (journal and journal[1] < self._offset)):
            states, message = load_json_recovering(self.path, self._validate, dict)
            if message:
                self.messages.append(message)
            self._states, self._snapshot_mtime, self._journal_inode, self._offset = states, _stat(self.path), inode, 0
            self.version += 1
        if journal and journal[1] > self._offset:
            self._replay()
        assert self._states is not None
        return self._states

    def _replay(self) -> None:
        assert self._states is not None
        try:
            with open(self.journal, "rb") as handle:
                handle.seek(self._offset)
                data = handle.read()
        except FileNotFoundError:
            return
        complete = data[:data.rfind(b"\n") + 1]  # a line without its newline is a write still going (or cut)
        for line in complete.split(b"\n")[:-1]:  # not splitlines(): a stray \r inside a line is not an end
            problem = self._apply(line)
            if problem:
                self.messages.append(f"{self.journal.name}: line at byte {self._offset} ({problem}): skipped")
            self._offset += len(line) + 1
        self.version += 1

    def _apply(self, line: bytes) -> str:
        """One journal line onto the states; the reason it was unusable, or "" (a blank line is nothing)."""
        if not line.strip():
            return ""
        try:
            entry = json.loads(line.decode("utf-8"))
        except (UnicodeDecodeError, ValueError, RecursionError):
            return "not a JSON line"
        if not isinstance(entry, dict) or not isinstance(entry.get("key"), str):
            return "no paper key"
        assert self._states is not None
        if "state" in entry:  # a whole state, as an import leaves it (``append(..., whole=True)``)
            try:
                self._states[entry["key"]] = self._parse(entry["key"], entry["state"])
            except (ValueError, TypeError) as err:
                return str(err)
            return ""
        values = {name: entry.get(name) for name in MARK_FIELDS}
        if not all(v is None or (isinstance(v, str) and v) for v in values.values()):
            return "marks must be times or null"
        self._states[entry["key"]] = replace(self._states.get(entry["key"], self._blank()), **values)
        return ""

    # -- writing ---------------------------------------------------------------------------------------------

    def append(self, make: Callable[[dict[str, PaperState]], tuple[list[PaperState | None], list[str], R]],
               whole: bool = False) -> R:
        """Under the lock: ``make`` sees the current states and returns (new states, their keys, result); each
        becomes one journal line, all written with one fsync. The snapshot is not touched. A line holds the
        read and dismissed marks, or with ``whole`` the paper's whole state (an import's first sightings and
        upvote counts)."""
        with self._locked():
            states = self.read()
            new, keys, result = make(states)
            lines = "".join(json.dumps({"key": key, "state": s.to_dict()} if whole and s is not None else
                                       {"key": key, **{f: getattr(s, f, None) for f in MARK_FIELDS}},
                                       ensure_ascii=False) + "\n" for key, s in zip(keys, new))
            if lines:
                self._cut_torn_tail()
                created = not self.journal.exists()
                with open(self.journal, "ab") as handle:
                    handle.write(lines.encode("utf-8"))
                    handle.flush()
                    os.fsync(handle.fileno())
                if created:
                    _fsync_dir(self.journal.parent)
                self.read()
            return result

    def rewrite(self, change: Callable[[dict[str, PaperState]], R]) -> R:
        """Under the lock: fold the journal into the states, let ``change`` change them, write the snapshot
        (atomic, with backup), then remove the journal it now holds."""
        with self._locked():
            states = dict(self.read(force=True))
            result = change(states)
            save_json_with_backup(self.path, self._dump(states))
            self.journal.unlink(missing_ok=True)
            _fsync_dir(self.path.parent)
            self._states, self._snapshot_mtime, self._journal_inode, self._offset = states, _stat(self.path), None, 0
            self.version += 1
            return result

    def compact_if_large(self) -> None:
        journal = _stat_journal(self.journal)
        if journal and journal[1] > COMPACT_BYTES:
            self.rewrite(lambda states: None)

    def _cut_torn_tail(self) -> None:
        """A line a killed writer left without its newline was never acknowledged: cut it before appending,
        or the next line would be glued to it and lost with it."""
        try:
            with open(self.journal, "r+b") as handle:
                size = handle.seek(0, os.SEEK_END)
                if size == 0:
                    return
                handle.seek(size - 1)
                if handle.read(1) == b"\n":
                    return
                handle.seek(0)
                data = handle.read()
                handle.truncate(data.rfind(b"\n") + 1)
                os.fsync(handle.fileno())
        except FileNotFoundError:
            return

    def _locked(self):  # type: ignore[no-untyped-def]
        return _Locked(self.path.with_name(self.path.name + ".lock"), self._lock_timeout)


class _Locked:
    """The read state's inter-process lock (the same lock file the snapshot always used)."""

    def __init__(self, path: Path, timeout: float) -> None:
        self._lock = file_lock(path, timeout=timeout)

    def __enter__(self) -> None:
        try:
            self._lock.acquire()
        except Timeout as err:
            raise UserDataBusy("read state busy: another paperdeck process holds them; try again") from err

    def __exit__(self, *exc: object) -> None:
        self._lock.release()


def _stat(path: Path) -> int | None:
    try:
        return path.stat().st_mtime_ns
    except OSError:
        return None


def _stat_journal(path: Path) -> tuple[int, int] | None:
    try:
        info = path.stat()
    except OSError:
        return None
    return info.st_ino, info.st_size

