"""Lenient query parsing: Whoosh syntax in, a query that never raises out, plus notes on what was simplified.

Why lenient: the app searches on every keystroke, so half-typed input (``"sparse``, ``title:``,
``attention AND``, ``(``) is the normal case, not an error. Why rewrite prefix and fuzzy terms: the text fields
are stemmed, so ``attenti*`` would match nothing (the stem is ``attent``) and ``attension~`` would be compared
against stems. Instead they are expanded over the unstemmed words of the vocabulary (``vocabulary.py``), and
each word found is searched by its stem.
"""

from __future__ import annotations

import re
import threading
from dataclasses import dataclass, field

from whoosh import query as wq
from whoosh.qparser import FuzzyTermPlugin, MultifieldParser
from whoosh.reading import IndexReader

from .clean import one_line
from .schema import QUERY_FIELDS, TEXT_FIELDS, TITLE_BOOST
from .vocabulary import Vocabulary

OPERATORS = frozenset({"AND", "OR", "NOT", "ANDNOT", "ANDMAYBE"})
MAX_EXPANSION = 48  # words one prefix/fuzzy term may expand to, most frequent first
MAX_WILDCARD_SCAN = 4000  # most frequent words under a wildcard's literal prefix that are matched against it
MIN_PREFIX = 2
MIN_TYPING_PREFIX = 3
MAX_FUZZY_DISTANCE = 2  # ``attention~99`` walked the vocabulary with a huge automaton; 2 edits find the typos
MAX_FUZZY_WORD = 40  # letters: a Levenshtein automaton grows with the word, and no real word is this long
MAX_QUERY_CHARS = 1000  # a 100 KB paste is cut (with a note): a query that long is never a search
MAX_PATTERNS = 16  # prefix/wildcard/fuzzy terms expanded per query; the rest are searched as typed
MAX_QUERY_TERMS = 400  # terms in one query after expansion: the evaluator's work stays bounded


class SearchCancelled(Exception):
    """The search's cancel flag was set (a newer search superseded it): its answer is no longer wanted."""


def check_cancelled(cancel: threading.Event | None) -> None:
    """Raise ``SearchCancelled`` if ``cancel`` is set. Called between terms, so a superseded search stops
    within one term's work instead of running to the end while the newer one waits for the engine."""
    if cancel is not None and cancel.is_set():
        raise SearchCancelled("search cancelled")
_FIELD_PREFIX = re.compile(r"(?<![\w:])(\w+):(?=\S)")
_DANGLING_FIELD = re.compile(r"(?<![\w:])(\w+):(?=\s|$)")


@dataclass
class ParsedQuery:
    """A Whoosh query plus what the user should be told about how their input was read."""

    query: wq.Query
    text: str  # the query string actually parsed, after simplification
    notes: list[str] = field(default_factory=list)
    words: list[str] = field(default_factory=list)  # plain words typed, for did-you-mean


