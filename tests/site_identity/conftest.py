"""Fixtures of the site identity tests: a clock for the contact form's minimum time, the
static pages "Giới thiệu" and "Liên hệ", and readers of the contact page."""

from __future__ import annotations

import pytest
from identity_helpers import ContactReader

from app.pages.operations import create_page

ABOUT_BODY = "<p>Giới thiệu về cơ quan.</p><table><thead><tr><th>Bộ phận</th></tr></thead></table>"


@pytest.fixture
def app_config(clock) -> dict:
    return {"COMMENT_CLOCK": clock}


@pytest.fixture
def contact_page(app):
    return create_page({"title": "Liên hệ", "slug": "lien-he", "published": True,
                        "body": "<p>Địa chỉ: số 1 Trần Phú.</p>"}, by=None)  # fmt: skip


@pytest.fixture
def about_page(app):
    return create_page({"title": "Giới thiệu", "published": True, "body": ABOUT_BODY}, by=None)


@pytest.fixture
def reader(app, clock, contact_page) -> ContactReader:
    return ContactReader(app, clock, "10.1.0.1")


@pytest.fixture
def make_reader(app, clock, contact_page):
    counter = iter(range(2, 250))

    def factory(address: str | None = None) -> ContactReader:
        return ContactReader(app, clock, address or f"10.1.0.{next(counter)}")

    return factory
