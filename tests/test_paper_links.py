"""The reader's link list (one line per distinct target, labelled, shortened) and opening links truthfully."""

from __future__ import annotations

import webbrowser

import pytest
from hypothesis import given
from hypothesis import strategies as st

from paperdeck.index.links import canonical_url
from paperdeck.index.models import Link, Paper
from paperdeck.tui import browser
from paperdeck.tui.widgets.paper_links import distinct_links, label_for, link_identity, shorten


def paper(url: str, *links: tuple[str, str], arxiv_id: str | None = None) -> Paper:
    return Paper(key="k", title="T", abstract="A", url=url, arxiv_id=arxiv_id,
                 links=[Link(u, kind, "") for u, kind in links])  # type: ignore[arg-type]


def test_the_same_page_spelled_differently_is_listed_once() -> None:
    shown = distinct_links(paper(
        "https://arxiv.org/abs/2401.01234",
        ("http://arxiv.org/abs/2401.01234v2", "paper"),
        ("https://www.arxiv.org/abs/2401.01234/", "paper"),
        ("https://arxiv.org/pdf/2401.01234v1.pdf", "pdf"),
        ("https://github.com/Org/Repo", "code"), ("https://github.com/org/repo.git", "code"),
        ("https://doi.org/10.1/x", "doi"), ("https://huggingface.co/org/model", "model"),
        ("https://example.org/project/#top", "project"), ("https://example.org/project", "project"),
        arxiv_id="2401.01234"))
    assert [(s.label, s.display) for s in shown] == [
        ("arXiv", "arxiv.org/abs/2401.01234"), ("PDF", "arxiv.org/pdf/2401.01234v1.pdf"),
        ("code", "github.com/Org/Repo"), ("DOI", "doi.org/10.1/x"), ("HF", "huggingface.co/org/model"),
        ("project", "example.org/project/#top"),
    ]


def test_only_http_links_are_offered() -> None:
    shown = distinct_links(paper("https://arxiv.org/abs/1", ("javascript:alert(1)", "project"),
                                 ("file:///etc/passwd", "project"), ("ftp://x.org/a", "project")))
    assert [s.url for s in shown] == ["https://arxiv.org/abs/1"]


def test_a_search_link_says_it_is_one() -> None:
    assert label_for(canonical_url("Some Title", None)) == "HF search"
    assert label_for(canonical_url("Some Title", "2401.00001")) == "arXiv"


def test_long_links_are_cut_in_the_middle_not_wrapped() -> None:
    url = "https://github.com/some-organisation/" + "a" * 100 + "/tree/main/src"
    text = shorten(url, 40)
    assert len(text) == 40 and text.startswith("github.com/some-") and text.endswith("/main/src") and "…" in text


@given(st.text(max_size=300), st.integers(min_value=5, max_value=120))
def test_shortened_text_fits_and_is_inert(url: str, width: int) -> None:
    text = shorten(url, width)
    assert len(text) <= width
    assert all(ch.isprintable() and not ch.isspace() for ch in text.replace("…", ""))


_URLS = st.builds(lambda scheme, host, path, slash: f"{scheme}://{host}/{path}{slash}",
                  st.sampled_from(["http", "https", "HTTPS", "ftp", "javascript"]),
                  st.sampled_from(["github.com", "www.github.com", "arxiv.org", "example.org", "hf.co"]),
                  st.from_regex(r"[a-z0-9/]{0,20}", fullmatch=True), st.sampled_from(["", "/"]))


@given(st.lists(_URLS, max_size=12))
def test_every_listed_link_is_http_and_distinct(urls: list[str]) -> None:
    shown = distinct_links(paper("https://arxiv.org/abs/1", *((u, "project") for u in urls)))
    assert all(s.url.lower().startswith(("http://", "https://")) for s in shown)
    identities = [link_identity(s.url) for s in shown]
    assert len(identities) == len(set(identities))
    wanted = {link_identity(u) for u in ["https://arxiv.org/abs/1", *urls]
              if u.lower().startswith(("http://", "https://"))}
    assert set(identities) == wanted  # nothing dropped but repeats


class _Console(webbrowser.GenericBrowser):
    def open(self, url: str, new: int = 0, autoraise: bool = True) -> bool:
        raise AssertionError("a console browser must never be started inside the app")


class _Gui(webbrowser.BackgroundBrowser):
    def __init__(self, answer: bool) -> None:
        super().__init__("gui-browser")
        self.answer = answer
        self.opened: list[str] = []

    def open(self, url: str, new: int = 0, autoraise: bool = True) -> bool:
        self.opened.append(url)
        return self.answer


def test_open_in_browser_says_what_happened(monkeypatch: pytest.MonkeyPatch) -> None:
    def none() -> webbrowser.BaseBrowser:
        raise webbrowser.Error("could not locate runnable browser")
    monkeypatch.setattr(webbrowser, "get", none)
    assert browser.open_in_browser("https://x.org") == (False, "no browser found")
    monkeypatch.setattr(webbrowser, "get", lambda: _Console("lynx"))
    assert browser.open_in_browser("https://x.org") == (False, "only a console browser (lynx) was found")
    gui = _Gui(True)
    monkeypatch.setattr(webbrowser, "get", lambda: gui)
    assert browser.open_in_browser("https://x.org") == (True, "opened in the browser")
    assert gui.opened == ["https://x.org"]
    monkeypatch.setattr(webbrowser, "get", lambda: _Gui(False))
    assert browser.open_in_browser("https://x.org") == (False, "the browser did not start")
    assert browser.open_in_browser("javascript:alert(1)") == (False, "only http(s) links are opened")
