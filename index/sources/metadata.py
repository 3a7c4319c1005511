"""Building a ``Paper`` from the fields of a metadata source (HF API, arXiv, BibTeX), cleaned the same way.

Why shared: every metadata format brings the same kinds of values (arXiv id, authors, dates, links), and the
rules for cleaning them (undo arXiv line wraps, repair mojibake, drop control characters) and for deriving links
must not differ between formats.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable
from datetime import datetime
from email.utils import parsedate_to_datetime

from ..clean import clean_paragraph, latex_to_display, one_line, strip_control, title_key
from ..links import canonical_url, classify, extract_links, normalise_arxiv_id
from ..models import Link, PageSeen, Paper


_DOI = re.compile(r"10\.\d{4,9}/\S{1,280}$")


@functools.lru_cache(maxsize=1)
def _ftfy():  # type: ignore[no-untyped-def]
    import ftfy

    return ftfy


def clean_text(value: object) -> str:
    """Metadata text: mojibake repaired (ftfy), control characters removed, line wraps and indents undone."""
    if value is None:
        return ""
    text = strip_control(str(value))  # first: ftfy would take C1 controls for mojibake and half-strip escapes
    if any(ord(ch) > 127 for ch in text):
        text = _ftfy().fix_text(text, normalization="NFC")
    return clean_paragraph(text)


def clean_name(value: object) -> str:
    """An author or organisation name: TeX accents decoded (``Bal\\'azs`` -> ``Balázs``), one line."""
    return one_line(latex_to_display(clean_text(value)))


def iso_date(value: object) -> str | None:
    """``2024-05-27T...``, ``Mon, 2 Apr 2007 19:18:42 GMT`` or ``2013-06-26`` -> ``YYYY-MM-DD``."""
    if not value:
        return None
    text = str(value).strip()
    if re.fullmatch(r"\d{4}(-\d{2})?", text):  # a year, or year and month (BibTeX): kept as precise as given
        return text
    try:
        return datetime.fromisoformat(text.replace("Z", "+00:00")).date().isoformat()
    except ValueError:
        pass
    try:
        return parsedate_to_datetime(text).date().isoformat()
    except (TypeError, ValueError, IndexError):
        return None


def as_int(value: object) -> int | None:
    try:
        return int(value) if value is not None and value != "" else None  # type: ignore[call-overload]
    except (TypeError, ValueError, OverflowError):  # None-like junk, or float('inf') from a crafted file
        return None


def build_paper(
    *,
    source: str,
    title: object,
    abstract: object = "",
    arxiv_id: object = None,
    authors: Iterable[object] = (),
    categories: Iterable[object] = (),
    published: object = None,
    listed: str | None = None,
    doi: object = None,
    upvotes: object = None,
    github_repo: object = None,
    github_stars: object = None,
    project_page: object = None,
    organization: object = None,
    ai_summary: object = None,
    keywords: Iterable[object] = (),
    journal_ref: object = None,
    extra_links: Iterable[str] = (),
    line: int | None = None,
    comments: object = None,
    context: str | None = None,
) -> Paper | None:
    """A cleaned record, or None when there is no usable title."""
    clean_title = clean_text(title)
    if not clean_title:
        return None
    text = clean_text(abstract)
    arxiv = normalise_arxiv_id(str(arxiv_id)) if arxiv_id else None
    doi_text = clean_text(doi).lower().removeprefix("https://doi.org/") or None
    if doi_text and not _DOI.match(doi_text):  # kept as text, but never made into a key or a link
        doi_text, doi_field = None, one_line(doi_text)[:300]
    else:
        doi_field = doi_text
    links: dict[str, Link] = {}

    def add(url: object, kind: str | None = None) -> None:
        if not url:
            return
        try:
            link = classify(str(url).strip())
        except ValueError:  # unparsable ("http://[oops"): kept as is, so the inbound check reports and drops it
            link = Link(url=str(url), kind="project", host="")
        if kind:
            link = Link(url=link.url, kind=kind, host=link.host)  # type: ignore[arg-type]
        links.setdefault(link.url, link)

    if arxiv:
        add(f"https://arxiv.org/abs/{arxiv}", "paper")
        add(f"https://arxiv.org/pdf/{arxiv}", "pdf")
        add(f"https://huggingface.co/papers/{arxiv}", "hf")
    if github_repo:
        add(github_repo, "code")
    if project_page:
        add(project_page, "project")
    if doi_text:
        add(f"https://doi.org/{doi_text}", "doi")
    for url in extra_links:
        add(url)
    for link in extract_links(text):
        links.setdefault(link.url, link)
    key = arxiv or (f"doi:{doi_text}" if doi_text else title_key(clean_title))
    return Paper(
        key=key,
        title=clean_title,
        abstract=text,
        url=canonical_url(clean_title, arxiv) if arxiv or not doi_text else f"https://doi.org/{doi_text}",
        arxiv_id=arxiv,
        links=list(links.values()),
        pages=[PageSeen(source=source, listed=listed, line=line, context=context)],
        authors=[name for name in (clean_name(a) for a in authors) if name],
        categories=[c for c in (one_line(str(c)) for c in categories) if c],
        published=iso_date(published),
        upvotes=as_int(upvotes),
        doi=doi_field,
        organization=clean_name(organization) or None,
        github_stars=as_int(github_stars),
        ai_summary=clean_text(ai_summary) or None,
        keywords=[k for k in (clean_text(k) for k in keywords) if k],
        journal_ref=clean_text(journal_ref) or None,
        comments=as_int(comments),
    )
