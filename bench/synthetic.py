"""A deterministic synthetic corpus for benchmarks: papers sampled from a word model of the bundled seeds.

Why synthetic: a benchmark at 10k or 100k papers needs that many realistic papers offline. A bigram model
trained on the seeds' titles and abstracts gives their vocabulary, word order and lengths; links are added at
the seeds' rate. The same seed number always gives the same corpus, on every machine.
"""

from __future__ import annotations

import random
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path

from paperdeck.index.clean import normalise_title
from paperdeck.index.sources import parse_source

PAPERS_PER_PAGE = 500
MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


@dataclass
class WordModel:
    """Bigram chains for titles and abstracts plus the empirical length and link-rate distributions."""

    title_next: dict[str, list[str]] = field(default_factory=lambda: defaultdict(list))
    abstract_next: dict[str, list[str]] = field(default_factory=lambda: defaultdict(list))
    title_lengths: list[int] = field(default_factory=list)
    abstract_lengths: list[int] = field(default_factory=list)
    link_rate: float = 0.0

    @classmethod
    def from_seeds(cls) -> WordModel:
        model = cls()
        papers = {}
        for entry in sorted(resources.files("paperdeck.seeds").iterdir(), key=lambda f: f.name):
            if entry.name.endswith(".txt"):
                for paper in parse_source(entry.read_bytes(), entry.name).papers:
                    papers[paper.key] = paper
        for paper in papers.values():
            model._learn(paper.title.split(), model.title_next, model.title_lengths)
            model._learn(paper.abstract.split(), model.abstract_next, model.abstract_lengths)
        model.link_rate = sum(1 for p in papers.values() if p.code_urls) / max(1, len(papers))
        return model

    @staticmethod
    def _learn(words: list[str], chain: dict[str, list[str]], lengths: list[int]) -> None:
        lengths.append(len(words))
        for before, after in zip(["<s>", *words], words):
            chain[before].append(after)

    def _walk(self, rng: random.Random, chain: dict[str, list[str]], length: int) -> list[str]:
        words: list[str] = []
        current = "<s>"
        while len(words) < length:
            options = chain.get(current) or chain["<s>"]
            current = rng.choice(options)
            words.append(current)
        return words

    def paper(self, rng: random.Random) -> tuple[str, str]:
        title = " ".join(self._walk(rng, self.title_next, rng.choice(self.title_lengths))).rstrip(".")
        abstract = " ".join(self._walk(rng, self.abstract_next, max(40, rng.choice(self.abstract_lengths))))
        if not abstract.endswith("."):
            abstract += "."
        if rng.random() < self.link_rate:
            owner, repo = rng.choice(list(self.title_next))[:12], rng.choice(list(self.title_next))[:16]
            slug = "".join(ch for ch in f"{owner}/{repo}" if ch.isalnum() or ch in "/-_") or "org/repo"
            abstract += f" Code is available at https://github.com/{slug}."
        return title[:240], abstract


def generate_papers(count: int, seed: int = 1, model: WordModel | None = None) -> Iterator[tuple[str, str]]:
    """``count`` papers with distinct titles, always the same ones for the same ``seed``."""
    model = model or WordModel.from_seeds()
    rng = random.Random(seed)
    seen: set[str] = set()
    while len(seen) < count:
        title, abstract = model.paper(rng)
        norm = normalise_title(title)
        if not norm or norm in seen or len(title.split()) < 2:
            continue
        seen.add(norm)
        yield title, abstract


def write_pages(folder: Path, count: int, seed: int = 1, prefix: str = "synthetic") -> list[Path]:
    """Write ``count`` papers as Daily Papers page dumps of ``PAPERS_PER_PAGE`` each; returns the files."""
    folder.mkdir(parents=True, exist_ok=True)
    files: list[Path] = []
    page: list[str] = []
    for n, (title, abstract) in enumerate(generate_papers(count, seed), start=1):
        page.append(f"{title}\n\n{abstract}\n")
        if len(page) == PAPERS_PER_PAGE or n == count:
            number = len(files)
            date = f"{MONTHS[number % 12]} {number % 28 + 1}"
            path = folder / f"{prefix}_{number:04d}.txt"
            path.write_text(f"Daily Papers\n\n{date}\n\n" + "\n".join(page), encoding="utf-8")
            files.append(path)
            page = []
    return files
