"""Rendered public pages kept per process, with the live numbers left as blanks.

A reader's request for a page already in the cache is answered by `CachedPages`, a WSGI
layer in front of Flask: it counts the page view (the one Redis round trip, which also says
whether the content changed), fills the blanks and adds the headers features declared with
`add_response_hook`, without Flask's request machinery. Anything else (a query string, a
session cookie, a page not cached, a changed content version, Redis away) goes on to Flask,
with the page view already counted if it was.

A cached page is reused while the content version in Redis is the one it was rendered
under (every content commit bumps it; the page view's own Redis call reads it back) and for
at most PAGE_CACHE_SECONDS (scheduled and expiring content changes with the clock). The
statistics, view counts and other live numbers are filled in for every request from the
same single Redis round trip, so a cached page never shows frozen counts.

What one visitor sends must never change what the next one is served:
- the key is the path plus only the query parameters the view declares it reads, each
  normalised by the view's own parser, so `/?r=<random>` reuses the page of `/`;
- values that come from the request itself (the site's origin when SITE_URL is not set,
  the Content-Security-Policy nonce) are blanks in the cached bytes too, filled per response
  by providers registered with `register_request_value`.
"""

from __future__ import annotations

import logging
import re
import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from functools import wraps
from urllib.parse import urlencode

import redis
from flask import Flask, current_app, make_response, request, session
from markupsafe import Markup, escape
from sqlalchemy import event
from sqlalchemy.orm import Session
from werkzeug.datastructures import Headers
from werkzeug.exceptions import HTTPException
from werkzeug.wrappers import Request

from app import page_view as page_views
from app.extensions import redis_store
from app.page_view import PageView, format_count, marker
from app.redis_keys import names

log = logging.getLogger(__name__)

_MARK = re.compile("\x00([a-z_:0-9]+)\x00")


@dataclass
class Entry:
    html: str
    version: str
    item: str
    watch: tuple[str, ...]
    defaults: dict[str, str]
    created: float = field(default_factory=time.monotonic)
    changes_at: float | None = None  # PageView.changes_at: stale from then (the cache's clock)
    # The page split at its blanks once: UTF-8 text, blank's key, text, ... so a response
    # joins bytes instead of encoding the whole page again.
    parts: list = field(init=False)

    def __post_init__(self) -> None:
        self.parts = [part.encode() if i % 2 == 0 else part
                      for i, part in enumerate(_MARK.split(self.html))]  # fmt: skip

    def fill(self, values: Values, req: Request, app: Flask) -> bytes:
        return fill_parts(self.parts, values, self.defaults, req, app)


class PageCache:
    def __init__(self, max_entries: int = 2000, ttl: float = 30.0, clock=time.time) -> None:
        self.max_entries = max_entries
        self.ttl = ttl
        self.clock = clock  # epoch seconds, for the scheduled changes of entries
        self._entries: OrderedDict[str, Entry] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: str) -> Entry | None:
        with self._lock:
            entry = self._entries.get(key)
            if entry is None:
                return None
            if time.monotonic() - entry.created > self.ttl or (
                entry.changes_at is not None and self.clock() >= entry.changes_at
            ):
                del self._entries[key]
                return None
            self._entries.move_to_end(key)
            return entry

    def put(self, key: str, entry: Entry) -> None:
        with self._lock:
            self._entries[key] = entry
            self._entries.move_to_end(key)
            while len(self._entries) > self.max_entries:
                self._entries.popitem(last=False)

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()

    def __len__(self) -> int:
        return len(self._entries)


# Per-request values (key -> provider of plain text from the request and the app): never
# recorded, never defaulted (the site's origin, the CSP nonce).
RequestValue = Callable[[Request, Flask], str]
_request_values: dict[str, RequestValue] = {}


def register_request_value(key: str, provider: RequestValue) -> None:
    """Make `key` a value of the request itself, e.g. the CSP nonce: `per_request(key)`
    renders it, as a blank while a cacheable page is being recorded."""
    _request_values[key] = provider


def per_request(key: str) -> Markup:
    """A registered per-request value, HTML-escaped; a blank while recording."""
    view = page_views.current()
    if view is not None and view.recording:
        return marker(key)
    return escape(_request_values[key](request, current_app._get_current_object()))


