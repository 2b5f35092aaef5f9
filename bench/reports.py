"""How fast the statistics report pages answer on a year of history.

    .venv/bin/python bench/reports.py [--days 366] [--values 30] [--spam 0]
                                      [--articles 500] [--runs 20]
                                      [--database-url postgresql://...]

Builds a scratch migrated database (SQLite in a temporary folder unless --database-url
names an empty PostgreSQL database, whose tables it empties first), fills it with `--days`
days of daily rows and 24 hourly rows a day, month and year unique visitors, breakdowns
(`--values` values x 7 dimensions x each day; referrer hosts as a real site has them: a
third of them the same hosts every day with most of the visits, the rest hosts seen on that
day only; `--spam N` adds N more distinct hosts a day with one or two visits each, as a
referrer-spam campaign fills the day's hash up to its 5,000 cap) and item views per day
(`--articles` articles, ~60 % of them read each day; documents and downloads too), logs in
an editor and times each report page through the test client (the whole Flask stack: login
check, queries, templates; no network). Prints a Markdown table: median and p95 of `--runs`
requests per page, and whether each is within the 300 ms target.
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from flask_migrate import upgrade  # noqa: E402
from sqlalchemy import insert  # noqa: E402

from app import create_app  # noqa: E402
from app.auth.models import Role  # noqa: E402
from app.auth.operations import create_user  # noqa: E402
from app.extensions import db  # noqa: E402
from app.news.models import Article, ArticleStatus, Category  # noqa: E402
from app.stats import reports  # noqa: E402
from app.stats.models import (  # noqa: E402
    DailyBreakdown,
    DailyStat,
    HourlyStat,
    ItemDailyView,
    PeriodStat,
)

TARGET_MS = 300
PAGES = [
    ("overview", "/admin/stats/"),
    ("days, 30", "/admin/stats/days"),
    ("days, 365", "/admin/stats/days?days=365"),
    ("months, 365 days", "/admin/stats/months"),
    ("years", "/admin/stats/years"),
    ("profiles, 365 days", "/admin/stats/profiles?days=365"),
    ("breakdowns, 30 days", "/admin/stats/breakdowns"),
    ("breakdowns, 365 days", "/admin/stats/breakdowns?days=365"),
    ("top items, 30 days", "/admin/stats/top"),
    ("top items, 365 days", "/admin/stats/top?days=365"),
    ("CSV: days, 365", "/admin/stats/days?days=365&format=csv&table=days"),
    ("CSV: referrers, 365 days", "/admin/stats/breakdowns?days=365&format=csv&table=referrer"),
    ("public /thong-ke/", "/thong-ke/"),
]
DIMENSION_VALUES = {
    "browser": ["Chrome", "Firefox", "Safari", "Edge", "Cốc Cốc", "Opera", "Samsung Internet"],
    "os": ["Windows", "Android", "iOS", "macOS", "Linux", "Chrome OS"],
    "device": ["desktop", "mobile", "tablet", "other"],
    "search": ["Google", "Bing", "Cốc Cốc", "Yahoo", "DuckDuckGo"],
    "bot": ["Googlebot", "bingbot", "YandexBot", "AhrefsBot", "SemrushBot", "Applebot"],
    "country": ["VN", "US", "JP", "KR", "CN", "SG", "FR", "DE"],
}


def values_of(dimension: str, count: int) -> list[str]:
    known = DIMENSION_VALUES.get(dimension, [])
    extra = [f"{dimension}-{n}.example" for n in range(max(count - len(known) - 1, 0))]
    return ([*known, *extra])[: count - 1] + [""]


def referrers_of(day, values: int, spam: int, rng: random.Random) -> list[tuple[str, int]]:
    """(host, visits) of a day: `values // 3` regular hosts (biggest counts, same every day),
    the others seen on this day only, then `spam` made-up hosts with 1 or 2 visits."""
    regular = max(values // 3, 1)
    rows = [(f"site-{n}.example.vn", rng.randint(50, 400) // (n + 1) + 1) for n in range(regular)]
    rows += [(f"d{day:%y%m%d}-{n}.example.com", rng.randint(1, 20))
             for n in range(max(values - regular - 1, 0))]  # fmt: skip
    rows += [(f"spam-{day:%y%m%d}-{n}.example.net", rng.randint(1, 2)) for n in range(spam)]
    return [*rows, ("", rng.randint(1, 200))]


def fill(days: int, values: int, spam: int, articles: int, today) -> dict[str, int]:
    rng = random.Random(14)
    first = today - timedelta(days=days - 1)
    day_list = [first + timedelta(days=n) for n in range(days)]
    daily, hourly, breakdown = [], [], []
    for day in day_list:
        visits = rng.randint(300, 900)
        daily.append({"day": day, "visits": visits, "visitors": visits * 2 // 3,
                      "page_views": visits * 3, "bot_views": rng.randint(100, 800)})  # fmt: skip
        for hour in range(24):
            share = rng.randint(5, 60)
            hourly.append({"day": day, "hour": hour, "visits": share, "page_views": share * 3,
                           "bot_views": share // 2, "visitors": share - 2})  # fmt: skip
        for dimension in reports.DIMENSIONS:
            if dimension == "referrer":
                pairs = referrers_of(day, values, spam, rng)
            else:
                pairs = [(value, rng.randint(1, 200)) for value in values_of(dimension, values)]
            breakdown.extend({"day": day, "dimension": dimension, "value": value, "count": n}
                             for value, n in pairs)  # fmt: skip
    db.session.execute(insert(DailyStat), daily)
    db.session.execute(insert(HourlyStat), hourly)
    for start in range(0, len(breakdown), 20000):
        db.session.execute(insert(DailyBreakdown), breakdown[start : start + 20000])
    periods = {f"{d:%Y-%m}" for d in day_list} | {f"{d:%Y}" for d in day_list}
    db.session.execute(insert(PeriodStat), [{"period": p, "visitors": rng.randint(1000, 90000)}
                                            for p in sorted(periods)])  # fmt: skip
    category = Category(name="Tin tức", slug="tin-tuc")
    db.session.add(category)
    db.session.flush()
    db.session.execute(insert(Article), [
        {"title": f"Bài viết số {n}", "slug": f"bai-{n}", "lead": "", "body": "",
         "category_id": category.id, "status": ArticleStatus.PUBLISHED}
        for n in range(articles)
    ])  # fmt: skip
    ids = [row[0] for row in db.session.execute(db.select(Article.id))]
    items = []
    for day in day_list:
        for item_id in rng.sample(ids, int(len(ids) * 0.6)):
            items.append({"kind": "article", "item_id": item_id, "day": day,
                          "views": rng.randint(1, 300)})  # fmt: skip
        for kind in ("document", "document_download"):
            for item_id in rng.sample(range(1, 201), 80):
                items.append({"kind": kind, "item_id": item_id, "day": day,
                              "views": rng.randint(1, 50)})  # fmt: skip
    for start in range(0, len(items), 20000):
        db.session.execute(insert(ItemDailyView), items[start : start + 20000])
    db.session.commit()
    return {"daily": len(daily), "hourly": len(hourly), "breakdown": len(breakdown),
            "item days": len(items)}  # fmt: skip


def timed(client, url: str, runs: int) -> tuple[float, float, float, int]:
    started = time.perf_counter()
    client.get(url)  # the first request: the per-process caches are empty (cold)
    first = (time.perf_counter() - started) * 1000
    samples = []
    for _ in range(runs):
        started = time.perf_counter()
        response = client.get(url)
        samples.append((time.perf_counter() - started) * 1000)
        if response.status_code != 200:
            raise SystemExit(f"{url}: {response.status_code}")
    samples.sort()
    p95 = samples[min(len(samples) - 1, round(len(samples) * 0.95) - 1)]
    return first, statistics.median(samples), p95, len(response.get_data())


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--days", type=int, default=366)
    parser.add_argument("--values", type=int, default=30)
    parser.add_argument(
        "--spam", type=int, default=0, help="extra distinct referrer hosts a day (referrer spam)"
    )
    parser.add_argument("--articles", type=int, default=500)
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--database-url", default="")
    args = parser.parse_args()
    folder = tempfile.mkdtemp(prefix="reports-bench-")
    database = args.database_url or f"sqlite:///{folder}/bench.db"
    config = {"TESTING": True, "SECRET_KEY": "bench", "STATS_BACKGROUND": False,
              "INSTANCE_PATH": folder, "PAGE_CACHE_SECONDS": 0, "WTF_CSRF_ENABLED": False,
              "SQLALCHEMY_DATABASE_URI": database}  # fmt: skip
    app = create_app(config)
    with app.app_context():
        upgrade()
        if args.database_url:  # start from empty tables
            for table in reversed(db.metadata.sorted_tables):
                db.session.execute(table.delete())
            db.session.commit()
        started = time.perf_counter()
        counts = fill(args.days, args.values, args.spam, args.articles, reports.local_today())
        filled = time.perf_counter() - started
        create_user("bench", "bench-password-123", role=Role.EDITOR, display_name="Bench")
        from app.settings.operations import save_settings

        save_settings({"stats_public_page": True}, by=None)
        dialect = db.engine.dialect.name
    client = app.test_client()
    response = client.post("/auth/login", data={"username": "bench",
                                                "password": "bench-password-123"})  # fmt: skip
    if response.status_code != 302:
        raise SystemExit(f"login failed: {response.status_code}")
    results = [(name, *timed(client, url, args.runs)) for name, url in PAGES]
    print(f"{dialect}: " + ", ".join(f"{n:,} {k} rows" for k, n in counts.items())
          + f" (filled in {filled:.1f} s); {args.runs} requests per page, test client")  # fmt: skip
    print()
    print("First request: the per-process caches empty (the breakdowns' one-minute cache,")
    print("/thong-ke/'s tables); median and p95: the requests after it.")
    print()
    print(f"| page | first ms | median ms | p95 ms | KiB | ≤ {TARGET_MS} ms |")
    print("|---|---|---|---|---|---|")
    slow = 0
    for name, first, median, p95, size in results:
        ok = p95 <= TARGET_MS
        slow += not ok
        print(f"| {name} | {first:.1f} | {median:.1f} | {p95:.1f} | {size / 1024:.0f} "
              f"| {'yes' if ok else 'NO'} |")  # fmt: skip
    return 1 if slow else 0


if __name__ == "__main__":
    sys.exit(main())
