"""Source files as the library reads them: the bundled seeds, files on disk, folders walked for sources.

Why apart from the library: which files are sources, and how their bytes are hashed and opened (streamed for a
4 GB snapshot), is independent of how the library stores and indexes what they contain.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

from .models import Paper
from .sources import open_source, parse_source

Progress = Callable[[int, int, str], None]
FOLDER_SUFFIXES = frozenset({".txt", ".json", ".jsonl", ".xml", ".atom", ".bib"})
SEED_PREFIX = "seed:"


@dataclass(frozen=True)
class SourceFile:
    """A file to ingest: where it comes from, and its bytes (in memory, or read from ``path`` when needed)."""

    id: str
    name: str
    data: bytes | None
    path: Path | None = None

    def digest(self) -> tuple[str, int]:
        """SHA-256 and size, streamed from disk for files (a 4 GB snapshot is never held in memory)."""
        if self.data is not None:
            return hashlib.sha256(self.data).hexdigest(), len(self.data)
        assert self.path is not None
        digest = hashlib.sha256()
        size = 0
        with self.path.open("rb") as handle:
            while chunk := handle.read(1 << 20):
                digest.update(chunk)
                size += len(chunk)
        return digest.hexdigest(), size

    def open(self, year: int | None, progress: Progress | None = None) -> tuple[Iterable[Paper], list]:
        """The papers (possibly streamed) and the warnings list that fills as they are read."""
        if self.data is not None:
            result = parse_source(self.data, self.name, year=year)
            return result.papers, result.warnings
        assert self.path is not None
        papers, warnings, _ = open_source(self.path, self.name, year=year, progress=progress)
        return papers, warnings


def seed_files() -> list[SourceFile]:
    """The bundled default corpus, read from the installed package (no checkout needed)."""
    folder = resources.files("paperdeck.seeds")
    files = sorted((f for f in folder.iterdir() if f.name.endswith(".txt")), key=lambda f: f.name)
    return [SourceFile(SEED_PREFIX + f.name, f.name, f.read_bytes()) for f in files]


def read_source(source_id: str) -> SourceFile:
    """Read a source by its manifest id. Raises ``OSError`` when the file is gone."""
    if source_id.startswith(SEED_PREFIX):
        name = source_id[len(SEED_PREFIX):]
        data = resources.files("paperdeck.seeds").joinpath(name).read_bytes()
        return SourceFile(source_id, name, data)
    path = Path(source_id)
    if not path.is_file():
        raise FileNotFoundError(2, "No such file", source_id)
    return SourceFile(source_id, path.name, None, path)


MISSING = "no such file or folder"


def expand_paths(paths: Iterable[str | Path]) -> Iterator[Path | tuple[Path, str]]:
    """Files as given, folders walked recursively for known source files; anything else reported with what it
    is. Why say "not a regular file": reading a FIFO or ``/dev/zero`` would hang or never end, and calling it
    missing sends the user looking for a typo."""
    for raw in paths:
        path = Path(raw).expanduser()
        if path.is_dir():
            found = False
            for child in sorted(path.rglob("*")):
                if child.suffix.lower() not in FOLDER_SUFFIXES:
                    continue
                if child.is_file():
                    found = True
                    yield child.resolve()
                elif not child.is_dir():
                    yield (child, "not a regular file (a device, pipe or socket)")
            if not found and path.suffix.lower() in FOLDER_SUFFIXES:
                yield (path, "not a regular file (a folder, with no source files in it)")
            elif not found:
                yield (path, "a folder with no source files in it (" + ", ".join(sorted(FOLDER_SUFFIXES)) + ")")
        elif path.is_file():
            yield path.resolve()
        elif path.exists():
            yield (path, "not a regular file (a device, pipe or socket)")
        else:
            yield (path, MISSING)
