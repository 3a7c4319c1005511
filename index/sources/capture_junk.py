"""What is, and is not, a paper: the checks every candidate record from a capture passes before it is kept.

Why a separate gate: page captures are full of text that looks like a title to a line-shape parser (menus,
"Trending Papers", "8 authors", a user name, a URL, leftover Markdown). A record that fails here is reported
with file:line and the reason, and dropped; it never reaches the library. This is about junk, not about
hostile text (control characters, link schemes and length caps are the inbound sanitiser's job).
"""

from __future__ import annotations

import re

CHROME = frozenset(s.casefold() for s in (
    "new", "subscribe", "daily papers", "trending papers", "trending", "papers", "by ak and the research community",
    "byak and the research community", "get trending papers in your email inbox!",
    "get trending papers in your email inbox once a day!", "models", "datasets", "spaces", "docs", "pricing",
    "log in", "login", "sign up", "hugging face", "community", "abstract", "ai-generated summary", "upvote",
    "view pdf", "project page", "arxiv page", "github", "website", "company", "tos", "privacy", "about", "jobs",
    "blog", "enterprise", "posts", "collections", "paper page", "papers with code", "what is papers with code?",
    "previous", "next", "load more", "see all", "search", "home", "menu", "share", "copy link", "cite",
    "models citing this paper", "datasets citing this paper", "spaces citing this paper",
    "collections including this paper", "no model linking this paper", "paper author", "reply", "like",
    "references", "visible links", "hidden links", "links", "view arxiv page", "read the paper", "pdf", "html",
    "abstract page", "paper", "add to collection", "system theme", "careers",
))
_CHROME_PREFIX = re.compile(
    r"^[\s·•|]*(?:submitted by|published on|authors?:|arxiv:|upvote|get trending|models citing|datasets citing|"
    r"spaces citing|collections including|cite arxiv|page title:|url:|visible links|hidden links|references:|\d+ (?:authors?|comments?|upvotes?)\b)",
    re.IGNORECASE)
_URL_PIECE = re.compile(r"\w/\d{4}\.\d{4,5}\b|\.(?:com|org|net|io|co|ai)/", re.IGNORECASE)  # "pers/2410.10000)"
_URLISH = re.compile(r"^(?:[a-z][a-z0-9+.-]*://|www\.)|^\S+\.(?:com|org|net|io|co|ai)(?:/\S*)?$", re.IGNORECASE)
_MARKUP = re.compile(r"\]\(|!\[|^\s*(?:#|>|\||[-*+·•]\s|:::|```|\[\d+\]\S)|</?[a-z][^>]*>|\{\.[\w-]+|^\W+$",
                     re.IGNORECASE)
_IMAGE_NAME = re.compile(r"\.(?:png|jpe?g|gif|svg|webp|avif)\b|!\(", re.IGNORECASE)  # "!(x.png)": a broken image
_NUMBERISH = re.compile(r"^[\s\d.,:/+·%kKmM()-]*$")
_DATEISH = re.compile(r"^(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\.?\s+\d{1,2}(?:,?\s+\d{4})?$",
                      re.IGNORECASE)
_NOT_LETTERS = re.compile(r"[\W\d_]+")
_WORD = re.compile(r"[^\W\d_]")
# Two sentences ending in full stops: prose. Titles do have inner "!" and "?" ("Riddle Me This! ..."), not ". X".
_FULL_STOP_BREAK = re.compile(r"[a-z]\.\s+[A-Z(]")
_FULL_STOP_BREAK_SPLIT = re.compile(r"(?<=[a-z]\.)\s+(?=[A-Z(])")
_CAMEL_WORD = re.compile(r"[A-Z][a-z]+|[A-Z]+(?![a-z])|[a-z]+")
TITLE_MAX = 400
TITLE_MAX_WORDS = 40


def title_problem(title: str, names: frozenset[str] = frozenset(), plain_text: bool = False) -> str | None:
    """Why ``title`` is not a paper title (None when it is one). ``names``: the page's author/user names.

    ``plain_text``: the title comes from a plain copy of the page, where a stray "[" is the title's own text (in a
    Markdown capture it is a link the converter broke)."""
    text = title.strip()
    folded = text.casefold().rstrip(":")
    if not text:
        return "empty title"
    if _URLISH.search(text) or _URL_PIECE.search(text):
        return "title is a URL"
    if _MARKUP.search(text) or _IMAGE_NAME.search(text) or (not plain_text and text.count("[") != text.count("]")):
        return "title is a Markdown or HTML fragment"
    if _NUMBERISH.match(text):
        return "title is a number"
    if folded in CHROME or _CHROME_PREFIX.match(text) or is_chrome_line(text):
        return "title is page chrome"
    if _DATEISH.match(text):
        return "title is a date"
    if folded in names:
        return "title is a name from the page"
    if not _WORD.search(text):
        return "title has no words"
    if len(text) > TITLE_MAX or len(text.split()) > TITLE_MAX_WORDS or _sentences(text):
        return "title reads as prose, not a title"
    if _exclaimed(text):
        return "title reads as a comment, not a title"
    return None


def _sentences(text: str) -> bool:
    """Whether ``text`` is sentences of prose rather than a title that holds a full stop.

    Titles do hold full stops ("... Clouds. IX. The Serpens YSO Population"), but they stay in title case; a
    line cut out of an abstract (a hard-wrapped line of a capture whose layout was lost) ends a sentence and goes
    on in lower case, or ends in a full stop itself."""
    stop = _FULL_STOP_BREAK.search(text)
    if stop is None and not text.endswith("."):
        return False
    if stop is not None and text.endswith("."):
        return True
    words = [word for sentence in _FULL_STOP_BREAK_SPLIT.split(text) for word in sentence.split()[1:]]
    lower = [word for word in words if word[:1].islower()]
    return len(words) >= 6 and len(lower) >= 0.6 * len(words)


def is_chrome_line(line: str) -> bool:
    """A line of nothing but page chrome, also when a text copy ran the menu's words together
    ("TOSPrivacyAboutJobs"): it ends the paragraph above rather than going on with it."""
    text = line.strip()
    if text.casefold() in CHROME:
        return True
    words = _CAMEL_WORD.findall(text)
    return (len(words) >= 2 and "".join(words) == re.sub(r"[\W_]", "", text)
            and all(word.casefold() in CHROME for word in words))


def _exclaimed(text: str) -> bool:
    """A short exclamation in sentence case ("Great work, congrats!"): a comment under a paper, not a title
    (titles that end in "!" are in title case: "Riddle Me This!")."""
    words = [word for word in text.rstrip("!").split() if word[:1].isalpha()]
    return text.endswith("!") and len(words) >= 2 and all(word[:1].islower() for word in words[1:])


def prose_problem(text: str) -> str | None:
    """Why ``text`` does not read as an abstract or summary (None when it does)."""
    words = text.split()
    if len(words) < 6:
        return "abstract is too short to be one"
    if ("://" in text or "www." in text) and len(
            [w for w in words if not _URLISH.search(w.strip("()[]<>.,;"))]) < 6:
        return "abstract is mostly links"
    if _MARKUP.search(text) or "](" in text or "![" in text:
        return "abstract holds Markdown or HTML"
    if len(_NOT_LETTERS.sub("", text)) < 0.5 * len(text):
        return "abstract is mostly not letters"
    return None
