"""The inbound layer: whatever a source file holds, every importer stores only inert text and valid links, skips
only the record that is wrong (saying file:record and why), and keeps memory bounded."""

from __future__ import annotations

import json
import os
import tracemalloc
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from hostile import PASTE_HIJACK, forbidden_in, hostile_text
from paperdeck.index.library import Library
from paperdeck.index.models import SourceRejected
from paperdeck.index.safety import safe_url
from paperdeck.index.sources import open_source, parse_source

GOOD_HF = {"paper": {"id": "2401.00001", "title": "A Good Paper", "summary": "It works."}}
GOOD_KAGGLE = {"id": "2401.00001", "title": "A Good Paper", "abstract": "It works."}


def stored_fields_are_inert(papers: list[Any]) -> None:
    for paper in papers:
        assert forbidden_in(paper.to_dict()) == []
        assert safe_url(paper.url) == paper.url
        for link in paper.links:
            assert safe_url(link.url) == link.url, link
        assert len(paper.title) <= 1000 and len(paper.abstract) <= 20_000


def hf_item(t: list[str]) -> dict[str, Any]:
    return {"title": t[0], "publishedAt": t[1], "paper": {
        "id": t[2], "title": t[3] + " Title", "summary": t[4], "authors": [{"name": t[5]}, {"name": t[6]}],
        "publishedAt": t[7], "upvotes": 3, "githubRepo": t[8], "githubStars": 5, "projectPage": t[9],
        "organization": {"fullname": t[10]}, "ai_summary": t[11], "ai_keywords": [t[12], t[13]],
        "submittedOnDailyAt": t[14]}}


def kaggle_record(t: list[str]) -> dict[str, Any]:
    return {"id": t[0], "title": t[1] + " Title", "abstract": t[2], "authors": t[3], "categories": t[4],
            "doi": t[5], "journal-ref": t[6], "versions": [{"created": t[7]}], "update_date": t[8],
            "authors_parsed": [[t[9], t[10], t[11]]], "submitter": t[12], "comments": t[13], "license": t[14]}


def atom_feed(t: list[str]) -> bytes:
    from xml.sax.saxutils import escape, quoteattr

    # XML 1.0 cannot carry C0 controls at all; C1, bidi, zero-width characters and newlines it can.
    t = ["".join(c for c in s if ord(c) >= 32 or c in "\n\t") for s in t]
    return (f'<?xml version="1.0"?><feed xmlns="http://www.w3.org/2005/Atom" '
            f'xmlns:arxiv="http://arxiv.org/schemas/atom"><entry><id>http://arxiv.org/abs/2401.00002v1</id>'
            f"<title>{escape(t[0])} Title</title><summary>{escape(t[1])}</summary><published>{escape(t[2])}"
            f"</published><author><name>{escape(t[3])}</name></author><arxiv:doi>{escape(t[4])}</arxiv:doi>"
            f"<arxiv:journal_ref>{escape(t[5])}</arxiv:journal_ref><link title=\"pdf\" href={quoteattr(t[6])}/>"
            f"<category term={quoteattr(t[7])}/></entry></feed>").encode()


def bibtex(t: list[str]) -> bytes:
    t = [s.replace("{", "").replace("}", "") for s in t]
    return (f"@article{{key1,\n title={{{t[0]} Title}},\n abstract={{{t[1]}}},\n author={{{t[2]} and {t[3]}}},\n"
            f" url={{{t[4]}}},\n doi={{{t[5]}}},\n journal={{{t[6]}}},\n keywords={{{t[7]}, {t[8]}}},\n"
            f" year={{2024}}\n}}\n").encode()


def daily_page(t: list[str]) -> bytes:
    return f"Mar 3\n\n{t[0]} Title\n\n{t[1]} We study a problem. It is hard. We solve it well here.\n".encode()


