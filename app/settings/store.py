"""Reading settings: `get(key)`, from a per-process cache that stays right across processes.

The cache is keyed by the content version in Redis, which every commit of a SiteSetting
bumps (it is PageContent): a request that renders a counted page already has the version
from its page view; others read it once per request. A process reloads the (small) table
when the version moved, and at once after its own save. Without Redis the table is read on
each request that needs a setting (never a stale value served for long).
"""

from __future__ import annotations

import json
import logging

from flask import Flask, current_app, has_request_context, request
from sqlalchemy import select

from app.extensions import db
from app.page_cache import ContentVersion
from app.settings.models import SiteSetting
from app.settings.registry import InvalidValue, Setting, declared

ENVIRON_KEY = "portal.settings"

log = logging.getLogger(__name__)

_NO_VERSION = None  # Redis could not say: do not cache


class SettingsCache:
    def __init__(self) -> None:
        self.version: str | None = _NO_VERSION
        self.values: dict[str, object] = {}
        self.content_version = ContentVersion("settings")

    def clear(self) -> None:
        self.version, self.values = _NO_VERSION, {}


def _cache(app: Flask) -> SettingsCache:
    found = app.extensions.get("settings_cache")
    if found is None:
        found = app.extensions.setdefault("settings_cache", SettingsCache())
    return found


def decode(setting: Setting, raw: str) -> object:
    """A stored value, or the default when the row no longer fits the declaration."""
    try:
        return setting.coerce(json.loads(raw))
    except (ValueError, InvalidValue):
        return setting.default


def load() -> dict[str, object]:
    """Every declared setting's value from the table (defaults for the keys without a row)."""
    settings = declared()
    values = {key: setting.default for key, setting in settings.items()}
    for row in db.session.scalars(select(SiteSetting).where(SiteSetting.key.in_(settings))):
        values[row.key] = decode(settings[row.key], row.value)
    return values


def current_values() -> dict[str, object]:
    """All values, read at most once per request."""
    # Kept in the request's environ, not in `g`: an app context can outlive one request
    # (a CLI command, a test), and values must never leak from one request to the next.
    environ = request.environ if has_request_context() else {}
    if ENVIRON_KEY in environ:
        return environ[ENVIRON_KEY]
    app = current_app._get_current_object()
    cache = _cache(app)
    version = cache.content_version.read()
    if version is not None and version == cache.version:
        values = cache.values
    else:
        values = load()
        if version is not None:
            cache.version, cache.values = version, values
    if has_request_context():
        environ[ENVIRON_KEY] = values
    return values


def last_known(key: str) -> object | None:
    """The value this process last read for `key`, without asking the database or Redis
    (an error page while they are down); None when it has read none."""
    return _cache(current_app._get_current_object()).values.get(key)


def get(key: str) -> object:
    """The value of a declared setting (KeyError for a key nobody declared)."""
    setting = declared()[key]
    return current_values().get(key, setting.default)


def forget() -> None:
    """Drop this process's cached values (after a save, before anything reads again)."""
    _cache(current_app._get_current_object()).clear()
    if has_request_context():
        request.environ.pop(ENVIRON_KEY, None)


__all__ = ["current_values", "decode", "forget", "get", "last_known", "load"]
