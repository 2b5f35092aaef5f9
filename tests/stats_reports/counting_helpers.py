"""What the counting tests of the reports share: user agents, the site's clock in Hanoi, and
what Redis and SQL hold after a checkpoint and the reports job.

Not a test module: test_counting_*.py import it.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from sqlalchemy import select

from app.extensions import db, redis_store
from app.redis_keys import names
from app.stats import derive, durability
from app.stats.models import DailyBreakdown, DailyStat, HourlyStat, PeriodStat

ZONE_OFFSET = timedelta(hours=7)  # Asia/Ho_Chi_Minh has no daylight saving time

CHROME_WINDOWS = (
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/120.0.0.0 Safari/537.36"
)
FIREFOX_ANDROID = "Mozilla/5.0 (Android 14; Mobile; rv:121.0) Gecko/121.0 Firefox/121.0"
SAFARI_IPHONE = (
    "Mozilla/5.0 (iPhone; CPU iPhone OS 17_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, "
    "like Gecko) Version/17.1 Mobile/15E148 Safari/604.1"
)
COC_COC = (
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
    "coc_coc_browser/117.0.178 Chrome/111.0.5563.178 Safari/537.36"
)
HOSTILE_UA = "Mozilla/5.0 <script>alert(\"ua\")</script> =cmd|' /C calc'!A0"
# A referrer whose host (what the script keeps) is markup.
HOSTILE_REFERRER = 'https://x"onmouseover="alert(1)/path?<b>'
HOSTILE_HOST = 'x"onmouseover="alert(1)'
GOOGLEBOT = "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)"
BINGBOT = "Mozilla/5.0 (compatible; bingbot/2.0; +http://www.bing.com/bingbot.htm)"


def local_time(day: date, hour: int, minute: int = 0) -> float:
    """Epoch seconds of a wall-clock time in Hanoi."""
    naive = datetime(day.year, day.month, day.day, hour, minute)
    return (naive - ZONE_OFFSET).replace(tzinfo=UTC).timestamp()


def service_of(app):
    return app.extensions["stats"]


def redis_of(app):
    with app.app_context():
        return redis_store.client


def key(app, name: str, *parts) -> str:
    return names(app).key(name, *parts)


def checkpoint_and_derive(app) -> tuple[list[date], list[date]]:
    """What the background jobs "checkpoint" and "reports" do."""
    with app.app_context():
        return durability.checkpoint(service_of(app)), derive.run(service_of(app))


def daily(app) -> dict[date, tuple]:
    """day -> (visits, visitors, page views, bot views, imported)."""
    with app.app_context():
        return {
            r.day: (r.visits, r.visitors, r.page_views, r.bot_views, r.imported)
            for r in db.session.scalars(select(DailyStat))
        }


def hourly(app) -> dict[tuple[date, int], tuple]:
    """(day, hour) -> (visits, page views, bot views, visitors)."""
    with app.app_context():
        return {
            (r.day, r.hour): (r.visits, r.page_views, r.bot_views, r.visitors)
            for r in db.session.scalars(select(HourlyStat))
        }


def periods(app) -> dict[str, int]:
    with app.app_context():
        return {r.period: r.visitors for r in db.session.scalars(select(PeriodStat))}


def breakdowns(app, day: date) -> dict[str, dict[str, int]]:
    """dimension -> {value: count} of one day."""
    found: dict[str, dict[str, int]] = {}
    with app.app_context():
        for row in db.session.scalars(select(DailyBreakdown).where(DailyBreakdown.day == day)):
            found.setdefault(row.dimension, {})[row.value] = row.count
    return found
