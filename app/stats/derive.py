"""The deployment's "reports" job: what Redis kept per day (raw user agents, referrer hosts,
countries) turned into SQL rows of `stats_breakdown` (app.stats.models.DailyBreakdown).

The page view's script keeps, per local day, each new visit's user agent (`ua:`), referrer
host (`ref:`) and country (`geo:`), and each bot page view's user agent (`bots:`), raw and
capped (scripts.UA_FIELDS, DAY_FIELDS). This job classifies them with app.stats.agents and upserts:

  browser / os / device  visits, by the user agent's browser family, OS, device type
  referrer               visits, by referrer host (the site's own and blocklisted left out;
                         the day's 500 biggest, the rest in "")
  search                 visits, by search engine of the referrer host (only those)
  bot                    bot page views, by bot name
  country                visits, by country code (only with GeoIP)

A referrer that is neither a domain name nor an IP address (any text a visitor sent as a
Referer: "http://đánh bạc 0900/") is counted as "" ("Khác"), never shown as a host.

A day's rows of a dimension are replaced by what Redis holds when its total is at least
SQL's (Redis still has the whole day: a user agent classified otherwise since a deploy moves
its visits, it does not count them twice); when it is less (Redis lost part of the day) no
count is lowered and no row removed. Only rows that changed are written: a dimension whose
counts are what this process last wrote is skipped without a query, and a day whose hashes
are unchanged is not classified again. The unique visitors per hour, month and year go to
SQL with the checkpoint (durability.py).
"""

from __future__ import annotations

import ipaddress
import itertools
import logging
import threading
from collections import Counter
from datetime import date, timedelta

from sqlalchemy import delete, select

from app.extensions import db
from app.offload import offload
from app.stats import agents
from app.stats.durability import _insert
from app.stats.models import DailyBreakdown

log = logging.getLogger(__name__)

VALUE_MAX = 255  # DailyBreakdown.value
# Classified user agents (and bot names) kept per process: a busy day's distinct user agents
# (scripts.UA_FIELDS) fit, so each is parsed once, not at every run. When full, the older
# half goes (a day that has passed).
CACHE_SIZE = 25000
DAYS_REMEMBERED = 4  # days whose last written counts a process keeps (today, yesterday, late)
DELETE_CHUNK = 500
# Referrer hosts kept per day (the biggest); the long tail, mostly one-visit hosts and spam,
# goes to "Khác" so a year of breakdowns stays a few hundred thousand rows at most.
REFERRERS_KEPT = 500

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
    memory = service.app.extensions.setdefault("stats_derived", {"raw": {}, "rows": {}})
    written, wrote = [], {}
    for day in days:
        raw = store.day_breakdowns(f"{day:%Y-%m-%d}")
        if not any(raw.values()):
            continue
        seen = (_fingerprint(raw), own, blocked)
        if memory["raw"].get(day) == seen:
            written.append(day)  # nothing new since this process wrote it
            continue
        # Thousands of user agents to parse: CPU work, off the event loop.
        counts = offload(aggregate, raw, own, blocked, heavy=True)
        wrote.update(_upsert(day, counts, memory["rows"]))
        wrote[day] = seen
        written.append(day)
    db.session.commit()
    for key, value in wrote.items():  # remembered once SQL has it
        memory["rows" if isinstance(key, tuple) else "raw"][key] = value
    for remembered in (memory["raw"], memory["rows"]):
        _forget_old_days(remembered)
    return written


def _fingerprint(raw: dict[str, dict[str, int]]) -> int:
    """Stands for a day's hashes: equal hashes give equal fingerprints (a collision of two
    different days' contents would only delay their rows to the next change)."""
    return hash(tuple((name, frozenset(values.items())) for name, values in sorted(raw.items())))


def _forget_old_days(remembered: dict) -> None:
    days = sorted({key[0] if isinstance(key, tuple) else key for key in remembered})
    for old in days[:-DAYS_REMEMBERED]:
        for key in [k for k in remembered if (k[0] if isinstance(k, tuple) else k) == old]:
            del remembered[key]


