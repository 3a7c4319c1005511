"""Keeping the cache folder bounded: copies kept aside after damage, and half-built indexes of dead processes.

Why: a damaged index or record store is renamed ``<name>.corrupt-<time>-<pid>`` for inspection rather than
deleted, and a rebuild builds beside the live index in ``index.new-<pid>``. Without a bound, every recovery
(or a process killed mid-rebuild) left another full copy behind until the disk filled. The newest kept-aside
copy of each kind is enough to inspect; a half-built index of a process that is gone is of no use to anyone.
"""

from __future__ import annotations

import os
import re
import shutil
from dataclasses import dataclass
from pathlib import Path

_CORRUPT = re.compile(r"^(?P<kind>.+)\.corrupt-(?P<when>\d{8}-\d{6})(?:-(?P<pid>\d+))?(?P<sidecar>-wal|-shm)?$")
_BUILDING = re.compile(r"^index\.(?:new|old|part)-(?P<pid>\d+)(?:-\d+)?$")


@dataclass(frozen=True)
class Reclaimed:
    """What ``prune_leftovers`` removed."""

    paths: tuple[Path, ...] = ()
    size: int = 0

    def message(self) -> str | None:
        if not self.paths:
            return None
        return (f"removed {len(self.paths)} leftover cop{'y' if len(self.paths) == 1 else 'ies'} from the cache "
                f"({_megabytes(self.size)} reclaimed)")


def prune_leftovers(cache: Path, idle: bool = False) -> Reclaimed:
    """Delete all but the newest ``*.corrupt-*`` copy of each kind, and every ``index.new-<pid>`` (or
    ``index.old-<pid>-…``) whose process is no longer running; with ``idle`` (the caller holds the write lock,
    so no rebuild runs) also a rebuild's half-written ``records.sqlite3.new``."""
    try:
        entries = list(cache.iterdir())
    except OSError:
        return Reclaimed()
    doomed: list[Path] = []
    newest: dict[str, str] = {}
    copies: list[tuple[str, str, Path]] = []
    for path in entries:
        corrupt = _CORRUPT.match(path.name)
        if corrupt:
            stamp = f"{corrupt['when']}-{int(corrupt['pid'] or 0):010d}"
            copies.append((corrupt["kind"], stamp, path))
            newest[corrupt["kind"]] = max(newest.get(corrupt["kind"], ""), stamp)
            continue
        building = _BUILDING.match(path.name)
        if (building and not _alive(int(building["pid"]))) or (idle and path.name.startswith("records.sqlite3.new")):
            doomed.append(path)
    doomed += [path for kind, stamp, path in copies if stamp != newest[kind]]
    removed: list[Path] = []
    size = 0
    for path in doomed:
        bytes_here = _size(path)
        try:
            if path.is_dir() and not path.is_symlink():
                shutil.rmtree(path)
            else:
                path.unlink()
        except OSError:
            continue  # still in use or not ours to delete: try again next start
        removed.append(path)
        size += bytes_here
    return Reclaimed(tuple(removed), size)


def _alive(pid: int) -> bool:
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True  # someone else's live process
    return True


def _size(path: Path) -> int:
    try:
        if path.is_dir() and not path.is_symlink():
            return sum(p.stat().st_size for p in path.rglob("*") if p.is_file())
        return path.stat().st_size
    except OSError:
        return 0


def _megabytes(size: int) -> str:
    return f"{size / 1_000_000:,.1f} MB"
