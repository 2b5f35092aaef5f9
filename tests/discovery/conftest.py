"""Fixtures of the discovery tests (print view, share links, meta tags, feeds, sitemap,
robots.txt, favicon, most read): the site has a configured address, SITE_URL, and answers
to one alias host besides; conftest's `app` otherwise."""

from __future__ import annotations

import pytest
from discovery_pages import ALIAS, SITE


@pytest.fixture
def app_config() -> dict:
    # No SERVER_NAME: URLs are built from the request, as in production.
    return {
        "SITE_URL": SITE,
        "TRUSTED_HOSTS": [ALIAS],
        "SERVER_NAME": None,
        "MOST_READ_CACHE_SECONDS": 0,
    }