def referrer_value(host: str) -> str:
    """The host as a report row, or "" ("Khác") when it is not a domain name or an IP
    address (text a visitor put in a Referer is never shown as a host)."""
    if not host:
        return ""
    name = agents.normalise_host(host)
    if name and agents.is_domain(name):
        return host
    try:
        ipaddress.ip_address(host.removeprefix("[").removesuffix("]"))
    except ValueError:
        return ""
    return host


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
        host = referrer_value(host)
        counts["referrer", host[:VALUE_MAX]] += visits
        engine = agents.search_engine(host) if host else ""
        if engine:
            counts["search", engine[:VALUE_MAX]] += visits
    for user_agent, views in raw.get("bots", {}).items():
        counts["bot", _bot(user_agent)[:VALUE_MAX]] += views
    for country, visits in raw.get("geo", {}).items():
        counts["country", country[:VALUE_MAX]] += visits
    _fold_tail(counts, "referrer", REFERRERS_KEPT)
    return {key: n for key, n in counts.items() if n > 0}


def _fold_tail(counts: Counter[tuple[str, str]], dimension: str, keep: int) -> None:
    """Keep a day's `keep` biggest values of `dimension`; the rest is added to "" ("Khác").
    A day of made-up referrers (up to scripts.DAY_FIELDS distinct hosts) then costs the
    reports `keep` rows, not thousands."""
    values = sorted(((n, value) for (dim, value), n in counts.items()
                     if dim == dimension and value), reverse=True)  # fmt: skip
    for n, value in values[keep:]:
        del counts[dimension, value]
        counts[dimension, ""] += n


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
        if len(cache) >= CACHE_SIZE:  # the older half (insertion order): a passed day's
            for old in list(itertools.islice(cache, CACHE_SIZE // 2)):
                del cache[old]
        cache[key] = value


def _upsert(day: date, counts: dict[tuple[str, str], int], last: dict) -> dict:
    """Write the day's rows that differ from SQL, dimension by dimension (see the module's
    docstring: replaced when Redis' total is at least SQL's, else never lowered). `last`:
    (day, dimension) -> {value: count} this process wrote, to skip unchanged dimensions;
    returns the entries to remember once committed."""
    table = DailyBreakdown.__table__
    by_dimension: dict[str, dict[str, int]] = {}
    for (dimension, value), n in counts.items():
        by_dimension.setdefault(dimension, {})[value] = n
    replaced, grown, deletes, wrote = [], [], [], {}
    for dimension, values in sorted(by_dimension.items()):
        if last.get((day, dimension)) == values:
            continue
        stored = dict(
            db.session.execute(
                select(table.c.value, table.c.count).where(
                    table.c.day == day, table.c.dimension == dimension
                )
            ).all()
        )
        if sum(values.values()) >= sum(stored.values()):  # Redis has the whole day
            rows = replaced
            changed = {v: n for v, n in values.items() if stored.get(v) != n}
            deletes.extend((dimension, v) for v in stored.keys() - values.keys())
        else:  # Redis lost part of the day: never lower, never remove
            rows = grown
            changed = {v: n for v, n in values.items() if n > stored.get(v, 0)}
        rows.extend({"day": day, "dimension": dimension, "value": v, "count": n}
                    for v, n in sorted(changed.items()))  # fmt: skip
        wrote[day, dimension] = values
    deletes.sort()
    for dimension, group in itertools.groupby(deletes, key=lambda d: d[0]):
        gone = [value for _, value in group]
        for i in range(0, len(gone), DELETE_CHUNK):
            db.session.execute(
                delete(table).where(
                    table.c.day == day,
                    table.c.dimension == dimension,
                    table.c.value.in_(gone[i : i + DELETE_CHUNK]),
                )
            )
    for rows, lower in ((replaced, True), (grown, False)):
        if not rows:
            continue
        stmt = _insert(table)
        excluded = stmt.excluded["count"]
        stmt = stmt.on_conflict_do_update(
            index_elements=["day", "dimension", "value"],
            set_={"count": excluded},
            # An unchanged row is not rewritten; a run racing a newer one never lowers it
            # unless the day is being replaced.
            where=(excluded != table.c["count"]) if lower else (excluded > table.c["count"]),
        )
        # One statement compiled once and executed for every row (SQLAlchemy batches the
        # rows within each database's parameter limit): a VALUES list of thousands of rows
        # cost ten times more to compile than this to run.
        db.session.execute(stmt, rows)
    return wrote