Values = Callable[[str], "str | None"]


def _none(key: str) -> None:
    return None


def fill_parts(parts: list, values: Values, defaults: dict[str, str], req: Request,
               app: Flask) -> bytes:  # fmt: skip
    """The page with its blanks (every odd part is a blank's key, the others UTF-8 text)
    filled: the request's own values, this response's live numbers (`values(key)`), or the
    numbers the page was recorded with."""
    out = parts[:]
    computed: dict[str, str] = {}  # each per-request value once, however often it appears
    for i in range(1, len(out), 2):
        key = out[i]
        provider = _request_values.get(key)
        if provider is None:
            out[i] = values(key) or defaults.get(key, "0")
        elif key in computed:
            out[i] = computed[key]
        else:
            out[i] = computed[key] = str(escape(provider(req, app)))
    return b"".join([part if i % 2 == 0 else part.encode() for i, part in enumerate(out)])


# Headers and cookies every reader's page gets, whichever path served it: hooks adding to
# (app, response headers, request, page view or None), declared by the features that own
# them. They run without an app context on the fast path: the app is their argument.
ResponseHook = Callable[[Flask, Headers, Request, "PageView | None"], None]


def add_response_hook(app: Flask, hook: ResponseHook) -> None:
    app.extensions.setdefault("page_response_hooks", []).append(hook)


def apply_response_hooks(app: Flask, headers: Headers, req: Request, view) -> None:
    for hook in app.extensions.get("page_response_hooks", ()):
        hook(app, headers, req, view)


def _run_response_hooks(response):
    """Flask's path: every response gets what the hooks add."""
    apply_response_hooks(current_app._get_current_object(), response.headers,
                         request._get_current_object(), page_views.current())  # fmt: skip
    return response


# How a page view is counted: set by the statistics (the cache imports no feature).
Counter = Callable[[PageView, str, tuple[str, ...]], object]


def set_counter(app: Flask, counter: Counter) -> None:
    app.extensions["page_view_counter"] = counter


def _cacheable() -> bool:
    # Readers only: no login, no pending flash message, nothing but a GET (or its HEAD).
    return (
        request.method in ("GET", "HEAD")
        and current_app.config["PAGE_CACHE_SECONDS"] > 0
        and "_user_id" not in session
        and "_flashes" not in session
    )


ArgParsers = Mapping[str, Callable[[], object]]


def cache_key(args: ArgParsers) -> str | None:
    """The path plus the declared query parameters, as the view's own parsers read them
    (None: drop it; any other query parameter is ignored); None when a parser refuses the
    request (the view then answers its error page, uncached)."""
    values = []
    for name in sorted(args):
        try:
            value = args[name]()
        except HTTPException:
            return None
        if value is not None:
            values.append((name, str(value)))
    return f"{request.path}?{urlencode(values)}"


def cached_page(view=None, *, args: ArgParsers | None = None):
    """A reader's page: the view receives the request's `page_view` (PageView) and is served
    from the cache when its content version still holds.

    `@cached_page` for a page that reads no query parameter; `@cached_page(args={"page":
    page_number})` names each one the view reads with the function that parses it from the
    request (returning a canonical value, None for "absent/default", or aborting as the view
    would), so only parameters that change the page make a new cache entry.
    """
    if view is None:
        return lambda view: _cached(view, dict(args or {}))
    return _cached(view, dict(args or {}))


def reader_page(view):
    """A reader's page that is never cached (its query has too many forms): the view still
    receives its `page_view`."""

    @wraps(view)
    def wrapper(*view_args, **kwargs):
        return view(*view_args, page_view=page_views.of(request._get_current_object()),
                    **kwargs)  # fmt: skip

    return wrapper


