"""A real HTTP server on 127.0.0.1 that plays Hugging Face and arXiv from the recorded fixtures, with faults.

Why a real server and not a mocked transport: the fetch code's timeouts, size cap, dropped connections and
redirect rules are about sockets, and only a socket shows they work. The server is the standard library's
``ThreadingHTTPServer`` in a thread, on a port the OS picks.

- ``/api/daily_papers?date=D&p=P`` serves ``days[(D, P)]``, else ``hf_api_json/api_daily_papers_D.json``
  (``[]`` for a day with no file);
  ``week=``/``month=`` answer 400 unless ``periods`` holds a body for them (so the fall-back to days is tested).
- ``/api/query?search_query=Q&start=N`` serves ``arxiv[(Q, N)]`` (an empty feed otherwise).
- ``faults`` is a queue: each request takes the next one, if any: ``429`` (with ``Retry-After: 7``), ``500``,
  ``slow`` (headers and a little body, then nothing until the test ends), ``cut`` (a body shorter than its
  ``Content-Length``, then the connection closes), ``invalid`` (200 with text that is not JSON), ``huge``
  (a 200 MB body, generated as it is sent, never stored), ``redirect`` (302 to the same port on ``localhost``:
  another host name).

Run by hand (``python tests/fetch_server.py``) it serves the fixtures until Ctrl-C and prints its address.
"""

from __future__ import annotations

import json
import threading
from collections import deque
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest

from paperdeck.index import cli_fetch, locations
from paperdeck.index.fetch import NetPolicy

FIXTURES = Path(__file__).resolve().parent / "fixtures"
EMPTY_FEED = (b'<?xml version="1.0" encoding="UTF-8"?>\n<feed xmlns="http://www.w3.org/2005/Atom">'
              b"<title>empty</title></feed>\n")
HUGE = 200 * 1000 * 1000
NOV_28 = FIXTURES / "hf_api_json" / "api_daily_papers_2025-11-28.json"
NOV_28_KEY = json.loads(NOV_28.read_bytes())[0]["paper"]["id"]  # a paper only that day's listing brings


