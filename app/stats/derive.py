"""The deployment's "reports" job: what Redis kept per day (raw user agents, referrer hosts,
countries) turned into SQL rows of `stats_breakdown` (app.stats.models.DailyBreakdown).

The page view's script keeps, per local day, each new visit's user agent (`ua:`), referrer
host (`ref:`) and country (`geo:`), and each bot page view's user agent (`bots:`), raw and
capped (scripts.DAY_FIELDS). This job classifies them with app.stats.agents and upserts:

  browser / os / device  visits, by the user agent's browser family, OS, device type
  referrer               visits, by referrer host (the site's own and blocklisted left out)
  search                 visits, by search engine of the referrer host (only those)
  bot                    bot page views, by bot name
  country                visits, by country code (only with GeoIP)

Counts are never lowered (a Redis that lost a day's hashes must not erase SQL's rows). The
unique visitors per hour, month and year go to SQL with the checkpoint (durability.py).

Owner: counting engineer (issue 14).
"""

from __future__ import annotations

import logging
import threading
from collections import Counter
from datetime import date, timedelta

from app.extensions import db
from app.offload import offload
from app.stats import agents
from app.stats.durability import _insert, _never_lower
from app.stats.models import DailyBreakdown

log = logging.getLogger(__name__)

VALUE_MAX = 255  # DailyBreakdown.value
# Classified user agents kept per process (a day holds at most DAY_FIELDS distinct ones per
# hash; today's and yesterday's both fit).
CACHE_SIZE = 20000

_agents: dict[str, tuple[str, str, str]] = {}
_bots: dict[str, str] = {}
_cache_lock = threading.Lock()


def run(service) -> list[date]:
    """Derive today's and yesterday's breakdowns (site zone) into SQL; the days written."""
    store = service.store
    today = store.local(store.now()).date()
    return derive_days(service, [today - timedelta(days=1), today])


def derive_days(service, days: list[date]) -> list[date]:
    """Derive the breakdowns of `days` into SQL, in one transaction; the days written."""
    store = service.store
    if not days or not store.client.exists(store.keys.init):
        return []  # an emptied Redis has nothing to add
    # Settings and config need the app context: read here, handed to the worker thread.
    own, blocked = agents.own_hosts(), agents.blocklist()
    written = []
    for day in days:
        raw = store.day_breakdowns(f"{day:%Y-%m-%d}")
        if not any(raw.values()):
            continue
        # Thousands of user agents to parse: CPU work, off the event loop.
        counts = offload(aggregate, raw, own, blocked, heavy=True)
        _upsert(day, counts)
        written.append(day)
    db.session.commit()
    return written


def aggregate(raw: dict[str, dict[str, int]], own_hosts, blocklist) -> dict[tuple[str, str], int]:
    """(dimension, value) -> count of one day, from its raw hashes (store.day_breakdowns)."""
    counts: Counter[tuple[str, str]] = Counter()
    for user_agent, visits in raw.get("ua", {}).items():
        browser, os_name, device = _classify(user_agent)
        counts["browser", browser] += visits
        counts["os", os_name] += visits
        counts["device", device] += visits
    for host, visits in raw.get("ref", {}).items():
        if host and agents.referrer_excluded(host, own_hosts, blocklist):
            continue
        counts["referrer", host[:VALUE_MAX]] += visits
        engine = agents.search_engine(host) if host else ""
        if engine:
            counts["search", engine[:VALUE_MAX]] += visits
    for user_agent, views in raw.get("bots", {}).items():
        counts["bot", _bot(user_agent)[:VALUE_MAX]] += views
    for country, visits in raw.get("geo", {}).items():
        counts["country", country[:VALUE_MAX]] += visits
    return {key: n for key, n in counts.items() if n > 0}


def _classify(user_agent: str) -> tuple[str, str, str]:
    found = _agents.get(user_agent)
    if found is None:
        agent = agents.classify(user_agent) if user_agent else None
        found = (
            (agent.browser[:VALUE_MAX], agent.os[:VALUE_MAX], agent.device[:VALUE_MAX])
            if agent is not None
            else (agents.OTHER, agents.OTHER, "other")
        )
        _remember(_agents, user_agent, found)
    return found


def _bot(user_agent: str) -> str:
    found = _bots.get(user_agent)
    if found is None:
        found = agents.bot_name(user_agent) if user_agent else agents.OTHER
        _remember(_bots, user_agent, found)
    return found


def _remember(cache: dict, key: str, value) -> None:
    with _cache_lock:
        if len(cache) >= CACHE_SIZE:
            cache.clear()  # a new day's user agents; cheaper than an LRU's bookkeeping
        cache[key] = value


def _upsert(day: date, counts: dict[tuple[str, str], int]) -> None:
    table = DailyBreakdown.__table__
    rows = [{"day": day, "dimension": dimension, "value": value, "count": n}
            for (dimension, value), n in sorted(counts.items())]  # fmt: skip
    stmt = _insert(table)
    stmt = stmt.on_conflict_do_update(
        index_elements=["day", "dimension", "value"], set_=_never_lower(table, stmt, ["count"])
    )
    # One statement compiled once and executed for every row (SQLAlchemy batches the rows
    # within each database's parameter limit): a VALUES list of thousands of rows cost ten
    # times more to compile than this to run.
    db.session.execute(stmt, rows)
