"""Fixtures of the comments tests: a clock the minimum-time check reads, an article, readers."""

from __future__ import annotations

import pytest
from comment_helpers import Reader

from app.news.models import Article


@pytest.fixture
def app_config(clock) -> dict:
    return {"COMMENT_CLOCK": clock}


@pytest.fixture
def article(app, make_article) -> Article:
    return make_article(title="Hội nghị tổng kết công tác năm")


@pytest.fixture
def reader(app, clock) -> Reader:
    """A reader with JavaScript (token and stamp fetched as the page's scripts do)."""
    return Reader(app, clock, "10.0.0.1")


@pytest.fixture
def make_reader(app, clock):
    """make_reader(address="10.0.0.2", agent=...) -> another reader (own cookies)."""
    counter = iter(range(2, 10_000))

    def factory(address: str | None = None, agent: str | None = None) -> Reader:
        return Reader(app, clock, address or f"10.0.0.{next(counter)}", agent)

    return factory