def _cached(view, args: dict[str, Callable[[], object]]):
    @wraps(view)
    def wrapper(*view_args, **kwargs):
        page_view = page_views.of(request._get_current_object())
        if not _cacheable() or (key := cache_key(args)) is None:
            return view(*view_args, page_view=page_view, **kwargs)
        cache: PageCache = current_app.extensions["page_cache"]
        entry = cache.get(key)
        if request.method == "HEAD" and entry is not None:
            # No page view to count, and no body goes out: any entry of the page will do, so
            # a HEAD flood costs a lookup, not a render.
            return entry.fill(_none, request, current_app._get_current_object())
        if entry is not None:
            count = current_app.extensions["page_view_counter"]
            count(page_view, entry.item, entry.watch)
            if reusable(current_app, page_view, entry):
                return entry.fill(page_view.live_value, request, current_app._get_current_object())
        page_view.recording, page_view.defaults = True, {}
        try:
            response = make_response(view(*view_args, page_view=page_view, **kwargs))
        finally:
            page_view.recording = False
        if response.direct_passthrough or response.is_streamed:
            return response
        # Blanks are filled in whatever the status, only a 200 is kept.
        entry = Entry(response.get_data(as_text=True), page_view.version, page_view.item,
                      page_view.watch, dict(page_view.defaults),
                      changes_at=page_view.changes_at)  # fmt: skip
        if response.status_code == 200 and (
            page_view.version or redis_away(current_app, page_view)
        ):
            cache.put(key, entry)
        response.set_data(entry.fill(page_view.live_value, request,
                                     current_app._get_current_object()))  # fmt: skip
        return response

    return wrapper


def reusable(app: Flask, view: PageView, entry: Entry) -> bool:
    """Whether `entry` may answer the counted `view`: its content version still holds; or
    Redis is away, which cannot say: then an entry young enough is served, with the last
    known numbers, rather than a render per page view while Redis is away (other servers'
    edits show when the entry expires; this process's own clear its cache at once)."""
    if view.hit is not None:
        return view.version == entry.version
    if not redis_away(app, view):
        return False  # not counted for another reason (a prefetch): Flask answers
    if view.snapshot is None:
        view.snapshot = app.extensions["stats"].last
    return True


def redis_away(app: Flask, view: PageView) -> bool:
    """Whether `view` went uncounted because Redis is away (spooled, the breaker open). A
    page rendered then is kept under no version: served only until Redis answers again."""
    stats = app.extensions.get("stats")
    return view.hit is None and stats is not None and not stats.redis_available()


class CachedPages:
    """WSGI layer in front of Flask: a reader's GET of a cached page without query string or
    session cookie is counted and answered here, with the same bytes and headers Flask's
    path gives (tests/test_page_cache.py compares them). Everything else goes to Flask."""

    def __init__(self, app: Flask, wsgi_app) -> None:
        self.app = app
        self.wsgi_app = wsgi_app
        self.session_cookie = app.config["SESSION_COOKIE_NAME"] + "="

    def __call__(self, environ, start_response):
        method = environ["REQUEST_METHOD"]
        if (
            (method != "GET" and method != "HEAD")
            or environ.get("QUERY_STRING")
            or self.session_cookie in environ.get("HTTP_COOKIE", "")
            or environ.get(page_views.ENVIRON_KEY) is not None
        ):
            return self.wsgi_app(environ, start_response)
        cache: PageCache | None = self.app.extensions.get("page_cache")
        if cache is None or self.app.config["PAGE_CACHE_SECONDS"] <= 0:
            return self.wsgi_app(environ, start_response)
        try:
            path = environ.get("PATH_INFO", "").encode("latin-1").decode()
        except UnicodeError:
            return self.wsgi_app(environ, start_response)
        entry = cache.get(path + "?")
        if entry is None:
            return self.wsgi_app(environ, start_response)
        # No app context: what this path runs takes the app explicitly, and pushes one
        # itself only for its rare SQL fallbacks (StatsService.count).
        req, app = Request(environ), self.app
        if method == "HEAD":
            body = entry.fill(_none, req, app)
            return self._answer(body, req, None, start_response, head=True)
        view = page_views.of(req)
        app.extensions["page_view_counter"](view, entry.item, entry.watch)
        if reusable(app, view, entry):
            return self._answer(entry.fill(view.live_value, req, app), req, view, start_response)
        return self.wsgi_app(environ, start_response)  # counted already: Flask renders

    def _answer(self, body: bytes, req, view, start_response, head: bool = False):
        headers = Headers(
            [
                ("Content-Type", "text/html; charset=utf-8"),
                ("Content-Length", str(len(body))),
                ("Vary", "Cookie"),  # as Flask's path says: it read the session
            ]
        )
        apply_response_hooks(self.app, headers, req, view)
        start_response("200 OK", headers.to_wsgi_list())
        return [] if head else [body]


