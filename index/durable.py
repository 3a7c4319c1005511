"""Crash-safe JSON files: atomic replace, a backup of the last good version, and recovery from corruption.

Why: bookmarks and the source manifest are the files a user cannot rebuild. A write interrupted at any point
(SIGKILL, full disk) must leave either the old or the new content, never a torn file; and if a file is found
broken anyway (edited by hand, a bad disk), it is kept aside for inspection and the backup is restored.
"""

from __future__ import annotations

import json
import os
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from filelock import FileLock, Timeout

__all__ = ["atomic_write_bytes", "atomic_write_text", "load_json_recovering", "save_json_with_backup", "file_lock", "Timeout"]


def atomic_write_text(path: Path, text: str) -> None:
    """Write ``text`` to ``path`` so that readers see the old or the new content, never a mix."""
    atomic_write_bytes(path, text.encode("utf-8"))


def atomic_write_bytes(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` through a hidden ``.tmp`` file and a rename: complete or absent, never torn."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp_name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp_name, path)
    except BaseException:
        Path(tmp_name).unlink(missing_ok=True)
        raise
    _fsync_dir(path.parent)


def _fsync_dir(directory: Path) -> None:
    try:
        dir_fd = os.open(directory, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(dir_fd)
    except OSError:
        pass
    finally:
        os.close(dir_fd)


def backup_path(path: Path) -> Path:
    return path.with_name(path.name + ".bak")


def save_json_with_backup(path: Path, data: Any) -> None:
    """Keep the current good file as ``.bak``, then atomically write the new one."""
    text = json.dumps(data, ensure_ascii=False, indent=1, sort_keys=True) + "\n"
    if path.exists():
        try:
            current = path.read_bytes()
            json.loads(current.decode("utf-8"))
        except (OSError, ValueError, RecursionError):
            current = None  # never let a corrupt file overwrite the last good backup
        if current is not None:
            atomic_write_text(backup_path(path), current.decode("utf-8"))
    atomic_write_text(path, text)


def load_json_recovering(
    path: Path,
    validate: Callable[[Any], Any],
    default: Callable[[], Any],
) -> tuple[Any, str | None]:
    """Load and validate ``path``; on corruption keep it as ``*.corrupt-<time>`` and fall back to the backup.

    Returns the data and a one-line message when something had to be recovered (None when all was well).
    ``validate`` raises ``ValueError`` (or ``TypeError``/``KeyError``) for data of the wrong shape and returns
    the cleaned data otherwise.
    """
    if not path.exists():
        return default(), None
    problem = _try_load(path, validate)
    if not isinstance(problem, _Problem):
        return problem, None
    stamp = time.strftime("%Y%m%d-%H%M%S")
    kept = path.with_name(f"{path.name}.corrupt-{stamp}")
    os.replace(path, kept)
    backup = backup_path(path)
    if backup.exists():
        restored = _try_load(backup, validate)
        if not isinstance(restored, _Problem):
            atomic_write_text(path, backup.read_text(encoding="utf-8"))
            return restored, f"{path.name} was unreadable ({problem.reason}); kept as {kept.name}, restored the backup"
    return default(), f"{path.name} was unreadable ({problem.reason}); kept as {kept.name}, starting empty (no good backup)"


class _Problem:
    def __init__(self, reason: str) -> None:
        self.reason = reason


def _try_load(path: Path, validate: Callable[[Any], Any]) -> Any:
    try:
        raw = path.read_bytes()
    except OSError as err:
        return _Problem(f"cannot read: {err.strerror}")
    if raw.startswith(b"\xef\xbb\xbf"):
        raw = raw[3:]
    try:
        data = json.loads(raw.decode("utf-8"))
    except UnicodeDecodeError:
        return _Problem("not UTF-8")
    except ValueError as err:
        return _Problem(f"not JSON: {err.msg} at line {err.lineno}" if hasattr(err, "msg") else "not JSON")
    except Exception as err:  # JSON nested a thousand deep (RecursionError), a file too big for memory...
        return _Problem(f"not readable as JSON ({type(err).__name__})")
    try:
        return validate(data)
    except (ValueError, TypeError, KeyError, AttributeError) as err:
        return _Problem(f"wrong shape: {err}")
    except Exception as err:  # whatever else a hand-edited file provokes: the file is unusable, not the program
        return _Problem(f"wrong shape ({type(err).__name__})")


def file_lock(path: Path, timeout: float = 10.0) -> FileLock:
    """An inter-process lock file beside the data it protects (``Timeout`` when another process holds it)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    return FileLock(str(path), timeout=timeout)
