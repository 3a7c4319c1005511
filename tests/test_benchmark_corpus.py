"""The benchmark's synthetic corpus: deterministic, realistic enough, and parseable (no timing asserted here:
performance is measured by ``python -m paperdeck.bench``, never by tests)."""

from __future__ import annotations

from pathlib import Path

from paperdeck.bench.benchmark import QUERY_MIX, main
from paperdeck.index.sources import parse_source
from paperdeck.bench.synthetic import PAPERS_PER_PAGE, write_pages


def test_the_same_seed_gives_the_same_corpus(tmp_path: Path) -> None:
    first = write_pages(tmp_path / "a", 120, seed=7)
    second = write_pages(tmp_path / "b", 120, seed=7)
    other = write_pages(tmp_path / "c", 120, seed=8)
    assert [p.read_bytes() for p in first] == [p.read_bytes() for p in second]
    assert first[0].read_bytes() != other[0].read_bytes()


def test_the_corpus_parses_back_to_every_paper_with_links_at_the_seed_rate(tmp_path: Path) -> None:
    files = write_pages(tmp_path, PAPERS_PER_PAGE + 100, seed=3)
    papers = [p for f in files for p in parse_source(f.read_bytes(), f.name).papers]
    assert len(files) == 2 and len(papers) == PAPERS_PER_PAGE + 100
    with_code = sum(1 for p in papers if p.code_urls) / len(papers)
    assert 0.1 < with_code < 0.4  # the seeds have 108 of 456 (24 %)
    assert all(len(p.abstract.split()) >= 40 for p in papers)


def test_the_benchmark_runs_end_to_end_and_writes_json(tmp_path: Path, capsys) -> None:
    out = tmp_path / "bench.json"
    assert main(["--size", "60", "--no-app", "--json", str(out)]) == 0
    import json

    report = json.loads(out.read_text())
    assert report["paperdeck"]["build"]["papers"] == 60
    assert set(report["paperdeck"]["query"]["query_ms"]) == {kind for kind, _, _ in QUERY_MIX} | {"all"}
    assert report["ratios_to_fts5"]["build_time"] > 0
    assert "paperdeck benchmark: 60 synthetic papers" in capsys.readouterr().out
