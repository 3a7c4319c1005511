"""Spotting a damaged index and keeping broken files for inspection instead of deleting them."""

from __future__ import annotations

import hashlib
import os
import time
from pathlib import Path


def file_signature(path: Path) -> list[object] | None:
    """Size plus a hash of the first and last 64 KiB: catches truncation, zero-filling and deletion of an
    index file without reading a whole large index on every start."""
    try:
        size = path.stat().st_size
        with path.open("rb") as handle:
            head = handle.read(65536)
            handle.seek(max(0, size - 65536))
            tail = handle.read(65536)
    except OSError:
        return None
    return [size, hashlib.blake2b(head + tail, digest_size=12).hexdigest()]


def move_aside(path: Path, extra_suffixes: tuple[str, ...] = ()) -> Path:
    """Rename a broken file or folder to ``<name>.corrupt-<time>`` so nothing is silently deleted."""
    stamp = time.strftime("%Y%m%d-%H%M%S")
    kept = path.with_name(f"{path.name}.corrupt-{stamp}-{os.getpid()}")
    if path.exists():
        os.replace(path, kept)
    for suffix in extra_suffixes:
        sidecar = path.with_name(path.name + suffix)
        if sidecar.exists():
            os.replace(sidecar, kept.with_name(kept.name + suffix))
    return kept
