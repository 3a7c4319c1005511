"""The one place paperdeck opens a network connection: polite, bounded HTTP GETs for the fetch commands.

Why its own module: everything else in paperdeck works offline from source files, so the rules for touching
the network live together and are easy to audit. A download is all or nothing: the body is read to the end
(up to a size cap) before anyone sees it, so a dropped connection never leaves half a source behind.

Behaviour a server can count on: a ``User-Agent`` naming paperdeck and its version; a pace between requests
(arXiv asks for one every 3 s); retries with exponential backoff on 429 and 5xx that honour ``Retry-After``;
timeouts on connecting and on every read; redirects followed only on the same host; proxies from the usual
environment variables (httpx's ``trust_env``).
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from email.utils import parsedate_to_datetime
from datetime import datetime, timezone
from importlib import metadata

import httpx

MIB = 1 << 20


def _version() -> str:
    try:
        return metadata.version("paperdeck")
    except metadata.PackageNotFoundError:  # running from a checkout without an install
        return "0"


USER_AGENT = f"paperdeck/{_version()} (local-first paper browser; +https://pypi.org/project/paperdeck/)"


class FetchError(Exception):
    """A download failed for good (after any retries). The message is one line naming the host and the cause."""


class HttpStatusError(FetchError):
    """The server answered with a client error (4xx other than 429): retrying would not help."""

    def __init__(self, message: str, status: int) -> None:
        super().__init__(message)
        self.status = status


class _Retryable(Exception):
    def __init__(self, message: str, retry_after: float | None = None) -> None:
        super().__init__(message)
        self.retry_after = retry_after


@dataclass
class NetPolicy:
    """How patient and how polite to be. Tests shrink the waits and inject ``sleep``/``clock`` (no real waiting)."""

    connect_timeout: float = 10.0
    read_timeout: float = 30.0
    retries: int = 3  # attempts after the first, for 429, 5xx and dropped connections
    backoff: float = 2.0  # first wait; doubles each retry unless the server says how long (Retry-After)
    max_wait: float = 300.0  # a longer Retry-After means "come back later": give up with a clear line instead
    max_bytes: int = 32 * MIB  # no listing is anywhere near this; a bigger body is a mistake or an attack
    pace: float = 0.0  # minimum seconds between the starts of two requests
    max_redirects: int = 5
    sleep: Callable[[float], None] = field(default=time.sleep)
    clock: Callable[[], float] = field(default=time.monotonic)


class Downloader:
    """GET whole response bodies from one service, within the policy. Use as a context manager."""

    def __init__(self, policy: NetPolicy | None = None, transport: httpx.BaseTransport | None = None) -> None:
        self.policy = policy or NetPolicy()
        self.requests = 0
        self._last_start: float | None = None
        self._client = httpx.Client(
            timeout=httpx.Timeout(self.policy.read_timeout, connect=self.policy.connect_timeout),
            headers={"User-Agent": USER_AGENT},
            follow_redirects=False,  # followed by hand: only on the same host
            trust_env=True,
            transport=transport,
        )

    def __enter__(self) -> Downloader:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        self._client.close()

    def get(self, url: str, params: Mapping[str, str | int] | None = None) -> bytes:
        """The whole body of a successful GET, or ``FetchError`` with one line saying why not."""
        attempt = 0
        while True:
            self._keep_pace()
            try:
                return self._get_once(url, params)
            except _Retryable as err:
                attempt += 1
                if attempt > self.policy.retries:
                    raise FetchError(f"{err} (gave up after {attempt} attempts)") from None
                wait = err.retry_after if err.retry_after is not None else self.policy.backoff * 2 ** (attempt - 1)
                if wait > self.policy.max_wait:
                    raise FetchError(f"{err}; the server asks to wait {wait:.0f} s: try again later") from None
                self.policy.sleep(wait)

    def _keep_pace(self) -> None:
        now = self.policy.clock()
        if self._last_start is not None and self.policy.pace > 0:
            wait = self._last_start + self.policy.pace - now
            if wait > 0:
                self.policy.sleep(wait)
                now = self.policy.clock()
        self._last_start = now

    def _get_once(self, url: str, params: Mapping[str, str | int] | None) -> bytes:
        target = httpx.URL(url, params=dict(params or {}))
        for _ in range(self.policy.max_redirects + 1):
            host = _host(target)
            self.requests += 1
            try:
                with self._client.stream("GET", target) as response:
                    if response.is_redirect:
                        target = _same_host_redirect(target, response)
                        continue
                    _check_status(response, host)
                    return _read_capped(response, host, self.policy.max_bytes)
            except httpx.ConnectError as err:
                raise _Retryable(f"could not reach {host}: {_reason(err)}") from None
            except httpx.TimeoutException as err:
                raise _Retryable(f"{host} did not answer in time ({type(err).__name__})") from None
            except (httpx.RemoteProtocolError, httpx.ReadError, httpx.WriteError) as err:
                raise _Retryable(f"the connection to {host} broke off mid-response ({_reason(err)})") from None
            except httpx.HTTPError as err:
                raise FetchError(f"could not fetch from {host}: {_reason(err)}") from None
        raise FetchError(f"{_host(target)} redirected more than {self.policy.max_redirects} times")


def _host(url: httpx.URL) -> str:
    return url.host + (f":{url.port}" if url.port else "")


def _reason(err: Exception) -> str:
    text = " ".join(str(err).split())
    return text or type(err).__name__


def _same_host_redirect(current: httpx.URL, response: httpx.Response) -> httpx.URL:
    location = response.headers.get("location", "")
    target = current.join(location)
    if target.scheme not in ("http", "https") or target.host.lower() != current.host.lower():
        raise FetchError(f"{_host(current)} redirected to another host ({target.scheme}://{_host(target)}): "
                         "not followed")
    return target


def _check_status(response: httpx.Response, host: str) -> None:
    status = response.status_code
    if status == 429 or status >= 500:
        raise _Retryable(f"{host} answered {status} {response.reason_phrase}",
                         retry_after=parse_retry_after(response.headers.get("retry-after")))
    if status >= 400:
        raise HttpStatusError(f"{host} answered {status} {response.reason_phrase} for {response.url.path}", status)
    if status != 200:
        raise FetchError(f"{host} answered {status} {response.reason_phrase}, expected 200")


def _read_capped(response: httpx.Response, host: str, cap: int) -> bytes:
    declared = response.headers.get("content-length", "")
    if declared.isascii() and declared.isdigit() and int(declared) > cap:
        raise FetchError(f"{host} offered {int(declared) // MIB} MiB, more than the {cap // MIB} MiB cap: not read")
    body = bytearray()
    for chunk in response.iter_bytes():
        body += chunk
        if len(body) > cap:
            raise FetchError(f"the response from {host} passed the {cap // MIB} MiB cap: stopped reading")
    return bytes(body)


def parse_retry_after(value: str | None) -> float | None:
    """Seconds to wait from a ``Retry-After`` header (a number of seconds or an HTTP date); None if absent/bad."""
    if not value:
        return None
    value = value.strip()
    if value.isascii() and value.isdigit():  # "²".isdigit() is true too
        return float(value)
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError, OverflowError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=timezone.utc)
    return max(0.0, (when - datetime.now(timezone.utc)).total_seconds())