BUILDERS = {
    "hf.json": lambda t: json.dumps([GOOD_HF, hf_item(t)]).encode(),
    "kaggle.jsonl": lambda t: (json.dumps(GOOD_KAGGLE) + "\n" + json.dumps(kaggle_record(t)) + "\n").encode(),
    "feed.xml": atom_feed,
    "refs.bib": bibtex,
    "page.txt": daily_page,
}


@pytest.mark.parametrize("name", sorted(BUILDERS))
@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(values=st.lists(hostile_text, min_size=15, max_size=15))
def test_hostile_strings_in_every_field_are_stored_inert(name: str, values: list[str]) -> None:
    try:
        result = parse_source(BUILDERS[name](values), name)
    except SourceRejected:
        return  # a whole file refused with a reason is inert too
    stored_fields_are_inert(result.papers)
    for warning in result.warnings:
        assert forbidden_in(str(warning)) == []


WRONG_TYPES = [5, -1, 1.5, 1e308, True, None, [], [1, 2, 3], {}, {"a": [1]}, [[1, 2, 3]], "  ", [[[[[]]]]]]
HF_FIELDS = ["title", "summary", "id", "authors", "publishedAt", "upvotes", "githubRepo", "githubStars",
             "projectPage", "organization", "ai_summary", "ai_keywords", "submittedOnDailyAt"]
KAGGLE_FIELDS = list(kaggle_record(["x"] * 15))


@settings(max_examples=150, deadline=None)
@given(st.sampled_from(HF_FIELDS), st.sampled_from(WRONG_TYPES), st.booleans())
def test_hf_json_with_a_wrong_type_in_any_field_skips_only_that_item(field: str, value: object,
                                                                     top_level: bool) -> None:
    bad = {"paper": {"id": "2401.00002", "title": "The Bad Item", "summary": "s"}}
    (bad if top_level else bad["paper"])[field] = value
    result = parse_source(json.dumps([GOOD_HF, bad, GOOD_HF | {"paper": {**GOOD_HF["paper"], "id": "2401.00003"}}])
                          .encode(), "hf.json")
    keys = [p.key for p in result.papers]
    assert keys[0] == "2401.00001" and keys[-1] == "2401.00003"
    if len(keys) == 2:  # the bad item was skipped: the warning names the file, the item and the reason
        assert any(str(w).startswith("hf.json: item 2: ") for w in result.warnings), result.warnings
    stored_fields_are_inert(result.papers)


@settings(max_examples=150, deadline=None)
@given(st.sampled_from(KAGGLE_FIELDS), st.sampled_from(WRONG_TYPES))
def test_kaggle_jsonl_with_a_wrong_type_in_any_field_skips_only_that_line(field: str, value: object) -> None:
    bad = {**kaggle_record(["Fine"] * 15), "id": "2401.00002", field: value}
    lines = [GOOD_KAGGLE, bad, {**GOOD_KAGGLE, "id": "2401.00003"}]
    result = parse_source(("\n".join(json.dumps(x) for x in lines) + "\n").encode(), "k.jsonl")
    keys = [p.key for p in result.papers]
    assert keys[0] == "2401.00001" and keys[-1] == "2401.00003"
    if len(keys) == 2:
        assert any(str(w).startswith("k.jsonl:2: ") for w in result.warnings), result.warnings
    stored_fields_are_inert(result.papers)


@pytest.mark.parametrize("field,value,message", [
    ("authors", 5, "hf.json: item 2: field 'authors' should be a list of objects with a name, not the number 5: "
                   "skipped"),
    ("ai_keywords", 5, "hf.json: item 2: field 'ai_keywords' should be a list of text, not the number 5: skipped"),
    ("upvotes", 1e400, "hf.json: item 2: field 'upvotes' should be a whole number, not the number inf: skipped"),
])
def test_issue_11_hf_cases_skip_the_item_with_file_record_and_reason(field, value, message) -> None:
    bad = {"paper": {"id": "2401.00002", "title": "Bad", field: value}}
    result = parse_source(json.dumps([GOOD_HF, bad]).encode(), "hf.json")
    assert [p.key for p in result.papers] == ["2401.00001"]
    assert [str(w) for w in result.warnings] == [message]


