"""The staff's live panel: online now, page views in the last minute, and what is being
read right now ("đang đọc"), pushed over the same stream machinery on a channel of its own.

The page view writes what the panel reads, in its one script call (app/stats/scripts.py):
the online set (visitor -> last page view, ms), `where` (visitor -> the "kind:id" item of
their last page view), `reading` (item -> how many online visitors' `where` it is, moved
with `where` in the same call) and the `pv10:<ms // 10000>` counters of human page views.
The panel reads them once per second across the deployment (the "live_panel" job,
app/stats/jobs.py), only while some process serves a staff panel (`staff:watch`, kept by
`keep_watch`), in one script call of O(log online + the top items) that also trims the
visitors who left the window (each once), so the counts are exactly the window's. Never
anything per visitor online, and a failed read is logged, never trips the page views'
circuit breaker.

`reading` cannot drift from `where`: every script that changes one changes the other. Only
an upgrade (a previous release's processes wrote `where` alone) or a partial restore of
Redis could make it differ; the job counts it again from `where` once a minute while at
most REBUILD_ONLINE visitors are online. On a larger site such a difference is left to heal
as those visitors leave (a count never goes below zero); it is not corrected at once.

Page views "in the last minute" are the sum of the six ten-second buckets after the one the
minute starts in, plus that oldest bucket's share of the minute (prorated): exact when the
minute starts on a bucket boundary, otherwise off by at most the part of the oldest bucket's
views made before the minute started (assumed spread evenly over its ten seconds).
"""

from __future__ import annotations

import hashlib
import json
import logging
import threading
import time

import redis
from flask import has_request_context
from sqlalchemy import select

from app import live_counters
from app.extensions import db
from app.redis_keys import lua
from app.stats.scripts import READING

log = logging.getLogger(__name__)

TOP_ITEMS = 20  # items shown under "Đang đọc"
WATCH_SECONDS = 5  # `staff:watch` outlives the last tick of a process serving a panel by this
KEEPALIVE_MS = 15000  # an unchanged panel is published again after this long
TITLES_SECONDS = 60.0  # titles and links are cached per process this long
BUCKET_MS = 10000  # pv10: one counter per ten seconds
MINUTE_BUCKETS = 6
# `reading` is counted again from `where` at most this often, only while watched, and only
# while at most REBUILD_ONLINE visitors are online (HGETALL of `where`: ~5 ms at 10,000).
REBUILD_SECONDS = 60
REBUILD_ONLINE = 10_000

# ARGV: prefix, now ms, online window ms, top N, "1" to answer only while watched, newest
# pv10 bucket (now ms // 10000).
# Returns false when watching was required and nobody watches; else {online, {pv10 counts,
# oldest first: the bucket before the minute's, then six}, {item, readers, ...} (the top N,
# most readers first, then by name), distinct items being read, online visitors reading one}.
# O(log n + N) plus the visitors who left the window since the last trim (each trimmed once:
# here or by the refresh), never O(online): `reading` is kept by the page view's own call.
READ_PANEL = lua(
    READING
    + r"""
local p, now, window, top = ARGV[1], tonumber(ARGV[2]), tonumber(ARGV[3]), tonumber(ARGV[4])
if ARGV[5] == '1' and redis.call('EXISTS', p .. '@staff_watch@') == 0 then return false end
forget_gone(p, now - window)  -- so `reading` counts exactly the online window
local key = p .. '@reading@'
local online = redis.call('ZCOUNT', p .. '@online@', '(' .. (now - window), '+inf')
-- The top N by readers, ties by name: all items above the N-th one's count, then the first
-- names (ZRANGEBYSCORE orders equal scores by name) at that count.
local above, ties = {}, {}
local cut = redis.call('ZREVRANGE', key, top - 1, top - 1, 'WITHSCORES')
if #cut == 0 then
  above = redis.call('ZREVRANGE', key, 0, -1, 'WITHSCORES')
else
  above = redis.call('ZREVRANGEBYSCORE', key, '+inf', '(' .. cut[2], 'WITHSCORES')
  ties = redis.call('ZRANGEBYSCORE', key, cut[2], cut[2], 'WITHSCORES', 'LIMIT', 0,
                    top - #above / 2)
end
local rows = {}
for i = 1, #above, 2 do rows[#rows + 1] = {above[i], tonumber(above[i + 1])} end
table.sort(rows, function(a, b)
  if a[2] ~= b[2] then return a[2] > b[2] end
  return a[1] < b[1]
end)
for i = 1, #ties, 2 do rows[#rows + 1] = {ties[i], tonumber(ties[i + 1])} end
local reading = {}
for i = 1, math.min(top, #rows) do
  reading[#reading + 1] = rows[i][1]
  reading[#reading + 1] = rows[i][2]
end
local newest = tonumber(ARGV[6])
local keys = {}
for bucket = newest - @minute_buckets@, newest do
  keys[#keys + 1] = p .. '@pv10@' .. string.format('%d', bucket)
end
local views = redis.call('MGET', unpack(keys))
for i = 1, #views do views[i] = tonumber(views[i] or '0') end
return {online, views, reading, redis.call('ZCARD', key), redis.call('HLEN', p .. '@where@')}
""".replace("@minute_buckets@", str(MINUTE_BUCKETS))
)