def simplify(raw: str, as_you_type: bool = False) -> tuple[str, list[str]]:
    """Repair half-typed syntax so Whoosh reads it as the user most likely meant; say what changed."""
    notes: list[str] = []
    text = one_line(raw[:MAX_QUERY_CHARS * 4])
    if len(text) > MAX_QUERY_CHARS:
        cut = text[:MAX_QUERY_CHARS]
        text = cut.rsplit(" ", 1)[0] if " " in cut else cut  # not in the middle of a word
        notes.append(f"query cut to its first {MAX_QUERY_CHARS:,} characters")
    if text.count('"') % 2:
        text += '"'
        notes.append("closed an open quote")
    depth, kept = 0, []
    for ch in text:
        if ch == ")" and depth == 0:
            notes.append("ignored an unmatched ')'")
            continue
        depth += {"(": 1, ")": -1}.get(ch, 0)
        kept.append(ch)
    text = "".join(kept)
    if depth > 0:
        text += ")" * depth
        notes.append("closed an open '('")
    while "()" in text:
        text = text.replace("()", " ")
    text, count = _DANGLING_FIELD.subn("", text)
    if count:
        notes.append("ignored a field name with nothing after it")
    unknown = [m.group(1) for m in _FIELD_PREFIX.finditer(text) if m.group(1) not in QUERY_FIELDS]
    if unknown:
        text = _FIELD_PREFIX.sub(lambda m: m.group(0) if m.group(1) in QUERY_FIELDS else m.group(1) + " ", text)
        notes.append(f"unknown field {unknown[0]!r}: searched as words (fields: {', '.join(QUERY_FIELDS)})")
    tokens = text.split()
    still_typing = as_you_type and not raw.endswith((" ", '"', ")"))
    while tokens and tokens[-1] in OPERATORS:
        notes.append(f"ignored a trailing {tokens.pop()}")
        still_typing = False
    while tokens and tokens[0] in ("AND", "OR", "ANDMAYBE", "ANDNOT"):
        notes.append(f"ignored a leading {tokens.pop(0)}")
    short_prefix = [t for t in tokens if t.endswith("*") and len(t.strip('*("').split(":")[-1]) < MIN_PREFIX]
    if short_prefix:
        tokens = [t.rstrip("*") if t in short_prefix else t for t in tokens]
        tokens = [t for t in tokens if t.strip("()\"")]
        notes.append(f"a prefix needs {MIN_PREFIX}+ letters")
    if still_typing and tokens and re.fullmatch(r"[\w\-]+", tokens[-1]) and tokens[-1] not in OPERATORS:
        if len(tokens[-1]) >= MIN_TYPING_PREFIX:
            tokens[-1] += "*"
    return " ".join(tokens), notes


def _parser(schema) -> MultifieldParser:  # type: ignore[no-untyped-def]
    parser = MultifieldParser(list(TEXT_FIELDS), schema, fieldboosts={"title": TITLE_BOOST})
    parser.add_plugin(FuzzyTermPlugin())
    return parser


@dataclass
class _Budget:
    """What one query may still expand, the notes about what was cut, and the search's cancel flag."""

    notes: list[str]
    cancel: threading.Event | None
    typed: dict[tuple[object, str], bool] = field(default_factory=dict)  # typed pattern -> expanded?
    capped_fuzzy: bool = False

    def take_pattern(self, q: wq.Query) -> bool:
        """Whether to expand this pattern: the first ``MAX_PATTERNS`` typed ones are (a typed term is one
        query per field, counted once)."""
        check_cancelled(self.cancel)
        typed = (getattr(q, "startchar", None), q.text)
        if typed not in self.typed:
            self.typed[typed] = sum(self.typed.values()) < MAX_PATTERNS
            if not self.typed[typed] and list(self.typed.values()).count(False) == 1:
                self.notes.append(f"only the first {MAX_PATTERNS} prefix/fuzzy terms were expanded")
        return self.typed[typed]


def parse_query(raw: str, schema, reader: IndexReader, vocabulary: Vocabulary,  # type: ignore[no-untyped-def]
                as_you_type: bool = False, cancel: threading.Event | None = None) -> ParsedQuery:
    """Parse ``raw`` leniently. An empty or all-stopword query matches every paper. Setting ``cancel`` stops
    the expansion with ``SearchCancelled``."""
    text, notes = simplify(raw, as_you_type=as_you_type)
    words = [w for w in re.findall(r"[^\W_]+", re.sub(r"\b\w+:", " ", text)) if w not in OPERATORS]
    if not text.strip():
        return ParsedQuery(wq.Every(), text, notes, words)
    try:
        parsed = _parser(schema).parse(text)
    except Exception as err:  # Whoosh's parser can raise on odd token mixes; never let that reach the user
        notes.append(f"could not read the syntax ({type(err).__name__}): searched the words")
        text = " ".join(words)
        parsed = _parser(schema).parse(text) if text else wq.NullQuery
    if parsed is wq.NullQuery or isinstance(parsed, type(wq.NullQuery)):
        if words:
            notes.append("only common words: showing everything")
        return ParsedQuery(wq.Every(), text, notes, words)
    budget = _Budget(notes, cancel)
    rewritten = _expand(parsed, schema, reader, vocabulary, text, budget)
    terms = sum(1 for _ in rewritten.leaves())
    if terms > MAX_QUERY_TERMS:
        notes.append(f"the query has {terms:,} terms; searched its first {MAX_QUERY_TERMS:,}")
        rewritten = _first_terms(rewritten, MAX_QUERY_TERMS)
    return ParsedQuery(rewritten, text, notes, words)


