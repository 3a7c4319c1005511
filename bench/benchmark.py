"""The benchmark: ``python -m paperdeck.bench --size 10000 [--json out.json]``.

Builds a library of N synthetic papers (``synthetic.py``) in a throw-away home and measures, each phase in its
own process so peak memory is per phase: index build (time, papers/s, size on disk), opening the library,
warm query latency over a fixed query mix (p50/p95/max per kind), the cost of facet counts, highlights,
similar papers and did-you-mean, adding 50 papers to the built library, and the app's cold start and
keystroke-to-results time (headless: from the search box's change to the frame after the results were shown,
as the app itself records it; the pilot's whole round trip is reported next to it). The same corpus and queries run on SQLite FTS5 (bm25) in the same run as
the baseline, and every figure that has an FTS5 counterpart is also given as a ratio to it, because absolute
times drift on shared machines.

Why outside the engine: the benchmark drives the engine and starts the app (``paperdeck.tui.benchmark_app``, in
its own process so its start is cold); the engine itself knows neither, which import-linter checks.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

# (kind, paperdeck query, FTS5 query)
QUERY_MIX: list[tuple[str, str, str]] = [
    ("term", "attention", "attention"),
    ("term", "pruning", "pruning"),
    ("term", "diffusion", "diffusion"),
    ("term", "retrieval", "retrieval"),
    ("and", "sparse attention", "sparse AND attention"),
    ("and", "language models", "language AND models"),
    ("and", "knowledge distillation", "knowledge AND distillation"),
    ("phrase", '"large language models"', '"large language models"'),
    ("phrase", '"fine tuning"', '"fine tuning"'),
    ("prefix", "distil*", "distil*"),
    ("prefix", "quant*", "quant*"),
    ("fielded", "title:transformer", "title : transformer"),
    ("fielded", "title:learning abstract:robust", "title : learning AND abstract : robust"),
]
TYPED = "sparse attention pruning"
MISSPELLED = ["atention", "pruninng", "difusion models", "transfromer"]


def _percentiles(values: list[float]) -> dict[str, float]:
    ordered = sorted(values)
    if not ordered:
        return {"p50": 0.0, "p95": 0.0, "max": 0.0, "n": 0}
    p95 = ordered[min(len(ordered) - 1, int(round(0.95 * (len(ordered) - 1))))]
    return {"p50": round(statistics.median(ordered), 2), "p95": round(p95, 2), "max": round(ordered[-1], 2),
            "n": len(ordered)}


def _peak_rss_mb() -> float:
    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)


def _rss_split_mb() -> dict[str, float]:
    """Now (not the peak): anonymous memory, and file pages mapped in (the index's arrays are memory-mapped:
    those pages are the page cache, shared and reclaimable, but ``ru_maxrss`` counts them)."""
    fields = {}
    with open("/proc/self/status", encoding="ascii") as status:
        for line in status:
            name, _, value = line.partition(":")
            if name in ("RssAnon", "RssFile"):
                fields[name] = round(int(value.split()[0]) / 1024, 1)
    return {"anon_mb": fields.get("RssAnon", 0.0), "file_mb": fields.get("RssFile", 0.0)}


def _peak_child_rss_mb() -> float:
    """The largest peak among finished child processes (the parse workers of ``index/parse_ahead.py``)."""
    return round(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024, 1)


def _dir_size_mb(path: Path) -> float:
    return round(sum(f.stat().st_size for f in path.rglob("*") if f.is_file()) / 1e6, 1)


# -- phases (each runs in its own process) ---------------------------------------------------------------------

def phase_build(home: Path, corpus: Path) -> dict[str, Any]:
    os.environ["PAPERDECK_HOME"] = str(home)
    from paperdeck.index import locations
    from paperdeck.index.library import Library
    from paperdeck.index.store import Manifest

    Manifest(locations.manifest_path()).save()  # an empty library: no bundled seeds in the measurement
    with Library() as library:
        started = time.perf_counter()
        reports = library.add([corpus])
        elapsed = time.perf_counter() - started
        papers = library.stats().papers
        at_end = _rss_split_mb()
    return {"build_s": round(elapsed, 4), "papers": papers, "papers_per_s": round(papers / elapsed, 1),
            "files": len(reports), "index_mb": _dir_size_mb(home / "cache" / "index"),
            "records_mb": round(_dir_size_mb(home / "cache") - _dir_size_mb(home / "cache" / "index"), 1),
            "peak_rss_mb": _peak_rss_mb(), "peak_rss_subprocess_mb": _peak_child_rss_mb(), "rss_at_end": at_end}


def phase_query(home: Path, extra: Path) -> dict[str, Any]:
    os.environ["PAPERDECK_HOME"] = str(home)
    from paperdeck.index.library import Library
    from paperdeck.index.models import SearchRequest

    started = time.perf_counter()
    library = Library()
    library.search(SearchRequest("warm up"))
    open_s = time.perf_counter() - started
    started = time.perf_counter()
    library.warm()  # what the app does in its worker right after opening: facet arrays, vocabulary, common terms
    out: dict[str, Any] = {"open_s": round(open_s, 3), "warm_s": round(time.perf_counter() - started, 3)}
    latencies: dict[str, list[float]] = {}
    bare: dict[str, list[float]] = {}
    hits_cost: list[float] = []
    for _ in range(3):
        for kind, query, _fts in QUERY_MIX:
            t = time.perf_counter()
            library.search(SearchRequest(query, page_size=20))
            latencies.setdefault(kind, []).append((time.perf_counter() - t) * 1000)
            t = time.perf_counter()
            library.search(SearchRequest(query, page_size=1, with_facets=False))
            bare.setdefault(kind, []).append((time.perf_counter() - t) * 1000)
            t = time.perf_counter()
            library.search(SearchRequest(query, page_size=20, with_facets=False))
            hits_cost.append((time.perf_counter() - t) * 1000 - bare[kind][-1])
    typed: list[float] = []
    for end in range(1, len(TYPED) + 1):  # what the app asks on each keystroke: facets, marked titles, no snippets
        t = time.perf_counter()
        library.search(SearchRequest(TYPED[:end], page_size=40, as_you_type=True, with_snippets=False))
        typed.append((time.perf_counter() - t) * 1000)
    out["query_ms"] = {kind: _percentiles(v) for kind, v in latencies.items()}
    out["query_ms"]["all"] = _percentiles([x for v in latencies.values() for x in v])
    out["query_bare_ms"] = _percentiles([x for v in bare.values() for x in v])
    out["facets_and_highlights_ms"] = round(out["query_ms"]["all"]["p50"] - out["query_bare_ms"]["p50"], 2)
    out["highlights_20_rows_ms"] = _percentiles(hits_cost)
    out["typed_keystroke_ms"] = _percentiles(typed)
    keys = [h.paper.key for h in library.search(SearchRequest("learning", page_size=20)).hits]
    similar = []
    for key in keys:
        t = time.perf_counter()
        library.similar(key, limit=8)
        similar.append((time.perf_counter() - t) * 1000)
    out["similar_ms"] = _percentiles(similar)
    suggest = []
    for query in MISSPELLED:
        t = time.perf_counter()
        library.search(SearchRequest(query, page_size=20))
        suggest.append((time.perf_counter() - t) * 1000)
    out["did_you_mean_ms"] = _percentiles(suggest)
    t = time.perf_counter()
    library.add([extra])
    out["add_50_s"] = round(time.perf_counter() - t, 2)
    library.close()
    t = time.perf_counter()  # the next start after a small add: the facet snapshot was updated, not recounted
    library = Library()
    library.search(SearchRequest("warm up"))
    out["open_after_add_s"] = round(time.perf_counter() - t, 3)
    out["rss_at_end"] = _rss_split_mb()  # a freshly opened library that has answered a search
    library.close()
    out["peak_rss_mb"] = _peak_rss_mb()
    return out


def phase_fts5(corpus: Path, work: Path) -> dict[str, Any]:
    from paperdeck.index.sources import parse_source

    papers = [(p.title, p.abstract) for f in sorted(corpus.glob("*.txt"))
              for p in parse_source(f.read_bytes(), f.name).papers]
    db_path = work / "fts5.sqlite3"
    db_path.unlink(missing_ok=True)
    started = time.perf_counter()
    db = sqlite3.connect(db_path)
    db.execute("CREATE VIRTUAL TABLE papers USING fts5(title, abstract, tokenize='porter unicode61')")
    with db:
        db.executemany("INSERT INTO papers VALUES (?, ?)", papers)
    build = time.perf_counter() - started
    db.close()
    started = time.perf_counter()
    db = sqlite3.connect(db_path)
    db.execute("SELECT count(*) FROM papers WHERE papers MATCH 'warm'").fetchone()
    open_s = time.perf_counter() - started
    latencies: dict[str, list[float]] = {}
    sql = ("SELECT rowid, highlight(papers, 0, '[', ']'), snippet(papers, 1, '[', ']', '…', 30) FROM papers "
           "WHERE papers MATCH ? ORDER BY bm25(papers, 2.5, 1.0) LIMIT 20")
    for _ in range(3):
        for kind, _query, fts in QUERY_MIX:
            t = time.perf_counter()
            db.execute(sql, (fts,)).fetchall()
            db.execute("SELECT count(*) FROM papers WHERE papers MATCH ?", (fts,)).fetchone()
            latencies.setdefault(kind, []).append((time.perf_counter() - t) * 1000)
    typed = []
    for end in range(1, len(TYPED) + 1):
        words = TYPED[:end].split()
        fts = " AND ".join(f'"{w}"' for w in words[:-1]) + (" AND " if len(words) > 1 else "") + f'"{words[-1]}"*'
        t = time.perf_counter()
        db.execute(sql, (fts,)).fetchall()
        typed.append((time.perf_counter() - t) * 1000)
    db.close()
    out = {"build_s": round(build, 4), "papers_per_s": round(len(papers) / build, 1),
           "index_mb": round(db_path.stat().st_size / 1e6, 1), "open_s": round(open_s, 4),
           "query_ms": {kind: _percentiles(v) for kind, v in latencies.items()},
           "typed_keystroke_ms": _percentiles(typed), "peak_rss_mb": _peak_rss_mb()}
    out["query_ms"]["all"] = _percentiles([x for v in latencies.values() for x in v])
    return out


def phase_app(home: Path) -> dict[str, Any]:
    env = {**os.environ, "PAPERDECK_HOME": str(home)}
    started = time.time()
    proc = subprocess.run([sys.executable, "-m", "paperdeck.tui.benchmark_app", str(started)], env=env,
                          capture_output=True, text=True, timeout=1800)
    if proc.returncode != 0:
        return {"error": proc.stderr.strip().splitlines()[-1] if proc.stderr.strip() else "app failed"}
    data = json.loads(proc.stdout.strip().splitlines()[-1])
    for name in ("keystroke_to_paint_ms", "pilot_round_trip_ms", "pilot_idle_key_ms"):
        data[name] = _percentiles(data[name])
    return data


def _run_phase(name: str, *args: str) -> dict[str, Any]:
    proc = subprocess.run([sys.executable, "-m", "paperdeck.bench", "--phase", name, *args],
                          capture_output=True, text=True, timeout=7200)
    if proc.returncode != 0:
        raise SystemExit(f"benchmark phase {name} failed: {proc.stderr.strip()[-500:]}")
    return json.loads(proc.stdout.strip().splitlines()[-1])


def ratio(ours: float, base: float) -> float | None:
    return round(ours / base, 2) if base else None


def run(size: int, seed: int, with_app: bool) -> dict[str, Any]:
    from .synthetic import write_pages

    with tempfile.TemporaryDirectory(prefix="paperdeck-bench-") as tmp:
        work = Path(tmp)
        corpus, extra, home = work / "corpus", work / "extra", work / "home"
        started = time.perf_counter()
        write_pages(corpus, size, seed=seed)
        write_pages(extra, 50, seed=seed + 1000, prefix="extra")
        generate_s = time.perf_counter() - started
        build = _run_phase("build", str(home), str(corpus))
        query = _run_phase("query", str(home), str(extra))
        fts5 = _run_phase("fts5", str(corpus), str(work))
        app = phase_app(home) if with_app else {}
    report: dict[str, Any] = {
        "size": size, "seed": seed, "corpus_generation_s": round(generate_s, 1), "machine_cores": os.cpu_count(),
        "paperdeck": {"build": build, "query": query, "app": app}, "fts5": fts5,
    }
    report["ratios_to_fts5"] = {
        "build_time": ratio(build["build_s"], fts5["build_s"]),
        "index_size": ratio(build["index_mb"], fts5["index_mb"]),
        "open": ratio(query["open_s"], fts5["open_s"]),
        "query_p50": ratio(query["query_ms"]["all"]["p50"], fts5["query_ms"]["all"]["p50"]),
        "query_p95": ratio(query["query_ms"]["all"]["p95"], fts5["query_ms"]["all"]["p95"]),
        "typed_keystroke_p95": ratio(query["typed_keystroke_ms"]["p95"], fts5["typed_keystroke_ms"]["p95"]),
        **{f"query_p50_{kind}": ratio(query["query_ms"][kind]["p50"], fts5["query_ms"][kind]["p50"])
           for kind in fts5["query_ms"] if kind != "all"},
    }
    return report


def print_table(report: dict[str, Any]) -> None:
    ours, base, r = report["paperdeck"], report["fts5"], report["ratios_to_fts5"]
    b, q, app = ours["build"], ours["query"], ours["app"]
    rows = [
        ("papers", b["papers"], "", ""),
        ("build (s)", b["build_s"], base["build_s"], r["build_time"]),
        ("build (papers/s)", b["papers_per_s"], base["papers_per_s"], ""),
        ("index on disk (MB)", b["index_mb"], base["index_mb"], r["index_size"]),
        ("open library (s)", q["open_s"], base["open_s"], r["open"]),
        ("warm caches after open (s)", q.get("warm_s", "-"), "-", ""),
        ("query p50 / p95 (ms)", f"{q['query_ms']['all']['p50']} / {q['query_ms']['all']['p95']}",
         f"{base['query_ms']['all']['p50']} / {base['query_ms']['all']['p95']}", f"{r['query_p50']} / {r['query_p95']}"),
        ("typed keystroke p95 (ms)", q["typed_keystroke_ms"]["p95"], base["typed_keystroke_ms"]["p95"],
         r["typed_keystroke_p95"]),
        ("facets + highlights (ms)", q["facets_and_highlights_ms"], "-", ""),
        ("similar p50 (ms)", q["similar_ms"]["p50"], "-", ""),
        ("did-you-mean p50 (ms)", q["did_you_mean_ms"]["p50"], "-", ""),
        ("add 50 papers (s)", q["add_50_s"], "-", ""),
        ("open + first search after that add (s)", q.get("open_after_add_s", "-"), "-", ""),
        ("RSS at the end, anonymous / mapped files: build, browse (MB)",
         f"{b.get('rss_at_end', {}).get('anon_mb')} / {b.get('rss_at_end', {}).get('file_mb')}, "
         f"{q.get('rss_at_end', {}).get('anon_mb')} / {q.get('rss_at_end', {}).get('file_mb')}", "-", ""),
        ("peak RSS build / largest forked worker / browse (MB)",
         f"{b['peak_rss_mb']} / {b.get('peak_rss_subprocess_mb', 0)} / {q['peak_rss_mb']}", base["peak_rss_mb"], ""),
    ]
    if app and "error" not in app:
        rows += [("app interactive / first results (s)", f"{app.get('interactive_s')} / {app['cold_start_s']}", "-", ""),
                 ("keystroke to paint p50 / p95 (ms)",
                  f"{app['keystroke_to_paint_ms']['p50']} / {app['keystroke_to_paint_ms']['p95']}", "-", ""),
                 ("pilot round trip p50 / idle key (ms)",
                  f"{app['pilot_round_trip_ms']['p50']} / {app['pilot_idle_key_ms']['p50']}", "-", "")]
    print(f"paperdeck benchmark: {report['size']:,} synthetic papers (seed {report['seed']})")
    print(f"{'':34} {'paperdeck':>18} {'FTS5':>16} {'ratio':>12}")
    for name, value, fts, rat in rows:
        print(f"{name:34} {str(value):>18} {str(fts):>16} {str(rat):>12}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m paperdeck.bench", description=__doc__.split("\n")[0])
    parser.add_argument("--size", type=int, default=456)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--json", metavar="FILE", help="write every figure to this JSON file")
    parser.add_argument("--no-app", action="store_true", help="skip the app's cold start and keystroke timing")
    parser.add_argument("--phase", help=argparse.SUPPRESS)
    parser.add_argument("args", nargs="*", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.phase:
        phases = {"build": phase_build, "query": phase_query, "fts5": phase_fts5}
        print(json.dumps(phases[args.phase](*(Path(a) for a in args.args))))
        return 0
    report = run(args.size, args.seed, with_app=not args.no_app)
    print_table(report)
    if args.json:
        Path(args.json).write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
