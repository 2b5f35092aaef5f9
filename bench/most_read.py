"""What "Tin xem nhiều" costs: the ranking query over a realistic views-per-day table, the
block on a render with the per-process ranking cached, and the per-day upsert a flush adds.

    .venv/bin/python bench/most_read.py [--articles 5000] [--days 60] [--per-day 1500]
                                        [--database-url postgresql://...]

Builds a temporary migrated database (SQLite unless --database-url), fills it with
`--articles` articles and `--per-day` rows of views per day for `--days` days, and prints
the median and p99 of each step in milliseconds (Markdown).
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
from app.dates import utcnow  # noqa: E402
from app.extensions import db  # noqa: E402
from app.news import most_read, queries  # noqa: E402
from app.news.models import Article, ArticleStatus, Category  # noqa: E402
from app.stats import durability  # noqa: E402
from app.stats.item_views import local_today  # noqa: E402
from app.stats.models import ItemDailyView  # noqa: E402


def timed(fn, runs: int) -> tuple[float, float]:
    samples = []
    for _ in range(runs):
        started = time.perf_counter()
        fn()
        samples.append((time.perf_counter() - started) * 1000)
    samples.sort()
    return statistics.median(samples), samples[min(len(samples) - 1, int(len(samples) * 0.99))]


def fill(articles: int, days: int, per_day: int) -> list[int]:
    category = Category(name="Tin tức", slug="tin-tuc")
    db.session.add(category)
    db.session.flush()
    now = utcnow()
    db.session.execute(insert(Article), [
        {"title": f"Bài {n}", "slug": f"bai-{n}", "lead": "", "body": "",
         "category_id": category.id, "status": ArticleStatus.PUBLISHED,
         "published_at": now - timedelta(hours=n + 1)}
        for n in range(articles)
    ])  # fmt: skip
    ids = [row[0] for row in db.session.execute(db.select(Article.id))]
    today = local_today()
    rng = random.Random(7)
    for day in range(days):
        chosen = rng.sample(ids, min(per_day, len(ids)))
        db.session.execute(insert(ItemDailyView), [
            {"kind": "article", "item_id": i, "day": today - timedelta(days=day),
             "views": rng.randint(1, 500)} for i in chosen
        ])  # fmt: skip
    db.session.commit()
    return ids


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=5000)
    parser.add_argument("--days", type=int, default=60)
    parser.add_argument("--per-day", type=int, default=1500)
    parser.add_argument("--runs", type=int, default=200)
    parser.add_argument("--database-url", default="")
    args = parser.parse_args()
    folder = tempfile.mkdtemp(prefix="most-read-")
    database = args.database_url or f"sqlite:///{folder}/bench.db"
    config = {"TESTING": True, "SECRET_KEY": "bench", "STATS_BACKGROUND": False,
              "INSTANCE_PATH": folder, "PAGE_CACHE_SECONDS": 0,
              "SQLALCHEMY_DATABASE_URI": database}  # fmt: skip
    app = create_app(config)
    with app.app_context(), app.test_request_context():
        upgrade()
        if args.database_url:  # start from empty tables
            for table in reversed(db.metadata.sorted_tables):
                db.session.execute(table.delete())
            db.session.commit()
        ids = fill(args.articles, args.days, args.per_day)
        days, count = app.config["MOST_READ_DAYS"], app.config["MOST_READ_COUNT"]
        rows = db.session.query(ItemDailyView).count()
        ranking = timed(lambda: queries.most_read_ids(days, count * 2), args.runs)
        app.config["MOST_READ_CACHE_SECONDS"] = 300
        block = timed(lambda: most_read._context(None), args.runs)
        batch = {i: 3 for i in random.Random(1).sample(ids, 1000)}

        def upsert():
            durability._add_daily_views("article", local_today(), batch)
            db.session.commit()

        daily = timed(upsert, 20)

        def column_updates():  # what the flush did before, for scale
            for item_id, amount in batch.items():
                db.session.execute(db.update(Article).where(Article.id == item_id)
                                   .values(views=Article.views + amount))  # fmt: skip
            db.session.commit()

        columns = timed(column_updates, 20)
        dialect = db.engine.dialect.name
    print(f"| step ({rows:,} rows of views per day, {args.articles:,} articles, "
          f"{dialect}) | median ms | p99 ms |")  # fmt: skip
    print("|---|---|---|")
    print(f"| ranking query, last {days} days (once per process per cache period) "
          f"| {ranking[0]:.2f} | {ranking[1]:.2f} |")  # fmt: skip
    print(f"| the block on a render, ranking cached | {block[0]:.2f} | {block[1]:.2f} |")
    print(f"| per-day upsert of a 1,000-item flush batch (+ commit) "
          f"| {daily[0]:.2f} | {daily[1]:.2f} |")  # fmt: skip
    print(f"| for scale: the flush's 1,000 view-column updates (+ commit) "
          f"| {columns[0]:.2f} | {columns[1]:.2f} |")  # fmt: skip
    return 0


if __name__ == "__main__":
    sys.exit(main())
