"""The one HTTP path of ReadingList: polite GET requests to the services that complete papers.

Every request has explicit timeouts and a User-Agent naming ReadingList, waits for its host's
spacing (arXiv asks for one request every 3 s), and is retried with backoff on 429 and 503,
honouring `Retry-After`. Nothing here runs unless the user asked for a completion, and
`READINGLIST_NETWORK=off` refuses every request before a socket is opened.
"""

from __future__ import annotations

import datetime as dt
import email.utils
import http.client
import os
import socket
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
import weakref
from collections.abc import Callable
from dataclasses import dataclass

from readinglist import __version__
from readinglist.core.errors import ImportCancelled, UserError

NETWORK_ENV = "READINGLIST_NETWORK"  # "off" turns every request down
USER_AGENT = (
    f"ReadingList/{__version__} (desktop reading list; https://github.com/readinglist/readinglist)"
)
TIMEOUT = 20.0  # seconds to connect, and of silence while reading the answer
MAX_ATTEMPTS = 4  # the first try and three retries, for 429 and 5xx answers
NETWORK_ATTEMPTS = 2  # for a host that cannot be reached or stays silent
MAX_RETRY_WAIT = 120.0  # a Retry-After beyond this is treated as "not now"
_RETRY_STATUSES = {429, 500, 502, 503, 504}

Cancelled = Callable[[], bool]


class CompletionCancelled(ImportCancelled):
    """The user pressed Cancel; whatever was committed before stays."""


class NetworkError(UserError):
    """A service could not be reached or answered with an error; `host` names it."""

    def __init__(self, host: str, reason: str) -> None:
        self.host = host
        self.reason = reason
        super().__init__(f"could not reach {host}: {reason}")


class NetworkDisabled(UserError):
    def __init__(self) -> None:
        super().__init__(
            f"the network is turned off ({NETWORK_ENV}=off, or the window's setting); "
            "nothing was fetched"
        )


def network_allowed() -> bool:
    return os.environ.get(NETWORK_ENV, "").strip().lower() not in {"off", "0", "no", "false"}


def spacing_from_env(name: str, default: float) -> float:
    """A request spacing in seconds from the environment (tests and benchmarks set it)."""
    raw = os.environ.get(name)
    if raw is None or not raw.strip():
        return default
    try:
        value = float(raw)
    except ValueError:
        raise UserError(f"{name} must be a number of seconds, not {raw!r}") from None
    if value < 0:
        raise UserError(f"{name} must not be negative")
    return value


class Clock:
    """Time as the rate limiter sees it; tests replace it so that no test waits 3 s."""

    def now(self) -> float:
        return time.monotonic()

    def sleep(self, seconds: float, cancelled: Cancelled) -> None:
        """Wait, waking often enough that Cancel is felt within a tenth of a second."""
        deadline = time.monotonic() + seconds
        while True:
            if cancelled():
                raise CompletionCancelled()
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                return
            time.sleep(min(remaining, 0.1))


class RateLimiter:
    """At most one request per `spacing` seconds, counted from the end of the previous one."""

    def __init__(self, spacing: float, clock: Clock) -> None:
        self.spacing = spacing
        self.clock = clock
        self._last: float | None = None
        self._lock = threading.Lock()

    def wait(self, cancelled: Cancelled) -> None:
        with self._lock:
            if self._last is not None:
                remaining = self._last + self.spacing - self.clock.now()
                if remaining > 0:
                    self.clock.sleep(remaining, cancelled)

    def done(self) -> None:
        with self._lock:
            self._last = self.clock.now()


_DEFAULT_CLOCK = Clock()
_LIMITERS: weakref.WeakKeyDictionary[Clock, dict[tuple[str, float], RateLimiter]] = (
    weakref.WeakKeyDictionary()
)
_LIMITERS_LOCK = threading.Lock()


def shared_limiter(host: str, spacing: float, clock: Clock) -> RateLimiter:
    """One limiter per host and clock in the process: two look-ups one after the other (the
    window's dialog opened twice) still keep the host's spacing between their requests."""
    with _LIMITERS_LOCK:
        limiters = _LIMITERS.setdefault(clock, {})
        if (host, spacing) not in limiters:
            limiters[(host, spacing)] = RateLimiter(spacing, clock)
        return limiters[(host, spacing)]


@dataclass(frozen=True)
class Response:
    url: str
    status: int
    body: bytes


