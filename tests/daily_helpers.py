"""Small builders shared by the daily-loop tests: a Hugging Face daily-papers JSON file on disk."""

from __future__ import annotations

import json
from pathlib import Path


def hf_item(arxiv_id: str, title: str, upvotes: int = 1, day: str = "2026-11-02",
            authors: tuple[str, ...] = ("Ada Lovelace", "Alan Turing")) -> dict:
    """One entry shaped like ``api/daily_papers`` (see tests/fixtures/hf_api_json)."""
    return {"paper": {"id": arxiv_id, "title": title, "authors": [{"name": a} for a in authors],
                      "summary": f"We study {title.lower()}. It works well on many benchmarks.",
                      "publishedAt": f"{day}T00:00:00.000Z", "upvotes": upvotes},
            "publishedAt": f"{day}T08:00:00.000Z", "title": title, "numComments": 0}


def write_hf(path: Path, items: list[dict]) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(items), encoding="utf-8")
    return path
