"""The vocabulary: every unstemmed word of the titles and abstracts, which field it occurs in, and in how many
papers. Prefix expansion (``attenti*`` and the word being typed), fuzzy terms (``attension~``) and did-you-mean
all work on real words and then search their stems.

Why not Whoosh's spelling fields: they index every word a second time (about 40 % of build time at 10,000
papers), and expanding a prefix over them meant a lexicon scan plus one ``doc_frequency`` lookup per
candidate word. Here the words are a sorted in-memory list: a prefix is two bisections and a top-k over its
slice, so a short prefix costs a bounded slice, never the whole vocabulary. Edit-distance matching still uses
Whoosh's Levenshtein automata (``whoosh.automata``), walking the sorted list.

The counts stay exact through incremental writes: a re-indexed or removed paper's previous words are
counted out (``WordCounts.remove``), and a word no paper holds any more leaves the vocabulary.
"""

from __future__ import annotations

import heapq
from collections import Counter
from array import array
from bisect import bisect_left
from collections.abc import Iterable, Iterator

from whoosh.automata.fsa import find_all_matches
from whoosh.automata.lev import levenshtein_automaton

from .analysis import PaperAnalyzer
from .models import Paper

FIELD_BITS = {"title": 1, "abstract": 2}
ANY_FIELD = 3
_END = "\U0010ffff"


def paper_words(analyzer: PaperAnalyzer, paper: Paper) -> dict[str, int]:
    """word -> bit mask of the fields (title 1, abstract 2) it occurs in, for one paper."""
    words = dict.fromkeys(analyzer.words(paper.title), FIELD_BITS["title"])
    abstract_bit = FIELD_BITS["abstract"]
    for word in set(analyzer.words(paper.abstract)):
        words[word] = words.get(word, 0) | abstract_bit
    return words


class WordCounts:
    """Accumulates ``paper_words`` over a batch of papers before they are written to the record store.

    Counted with ``Counter.update`` and set unions (loops in C): a large build counts every word of every paper
    in the process that also feeds the index writers."""

    def __init__(self) -> None:
        self.counts: Counter[str] = Counter()
        self.in_title: set[str] = set()
        self.in_abstract: set[str] = set()

    def add(self, words: dict[str, int]) -> None:
        self.counts.update(words.keys())
        self.in_title.update(w for w, mask in words.items() if mask & 1)
        self.in_abstract.update(w for w, mask in words.items() if mask & 2)

    def add_paper(self, analyzer: PaperAnalyzer, paper: Paper) -> None:
        """``add(paper_words(analyzer, paper))`` without building the per-paper mask dict."""
        title = set(analyzer.words(paper.title))
        abstract = set(analyzer.words(paper.abstract))
        self.counts.update(title | abstract)
        self.in_title |= title
        self.in_abstract |= abstract

    def merge(self, other: WordCounts) -> None:
        """Another process's counts (a share of a parallel write) added to these."""
        self.counts.update(other.counts)
        self.in_title |= other.in_title
        self.in_abstract |= other.in_abstract

    def remove(self, words: dict[str, int]) -> None:
        """A paper's previous version: its words count one paper less (their field bits stay: a word that
        left the titles only is still offered for title prefixes, and expands to no posting there)."""
        self.counts.subtract(words.keys())

    def rows(self) -> Iterator[tuple[str, int, int]]:
        title, abstract = self.in_title, self.in_abstract
        return ((word, (FIELD_BITS["title"] if word in title else 0)
                 | (FIELD_BITS["abstract"] if word in abstract else 0), count)
                for word, count in self.counts.items())


class Vocabulary:
    """Sorted words with their field masks and document counts, loaded once per index generation."""

    def __init__(self, rows: Iterable[tuple[str, int, int]]) -> None:
        ordered = sorted(rows)
        self.words: list[str] = [w for w, _, _ in ordered]
        self.masks = array("B", (m for _, m, _ in ordered))
        self.counts = array("l", (n for _, _, n in ordered))
        self._index = {w: i for i, w in enumerate(self.words)}
        self._prefix_cache: dict[tuple[str, int, int], list[str]] = {}

    def __len__(self) -> int:
        return len(self.words)

    def expand_prefix(self, prefix: str, fieldname: str | None = None, limit: int = 48) -> list[str]:
        """The ``limit`` most frequent words starting with ``prefix`` (in ``fieldname``, or either field)."""
        bit = FIELD_BITS.get(fieldname or "", ANY_FIELD)
        cache_key = (prefix, bit, limit)
        cached = self._prefix_cache.get(cache_key)
        if cached is not None:
            return cached
        lo = bisect_left(self.words, prefix)
        hi = bisect_left(self.words, prefix + _END, lo)
        masks, counts = self.masks, self.counts
        candidates = [i for i in range(lo, hi) if masks[i] & bit]
        if len(candidates) > limit:
            candidates = heapq.nlargest(limit, candidates, key=counts.__getitem__)
        else:
            candidates.sort(key=counts.__getitem__, reverse=True)
        found = [self.words[i] for i in candidates]
        if len(self._prefix_cache) > 2048:
            self._prefix_cache.clear()
        self._prefix_cache[cache_key] = found
        return found

    def within(self, word: str, maxdist: int, prefix: int = 0, fieldname: str | None = None) -> list[tuple[str, int]]:
        """Words within ``maxdist`` edits of ``word`` (sharing its first ``prefix`` letters): (word, distance),
        most frequent first, as Whoosh's own reader corrector ranks them (a common word two edits away is a
        likelier intent than a rare one at one edit: "foo" -> "few", not "foto")."""
        bit = FIELD_BITS.get(fieldname or "", ANY_FIELD)
        found: list[tuple[int, int, str]] = []
        if not self.words:
            return []
        seen: set[str] = set()
        for distance in range(1, maxdist + 1):
            automaton = levenshtein_automaton(word, distance, prefix).to_dfa()
            for candidate in find_all_matches(automaton, self._next_word_from):
                if candidate in seen:
                    continue
                seen.add(candidate)
                i = self._index[candidate]
                if self.masks[i] & bit:
                    found.append((-self.counts[i], distance, candidate))
        return [(w, dist) for _, dist, w in sorted(found)]

    def _next_word_from(self, text: str) -> str | None:
        """The first known word >= ``text``: how the automaton walks the sorted list."""
        i = bisect_left(self.words, text)
        return self.words[i] if i < len(self.words) else None

    def suggest(self, word: str, maxdist: int = 2, prefix: int = 1) -> str | None:
        """The most frequent other word within ``maxdist`` edits, for did-you-mean."""
        for candidate, _dist in self.within(word, maxdist, prefix):
            if candidate != word:
                return candidate
        return None