def _first_terms(q: wq.Query, limit: int) -> wq.Query:
    """``q`` with only its first ``limit`` leaves (later subqueries dropped): a bound on the evaluator's work."""
    remaining = [limit]

    def keep(sub: wq.Query) -> wq.Query:
        if sub.is_leaf():
            remaining[0] -= 1
            return sub if remaining[0] >= 0 else wq.NullQuery
        return sub.apply(keep)
    return keep(q).normalize()


def _expand(q: wq.Query, schema, reader: IndexReader, vocabulary: Vocabulary,  # type: ignore[no-untyped-def]
            text: str, budget: _Budget) -> wq.Query:
    """Replace prefix, wildcard and fuzzy terms on stemmed fields with the stems of real words."""
    if isinstance(q, (wq.FuzzyTerm, wq.Prefix, wq.Wildcard)) and q.fieldname in TEXT_FIELDS \
            and not budget.take_pattern(q):
        return _terms_for_words(q.fieldname, schema, reader, [], q.boost,
                                always=[] if isinstance(q, wq.Wildcard) else [q.text])
    if isinstance(q, wq.FuzzyTerm) and q.fieldname in TEXT_FIELDS:
        start, end = getattr(q, "startchar", None), getattr(q, "endchar", None)
        word = text[start:end].lower() if start is not None and end is not None else q.text
        word = word.split(":")[-1].rstrip("~0123456789") or q.text
        maxdist = min(int(q.maxdist), MAX_FUZZY_DISTANCE)
        if maxdist < q.maxdist and not budget.capped_fuzzy:
            budget.capped_fuzzy = True
            budget.notes.append(f"fuzzy matching is capped at {MAX_FUZZY_DISTANCE} edits")
        if len(word) > MAX_FUZZY_WORD:
            found = []
        else:
            found = vocabulary.within(word, maxdist, prefix=q.prefixlength, fieldname=q.fieldname)
        return _terms_for_words(q.fieldname, schema, reader, [w for w, _ in found][:MAX_EXPANSION], q.boost,
                                always=[q.text])
    if isinstance(q, wq.Prefix) and q.fieldname in TEXT_FIELDS:
        words = vocabulary.expand_prefix(q.text, q.fieldname, MAX_EXPANSION)
        return _terms_for_words(q.fieldname, schema, reader, words, q.boost, always=[q.text])
    if isinstance(q, wq.Wildcard) and q.fieldname in TEXT_FIELDS:
        literal = re.split(r"[*?]", q.text, maxsplit=1)[0]
        if len(literal) < MIN_PREFIX:
            return wq.NullQuery
        pattern = re.compile(re.escape(q.text).replace(r"\*", ".*").replace(r"\?", ".") + "$")
        words = [w for w in vocabulary.expand_prefix(literal, q.fieldname, MAX_WILDCARD_SCAN) if pattern.match(w)]
        return _terms_for_words(q.fieldname, schema, reader, words[:MAX_EXPANSION], q.boost, always=[])
    if isinstance(q, wq.Every) and getattr(q, "fieldname", None):
        return wq.Every()
    if q.is_leaf():
        return q
    return q.apply(lambda sub: _expand(sub, schema, reader, vocabulary, text, budget))


def _terms_for_words(fieldname, schema, reader, words, boost, always) -> wq.Query:  # type: ignore[no-untyped-def]
    """An Or of the stems of ``words`` (already the most frequent first), plus the ``always`` stems."""
    analyzer = schema[fieldname].analyzer
    stems = dict.fromkeys(always)
    for word in words:
        for token in analyzer(word, mode="query"):
            stems[token.text] = None
    existing = [s for s in stems if reader.doc_frequency(fieldname, s)]
    if not existing:
        return wq.NullQuery
    terms = [wq.Term(fieldname, s, boost=boost) for s in existing]
    return terms[0] if len(terms) == 1 else wq.Or(terms)