def retry_after_seconds(value: str | None, now: dt.datetime | None = None) -> float | None:
    """`Retry-After` as seconds: a number of seconds or an HTTP date; None when absent/garbled."""
    if value is None:
        return None
    text = value.strip()
    if text.isdigit():
        return float(text)
    try:
        when = email.utils.parsedate_to_datetime(text)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=dt.UTC)
    return max(0.0, (when - (now or dt.datetime.now(dt.UTC))).total_seconds())


class HttpClient:
    """GET with timeouts, spacing and retries for one service (one base URL)."""

    def __init__(
        self,
        base_url: str,
        *,
        spacing: float,
        clock: Clock | None = None,
        timeout: float = TIMEOUT,
        backoff: float = 2.0,
        max_attempts: int = MAX_ATTEMPTS,
    ) -> None:
        parsed = urllib.parse.urlsplit(base_url.rstrip("/"))
        if parsed.scheme not in {"http", "https"} or not parsed.netloc:
            raise UserError(f"{base_url!r} is not an http(s) address")
        self.base_url = base_url.rstrip("/")
        self.host = parsed.hostname or parsed.netloc
        self.clock = clock or _DEFAULT_CLOCK
        self.limiter = shared_limiter(parsed.netloc, spacing, self.clock)
        self.timeout = timeout
        self.backoff = backoff
        self.max_attempts = max_attempts
        self.requests = 0  # sent, retries included (the benchmark reports it)

    def url(self, path: str, query: dict[str, str] | None = None) -> str:
        url = self.base_url + path
        if query:
            url += "?" + urllib.parse.urlencode(query, quote_via=urllib.parse.quote)
        return url

    def get(
        self,
        path: str,
        query: dict[str, str] | None = None,
        *,
        cancelled: Cancelled = lambda: False,
        accept_statuses: frozenset[int] = frozenset(),
    ) -> Response:
        """The answer to GET base+path?query. Raises NetworkError (one sentence) when the
        service cannot be reached or keeps failing; statuses in `accept_statuses` are
        returned to the caller instead (e.g. 404: no such paper)."""
        if not network_allowed():
            raise NetworkDisabled()
        url = self.url(path, query)
        attempt = 0
        while True:
            attempt += 1
            if cancelled():
                raise CompletionCancelled()
            self.limiter.wait(cancelled)
            try:
                response = self._send(url)
            except NetworkError:
                self.limiter.done()
                # Unreachable or silent: one more try, not three, so that a machine without
                # a network hears so within seconds.
                if attempt >= min(self.max_attempts, NETWORK_ATTEMPTS):
                    raise
                self.clock.sleep(self.backoff * 2 ** (attempt - 1), cancelled)
                continue
            finally:
                self.requests += 1
            self.limiter.done()
            status, body, retry_after = response
            if status == 200 or status in accept_statuses:
                return Response(url, status, body)
            if status in _RETRY_STATUSES and attempt < self.max_attempts:
                wait = retry_after_seconds(retry_after)
                if wait is None:
                    wait = self.backoff * 2 ** (attempt - 1)
                if wait > MAX_RETRY_WAIT:
                    raise NetworkError(
                        self.host, f"HTTP {status}, asked to wait {wait:.0f} s before retrying"
                    )
                # The next request must also keep the host's spacing after this wait.
                self.clock.sleep(wait, cancelled)
                continue
            raise NetworkError(self.host, f"HTTP {status} for {path}")

    def _send(self, url: str) -> tuple[int, bytes, str | None]:
        request = urllib.request.Request(
            url, headers={"User-Agent": USER_AGENT, "Accept-Encoding": "identity"}
        )
        try:
            # The timeout bounds connecting and each read (urllib has one for both).
            with urllib.request.urlopen(request, timeout=self.timeout) as handle:
                return int(handle.status), handle.read(), None
        except urllib.error.HTTPError as error:
            try:
                body = error.read()
            except (OSError, http.client.HTTPException):
                body = b""
            return error.code, body, error.headers.get("Retry-After")
        except urllib.error.URLError as error:
            reason = error.reason
            if isinstance(reason, TimeoutError):
                raise NetworkError(self.host, "timed out") from None
            if isinstance(reason, socket.gaierror):
                raise NetworkError(self.host, "the name could not be resolved") from None
            text = getattr(reason, "strerror", None) or str(reason)
            raise NetworkError(self.host, text) from None
        except TimeoutError:
            raise NetworkError(self.host, "timed out") from None
        except http.client.HTTPException as error:
            raise NetworkError(
                self.host, f"the answer was cut off ({type(error).__name__})"
            ) from None
        except OSError as error:
            raise NetworkError(self.host, error.strerror or str(error)) from None
