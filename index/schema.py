"""The Whoosh schema and its version stamp.

Why records are not stored in the index: display fields live in the record store (SQLite), so the index only
holds what search needs (postings, and one column of facet values and sort keys per document). That keeps the index smaller and
lets a paper's record be merged from several sources without re-reading Whoosh stored fields.

Bump ``SCHEMA_VERSION`` whenever a field or analyzer changes: an index with another stamp is rebuilt, not
misread.
"""

from __future__ import annotations

from whoosh import columns, fields

from whoosh.analysis import StandardAnalyzer

from .analysis import PaperText
from .codec import PositionArray

SCHEMA_VERSION = 4  # 4: postings and lengths in paperdeck's codec (``codec.py``)

TEXT_FIELDS = ("title", "abstract")
TITLE_BOOST = 2.5


def build_schema() -> fields.Schema:
    return fields.Schema(
        key=fields.ID(stored=True, unique=True),
        # No Whoosh spelling fields: the unstemmed words live in the vocabulary (``vocabulary.py``), which
        # prefix and fuzzy expansion and did-you-mean read. Spelling fields cost ~40 % of the build.
        title=PaperText(field_boost=TITLE_BOOST),
        abstract=PaperText(),
        # Searchable with author:, category:, year: (ranges work on year).
        author=_author_field(),
        category=fields.KEYWORD(commas=True, lowercase=True, scorable=False),
        year=fields.ID(),
        # Facet values and sort keys are read back per document, never searched as terms (``snapshot.py``).
        facets=fields.COLUMN(columns.VarBytesColumn()),
    )


def _author_field() -> fields.TEXT:
    field = fields.TEXT(analyzer=StandardAnalyzer(stoplist=None, minsize=1), phrase=True)
    field.format = PositionArray(field_boost=1.0)  # stored by the codec without unpickling (``codec.py``)
    return field


QUERY_FIELDS = ("title", "abstract", "author", "category", "year")
