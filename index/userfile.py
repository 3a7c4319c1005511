"""One small JSON file of user data, changed safely by several processes at once.

Why a shared piece: read state, watches, the session and the digest marks are all user data that cannot be
rebuilt, written by the app and the CLI alike. Each change takes an inter-process lock, re-reads the file,
applies just that change and writes atomically with a backup (``durable.py``), so no process overwrites another's
change with a stale copy and a torn or hand-broken file is kept aside and the backup restored.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path
from typing import Any, Generic, TypeVar

from .durable import Timeout, file_lock, load_json_recovering, save_json_with_backup

T = TypeVar("T")
R = TypeVar("R")


class UserDataBusy(Exception):
    """Another process held a user-data file's lock for too long."""


def utc_stamp(when: float | None = None) -> str:
    """An ISO-8601 UTC time with microseconds: strings of this shape sort in time order."""
    seconds = time.time() if when is None else when
    whole = time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(seconds))
    return f"{whole}.{int((seconds % 1) * 1_000_000):06d}Z"


class LockedJsonStore(Generic[T]):
    """Base of the stores kept in one ``LockedJsonFile``: where it lives and what recovering it said."""

    _file: LockedJsonFile[T]

    @property
    def path(self) -> Path:
        return self._file.path

    @property
    def messages(self) -> list[str]:
        """One-line notices (a broken file kept aside, the backup restored) for the user."""
        return self._file.messages


class LockedJsonFile(Generic[T]):
    """A JSON file read through a cache (re-read when its mtime changes) and changed under a lock.

    ``validate`` turns the parsed JSON into the in-memory value (raising ``ValueError`` for a wrong shape),
    ``dump`` turns the value back into JSON data, ``default`` makes the value of a missing file.
    """

    def __init__(self, path: Path, validate: Callable[[Any], T], dump: Callable[[T], Any],
                 default: Callable[[], T], what: str, lock_timeout: float = 10.0) -> None:
        self.path = path
        self.what = what
        self.lock_timeout = lock_timeout
        self.messages: list[str] = []  # one-line notices about recoveries, for the user
        self._validate = validate
        self._dump = dump
        self._default = default
        self._value: T | None = None
        self._mtime: int | None = None

    def _stat(self) -> int | None:
        try:
            return self.path.stat().st_mtime_ns
        except OSError:
            return None

    def read(self, force: bool = False) -> T:
        """The current value; cheap when the file has not changed since the last read."""
        mtime = self._stat()
        if force or self._value is None or mtime != self._mtime:
            value, message = load_json_recovering(self.path, self._validate, self._default)
            if message:
                self.messages.append(message)
            self._value, self._mtime = value, self._stat()
        assert self._value is not None
        return self._value

    def change(self, apply: Callable[[T], R]) -> R:
        """Re-read under the lock, let ``apply`` change the value in place, write it back; returns its result."""
        def in_place(current: T) -> tuple[T, R]:
            return current, apply(current)
        return self._locked(in_place)

    def replace(self, make: Callable[[T], T]) -> T:
        """Re-read under the lock and write ``make(current)`` (for immutable values); returns the new value."""
        def swap(current: T) -> tuple[T, T]:
            new = make(current)
            return new, new
        return self._locked(swap)

    def _locked(self, step: Callable[[T], tuple[T, R]]) -> R:
        try:
            with file_lock(self.path.with_name(self.path.name + ".lock"), timeout=self.lock_timeout):
                current = self.read(force=True)
                try:
                    value, result = step(current)
                    save_json_with_backup(self.path, self._dump(value))
                except BaseException:
                    self._value = None  # the cached value may be half-changed: read the file next time
                    raise
                self._value, self._mtime = value, self._stat()
                return result
        except Timeout as err:
            raise UserDataBusy(f"{self.what} busy: another paperdeck process holds them; try again") from err