@pytest.mark.parametrize("name,data", [
    ("hf.json", json.dumps([{"paper": {"id": "2401.00002", "title": "T", "githubRepo": "http://[oops"}}]).encode()),
    ("feed.xml", b'<feed xmlns="http://www.w3.org/2005/Atom"><entry><id>http://arxiv.org/abs/2401.00002</id>'
                 b'<title>T</title><link title="pdf" href="http://[oops"/></entry></feed>'),
    ("refs.bib", b"@article{k, title={T}, url={http://[oops}}\n"),
])
def test_an_unparsable_link_is_dropped_with_a_warning_and_the_paper_kept(name: str, data: bytes) -> None:
    result = parse_source(data, name)
    assert [p.title for p in result.papers] == ["T"]
    assert "http://[oops" not in json.dumps([p.to_dict() for p in result.papers])
    assert any("'http://[oops' dropped: cannot be parsed" in str(w) and str(w).startswith(name)
               for w in result.warnings)


def test_the_paste_hijack_link_and_other_schemes_are_dropped_with_a_warning_naming_the_field() -> None:
    items = [{"paper": {"id": f"2401.0000{n}", "title": f"T{n}", "githubRepo": url}}
             for n, url in enumerate([PASTE_HIJACK, "javascript:alert(1)", "file:///etc/passwd"], start=1)]
    items.append({"paper": {"id": "2401.00009", "title": "T9", "projectPage": "data:text/html,x"}})
    result = parse_source(json.dumps(items).encode(), "hf.json")
    assert len(result.papers) == 4 and all(not p.code_urls for p in result.papers)
    messages = [str(w) for w in result.warnings]
    assert messages == [
        "hf.json: paper 'T1': code link 'https://github.com/a/b touch pwned #' dropped: holds whitespace, quotes "
        "or control characters",
        "hf.json: paper 'T2': code link 'javascript:alert(1)' dropped: scheme javascript: is not http or https",
        "hf.json: paper 'T3': code link 'file:///etc/passwd' dropped: scheme file: is not http or https",
        "hf.json: paper 'T9': project link 'data:text/html,x' dropped: scheme data: is not http or https",
    ]


def test_issue_11_kaggle_cases_skip_the_line_and_never_force_a_rebuild(isolated_home, tmp_path: Path) -> None:
    lines = [GOOD_KAGGLE, {**GOOD_KAGGLE, "id": "2401.00002", "doi": "  "},
             {**GOOD_KAGGLE, "id": "2401.00003", "versions": {}},
             {**GOOD_KAGGLE, "id": "2401.00004", "authors_parsed": [[1, 2, 3]]}]
    source = tmp_path / "k.jsonl"
    source.write_text("\n".join(json.dumps(x) for x in lines) + "\n" + '{"id": ' + "[" * 100_000 + "\n")
    with Library() as library:
        [report] = library.add([source])
        assert report.status == "added" and report.papers == 2
        assert list(report.warnings) == [
            "k.jsonl:3: field 'versions' should be a list of objects, not an object of 0: skipped",
            "k.jsonl:4: field 'authors_parsed' should be a list of [last, first, suffix] text lists, not a "
            "list of 3: skipped",
            "k.jsonl:5: not a JSON object: skipped"]
    with Library() as library:  # the next command opens the library as it is: no recovery, no rebuild
        assert library.messages == []
        assert library.get("2401.00002") is not None and library.get("2401.00002").doi is None


