"""Cached pages follow a banner's schedule: a banner that starts in five minutes appears on
the cached home page once its start has passed, and one that ends disappears at its end,
though nothing was saved in between (the page cache's clock is moved, not waited for)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from banner_pages import add, banner_titles, clock_time, section

from app.blocks.models import BannerBlock
from app.extensions import db


@pytest.fixture
def app_config(clock) -> dict:
    # Pages are cached (for 30 s of real time); scheduled content follows the test's clock.
    return {"PAGE_CACHE_SECONDS": 30, "CONTENT_CLOCK": clock}


def shown(client) -> list[str]:
    page = client.get("/")
    assert page.status_code == 200
    return banner_titles(section(page.text, "block-banners")) + banner_titles(
        section(page.text, "block-banners block-banners-middle")
    )


def cached_paths(app) -> int:
    return len(app.extensions["page_cache"])


def test_a_banner_due_in_five_minutes_appears_on_the_cached_page_at_its_time(app, client, clock):
    now = clock_time(clock)
    add("Đang chạy", BannerBlock.BANNERS, position=1)
    add("Sắp chạy", BannerBlock.MIDDLE, active_from=now + timedelta(minutes=5))
    assert shown(client) == ["Đang chạy"]
    assert cached_paths(app) == 1
    clock.advance(4 * 60 + 59)
    assert shown(client) == ["Đang chạy"]  # still before its start: the cached page stands
    clock.advance(2)
    assert shown(client) == ["Đang chạy", "Sắp chạy"]


def test_a_banner_disappears_from_the_cached_page_at_its_end(app, client, clock):
    now = clock_time(clock)
    add("Hết lúc 10 phút", BannerBlock.BANNERS, active_until=now + timedelta(minutes=10))
    add("Luôn hiện", BannerBlock.BANNERS, position=5)
    assert shown(client) == ["Hết lúc 10 phút", "Luôn hiện"]
    clock.advance(9 * 60)
    assert shown(client) == ["Hết lúc 10 phút", "Luôn hiện"]
    clock.advance(61)
    assert shown(client) == ["Luôn hiện"]


def rename_around_the_orm(banner_id: int, title: str) -> None:
    """A change no content version follows: only a re-rendered page can show it."""
    db.session.execute(
        db.text("UPDATE banners SET title = :title WHERE id = :id"),
        {"id": banner_id, "title": title},
    )
    db.session.commit()


def test_the_cached_page_is_served_until_the_banner_starts(app, client, clock):
    """Between the two moments the page really comes from the cache (in front of Flask: no
    session, no query string): a change made around the ORM does not show; at the banner's
    start the page is rendered again, with both."""
    now = clock_time(clock)
    running = add("Đang chạy", BannerBlock.BANNERS, position=1)
    add("Sắp chạy", BannerBlock.BANNERS, position=2, active_from=now + timedelta(minutes=5))
    assert shown(client) == ["Đang chạy"]
    rename_around_the_orm(running.id, "Tên mới")
    clock.advance(60)
    assert shown(client) == ["Đang chạy"]
    clock.advance(4 * 60 + 1)  # past its start (rounded to the microsecond when stored)
    assert shown(client) == ["Tên mới", "Sắp chạy"]


def test_a_page_with_no_scheduled_banner_is_cached_without_an_end(app, client, clock):
    add("Luôn hiện", BannerBlock.BANNERS)
    assert shown(client) == ["Luôn hiện"]
    (entry,) = app.extensions["page_cache"]._entries.values()
    assert entry.changes_at is None
    clock.advance(365 * 24 * 3600)  # the clock alone does not end it (its age in time does)
    assert app.extensions["page_cache"].get("/?") is entry