# Content versions: any commit that changed a model that readers' pages show (a model
# class with `invalidates_pages = True`, see PageContent) makes cached pages stale.
class PageContent:
    """Mixin for models whose rows readers' pages show: committing a change to one makes
    every cached page stale (in every process, through the content version in Redis)."""

    invalidates_pages = True


def _note_changes(session_: Session, flush_context, instances) -> None:
    if any(getattr(obj, "invalidates_pages", False)
           for obj in (*session_.new, *session_.dirty, *session_.deleted)):  # fmt: skip
        session_.info["content_changed"] = True


def _after_commit(session_: Session) -> None:
    if session_.info.pop("content_changed", False):
        mark_pages_stale()


def mark_pages_stale() -> None:
    """Make every cached page stale: this process's at once, every other process's through
    the content version in Redis. If Redis is away, other processes' pages expire by their
    age, and the version is bumped once Redis answers again (`send_unsent_bumps`): the
    settings and the menu, cached per process under that version, would never see the
    change otherwise."""
    for cache in list(_caches):
        cache.clear()
    key = names().content_version
    try:
        redis_store.client.incr(key)
    except (redis.RedisError, OSError) as exc:
        _unsent_bumps.add(key)
        log.warning("could not mark cached pages stale in Redis (will once it answers): %s", exc)


def send_unsent_bumps() -> None:
    """Bump the content versions a change could not bump while Redis was away (the
    statistics' background work calls this once Redis answers)."""
    while _unsent_bumps:
        key = _unsent_bumps.pop()
        try:
            redis_store.client.incr(key)
        except (redis.RedisError, OSError):
            _unsent_bumps.add(key)
            return
        log.info("cached pages marked stale now that Redis answers (%s)", key)


_caches: list[PageCache] = []
_unsent_bumps: set[str] = set()  # content-version keys whose INCR failed


class ContentVersion:
    """The content version for a process-wide cache of page content (settings, the menu):
    the request's page view's own when it has one (no Redis call), else one Redis GET; None
    when Redis cannot say, so the caller reads afresh instead of trusting an unknown version.
    A failing Redis is asked again only after `breaker_seconds`, not on every request."""

    def __init__(self, what: str, breaker_seconds: float = 2.0) -> None:
        self.what, self.breaker_seconds = what, breaker_seconds
        self.redis_down_until = 0.0

    def read(self) -> str | None:
        view = page_views.current()
        if view is not None and view.version:
            return view.version
        if time.monotonic() < self.redis_down_until:
            return None
        try:
            return str(redis_store.client.get(names().content_version) or "0")
        except (redis.RedisError, OSError) as exc:
            log.warning("%s read without the content version: %s", self.what, exc)
            self.redis_down_until = time.monotonic() + self.breaker_seconds
            return None


def content_clock(app: Flask) -> Callable[[], float]:
    """The clock scheduled content is shown by (epoch seconds): CONTENT_CLOCK when set (tests
    move it), else the system's."""
    return app.config.get("CONTENT_CLOCK") or time.time


def init_app(app: Flask) -> None:
    """The cache, its template helpers and the Flask-path hooks. The WSGI layer is put in
    by `wrap_wsgi` (the factory does it first, so Host checks and ProxyFix wrap it)."""
    cache = PageCache(ttl=float(app.config["PAGE_CACHE_SECONDS"]), clock=content_clock(app))
    app.extensions["page_cache"] = cache
    _caches.append(cache)
    app.add_template_global(page_views.live, "live")
    app.add_template_global(page_views.item_key, "item_key")
    app.add_template_global(per_request, "per_request")
    app.add_template_filter(format_count, "thousands")
    app.after_request(_run_response_hooks)
    # Pages that are no page view (admin, errors outside one) render with page_view=None;
    # a view's explicit page_view wins over this default.
    app.context_processor(lambda: {"page_view": page_views.current()})
    if not event.contains(Session, "before_flush", _note_changes):
        event.listen(Session, "before_flush", _note_changes)
        event.listen(Session, "after_commit", _after_commit)


def wrap_wsgi(app: Flask) -> None:
    app.wsgi_app = CachedPages(app, app.wsgi_app)