def test_deep_nesting_never_escapes_as_recursion_error(isolated_home, tmp_path: Path) -> None:
    deep_json = tmp_path / "deep.json"
    deep_json.write_text('[{"paper": ' + "[" * 100_000 + "]" * 100_000 + "}]")
    depth = 100_000
    deep_bib = tmp_path / "deep.bib"
    deep_bib.write_text("@article{deep, title={" + "{" * depth + "x" + "}" * depth + "}}\n"
                        "@article{fine, title={A Fine Entry}, abstract={It is fine.}}\n")
    good = tmp_path / "good.json"
    good.write_text(json.dumps([GOOD_HF]))
    with Library() as library:
        reports = {Path(r.source).name: r for r in library.add([tmp_path])}
    assert reports["deep.json"].status == "skipped" and reports["deep.json"].reason == "not valid JSON (nested " \
                                                                                       "too deeply)"
    assert reports["deep.bib"].papers == 1
    assert "deep.bib:1: entry 'deep': braces nested 100002 deep (limit 32): skipped" in reports["deep.bib"].warnings
    assert reports["good.json"].status == "added"


def test_long_fields_are_cut_with_a_warning(tmp_path: Path) -> None:
    item = {"paper": {"id": "2401.00002", "title": "T" * 1_000_000, "summary": "word " * 10_000_000}}
    result = parse_source(json.dumps([item]).encode(), "big.json")
    [paper] = result.papers
    assert len(paper.title) == 1000 and len(paper.abstract) == 20_000
    assert [str(w).split(": ", 1)[1] for w in result.warnings] == [
        "paper 'TTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTT': title of 1,000,000 characters cut to "
        "1,000",
        "paper 'TTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTT': abstract of 49,999,999 characters cut "
        "to 20,000"]


@pytest.mark.slow
def test_a_200_mb_single_line_page_is_read_with_flat_memory(tmp_path: Path) -> None:
    page = tmp_path / "one-line.txt"
    with page.open("wb") as handle:
        handle.write(b"A Title Line\n\n")
        chunk = b"lorem ipsum dolor sit amet " * 40_000
        for _ in range(200_000_000 // len(chunk) + 1):
            handle.write(chunk)
        handle.write(b"\n\nAnother Title\n\nWe study a problem. It is hard. We solve it well in this paper.\n")
    assert page.stat().st_size > 200_000_000
    tracemalloc.start()
    papers, warnings, _ = open_source(page, "one-line.txt")
    titles = [p.title for p in papers]
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    assert titles == ["A Title Line", "Another Title"]
    assert "one-line.txt:3: line longer than 4 MB: cut" in [str(w) for w in warnings]
    assert peak < 100_000_000  # a few copies of the 4 MB cap, never the 200 MB line


def test_a_huge_jsonl_line_is_skipped_without_reading_it_whole(tmp_path: Path) -> None:
    source = tmp_path / "k.jsonl"
    with source.open("w") as handle:
        handle.write(json.dumps(GOOD_KAGGLE) + "\n")
        handle.write('{"id": "2401.00002", "title": "' + "x" * 20_000_000 + '"}\n')
        handle.write(json.dumps({**GOOD_KAGGLE, "id": "2401.00003"}) + "\n")
    tracemalloc.start()
    papers, warnings, fmt = open_source(source, "k.jsonl")
    keys = [p.key for p in papers]
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    assert fmt == "kaggle_jsonl" and keys == ["2401.00001", "2401.00003"]
    assert [str(w) for w in warnings] == ["k.jsonl:2: line longer than 4 MB: skipped"]
    assert peak < 30_000_000


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs FIFOs")
def test_fifo_device_and_folder_named_like_a_file_are_not_regular_files(isolated_home, tmp_path: Path) -> None:
    fifo = tmp_path / "x.txt"
    os.mkfifo(fifo)
    folder = tmp_path / "y.txt"
    folder.mkdir()
    with Library() as library:
        reports = library.add([fifo, "/dev/zero", folder])
    assert [(r.status, r.reason) for r in reports] == [
        ("skipped", "not a regular file (a device, pipe or socket)"),
        ("skipped", "not a regular file (a device, pipe or socket)"),
        ("skipped", "not a regular file (a folder, with no source files in it)")]
