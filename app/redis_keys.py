"""Every Redis key name the portal uses, defined once, behind the site's own prefix.

REDIS_KEY_PREFIX (default "") goes before every key and the live channel, so several sites
share one Redis DB: with "tinhA:" the total is "tinhA:st:total" and the channel
"tinhA:st:channel". Each app's names are a `KeyNames`, made once at start-up
(`names(app)`); code builds keys through it, never from a constant of its own.

The Lua scripts (app/stats/scripts.py) receive the statistics prefix (`KeyNames.stats`) as
ARGV[1] and spell each key as `p .. '@name@'`; `lua()` puts the suffixes below in their
place when the module loads, so Python and Lua read the same table. Keys ending in ":" take
an id, a day or an hour.
"""

from __future__ import annotations

import re

from flask import Flask, current_app

# The families of keys, each after the site's prefix.
STATS = "st:"  # statistics, the live channel, the content version, job locks
RATE = "rl:"  # app/rate_limit.py: "rl:<name>:<hash>"
AUTH = "auth:"  # app/auth/throttle.py: login failures and locks
EDITING = "edit:article:"  # app/news/editing.py: + article id, who has it open
BANNER_CLICK = "banner-click:"  # app/blocks/operations.py: + banner:day:visitor, counted once
MAX_PREFIX = 64

SUFFIXES = {
    "init": "init",  # set once the counters exist (absent: restore from SQL)
    "total": "total",  # visits ever, without the configured offset
    "day": "day:",  # + local day: hash visits / views / bot_views
    "hour": "hour:",  # + local hour "YYYY-MM-DDTHH": the same fields
    "uv": "uv:",  # + local day: HyperLogLog of visitors
    "online": "online",  # sorted set: visitor -> last page view (ms)
    "online_bots": "online:bots",
    "visit": "visit:",  # + visitor: time of their last page view (visit boundary)
    "seen": "seen:",  # + visitor: items counted in this visit
    "hlink": "hlink:",  # + IP+UA hash: the cookie last given to it, and whether it came back
    "hits": "hits:",  # + minute: hit ids seen (a replay counts nothing)
    "pending": "pending:",  # + kind: item views not yet in SQL
    "flushing": "flushing:",  # + kind: a batch on its way to SQL; + kind + ":id": its id
    "live": "live:",  # + kind: the counts pages show (SQL + pending)
    "pub_state": "pub:state",  # the last published headline numbers
    "pub_items": "pub:items",  # the last published item values
    "pub_last": "pub:last",  # when the last message went out (ms)
    "pub_trail": "pub:trail",  # a trailing publish due at (ms)
    "pub_extra": "pub:extra",  # live values set outside a page view (a vote), for the next message
    "channel": "channel",  # pub/sub channel of the live numbers
    "content_version": "content:version",  # bumped by every content commit (page cache)
    "days_late": "days:late",  # local days a replay changed after their checkpoint
    "lock": "lock:",  # + job name: one runner per deployment
    # The statistics reports, all written by the page view's one script call:
    "ua": "ua:",  # + local day: hash raw user agent -> visits started with it (humans)
    "bots": "bots:",  # + local day: hash raw user agent -> bot page views
    "ref": "ref:",  # + local day: hash referrer host -> visits that came from it
    "geo": "geo:",  # + local day: hash country code -> visits (only with a GeoIP database)
    "uvh": "uvh:",  # + local hour "YYYY-MM-DDTHH": HyperLogLog of visitors
    "uvp": "uvp:",  # + local month "YYYY-MM" or year "YYYY": HyperLogLog of visitors
    "uvp_since": "uvp:since:",  # + the same period: first day merged into its uvp: key
    "pv10": "pv10:",  # + ms // 10000: human page views in those ten seconds (TTL)
    "where": "where",  # hash visitor -> item ("kind:id") of their last page view, while online
    "reading": "reading",  # sorted set item ("kind:id") -> visitors whose `where` it is
    "staff_channel": "staff:channel",  # pub/sub channel of the staff's live panel
    "staff_watch": "staff:watch",  # set (TTL) while some process serves a staff live panel
    "flush_id": ":id",  # flushing:<kind> + this: the id of the batch on its way
}


class KeyNames:
    """The key names of one site: its REDIS_KEY_PREFIX before each family above."""

    def __init__(self, site: str = "") -> None:
        if len(site) > MAX_PREFIX or not site.isprintable() or any(c.isspace() for c in site):
            raise ValueError(
                f"REDIS_KEY_PREFIX must be at most {MAX_PREFIX} printable characters "
                'without spaces, e.g. "tinhA:"'
            )
        self.site = site
        self.stats = site + STATS  # ARGV[1] of every statistics script
        self.rate = site + RATE
        self.auth = site + AUTH
        self.channel = self.key("channel")
        self.probe_channel = self.channel + ":probe"  # each subscriber's probe of its path
        self.content_version = self.key("content_version")
        self.days_late = self.key("days_late")
        self.init = self.key("init")
        self.pub_trail = self.key("pub_trail")

    def key(self, name: str, *parts: object) -> str:
        """A statistics key: `key("day", "2026-11-29")` -> "<site>st:day:2026-11-29"."""
        return self.stats + SUFFIXES[name] + "".join(str(part) for part in parts)

    def editing(self, article_id: int) -> str:
        return f"{self.site}{EDITING}{article_id}"

    def banner_click(self, banner_id: int, day: str, who: str) -> str:
        return f"{self.site}{BANNER_CLICK}{banner_id}:{day}:{who}"

    def __repr__(self) -> str:
        return f"KeyNames({self.site!r})"


# A site without REDIS_KEY_PREFIX (tests and benches read its names).
DEFAULT = KeyNames()


def init_app(app: Flask) -> None:
    app.extensions["redis_keys"] = KeyNames(app.config.get("REDIS_KEY_PREFIX") or "")


def names(app: Flask | None = None) -> KeyNames:
    """The key names of `app` (default: the current app)."""
    return (app or current_app).extensions["redis_keys"]


_PLACEHOLDER = re.compile(r"@([a-z_0-9]+)@")


def lua(source: str) -> str:
    """A script's source with each `@name@` replaced by that key's suffix."""
    return _PLACEHOLDER.sub(lambda m: SUFFIXES[m.group(1)], source)
