"""Text analysis for titles and abstracts: one pass instead of Whoosh's filter chain.

Why not ``StemmingAnalyzer``: it is a chain of four generators (tokenizer, lowercase, stop words, stemmer) that
hands one ``Token`` object through every layer for every word, and ``Positions.word_values`` then groups the
tokens again: per word, several Python frames and an object, the largest single cost of indexing. Here the
indexing path (``PaperText.index``) works on plain strings: one regex ``findall`` over the lowercased text, a
frozenset lookup for stop words and a dict cache in front of Whoosh's own Porter stemmer. The ``Token`` interface
(``__call__``) is kept for everything else Whoosh does with an analyzer (query parsing, highlighting, key terms),
and both paths produce the same terms in the same order.

Positions count kept words only (stop words leave no gap), as Whoosh's ``StopFilter(renumber=True)`` does, so
``"large language models"`` matches "large language models" and phrases across a removed stop word match as
they did before.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from whoosh import fields
from whoosh.analysis import STOP_WORDS, Composable, Token
from whoosh.lang.porter import stem as porter_stem

from .codec import PositionArray

WORD = re.compile(r"\w+(?:\.?\w+)*")  # Whoosh's default tokenizer pattern, without the capturing group
MIN_WORD = 2


class PaperAnalyzer(Composable):
    """Tokenise, lowercase, drop stop words and one-letter words, then stem (Porter), in one pass."""

    is_morph = True

    def __init__(self, stoplist: frozenset[str] = frozenset(STOP_WORDS), minsize: int = MIN_WORD) -> None:
        self.stoplist = frozenset(stoplist)
        self.minsize = minsize
        self._stems: dict[str, str] = {}

    # The stem cache is process-local: keep it out of the schema Whoosh pickles into the index.
    def __getstate__(self) -> dict[str, object]:
        return {"stoplist": self.stoplist, "minsize": self.minsize}

    def __setstate__(self, state: dict[str, object]) -> None:
        self.__dict__.update(state)
        self._stems = {}

    def __eq__(self, other: object) -> bool:
        return (type(other) is type(self) and self.stoplist == other.stoplist  # type: ignore[attr-defined]
                and self.minsize == other.minsize)  # type: ignore[attr-defined]

    def __hash__(self) -> int:
        return hash((type(self).__name__, self.minsize, len(self.stoplist)))

    def stem(self, word: str) -> str:
        stemmed = self._stems.get(word)
        if stemmed is None:
            if len(self._stems) > 500_000:  # a pathological corpus must not grow the cache without bound
                self._stems.clear()
            stemmed = self._stems[word] = porter_stem(word)
        return stemmed

    def words(self, value: str) -> list[str]:
        """The words that are indexed, unstemmed and lowercased (the vocabulary for prefixes and spelling)."""
        stoplist, minsize = self.stoplist, self.minsize
        return [w for w in WORD.findall(value.lower()) if len(w) >= minsize and w not in stoplist]

    def stems(self, value: str) -> list[str]:
        """The indexed terms of ``value`` in order: the fast path used when indexing."""
        stems, stem = self._stems, self.stem
        return [stems.get(w) or stem(w) for w in self.words(value)]

    def __call__(self, value: str, positions: bool = False, chars: bool = False, keeporiginal: bool = False,
                 removestops: bool = True, start_pos: int = 0, start_char: int = 0, tokenize: bool = True,
                 mode: str = "", no_morph: bool = False, **kwargs: object) -> Iterator[Token]:
        token = Token(positions, chars, removestops=removestops, mode=mode, **kwargs)
        if tokenize:
            spans = ((m.group(), m.start(), m.end()) for m in WORD.finditer(value))
        else:
            spans = iter([(value, 0, len(value))])
        pos = start_pos
        for text, start, end in spans:
            word = text.lower()
            stopped = len(word) < self.minsize or word in self.stoplist
            if stopped and removestops:
                continue
            token.text = word if no_morph or stopped else self.stem(word)
            token.stopped = stopped
            token.boost = 1.0
            if keeporiginal:
                token.original = text
            if positions:
                token.pos = pos
            if chars:
                token.startchar, token.endchar = start_char + start, start_char + end
            if not stopped:
                pos += 1
            yield token


class PaperText(fields.TEXT):
    """A stemmed text field with positions that indexes through ``PaperAnalyzer.stems`` (see module doc)."""

    def __init__(self, **kwargs: object) -> None:
        kwargs.setdefault("analyzer", PaperAnalyzer())
        kwargs.setdefault("phrase", True)
        super().__init__(**kwargs)  # type: ignore[arg-type]
        if kwargs["phrase"]:  # positions as raw arrays, which the codec stores without unpickling
            self.format = PositionArray(field_boost=self.format.field_boost)

    def index(self, value: str, **kwargs: object):  # type: ignore[no-untyped-def,override]
        analyzer = self.analyzer
        if not isinstance(analyzer, PaperAnalyzer) or kwargs:
            yield from super().index(value, **kwargs)
            return
        positions: dict[str, list[int]] = {}
        for pos, term in enumerate(analyzer.stems(value)):
            found = positions.get(term)
            if found is None:
                positions[term] = [pos]
            else:
                found.append(pos)
        fmt = self.format
        boost = fmt.field_boost
        encode = fmt.encode if self.format.supports("positions") else (lambda plist: fmt.encode(len(plist)))
        for term, plist in positions.items():
            yield term.encode("utf-8"), len(plist), len(plist) * boost, encode(plist)
