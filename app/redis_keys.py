"""Every Redis key name of the statistics and the page cache, defined once.

The Lua scripts (app/stats/scripts.py) receive the prefix as ARGV[1] and spell each key as
`p .. '@name@'`; `lua()` puts the suffixes below in their place when the module loads, so
Python and Lua read the same table. Keys ending in ":" take an id, a day or an hour.
"""

from __future__ import annotations

import re

PREFIX = "st:"

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
    "flush_id": ":id",  # flushing:<kind> + this: the id of the batch on its way
}

CHANNEL = PREFIX + SUFFIXES["channel"]
CONTENT_VERSION = PREFIX + SUFFIXES["content_version"]
DAYS_LATE = PREFIX + SUFFIXES["days_late"]
INIT = PREFIX + SUFFIXES["init"]
PUB_TRAIL = PREFIX + SUFFIXES["pub_trail"]


def key(name: str, *parts: object) -> str:
    """A full key name: `key("day", "2026-11-29")` -> "st:day:2026-11-29"."""
    return PREFIX + SUFFIXES[name] + "".join(str(part) for part in parts)


_PLACEHOLDER = re.compile(r"@([a-z_]+)@")


def lua(source: str) -> str:
    """A script's source with each `@name@` replaced by that key's suffix."""
    return _PLACEHOLDER.sub(lambda m: SUFFIXES[m.group(1)], source)
