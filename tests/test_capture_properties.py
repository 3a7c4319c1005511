"""Property tests for the capture reader: generated papers rendered the way each tool saves a page parse back to
the same records, and mangled captures never let a junk record through."""

from __future__ import annotations

import html
import json
import textwrap

from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from paperdeck.index.models import SourceRejected
from paperdeck.index.sources import parse_source
from paperdeck.index.sources.capture_junk import prose_problem, title_problem

word = st.text(alphabet="abcdefghijklmnopqrstuvwxyz", min_size=2, max_size=11)
title_word = st.one_of(word.map(str.capitalize), word, st.sampled_from(["LLMs", "3D", "GPT-4", "Vision-Language",
                                                                         "RL:", "for", "of"]))


@st.composite
def papers(draw) -> list[tuple[str, str, str]]:
    """(title, abstract, arXiv id) triples with distinct titles and ids."""
    count = draw(st.integers(min_value=1, max_value=5))
    out = []
    for number in range(count):
        title = " ".join(draw(st.lists(title_word, min_size=2, max_size=12)))
        title = title[0].upper() + title[1:]
        assume(title_problem(title) is None and title.casefold() not in {t.casefold() for t, _, _ in out})
        sentences = [" ".join(draw(st.lists(word, min_size=8, max_size=16))).capitalize() + "."
                     for _ in range(draw(st.integers(min_value=2, max_value=5)))]
        out.append((title, " ".join(sentences), f"24{draw(st.integers(10, 12)):02d}.{10000 + number:05d}"))
    return out


def html2text_like(items: list[tuple[str, str, str]]) -> str:
    parts = ["# Daily Papers", "", "by AK and the research community", ""]
    for title, abstract, pid in items:
        parts += ["![](https://cdn/thumb.png)", "", "12", "",
                  *textwrap.wrap(f"### [{title}](https://huggingface.co/papers/{pid})", 78), "",
                  "  * ![](https://cdn/a.png)", "", "· 5 authors Aug 20, 2026", "",
                  *[line + "  " for line in textwrap.wrap(abstract, 80)], "",
                  f"[3 comments](https://huggingface.co/papers/{pid}#community) "
                  f"[arXiv Page](https://arxiv.org/abs/{pid})",
                  ""]
    return "\n".join(parts)


def markdownify_like(items: list[tuple[str, str, str]]) -> str:
    return "\n".join(f"[![](t.png)](/papers/{pid})\n\n7\n\n### [{title}](/papers/{pid})\n\n* ![](a.png)\n\n"
                     f"· 3 authors\nMay 30\n\n{abstract}\n\n[GitHub 1.2k](https://github.com/o/r)\n"
                     for title, abstract, pid in items)


def lynx_like(items: list[tuple[str, str, str]]) -> str:
    body, refs = ["                                  Daily Papers", ""], []
    for title, abstract, pid in items:
        refs.append(f"https://huggingface.co/papers/{pid}")
        body += ["   4", "", *textwrap.wrap(f"[{len(refs)}]{title}", 76), "", "   · 2 authors", "",
                 *textwrap.wrap(abstract, 72, initial_indent="   ", subsequent_indent="   ")]
        refs.append(f"https://huggingface.co/papers/{pid}#community")
        body += [f"   [{len(refs)}]1 comments", ""]
    return "\n".join(body + ["References", "", "   Visible links:"] +
                     [f"  {n}. {url}" for n, url in enumerate(refs, start=1)]) + "\n"


def notebook_like(items: list[tuple[str, str, str]]) -> str:
    return "Daily Papers\n\n" + "".join(f"{title}\n\nhttps://huggingface.co/papers/{pid}\n\n· 4 authors\n\n"
                                         f"  {abstract}  \n\n" for title, abstract, pid in items)


