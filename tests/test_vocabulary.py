"""The vocabulary behind prefixes, fuzzy terms and did-you-mean: bounded prefix expansion, per-field words,
frequency order, and words of papers added later."""

from __future__ import annotations

from pathlib import Path

from paperdeck.index.models import SearchRequest
from paperdeck.index.vocabulary import Vocabulary


def small() -> Vocabulary:
    # (word, field mask: 1 title, 2 abstract, 3 both, papers)
    return Vocabulary([("attention", 3, 90), ("attend", 2, 5), ("attentive", 1, 2), ("atlas", 2, 40),
                       ("sparse", 3, 30), ("sparsity", 2, 12), ("spark", 2, 1)])


def test_prefix_expansion_is_most_frequent_first_and_bounded() -> None:
    vocabulary = small()
    assert vocabulary.expand_prefix("att") == ["attention", "attend", "attentive"]
    assert vocabulary.expand_prefix("at", limit=2) == ["attention", "atlas"]  # a short prefix: top-k of its slice
    assert vocabulary.expand_prefix("zz") == []


def test_prefix_expansion_respects_the_field() -> None:
    vocabulary = small()
    assert vocabulary.expand_prefix("att", "title") == ["attention", "attentive"]
    assert vocabulary.expand_prefix("att", "abstract") == ["attention", "attend"]


def test_edit_distance_candidates_rank_by_frequency() -> None:
    vocabulary = small()
    assert vocabulary.within("sparsty", 1, prefix=1) == [("sparsity", 1)]
    assert vocabulary.within("sparsty", 2, prefix=1) == [("sparse", 2), ("sparsity", 1)]  # frequency first
    assert vocabulary.suggest("atention") == "attention"
    assert vocabulary.suggest("sparce") == "sparse"  # 30 papers beats "spark" (1) at the same distance
    assert Vocabulary([]).suggest("anything") is None


def test_the_library_vocabulary_covers_the_seeds_and_grows_with_added_papers(library, tmp_path: Path) -> None:
    vocabulary = library._engine.vocabulary()
    assert len(vocabulary) > 5000 and vocabulary.expand_prefix("attention", "title")[0] == "attention"
    assert "the" not in vocabulary.words  # stop words are not searchable, so they are not expanded to
    page = tmp_path / "new.txt"
    page.write_text("Zymurgical Transformers\n\nWe apply zymurgical attention to brewing schedules and more "
                    "things that need a long enough abstract to count as one.\n", encoding="utf-8")
    library.add([page])
    assert library.search(SearchRequest("zymurg", as_you_type=True)).total == 1  # typed prefix of a new word
    assert library.search(SearchRequest("zymurgicl~")).total == 1
