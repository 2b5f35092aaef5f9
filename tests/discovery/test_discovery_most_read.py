""" "Tin xem nhiều": the item counter flush keeps views per item per local day, exactly once
per batch, and the sidebar block ranks visible articles by their views over the settings' days."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from auth_helpers import Clock
from discovery_pages import ALIAS, SITE, reader
from pages import parse, squash
from sqlalchemy import select, update

from app.auth.models import User
from app.extensions import db
from app.news.models import Article, ArticleStatus
from app.news.most_read import Ranking
from app.settings.operations import save_settings
from app.stats import durability
from app.stats.models import ItemDailyView

DAY = date(2024, 6, 12)
HANOI = timedelta(hours=7)  # Asia/Ho_Chi_Minh: no daylight saving time


def local_time(day: date, hour: int, minute: int = 0) -> float:
    naive = datetime(day.year, day.month, day.day, hour, minute)
    return (naive - HANOI).replace(tzinfo=UTC).timestamp()


@pytest.fixture
def clock() -> Clock:
    return Clock(local_time(DAY, 9))


@pytest.fixture
def app_config(clock) -> dict:
    return {"SITE_URL": SITE, "TRUSTED_HOSTS": [ALIAS], "SERVER_NAME": None,
            "MOST_READ_CACHE_SECONDS": 0, "STATS_CLOCK": clock}  # fmt: skip


class Readers:
    """New readers, each from an address of its own, so each view counts."""

    def __init__(self, app) -> None:
        self.app = app
        self.n = 0

    def view(self, article, times: int = 1) -> None:
        for _ in range(times):
            self.n += 1
            response = reader(self.app, self.n).get(f"/tin-tuc/{article.slug}")
            assert response.status_code == 200


@pytest.fixture
def readers(app) -> Readers:
    return Readers(app)


def flush(app) -> int:
    return durability.flush_counters(app.extensions["stats"], "article")


def read_on(app, readers: Readers, clock: Clock, day: date, hour: int, *views) -> None:
    """At `hour` (local) of `day`, each (article, n) gets n views; then the flush runs."""
    clock.now = local_time(day, hour)
    for article, times in views:
        readers.view(article, times)
    flush(app)


def daily(kind: str = "article") -> dict[tuple[int, date], int]:
    db.session.expire_all()
    rows = db.session.scalars(select(ItemDailyView).where(ItemDailyView.kind == kind))
    return {(row.item_id, row.day): row.views for row in rows}


def most_read(app, path: str = "/") -> list[str]:
    block = parse(reader(app, 250).get(path).text).find("section", cls="block-most-read")
    if block is None:
        return []
    assert squash(block.find("h2").text()) == "Tin xem nhiều"
    return [squash(a.text()) for a in block.find_all("a")]


# --- views per day -----------------------------------------------------------------------------


def test_a_flush_adds_each_articles_views_to_its_local_day(app, make_article, readers):
    first, second = make_article("Bài một"), make_article("Bài hai")
    readers.view(first, 3)
    readers.view(second, 2)

    assert flush(app) == 2
    assert daily() == {(first.id, DAY): 3, (second.id, DAY): 2}
    assert flush(app) == 0  # nothing new: nothing added
    readers.view(first, 4)
    flush(app)
    assert daily() == {(first.id, DAY): 7, (second.id, DAY): 2}
    db.session.refresh(first)
    assert first.views == 7  # the item's own column moved in the same transaction


def test_documents_views_are_kept_per_day_too(app, make_document):
    document = make_document("9-TB/TEST")
    for n in range(3):
        assert reader(app, n + 1).get(document.url).status_code == 200

    durability.flush_counters(app.extensions["stats"], "document")

    assert daily("document") == {(document.id, DAY): 3}


def test_a_batch_retried_after_a_crash_before_its_commit_counts_once(app, make_article, readers):
    article = make_article("Bài viết")
    readers.view(article, 3)
    app.extensions["stats"].store.take_batch("article", "batch-of-a-dead-process")
    # ... that process died before its SQL commit; readers keep coming:
    readers.view(article, 2)

    flush(app)  # finishes the dead batch
    assert daily() == {(article.id, DAY): 3}
    flush(app)  # then what came meanwhile
    assert daily() == {(article.id, DAY): 5}
    assert flush(app) == 0
    assert daily() == {(article.id, DAY): 5}


def test_a_batch_whose_commit_landed_is_not_added_again(app, make_article, readers, monkeypatch):
    article = make_article("Bài viết")
    readers.view(article, 3)
    store = app.extensions["stats"].store

    def killed(kind, batch_id):
        raise SystemExit("killed between the SQL commit and dropping the batch")

    monkeypatch.setattr(store, "drop_batch", killed)
    with pytest.raises(SystemExit):
        flush(app)
    monkeypatch.undo()
    assert daily() == {(article.id, DAY): 3}

    flush(app)  # finds the batch applied: only drops it
    flush(app)
    assert daily() == {(article.id, DAY): 3}
    assert db.session.scalar(select(Article.views).where(Article.id == article.id)) == 3


def test_a_batch_larger_than_one_statement_is_added_whole(app, make_article, readers,
                                                          monkeypatch):  # fmt: skip
    monkeypatch.setattr(durability, "DAILY_ROWS_PER_STATEMENT", 2)
    articles = [make_article(f"Bài {n}") for n in range(5)]
    for n, article in enumerate(articles):
        readers.view(article, n + 1)
    gone = make_article("Bài sẽ bị xóa")
    readers.view(gone, 2)
    db.session.delete(gone)
    db.session.commit()

    flush(app)

    assert daily() == {(a.id, DAY): n + 1 for n, a in enumerate(articles)}


def test_days_are_the_site_zones_not_utcs(app, make_article, readers, clock):
    article = make_article("Bài viết")
    clock.now = local_time(DAY, 23, 50)  # 16:50 UTC
    readers.view(article, 2)
    flush(app)
    clock.now = local_time(DAY + timedelta(days=1), 0, 10)  # 17:10 UTC, the same UTC day
    readers.view(article, 3)
    flush(app)

    assert daily() == {(article.id, DAY): 2, (article.id, DAY + timedelta(days=1)): 3}


def test_flushes_on_postgresql_keep_views_per_day_exactly_once(pg_app):
    """The upsert that adds to a day's row, on PostgreSQL (skipped without TEST_DATABASE_URL)."""
    from app.dates import utcnow
    from app.news.operations import create_article, create_category

    article = create_article(title="Bài PostgreSQL", category=create_category("Tin", by=None),
                             lead="Tóm tắt.", body="<p>Nội dung.</p>",
                             status=ArticleStatus.PUBLISHED,
                             published_at=utcnow() - timedelta(hours=1))  # fmt: skip
    slug = article.slug
    for n in range(3):
        assert reader(pg_app, n + 1).get(f"/tin-tuc/{slug}").status_code == 200
    pg_app.extensions["stats"].store.take_batch("article", "retried-batch")
    for n in range(2):
        assert reader(pg_app, n + 10).get(f"/tin-tuc/{slug}").status_code == 200

    for _ in range(3):
        flush(pg_app)

    rows = daily()
    assert list(rows.values()) == [5] and list(rows)[0][0] == article.id


