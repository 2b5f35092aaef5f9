"""Fixtures of the accounts and logins tests. `app`, the accounts and `auth` are
tests/conftest.py's; every module here is marked `contextless`, so `flask.g` (where
Flask-Login caches the current user) does not leak from one test-client request into the next.
"""

from __future__ import annotations

import pytest


@pytest.fixture
def app_config(clock) -> dict:
    """The login throttle reads conftest's `clock`."""
    return {"AUTH_CLOCK": clock}