# ARGV: prefix, largest online set rebuilt. Counts `reading` again from `where` (all or
# nothing) unless more than that many visitors are online; returns the items counted, or -1.
# `reading` cannot drift from `where` (every script changes both), except across an upgrade
# (processes of the previous release wrote `where` alone) or a Redis restored from a partial
# copy: this heals it on any site small enough to count in a few ms.
REBUILD_READING = lua(
    r"""
local p = ARGV[1]
if redis.call('ZCARD', p .. '@online@') > tonumber(ARGV[2]) then return -1 end
local key = p .. '@reading@'
local counts, order = {}, {}
local where = redis.call('HGETALL', p .. '@where@')
for i = 2, #where, 2 do
  local item = where[i]
  if item ~= '' then
    if not counts[item] then order[#order + 1] = item; counts[item] = 0 end
    counts[item] = counts[item] + 1
  end
end
redis.call('DEL', key)
for i = 1, #order, 500 do
  local args = {}
  for j = i, math.min(i + 499, #order) do
    args[#args + 1] = counts[order[j]]
    args[#args + 1] = order[j]
  end
  redis.call('ZADD', key, unpack(args))
end
return #order
"""
)

# ARGV: prefix, payload, its state (the panel without its time), keepalive ms.
# Publishes the payload on the staff channel unless the last one published had the same
# state less than keepalive ms ago (the state key's TTL). Returns 1 published, 0 not.
PUBLISH_PANEL = lua(
    r"""
local p = ARGV[1]
local last = p .. '@staff_channel@' .. ':last'
if redis.call('GET', last) == ARGV[3] then return 0 end
redis.call('SET', last, ARGV[3], 'PX', ARGV[4])
redis.call('PUBLISH', p .. '@staff_channel@', ARGV[2])
return 1
"""
)


class _Scripts:
    """The two scripts registered on the store's client (made anew with the client)."""

    def __init__(self, client: redis.Redis) -> None:
        self.client = client
        self.read = client.register_script(READ_PANEL)
        self.publish = client.register_script(PUBLISH_PANEL)
        self.rebuild = client.register_script(REBUILD_READING)


_scripts: _Scripts | None = None
_titles_lock = threading.Lock()


def _scripts_for(client: redis.Redis) -> _Scripts:
    global _scripts
    scripts = _scripts
    if scripts is None or scripts.client is not client:
        scripts = _scripts = _Scripts(client)
    return scripts


def minute_views(buckets: list[int], now_ms: int) -> int:
    """Page views in the minute before `now_ms` from the seven ten-second buckets that
    cover it, oldest first (see the module's docstring for how exact it is)."""
    oldest, rest = buckets[0], buckets[1:]
    newest = now_ms // BUCKET_MS
    share = ((newest + 1) * BUCKET_MS - now_ms) / BUCKET_MS  # of the oldest, in the minute
    return int(sum(rest) + round(oldest * share))


def read(service, *, only_watched: bool = False, top: int = TOP_ITEMS) -> dict | None:
    """The panel's numbers from Redis (one call), with titles and links from SQL (cached):
    {"online", "views_1m", "reading": [{"item", "kind", "title", "url", "readers"}],
    "items", "readers", "updated"}. None when `only_watched` and nobody watches."""
    store = service.store
    now = service.clock()
    now_ms = int(now * 1000)
    result = _scripts_for(store.client).read(
        args=[
            store.prefix,
            now_ms,
            store.online_window_ms,
            top,
            "1" if only_watched else "0",
            now_ms // BUCKET_MS,
        ]  # fmt: skip
    )
    if result is None:
        return None
    online, buckets, pairs, items, readers = result
    reading = [(pairs[i], int(pairs[i + 1])) for i in range(0, len(pairs), 2)]
    return {
        "online": int(online),
        "views_1m": minute_views([int(v) for v in buckets], now_ms),
        "reading": describe(service.app, reading),
        "items": int(items),
        "readers": int(readers),
        "updated": store.iso(now),
    }


def describe(app, reading: list[tuple[str, int]]) -> list[dict]:
    """Each item being read with its kind's label, its title and its page's URL (None when
    the row is gone or its kind unknown). Titles are editors' input: escaped where shown."""
    found = _titles_of(app, [item for item, _ in reading])
    labels = live_counters.report_items(app)
    rows = []
    for item, count in reading:
        kind = item.partition(":")[0]
        title, url = found.get(item, (None, None))
        label = labels[kind].label if kind in labels else kind
        rows.append({"item": item, "kind": label, "title": title, "url": url, "readers": count})
    return rows


