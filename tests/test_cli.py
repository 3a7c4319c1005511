"""The headless CLI: JSON contracts scripts rely on, per-file add reports, and one-line errors."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import UNIQUE_SEED_PAPERS
from paperdeck.index.cli import main

ABSTRACT = ("We study a problem in depth. Our method improves results by a wide margin on many benchmarks and "
            "datasets. Code: https://github.com/org/repo.")


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_search_json_contract(seeded_home: Path, capsys) -> None:
    code, out, _ = run(capsys, "search", "sparse attention", "--limit", "3", "--json")
    assert code == 0
    data = json.loads(out)
    assert len(data) == 3
    for item in data:
        assert {"key", "title", "url", "code_urls", "sources", "score"} <= set(item)
        assert isinstance(item["code_urls"], list) and isinstance(item["sources"], list)
        assert isinstance(item["score"], float)
    assert data[0]["title"] == "Efficient Content-Based Sparse Attention with Routing Transformers"
    assert data[0]["score"] >= data[1]["score"] >= data[2]["score"]


def test_search_filters_sort_and_notes(seeded_home: Path, capsys) -> None:
    code, out, err = run(capsys, "search", "pruning", "--filter", "has_code=yes", "--sort", "title", "--json")
    items = json.loads(out)
    assert code == 0 and items and all(i["code_urls"] for i in items)
    assert [i["title"].lower() for i in items] == sorted(i["title"].lower() for i in items)
    code, out, err = run(capsys, "search", '"sparse', "--json")
    assert "note: closed an open quote" in err and json.loads(out)
    code, out, err = run(capsys, "search", "atention", "--json")
    assert json.loads(out) == [] and "did you mean: attention" in err


def test_show_similar_and_stats_json(seeded_home: Path, capsys) -> None:
    key = "compressing-features-for-learning-with-noisy-labels"
    code, out, _ = run(capsys, "show", key, "--json")
    shown = json.loads(out)
    assert code == 0 and shown["key"] == key and len(shown["pages"]) == 3
    code, out, _ = run(capsys, "similar", key, "--json", "--limit", "3")
    similar = json.loads(out)
    assert len(similar) == 3 and all(s["shared_terms"] for s in similar)
    code, out, _ = run(capsys, "stats", "--json")
    stats = json.loads(out)
    assert stats["papers"] == UNIQUE_SEED_PAPERS and stats["sources"] == 5


def test_add_reports_each_file_and_remove(seeded_home: Path, tmp_path: Path, capsys) -> None:
    good = tmp_path / "good.txt"
    good.write_text(f"Mar 3\n\nA New Paper\n\n{ABSTRACT}\n\nOrphan Title\n")
    bad = tmp_path / "page.txt"
    bad.write_text("<html><head></head><body>saved by mistake</body></html>")
    code, out, _ = run(capsys, "add", str(good), str(bad))
    assert code == 0
    assert f"    added  {good}  (1 paper, 1 new)" in out
    assert "good.txt:7: title with no abstract: 'Orphan Title' skipped" in out
    assert f"  skipped  {bad}  (HTML page" in out
    code, out, _ = run(capsys, "add", str(good), "--json")
    assert json.loads(out)[0]["status"] == "unchanged"
    code, out, _ = run(capsys, "remove", "good.txt")
    assert code == 0 and "1 paper dropped" in out


def test_bookmark_commands_and_export(seeded_home: Path, tmp_path: Path, capsys) -> None:
    key = "compressing-features-for-learning-with-noisy-labels"
    assert run(capsys, "bookmarks", "add", key, "--tag", "noise")[0] == 0
    assert run(capsys, "bookmarks", "note", key, "read this")[0] == 0
    code, out, _ = run(capsys, "bookmarks", "list", "--json")
    [mark] = json.loads(out)
    assert (mark["key"], mark["tags"], mark["note"]) == (key, ["noise"], "read this")
    target = tmp_path / "refs.bib"
    assert run(capsys, "bookmarks", "export", "bibtex", "-o", str(target))[0] == 0
    assert "Compressing Features for Learning with Noisy Labels" in target.read_text()
    code, out, _ = run(capsys, "search", "noisy labels compressing", "--filter", "bookmarked=yes", "--json")
    assert [i["key"] for i in json.loads(out)] == [key]


@pytest.mark.parametrize("argv,expected", [
    (["search", "x", "--limit", "zero"], "paperdeck: error: argument --limit: expected a whole number"),
    (["search", "x", "--filter", "nope"], "paperdeck: error: --filter expects FIELD=VALUE"),
    (["frobnicate"], "paperdeck: error: argument command: invalid choice"),
    (["remove", "not-a-source"], "paperdeck: no source 'not-a-source' in the library"),
    (["bookmarks", "import", "/no/such/file.json"], "paperdeck: error: cannot read /no/such/file.json"),
])
def test_user_mistakes_are_one_line_exit_2_no_traceback(seeded_home: Path, argv, expected: str) -> None:
    env = {**os.environ, "PAPERDECK_HOME": str(seeded_home)}
    proc = subprocess.run([sys.executable, "-m", "paperdeck.index", *argv], env=env, capture_output=True,
                          text=True, timeout=120)
    assert proc.returncode == 2
    assert proc.stderr.startswith(expected)
    assert proc.stderr.count("\n") == 1 and "Traceback" not in proc.stderr
