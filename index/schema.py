"""The Whoosh schema and its version stamp.

Why records are not stored in the index: display fields live in the record store (SQLite), so the index only
holds what search needs (postings, spelling words, facet terms, sort columns). That keeps the index smaller and
lets a paper's record be merged from several sources without re-reading Whoosh stored fields.

Bump ``SCHEMA_VERSION`` whenever a field or analyzer changes: an index with another stamp is rebuilt, not
misread.
"""

from __future__ import annotations

from whoosh import fields

from . import whoosh_fixes  # noqa: F401  (applied before any index is written)
from whoosh.analysis import StandardAnalyzer, StemmingAnalyzer

SCHEMA_VERSION = 2

TEXT_FIELDS = ("title", "abstract")
TITLE_BOOST = 2.5


def build_schema() -> fields.Schema:
    stemmed = StemmingAnalyzer()
    return fields.Schema(
        key=fields.ID(stored=True, unique=True),
        # spelling=True with a stemming analyzer keeps the unstemmed words in "spell_<field>": did-you-mean
        # suggestions and prefix/fuzzy expansion work on real words, then map back to stems.
        title=fields.TEXT(analyzer=stemmed, field_boost=TITLE_BOOST, spelling=True, phrase=True),
        abstract=fields.TEXT(analyzer=stemmed, spelling=True, phrase=True),
        source=fields.KEYWORD(commas=True, lowercase=False, scorable=False),
        listed=fields.KEYWORD(commas=True, lowercase=False, scorable=False),
        has_code=fields.ID(),
        host=fields.KEYWORD(commas=True, lowercase=True, scorable=False),
        title_sort=fields.ID(sortable=True),
        date_sort=fields.ID(sortable=True),
        upvotes_sort=fields.NUMERIC(sortable=True),
        # Searchable with author:, category:, year: (and shown as facets through the *_facet fields).
        author=fields.TEXT(analyzer=StandardAnalyzer(stoplist=None, minsize=1), phrase=True),
        author_facet=fields.KEYWORD(commas=True, lowercase=False, scorable=False),
        category=fields.KEYWORD(commas=True, lowercase=True, scorable=False),
        category_facet=fields.KEYWORD(commas=True, lowercase=False, scorable=False),
        year=fields.ID(),
        upvotes=fields.ID(),
        organization=fields.KEYWORD(commas=True, lowercase=False, scorable=False),
    )


# Facets whose values are indexed as terms of a field of the same name. "bookmarked" is not among them: it
# comes from the bookmark store, so bookmarking never touches the index.
INDEXED_FACETS = ("source", "listed", "has_code", "host")
# facet name -> the index field holding its values
FACET_FIELDS = {"source": "source", "listed": "listed", "has_code": "has_code", "host": "host",
                "author": "author_facet", "category": "category_facet", "year": "year", "upvotes": "upvotes",
                "organization": "organization"}
QUERY_FIELDS = ("title", "abstract", "author", "category", "year")
