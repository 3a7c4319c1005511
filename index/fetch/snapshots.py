"""Downloads kept as ordinary source files, one folder per period (or per query), one file per fetch.

Why files and no separate fetch log: the files are the state. A period counts as fetched when a file in its
folder was fetched after the period ended; a file lands only complete (written to a hidden ``.tmp`` and renamed
after it parsed), so whatever is interrupted leaves either nothing or a whole file, and a whole file that never
reached the library is added by the next run. Each fetch of a period still open (today) is its own file named by
its UTC time, so the upvotes seen at each fetch stay available, as ordinary sources, for a history.

Two kinds of file are markers, not sources (their suffixes are not ones ``paperdeck add`` reads from a folder):
``<time>.empty`` (the listing was empty) and ``<time>.same`` (the listing equalled the previous fetch).
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from ..durable import Timeout, atomic_write_bytes, file_lock
from ..models import SourceReport

STAMP = "%Y%m%dT%H%M%SZ"
SOURCE_SUFFIXES = (".json", ".xml")
MARKER_SUFFIXES = (".empty", ".same")


class FetchBusy(Exception):
    """Another ``paperdeck fetch`` of the same service is running."""


@dataclass
class PeriodResult:
    """What one period (or one page of query results) came to; ``status`` is a past-tense word."""

    period: str
    status: str  # fetched | unchanged | already fetched | resumed | failed
    papers: int = 0
    new_papers: int = 0
    file: str | None = None
    warnings: tuple[str, ...] = ()

    def to_json(self) -> dict[str, Any]:
        return {"period": self.period, "status": self.status, "papers": self.papers,
                "new_papers": self.new_papers, "file": self.file, "warnings": list(self.warnings)}


@dataclass
class FetchRun:
    """Everything one fetch command did, in order; ``error`` is the one line that stopped it, if any."""

    service: str
    results: list[PeriodResult] = field(default_factory=list)
    error: str | None = None

    @property
    def new_papers(self) -> int:
        return sum(r.new_papers for r in self.results)

    @property
    def changed(self) -> bool:
        return any(r.status in ("fetched", "resumed") for r in self.results)


OnResult = Callable[[PeriodResult], None]


def stamp(moment: datetime) -> str:
    return moment.astimezone(timezone.utc).strftime(STAMP)


def fetched_at(path: Path) -> datetime | None:
    """The UTC time a snapshot was fetched, from its name (None for files paperdeck did not name)."""
    try:
        return datetime.strptime(path.name[:16], STAMP).replace(tzinfo=timezone.utc)
    except ValueError:
        return None


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


class SnapshotFolder:
    """The fetches of one period, oldest first."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder

    def snapshots(self) -> list[Path]:
        if not self.folder.is_dir():
            return []
        return sorted(p for p in self.folder.iterdir()
                      if p.suffix in SOURCE_SUFFIXES + MARKER_SUFFIXES and fetched_at(p) is not None)

    def latest_source(self) -> Path | None:
        sources = [p for p in self.snapshots() if p.suffix in SOURCE_SUFFIXES]
        return sources[-1] if sources else None

    def complete(self, ends_at: datetime | None) -> bool:
        """Fetched at least once after the period ended (a period with no end, such as trending, never is)."""
        if ends_at is None:
            return False
        return any((when := fetched_at(p)) is not None and when >= ends_at for p in self.snapshots())

    def same_as_latest(self, data: bytes) -> bool:
        latest = self.latest_source()
        try:
            return latest is not None and sha256(latest.read_bytes()) == sha256(data)
        except OSError:
            return False

    def save(self, data: bytes, moment: datetime, suffix: str) -> Path:
        path = self.folder / f"{stamp(moment)}{suffix}"
        atomic_write_bytes(path, data)
        return path


@contextmanager
def service_lock(base: Path) -> Iterator[None]:
    """One fetch per service at a time; leftovers of a killed run (hidden ``.tmp`` files) are cleared under it."""
    lock = file_lock(base / ".fetch.lock", timeout=0.5)
    try:
        lock.acquire()
    except Timeout:
        raise FetchBusy(f"another paperdeck fetch is writing {base}; try again when it has finished") from None
    try:
        for leftover in base.rglob(".*.tmp"):
            leftover.unlink(missing_ok=True)
        yield
    finally:
        lock.release()


@contextmanager
def fetching(base: Path, library: Any, on_result: OnResult | None = None) -> Iterator[FetchRun]:
    """Hold the service's lock and first add what an interrupted run saved but never added.

    The caller fetches inside the block and appends its results to the yielded run.
    """
    with service_lock(base):
        run = FetchRun(base.name)
        pending = unadded_sources(base, set(library.manifest.sources))
        for path, report in zip(pending, library.add(pending) if pending else []):
            run.results.append(result_from_report(f"{path.parent.name}/{path.name}", "resumed", path, report))
            if on_result:
                on_result(run.results[-1])
        yield run


def unadded_sources(base: Path, known: set[str]) -> list[Path]:
    """Whole downloads that never reached the library (the run was stopped between saving and adding)."""
    return sorted(p for p in base.rglob("*") if p.suffix in SOURCE_SUFFIXES and p.is_file()
                  and fetched_at(p) is not None and str(p.resolve()) not in known)


def result_from_report(period: str, status: str, path: Path, report: SourceReport) -> PeriodResult:
    """A period's result from the library's report on adding its file."""
    if report.status == "skipped":
        return PeriodResult(period, "failed", file=str(path), warnings=(report.reason, *report.warnings))
    return PeriodResult(period, status, papers=report.papers, new_papers=report.new_papers, file=str(path),
                        warnings=report.warnings)
