"""Rendered public pages kept per process, with the live numbers left as blanks.

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
from flask import Flask, current_app, g, make_response, request, session
from markupsafe import Markup, escape
from sqlalchemy import event
from sqlalchemy.orm import Session
from werkzeug.exceptions import HTTPException

from app.extensions import redis_store

log = logging.getLogger(__name__)

VERSION_KEY = "st:content:version"
_MARK = re.compile("\x00([a-z_:0-9]+)\x00")


@dataclass
class Entry:
    html: str
    version: str
    item: str
    watch: tuple[str, ...]
    defaults: dict[str, str]
    created: float = field(default_factory=time.monotonic)


class PageCache:
    def __init__(self, max_entries: int = 2000, ttl: float = 30.0) -> None:
        self.max_entries = max_entries
        self.ttl = ttl
        self._entries: OrderedDict[str, Entry] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: str) -> Entry | None:
        with self._lock:
            entry = self._entries.get(key)
            if entry is None:
                return None
            if time.monotonic() - entry.created > self.ttl:
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


def format_count(value) -> str:
    """`10232037` -> `10,232,037`, as the original sites show counts."""
    return f"{int(value or 0):,}"


def live(key: str, value) -> Markup | str:
    """A number that changes between requests: a blank while recording a cacheable page."""
    text = format_count(value)
    if g.get("page_recording"):
        g.page_defaults[key] = text
        return Markup(f"\x00{key}\x00")  # noqa: S704 - a fixed marker around [a-z_:0-9]
    return text


# Per-request values (key -> provider returning plain text): never recorded, never defaulted.
_request_values: dict[str, Callable[[], str]] = {}


def register_request_value(key: str, provider: Callable[[], str]) -> None:
    """Make `key` a value of the request itself, e.g. the CSP nonce: `per_request(key)`
    renders it, as a blank while a cacheable page is being recorded."""
    _request_values[key] = provider


def per_request(key: str) -> Markup:
    """A registered per-request value, HTML-escaped; a blank while recording."""
    if g.get("page_recording"):
        return Markup(f"\x00{key}\x00")  # noqa: S704 - a fixed marker around [a-z_:0-9]
    return escape(_request_values[key]())


def fill(html: str, values: dict[str, str], defaults: dict[str, str]) -> str:
    computed: dict[str, str] = {}  # each per-request value once, however often it appears

    def value(match: re.Match) -> str:
        key = match.group(1)
        if key in _request_values:
            if key not in computed:
                computed[key] = str(escape(_request_values[key]()))
            return computed[key]
        return values.get(key, defaults.get(key, "0"))

    return _MARK.sub(value, html)


def live_values(hit) -> dict[str, str]:
    snapshot = hit.snapshot
    values = {
        "online": format_count(snapshot.online),
        "today": format_count(snapshot.today),
        "total": format_count(snapshot.total),
        "bots_online": format_count(snapshot.bots_online),
    }
    values.update({f"item:{k}": format_count(v) for k, v in snapshot.items.items()})
    return values


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
    """Serve a reader's page from the cache when its content version still holds.

    `@cached_page` for a page that reads no query parameter; `@cached_page(args={"page":
    page_number})` names each one the view reads with the function that parses it from the
    request (returning a canonical value, None for "absent/default", or aborting as the view
    would), so only parameters that change the page make a new cache entry.
    """
    if view is None:
        return lambda view: _cached(view, dict(args or {}))
    return _cached(view, dict(args or {}))


def _cached(view, args: dict[str, Callable[[], object]]):
    @wraps(view)
    def wrapper(*view_args, **kwargs):
        if not _cacheable() or (key := cache_key(args)) is None:
            return view(*view_args, **kwargs)
        from app.stats import track_page_view

        cache: PageCache = current_app.extensions["page_cache"]
        entry = cache.get(key)
        if request.method == "HEAD" and entry is not None:
            # No page view to count, and no body goes out: any entry of the page will do, so
            # a HEAD flood costs a lookup, not a render.
            return fill(entry.html, {}, entry.defaults)
        if entry is not None:
            hit = track_page_view(entry.item, watch=entry.watch)
            if hit is not None and hit.version == entry.version:
                return fill(entry.html, live_values(hit), entry.defaults)
        g.page_recording, g.page_defaults = True, {}
        try:
            response = make_response(view(*view_args, **kwargs))
        finally:
            g.page_recording = False
        hit = g.get("stats_hit")
        if response.direct_passthrough or response.is_streamed:
            return response
        # Blanks are filled in whatever the status, only a 200 is kept.
        html = response.get_data(as_text=True)
        values = live_values(hit) if hit is not None else {}
        if response.status_code == 200 and hit is not None and hit.version:
            cache.put(key, Entry(html, hit.version, g.get("stats_item", ""),
                                 g.get("stats_watch", ()), dict(g.page_defaults)))  # fmt: skip
        response.set_data(fill(html, values, g.page_defaults))
        return response

    return wrapper


# Content versions: any commit that changed a content model makes cached pages stale.
_content_classes: tuple[type, ...] = ()


def _note_changes(session_: Session, flush_context, instances) -> None:
    if any(isinstance(obj, _content_classes)
           for obj in (*session_.new, *session_.dirty, *session_.deleted)):  # fmt: skip
        session_.info["content_changed"] = True


def _after_commit(session_: Session) -> None:
    if not session_.info.pop("content_changed", False):
        return
    for cache in list(_caches):
        cache.clear()
    try:
        redis_store.client.incr(VERSION_KEY)
    except (redis.RedisError, OSError) as exc:
        log.warning("could not mark cached pages stale in Redis: %s", exc)


_caches: list[PageCache] = []


def init_app(app: Flask, content_classes: tuple[type, ...]) -> None:
    global _content_classes
    cache = PageCache(ttl=float(app.config["PAGE_CACHE_SECONDS"]))
    app.extensions["page_cache"] = cache
    _caches.append(cache)
    _content_classes = tuple({*_content_classes, *content_classes})
    app.add_template_global(live, "live")
    app.add_template_global(per_request, "per_request")
    if not event.contains(Session, "before_flush", _note_changes):
        event.listen(Session, "before_flush", _note_changes)
        event.listen(Session, "after_commit", _after_commit)