class FixtureServer:
    """Start with ``start()``; ``url`` is its base address; ``requests`` records (path, query, headers)."""

    def __init__(self) -> None:
        self.faults: deque[str] = deque()
        self.requests: list[tuple[str, dict[str, list[str]], dict[str, str]]] = []
        self.periods: dict[tuple[str, str], bytes] = {}
        self.days: dict[tuple[str, str], bytes] = {}  # (date, page) -> body, instead of the fixture file
        self.arxiv: dict[tuple[str, int], bytes] = {}
        self.release = threading.Event()  # a "slow" response hangs until this is set
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self._server.daemon_threads = True
        self.port = self._server.server_address[1]
        self.url = f"http://127.0.0.1:{self.port}"
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    def start(self) -> FixtureServer:
        self._thread.start()
        return self

    def stop(self) -> None:
        self.release.set()
        self._server.shutdown()
        self._server.server_close()
        self._thread.join()

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        server = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args: object) -> None:  # keep test output clean
                pass

            def do_GET(self) -> None:  # noqa: N802 (the stdlib's name)
                parts = urlsplit(self.path)
                query = parse_qs(parts.query)
                server.requests.append((parts.path, query, dict(self.headers)))
                fault = server.faults.popleft() if server.faults else None
                if fault:
                    server._fault(self, fault)
                    return
                status, body, kind = server._route(parts.path, query)
                server._send(self, status, body, kind)

        return Handler

    def _route(self, path: str, query: dict[str, list[str]]) -> tuple[int, bytes, str]:
        if path == "/api/daily_papers":
            if "date" in query:
                override = self.days.get((query["date"][0], query.get("p", ["0"])[0]))
                if override is not None:
                    return 200, override, "application/json"
                file = FIXTURES / "hf_api_json" / f"api_daily_papers_{query['date'][0]}.json"
                return 200, file.read_bytes() if file.is_file() else b"[]", "application/json"
            for kind in ("week", "month"):
                if kind in query:
                    body = self.periods.get((kind, query[kind][0]))
                    if body is None:
                        return 400, b'{"error": "unsupported"}', "application/json"
                    return 200, body, "application/json"
            if query.get("sort") == ["trending"]:
                return 200, self.periods.get(("trending", ""), b"[]"), "application/json"
        if path == "/api/query":
            key = (query.get("search_query", [""])[0], int(query.get("start", ["0"])[0]))
            return 200, self.arxiv.get(key, EMPTY_FEED), "application/atom+xml"
        return 404, b"not found", "text/plain"

    @staticmethod
    def _send(handler: BaseHTTPRequestHandler, status: int, body: bytes, kind: str,
              headers: dict[str, str] | None = None) -> None:
        handler.send_response(status)
        handler.send_header("Content-Type", kind)
        handler.send_header("Content-Length", str(len(body)))
        for name, value in (headers or {}).items():
            handler.send_header(name, value)
        handler.end_headers()
        handler.wfile.write(body)

    def _fault(self, handler: BaseHTTPRequestHandler, fault: str) -> None:
        if fault == "429":
            self._send(handler, 429, b"slow down", "text/plain", {"Retry-After": "7"})
        elif fault == "500":
            self._send(handler, 500, b"oops", "text/plain")
        elif fault == "invalid":
            self._send(handler, 200, b"<html>this is not json", "application/json")
        elif fault == "redirect":
            self._send(handler, 302, b"", "text/plain", {"Location": f"http://localhost:{self.port}/api/elsewhere"})
        elif fault in ("cut", "slow"):
            handler.send_response(200)
            handler.send_header("Content-Type", "application/json")
            handler.send_header("Content-Length", "100000")  # more than will ever come
            handler.end_headers()
            handler.wfile.write(b'[{"paper": {"id": "2511.00001", "title": "Cut sho')
            handler.wfile.flush()
            if fault == "slow":
                self.release.wait(60)  # stall: the client's read timeout must end it
            handler.close_connection = True
        elif fault == "huge":
            self._huge(handler)
        else:
            raise ValueError(f"unknown fault {fault!r}")

    @staticmethod
    def _huge(handler: BaseHTTPRequestHandler) -> None:
        """200 MB of a JSON array, chunked (no Content-Length up front), made as it is sent."""
        handler.send_response(200)
        handler.send_header("Content-Type", "application/json")
        handler.send_header("Transfer-Encoding", "chunked")
        handler.end_headers()
        chunk = json.dumps({"paper": {"id": "x", "title": "t" * 900}}).encode() + b","
        block = chunk * (65536 // len(chunk))
        sent = 0
        try:
            handler.wfile.write(b"1\r\n[\r\n")
            while sent < HUGE:
                handler.wfile.write(f"{len(block):x}\r\n".encode() + block + b"\r\n")
                sent += len(block)
            handler.wfile.write(b"0\r\n\r\n")
        except (BrokenPipeError, ConnectionResetError):
            pass  # the client stopped reading at its cap, as it should
        handler.close_connection = True


# -- pytest fixtures shared by the fetch tests (imported by name) ---------------------------------------------


@pytest.fixture
def server() -> Iterator[FixtureServer]:
    running = FixtureServer().start()
    yield running
    running.stop()


@pytest.fixture
def sleeps() -> list[float]:
    """Every wait the downloader asked for, in seconds (recorded, never waited)."""
    return []


@pytest.fixture
def policy(sleeps: list[float]) -> NetPolicy:
    return NetPolicy(read_timeout=5.0, sleep=sleeps.append)


@pytest.fixture
def cli_env(server: FixtureServer, policy: NetPolicy, seeded_home: Path,
            monkeypatch: pytest.MonkeyPatch) -> FixtureServer:
    """The CLI pointed at the test server, with the recorded-sleep policy, on a seeded library."""
    monkeypatch.setenv("HF_ENDPOINT", server.url)
    monkeypatch.setenv("PAPERDECK_ARXIV_ENDPOINT", f"{server.url}/api/query")
    monkeypatch.setattr(cli_fetch, "net_policy", lambda service: policy)
    return server


def fetched_files(kind: str = "hf") -> list[Path]:
    """Every file a fetch kept (sources and markers), leaving out the lock and temporary files."""
    return sorted(p for p in locations.fetched_sources_dir(kind).rglob("*") if p.is_file() and
                  not p.name.startswith("."))


if __name__ == "__main__":
    fixture_server = FixtureServer().start()
    print(f"serving the fixtures at {fixture_server.url} (Ctrl-C stops)", flush=True)
    try:
        threading.Event().wait()
    except KeyboardInterrupt:
        fixture_server.stop()
