"""Scoring a capture against the API file it was made from: papers expected, recovered exactly, junk.

Why shared: the fixture tests and the unseen-set measurement must count the same way. "Exactly" means the
fields the issue names: title, abstract (or the AI summary, flagged as one), arXiv id, date and links.
"""

from __future__ import annotations

import ast
import json
from dataclasses import dataclass, field
from pathlib import Path

from paperdeck.index.models import Paper, SourceRejected
from paperdeck.index.sources import parse_source
from paperdeck.index.sources.capture_junk import prose_problem, title_problem
from paperdeck.index.sources.hf_json import parse_hf_daily

EXACT_FIELDS = ("title", "abstract", "ai_summary", "arxiv_id", "published", "link_urls")


def api_papers(path: Path, drop: tuple[str, ...] = ()) -> dict[str, Paper]:
    """The records the HF JSON importer reads from ``path``, by arXiv id; ``drop``: item fields the capture's
    page does not show (e.g. ``projectPage``), removed before reading."""
    raw = json.loads(path.read_text(encoding="utf-8"))
    items = [ast.literal_eval(item) if isinstance(item, str) else item for item in raw]
    for item in items:
        for name in drop:
            item["paper"].pop(name, None)
    result = parse_hf_daily(json.dumps(items), path.name)
    return {paper.arxiv_id: paper for paper in result.papers if paper.arxiv_id}


def field_value(paper: Paper, name: str) -> object:
    if name == "link_urls":
        return sorted(link.url for link in paper.links)
    return getattr(paper, name)


def differences(got: Paper, want: Paper, fields: tuple[str, ...] = EXACT_FIELDS) -> list[str]:
    return [name for name in fields if field_value(got, name) != field_value(want, name)]


def is_junk(paper: Paper, want: dict[str, Paper]) -> bool:
    """A record that fails the junk checks or is not one of the page's papers (by id or by title)."""
    titles = {p.title for p in want.values()}
    if title_problem(paper.title) is not None:
        return True
    if paper.abstract and prose_problem(paper.abstract) is not None:
        return True
    return paper.arxiv_id not in want and paper.title not in titles


def _links_but_ids(got: Paper, want: Paper) -> bool:
    """The same links once those made from the arXiv id (abs, pdf, paper page) are set aside."""
    made = {f"https://arxiv.org/abs/{want.arxiv_id}", f"https://arxiv.org/pdf/{want.arxiv_id}",
            f"https://huggingface.co/papers/{want.arxiv_id}"}
    return {link.url for link in got.links} == {link.url for link in want.links} - made


@dataclass
class Score:
    name: str
    expected: int
    exact: int = 0
    exact_but_id: int = 0  # exact but for the arXiv id and the links it gives, which a copy without links lacks
    junk: int = 0
    rejected: str = ""
    misses: dict[str, list[str]] = field(default_factory=dict)

    def row(self) -> str:
        tail = f"  rejected: {self.rejected}" if self.rejected else ""
        return f"{self.name:<40} {self.expected:>8} {self.exact:>6} {self.exact_but_id:>12} {self.junk:>5}{tail}"


def score(path: Path, want: dict[str, Paper]) -> Score:
    """How well ``path`` gives back ``want``."""
    result = Score(path.name, len(want))
    try:
        parsed = parse_source(path.read_bytes(), path.name)
    except SourceRejected as err:
        result.rejected = err.reason
        return result
    for paper in parsed.papers:
        if is_junk(paper, want):
            result.junk += 1
            result.misses[paper.title[:50]] = ["junk"]
            continue
        target = want.get(paper.arxiv_id or "") or next((p for p in want.values() if p.title == paper.title), None)
        if target is None:
            continue
        diff = differences(paper, target)
        if not diff:
            result.exact += 1
            continue
        result.misses[target.arxiv_id or target.title] = diff
        if paper.arxiv_id is None and set(diff) <= {"arxiv_id", "link_urls"} and _links_but_ids(paper, target):
            result.exact_but_id += 1
    found = {p.arxiv_id for p in parsed.papers} | {p.title for p in parsed.papers}
    for arxiv_id, paper in want.items():
        if arxiv_id not in found and paper.title not in found:
            result.misses[arxiv_id] = ["missing"]
    return result