def saved_html(items: list[tuple[str, str, str]], hydrate: bool) -> str:
    data = {"dailyPapers": [{"paper": {"id": pid, "title": title, "summary": abstract}} for title, abstract, pid
                            in items], "dateString": "2024-11-02", "periodType": "day"}
    cards = "".join(f'<article><h3><a href="/papers/{pid}">{html.escape(title)}</a></h3><div>9</div>'
                    f"<p>{html.escape(abstract)}</p></article>" for title, abstract, pid in items)
    props = f' data-target="DailyPapers" data-props="{html.escape(json.dumps(data))}"' if hydrate else ""
    return (f"<!DOCTYPE html><html><head><title>Daily Papers</title></head><body><nav><a href='/models'>Models</a>"
            f"</nav><div class=\"SVELTE_HYDRATER contents\"{props}>{cards}</div><footer>TOS</footer></body></html>")


def trending_like(items: list[tuple[str, str, str]]) -> str:
    cards = "".join(f"### {title}\n\n{abstract}\n- 6 authors\n[LINK: GitHub 3.4k](https://github.com/a/b)\n\n" * 2
                    for title, abstract, _ in items)
    return "# Trending Papers\n\n## by AK and the research community\n\n" + cards


RENDERERS = {
    "html2text": html2text_like, "markdownify": markdownify_like, "lynx": lynx_like, "notebook": notebook_like,
    "html": lambda items: saved_html(items, True), "html_cards": lambda items: saved_html(items, False),
}


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much])
@given(papers(), st.sampled_from(sorted(RENDERERS)))
def test_generated_papers_parse_back_from_every_family(items, family: str) -> None:
    result = parse_source(RENDERERS[family](items).encode(), f"page.{family}")
    assert sorted((p.title, p.abstract, p.arxiv_id) for p in result.papers) == sorted(items)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much])
@given(papers())
def test_trending_cards_shown_twice_give_one_record_each_keyed_by_title(items) -> None:
    result = parse_source(trending_like(items).encode(), "trending.md")
    assert sorted((p.title, p.abstract) for p in result.papers) == sorted((t, a) for t, a, _ in items)
    assert all(p.github_stars == 3400 for p in result.papers)


JUNK = ["163", "---", "[Models](/models)", "### Company", "## Community", "- 8 authors", "![](x.png)",
        "Submitted by someone", "[3 comments](https://huggingface.co/papers/2401.00001#community)",
        "https://huggingface.co/papers/2401.00001", "### [Log In](/login)", "<div>", "Great work, congrats!",
        "Aug 20, 2026", "· 17 authors [Google](/google) Aug 20, 2026", "### [](https://huggingface.co/papers/2401.2)",
        "[12]Hugging Face", "References", "### Paper author", "## Abstract", "AI-generated summary", "# 2026",
        "TOSPrivacyAboutJobs", "Website"]
paragraph_damage = st.tuples(st.sampled_from(["delete", "duplicate", "swap", "insert"]), st.integers(0, 200),
                             st.sampled_from(JUNK))
# Whole-capture damage: the text browser's link list lost, long lines re-wrapped at another width, the capture
# cut off anywhere.
capture_damage = st.one_of(st.just(("drop_links",)), st.tuples(st.just("rewrap"), st.integers(20, 200)),
                           st.tuples(st.just("truncate"), st.floats(0.05, 1.0)))


def damage(text: str, how: tuple) -> str:
    if how[0] == "drop_links":
        at = text.find("References")
        return text[:at] if at >= 0 else text
    if how[0] == "rewrap":  # a narrower converter: long lines wrapped at spaces, indentation kept (a Markdown
        out = []            # heading cannot wrap: converters leave it whole)
        for line in text.split("\n"):
            if line.startswith("#"):
                out.append(line)
                continue
            indent = line[: len(line) - len(line.lstrip())]
            out += [indent + piece for piece in textwrap.wrap(line.strip(), how[1], break_long_words=False,
                                                              break_on_hyphens=False)] or [line]
        return "\n".join(out)
    return text[: int(len(text) * how[1])]