def _titles_of(app, items: list[str]) -> dict[str, tuple[str | None, str | None]]:
    """Titles and URLs of `items`, from the per-process cache or SQL (one query per kind)."""
    now = time.monotonic()
    found: dict[str, tuple[str | None, str | None]] = {}
    wanted: dict[str, list[int]] = {}
    cache = app.extensions.setdefault("stats_live_titles", {})  # item -> (expires, title, url)
    for item in items:
        cached = cache.get(item)
        if cached is not None and cached[0] > now:
            found[item] = cached[1:]
            continue
        kind, _, item_id = item.partition(":")
        if item_id.isascii() and item_id.isdigit():
            wanted.setdefault(kind, []).append(int(item_id))
        else:
            found[item] = (None, None)
    if not wanted:
        return found
    counters = live_counters.counters(app)
    reports = live_counters.report_items(app)
    fresh: dict[str, tuple[str | None, str | None]] = {}
    for kind, ids in wanted.items():
        for item_id in ids:
            fresh[f"{kind}:{item_id}"] = (None, None)
        counter = counters.get(kind)
        if counter is None:
            continue
        model = counter.model
        link = reports[kind].url if kind in reports else None
        rows = db.session.scalars(select(model).where(model.id.in_(ids))).all()
        for row in rows:
            fresh[f"{kind}:{row.id}"] = (str(row.title), _url(app, link, row))
    expires = now + TITLES_SECONDS
    with _titles_lock:
        if len(cache) > 10_000:
            cache.clear()
        for item, value in fresh.items():
            cache[item] = (expires, *value)
    found.update(fresh)
    return found


def _url(app, link, row) -> str | None:
    """The page of `row` as its feature links it; outside a request (the background job),
    in a request context of the site's root, so url_for builds the same path."""
    if link is None:
        return None
    try:
        if has_request_context():
            return link(row)
        with app.test_request_context("/"):
            return link(row)
    except Exception:  # a row its feature cannot link (no slug): shown without a link
        log.warning("no link for %r in the live panel", row, exc_info=True)
        return None


def encode(panel: dict) -> str:
    return json.dumps(panel, ensure_ascii=False, separators=(",", ":"))


def state_of(panel: dict) -> str:
    """What decides whether the panel changed: everything but its time."""
    body = json.dumps({k: v for k, v in panel.items() if k != "updated"}, sort_keys=True)
    return hashlib.sha1(body.encode()).hexdigest()  # noqa: S324 - a fingerprint, not a secret


def keep_watch(service, hub) -> None:
    """Each tick of each process: note in Redis that this process serves a staff panel."""
    staff = getattr(hub, "staff", None)
    if staff is not None and staff.clients > 0:
        watch(service)


def watch(service) -> None:
    """Some process serves a staff panel for the next WATCH_SECONDS: the job publishes.
    A failure is logged (the next tick tries again), never trips the page views' breaker."""
    store = service.store
    try:
        store.client.set(store.keys.key("staff_watch"), "1", ex=WATCH_SECONDS)
    except (redis.RedisError, OSError) as exc:
        log.warning("staff live panel watch not set: %s", exc)


def publish(service) -> bool:
    """The deployment's "live_panel" job (each second): publish the panel if anyone watches
    and it changed (or KEEPALIVE_MS went by). Whether it published. A failure is logged,
    never taken as the page views' Redis being away (their breaker stays as it is)."""
    try:
        panel = read(service, only_watched=True)
        if panel is None:
            return False
        store = service.store
        scripts = _scripts_for(store.client)
        published = scripts.publish(
            args=[store.prefix, encode(panel), state_of(panel), KEEPALIVE_MS]
        )
        if store.try_lock("reading_rebuild", "live_panel", REBUILD_SECONDS * 1000):
            scripts.rebuild(args=[store.prefix, REBUILD_ONLINE])
    except (redis.RedisError, OSError) as exc:
        log.warning("staff live panel not published: %s", exc)
        return False
    return bool(published)


def catch_up(service, hub) -> None:
    """After the subscriber (re)connected: this process' staff streams get the panel now
    (a change published while it was away would wait for the next one)."""
    staff = getattr(hub, "staff", None)
    if staff is None or staff.clients == 0:
        return
    try:
        staff.broadcast(encode(read(service)))
    except Exception as exc:  # noqa: BLE001 - the readers' catch-up must go on; next publish
        log.warning("staff panel catch-up failed: %s", exc)


def current_panel() -> dict | None:
    """The panel for a page of the current app, or None when Redis does not answer."""
    from app.stats.services import get_service

    service = get_service()
    if not service.redis_available():
        return None
    try:
        return read(service)
    except (redis.RedisError, OSError) as exc:  # the page views' breaker is not the panel's
        log.warning("staff live panel not read: %s", exc)
        return None


__all__ = ["catch_up", "current_panel", "keep_watch", "publish", "read", "watch"]
