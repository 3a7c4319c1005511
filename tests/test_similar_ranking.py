"""Similar papers: title terms weigh more, and a paper sharing a single key term is not offered as similar."""

from __future__ import annotations

import json
from pathlib import Path

ANCHOR = ("Sparse Graph Transformers for Molecule Generation",
          "We train sparse graph transformers that generate valid molecules. Our evaluation protocol uses held-out "
          "scaffolds and a calibrated novelty measure. Code is released in a public repository.")
TITLE_TWIN = ("Molecule Graphs by Diffusion",
              "Diffusion produces valid chemistry.")
ABSTRACT_TWIN = ("Measuring Text Classifiers",
                 "An evaluation protocol with held-out scaffolds and a calibrated novelty measure for classifiers.")
ONE_WORD = ("A Catalogue of Southern Galaxies",
            "Positions and magnitudes of faint galaxies, kept in a repository.")


def _feed(tmp_path: Path) -> Path:
    items = [{"paper": {"id": f"2601.0000{i}", "title": title, "summary": summary, "authors": [{"name": "A. B"}]},
              "publishedAt": "2026-01-05"}
             for i, (title, summary) in enumerate([ANCHOR, TITLE_TWIN, ABSTRACT_TWIN, ONE_WORD], start=1)]
    path = tmp_path / "feed.json"
    path.write_text(json.dumps(items))
    return path


def test_title_terms_weigh_more_and_single_term_matches_are_dropped(library, tmp_path: Path) -> None:
    library.add([_feed(tmp_path)])
    similar = library.similar("2601.00001", limit=10)
    keys = [s.paper.key for s in similar]
    assert "2601.00002" in keys and "2601.00003" in keys
    # two of the anchor's title words outrank five words of its abstract (unweighted, the order flips)
    assert keys.index("2601.00002") < keys.index("2601.00003")
    assert "2601.00004" not in keys  # shares only "repository"
    assert all(len(s.shared_terms) >= 2 for s in similar)


def test_no_seed_paper_is_offered_a_match_that_shares_one_term(library) -> None:
    results = library.search("code repository")
    for hit in results.hits[:10]:
        for similar in library.similar(hit.paper.key, limit=5):
            assert len(similar.shared_terms) >= 2, (hit.paper.title, similar.paper.title, similar.shared_terms)