def mutate(text: str, mutations: list[tuple[str, int, str]]) -> str:
    """Paragraph-level damage: paragraphs dropped, repeated, swapped, junk inserted."""
    paragraphs = text.split("\n\n")
    for op, position, junk in mutations:
        at = position % (len(paragraphs) + 1)
        if op == "insert":
            paragraphs.insert(at, junk)
        elif paragraphs and at < len(paragraphs):
            if op == "delete":
                del paragraphs[at]
            elif op == "duplicate":
                paragraphs.insert(at, paragraphs[at])
            elif at + 1 < len(paragraphs):
                paragraphs[at], paragraphs[at + 1] = paragraphs[at + 1], paragraphs[at]
    return "\n\n".join(paragraphs)


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much])
@given(papers(), st.sampled_from(["html2text", "markdownify", "lynx", "notebook", "trending"]),
       st.lists(paragraph_damage, max_size=8), st.lists(capture_damage, max_size=3))
def test_mangled_captures_never_let_junk_through(items, family: str, mutations, damages) -> None:
    render = trending_like if family == "trending" else RENDERERS[family]
    mangled = mutate(render(items), mutations)
    for how in damages:
        mangled = damage(mangled, how)
    try:
        result = parse_source(mangled.encode(), "mangled.md")
    except SourceRejected as err:
        assert "\n" not in err.reason
        return
    titles = {title for title, _, _ in items}
    pairs = {(pid, title) for title, _, pid in items}
    abstracts = {abstract for _, abstract, _ in items}
    for paper in result.papers:
        assert title_problem(paper.title) is None and paper.title in titles
        assert not paper.abstract or prose_problem(paper.abstract) is None
        # An abstract is one paper's (or the start of one, when the capture was cut), never glued from two.
        assert not paper.abstract or any(a.startswith(paper.abstract.rstrip(".")[:200]) for a in abstracts)
        if family == "notebook":
            # A notebook export's URL belongs to whatever text sits above it: with a card's title and its own URL
            # deleted, the next card's URL (or a stray one) under it reads as this card's. The input says no
            # more than that, so only this holds: the id is one the capture shows, never invented.
            assert paper.arxiv_id is None or paper.arxiv_id in mangled
        else:
            assert paper.arxiv_id is None or (paper.arxiv_id, paper.title) in pairs


def test_a_lynx_dump_that_lost_its_link_list_gives_its_cards_not_abstract_lines() -> None:
    """The shape that used to fall back to the seeds' layout and take a wrapped abstract line for a title."""
    items = [("Sparse Routing for Mixture Models", "We study routing. " * 4 + "Results improve on every task.",
              "2410.10001"), ("Dense Retrieval at Scale", "Retrieval matters a lot here. " * 3 + "We show how.",
                              "2410.10002")]
    text = damage(lynx_like(items), ("drop_links",))
    result = parse_source(text.encode(), "lynx-nolist.txt")
    assert sorted((p.title, p.abstract) for p in result.papers) == sorted((t, a) for t, a, _ in items)


compound = st.builds(lambda a, b: f"{a}-{b}", word, word)
spaced_hyphen = st.builds(lambda a, b: f"{a}- {b}", word, word)  # the text's own odd space ("single- turn")


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.filter_too_much])
@given(st.lists(st.one_of(word, word, compound, spaced_hyphen), min_size=30, max_size=120), st.integers(30, 90),
       st.booleans())
def test_wrapped_prose_is_joined_back_exactly(words, width: int, breaks_at_hyphens: bool) -> None:
    """A paragraph wrapped by a tool that breaks after hyphens (textwrap, as html2text) or only at spaces
    (pandoc, lynx, w3m) comes back as written, hyphens and spaces included, once the capture shows which."""
    from paperdeck.index.sources.capture_blocks import join_wrapped, wraps_at_spaces_only
    from paperdeck.index.sources.capture_text import text_blocks

    text = " ".join(words)
    lines = textwrap.wrap(text, width, break_on_hyphens=breaks_at_hyphens, break_long_words=False)
    if breaks_at_hyphens:
        assume("- " not in text)  # after a hyphen that ends a line, textwrap's output cannot tell
    else:
        assume(wraps_at_spaces_only(lines))  # the capture must show it: a compound kept whole where it could split
    [block] = text_blocks("\n".join(lines))
    assert join_wrapped(block.lines) == text
