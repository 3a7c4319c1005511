"""One file of named flat numpy arrays: a versioned JSON header, a checksum, then the arrays, memory-mapped.

Why not ``numpy.savez``: members of an ``.npz`` cannot be memory-mapped, and the evaluator wants to read a
posting list of a 100,000-paper index without loading the rest. Why not pickle: loading a pickle runs code,
and a field added later silently breaks it. Here the header names every array with its dtype, offset and
length, so a reader checks what it got, and the CRC-32 of the data turns a torn or foreign file into a clear
``DamagedArrays`` error instead of wrong answers.
"""

from __future__ import annotations

import json
import os
import struct
import zlib
from collections.abc import Mapping
from typing import Any, BinaryIO

import numpy as np

MAGIC = b"PDARRAYS"
FORMAT_VERSION = 1
_ALIGN = 8  # every array starts on an 8-byte boundary, so a memory-mapped view is aligned for its dtype


class DamagedArrays(ValueError):
    """An array file that is not one of ours, of another version, truncated or changed on disk."""


def write_arrays(handle: BinaryIO, kind: str, arrays: Mapping[str, np.ndarray], meta: dict[str, Any]) -> None:
    """``arrays`` (little-endian, C order) and ``meta`` (JSON) to ``handle``, which the caller closes."""
    table: dict[str, list[object]] = {}
    chunks: list[bytes] = []
    offset = 0
    crc = 0
    for name, array in arrays.items():
        data = np.ascontiguousarray(array, dtype=array.dtype.newbyteorder("<")).tobytes()
        table[name] = [array.dtype.newbyteorder("<").str, offset, int(array.size)]
        padding = b"\0" * (-len(data) % _ALIGN)
        for chunk in (data, padding):
            chunks.append(chunk)
            crc = zlib.crc32(chunk, crc)
        offset += len(data) + len(padding)
    header = json.dumps({"version": FORMAT_VERSION, "kind": kind, "crc32": crc, "size": offset,
                         "arrays": table, "meta": meta}).encode("utf-8")
    header += b" " * (-(len(MAGIC) + 4 + len(header)) % _ALIGN)
    handle.write(MAGIC + struct.pack("<I", len(header)) + header)
    for chunk in chunks:
        handle.write(chunk)


class ArrayFile:
    """The arrays of one file, as read-only views (memory-mapped when the file is on disk)."""

    def __init__(self, buffer: np.ndarray | bytes, kind: str, name: str, data_crc: int | None = None) -> None:
        """``data_crc``: the CRC-32 of the data, when the caller computed it without touching ``buffer``."""
        view = np.frombuffer(buffer, dtype=np.uint8)
        start = len(MAGIC) + 4
        if len(view) < start or view[:len(MAGIC)].tobytes() != MAGIC:
            raise DamagedArrays(f"{name}: not a paperdeck array file")
        (header_length,) = struct.unpack("<I", view[len(MAGIC):start].tobytes())
        try:
            header = json.loads(view[start:start + header_length].tobytes())
        except ValueError as err:
            raise DamagedArrays(f"{name}: unreadable header ({err})") from err
        if header.get("version") != FORMAT_VERSION or header.get("kind") != kind:
            raise DamagedArrays(f"{name}: {header.get('kind')!r} version {header.get('version')}, "
                                f"expected {kind!r} version {FORMAT_VERSION}")
        data = view[start + header_length:]
        if len(data) != header["size"] or (zlib.crc32(data) if data_crc is None else data_crc) != header["crc32"]:
            raise DamagedArrays(f"{name}: checksum mismatch (truncated or changed on disk)")
        self.meta: dict[str, Any] = header["meta"]
        self._arrays = {key: np.frombuffer(data, dtype=np.dtype(dtype), count=count, offset=offset)
                        for key, (dtype, offset, count) in header["arrays"].items()}

    def __getitem__(self, name: str) -> np.ndarray:
        return self._arrays[name]

    def __contains__(self, name: object) -> bool:
        return name in self._arrays


def read_arrays(path: str | os.PathLike[str] | None, data: bytes | None, kind: str, name: str) -> ArrayFile:
    """Map the file at ``path`` (or read ``data``, for storages that are not folders) and check it."""
    if path is not None:
        if os.path.getsize(path) == 0:
            raise DamagedArrays(f"{name}: empty file")
        return ArrayFile(np.memmap(path, dtype=np.uint8, mode="r"), kind, name, _data_crc(path))
    assert data is not None
    return ArrayFile(data, kind, name)


def _data_crc(path: str | os.PathLike[str]) -> int | None:
    """The CRC-32 of the data after the header, read with ``read`` rather than through the mapping.

    Why: checking through the mapping made every page of the index resident in this process (the whole index
    counted in its RSS), although a search touches only its terms' postings; read this way the pages stay in
    the page cache, shared and reclaimable, and the mapping faults in only what searches read."""
    with open(path, "rb", buffering=0) as handle:
        head = handle.read(len(MAGIC) + 4)
        if len(head) < len(MAGIC) + 4 or head[:len(MAGIC)] != MAGIC:
            return None  # the ArrayFile check says what is wrong
        (header_length,) = struct.unpack("<I", head[len(MAGIC):])
        handle.seek(len(MAGIC) + 4 + header_length)
        crc = 0
        chunk = bytearray(1 << 20)
        while (size := handle.readinto(chunk)):
            crc = zlib.crc32(memoryview(chunk)[:size], crc)
        return crc
