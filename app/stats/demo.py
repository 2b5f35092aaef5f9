"""The demo site's statistics history (app/demo/data/stats_history.toml): a year and more of
per-day totals as a migrated site would import them, with hours, breakdowns and month/year
unique visitors, so the reports have something to draw on a fresh demo site."""

from __future__ import annotations

import random
import tomllib
from collections import defaultdict
from datetime import date, timedelta
from pathlib import Path

from sqlalchemy import func, insert, select

from app.extensions import db
from app.stats.models import DailyBreakdown, DailyStat, HourlyStat, PeriodStat

# With the rest of the demo content (app/demo/data/), read here so the shell imports no feature.
HISTORY_FILE = Path(__file__).resolve().parent.parent / "demo" / "data" / "stats_history.toml"
ROWS_PER_STATEMENT = 500  # far below SQLite's bound-parameter limit


def _spread(total: int, weights: list[float], rng: random.Random) -> list[int]:
    """`total` split over `weights` in whole numbers that add up to it."""
    scale = sum(weights)
    parts = [int(total * w / scale) for w in weights]
    for _ in range(total - sum(parts)):
        parts[rng.choices(range(len(weights)), weights)[0]] += 1
    return parts


def history(shape: dict, last: date) -> dict[str, list[dict]]:
    """The rows of each table for `shape.days` days ending on `last`."""
    rng = random.Random(shape["seed"])  # noqa: S311 - made-up demo numbers, not a secret
    days = int(shape["days"])
    rows: dict[str, list[dict]] = defaultdict(list)
    periods: dict[str, int] = defaultdict(int)
    for n in range(days):
        day = last - timedelta(days=days - 1 - n)
        weekday = day.weekday()
        trend = shape["visits_first"] + (shape["visits_last"] - shape["visits_first"]) * n / days
        visits = max(1, round(trend * shape["weekdays"][weekday]
                              * (1 + rng.uniform(-shape["noise"], shape["noise"]))))  # fmt: skip
        visitors = round(visits * shape["visitors_per_visit"])
        views = round(visits * shape["views_per_visit"])
        bots = round(visits * shape["bot_views_per_visit"] * rng.uniform(0.7, 1.3))
        rows["daily"].append({
            "day": day, "visits": visits, "visitors": visitors, "page_views": views,
            "bot_views": bots, "imported": True,
        })  # fmt: skip
        hour_visits = _spread(visits, shape["hours"], rng)
        hour_views = _spread(views, shape["hours"], rng)
        hour_bots = _spread(bots, [1.0] * 24, rng)
        for hour in range(24):
            rows["hourly"].append({
                "day": day, "hour": hour, "visits": hour_visits[hour],
                "page_views": hour_views[hour], "bot_views": hour_bots[hour],
                "visitors": round(hour_visits[hour] * 0.95),
            })  # fmt: skip
        for dimension, shares in shape["breakdown"].items():
            total = bots if dimension == "bot" else visits
            if dimension == "search":
                total = round(visits * 0.4)
            if dimension == "referrer":
                total = round(visits * 0.55)
            counts = _spread(total, list(shares.values()), rng)
            rows["breakdown"] += [
                {"day": day, "dimension": dimension, "value": value, "count": count}
                for value, count in zip(shares, counts, strict=True)
                if count
            ]
        # Returning readers: a month's visitors are fewer than its days' visitors added up.
        periods[f"{day:%Y-%m}"] += round(visitors * 0.55)
        periods[f"{day:%Y}"] += round(visitors * 0.35)
    rows["periods"] = [{"period": p, "visitors": v} for p, v in periods.items()]
    return rows


def seed_demo(today: date, path: Path = HISTORY_FILE) -> int:
    """Add the demo history to a site that has no statistics yet; how many days were added."""
    if db.session.scalar(select(func.count()).select_from(DailyStat)):
        return 0
    shape = tomllib.loads(path.read_text(encoding="utf-8"))
    rows = history(shape, today - timedelta(days=1))
    for model, key in ((DailyStat, "daily"), (HourlyStat, "hourly"),
                       (DailyBreakdown, "breakdown"), (PeriodStat, "periods")):  # fmt: skip
        values = rows[key]
        for start in range(0, len(values), ROWS_PER_STATEMENT):
            db.session.execute(insert(model), values[start : start + ROWS_PER_STATEMENT])
    return len(rows["daily"])