# --- the block ---------------------------------------------------------------------------------


def test_block_ranks_visible_articles_by_views_over_the_period(app, make_article, readers, clock):
    old_hit = make_article("Tin cũ nhiều người xem")
    first, second, third = (make_article(f"Tin hạng {n}") for n in ("nhất", "nhì", "ba"))
    hidden = make_article("Tin đã gỡ")
    # 8 days ago counting today: outside the period; 7 days ago: its first day.
    read_on(app, readers, clock, DAY - timedelta(days=7), 10, (old_hit, 9))
    read_on(app, readers, clock, DAY - timedelta(days=6), 10, (second, 2))
    read_on(app, readers, clock, DAY, 10, (first, 4), (second, 1), (third, 1), (hidden, 8))
    db.session.execute(update(Article).where(Article.id == hidden.id)
                       .values(status=ArticleStatus.DRAFT))  # fmt: skip
    db.session.commit()

    assert most_read(app) == ["Tin hạng nhất", "Tin hạng nhì", "Tin hạng ba"]


def test_block_follows_the_days_and_count_settings(app, make_article, readers, clock,
                                                   admin_user):  # fmt: skip
    assert most_read(app) == []  # ranked once with the defaults (7 days, 5 articles)
    by = db.session.get(User, admin_user.id)
    assert save_settings({"most_read_days": 1, "most_read_count": 2}, by=by) == [
        "most_read_days", "most_read_count"]  # fmt: skip
    yesterday_hit, a, b, c = (make_article(t) for t in ("Tin hôm qua", "Tin A", "Tin B", "Tin C"))
    read_on(app, readers, clock, DAY - timedelta(days=1), 22, (yesterday_hit, 5))
    read_on(app, readers, clock, DAY, 1, (a, 1), (b, 3), (c, 2))

    assert most_read(app) == ["Tin B", "Tin C"]


def test_a_ranking_is_kept_only_for_the_settings_it_was_made_for(app, make_article, readers,
                                                                 clock):  # fmt: skip
    ranking = Ranking()
    first, second = make_article("Tin một"), make_article("Tin hai")
    read_on(app, readers, clock, DAY, 1, (first, 2))
    assert ranking.ids(7, 5, 3600) == [first.id]

    read_on(app, readers, clock, DAY, 2, (second, 3))
    assert ranking.ids(7, 5, 3600) == [first.id]  # kept
    assert ranking.ids(7, 4, 3600) == [second.id, first.id]  # other settings: ranked again


def test_block_is_hidden_until_something_was_read_and_links_the_articles(app, make_article,
                                                                         readers):  # fmt: skip
    article = make_article("Tin đầu tiên")
    assert most_read(app) == []

    readers.view(article, 1)
    flush(app)

    block = parse(reader(app, 251).get("/").text).find("section", cls="block-most-read")
    assert [a.get("href") for a in block.find_all("a")] == [f"/tin-tuc/{article.slug}"]


def test_each_process_reuses_its_ranking_for_the_cache_duration(app, make_article, readers):
    first, second = make_article("Tin một"), make_article("Tin hai")
    readers.view(first, 1)
    flush(app)
    assert most_read(app) == ["Tin một"]
    app.config["MOST_READ_CACHE_SECONDS"] = 3600

    readers.view(second, 5)
    flush(app)

    assert most_read(app) == ["Tin một"]  # the ranking is the process' until it expires
    app.config["MOST_READ_CACHE_SECONDS"] = 0
    assert most_read(app) == ["Tin hai", "Tin một"]
