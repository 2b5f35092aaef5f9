"""Fixtures of the menu tests: static pages for the menu to link to."""

from __future__ import annotations

import pytest

from app.pages.operations import create_page


@pytest.fixture
def make_page(app):
    """make_page(slug, published=True): a static page at /trang/<slug>."""

    def factory(slug: str, published: bool = True):
        return create_page({"title": slug.replace("-", " ").capitalize(), "slug": slug,
                            "published": published}, by=None)  # fmt: skip

    return factory
